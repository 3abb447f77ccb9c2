/*
 * The hypervisor tick: the EL2 physical timer (CNTHP_*_EL2), whose PPI the
 * DTB's arm,armv8-timer node gives as its 4th interrupt (INTID 26 on QEMU
 * virt). The next deadline is the previous one plus the period, so the tick
 * does not drift with interrupt latency. Later the scheduler runs from it.
 */
#include "arm64.h"
#include "sysreg.h"

static uint64_t period;                 /* counter ticks; same on every CPU */

static uint64_t counter(void)
{
	isb();          /* no early, speculative read of the counter */
	return read_sysreg(cntpct_el0);
}

uint64_t arch_time_ns(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);
	uint64_t c = counter();

	return c / freq * 1000000000ull + c % freq * 1000000000ull / freq;
}

void arch_timer_start(unsigned hz)
{
	period = read_sysreg(cntfrq_el0) / hz;
	write_sysreg(cnthp_cval_el2, counter() + period);
	write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
	isb();
	gic_enable_ppi(plat->tick_irq);
}

void timer_interrupt(void)
{
	uint64_t next = read_sysreg(cnthp_cval_el2) + period;
	uint64_t now = counter();

	if (next <= now) {
		next = now + period;    /* missed ticks are not made up */
	}
	/* A deadline in the future lowers the timer's level output. */
	write_sysreg(cnthp_cval_el2, next);
	isb();
	hv_tick();
}
