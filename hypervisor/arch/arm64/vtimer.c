/*
 * The virtual timer of each vCPU: the EL1 virtual timer (CNTV_CTL_EL0,
 * CNTV_CVAL_EL0; Arm ARM D11.2.4) runs on the hardware while its vCPU is
 * loaded and is saved with it when its CPU changes vCPU. Each domain's
 * virtual counter starts near 0 when the domain is created: CNTVOFF_EL2 is
 * the physical counter at that moment, the same for all its vCPUs
 * (booting.rst asks for one CNTVOFF per guest).
 *
 * Injection is by software, with masking (Xen's way, arm64-el2.md §2.3):
 * the timer's physical PPI 27 reaches EL2 (HCR_EL2.IMO); the hypervisor
 * sets CNTV_CTL_EL0.IMASK, which lowers the timer's output, ends the
 * physical interrupt, and makes the virtual INTID 27 pending for the
 * loaded vCPU (vgic_set_pending). The guest's handler re-arms the timer by
 * writing CNTV_CTL with IMASK clear, as Linux does (a bare-metal guest
 * must write CNTV_CTL too, not only CVAL or TVAL). Not the HW bit: with
 * it the physical PPI stays active until the guest deactivates the
 * virtual one, so a vCPU switched out (or not yet ready to take it) would
 * block the timer of every other vCPU of that CPU (arm64-el2.md §2.3).
 *
 * The physical timer is the hypervisor's (CNTHCTL_EL2.EL1PCEN = 0): a
 * guest's CNTP_* accesses trap and read as zero, writes are ignored
 * (traps.c); Linux at EL1 uses the virtual timer only.
 *
 * A blocked vCPU (WFI, sched_block) is not loaded, so its timer cannot
 * fire: it goes on its CPU's sleeper list with its deadline in physical
 * counter ticks (CVAL + CNTVOFF), and the hypervisor timer (timer.c) is
 * programmed for the earliest deadline of the list or the next tick. When
 * a deadline passes the vCPU is woken; loaded again with its CVAL in the
 * past, the timer fires at once and takes the path above.
 *
 * The sleeper list of a CPU is touched only by that CPU, with interrupts
 * masked (its scheduler loop and its timer interrupt): no lock. A vCPU
 * powered off while it sleeps (its domain was destroyed) is dropped at the
 * CPU's next timer interrupt, at the latest its next tick.
 */
#include "arm64.h"
#include "core/cpu.h"
#include "core/domain.h"
#include "core/sched.h"
#include "core/vcpu.h"
#include "sysreg.h"
#include "vgic.h"

#define CNT_ENABLE   (1ull << 0)
#define CNT_IMASK    (1ull << 1)
#define CNT_ISTATUS  (1ull << 2)

static struct vcpu *sleepers[HV_MAX_CPUS];

bool arch_vcpu_sleeping(const struct vcpu *v)
{
	return __atomic_load_n(&vtimer_of(v)->sleeping, __ATOMIC_ACQUIRE);
}

static void unlink_sleeper(struct vcpu *v)
{
	struct vcpu **p = &sleepers[v->cpu];

	while (*p != NULL && *p != v) {
		p = &vtimer_of(*p)->next_sleeper;
	}
	if (*p == v) {
		*p = vtimer_of(v)->next_sleeper;
	}
	vtimer_of(v)->sleeping = false;
	vtimer_of(v)->next_sleeper = NULL;
}

void vtimer_load(struct vcpu *v)
{
	struct vtimer *t = vtimer_of(v);

	if (t->sleeping) {
		unlink_sleeper(v);
	}
	write_sysreg(cntvoff_el2, v->dom->arch->cntvoff);
	write_sysreg(cntv_cval_el0, t->cval);
	write_sysreg(cntv_ctl_el0, t->ctl);
}

void vtimer_save(struct vcpu *v)
{
	struct vtimer *t = vtimer_of(v);

	t->ctl = read_sysreg(cntv_ctl_el0) & (CNT_ENABLE | CNT_IMASK);
	t->cval = read_sysreg(cntv_cval_el0);
	/* The guest's timer must not fire into whatever runs next. */
	write_sysreg(cntv_ctl_el0, 0);
	isb();
}

void vtimer_reset(struct vcpu *v)
{
	struct vtimer *t = vtimer_of(v);

	if (t->sleeping) {
		unlink_sleeper(v);
	}
	/* Off: a stale timer must not fire into a guest whose GIC is not
	 * set up yet (arm64-el2.md §2.3). */
	t->ctl = 0;
	t->cval = 0;
}

bool vtimer_pending(void)
{
	uint64_t ctl = read_sysreg(cntv_ctl_el0);

	return (ctl & (CNT_ENABLE | CNT_IMASK | CNT_ISTATUS)) == (CNT_ENABLE | CNT_ISTATUS);
}

void vtimer_interrupt(void)
{
	struct vcpu *v = vcpu_loaded();
	uint64_t ctl = read_sysreg(cntv_ctl_el0);

	if (v == NULL) {
		write_sysreg(cntv_ctl_el0, 0);  /* nobody's timer: cannot happen */
		isb();
		return;
	}
	if ((ctl & (CNT_ENABLE | CNT_IMASK | CNT_ISTATUS)) == (CNT_ENABLE | CNT_ISTATUS)) {
		write_sysreg(cntv_ctl_el0, ctl | CNT_IMASK);
		isb();
		vgic_set_pending(v, INTID_VTIMER);
	}
}

void vtimer_sleep(struct vcpu *v)
{
	struct vtimer *t = vtimer_of(v);
	uint64_t off = v->dom->arch->cntvoff;

	if ((t->ctl & (CNT_ENABLE | CNT_IMASK)) != CNT_ENABLE || t->cval > ~0ull - off) {
		return;                 /* off, masked or never: only an interrupt wakes it */
	}
	if (t->sleeping) {
		unlink_sleeper(v);
	}
	t->wake_at = t->cval + off;
	t->sleeping = true;
	t->next_sleeper = sleepers[v->cpu];
	sleepers[v->cpu] = v;
	timer_reprogram();
}

uint64_t vtimer_next_wakeup(void)
{
	uint64_t first = ~0ull;

	for (struct vcpu *v = sleepers[arch_this_cpu()->id]; v != NULL;
	     v = vtimer_of(v)->next_sleeper) {
		if (vtimer_of(v)->wake_at < first) {
			first = vtimer_of(v)->wake_at;
		}
	}
	return first;
}

void vtimer_expire(uint64_t now)
{
	struct vcpu **p = &sleepers[arch_this_cpu()->id];

	while (*p != NULL) {
		struct vcpu *v = *p;
		struct vtimer *t = vtimer_of(v);
		/* A vCPU whose domain ended leaves the list too: until it does,
		 * its CPU still holds it and the domain's memory cannot be
		 * given back (domain_on_cpu). */
		if (t->wake_at > now && __atomic_load_n(&v->power, __ATOMIC_ACQUIRE) == VCPU_ON) {
			p = &t->next_sleeper;
			continue;
		}
		*p = t->next_sleeper;
		t->sleeping = false;
		t->next_sleeper = NULL;
		sched_wake(v);
	}
}
