/*
 * Time and the tick. The TSC is the clock (arch_time_ns); the local APIC's
 * timer, in one-shot mode, is the tick and the wake-up of sleeping vCPUs:
 * each interrupt programs it for the earlier of the CPU's next tick and
 * the first deadline of the vCPUs blocked on it (svm.c: a Linux vCPU's
 * HLT, until its PIT's next edge). Both rates are counted once at boot
 * against the PIT's channel 2, whose 1.193182 MHz input is fixed by the PC
 * platform (there is no CPUID leaf 0x15 under QEMU, nor a TSC-deadline
 * mode). The legacy PIC is remapped away from the exception vectors and
 * masked: the hypervisor takes no interrupt from it.
 */
#include "core/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "svm.h"
#include "x86.h"

#define PIT_HZ        1193182u
#define CALIBRATE_MS  10u
#define PIT_CH2       0x42
#define PIT_CMD       0x43
#define PORT_B        0x61 /* bit 0 gate 2, bit 1 speaker, bit 5 OUT 2 */
#define LAPIC_EOI     0x0B0
#define LAPIC_SVR     0x0F0
#define LAPIC_ICR_LO  0x300
#define LAPIC_ICR_HI  0x310
#define ICR_INIT      (5u << 8)
#define ICR_STARTUP   (6u << 8)
#define ICR_ASSERT    (1u << 14)
#define ICR_PENDING   (1u << 12)
#define LAPIC_LVT_TMR 0x320
#define LAPIC_TMR_ICR 0x380
#define LAPIC_TMR_CCR 0x390
#define LAPIC_TMR_DIV 0x3E0
#define ICR_SELF      (1u << 18) /* destination shorthand: self */
#define LVT_MASKED    (1u << 16)
#define SVR_ENABLE    (1u << 8)
#define APIC_BASE_EN  (1ull << 11)

static volatile uint32_t *lapic;
static uint64_t tsc_hz, lapic_hz, tsc_at_boot;
static uint64_t period;                 /* of the tick, in TSC cycles */
static uint64_t next_tick[HV_MAX_CPUS]; /* TSC; each CPU's own */

static uint32_t lapic_read(unsigned reg)
{
	return lapic[reg / 4];
}
static void lapic_write(unsigned reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

static void pic_remap_and_mask(void)
{
	static const uint8_t init[2][4] = {
		{ 0x11, X86_PIC_BASE_VECTOR, 0x04, 0x01 },
		{ 0x11, X86_PIC_BASE_VECTOR + 8, 0x02, 0x01 },
	};
	static const uint16_t port[2] = { 0x20, 0xA0 };

	for (unsigned i = 0; i < 2; i++) {
		outb(port[i], init[i][0]); /* ICW1: edge, cascade, ICW4 follows */
		for (unsigned w = 1; w < 4; w++) {
			outb(port[i] + 1, init[i][w]);
		}
		outb(port[i] + 1, 0xFF); /* OCW1: every line masked */
	}
}

void x86_timer_calibrate(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint16_t count = (uint16_t)(PIT_HZ * CALIBRATE_MS / 1000);

	lapic = (volatile uint32_t *)(uintptr_t)(base & ~0xFFFull);
	pic_remap_and_mask();
	x86_lapic_init();

	/* Channel 2, mode 0 (OUT goes high at terminal count), gate low. */
	outb(PORT_B, (uint8_t)(inb(PORT_B) & ~0x03));
	outb(PIT_CMD, 0xB0);
	outb(PIT_CH2, (uint8_t)count);
	outb(PIT_CH2, (uint8_t)(count >> 8));
	lapic_write(LAPIC_TMR_ICR, 0xFFFFFFFFu);
	uint64_t t0 = rdtsc();
	outb(PORT_B, (uint8_t)((inb(PORT_B) & ~0x02) | 0x01));
	while (!(inb(PORT_B) & 0x20)) {
	}
	uint64_t t1 = rdtsc();
	uint32_t left = lapic_read(LAPIC_TMR_CCR);
	lapic_write(LAPIC_TMR_ICR, 0);
	outb(PORT_B, (uint8_t)(inb(PORT_B) & ~0x01));

	tsc_hz = (t1 - t0) * (1000 / CALIBRATE_MS);
	lapic_hz = (uint64_t)(0xFFFFFFFFu - left) * (1000 / CALIBRATE_MS);
	tsc_at_boot = t1;
}

/* This CPU's local APIC on, its local interrupts masked, its timer
 * dividing by 16. */
void x86_lapic_init(void)
{
	static const unsigned lvts[] = { 0x330, 0x340, 0x350, 0x360, 0x370 };

	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EN);
	lapic_write(LAPIC_SVR, SVR_ENABLE | X86_SPURIOUS_VECTOR);
	/* Thermal, performance, LINT0, LINT1, error: whatever the firmware
	 * left there, nothing of theirs is the hypervisor's. */
	for (size_t i = 0; i < ARRAY_SIZE(lvts); i++) {
		lapic_write(lvts[i], LVT_MASKED);
	}
	lapic_write(LAPIC_LVT_TMR, LVT_MASKED | X86_TICK_VECTOR);
	lapic_write(LAPIC_TMR_DIV, 0x3);
}

static void icr_send(uint32_t apic_id, uint32_t low)
{
	while (lapic_read(LAPIC_ICR_LO) & ICR_PENDING) {
	}
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, low);
}

void x86_lapic_ipi(uint32_t apic_id, uint8_t vector)
{
	icr_send(apic_id, vector);
}

static void delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_hz / 1000000 * us;
	while (rdtsc() < end) {
		__asm__ volatile("pause");
	}
}

void x86_lapic_start_ap(uint32_t apic_id, uint8_t page)
{
	icr_send(apic_id, ICR_INIT | ICR_ASSERT);
	delay_us(10000);
	for (int i = 0; i < 2; i++) {
		icr_send(apic_id, ICR_STARTUP | page);
		delay_us(200);
	}
}

uint64_t x86_tsc_hz(void)
{
	return tsc_hz;
}

void x86_lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

void arch_timer_start(unsigned hz)
{
	uint64_t lapic_period = lapic_hz / hz;

	if (tsc_hz == 0 || lapic_period == 0 || lapic_period > 0xFFFFFFFFu) {
		panic("timer: calibration against the PIT failed (TSC %llu Hz, APIC timer %llu Hz)",
		      (unsigned long long)tsc_hz, (unsigned long long)lapic_hz);
	}
	if (arch_this_cpu()->id == 0) {
		printk("timer: TSC %llu kHz, APIC timer %llu kHz (counted against the PIT)\n",
		       (unsigned long long)(tsc_hz / 1000), (unsigned long long)(lapic_hz / 1000));
	}
	period = tsc_hz / hz;
	lapic_write(LAPIC_LVT_TMR, X86_TICK_VECTOR); /* one-shot */
	/* arch.h: the first tick comes at once: a self-IPI on the tick's
	 * vector, taken as soon as interrupts are enabled. */
	next_tick[arch_this_cpu()->id] = rdtsc();
	lapic_write(LAPIC_ICR_LO, ICR_SELF | X86_TICK_VECTOR);
}

void x86_timer_reprogram(void)
{
	uint64_t now = rdtsc(), when = next_tick[arch_this_cpu()->id];
	uint64_t wake = svm_next_wakeup();

	when = wake < when ? wake : when;
	uint64_t cycles = when > now ? when - now : 0;
	cycles = cycles < period ? cycles : period;
	/* cycles <= period (10 ms of TSC) times the APIC's rate fits 64 bits. */
	uint64_t count = cycles * lapic_hz / tsc_hz;
	lapic_write(LAPIC_TMR_ICR, count == 0            ? 1
				   : count > 0xFFFFFFFFu ? 0xFFFFFFFFu
							 : (uint32_t)count);
}

void x86_timer_interrupt(void)
{
	uint64_t *next = &next_tick[arch_this_cpu()->id];
	uint64_t now = rdtsc();
	bool tick = now >= *next;

	x86_lapic_eoi();
	if (tick) {
		*next += period;
		if (*next <= now) {
			*next = now + period; /* missed ticks are not made up */
		}
	}
	svm_expire();
	x86_timer_reprogram();
	if (tick) {
		hv_tick();
	}
}

uint64_t arch_time_ns(void)
{
	if (tsc_hz == 0) {
		return 0;
	}
	uint64_t t = rdtsc() - tsc_at_boot;
	return t / tsc_hz * 1000000000ull + t % tsc_hz * 1000000000ull / tsc_hz;
}
