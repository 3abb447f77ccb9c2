/*
 * The Xen guest interface: the dispatcher of Xen hypercalls (HVC #0xEA1,
 * number in x16) made by Xen-aware domains, and the calls Linux makes at
 * boot: xen_version, memory_op (placing shared_info and the grant-table
 * frames), vcpu_op (vcpu_info), hvm_op (parameters) and sched_op. Event
 * channels are evtchn.c's, grant tables gnttab.c's. Every pointer a guest
 * passes is a virtual address of its own, translated through its stage 1
 * and then its stage 2 at call time: what is not its RAM is -EFAULT.
 * Anything not listed in xen_hypercall() is -ENOSYS (docs/xen-interface.md).
 */
#include "core/xen.h"

#include <string.h>

#include <lcm/lcm.h>

#include "core/arch.h"
#include "core/builder.h"
#include "core/console.h"
#include "core/domain.h"
#include "core/mm.h"
#include "core/platform.h"
#include "core/policy.h"
#include "core/spinlock.h"
#include "core/vcpu.h"

static struct spinlock lock;

unsigned long xen_lock(void)
{
	return spin_lock_irqsave(&lock);
}

void xen_unlock(unsigned long flags)
{
	spin_unlock_irqrestore(&lock, flags);
}

int xen_domain_init(struct domain *d, const struct domain_config *c)
{
	paddr_t p = mm_alloc(sizeof(struct xen_domain), PAGE_SIZE, MM_HV);

	if (mm_failed(p)) {
		return -1;
	}
	struct xen_domain *x = pa_ptr(p); /* zeroed: every port closed, nothing placed */
	for (unsigned i = 0; i < c->nr_channels && i < LCM_MAX_XEN_PEERS; i++) {
		x->channels[x->nr_channels++] = c->channels[i];
	}
	x->store_domid = c->store_domid;
	x->direct = c->hardware && arch_passthrough();
	x->area = xen_area(x->direct);
	d->xen = x;
	return 0;
}

static uint64_t direct_area = XEN_GUEST_GNTTAB_BASE;

void xen_init(const struct platform *p)
{
	uint64_t end = 0;
	for (unsigned i = 0; i < p->nr_ram; i++) {
		uint64_t e = pa_addr(p->ram[i].base) + p->ram[i].size;
		end = e > end ? e : end;
	}
	if (end != 0) {
		direct_area = (end + 2 * MiB - 1) & ~(2 * MiB - 1);
	}
}

uint64_t xen_area(bool direct)
{
	return direct ? direct_area : XEN_GUEST_GNTTAB_BASE;
}

uint64_t xen_store_gfn(const struct lcm_domain *ld)
{
	bool direct = (ld->permissions & LCM_PERMISSION_HARDWARE) != 0 && arch_passthrough();
	return (xen_area(direct) + XEN_GUEST_GNTTAB_SIZE) >> PAGE_SHIFT;
}

/* The store page of @x: right after its grant-table window. */
static uint64_t store_ipa(const struct xen_domain *x)
{
	return x->area + XEN_GUEST_GNTTAB_SIZE;
}

bool xen_window_free(struct domain *d, uint64_t *at)
{
	paddr_t pa;

	uint64_t base = d->xen->area;

	for (uint64_t a = base; a < base + XEN_GUEST_GNTTAB_SIZE; a += PAGE_SIZE) {
		if (arch_stage2_translate(d->s2, ipa_init(a), &pa) ||
		    domain_is_ram(d, ipa_init(a))) {
			*at = a;
			return false;
		}
	}
	*at = store_ipa(d->xen);
	return !arch_stage2_translate(d->s2, ipa_init(*at), &pa) &&
	       !domain_is_ram(d, ipa_init(*at));
}

int xen_domain_built(struct domain *d)
{
	struct xen_domain *x = d->xen;
	uint64_t gfn = store_ipa(x) >> PAGE_SHIFT;

	if (x->store_domid >= LCM_DOMID_FIRST_RESERVED || x->store_domid == d->domid) {
		return 0; /* no store, or it is the store (Linux makes its own) */
	}
	paddr_t ring = mm_alloc(PAGE_SIZE, PAGE_SIZE, MM_HV);
	if (mm_failed(ring)) {
		return -1;
	}
	/* "Reconnect": Linux waits for the store's event, the store sets
	 * "connected" when it takes the ring (XS_INTRODUCE). */
	*(uint32_t *)((uint8_t *)pa_ptr(ring) + XENSTORE_RING_CONNECTION) = XENSTORE_RECONNECT;
	if (arch_stage2_map_page(d->s2, ipa_init(store_ipa(x)), ring, false) != 0 ||
	    gnttab_seed(d, GNTTAB_RESERVED_XENSTORE,
			GTF_permit_access | (uint64_t)x->store_domid << 16 | gfn << 32) != 0) {
		mm_free(ring, PAGE_SIZE);
		return -1;
	}
	evtchn_seed_unbound(d, XEN_STORE_PORT, x->store_domid);
	x->store = ring;
	x->store_port = XEN_STORE_PORT;
	x->has_store = true;
	return 0;
}

bool xen_waits_for_store(const struct domain *d)
{
	return d->xen != NULL && d->xen->has_store &&
	       !__atomic_load_n(&d->xen->store_ready, __ATOMIC_ACQUIRE);
}

void xen_config(struct domain_config *c, const struct lcm_launch *l, const struct lcm_domain *ld)
{
	c->nr_channels = 0;
	for (uint32_t i = 0; i < ld->nr_channels && i < LCM_MAX_CHANNELS; i++) {
		c->channels[c->nr_channels++] = (uint16_t)lcm_channel(ld, i);
	}
	c->store_domid = LCM_DOMID_FIRST_RESERVED;
	c->xs_plan = NULL;
	if (l == NULL) {
		return;
	}
	bool store = l->xenstore >= 0 && l->domains[l->xenstore].xen;
	if (store) {
		c->store_domid = l->domains[l->xenstore].domid;
	}
	uint32_t i = 0;
	while (i < l->nr_domains && &l->domains[i] != ld) {
		i++;
	}
	if (i == l->nr_domains) {
		return; /* a created domain: the plan and split devices are the LCM's */
	}
	if (store && ld == &l->domains[l->xenstore]) {
		c->xs_plan = l;
	}
	/* A split device joins its frontend and its backend as a declared
	 * channel does (the frontend's list is enough: a channel joins two
	 * domains whichever declares it); each backend once. */
	for (uint32_t k = 0; k < ld->nr_xendevs; k++) {
		struct lcm_xendev x;
		if (!lcm_xendev(l, ld, k, &x)) {
			continue;
		}
		uint16_t id = (uint16_t)l->domains[x.backend].domid;
		unsigned n = 0;
		while (n < c->nr_channels && c->channels[n] != id) {
			n++;
		}
		if (n == c->nr_channels && n < LCM_MAX_XEN_PEERS) {
			c->channels[c->nr_channels++] = id;
		}
	}
}

static bool declares(const struct domain *s, uint32_t domid)
{
	for (unsigned i = 0; i < s->xen->nr_channels; i++) {
		if (s->xen->channels[i] == domid) {
			return true;
		}
	}
	return false;
}

bool xen_channel_declared(const struct domain *s, const struct domain *o)
{
	if (s->xen == NULL || o->xen == NULL) {
		return false;
	}
	return declares(s, o->domid) || declares(o, s->domid) ||
	       ((s->functions | o->functions) & LCM_FUNCTION_XENSTORE);
}

void xen_domain_release(struct domain *d)
{
	if (d->xen == NULL) {
		return;
	}
	unsigned long flags = xen_lock();
	struct xen_domain *x = d->xen;
	evtchn_close_all(d);
	gnttab_revoke(d);
	d->xen = NULL;
	xen_unlock(flags);
	gnttab_free(x);
	if (x->has_store) {
		mm_free(x->store, PAGE_SIZE);
	}
	mm_free(pa_of(x), sizeof(struct xen_domain));
}

struct domain *xen_peer(struct domain *self, uint32_t domid)
{
	struct domain *d = domid == XEN_DOMID_SELF ? self : domain_find(domid);

	if (d == NULL || d->xen == NULL || domain_state(d) > DOM_RUNNING) {
		return NULL;
	}
	return d;
}

/* --- guest memory ---------------------------------------------------------------- */

static bool copy(struct vcpu *v, uint64_t va, char *buf, size_t n, bool to_guest)
{
	if (va + n < va) {
		return false;
	}
	while (n > 0) {
		ipaddr_t ipa;
		size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		if (chunk > n) {
			chunk = n;
		}
		if (!arch_guest_va_to_ipa(v, va, to_guest, &ipa)) {
			return false;
		}
		bool ok = to_guest ? domain_write_ram(v->dom, ipa, buf, chunk)
				   : domain_read_ram(v->dom, ipa, buf, chunk);
		if (!ok) {
			return false;
		}
		buf += chunk;
		va += chunk;
		n -= chunk;
	}
	return true;
}

bool xen_copy_from(struct vcpu *v, uint64_t va, void *buf, size_t n)
{
	return copy(v, va, buf, n, false);
}

bool xen_copy_to(struct vcpu *v, uint64_t va, const void *buf, size_t n)
{
	return copy(v, va, (char *)(uintptr_t)buf, n, true);
}

/* The page that backs guest frame @gfn of @d's RAM, mapped or not. */
static bool ram_backing(const struct domain *d, uint64_t gfn, paddr_t *pa)
{
	uint64_t a = gfn << PAGE_SHIFT;

	for (unsigned i = 0; i < d->nr_mem; i++) {
		const struct domain_mem *m = &d->mem[i];
		if (a >= ipa_addr(m->ipa) && a - ipa_addr(m->ipa) < m->size) {
			*pa = pa_add(m->pa, a - ipa_addr(m->ipa));
			return true;
		}
	}
	return false;
}

/* @d's RAM frame @gfn: its address, or false when it is none. */
static bool ram_frame(struct domain *d, uint64_t gfn, ipaddr_t *ipa)
{
	if (gfn >= (1ull << (64 - PAGE_SHIFT))) {
		return false;
	}
	*ipa = ipa_init(gfn << PAGE_SHIFT);
	return domain_is_ram(d, *ipa);
}

/*
 * @d's own page at its RAM frame @gfn, touched (its 2 MiB window scrubbed
 * and mapped): never what another domain granted and @d mapped there, in
 * a frame it gave up (shared_info, vcpu_info, a grant or a copy placed
 * there would outlive the granter's memory or pass its read-only flag).
 */
bool xen_ram_page(struct domain *d, uint64_t gfn, paddr_t *pa)
{
	ipaddr_t ipa;
	paddr_t own;

	if (!ram_frame(d, gfn, &ipa) || !ram_backing(d, gfn, &own)) {
		return false;
	}
	if (!arch_stage2_translate(d->s2, ipa, pa) &&
	    !(domain_touch(d, ipa) && arch_stage2_translate(d->s2, ipa, pa))) {
		return false;
	}
	return pa_addr(*pa) == pa_addr(own);
}

/* @d's RAM frame @gfn, touched: mapped to anything, or given up. */
static bool touched_ram(struct domain *d, uint64_t gfn)
{
	ipaddr_t ipa;
	paddr_t pa;

	return ram_frame(d, gfn, &ipa) &&
	       (arch_stage2_translate(d->s2, ipa, &pa) || domain_touch(d, ipa));
}

bool xen_unmap_gfn(struct domain *d, uint64_t gfn)
{
	if (!touched_ram(d, gfn)) {
		return false;
	}
	unsigned long flags = spin_lock_irqsave(&d->touch_lock);
	int r = arch_stage2_unmap_page(d->s2, ipa_init(gfn << PAGE_SHIFT));
	spin_unlock_irqrestore(&d->touch_lock, flags);
	return r == 0;
}

bool xen_map_gfn(struct domain *d, uint64_t gfn, paddr_t pa, bool readonly)
{
	ipaddr_t ipa = ipa_init(gfn << PAGE_SHIFT);
	paddr_t now;
	bool ok = false;

	if (!touched_ram(d, gfn)) {
		return false;
	}
	unsigned long flags = spin_lock_irqsave(&d->touch_lock);
	if (!arch_stage2_translate(d->s2, ipa, &now)) {
		ok = arch_stage2_map_page(d->s2, ipa, pa, readonly) == 0;
	}
	spin_unlock_irqrestore(&d->touch_lock, flags);
	return ok;
}

/* --- xen_version ------------------------------------------------------------------ */

static int64_t xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	switch (cmd) {
	case XENVER_version:
		return (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR;
	case XENVER_extraversion: {
		static const char extra[16] = "-hyperlaunch";
		return xen_copy_to(v, arg, extra, sizeof(extra)) ? 0 : -XEN_EFAULT;
	}
	case XENVER_get_features: {
		struct xen_feature_info fi;
		if (!xen_copy_from(v, arg, &fi, sizeof(fi))) {
			return -XEN_EFAULT;
		}
		if (fi.submap_idx != 0) {
			return -XEN_EINVAL; /* XENFEAT_NR_SUBMAPS is 1 */
		}
		/* Guest frames are translated by stage 2 (without this bit
		 * Linux takes the PV paths) and are not the machine's, but
		 * for a direct-mapped domain (the hardware domain), whose
		 * devices do DMA to the addresses it gives them: told so,
		 * Linux gives its devices the machine address of a grant it
		 * mapped (dev_bus_addr, through swiotlb-xen). The XENSTORE
		 * domain is Xen's "initial domain": Linux then serves the
		 * store locally and may use privcmd. */
		fi.submap = (1u << XENFEAT_auto_translated_physmap) |
			    (v->dom->xen->direct ? 1u << XENFEAT_direct_mapped
						 : 1u << XENFEAT_not_direct_mapped) |
			    (v->dom->functions & LCM_FUNCTION_XENSTORE ? 1u << XENFEAT_dom0 : 0);
		return xen_copy_to(v, arg, &fi, sizeof(fi)) ? 0 : -XEN_EFAULT;
	}
	case XENVER_pagesize:
		return PAGE_SIZE;
	default:
		return -XEN_ENOSYS;
	}
}

/* --- memory_op -------------------------------------------------------------------- */

static int64_t add_to_physmap(struct vcpu *v, uint64_t arg)
{
	struct xen_add_to_physmap x;
	struct domain *d = v->dom;

	if (!xen_copy_from(v, arg, &x, sizeof(x))) {
		return -XEN_EFAULT;
	}
	if (x.domid != XEN_DOMID_SELF && x.domid != d->domid) {
		return -XEN_EPERM;
	}
	switch (x.space) {
	case XENMAPSPACE_shared_info: {
		/* The guest's own page becomes its shared_info: the events
		 * the hypervisor raises are written there. */
		paddr_t pa;
		if (x.idx != 0 || !xen_ram_page(d, x.gpfn, &pa)) {
			return -XEN_EINVAL;
		}
		unsigned long flags = xen_lock();
		d->xen->shinfo = pa;
		d->xen->has_shinfo = true;
		xen_unlock(flags);
		return 0;
	}
	case XENMAPSPACE_grant_table:
		return gnttab_map_frame(d, x.idx, x.gpfn);
	default:
		return -XEN_ENOSYS;
	}
}

/* Frames given in one call at most: Linux's balloon gives a page of them. */
#define XEN_MAX_EXTENTS 512

/*
 * decrease_reservation: the guest gives up pages of its RAM (Linux's
 * balloon, for the pages gntdev maps grants at): they are unmapped from
 * its stage 2, their memory stays the domain's. populate_physmap maps
 * them back. Order-0 extents only. The result is the number of frames
 * done (Linux requires all of them).
 */
static int64_t reservation(struct vcpu *v, uint64_t arg, bool populate)
{
	struct xen_memory_reservation r;
	struct domain *d = v->dom;

	if (!xen_copy_from(v, arg, &r, sizeof(r))) {
		return -XEN_EFAULT;
	}
	if (r.domid != XEN_DOMID_SELF && r.domid != d->domid) {
		return -XEN_EPERM;
	}
	if (r.extent_order != 0 || r.nr_extents > XEN_MAX_EXTENTS) {
		return -XEN_EINVAL;
	}
	uint64_t i;
	for (i = 0; i < r.nr_extents; i++) {
		uint64_t gfn;
		paddr_t pa;
		if (!xen_copy_from(v, r.extent_start + i * sizeof(gfn), &gfn, sizeof(gfn))) {
			return i > 0 ? (int64_t)i : -XEN_EFAULT;
		}
		/* A frame holding a grant is not given up here: it goes with
		 * GNTTABOP_unmap_grant_ref (its record and the granter's in-use
		 * flags with it). */
		bool ok = populate ? ram_backing(d, gfn, &pa) && (xen_map_gfn(d, gfn, pa, false) ||
								  xen_ram_page(d, gfn, &pa))
				   : xen_ram_page(d, gfn, &pa) && xen_unmap_gfn(d, gfn);
		if (!ok) {
			break;
		}
	}
	return (int64_t)i;
}

static int64_t memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	switch (cmd) {
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return reservation(v, arg, cmd == XENMEM_populate_physmap);
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, arg);
	default:
		return -XEN_ENOSYS;
	}
}

/* --- vcpu_op ----------------------------------------------------------------------- */

static int64_t vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpuid, uint64_t arg)
{
	struct domain *d = v->dom;

	if (vcpuid >= d->nr_vcpus) {
		return -XEN_ENOENT;
	}
	switch (cmd) {
	case VCPUOP_register_vcpu_info: {
		struct vcpu_register_vcpu_info r;
		paddr_t pa;
		if (!xen_copy_from(v, arg, &r, sizeof(r))) {
			return -XEN_EFAULT;
		}
		/* Within one page, and aligned: the hypervisor updates its
		 * words with atomic instructions, which fault on a
		 * misaligned address. */
		if (r.offset > PAGE_SIZE - XEN_VCPU_INFO_SIZE || r.offset % 8 != 0 ||
		    !xen_ram_page(d, r.mfn, &pa)) {
			return -XEN_EINVAL;
		}
		unsigned long flags = xen_lock();
		int64_t ret = -XEN_EEXIST; /* once per vCPU, as Xen */
		if (pa_addr(d->xen->vcpu_info[vcpuid]) == 0) {
			d->xen->vcpu_info[vcpuid] = pa_add(pa, r.offset);
			ret = 0;
		}
		xen_unlock(flags);
		return ret;
	}
	case VCPUOP_register_runstate_memory_area:
		/* Accepted, never updated: Linux only reads it for steal
		 * time, and a failure here is a BUG() in Linux. */
		return 0;
	default:
		return -XEN_ENOSYS;
	}
}

/* --- hvm_op ------------------------------------------------------------------------- */

static int64_t hvm_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct xen_hvm_param p;

	if (cmd != HVMOP_get_param) {
		return -XEN_ENOSYS;
	}
	if (!xen_copy_from(v, arg, &p, sizeof(p))) {
		return -XEN_EFAULT;
	}
	if (p.domid != XEN_DOMID_SELF && p.domid != v->dom->domid) {
		return -XEN_EPERM;
	}
	const struct xen_domain *x = v->dom->xen;
	switch (p.index) {
	case HVM_PARAM_STORE_PFN:
		p.value = x->has_store ? store_ipa(x) >> PAGE_SHIFT : 0;
		break;
	case HVM_PARAM_STORE_EVTCHN:
		/* 0 for the store itself: Linux then serves it locally. */
		p.value = x->has_store ? x->store_port : 0;
		break;
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_CONSOLE_EVTCHN:
		/* No PV console: 0 means "none" to Linux. */
		p.value = 0;
		break;
	default:
		return -XEN_EINVAL;
	}
	return xen_copy_to(v, arg, &p, sizeof(p)) ? 0 : -XEN_EFAULT;
}

/* --- sched_op ----------------------------------------------------------------------- */

static int64_t sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg, enum xen_next *next)
{
	struct sched_shutdown s;

	switch (cmd) {
	case SCHEDOP_yield:
		*next = XEN_NEXT_YIELD;
		return 0;
	case SCHEDOP_block:
		*next = XEN_NEXT_BLOCK;
		return 0;
	case SCHEDOP_shutdown:
		if (!xen_copy_from(v, arg, &s, sizeof(s))) {
			return -XEN_EFAULT;
		}
		switch (s.reason) {
		case SHUTDOWN_poweroff:
			domain_power_off(v->dom, NULL);
			return 0;
		case SHUTDOWN_reboot:
			/* As PSCI SYSTEM_RESET: a domain is not restarted. */
			domain_power_off(v->dom, "SCHEDOP_shutdown reboot: treated as power off");
			return 0;
		case SHUTDOWN_crash:
		case SHUTDOWN_watchdog:
			domain_stop(v->dom, "SCHEDOP_shutdown %s",
				    s.reason == SHUTDOWN_crash ? "crash" : "watchdog");
			return 0;
		default:
			return -XEN_EINVAL;
		}
	default:
		return -XEN_ENOSYS;
	}
}

/* --- domctl: what xenstored asks ---------------------------------------------------- */

static uint32_t dominf_flags(const struct domain *o)
{
	uint32_t f = XEN_DOMINF_hvm_guest | XEN_DOMINF_hap |
		     (o->functions & LCM_FUNCTION_XENSTORE ? XEN_DOMINF_xs_domain : 0);

	switch (domain_state(o)) {
	case DOM_NEW:
		return f | XEN_DOMINF_paused;
	case DOM_RUNNING:
		return f | (o->paused ? XEN_DOMINF_paused : XEN_DOMINF_running);
	case DOM_OFF:
		return f | XEN_DOMINF_shutdown | SHUTDOWN_poweroff << XEN_DOMINF_shutdown_shift;
	case DOM_STOPPED:
		return f | XEN_DOMINF_shutdown | SHUTDOWN_crash << XEN_DOMINF_shutdown_shift;
	default:
		return f | XEN_DOMINF_dying;
	}
}

/* XEN_DOMCTL_getdomaininfo: the first domain whose domid is the one asked
 * or above (built, its memory not yet given back), as Xen answers. */
static int64_t getdomaininfo(struct vcpu *v, struct xen_domctl *c)
{
	struct domain *o = NULL;

	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *d = domain_get(i);
		if (d->nr_vcpus == 0 || __atomic_load_n(&d->released, __ATOMIC_ACQUIRE) ||
		    d->domid < c->domain || (o != NULL && d->domid >= o->domid)) {
			continue;
		}
		o = d;
	}
	if (o == NULL) {
		return policy_check(v->dom, OP_XEN_DOMCTL, NULL) ? -XEN_ESRCH : -XEN_EPERM;
	}
	if (!policy_check(v->dom, OP_XEN_DOMCTL, o)) {
		return -XEN_EPERM;
	}
	struct xen_domctl_getdomaininfo *g = &c->u.getdomaininfo;
	memset(g, 0, sizeof(*g));
	c->domain = g->domain = (uint16_t)o->domid;
	g->flags = dominf_flags(o);
	g->tot_pages = g->max_pages = o->ram_size >> PAGE_SHIFT;
	g->nr_online_vcpus = o->nr_vcpus;
	g->max_vcpu_id = o->nr_vcpus - 1;
	g->gpaddr_bits = 39; /* the stage-2 input size (arch/arm64/stage2.c) */
	return 0;
}

static int64_t domctl(struct vcpu *v, uint64_t arg)
{
	struct xen_domctl c;

	if (!xen_copy_from(v, arg, &c, sizeof(c))) {
		return -XEN_EFAULT;
	}
	if (c.interface_version != XEN_DOMCTL_INTERFACE_VERSION) {
		return -XEN_EACCES; /* as Xen: the caller's tools are of another version */
	}
	if (c.cmd != XEN_DOMCTL_getdomaininfo) {
		return -XEN_ENOSYS;
	}
	int64_t r = getdomaininfo(v, &c);
	if (r == 0 && !xen_copy_to(v, arg, &c, sizeof(c))) {
		return -XEN_EFAULT;
	}
	return r;
}

void xen_domain_ended(void)
{
	unsigned long flags = xen_lock();

	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *d = domain_get(i);
		if (d->xen != NULL && (d->functions & LCM_FUNCTION_XENSTORE)) {
			evtchn_raise_virq(d, VIRQ_DOM_EXC);
		}
	}
	xen_unlock(flags);
}

int64_t xen_hypercall(struct vcpu *v, uint64_t nr, const uint64_t a[5], enum xen_next *next)
{
	*next = XEN_NEXT_CONTINUE;
	switch (nr) {
	case XEN_HC_XEN_VERSION:
		return xen_version(v, a[0], a[1]);
	case XEN_HC_MEMORY_OP:
		return memory_op(v, a[0], a[1]);
	case XEN_HC_VCPU_OP:
		return vcpu_op(v, a[0], a[1], a[2]);
	case XEN_HC_HVM_OP:
		return hvm_op(v, a[0], a[1]);
	case XEN_HC_SCHED_OP:
		return sched_op(v, a[0], a[1], next);
	case XEN_HC_EVENT_CHANNEL_OP:
		return evtchn_op(v, a[0], a[1]);
	case XEN_HC_GRANT_TABLE_OP:
		return gnttab_op(v, a[0], a[1], a[2]);
	case XEN_HC_DOMCTL:
		return domctl(v, a[0]);
	default:
		return -XEN_ENOSYS;
	}
}
