/*
 * Grant tables, version 1 (Xen's public/grant_table.h). A Xen-aware domain's table is
 * up to XEN_MAX_GNT_FRAMES hypervisor pages that the guest maps itself,
 * frame by frame, into the grant-table window of its device tree
 * (XENMAPSPACE_grant_table) and fills with 8-byte entries: "domain D may
 * access my frame F (read-only or not)". The hypervisor reads an entry
 * only at the moment it uses it, under xen_lock, and checks it then: the
 * access flag, the grantee's domid, the frame being the granter's RAM,
 * and for a write, no read-only flag. GNTTABOP_copy copies between such
 * a granted frame and the caller's own RAM (or another grant).
 */
#include <string.h>

#include "core/arch.h"
#include "core/domain.h"
#include "core/console.h"
#include "core/mm.h"
#include "core/policy.h"
#include "core/spinlock.h"
#include "core/vcpu.h"
#include "core/xen.h"

/* Operations in one call (map, unmap, copy): each is at most a page, all
 * under xen_lock one by one; bounded so that one call is short. */
#define GNTTAB_MAX_OPS 512

/* Grow @x's table to @frames frames; false when out of memory. */
static bool grow(struct xen_domain *x, unsigned frames)
{
	while (x->nr_gnt < frames) {
		paddr_t p = mm_alloc(PAGE_SIZE, PAGE_SIZE, MM_HV);
		if (mm_failed(p)) {
			return false;
		}
		x->gnt[x->nr_gnt++] = p;
	}
	return true;
}

int64_t gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gpfn)
{
	struct xen_domain *x = d->xen;
	uint64_t base = x->area >> PAGE_SHIFT;
	uint64_t frames = XEN_GUEST_GNTTAB_SIZE >> PAGE_SHIFT;
	int64_t r = 0;

	/* Version 1 has no status frames; the window is where the device
	 * tree says, outside RAM. */
	if (idx >= XEN_MAX_GNT_FRAMES || gpfn < base || gpfn - base >= frames) {
		return -XEN_EINVAL;
	}
	unsigned long flags = xen_lock();
	for (unsigned i = 0; i < XEN_MAX_GNT_FRAMES; i++) {
		if (x->gnt_gpfn[i] == gpfn && i != idx) {
			r = -XEN_EBUSY; /* another frame is there */
		}
	}
	if (r == 0 && x->gnt_gpfn[idx] != 0) {
		/* Mapped once: stage 2 mappings are never moved while the
		 * domain runs. */
		r = x->gnt_gpfn[idx] == gpfn ? 0 : -XEN_EBUSY;
		goto out;
	}
	if (r == 0 && !grow(x, (unsigned)idx + 1)) {
		r = -XEN_ENOMEM;
	}
	if (r == 0) {
		unsigned long tf = spin_lock_irqsave(&d->touch_lock);
		paddr_t there;
		if (arch_stage2_translate(d->s2, ipa_init(gpfn << PAGE_SHIFT), &there)) {
			/* Something the build put there (xen_window_free refuses
			 * such a domain; a stage-2 clash would be fatal). */
			r = -XEN_EBUSY;
		} else if (arch_stage2_map(d->s2, ipa_init(gpfn << PAGE_SHIFT), x->gnt[idx],
					   PAGE_SIZE) != 0) {
			r = -XEN_ENOMEM;
		}
		spin_unlock_irqrestore(&d->touch_lock, tf);
	}
	if (r == 0) {
		x->gnt_gpfn[idx] = gpfn;
	}
out:
	xen_unlock(flags);
	return r;
}

int gnttab_seed(struct domain *d, uint32_t ref, uint64_t raw)
{
	uint32_t per_frame = PAGE_SIZE / sizeof(struct grant_entry_v1);

	if (!grow(d->xen, ref / per_frame + 1)) {
		return -1;
	}
	((uint64_t *)pa_ptr(d->xen->gnt[ref / per_frame]))[ref % per_frame] = raw;
	return 0;
}

_Static_assert(XEN_MAPS_PER_PAGE * sizeof(struct xen_map) <= PAGE_SIZE,
	       "a page of mappings holds XEN_MAPS_PER_PAGE of them");
_Static_assert(XEN_MAX_MAPS % XEN_MAPS_PER_PAGE == 0, "whole pages of mappings");

void gnttab_free(struct xen_domain *x)
{
	for (unsigned i = 0; i < x->nr_gnt; i++) {
		mm_free(x->gnt[i], PAGE_SIZE);
	}
	x->nr_gnt = 0;
	for (unsigned i = 0; i < x->nr_map_pages; i++) {
		mm_free(x->map_page[i], PAGE_SIZE);
	}
	x->nr_map_pages = 0;
}

/* Mapping @h of @x, or NULL when its page is not allocated (never used). */
static struct xen_map *map_at(const struct xen_domain *x, uint64_t h)
{
	if (h >= (uint64_t)x->nr_map_pages * XEN_MAPS_PER_PAGE) {
		return NULL;
	}
	return (struct xen_map *)pa_ptr(x->map_page[h / XEN_MAPS_PER_PAGE]) + h % XEN_MAPS_PER_PAGE;
}

/* The handles of @x's mappings so far: the allocated pages' entries. */
static unsigned map_slots(const struct xen_domain *x)
{
	return x->nr_map_pages * XEN_MAPS_PER_PAGE;
}

/* A free handle of @x, its table grown by a page when every entry is in
 * use; false when it holds XEN_MAX_MAPS or memory is out. xen_lock held. */
static bool free_handle(struct xen_domain *x, unsigned *h)
{
	for (unsigned i = 0; i < map_slots(x); i++) {
		if (!map_at(x, i)->used) {
			*h = i;
			return true;
		}
	}
	if (x->nr_map_pages == XEN_MAX_MAPS / XEN_MAPS_PER_PAGE) {
		return false;
	}
	paddr_t p = mm_alloc(PAGE_SIZE, PAGE_SIZE, MM_HV);
	if (mm_failed(p)) {
		return false;
	}
	memset(pa_ptr(p), 0, PAGE_SIZE);
	*h = map_slots(x);
	x->map_page[x->nr_map_pages++] = p;
	return true;
}

/* The domain @domid names for @d, when the policy lets @d use its grants
 * (OP_XEN_GRANT: the channels the launch declares); NULL otherwise, also
 * for one that does not exist (a denial all the same). xen_lock held. */
static struct domain *grant_peer(struct domain *d, uint16_t domid)
{
	struct domain *g = xen_peer(d, domid);

	if (g == NULL) {
		policy_check(d, OP_XEN_GRANT, NULL);
		return NULL;
	}
	return policy_check(d, OP_XEN_GRANT, g) ? g : NULL;
}

/* Entry @ref of @g's table, or NULL when @ref is past it. */
static uint64_t *entry(struct domain *g, uint32_t ref)
{
	struct xen_domain *x = g->xen;
	uint32_t per_frame = PAGE_SIZE / sizeof(struct grant_entry_v1);

	if (ref >= x->nr_gnt * per_frame) {
		return NULL;
	}
	return (uint64_t *)pa_ptr(x->gnt[ref / per_frame]) + ref % per_frame;
}

/* The page behind frame @gfn that @g grants: its RAM, or its store ring
 * (grant entry 1, seeded for the store). */
static bool granted_frame(struct domain *g, uint64_t gfn, paddr_t *pa)
{
	if (g->xen->has_store && gfn == (g->xen->area + XEN_GUEST_GNTTAB_SIZE) >> PAGE_SHIFT) {
		*pa = g->xen->store;
		return true;
	}
	return xen_ram_page(g, gfn, pa);
}

/* Whether entry value @raw lets @grantee use the frame (for a write with
 * @write): GNTST_okay or why not. */
static int entry_allows(uint64_t raw, const struct domain *grantee, bool write)
{
	uint16_t flags = (uint16_t)raw;
	uint16_t domid = (uint16_t)(raw >> 16);

	if ((flags & GTF_type_mask) != GTF_permit_access || domid != grantee->domid ||
	    (write && (flags & GTF_readonly))) {
		return GNTST_permission_denied;
	}
	return GNTST_okay;
}

/* Entry @ref of @g's table as @grantee may use it (for a write with
 * @write): the physical page it grants, or a GNTST_* error. xen_lock held. */
static int granted_page(struct domain *g, struct domain *grantee, uint32_t ref, bool write,
			paddr_t *pa)
{
	uint64_t *e = entry(g, ref);

	if (e == NULL) {
		return GNTST_bad_gntref;
	}
	/* One read of the entry: the granter may change it meanwhile. */
	uint64_t raw = __atomic_load_n(e, __ATOMIC_ACQUIRE);
	int st = entry_allows(raw, grantee, write);
	if (st != GNTST_okay) {
		return st;
	}
	return granted_frame(g, (uint32_t)(raw >> 32), pa) ? GNTST_okay : GNTST_bad_page;
}

/* Claim entry @e for a mapping by @grantee: checked and marked in use
 * (GTF_reading, and GTF_writing for a writable one) in one atomic step,
 * as the granter may revoke it at the same time; *@raw is what it was. */
static int claim(uint64_t *e, const struct domain *grantee, bool write, uint64_t *raw)
{
	uint64_t now = __atomic_load_n(e, __ATOMIC_ACQUIRE);

	for (unsigned tries = 0; tries < 4; tries++) {
		int st = entry_allows(now, grantee, write);
		if (st != GNTST_okay) {
			return st;
		}
		uint64_t want = now | GTF_reading | (write ? GTF_writing : 0);
		if (__atomic_compare_exchange_n(e, &now, want, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			*raw = now;
			return GNTST_okay;
		}
	}
	return GNTST_general_error; /* the granter keeps changing it */
}

/* Entry @ref of @g is in use while some domain maps it (GTF_reading),
 * writable while one maps it writable (GTF_writing): recomputed from
 * every domain's mappings after one of them ended. xen_lock held. */
static void update_use(struct domain *g, uint32_t ref)
{
	uint64_t *e = entry(g, ref);
	uint64_t use = 0;

	if (e == NULL) {
		return;
	}
	for (unsigned i = 0; i < domain_count(); i++) {
		const struct domain *m = domain_get(i);
		for (unsigned h = 0; m->xen != NULL && h < map_slots(m->xen); h++) {
			const struct xen_map *mp = map_at(m->xen, h);
			if (mp->used && mp->granter == g->domid && mp->ref == ref) {
				use |= GTF_reading | (mp->readonly ? 0 : GTF_writing);
			}
		}
	}
	__atomic_fetch_and(e, ~(uint64_t)((GTF_reading | GTF_writing) & ~use), __ATOMIC_ACQ_REL);
}

static int map_one(struct domain *d, struct gnttab_map_grant_ref *op, struct domain **start)
{
	struct xen_domain *x = d->xen;
	bool ro = op->flags & GNTMAP_readonly;
	unsigned h = 0;
	uint64_t raw;
	paddr_t pa;

	if (!(op->flags & GNTMAP_host_map) ||
	    (op->flags & (GNTMAP_contains_pte | GNTMAP_application_map))) {
		return GNTST_general_error; /* only stage-2 mappings: no PV page tables */
	}
	if (op->host_addr % PAGE_SIZE != 0) {
		return GNTST_bad_virt_addr;
	}
	struct domain *g = grant_peer(d, op->dom);
	if (g == NULL || g == d) {
		return g == NULL ? GNTST_permission_denied : GNTST_bad_domain;
	}
	if (!free_handle(x, &h)) {
		return GNTST_no_device_space;
	}
	uint64_t *e = entry(g, op->ref);
	if (e == NULL) {
		return GNTST_bad_gntref;
	}
	int st = claim(e, d, !ro, &raw);
	if (st != GNTST_okay) {
		return st;
	}
	if (!granted_frame(g, (uint32_t)(raw >> 32), &pa)) {
		st = GNTST_bad_page;
	} else if (!xen_map_gfn(d, op->host_addr >> PAGE_SHIFT, pa, ro)) {
		st = GNTST_bad_virt_addr; /* not its RAM, or not given up first */
	} else {
		*map_at(x, h) = (struct xen_map){ .used = true,
						  .readonly = ro,
						  .granter = (uint16_t)g->domid,
						  .ref = op->ref,
						  .gfn = op->host_addr >> PAGE_SHIFT,
						  .pa = pa };
		op->handle = h;
		/* A direct-mapped domain gives its devices physical
		 * addresses: the granted page's, for their DMA (Linux's
		 * swiotlb-xen records it); others get 0. */
		op->dev_bus_addr = x->direct ? pa_addr(pa) : 0;
		if (op->ref == GNTTAB_RESERVED_XENSTORE && g->xen->has_store &&
		    d->domid == g->xen->store_domid &&
		    !__atomic_exchange_n(&g->xen->store_ready, true, __ATOMIC_ACQ_REL)) {
			*start = g;
		}
	}
	if (st != GNTST_okay) {
		update_use(g, op->ref);
	}
	return st;
}

/* Forget mapping @mp of @d: its page unmapped when it is still there. */
static void drop_map(struct domain *d, struct xen_map *mp, bool unmap)
{
	paddr_t now;

	if (unmap && arch_stage2_translate(d->s2, ipa_init(mp->gfn << PAGE_SHIFT), &now) &&
	    pa_addr(now) == pa_addr(mp->pa)) {
		xen_unmap_gfn(d, mp->gfn);
	}
	mp->used = false;
}

static int unmap_one(struct domain *d, const struct gnttab_unmap_grant_ref *op)
{
	struct xen_map *mp = map_at(d->xen, op->handle);

	if (mp == NULL || !mp->used || mp->gfn != op->host_addr >> PAGE_SHIFT) {
		return GNTST_bad_handle;
	}
	drop_map(d, mp, true);
	struct domain *g = domain_find(mp->granter);
	if (g != NULL && g->xen != NULL) {
		update_use(g, mp->ref);
	}
	return GNTST_okay;
}

void gnttab_revoke(struct domain *g)
{
	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *m = domain_get(i);
		for (unsigned h = 0; m->xen != NULL && h < map_slots(m->xen); h++) {
			struct xen_map *mp = map_at(m->xen, h);
			if (!mp->used) {
				continue;
			}
			if (m == g) {
				/* Its own mappings: the granters see them end. */
				struct domain *o = domain_find(mp->granter);
				mp->used = false;
				if (o != NULL && o->xen != NULL) {
					update_use(o, mp->ref);
				}
			} else if (mp->granter == g->domid) {
				drop_map(m, mp, true);
			}
		}
	}
}

static int64_t map_ops(struct vcpu *v, uint64_t uops, uint64_t count, bool map)
{
	union {
		struct gnttab_map_grant_ref map;
		struct gnttab_unmap_grant_ref unmap;
	} op;
	size_t n = map ? sizeof(op.map) : sizeof(op.unmap);

	if (count > GNTTAB_MAX_OPS) {
		return -XEN_EINVAL;
	}
	for (uint64_t i = 0; i < count; i++) {
		uint64_t va = uops + i * n;
		if (!xen_copy_from(v, va, &op, n)) {
			return -XEN_EFAULT;
		}
		struct domain *start = NULL;
		unsigned long flags = xen_lock();
		if (map) {
			op.map.status = (int16_t)map_one(v->dom, &op.map, &start);
		} else {
			op.unmap.status = (int16_t)unmap_one(v->dom, &op.unmap);
		}
		xen_unlock(flags);
		/* The store took the ring of a domain that waited for it. */
		if (start != NULL && domain_start(start)) {
			printk("domain %u %s: started: its store %s took it\n", start->domid,
			       start->name, v->dom->name);
		}
		if (!xen_copy_to(v, va, &op, n)) {
			return -XEN_EFAULT;
		}
	}
	return 0;
}

/* One side of a copy: a grant of another domain, or the caller's frame. */
static int copy_side(struct vcpu *v, const struct gnttab_copy_ptr *s, bool gref, bool write,
		     uint16_t len, paddr_t *pa)
{
	struct domain *d = v->dom;

	if ((uint32_t)s->offset + len > PAGE_SIZE) {
		return GNTST_bad_copy_arg;
	}
	if (!gref) {
		if (s->domid != XEN_DOMID_SELF && s->domid != d->domid) {
			return GNTST_permission_denied;
		}
		if (!xen_ram_page(d, s->u.gmfn, pa)) {
			return GNTST_bad_page;
		}
	} else {
		struct domain *g = grant_peer(d, s->domid);
		if (g == NULL) {
			return GNTST_permission_denied;
		}
		int st = granted_page(g, d, s->u.ref, write, pa);
		if (st != GNTST_okay) {
			return st;
		}
	}
	*pa = pa_add(*pa, s->offset);
	return GNTST_okay;
}

static int copy_one(struct vcpu *v, const struct gnttab_copy *c)
{
	paddr_t src, dst;
	int st;

	if (c->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref)) {
		return GNTST_bad_copy_arg;
	}
	unsigned long flags = xen_lock();
	st = copy_side(v, &c->source, c->flags & GNTCOPY_source_gref, false, c->len, &src);
	if (st == GNTST_okay) {
		st = copy_side(v, &c->dest, c->flags & GNTCOPY_dest_gref, true, c->len, &dst);
	}
	if (st == GNTST_okay) {
		memmove(pa_ptr(dst), pa_ptr(src), c->len);
	}
	xen_unlock(flags);
	return st;
}

static int64_t copy_ops(struct vcpu *v, uint64_t uops, uint64_t count)
{
	if (count > GNTTAB_MAX_OPS) {
		return -XEN_EINVAL;
	}
	for (uint64_t i = 0; i < count; i++) {
		struct gnttab_copy c;
		uint64_t va = uops + i * sizeof(c);
		if (!xen_copy_from(v, va, &c, sizeof(c))) {
			return -XEN_EFAULT;
		}
		c.status = (int16_t)copy_one(v, &c);
		if (!xen_copy_to(v, va, &c, sizeof(c))) {
			return -XEN_EFAULT;
		}
	}
	return 0;
}

static int64_t query_size(struct vcpu *v, uint64_t uop, uint64_t count)
{
	struct gnttab_query_size q;

	if (count != 1) {
		return -XEN_EINVAL;
	}
	if (!xen_copy_from(v, uop, &q, sizeof(q))) {
		return -XEN_EFAULT;
	}
	if (q.dom != XEN_DOMID_SELF && q.dom != v->dom->domid) {
		q.status = GNTST_permission_denied;
	} else {
		unsigned long flags = xen_lock();
		q.nr_frames = v->dom->xen->nr_gnt;
		xen_unlock(flags);
		q.max_nr_frames = XEN_MAX_GNT_FRAMES;
		q.status = GNTST_okay;
	}
	return xen_copy_to(v, uop, &q, sizeof(q)) ? 0 : -XEN_EFAULT;
}

static int64_t set_version(struct vcpu *v, uint64_t uop, uint64_t count)
{
	struct gnttab_set_version s;

	if (count != 1) {
		return -XEN_EINVAL;
	}
	if (!xen_copy_from(v, uop, &s, sizeof(s))) {
		return -XEN_EFAULT;
	}
	return s.version == 1 ? 0 : -XEN_EINVAL;
}

int64_t gnttab_op(struct vcpu *v, uint64_t cmd, uint64_t uops, uint64_t count)
{
	switch (cmd) {
	case GNTTABOP_query_size:
		return query_size(v, uops, count);
	case GNTTABOP_set_version:
		return set_version(v, uops, count);
	case GNTTABOP_copy:
		return copy_ops(v, uops, count);
	case GNTTABOP_map_grant_ref:
	case GNTTABOP_unmap_grant_ref:
		return map_ops(v, uops, count, cmd == GNTTABOP_map_grant_ref);
	default:
		return -XEN_ENOSYS;
	}
}
