/*
 * Domains: what the launch builds from each LCM domain node (or the classic
 * dom0), their life cycle (running, powered off, stopped by a fault) and
 * the devices of their address space (the MMIO registry, mmio.h).
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include "core/console.h"
#include "core/mmio.h"
#include "core/spinlock.h"
#include "core/types.h"
#include "core/vuart.h"

struct vcpu;
struct stage2;
struct arch_domain;
struct xen_domain;
struct pt_assign;

/* Domains in one boot at most: arm64's 8-bit VMIDs (stage2.c) give 255;
 * arch_max_vmid() may allow fewer. */
#define HV_MAX_DOMAINS  255
#define DOMAIN_NAME_MAX 32
#define DOMAIN_MAX_MEM  16 /* pieces of guest RAM */

/* A security-id and its NUL (LCM_SECURITY_ID_MAX + 1). */
#define DOMAIN_LABEL_MAX 64

enum domain_state {
	DOM_NEW, /* being built, or not started */
	DOM_RUNNING,
	DOM_OFF,       /* powered itself off */
	DOM_STOPPED,   /* stopped by a fault */
	DOM_DESTROYED, /* ended by HL_DOMAIN_DESTROY (or a Boot Domain done) */
};

/* A piece of guest RAM: @size bytes at @ipa backed by @pa. @owned pieces
 * came from the page allocator; the others are boot modules mapped in place.
 * Fresh pieces are @lazy: a 2 MiB window of guest RAM is scrubbed and
 * mapped the first time anyone touches it (domain_touch). */
struct domain_mem {
	ipaddr_t ipa;
	paddr_t pa;
	uint64_t size;
	bool owned;
	bool lazy; /* fresh: scrubbed and mapped when first touched */
};

struct domain {
	unsigned index; /* creation order, from 0 */
	uint32_t domid;
	char name[DOMAIN_NAME_MAX];
	uint32_t permissions; /* LCM_PERMISSION_* */
	uint32_t functions;   /* LCM_FUNCTION_* */
	int state;            /* enum domain_state, atomic */
	bool has_run;         /* was ever unpaused (HL_INFO_HAS_RUN) */
	bool ready;           /* called HL_READY (HL_INFO_READY) */
	bool paused;          /* HL_DOMAIN_PAUSE: its vCPUs are kept off the CPUs */
	bool give_back;       /* its memory is to be given back (atomic) */
	bool released;        /* its memory and vCPUs are given back (atomic) */
	unsigned scrub_piece; /* how far the give-back got (reclaim_lock) */
	uint64_t scrub_off;
	/* Taken around has_run becoming true and by whoever changes a domain
	 * that never ran (HL_BOOT_CONFIGURE): not both at once. */
	struct spinlock cfg_lock;

	ipaddr_t ram_base;
	uint64_t ram_size;
	struct domain_mem mem[DOMAIN_MAX_MEM];
	unsigned nr_mem;
	uint64_t *touched; /* a bit per 2 MiB window of RAM: scrubbed, mapped */
	struct spinlock touch_lock;
	struct stage2 *s2;

	unsigned nr_vcpus;
	struct vcpu *vcpus;
	ipaddr_t entry;     /* where vCPU 0 starts, with entry_arg */
	uint64_t entry_arg; /* in its first register (the boot protocol's) */
	ipaddr_t dt;        /* its device tree (HL_BOOT_CONFIGURE rewrites it) */
	uint64_t dt_room;   /* bytes at dt its device tree may fill */

	struct vuart vuart;
	struct mmio_region mmio[DOMAIN_MAX_MMIO]; /* its devices (mmio.h) */
	unsigned nr_mmio;
	struct domain_console console;
	struct arch_domain *arch; /* arm64: virtual GIC distributor, counter offset */
	struct xen_domain *xen;   /* its Xen guest interface (core/xen.h), or NULL */

	/* For the policy check (policy.c): its security-id, that label's type
	 * in the label policy, its LCM_SAFETY_* class. */
	char label[DOMAIN_LABEL_MAX];
	uint32_t label_type;
	uint8_t safety;
	struct pt_assign *pt; /* its passed-through devices, or NULL */
	uint64_t pinned;      /* CPUs its vCPUs own (sched.c), 0: none */
};

/* An empty domain (DOM_NEW) for the next index, not yet in the table;
 * NULL when none is left. */
struct domain *domain_create(const char *name, uint32_t domid);
/* Put a domain from domain_create(), built or refused, in the table, where
 * every CPU may see it (domain_count, domain_get). */
void domain_publish(struct domain *d);
/* Give back what a domain that never ran holds; it stays listed, not started. */
void domain_release(struct domain *d);
unsigned domain_count(void);
struct domain *domain_get(unsigned index);
/* The domain with @domid (published), or NULL. */
struct domain *domain_find(uint64_t domid);

/* Start vCPU 0 of a built domain that never ran at its entry (the
 * launch's unpause, HL_DOMAIN_UNPAUSE); false when it is not built or not
 * new (already started, or destroyed): only one caller starts it. */
bool domain_start(struct domain *d);
/* Pause a running domain (its vCPUs leave their CPUs at their next exit and
 * are not queued again) or resume it. */
void domain_pause(struct domain *d);
void domain_resume(struct domain *d);
/* End @d for good (HL_DOMAIN_DESTROY, a Boot Domain done): a running domain
 * stops like domain_stop() with the line "domain ID NAME: @why"; one never
 * run just changes state; with DOM_DESTROYED, one that is off already
 * becomes destroyed. Then its memory is given back (domain_give_back).
 * False when there was nothing to do: another end came first. */
bool domain_destroy(struct domain *d, enum domain_state how, const char *why);
/* Whether a CPU still runs one of @d's vCPUs (the reclaim waits for none). */
bool domain_on_cpu(struct domain *d);
/* Give back @d's memory, scrubbed, and its vCPUs, once no CPU runs it:
 * done in steps by domains_reclaim_step(), which prints "launch: reclaim:
 * NAME's N MiB scrubbed and returned" when it is over. @d must have ended. */
void domain_give_back(struct domain *d);
/* One bounded step (a few MiB scrubbed) of giving back the memory of ended
 * domains; CPU 0's scheduler loop calls it between vCPUs, out of interrupt
 * context. False when there was nothing to do; *@waiting: a domain waits
 * for a CPU to leave its vCPU. */
bool domains_reclaim_step(bool *waiting);
/* Whether some ended domain's memory is still to be given back. */
bool domains_reclaim_pending(void);
/* Copy @n bytes from @buf to guest address @ipa of @d (cleaned to the
 * point of coherency: the guest may run with its caches off). */
bool domain_write_ram(struct domain *d, ipaddr_t ipa, const void *buf, size_t n);
/* Every domain that will start has started: from now on, when the last
 * running domain ends, launch_all_off() runs. */
void domains_launched(void);

static inline enum domain_state domain_state(const struct domain *d)
{
	return (enum domain_state)__atomic_load_n(&d->state, __ATOMIC_ACQUIRE);
}

/* The domain ends: every vCPU stops, the console prints what is left of
 * its line and then "domain ID NAME: powered off (WHY)" or "...: stopped:
 * WHY". Only the first call for a domain acts. */
void domain_power_off(struct domain *d, const char *why);
void domain_stop(struct domain *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copy @n bytes at guest address @ipa of @d's RAM into @buf; false when
 * part of it is not RAM of @d. */
bool domain_read_ram(struct domain *d, ipaddr_t ipa, void *buf, size_t n);
bool domain_is_ram(struct domain *d, ipaddr_t ipa);
/* The bookkeeping of @d's RAM windows (the builder, once its RAM size is
 * set); -1 when out of memory. */
int domain_touch_init(struct domain *d);
/* @ipa is in @d's RAM and was never touched: scrub (zero, clean to the
 * point of coherency) and map the lazy pieces of its 2 MiB window. True
 * when @ipa is RAM now mapped (also by another CPU meanwhile); false when
 * it is not RAM, or its stage-2 tables could not grow. Any CPU, any vCPU
 * of @d running meanwhile: the architecture calls it on a stage-2 fault
 * and retries the access. */
bool domain_touch(struct domain *d, ipaddr_t ipa);
/* Whether @ipa is mapped in @d's stage 2, once a change of its tables
 * under way on another CPU (a block split, core/xen.c) is over. */
bool domain_mapped(struct domain *d, ipaddr_t ipa);

/* Domains in each end state, for the launch's summary. */
struct domain_counts {
	unsigned total, running, off, stopped, not_started, destroyed;
};
struct domain_counts domain_counts(void);

#endif /* HV_DOMAIN_H */
