/*
 * Interrupt latency of a bare-metal domain (make bench-latency,
 * tests/hv/pinned.sh). Two sources, SAMPLES each, one at a time:
 *
 *   timer  the EL1 virtual timer: the counter at handler entry minus the
 *          compare value it was programmed with (the interrupt cannot be
 *          earlier than that);
 *   gpio   a passed-through PL061 (when its device tree has one): the
 *          counter at handler entry minus the counter just before the
 *          write that raises its level-sensitive interrupt.
 *
 * Between samples it sleeps in WFI (the timer) or waits with IRQs on (the
 * GPIO). Prints, in ns (the counter's ticks at CNTFRQ):
 *
 *   latency: timer: n=200 median=N p99=N max=N ns
 *   latency: gpio: n=200 median=N p99=N max=N ns
 */

#include "guest.h"

#define SAMPLES       200
#define PERIOD_US     500 /* between timer samples */
#define INTID_VTIMER  27
#define GPIODATA_PIN0 0x004
#define GPIODIR       0x400
#define GPIOIS        0x404
#define GPIOIEV       0x40c
#define GPIOIE        0x410
#define GPIOIC        0x41c

#define sysreg_read(r)                                           \
	({                                                       \
		uint64_t v_;                                     \
		__asm__ volatile("isb; mrs %0, " #r : "=r"(v_)); \
		v_;                                              \
	})
#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0; isb" : : "r"((uint64_t)(v)) : "memory")

static uintptr_t gpio;
static unsigned gpio_intid;
static volatile uint64_t at_entry;
static volatile unsigned taken;
static uint64_t samples[SAMPLES];

static void wr32(uintptr_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static void on_irq(unsigned intid)
{
	at_entry = sysreg_read(cntvct_el0);
	if (intid == INTID_VTIMER) {
		sysreg_write(cntv_ctl_el0, 0);
	} else if (intid == gpio_intid) {
		wr32(gpio + GPIODATA_PIN0, 0);
		wr32(gpio + GPIOIC, 1);
	}
	taken++;
}

static void sort(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned j = i;
		for (; j > 0 && v[j - 1] > x; j--) {
			v[j] = v[j - 1];
		}
		v[j] = x;
	}
}

static void report(const char *what, uint64_t freq)
{
	sort(samples, SAMPLES);
	uint64_t ns = 1000000000ull / freq;
	gprintf("latency: %s: n=%u median=%llu p99=%llu max=%llu ns\n", what, SAMPLES,
		(unsigned long long)(samples[SAMPLES / 2] * ns),
		(unsigned long long)(samples[SAMPLES * 99 / 100] * ns),
		(unsigned long long)(samples[SAMPLES - 1] * ns));
}

static void timer_samples(uint64_t freq)
{
	guest_irq_enable_ppi(INTID_VTIMER);
	for (unsigned i = 0; i < SAMPLES; i++) {
		uint64_t cval = sysreg_read(cntvct_el0) + freq / 1000000 * PERIOD_US;
		unsigned before = taken;
		sysreg_write(cntv_cval_el0, cval);
		sysreg_write(cntv_ctl_el0, 1);
		while (taken == before) {
			__asm__ volatile("wfi" ::: "memory");
		}
		samples[i] = at_entry - cval;
	}
	report("timer", freq);
}


static void gpio_samples(uint64_t freq)
{
	wr32(gpio + GPIODIR, 1);
	wr32(gpio + GPIOIEV, 1);
	wr32(gpio + GPIOIS, 1);
	wr32(gpio + GPIOIC, 0xff);
	wr32(gpio + GPIOIE, 1);
	guest_irq_enable_spi(gpio_intid);
	for (unsigned i = 0; i < SAMPLES; i++) {
		unsigned before = taken;
		uint64_t t0 = sysreg_read(cntvct_el0);
		wr32(gpio + GPIODATA_PIN0, 1);
		while (taken == before) {
			cpu_relax();
		}
		samples[i] = at_entry - t0;
	}
	report("gpio", freq);
}

int main(const void *fdt)
{
	uint64_t freq = sysreg_read(cntfrq_el0);

	guest_irq_init(fdt, on_irq);
	timer_samples(freq);
	if (guest_dt_spi_device(fdt, "arm,pl061", &gpio, &gpio_intid)) {
		gpio_samples(freq);
	}
	return 0;
}
