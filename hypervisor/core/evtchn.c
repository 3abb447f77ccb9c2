/*
 * Event channels, 2-level ABI (Xen's public/event_channel.h): each Xen-aware
 * domain has XEN_MAX_PORTS ports, port 0 never used. A port is closed,
 * unbound (waiting for one named domain to bind it), interdomain (joined
 * to a port of another domain, or of the same one) or bound to a virtual
 * interrupt. Raising port p of a domain writes its shared_info page (the
 * guest's own page, chosen with XENMAPSPACE_shared_info): pending bit p;
 * unless p is masked, bit p/64 of the selector in the vcpu_info of the
 * vCPU the port notifies; and when that vcpu_info's upcall_pending goes
 * from 0 to 1, the upcall PPI (arch_xen_upcall). The guest clears them.
 * Every word is updated atomically: the guest writes the same words.
 */
#include <stdint.h>

#include "core/arch.h"
#include "core/domain.h"
#include "core/policy.h"
#include "core/vcpu.h"
#include "core/xen.h"

static uint64_t *shinfo_word(const struct xen_domain *x, unsigned off, unsigned port)
{
	return (uint64_t *)((uint8_t *)pa_ptr(x->shinfo) + off) + port / 64;
}

/* Tell vCPU @vcpu of @d that selector word @word has news. */
static void upcall(struct domain *d, unsigned vcpu, unsigned word)
{
	struct xen_domain *x = d->xen;
	paddr_t vi = x->vcpu_info[vcpu];

	if (pa_addr(vi) == 0) {
		if (vcpu != 0) {
			return; /* not registered yet: its port is seen later */
		}
		vi = x->shinfo; /* shared_info.vcpu_info[0], the legacy slot */
	}
	uint8_t *info = pa_ptr(vi);
	__atomic_fetch_or((uint64_t *)(info + XEN_VCPU_PENDING_SEL), 1ull << word,
			  __ATOMIC_SEQ_CST);
	if (__atomic_exchange_n(info + XEN_VCPU_UPCALL_PENDING, 1, __ATOMIC_SEQ_CST) == 0) {
		arch_xen_upcall(vcpu_get(d, vcpu));
	}
}

/* Make @port of @d pending (xen_lock held). */
static void raise(struct domain *d, unsigned port)
{
	struct xen_domain *x = d->xen;
	uint64_t bit = 1ull << (port % 64);

	if (!x->has_shinfo) {
		return;
	}
	if (__atomic_fetch_or(shinfo_word(x, XEN_SHINFO_EVTCHN_PENDING, port), bit,
			      __ATOMIC_SEQ_CST) &
	    bit) {
		return;
	}
	if (__atomic_load_n(shinfo_word(x, XEN_SHINFO_EVTCHN_MASK, port), __ATOMIC_SEQ_CST) & bit) {
		return;
	}
	upcall(d, x->port[port].vcpu, port / 64);
}

void evtchn_seed_unbound(struct domain *d, uint32_t port, uint32_t peer)
{
	d->xen->port[port] =
		(struct xen_port){ .state = EVTCHNSTAT_unbound, .peer = (uint16_t)peer };
}

void evtchn_raise_virq(struct domain *d, unsigned virq)
{
	for (unsigned p = 1; p < XEN_MAX_PORTS; p++) {
		if (d->xen->port[p].state == EVTCHNSTAT_virq && d->xen->port[p].virq == virq) {
			raise(d, p);
		}
	}
}

static int alloc_port(struct xen_domain *x)
{
	for (unsigned p = 1; p < XEN_MAX_PORTS; p++) {
		if (x->port[p].state == EVTCHNSTAT_closed) {
			return (int)p;
		}
	}
	return -XEN_ENOSPC;
}

static struct xen_port *bound_port(struct xen_domain *x, uint32_t port)
{
	if (port == 0 || port >= XEN_MAX_PORTS || x->port[port].state == EVTCHNSTAT_closed) {
		return NULL;
	}
	return &x->port[port];
}

/* The peer @domid names for @d, when the policy lets them share an event
 * channel (OP_XEN_EVTCHN: the channels the launch declares); else NULL
 * and *@err says why: -EPERM also for a peer that does not exist, so that
 * a domain learns nothing of the domains it has no channel with. */
static struct domain *channel_peer(struct domain *d, uint16_t domid, int64_t *err)
{
	struct domain *r = xen_peer(d, domid);

	if (r == NULL) {
		*err = policy_check(d, OP_XEN_EVTCHN, NULL) ? -XEN_ESRCH : -XEN_EPERM;
		return NULL;
	}
	if (!policy_check(d, OP_XEN_EVTCHN, r)) {
		*err = -XEN_EPERM;
		return NULL;
	}
	return r;
}

static bool is_self(const struct domain *d, uint16_t domid)
{
	return domid == XEN_DOMID_SELF || domid == d->domid;
}

static int64_t alloc_unbound(struct domain *d, struct evtchn_alloc_unbound *op)
{
	if (!is_self(d, op->dom)) {
		return -XEN_EPERM; /* ports of other domains are theirs to make */
	}
	int64_t err;
	struct domain *r = channel_peer(d, op->remote_dom, &err);
	if (r == NULL) {
		return err;
	}
	int p = alloc_port(d->xen);
	if (p < 0) {
		return p;
	}
	d->xen->port[p] =
		(struct xen_port){ .state = EVTCHNSTAT_unbound, .peer = (uint16_t)r->domid };
	op->port = (uint32_t)p;
	return 0;
}

static int64_t bind_interdomain(struct domain *d, struct evtchn_bind_interdomain *op)
{
	int64_t err;
	struct domain *r = channel_peer(d, op->remote_dom, &err);

	if (r == NULL) {
		return err;
	}
	struct xen_port *rp = bound_port(r->xen, op->remote_port);
	if (rp == NULL || rp->state != EVTCHNSTAT_unbound || rp->peer != d->domid) {
		return -XEN_EINVAL;
	}
	int p = alloc_port(d->xen);
	if (p < 0) {
		return p;
	}
	d->xen->port[p] = (struct xen_port){ .state = EVTCHNSTAT_interdomain,
					     .peer = (uint16_t)r->domid,
					     .rport = op->remote_port };
	rp->state = EVTCHNSTAT_interdomain;
	rp->peer = (uint16_t)d->domid;
	rp->rport = (uint32_t)p;
	op->local_port = (uint32_t)p;
	/* The other end may have notified before it was bound. */
	raise(d, (unsigned)p);
	return 0;
}

static int64_t bind_virq(struct domain *d, struct evtchn_bind_virq *op)
{
	struct xen_domain *x = d->xen;

	if (op->virq >= XEN_NR_VIRQS || op->vcpu >= d->nr_vcpus) {
		return -XEN_EINVAL;
	}
	for (unsigned p = 1; p < XEN_MAX_PORTS; p++) {
		if (x->port[p].state == EVTCHNSTAT_virq && x->port[p].virq == op->virq &&
		    x->port[p].vcpu == op->vcpu) {
			return -XEN_EEXIST;
		}
	}
	int p = alloc_port(x);
	if (p < 0) {
		return p;
	}
	x->port[p] = (struct xen_port){ .state = EVTCHNSTAT_virq,
					.virq = (uint8_t)op->virq,
					.vcpu = op->vcpu };
	op->port = (uint32_t)p;
	return 0;
}

/* Close @port of @d: an interdomain peer's end becomes unbound, waiting
 * for @d again, as in Xen. */
static void close_port(struct domain *d, unsigned port)
{
	struct xen_port *p = &d->xen->port[port];

	if (p->state == EVTCHNSTAT_interdomain) {
		struct domain *r = domain_find(p->peer);
		if (r != NULL && r->xen != NULL) {
			struct xen_port *rp = &r->xen->port[p->rport];
			if (rp->state == EVTCHNSTAT_interdomain && rp->peer == d->domid &&
			    rp->rport == port) {
				rp->state = EVTCHNSTAT_unbound;
				rp->rport = 0;
			}
		}
	}
	*p = (struct xen_port){ .state = EVTCHNSTAT_closed };
}

void evtchn_close_all(struct domain *d)
{
	for (unsigned p = 1; p < XEN_MAX_PORTS; p++) {
		close_port(d, p);
	}
}

static int64_t send(struct domain *d, uint32_t port)
{
	struct xen_port *p = bound_port(d->xen, port);

	if (p == NULL) {
		return -XEN_EINVAL;
	}
	if (p->state == EVTCHNSTAT_interdomain) {
		struct domain *r = xen_peer(d, p->peer);
		if (r != NULL) {
			raise(r, p->rport);
		}
	}
	return 0; /* an unbound port drops it, as in Xen */
}

static int64_t status(struct domain *d, struct evtchn_status *op)
{
	if (!is_self(d, op->dom)) {
		return -XEN_EPERM;
	}
	if (op->port == 0 || op->port >= XEN_MAX_PORTS) {
		return -XEN_EINVAL;
	}
	const struct xen_port *p = &d->xen->port[op->port];
	op->status = p->state;
	op->vcpu = p->vcpu;
	op->u.interdomain.dom = p->peer;
	op->u.interdomain.pad = 0;
	op->u.interdomain.port = p->rport;
	if (p->state == EVTCHNSTAT_virq) {
		op->u.virq = p->virq;
	}
	return 0;
}

static int64_t unmask(struct domain *d, uint32_t port)
{
	struct xen_domain *x = d->xen;
	uint64_t bit = 1ull << (port % 64);

	if (bound_port(x, port) == NULL) {
		return -XEN_EINVAL;
	}
	if (!x->has_shinfo) {
		return 0;
	}
	/* An event that came while it was masked is delivered now. */
	__atomic_fetch_and(shinfo_word(x, XEN_SHINFO_EVTCHN_MASK, port), ~bit, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(shinfo_word(x, XEN_SHINFO_EVTCHN_PENDING, port), __ATOMIC_SEQ_CST) &
	    bit) {
		upcall(d, x->port[port].vcpu, port / 64);
	}
	return 0;
}

static int64_t bind_vcpu(struct domain *d, const struct evtchn_bind_vcpu *op)
{
	struct xen_port *p = bound_port(d->xen, op->port);

	if (p == NULL || op->vcpu >= d->nr_vcpus) {
		return -XEN_EINVAL;
	}
	p->vcpu = op->vcpu;
	return 0;
}

/* The size of each sub-operation's argument; 0: not served. */
static size_t arg_size(uint64_t cmd)
{
	switch (cmd) {
	case EVTCHNOP_bind_interdomain:
		return sizeof(struct evtchn_bind_interdomain);
	case EVTCHNOP_bind_virq:
		return sizeof(struct evtchn_bind_virq);
	case EVTCHNOP_close:
	case EVTCHNOP_send:
	case EVTCHNOP_unmask:
		return sizeof(struct evtchn_port_arg);
	case EVTCHNOP_status:
		return sizeof(struct evtchn_status);
	case EVTCHNOP_alloc_unbound:
		return sizeof(struct evtchn_alloc_unbound);
	case EVTCHNOP_bind_vcpu:
		return sizeof(struct evtchn_bind_vcpu);
	default:
		return 0;
	}
}

int64_t evtchn_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	union {
		struct evtchn_alloc_unbound alloc;
		struct evtchn_bind_interdomain inter;
		struct evtchn_bind_virq virq;
		struct evtchn_port_arg port;
		struct evtchn_status status;
		struct evtchn_bind_vcpu vcpu;
	} u;
	struct domain *d = v->dom;
	size_t n = arg_size(cmd);
	int64_t r;

	if (n == 0) {
		return -XEN_ENOSYS; /* FIFO ABI included: Linux falls back to 2-level */
	}
	if (!xen_copy_from(v, arg, &u, n)) {
		return -XEN_EFAULT;
	}
	unsigned long flags = xen_lock();
	switch (cmd) {
	case EVTCHNOP_bind_interdomain:
		r = bind_interdomain(d, &u.inter);
		break;
	case EVTCHNOP_bind_virq:
		r = bind_virq(d, &u.virq);
		break;
	case EVTCHNOP_close:
		r = bound_port(d->xen, u.port.port) != NULL ? 0 : -XEN_EINVAL;
		if (r == 0) {
			close_port(d, u.port.port);
		}
		break;
	case EVTCHNOP_send:
		r = send(d, u.port.port);
		break;
	case EVTCHNOP_status:
		r = status(d, &u.status);
		break;
	case EVTCHNOP_alloc_unbound:
		r = alloc_unbound(d, &u.alloc);
		break;
	case EVTCHNOP_bind_vcpu:
		r = bind_vcpu(d, &u.vcpu);
		break;
	default: /* EVTCHNOP_unmask */
		r = unmask(d, u.port.port);
		break;
	}
	xen_unlock(flags);
	/* Results go back in the same structure (its OUT fields). */
	bool out = cmd == EVTCHNOP_bind_interdomain || cmd == EVTCHNOP_bind_virq ||
		   cmd == EVTCHNOP_status || cmd == EVTCHNOP_alloc_unbound;
	if (r == 0 && out && !xen_copy_to(v, arg, &u, n)) {
		return -XEN_EFAULT;
	}
	return r;
}
