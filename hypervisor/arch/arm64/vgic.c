/*
 * The virtual GICv3 (Arm IHI 0069, "GICv3 and GICv4 architecture
 * specification"): the interrupt state of each domain and the list
 * registers that present it to its vCPUs. The distributor and
 * redistributor registers are trapped and emulated (vgic_mmio.c); the CPU
 * interface is the hardware's virtual one: with HCR_EL2.IMO set, a guest's
 * ICC_* accesses reach the ICV_* registers, fed by the list registers
 * (ICH_LR<n>_EL2), and only ICC_SGI1R_EL1 traps (with HCR_EL2.IMO set,
 * EL1's writes of it trap to EL2: IHI 0069, ICC_SGI1R_EL1).
 *
 * The pending set: an interrupt is *ready* for a vCPU when it is enabled,
 * pending (its latch: an edge, an SGI, ISPENDR; or its input line for a
 * level-sensitive one) and in no list register. Each vCPU has a bitmap of
 * the INTIDs ready for it (SPIs go to the vCPU their IROUTER names);
 * vgic_update() keeps it right after every change, and wakes a vCPU for
 * which something became ready (sched_wake: a blocked vCPU runs again; one
 * running on another CPU is kicked with a physical SGI and looks on its
 * way back into the guest). List registers are per physical CPU, so only a
 * vCPU's own CPU writes them.
 *
 * LR policy, on every entry into the guest (vgic_flush): ready interrupts
 * go into free LRs highest priority first (lowest value, then lowest
 * INTID); when none is free, an LR still only pending with a lower
 * priority is taken back (its latch set again) for a higher one. Whatever
 * is left sets ICH_HCR_EL2.UIE: the underflow maintenance interrupt (at
 * most one LR valid) brings the vCPU out to place the rest. Not NPIE: it
 * fires while every LR is active, a storm (Bao PR #398). Every LR asks for
 * the EOI maintenance interrupt (ICH_LR.EOI, HW = 0), so the end of each
 * interrupt is seen at once (vgic_sync after every exit): a level-sensitive
 * line still high is delivered again, and an SGI sent again meanwhile goes
 * out without waiting for an unrelated exit. LR state Active+Pending is
 * never used: a second instance waits in the latch (one sent while the
 * first is still pending in an LR is delivered once more where a GIC would
 * merge the two; SGIs carry no count, so guests cannot tell).
 *
 * Locks: each domain has one (its distributor and every vCPU's
 * redistributor state). Lock order: the domain's vgic lock is a leaf;
 * vCPUs are woken after it is released (sched_wake takes run-queue locks).
 * Taken with interrupts masked (the console's input raises the UART's SPI
 * on the tick).
 */
#include "arm64.h"
#include "core/cpu.h"
#include "core/domain.h"
#include "core/mm.h"
#include "core/sched.h"
#include "core/vcpu.h"
#include "sysreg.h"
#include "vgic.h"

/* ICH_LR<n>_EL2 (IHI 0069, the register's description). */
#define LR_STATE_PENDING (1ull << 62)
#define LR_STATE_ACTIVE  (1ull << 63)
#define LR_GROUP1        (1ull << 60)
#define LR_HW            (1ull << 61)
#define LR_PINTID_SHIFT  32
#define LR_EOI           (1ull << 41)
#define LR_PRIO_SHIFT    48
#define LR_VINTID        0xffffffffull

#define ICH_HCR_EN       (1ull << 0)
#define ICH_HCR_UIE      (1ull << 1)
#define ICH_VMCR_VENG1   (1ull << 1)
#define ICH_VTR_LISTREGS 0x1fu

#define GICD_CTLR_ENGRP1 (1u << 1)
#define IROUTER_IRM      (1ull << 31)
#define IROUTER_AFF      0xff00ffffffull

/* ICC_SGI1R_EL1 (IHI 0069, the register's description). */
#define SGI1R_TARGETS  0xffffull
#define SGI1R_AFF1(v)  (((v) >> 16) & 0xff)
#define SGI1R_INTID(v) (((v) >> 24) & 0xf)
#define SGI1R_AFF2(v)  (((v) >> 32) & 0xff)
#define SGI1R_IRM      (1ull << 40)
#define SGI1R_RS(v)    (((v) >> 44) & 0xf)
#define SGI1R_AFF3(v)  (((v) >> 48) & 0xff)

static unsigned nr_lrs = 1; /* the same on every CPU */

/* The list registers are separate system registers: one access each. */
#define LR_CASE(n)                                          \
	case n:                                             \
		if (write) {                                \
			write_sysreg(ich_lr##n##_el2, val); \
		} else {                                    \
			val = read_sysreg(ich_lr##n##_el2); \
		}                                           \
		break;

/* A table of cases, a row per line, as clang-format cannot keep it. */
/* clang-format off */
static uint64_t lr_access(unsigned n, bool write, uint64_t val)
{
	switch (n) {
	LR_CASE(0) LR_CASE(1) LR_CASE(2) LR_CASE(3) LR_CASE(4) LR_CASE(5) LR_CASE(6) LR_CASE(7)
	LR_CASE(8) LR_CASE(9) LR_CASE(10) LR_CASE(11) LR_CASE(12) LR_CASE(13) LR_CASE(14)
	LR_CASE(15)
	}
	return val;
}
/* clang-format on */

static uint64_t lr_read(unsigned n)
{
	return lr_access(n, false, 0);
}

static void lr_write(unsigned n, uint64_t val)
{
	lr_access(n, true, val);
}

void vgic_cpu_setup(void)
{
	unsigned n = (unsigned)(read_sysreg(ich_vtr_el2) & ICH_VTR_LISTREGS) + 1;

	nr_lrs = n < VGIC_MAX_LRS ? n : VGIC_MAX_LRS;
	write_sysreg(ich_hcr_el2, 0);
	isb();
}

unsigned long vgic_lock(struct domain *d)
{
	unsigned long flags = arch_irq_save();

	spin_lock(&d->arch->vgic.lock);
	return flags;
}

void vgic_unlock(struct domain *d, unsigned long flags)
{
	spin_unlock(&d->arch->vgic.lock);
	arch_irq_restore(flags);
}

void vgic_wake(struct domain *d, uint64_t wake)
{
	for (unsigned i = 0; wake != 0 && i < d->nr_vcpus; i++, wake >>= 1) {
		if (wake & 1) {
			sched_wake(&d->vcpus[i]);
		}
	}
}

void vgic_dist_init(struct vgic_dist *g)
{
	/* Reset: SPIs disabled, level-sensitive, Group 0, priority 0,
	 * routed to vCPU 0; the distributor off. */
	*g = (struct vgic_dist){ .ctlr = 0 };
}

/* A domain's arm64 state: its distributor, and its virtual counter offset
 * (vtimer.c): the physical counter now, so that its virtual counter
 * starts near 0. */
int arch_domain_init(struct domain *d)
{
	paddr_t p = mm_alloc(sizeof(struct arch_domain), PAGE_SIZE, MM_HV);

	if (mm_failed(p)) {
		return -1;
	}
	d->arch = pa_ptr(p);
	vgic_dist_init(&d->arch->vgic);
	if (vgic_mmio_register(d) != 0) {
		arch_domain_free(d);
		return -1;
	}
	isb();
	d->arch->cntvoff = read_sysreg(cntpct_el0);
	return 0;
}

void arch_domain_free(struct domain *d)
{
	if (d->arch != NULL) {
		mm_free(pa_of(d->arch), sizeof(struct arch_domain));
		d->arch = NULL;
	}
}

void arch_guest_uart_irq(struct domain *d, bool level)
{
	vgic_set_level(d, INTID_UART, level);
}

void vgic_vcpu_init(struct vcpu *v)
{
	struct vgic_cpu *c = vgic_cpu_of(v);

	*c = (struct vgic_cpu){ .asleep = true };
	/* SGIs are edge-triggered (GICR_ICFGR0 reads as 0xaaaaaaaa). */
	c->priv.edge = 0xffff;
}

struct virq_bank *vgic_bank(struct domain *d, struct vcpu *owner, unsigned intid)
{
	if (intid < VGIC_NR_PRIVATE) {
		return owner != NULL ? &vgic_cpu_of(owner)->priv : NULL;
	}
	return intid < VGIC_NR_IRQS ? &d->arch->vgic.spi[(intid - VGIC_NR_PRIVATE) / 32] : NULL;
}

/* The vCPU an SPI goes to: the one IROUTER names (Aff0 = vCPU index, the
 * other affinity levels 0), vCPU 0 for "any" (IRM = 1, one of N); an
 * affinity that is no vCPU of the domain receives nothing (IHI 0069,
 * GICD_IROUTER<n>: such an SPI is not forwarded). */
static struct vcpu *spi_target(struct domain *d, unsigned intid)
{
	uint64_t route = vgic_bank(d, NULL, intid)->route[intid % 32];
	uint64_t aff = route & IROUTER_AFF;

	if (route & IROUTER_IRM) {
		return vcpu_get(d, 0);
	}
	return aff < d->nr_vcpus ? vcpu_get(d, (unsigned)aff) : NULL;
}

static void set_ready(struct vcpu *v, unsigned intid, bool ready, uint64_t *wake)
{
	struct vgic_cpu *c = vgic_cpu_of(v);
	uint64_t *word = &c->ready[intid / 64];
	uint64_t bit = 1ull << (intid % 64);
	uint64_t now = ready ? *word | bit : *word & ~bit;

	if (now != *word) {
		__atomic_store_n(word, now, __ATOMIC_RELEASE);
		if (ready) {
			*wake |= 1ull << v->index;
		}
	}
}

void vgic_update(struct domain *d, struct vcpu *owner, unsigned intid, uint64_t *wake)
{
	struct virq_bank *b = vgic_bank(d, owner, intid);
	uint32_t bit = 1u << (intid % 32);

	if (b == NULL) {
		return;
	}
	bool ready = (b->enable & bit) &&
		     ((b->pend & bit) || ((b->level & bit) && !(b->edge & bit))) &&
		     !(b->inlr & bit);
	if (intid < VGIC_NR_PRIVATE) {
		set_ready(owner, intid, ready, wake);
		return;
	}
	/* The distributor forwards SPIs only while Group 1 is enabled
	 * (GICD_CTLR.EnableGrp1; every interrupt is delivered as Group 1). */
	struct vcpu *t = spi_target(d, intid);
	ready = ready && (d->arch->vgic.ctlr & GICD_CTLR_ENGRP1) && t != NULL;
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *u = &d->vcpus[i];
		set_ready(u, intid, ready && u == t, wake);
	}
}

/* --- the list registers (the vCPU's own CPU, the vCPU loaded) ----------------- */

/* The interrupt of list register @n ended (or was taken back): it is in
 * no LR any more; @again: it was still pending, so its latch is set again
 * unless its line keeps it pending. With the domain's lock held. */
static void lr_release(struct vcpu *v, unsigned n, bool again, uint64_t *wake)
{
	struct vgic_cpu *c = vgic_cpu_of(v);
	unsigned intid = (unsigned)(lr_read(n) & LR_VINTID);
	struct virq_bank *b = vgic_bank(v->dom, v, intid);

	lr_write(n, 0);
	c->lr_used &= ~(1u << n);
	if (b != NULL) {
		uint32_t bit = 1u << (intid % 32);
		b->inlr &= ~bit;
		if (again && ((b->edge & bit) || !(b->level & bit))) {
			b->pend |= bit;
		}
		vgic_update(v->dom, v, intid, wake);
	}
}

static uint8_t prio_of(struct vcpu *v, unsigned intid)
{
	return vgic_bank(v->dom, v, intid)->prio[intid % 32];
}

/* Whether anything is ready for @v (read without the lock: atomic). */
static bool any_ready(const struct vgic_cpu *c)
{
	for (unsigned w = 0; w < VGIC_READY_WORDS; w++) {
		if (__atomic_load_n(&c->ready[w], __ATOMIC_ACQUIRE) != 0) {
			return true;
		}
	}
	return false;
}

/* The ready interrupt to present first: highest priority (lowest value),
 * then lowest INTID (the architecture leaves ties to the implementation). */
static unsigned best_ready(struct vcpu *v, const uint64_t *ready)
{
	unsigned best = 0;
	unsigned best_prio = 0x100;

	for (unsigned i = 0; i < VGIC_NR_IRQS; i++) {
		if ((ready[i / 64] >> (i % 64)) & 1 && prio_of(v, i) < best_prio) {
			best = i;
			best_prio = prio_of(v, i);
		}
	}
	return best;
}

/* A free LR, or one only pending (not yet acknowledged) whose priority is
 * lower than @prio, taken back; -1 when neither. */
static int find_lr(struct vcpu *v, uint8_t prio, uint64_t *wake)
{
	struct vgic_cpu *c = vgic_cpu_of(v);
	int victim = -1;
	unsigned victim_prio = prio;

	for (unsigned n = 0; n < nr_lrs; n++) {
		if (!(c->lr_used & (1u << n))) {
			return (int)n;
		}
	}
	for (unsigned n = 0; n < nr_lrs; n++) {
		uint64_t lr = lr_read(n);
		unsigned p = (unsigned)(lr >> LR_PRIO_SHIFT) & 0xff;
		if ((lr & (LR_STATE_PENDING | LR_STATE_ACTIVE)) == LR_STATE_PENDING &&
		    p > victim_prio) {
			victim = (int)n;
			victim_prio = p;
		}
	}
	if (victim >= 0) {
		lr_release(v, (unsigned)victim, true, wake);
	}
	return victim;
}

/* Present @intid in LR @n; it leaves the ready set (it is in an LR now). */
static void lr_place(struct vcpu *v, unsigned n, unsigned intid, uint64_t *wake)
{
	struct vgic_cpu *c = vgic_cpu_of(v);
	struct virq_bank *b = vgic_bank(v->dom, v, intid);
	uint32_t bit = 1u << (intid % 32);

	/* A forwarded SPI: the guest's EOI deactivates the physical one (HW,
	 * pINTID = vINTID; no EOI maintenance: the LR's end is seen in ELRSR
	 * at the next exit, and a level line still high interrupts again). */
	uint64_t end = (b->hw & bit) ? LR_HW | (uint64_t)intid << LR_PINTID_SHIFT : LR_EOI;

	b->pend &= ~bit;
	b->inlr |= bit;
	lr_write(n, LR_STATE_PENDING | LR_GROUP1 | end |
			    (uint64_t)b->prio[intid % 32] << LR_PRIO_SHIFT | intid);
	c->lr_used |= 1u << n;
	vgic_update(v->dom, v, intid, wake);
}

void vgic_flush(struct vcpu *v)
{
	struct vgic_cpu *c = vgic_cpu_of(v);
	uint64_t hcr = ICH_HCR_EN;

	if (any_ready(c)) {
		uint64_t wake = 0;
		unsigned long flags = vgic_lock(v->dom);
		while (any_ready(c)) {
			unsigned intid = best_ready(v, c->ready);
			int n = find_lr(v, prio_of(v, intid), &wake);
			if (n < 0) {
				break;
			}
			lr_place(v, (unsigned)n, intid, &wake);
		}
		if (any_ready(c)) {
			hcr |= ICH_HCR_UIE;
		}
		vgic_unlock(v->dom, flags);
		vgic_wake(v->dom, wake);
	}
	if (hcr != c->hcr) {
		c->hcr = hcr;
		write_sysreg(ich_hcr_el2, hcr);
	}
}

void vgic_sync(struct vcpu *v)
{
	struct vgic_cpu *c = vgic_cpu_of(v);

	if (c->lr_used == 0) {
		return;
	}
	/* Ended: empty (ELRSR) or waiting for its EOI maintenance (EISR). */
	uint32_t done =
		(uint32_t)(read_sysreg(ich_elrsr_el2) | read_sysreg(ich_eisr_el2)) & c->lr_used;
	if (done == 0) {
		return;
	}
	uint64_t wake = 0;
	unsigned long flags = vgic_lock(v->dom);
	for (unsigned n = 0; n < nr_lrs; n++) {
		if (done & (1u << n)) {
			lr_release(v, n, false, &wake);
		}
	}
	vgic_unlock(v->dom, flags);
	vgic_wake(v->dom, wake);
}

bool vgic_has_interrupt(struct vcpu *v)
{
	struct vgic_cpu *c = vgic_cpu_of(v);

	if (any_ready(c)) {
		return true;
	}
	for (unsigned n = 0; n < nr_lrs; n++) {
		if ((c->lr_used & (1u << n)) && (lr_read(n) & LR_STATE_PENDING)) {
			return true;
		}
	}
	return false;
}

bool vgic_enabled(struct vcpu *v)
{
	(void)v;
	return (read_sysreg(ich_vmcr_el2) & ICH_VMCR_VENG1) != 0;
}

void vgic_load(struct vcpu *v)
{
	struct vgic_cpu *c = vgic_cpu_of(v);

	write_sysreg(ich_vmcr_el2, c->vmcr);
	write_sysreg(ich_ap0r0_el2, c->ap0r0);
	write_sysreg(ich_ap1r0_el2, c->ap1r0);
	for (unsigned n = 0; n < nr_lrs; n++) {
		if (c->lr_used & (1u << n)) {
			lr_write(n, c->lr[n]);
		}
	}
	c->hcr = ICH_HCR_EN;
	write_sysreg(ich_hcr_el2, c->hcr);
}

void vgic_save(struct vcpu *v)
{
	struct vgic_cpu *c = vgic_cpu_of(v);

	for (unsigned n = 0; n < nr_lrs; n++) {
		if (c->lr_used & (1u << n)) {
			c->lr[n] = lr_read(n);
			lr_write(n, 0);
		}
	}
	c->vmcr = read_sysreg(ich_vmcr_el2);
	c->ap0r0 = read_sysreg(ich_ap0r0_el2);
	c->ap1r0 = read_sysreg(ich_ap1r0_el2);
	/* No virtual CPU interface, and no maintenance interrupt, while no
	 * vCPU is loaded (an underflow with empty LRs would fire at once). */
	c->hcr = 0;
	write_sysreg(ich_hcr_el2, 0);
}

void vgic_vcpu_reset(struct vcpu *v)
{
	struct vgic_cpu *c = vgic_cpu_of(v);
	uint64_t wake = 0;
	unsigned long flags = vgic_lock(v->dom);

	/* Not loaded: what its LRs held is in the shadows. A CPU that was
	 * off starts with an empty CPU interface; its redistributor keeps
	 * its state, as a powered-down GIC redistributor does. */
	for (unsigned n = 0; n < nr_lrs; n++) {
		if (c->lr_used & (1u << n)) {
			unsigned intid = (unsigned)(c->lr[n] & LR_VINTID);
			struct virq_bank *b = vgic_bank(v->dom, v, intid);
			if (c->lr[n] & LR_HW) {
				gic_deactivate(intid); /* no guest EOI will */
			}
			if (b != NULL) {
				b->inlr &= ~(1u << (intid % 32));
				vgic_update(v->dom, v, intid, &wake);
			}
		}
	}
	c->lr_used = 0;
	c->vmcr = c->ap0r0 = c->ap1r0 = c->hcr = 0;
	vgic_unlock(v->dom, flags);
	vgic_wake(v->dom, wake);
}

/* --- raising interrupts ------------------------------------------------------------ */

void vgic_set_level(struct domain *d, unsigned intid, bool level)
{
	uint64_t wake = 0;
	unsigned long flags = vgic_lock(d);
	struct virq_bank *b = vgic_bank(d, NULL, intid);
	uint32_t bit = 1u << (intid % 32);

	if (level && !(b->level & bit) && (b->edge & bit)) {
		b->pend |= bit; /* an edge-triggered input latches its rising edge */
	}
	b->level = level ? b->level | bit : b->level & ~bit;
	vgic_update(d, NULL, intid, &wake);
	vgic_unlock(d, flags);
	vgic_wake(d, wake);
}

/* A forwarded SPI goes to the physical CPU of the vCPU it targets (vCPUs
 * never migrate): its arrival then exits that vCPU at once, with no kick
 * from another CPU. With the domain's lock held. */
void vgic_hw_follow(struct domain *d, unsigned intid)
{
	struct vcpu *t = spi_target(d, intid);

	if (t != NULL) {
		gic_spi_route(intid, cpu_get(t->cpu)->hwid);
	}
}

void vgic_set_hw(struct domain *d, unsigned intid, bool hw)
{
	unsigned long flags = vgic_lock(d);
	uint32_t bit = 1u << (intid % 32);
	struct virq_bank *b = vgic_bank(d, NULL, intid);

	b->hw = hw ? b->hw | bit : b->hw & ~bit;
	vgic_unlock(d, flags);
}

/*
 * A forwarded SPI fires only once the guest deactivated its previous
 * instance, but the list register that held it is seen empty only when its
 * vCPU next exits (no maintenance interrupt with the HW bit): if it is
 * still marked in an LR, that vCPU's CPU is kicked, so that it exits, ends
 * the old LR (vgic_sync) and places the new instance, instead of at its
 * next tick.
 */
void vgic_hw_arrived(struct domain *d, unsigned intid)
{
	uint64_t wake = 0;
	unsigned long flags = vgic_lock(d);
	struct virq_bank *b = vgic_bank(d, NULL, intid);
	uint32_t bit = 1u << (intid % 32);
	struct vcpu *stale = (b->inlr & bit) ? spi_target(d, intid) : NULL;

	b->pend |= bit;
	vgic_update(d, NULL, intid, &wake);
	vgic_unlock(d, flags);
	vgic_wake(d, wake);
	if (stale != NULL) {
		sched_kick(stale);
	}
}

/*
 * The output line of one of @v's own level-sensitive PPIs (its timers:
 * vtimer.c, ptimer.c), from @v's CPU. A line that drops while its
 * interrupt sits in a list register still only pending (not yet
 * acknowledged) takes that LR back: a level-sensitive interrupt is pending
 * only while its line is asserted (IHI 0069, the interrupt handling state
 * machine), so the guest must not take an interrupt whose timer it has
 * since disabled, masked or moved to the future. LRs are in this CPU's registers only while @v is loaded; an
 * active one ends with its EOI as usual, and is not sent again.
 */
void vgic_set_line(struct vcpu *v, unsigned intid, bool level)
{
	struct vgic_cpu *c = vgic_cpu_of(v);
	uint32_t bit = 1u << intid;
	uint64_t wake = 0;
	unsigned long flags = vgic_lock(v->dom);

	c->priv.level = level ? c->priv.level | bit : c->priv.level & ~bit;
	if (!level && (c->priv.inlr & bit) && vcpu_loaded() == v) {
		for (unsigned n = 0; n < nr_lrs; n++) {
			uint64_t lr = lr_read(n);
			if ((c->lr_used & (1u << n)) && (lr & LR_VINTID) == intid &&
			    (lr & (LR_STATE_PENDING | LR_STATE_ACTIVE)) == LR_STATE_PENDING) {
				lr_release(v, n, false, &wake);
			}
		}
	}
	vgic_update(v->dom, v, intid, &wake);
	vgic_unlock(v->dom, flags);
	vgic_wake(v->dom, wake);
}

/*
 * A guest's write of ICC_SGI1R_EL1: SGI INTID to every other vCPU of its
 * domain (IRM), or to those of the target list in cluster Aff3.Aff2.Aff1
 * (only cluster 0 exists: vCPU n has Aff0 = n), Aff0 = RS * 16 + bit.
 * Never outside the domain.
 */
void vgic_sgi(struct vcpu *v, uint64_t sgi1r)
{
	struct domain *d = v->dom;
	unsigned intid = (unsigned)SGI1R_INTID(sgi1r);
	uint64_t targets = 0;
	uint64_t wake = 0;

	if (sgi1r & SGI1R_IRM) {
		targets = (d->nr_vcpus >= 64 ? ~0ull : (1ull << d->nr_vcpus) - 1) &
			  ~(1ull << v->index);
	} else if (SGI1R_AFF1(sgi1r) == 0 && SGI1R_AFF2(sgi1r) == 0 && SGI1R_AFF3(sgi1r) == 0) {
		unsigned base = (unsigned)SGI1R_RS(sgi1r) * 16;
		for (unsigned i = 0; i < 16; i++) {
			if ((sgi1r & SGI1R_TARGETS) & (1u << i) && base + i < d->nr_vcpus) {
				targets |= 1ull << (base + i);
			}
		}
	}
	unsigned long flags = vgic_lock(d);
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		if (targets & (1ull << i)) {
			vgic_cpu_of(&d->vcpus[i])->priv.pend |= 1u << intid;
			vgic_update(d, &d->vcpus[i], intid, &wake);
		}
	}
	vgic_unlock(d, flags);
	vgic_wake(d, wake);
}
