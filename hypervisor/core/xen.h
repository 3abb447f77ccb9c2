/*
 * The Xen guest interface of Xen-aware domains (the LCM's
 * hyperlaunch,xen-interface): what an unmodified Linux built with
 * CONFIG_XEN needs of a hypervisor on arm64 (docs/xen-interface.md).
 * xen.c dispatches the calls and serves xen_version, memory_op, vcpu_op,
 * hvm_op and sched_op; evtchn.c the 2-level event channels; gnttab.c the
 * v1 grant tables. Numbers and layouts: <hyperlaunch/xen-abi.h>.
 *
 * One lock (xen_lock, a leaf but for the vGIC and run-queue locks that an
 * upcall takes) guards the Xen state of every domain: event channels join
 * two domains, and a domain's state is freed when its memory is given
 * back, so a peer must never see it half gone. Each operation under it is
 * short and bounded.
 */
#ifndef HV_XEN_H
#define HV_XEN_H

#include <hyperlaunch/lcm-abi.h>
#include <hyperlaunch/xen-abi.h>

#include "core/types.h"

struct domain;
struct vcpu;

#define XEN_MAX_PORTS      1024 /* event channels per domain (2-level allows 4096) */
#define XEN_MAX_GNT_FRAMES 8    /* grant-table frames: 4096 v1 entries */
#define XEN_MAX_VCPUS      64   /* LCM_MAX_VCPUS */
/* Grants of others mapped at once (handles), in pages of XEN_MAPS_PER_PAGE
 * allocated as the domain maps more: Linux's xen-blkback alone keeps up
 * to 1056 grants of each frontend queue mapped (its persistent grants),
 * more while requests are in flight; an 8 MiB write through it needed
 * more than 256. */
#define XEN_MAX_MAPS      4096
#define XEN_MAPS_PER_PAGE 128

struct xen_port {
	uint8_t state;  /* EVTCHNSTAT_* */
	uint8_t virq;   /* EVTCHNSTAT_virq */
	uint16_t peer;  /* unbound: the domid that may bind; interdomain: its domid */
	uint32_t rport; /* interdomain: the peer's port */
	uint32_t vcpu;  /* the vCPU it notifies */
};

/* A grant of another domain mapped in this one's stage 2. */
struct xen_map {
	bool used;
	bool readonly;
	uint16_t granter; /* its domid */
	uint32_t ref;
	uint64_t gfn; /* where (host_addr) */
	paddr_t pa;   /* the granter's page */
};

struct xen_domain {
	bool has_shinfo;
	paddr_t shinfo;                   /* the guest's page chosen as shared_info */
	paddr_t vcpu_info[XEN_MAX_VCPUS]; /* registered vcpu_info; 0: none */
	struct xen_port port[XEN_MAX_PORTS];
	unsigned nr_gnt;                       /* grant frames allocated */
	paddr_t gnt[XEN_MAX_GNT_FRAMES];       /* hypervisor pages */
	uint64_t gnt_gpfn[XEN_MAX_GNT_FRAMES]; /* where the guest mapped each; 0: not */
	/* Handle h is entry h % XEN_MAPS_PER_PAGE of page h / XEN_MAPS_PER_PAGE,
	 * the pages allocated in order, none given back before the domain. */
	paddr_t map_page[XEN_MAX_MAPS / XEN_MAPS_PER_PAGE];
	unsigned nr_map_pages;
	uint16_t channels[LCM_MAX_XEN_PEERS]; /* peers it declared (LCM) */
	unsigned nr_channels;
	uint32_t store_domid; /* its store's, or LCM_DOMID_FIRST_RESERVED */
	bool has_store;       /* the ring below is made */
	bool store_ready;     /* the store mapped it (grant entry 1): atomic */
	paddr_t store;        /* its store ring, at its area's end (xen_store_ipa) */
	uint32_t store_port;
	/* Its grant-table window (XEN_GUEST_GNTTAB_SIZE), the store page
	 * right after it: xen_area(). */
	uint64_t area;
	bool direct; /* its RAM at its physical address (the hardware domain) */
};

struct domain_config;
struct lcm_domain;
struct lcm_launch;
struct platform;
/* At boot, from the machine's RAM: where a direct-mapped domain's
 * grant-table window goes (xen_area). */
void xen_init(const struct platform *p);
/* Where a Xen-aware domain's grant-table window is (its store page at
 * + XEN_GUEST_GNTTAB_SIZE): Xen's domU address XEN_GUEST_GNTTAB_BASE, or
 * for a @direct domain (RAM at its physical address: the hardware domain,
 * whose address space is the machine's, on QEMU virt a PCIe window over
 * 0x38000000) the first 2 MiB boundary above the machine's RAM, where no
 * RAM of any domain and, on the machines we know, no device is. Known
 * before any domain is built: the store's plan carries it. */
uint64_t xen_area(bool direct);
/* The store page's frame of LCM domain @ld (the plan's store-gfn). */
uint64_t xen_store_gfn(const struct lcm_domain *ld);
/* The Xen state of a Xen-aware domain, at the start of its build: the
 * channels its LCM node declares, its store's domid; -1 when out of
 * memory. */
int xen_domain_init(struct domain *d, const struct domain_config *c);
/* Whether @d's address space leaves its grant-table window and store
 * page (xen_area()) free: no RAM, no
 * device there (a hardware domain's address space is the machine's); else
 * false with *@at the first address taken. At the end of its build. */
bool xen_window_free(struct domain *d, uint64_t *at);
/* At the end of its build, its address space made: when a XENSTORE domain
 * serves it, its store ring (a page after its window, "reconnect"),
 * an unbound port for the store, and grant entry 1 granting the ring to
 * the store (what Xen's tools seed). -1 when out of memory. */
int xen_domain_built(struct domain *d);
/* A domain with a store starts once the store has taken its ring (mapped
 * its grant entry 1, as XS_INTRODUCE does), not at the launch's end:
 * Linux talks to its store from early in its boot on, and the design's
 * order is the store first. */
bool xen_waits_for_store(const struct domain *d);

/* The Xen part of @c for LCM domain @ld of launch @l (@l may be NULL):
 * its channels (those it declares, and the backends of its split
 * devices), its store, and for the XENSTORE domain the plan. */
void xen_config(struct domain_config *c, const struct lcm_launch *l, const struct lcm_domain *ld);
/* The policy's rule for OP_XEN_EVTCHN and OP_XEN_GRANT: @s and @o are
 * joined by a channel one of them declares, or one of them is the
 * XENSTORE domain. */
bool xen_channel_declared(const struct domain *s, const struct domain *o);
/* Its end, when its memory is given back: its event channels are closed
 * (their peers' ends become unbound) and its state freed. */
void xen_domain_release(struct domain *d);

/* A domain ended (powered off, stopped, destroyed): the XENSTORE domain's
 * VIRQ_DOM_EXC is raised, as Xen does, so that xenstored looks. */
void xen_domain_ended(void);

/* The XENSTORE domain's plan (xsplan.c): the node XEN_PLAN_NODE, written
 * with libfdt's sequential-write functions into its device tree @fdt,
 * listing the store's clients and the split devices of launch @l
 * (docs/xen-interface.md, "The plan"); 0 or a libfdt error. */
#define XEN_PLAN_NODE   "xenstore-plan"
#define XEN_PLAN_COMPAT "hyperlaunch,xenstore-plan"
int xen_plan_write(void *fdt, const struct lcm_launch *l);
/* The port of a domain's store: the first, as Xen's domain builder makes
 * it before the guest runs. */
#define XEN_STORE_PORT 1

/* What the vCPU does after the call. */
enum xen_next { XEN_NEXT_CONTINUE, XEN_NEXT_YIELD, XEN_NEXT_BLOCK };

/* The call @nr with arguments @a[0..4] by @v, a vCPU of a Xen-aware
 * domain, loaded on this CPU: the value for x0 (a negative errno when it
 * failed, -XEN_ENOSYS for anything not served). */
int64_t xen_hypercall(struct vcpu *v, uint64_t nr, const uint64_t a[5], enum xen_next *next);

/* --- shared by xen.c, evtchn.c, gnttab.c ------------------------------------- */

/* Copy between the caller's memory at guest virtual address @va (through
 * its stage 1, then its stage 2) and @buf; false when part of it is not
 * mapped, not writable (to the guest) or not the caller's RAM. */
bool xen_copy_from(struct vcpu *v, uint64_t va, void *buf, size_t n);
bool xen_copy_to(struct vcpu *v, uint64_t va, const void *buf, size_t n);
/* The physical page behind guest frame @gfn of @d's RAM; false when it is
 * not RAM of @d. */
bool xen_ram_page(struct domain *d, uint64_t gfn, paddr_t *pa);
/* The domain a Xen domid names for @self (DOMID_SELF is @self), Xen-aware
 * and not ended; NULL otherwise. Under xen_lock. */
struct domain *xen_peer(struct domain *self, uint32_t domid);

unsigned long xen_lock(void);
void xen_unlock(unsigned long flags);

int64_t evtchn_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
/* Raise every port of @d bound to @virq (xen_lock held). */
void evtchn_raise_virq(struct domain *d, unsigned virq);
/* Close every port of @d (xen_lock held). */
void evtchn_close_all(struct domain *d);
int64_t gnttab_op(struct vcpu *v, uint64_t cmd, uint64_t uops, uint64_t count);
/* XENMAPSPACE_grant_table: frame @idx of @d's table at @gpfn. */
int64_t gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gpfn);
/* Give back the table's frames (no CPU runs the domain any more). */
void gnttab_free(struct xen_domain *x);
/* Entry @ref of @d's table (the table grown to hold it) set to @raw; -1
 * when out of memory. Before the domain runs. */
int gnttab_seed(struct domain *d, uint32_t ref, uint64_t raw);
/* Make port @port of @d unbound for @peer (before the domain runs). */
void evtchn_seed_unbound(struct domain *d, uint32_t port, uint32_t peer);
/* Unmap every grant of @g that another domain maps (xen_lock held): @g's
 * memory is about to be given back. */
void gnttab_revoke(struct domain *g);
/* Change the stage-2 page at @gfn of @d (its RAM: touched first, so that
 * a later first touch does not map over it): unmap it, or map @pa
 * (read-only with @readonly) where nothing is mapped. False when it is not
 * RAM of @d, something is mapped there already (map) or the tables could
 * not grow. */
bool xen_unmap_gfn(struct domain *d, uint64_t gfn);
bool xen_map_gfn(struct domain *d, uint64_t gfn, paddr_t pa, bool readonly);

#endif /* HV_XEN_H */
