/*
 * The hypervisor timer: the EL2 physical timer (CNTHP_*_EL2), whose PPI the
 * DTB's arm,armv8-timer node gives as its 4th interrupt (INTID 26 on QEMU
 * virt). It serves two things on each CPU: the periodic tick (the
 * scheduler's slices, the console's input), whose next deadline is the
 * previous one plus the period so that it does not drift with interrupt
 * latency; and the timer deadlines of the vCPUs blocked on this CPU
 * (vtimer.c), which must wake up in time although their timers are not
 * loaded, with the emulated physical timer of the vCPU it runs (ptimer.c).
 * The compare value is always the earliest of them.
 */
#include "arm64.h"
#include "core/cpu.h"
#include "sysreg.h"
#include "vgic.h"

static uint64_t period; /* counter ticks; same on every CPU */
static uint64_t next_tick[HV_MAX_CPUS];

uint64_t timer_counter(void)
{
	isb(); /* no early, speculative read of the counter */
	return read_sysreg(cntpct_el0);
}

uint64_t arch_time_ns(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);
	uint64_t c = timer_counter();

	return c / freq * 1000000000ull + c % freq * 1000000000ull / freq;
}

/* With interrupts masked, on this CPU. A deadline in the future lowers the
 * timer's level output; one in the past fires at once. */
void timer_reprogram(void)
{
	uint64_t when = next_tick[arch_this_cpu()->id];
	uint64_t wake = vtimer_next_wakeup();

	write_sysreg(cnthp_cval_el2, wake < when ? wake : when);
	isb();
}

void arch_timer_start(unsigned hz)
{
	period = read_sysreg(cntfrq_el0) / hz;
	/* The first tick at once: it proves the interrupt path (the boot CPU
	 * waits for one on every CPU) without waiting a period. */
	next_tick[arch_this_cpu()->id] = timer_counter();
	timer_reprogram();
	write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
	isb();
	gic_enable_ppi(plat->tick_irq);
}

void timer_interrupt(void)
{
	uint64_t *next = &next_tick[arch_this_cpu()->id];
	uint64_t now = timer_counter();
	bool tick = now >= *next;

	if (tick) {
		*next += period;
		if (*next <= now) {
			*next = now + period; /* missed ticks are not made up */
		}
	}
	vtimer_expire(now);
	ptimer_expire();
	timer_reprogram();
	if (tick) {
		hv_tick();
	}
}
