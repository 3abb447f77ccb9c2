/*
 * The virtual timer of each vCPU: the EL1 virtual timer (CNTV_CTL_EL0,
 * CNTV_CVAL_EL0; Arm ARM D11.2.4) runs on the hardware while its vCPU is
 * loaded and is saved with it when its CPU changes vCPU. Each domain's
 * virtual counter starts near 0 when the domain is created: CNTVOFF_EL2 is
 * the physical counter at that moment, the same for all its vCPUs
 * (booting.rst asks for one CNTVOFF per guest).
 *
 * Injection is by software, with the physical PPI masked at the GIC: the
 * timer's output (ENABLE set, IMASK clear, ISTATUS: the timer condition
 * met, Arm ARM D11.2.4) is the level of the vCPU's virtual INTID 27, a
 * level-sensitive PPI (vgic_set_line). The hypervisor samples it whenever
 * it sees the loaded vCPU: on every exit (before the ended list registers
 * are released), when its physical PPI 27 fires, and when the vCPU is
 * loaded. A high line makes INTID 27 pending and turns the physical PPI
 * off on this CPU (GICR_ICENABLER0): it would fire again and again until
 * the guest handles its interrupt. The guest's handler ends the condition
 * (a CVAL in the future, IMASK, ENABLE clear) and its EOI brings the vCPU
 * out (ICH_LR.EOI): the line is seen low and the physical PPI is turned on
 * again. A line seen low while INTID 27 is still only pending in a list
 * register takes it back: the guest never takes the interrupt of a timer
 * it has since disabled or masked, and GICR_ISPENDR0 shows the line.
 * CNTV_CTL_EL0 stays the guest's: it reads back the IMASK it wrote, never
 * one of the hypervisor's (the guest's accesses do not trap without
 * FEAT_ECV, so nothing could hide it). Not the HW bit of the list
 * register: with it the physical PPI stays active until the guest
 * deactivates the virtual one, so a vCPU switched out (or not yet ready to
 * take it) would block the timer of every other vCPU of that CPU
 * (IHI 0069, ICH_LR<n>_EL2.HW: the physical interrupt is deactivated when
 * the guest deactivates the virtual one, not before).
 *
 * The EL1 physical timer is emulated per vCPU (ptimer.c); its deadline
 * joins the virtual timer's here.
 *
 * A blocked vCPU (WFI, sched_block) is not loaded, so its timer cannot
 * fire: it goes on its CPU's sleeper list with its first deadline in
 * physical counter ticks (the virtual timer's CVAL + CNTVOFF, or its
 * physical timer's CVAL), and the hypervisor timer (timer.c) is programmed
 * for the earliest deadline of the list or the next tick. When a deadline
 * passes the vCPU is woken; loaded again, its timers are sampled and their
 * lines raised. The loaded vCPU's physical timer deadline is on the
 * hypervisor timer too (vtimer_next_wakeup, ptimer_expire).
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


static struct vcpu *sleepers[HV_MAX_CPUS];
static bool ppi_off[HV_MAX_CPUS]; /* physical PPI 27 turned off (a line high) */

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
	 * set up yet (CNTV_CTL_EL0.ENABLE resets to an UNKNOWN value). */
	t->ctl = 0;
	t->cval = 0;
	if (t->line) {
		t->line = false;
		vgic_set_line(v, INTID_VTIMER, false);
	}
	ptimer_reset(v);
}

/* The timer's output: enabled, not masked, condition met (D11.2.4). */
static bool line_of(uint64_t ctl)
{
	return (ctl & (CNT_ENABLE | CNT_IMASK | CNT_ISTATUS)) == (CNT_ENABLE | CNT_ISTATUS);
}

void vtimer_sync(struct vcpu *v)
{
	struct vtimer *t = vtimer_of(v);
	bool line = line_of(read_sysreg(cntv_ctl_el0));
	unsigned cpu = arch_this_cpu()->id;

	if (line != t->line) {
		t->line = line;
		vgic_set_line(v, INTID_VTIMER, line);
	}
	if (line != ppi_off[cpu]) {
		ppi_off[cpu] = line;
		gic_set_ppi(INTID_VTIMER, !line);
	}
}

void vtimer_interrupt(void)
{
	struct vcpu *v = vcpu_loaded();

	if (v == NULL) {
		write_sysreg(cntv_ctl_el0, 0); /* nobody's timer: cannot happen */
		isb();
		return;
	}
	vtimer_sync(v);
}

/* The virtual timer's deadline in physical counter ticks, ~0 for none:
 * off, masked, never, or its line already high (INTID 27 is pending). */
static uint64_t deadline(const struct vcpu *v)
{
	const struct vtimer *t = vtimer_of(v);
	uint64_t off = v->dom->arch->cntvoff;

	if ((t->ctl & (CNT_ENABLE | CNT_IMASK)) != CNT_ENABLE || t->line || t->cval > ~0ull - off) {
		return ~0ull;
	}
	return t->cval + off;
}

void vtimer_sleep(struct vcpu *v)
{
	struct vtimer *t = vtimer_of(v);
	uint64_t when = deadline(v);
	uint64_t p = ptimer_deadline(v);

	when = p < when ? p : when;
	if (when == ~0ull) {
		return; /* only an interrupt wakes it */
	}
	if (t->sleeping) {
		unlink_sleeper(v);
	}
	t->wake_at = when;
	t->sleeping = true;
	t->next_sleeper = sleepers[v->cpu];
	sleepers[v->cpu] = v;
	timer_reprogram();
}

uint64_t vtimer_next_wakeup(void)
{
	struct vcpu *cur = vcpu_loaded();
	uint64_t first = cur != NULL ? ptimer_deadline(cur) : ~0ull;

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
		t->next_sleeper = NULL;
		bool on = __atomic_load_n(&v->power, __ATOMIC_ACQUIRE) == VCPU_ON;
		if (on) {
			sched_wake(v);
		}
		/* Last: once it reads false, the vCPU is no longer this CPU's
		 * and a dead one may be freed (domain_on_cpu). */
		__atomic_store_n(&t->sleeping, false, __ATOMIC_RELEASE);
	}
}
