/*
 * Domains: the table of domains in creation (LCM) order, their life cycle
 * and what their address space holds besides RAM (the emulated devices).
 * A domain is built on the boot CPU during the launch (builder.c), started
 * once (domain_start), and ends once: powered off by itself (PSCI) or
 * stopped by a fault. The end is a compare-and-swap on its state, so two
 * vCPUs faulting at once print one line. When the last running domain ends,
 * the launch decides what the machine does (launch_all_off).
 *
 * Lock order: a domain's cfg_lock, then bootmod's lock; a vCPU's run-queue
 * lock (sched.c) is a leaf; the console's locks are taken after it is
 * released. The table only grows, one writer at a time (the boot CPU
 * during the launch, then HL_DOMAIN_CREATE under its lock): a domain is
 * published, whole, with a release store of the count that readers load
 * with acquire (domain_count), so no CPU ever sees one half built.
 */
#include <stdarg.h>
#include <string.h>

#include <fmt/fmt.h>

#include "core/arch.h"
#include "core/bootmod.h"
#include "core/console.h"
#include "core/create.h"
#include "core/domain.h"
#include "core/xen.h"
#include "core/passthrough.h"
#include "core/launch.h"
#include "core/measure.h"
#include "core/mm.h"
#include "core/mmio.h"
#include "core/sched.h"
#include "core/spinlock.h"
#include "core/vcpu.h"


#define WINDOW (2 * MiB) /* scrubbed and mapped at first touch */

static bool window_touched(const struct domain *d, uint64_t w)
{
	return (d->touched[w / 64] >> (w % 64)) & 1;
}

/* Scrubbed per step when a domain's memory is given back. */
#define RECLAIM_STEP (4 * MiB)

static struct domain *domains[HV_MAX_DOMAINS];
static struct spinlock reclaim_lock;
static unsigned nr_domains;
/* Domains running, plus one held by the launch until every domain that
 * will start has started (else an early power-off ends the machine). */
static int nr_running = 1;

/* The core's emulated device of every domain: the PL011 console UART. */
static bool uart_access(struct vcpu *v, void *arg, uint64_t offset, unsigned size, bool write,
			uint64_t *val)
{
	(void)arg;
	vuart_access(v->dom, offset, size, write, val);
	return true;
}

struct domain *domain_create(const char *name, uint32_t domid)
{
	if (nr_domains == HV_MAX_DOMAINS || nr_domains >= arch_max_vmid()) {
		return NULL;
	}
	paddr_t p = mm_alloc(sizeof(struct domain), PAGE_SIZE, MM_HV);
	if (mm_failed(p)) {
		return NULL;
	}
	struct domain *d = pa_ptr(p);
	if (arch_domain_init(d) != 0) {
		mm_free(p, sizeof(struct domain));
		return NULL;
	}
	d->index = nr_domains; /* the next slot: published by domain_publish() */
	d->domid = domid;
	console_sanitize(d->name, sizeof(d->name), name, strnlen(name, sizeof(d->name) - 1));
	d->ram_base = arch_guest_ram_base();
	vuart_init(&d->vuart);
	if (mmio_register(d, arch_guest_uart_base(), VUART_SIZE, uart_access, NULL, "PL011") != 0) {
		arch_domain_free(d);
		mm_free(p, sizeof(struct domain));
		return NULL;
	}
	return d;
}

void domain_publish(struct domain *d)
{
	domains[d->index] = d;
	/* Release: a CPU that sees the new count sees the whole domain. */
	__atomic_store_n(&nr_domains, d->index + 1, __ATOMIC_RELEASE);
}

void domain_release(struct domain *d)
{
	pt_release(d); /* its interrupts first: none may reach it after this */
	xen_domain_release(d);
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		arch_vcpu_free(&d->vcpus[i]);
	}
	if (d->vcpus != NULL) {
		mm_free(pa_of(d->vcpus), d->nr_vcpus * sizeof(struct vcpu));
		d->vcpus = NULL;
	}
	d->nr_vcpus = 0;
	if (d->s2 != NULL) {
		arch_stage2_destroy(d->s2);
		d->s2 = NULL;
	}
	for (unsigned i = 0; i < d->nr_mem; i++) {
		if (d->mem[i].owned) {
			mm_free(d->mem[i].pa, d->mem[i].size);
		}
	}
	d->nr_mem = 0;
	if (d->touched != NULL) {
		uint64_t windows = (d->ram_size + WINDOW - 1) / WINDOW;
		mm_free(pa_of(d->touched), (windows + 63) / 64 * 8);
		d->touched = NULL;
	}
	arch_domain_free(d);
}

unsigned domain_count(void)
{
	return __atomic_load_n(&nr_domains, __ATOMIC_ACQUIRE);
}

struct domain *domain_find(uint64_t domid)
{
	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *d = domains[i];
		if (d->domid == domid) {
			return d;
		}
	}
	return NULL;
}

struct domain *domain_get(unsigned index)
{
	return index < domain_count() ? domains[index] : NULL;
}

bool domain_start(struct domain *d)
{
	int expected = DOM_NEW;

	/* Counted before it can end (an end counts one less), and started
	 * once: of two callers racing to unpause it, one starts it. */
	__atomic_add_fetch(&nr_running, 1, __ATOMIC_ACQ_REL);
	if (d->nr_vcpus == 0 ||
	    !__atomic_compare_exchange_n(&d->state, &expected, DOM_RUNNING, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		/* Back to what it was; had that been 0, the machine's all-off
		 * came before this call and is not for it to repeat. */
		__atomic_sub_fetch(&nr_running, 1, __ATOMIC_ACQ_REL);
		return false;
	}
	/* Under its configuration lock: a Boot Domain configuring it checks
	 * has_run and rewrites its memory under the same lock, so that is
	 * over before its first vCPU is on. Then its in-place modules stop
	 * being boot material. */
	unsigned long flags = spin_lock_irqsave(&d->cfg_lock);
	measure_domain_start(d); /* as configured, before it runs */
	__atomic_store_n(&d->has_run, true, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&d->cfg_lock, flags);
	bootmod_domain_takes(d);
	vcpu_on(&d->vcpus[0], d->entry, d->entry_arg);
	return true;
}

static void one_less_running(void)
{
	if (__atomic_sub_fetch(&nr_running, 1, __ATOMIC_ACQ_REL) == 0) {
		launch_all_off();
	}
}

void domains_launched(void)
{
	one_less_running();
}

/* The first end of a running domain: stop its vCPUs, then say why. */
static bool domain_end(struct domain *d, enum domain_state how, const char *line)
{
	int expected = DOM_RUNNING;

	if (!__atomic_compare_exchange_n(&d->state, &expected, how, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		return false;
	}

	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = &d->vcpus[i];
		struct vcpu_locked l = vcpu_lock(v);
		__atomic_store_n(&v->power, VCPU_OFF, __ATOMIC_RELEASE);
		v->boot_pending = false;
		bool running = v->running;
		vcpu_unlock(l);
		if (running) {
			sched_kick(v); /* it leaves the guest at once */
		}
	}
	console_domain_flush(d);
	printk("domain %u %s: %s\n", d->domid, d->name, line);
	xen_domain_ended();
	/* A creation it had under way cannot be finished by anyone. */
	create_caller_ended(d);
	/* The launch judges an end before the all-off count may finish it. */
	launch_domain_ended(d, how);
	one_less_running();
	return true;
}

void domain_power_off(struct domain *d, const char *why)
{
	char line[160];

	if (why == NULL) {
		domain_end(d, DOM_OFF, "powered off");
		return;
	}
	fmt_snprintf(line, sizeof(line), "powered off (%s)", why);
	domain_end(d, DOM_OFF, line);
}

void domain_stop(struct domain *d, const char *fmt, ...)
{
	char line[200];
	va_list ap;

	memcpy(line, "stopped: ", 9);
	va_start(ap, fmt);
	fmt_vsnprintf(line + 9, sizeof(line) - 9, fmt, ap);
	va_end(ap);
	domain_end(d, DOM_STOPPED, line);
}

bool domain_destroy(struct domain *d, enum domain_state how, const char *why)
{
	/* Whatever state it is in when this CPU gets there: another may be
	 * ending it (a fault, its own power-off) at the same moment. */
	for (;;) {
		int st = domain_state(d);
		switch (st) {
		case DOM_NEW:
			/* Never run: no vCPU is on a CPU, nothing to stop. */
			if (!__atomic_compare_exchange_n(&d->state, &st, how, false,
							 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
				continue;
			}
			printk("domain %u %s: %s\n", d->domid, d->name, why);
			break;
		case DOM_RUNNING:
			if (!domain_end(d, how, why)) {
				continue;
			}
			break;
		case DOM_OFF:
		case DOM_STOPPED:
			/* Already off: only destroying it is left, and its memory. */
			if (how != DOM_DESTROYED) {
				return false;
			}
			if (!__atomic_compare_exchange_n(&d->state, &st, DOM_DESTROYED, false,
							 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
				continue;
			}
			printk("domain %u %s: %s\n", d->domid, d->name, why);
			break;
		default:
			return false; /* destroyed already */
		}
		break;
	}
	if (how == DOM_DESTROYED) {
		domain_give_back(d);
	}
	return true;
}

/* Pausing reuses the power state's path out of the guest: sched_must_leave()
 * and put_back() look at d->paused. */
void domain_pause(struct domain *d)
{
	__atomic_store_n(&d->paused, true, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		sched_kick(&d->vcpus[i]);
	}
}

void domain_resume(struct domain *d)
{
	__atomic_store_n(&d->paused, false, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = &d->vcpus[i];
		struct vcpu_locked l = vcpu_lock(v);
		sched_enqueue(l);
		vcpu_unlock(l);
		sched_kick(v);
	}
}

bool domain_on_cpu(struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = &d->vcpus[i];
		struct vcpu_locked l = vcpu_lock(v);
		bool busy = v->running || v->on_rq || arch_vcpu_sleeping(v);
		vcpu_unlock(l);
		if (busy) {
			return true;
		}
	}
	return false;
}

/* Domains to give back and not given back yet: CPU 0's tick takes its
 * CPU from its vCPU while there are (domains_reclaim_pending). */
static int nr_to_give_back;

void domain_give_back(struct domain *d)
{
	if (!__atomic_exchange_n(&d->give_back, true, __ATOMIC_ACQ_REL)) {
		__atomic_add_fetch(&nr_to_give_back, 1, __ATOMIC_ACQ_REL);
	}
}

bool domains_reclaim_pending(void)
{
	return __atomic_load_n(&nr_to_give_back, __ATOMIC_ACQUIRE) > 0;
}

/* With reclaim_lock: scrub at least RECLAIM_STEP bytes of @d's RAM (or
 * what is left), from where the last step stopped: every piece mapped in
 * place (boot modules only it used, its own), the windows of fresh pieces
 * it touched (the others it never saw: they were never scrubbed for it,
 * and are not now). True when all of it is done. The next owner must
 * never see this domain's data, and none of it lingers in free memory. */
static bool scrub_chunk(struct domain *d)
{
	uint64_t done = 0, base = ipa_addr(d->ram_base);

	while (d->scrub_piece < d->nr_mem && done < RECLAIM_STEP) {
		struct domain_mem *m = &d->mem[d->scrub_piece];
		uint64_t at = ipa_addr(m->ipa) + d->scrub_off;
		uint64_t end = align_down(at - base, WINDOW) + base + WINDOW;
		if (end > ipa_addr(m->ipa) + m->size) {
			end = ipa_addr(m->ipa) + m->size;
		}
		if (!m->lazy || window_touched(d, (at - base) / WINDOW)) {
			arch_zero_pages(pa_add(m->pa, d->scrub_off), end - at, false);
			done += end - at;
		}
		d->scrub_off += end - at;
		if (d->scrub_off == m->size) {
			/* Pieces mapped in place were boot modules only it
			 * used: once scrubbed they are free memory like the rest. */
			m->owned = true;
			d->scrub_off = 0;
			d->scrub_piece++;
		}
	}
	return d->scrub_piece == d->nr_mem;
}

bool domains_reclaim_step(bool *waiting)
{
	bool did = false;
	*waiting = false;
	/* The scheduler of CPU 0 asks between every two vCPUs: nothing to do
	 * is one load, not a scan of the table under a lock. */
	if (!domains_reclaim_pending()) {
		return false;
	}
	unsigned long flags = spin_lock_irqsave(&reclaim_lock);
	for (unsigned i = 0; i < domain_count() && !did; i++) {
		struct domain *d = domains[i];
		if (!__atomic_load_n(&d->give_back, __ATOMIC_ACQUIRE) || d->released) {
			continue;
		}
		/* A CPU may still be leaving one of its vCPUs: not yet. */
		if (domain_on_cpu(d)) {
			*waiting = true;
			continue;
		}
		if (d->scrub_piece == 0 && d->scrub_off == 0) {
			bootmod_domain_takes(d);
		}
		did = true;
		if (scrub_chunk(d)) {
			uint64_t bytes = d->ram_size;
			domain_release(d);
			__atomic_store_n(&d->released, true, __ATOMIC_RELEASE);
			__atomic_sub_fetch(&nr_to_give_back, 1, __ATOMIC_ACQ_REL);
			printk("launch: reclaim: %s's %llu MiB scrubbed and returned\n", d->name,
			       (unsigned long long)(bytes / MiB));
		}
	}
	spin_unlock_irqrestore(&reclaim_lock, flags);
	return did;
}

/* Page by page through the domain's stage-2 tables (the pieces of guest
 * RAM need not be contiguous in physical memory), copying in either
 * direction; what is written is cleaned to the point of coherency, for a
 * guest that may run with its caches off. */
static bool copy_ram(struct domain *d, uint64_t a, char *buf, size_t n, bool to_guest)
{
	if (a + n < a) {
		return false;
	}
	while (n > 0) {
		paddr_t pa;
		size_t chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));
		if (chunk > n) {
			chunk = n;
		}
		if (!arch_stage2_translate(d->s2, ipa_init(a), &pa) &&
		    (!domain_touch(d, ipa_init(a)) ||
		     !arch_stage2_translate(d->s2, ipa_init(a), &pa))) {
			return false;
		}
		if (to_guest) {
			memcpy(pa_ptr(pa), buf, chunk);
			arch_dcache_clean(pa, chunk);
		} else {
			memcpy(buf, pa_ptr(pa), chunk);
		}
		buf += chunk;
		a += chunk;
		n -= chunk;
	}
	return true;
}

bool domain_write_ram(struct domain *d, ipaddr_t ipa, const void *buf, size_t n)
{
	return copy_ram(d, ipa_addr(ipa), (char *)(uintptr_t)buf, n, true);
}

bool domain_read_ram(struct domain *d, ipaddr_t ipa, void *buf, size_t n)
{
	return copy_ram(d, ipa_addr(ipa), buf, n, false);
}

bool domain_is_ram(struct domain *d, ipaddr_t ipa)
{
	uint64_t a = ipa_addr(ipa), base = ipa_addr(d->ram_base);

	/* All of [base, base + ram_size) is RAM, touched yet or not. */
	return d->nr_mem > 0 && a >= base && a - base < d->ram_size;
}

int domain_touch_init(struct domain *d)
{
	uint64_t windows = (d->ram_size + WINDOW - 1) / WINDOW;
	paddr_t p = mm_alloc((windows + 63) / 64 * 8, PAGE_SIZE, MM_HV);

	if (mm_failed(p)) {
		return -1;
	}
	d->touched = pa_ptr(p);
	return 0;
}

bool domain_touch(struct domain *d, ipaddr_t ipa)
{
	uint64_t a = ipa_addr(ipa), base = ipa_addr(d->ram_base);
	bool ok = true;

	if (d->touched == NULL || !domain_is_ram(d, ipa)) {
		return false;
	}
	uint64_t w = (a - base) / WINDOW;
	uint64_t ws = base + w * WINDOW, we = ws + WINDOW;
	unsigned long flags = spin_lock_irqsave(&d->touch_lock);
	if (!window_touched(d, w)) {
		for (unsigned i = 0; i < d->nr_mem && ok; i++) {
			const struct domain_mem *m = &d->mem[i];
			uint64_t s = ipa_addr(m->ipa), e = s + m->size;
			s = s > ws ? s : ws;
			e = e < we ? e : we;
			if (!m->lazy || s >= e) {
				continue;
			}
			/* A try that ran out of page-table memory mapped a prefix
			 * of the part (stage 2 maps in ascending order): that is
			 * the guest's already, kept as it is; the rest is done. */
			paddr_t mapped;
			while (s < e && arch_stage2_translate(d->s2, ipa_init(s), &mapped)) {
				s += PAGE_SIZE;
			}
			if (s == e) {
				continue;
			}
			paddr_t pa = pa_add(m->pa, s - ipa_addr(m->ipa));
			/* Cleaned too: the guest may run with its caches off. */
			arch_zero_pages(pa, e - s, true);
			ok = arch_stage2_map(d->s2, ipa_init(s), pa, e - s) == 0;
		}
		if (ok) {
			d->touched[w / 64] |= 1ull << (w % 64);
		}
	}
	spin_unlock_irqrestore(&d->touch_lock, flags);
	return ok;
}

bool domain_mapped(struct domain *d, ipaddr_t ipa)
{
	paddr_t pa;
	unsigned long flags = spin_lock_irqsave(&d->touch_lock);
	bool mapped = arch_stage2_translate(d->s2, ipa, &pa);

	spin_unlock_irqrestore(&d->touch_lock, flags);
	return mapped;
}

struct domain_counts domain_counts(void)
{
	struct domain_counts c = { .total = domain_count() };

	for (unsigned i = 0; i < c.total; i++) {
		switch (domain_state(domains[i])) {
		case DOM_NEW:
			c.not_started++;
			break;
		case DOM_RUNNING:
			c.running++;
			break;
		case DOM_OFF:
			c.off++;
			break;
		case DOM_STOPPED:
			c.stopped++;
			break;
		case DOM_DESTROYED:
			c.destroyed++;
			break;
		}
	}
	return c;
}
