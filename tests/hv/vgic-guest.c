/*
 * The virtual GIC and virtual timer test guest (tests/hv/vgic.sh), built by
 * the test itself with the bare-metal guest runtime (guests/lib). It drives
 * the interrupt controller the way Linux's irq-gic-v3 does, through the
 * trapped distributor and redistributor registers and the ICC system
 * registers, and prints one line per check from vCPU 0, so the lines come
 * in a fixed order:
 *
 *   vgic: counter N s                       its virtual counter starts near 0
 *   vgic: distributor and N redistributors ok   registers at every access size
 *   vgic: 20 timer interrupts on each of N vcpus  virtual timers, WFI sleeps
 *   vgic: 50 sgi round trips with each of N other vcpus
 *   vgic: broadcast sgi reached N other vcpus once each   (IRM = 1)
 *   vgic: priority order 11 10 9 8 7 6 5 4   8 SGIs pending at once, 4 LRs
 *   vgic: no unexpected interrupts           nothing from another domain
 *
 * A failed check prints "vgic: check N failed (...)" and powers off.
 */
#include <fmt/fmt.h>

#include "../../guests/lib/guest.h"

#define GICD        0x08000000ul
#define GICR        0x080a0000ul
#define GICR_STRIDE 0x20000ul
#define GICR_SGI    0x10000ul

#define TICKS          20
#define TICK_US        1000
#define ROUNDS         50
#define SGI_HELLO      0 /* a secondary is up, or done */
#define SGI_PING       1
#define SGI_PONG       2
#define SGI_ALL        3
#define SGI_PRIO_FIRST 4 /* 4..11: the priority check */
#define SGI_PRIO_LAST  11
#define INTID_VTIMER   27

static unsigned nr_vcpus;
static volatile unsigned online, timer_done;
static volatile unsigned ticks[GUEST_MAX_VCPUS], pings[GUEST_MAX_VCPUS], alls[GUEST_MAX_VCPUS];
static volatile unsigned pongs, hellos, unexpected, unexpected_intid;
static volatile unsigned order[8], nr_order;
static uint64_t tick_period;

#define sysreg_read(r)                                      \
	({                                                  \
		uint64_t v_;                                \
		__asm__ volatile("mrs %0, " #r : "=r"(v_)); \
		v_;                                         \
	})
#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

/* Single loads and stores without writeback, as Linux's readl/writel: the
 * hypervisor can only emulate accesses whose syndrome it gets (ISV). */
static uint32_t rd32(uintptr_t a)
{
	uint32_t v;
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static uint64_t rd64(uintptr_t a)
{
	uint64_t v;
	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static uint8_t rd8(uintptr_t a)
{
	uint32_t v;
	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return (uint8_t)v;
}

static void wr32(uintptr_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static void wr64(uintptr_t a, uint64_t v)
{
	__asm__ volatile("str %0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static void wr8(uintptr_t a, uint8_t v)
{
	__asm__ volatile("strb %w0, [%1]" : : "r"((uint32_t)v), "r"(a) : "memory");
}

static unsigned this_vcpu(void)
{
	return (unsigned)(sysreg_read(mpidr_el1) & 0xff);
}

static void fail(unsigned n, uint64_t got)
{
	gprintf("vgic: check %u failed (0x%llx)\n", n, (unsigned long long)got);
	guest_power_off();
}

static void check(unsigned n, bool ok, uint64_t got)
{
	if (!ok) {
		fail(n, got);
	}
}

/* ICC_SGI1R_EL1: to vCPU @target (Aff0; cluster 0), or to all others. */
static void send_sgi(unsigned intid, unsigned target, bool all)
{
	uint64_t v = (uint64_t)intid << 24;

	v |= all ? 1ull << 40 : (uint64_t)(target / 16) << 44 | 1ull << (target % 16);
	__asm__ volatile("dsb ishst" ::: "memory");
	sysreg_write(S3_0_C12_C11_5, v);
	__asm__ volatile("isb" ::: "memory");
}

/* Wait for an interrupt the way Linux's idle loop does: look with IRQs
 * masked, WFI (a pending interrupt ends it, masked or not), then take
 * what came. Looking with IRQs on would lose an interrupt taken between
 * the look and the WFI, and sleep for good. */
static void irqs_off(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

static void irqs_on(void)
{
	__asm__ volatile("msr daifclr, #2; isb" ::: "memory");
}

static void wfi_masked(void)
{
	__asm__ volatile("wfi" ::: "memory");
	irqs_on();
	irqs_off();
}

static void wait_for(volatile unsigned *what, unsigned n)
{
	irqs_off();
	while (*what < n) {
		wfi_masked();
	}
	irqs_on();
}

/* --- interrupts ---------------------------------------------------------------------- */

void irq_handler(void);
void irq_handler(void)
{
	unsigned me = this_vcpu();
	uint64_t iar = sysreg_read(S3_0_C12_C12_0); /* ICC_IAR1_EL1 */
	unsigned intid = (unsigned)(iar & 0xffffff);

	if (intid >= 1020) {
		return; /* spurious: nothing to end */
	}
	if (intid == INTID_VTIMER) {
		/* Re-arm by writing CTL too: the hypervisor masked the timer
		 * to inject it (vtimer.c). */
		if (++ticks[me] < TICKS) {
			sysreg_write(cntv_cval_el0, sysreg_read(cntv_cval_el0) + tick_period);
			sysreg_write(cntv_ctl_el0, 1);
		} else {
			sysreg_write(cntv_ctl_el0, 0);
		}
	} else if (intid == SGI_HELLO && me == 0) {
		hellos++;
	} else if (intid == SGI_PING && me != 0) {
		pings[me]++;
		send_sgi(SGI_PONG, 0, false);
	} else if (intid == SGI_PONG && me == 0) {
		pongs++;
	} else if (intid == SGI_ALL && me != 0) {
		alls[me]++;
		send_sgi(SGI_PONG, 0, false);
	} else if (intid >= SGI_PRIO_FIRST && intid <= SGI_PRIO_LAST && me == 0 && nr_order < 8) {
		order[nr_order++] = intid;
	} else {
		unexpected++;
		unexpected_intid = intid;
	}
	sysreg_write(S3_0_C12_C12_1, iar); /* ICC_EOIR1_EL1 */
}

/* Lower-EL and current-EL vectors: only an IRQ at EL1h is expected. */
void guest_exception(uint64_t esr, uint64_t elr, uint64_t far);
__asm__("	.text\n"
	"	.balign	0x800\n"
	"vgic_vectors:\n"
	"	.rept	5\n"
	"	.balign	0x80\n"
	"	b	bad_vector\n"
	"	.endr\n"
	"	.balign	0x80\n" /* 0x280: IRQ, current EL, SP_ELx */
	"	sub	sp, sp, #176\n"
	"	stp	x0, x1, [sp, #0]\n"
	"	stp	x2, x3, [sp, #16]\n"
	"	stp	x4, x5, [sp, #32]\n"
	"	stp	x6, x7, [sp, #48]\n"
	"	stp	x8, x9, [sp, #64]\n"
	"	stp	x10, x11, [sp, #80]\n"
	"	stp	x12, x13, [sp, #96]\n"
	"	stp	x14, x15, [sp, #112]\n"
	"	stp	x16, x17, [sp, #128]\n"
	"	stp	x18, x29, [sp, #144]\n"
	"	str	x30, [sp, #160]\n"
	"	bl	irq_handler\n"
	"	ldp	x0, x1, [sp, #0]\n"
	"	ldp	x2, x3, [sp, #16]\n"
	"	ldp	x4, x5, [sp, #32]\n"
	"	ldp	x6, x7, [sp, #48]\n"
	"	ldp	x8, x9, [sp, #64]\n"
	"	ldp	x10, x11, [sp, #80]\n"
	"	ldp	x12, x13, [sp, #96]\n"
	"	ldp	x14, x15, [sp, #112]\n"
	"	ldp	x16, x17, [sp, #128]\n"
	"	ldp	x18, x29, [sp, #144]\n"
	"	ldr	x30, [sp, #160]\n"
	"	add	sp, sp, #176\n"
	"	eret\n"
	"	.rept	10\n"
	"	.balign	0x80\n"
	"	b	bad_vector\n"
	"	.endr\n"
	"bad_vector:\n"
	"	mrs	x0, esr_el1\n"
	"	mrs	x1, elr_el1\n"
	"	mrs	x2, far_el1\n"
	"	b	guest_exception\n");
extern char vgic_vectors[];

/* What Linux's gic_cpu_init does for this vCPU: wake its redistributor,
 * SGIs and the timer PPI enabled at a default priority, then the CPU
 * interface: every priority unmasked, Group 1 on; then IRQs. */
static void cpu_init(unsigned me)
{
	uintptr_t rd = GICR + me * GICR_STRIDE;

	wr32(rd + 0x14, rd32(rd + 0x14) & ~2u); /* GICR_WAKER.ProcessorSleep */
	while (rd32(rd + 0x14) & 4u) {          /* ChildrenAsleep */
		cpu_relax();
	}
	wr32(rd + GICR_SGI + 0x80, ~0u); /* IGROUPR0: Group 1 */
	for (unsigned i = 0; i < 32; i += 4) {
		wr32(rd + GICR_SGI + 0x400 + i, 0xa0a0a0a0u);
	}
	wr32(rd + GICR_SGI + 0x100, 0xffffu | 1u << INTID_VTIMER); /* ISENABLER0 */
	sysreg_write(vbar_el1, (uintptr_t)vgic_vectors);
	sysreg_write(S3_0_C4_C6_0, 0xff); /* ICC_PMR_EL1 */
	sysreg_write(S3_0_C12_C12_3, 0);  /* ICC_BPR1_EL1 */
	sysreg_write(S3_0_C12_C12_7, 1);  /* ICC_IGRPEN1_EL1 */
	irqs_on();
}

/* TICKS virtual timer interrupts, sleeping in WFI in between. */
static void timer_phase(unsigned me)
{
	sysreg_write(cntv_cval_el0, sysreg_read(cntvct_el0) + tick_period);
	sysreg_write(cntv_ctl_el0, 1);
	wait_for(&ticks[me], TICKS);
}

void secondary_main(unsigned cpu)
{
	cpu_init(cpu);
	__atomic_add_fetch(&online, 1, __ATOMIC_SEQ_CST);
	send_sgi(SGI_HELLO, 0, false);
	timer_phase(cpu);
	__atomic_add_fetch(&timer_done, 1, __ATOMIC_SEQ_CST);
	send_sgi(SGI_HELLO, 0, false);
	for (;;) {
		wfi_masked(); /* pings until the domain ends */
	}
}

/* The registers as Linux's irq-gic-v3 reads and writes them. */
static void check_registers(void)
{
	check(1, (rd32(GICD + 0xffe8) & 0xf0) == 0x30, rd32(GICD + 0xffe8)); /* PIDR2.ArchRev */
	uint32_t typer = rd32(GICD + 0x4);
	check(2, (typer & 0x1f) == 3 && ((typer >> 19) & 0x1f) == 9, typer);
	wr32(GICD + 0x0, 0x13); /* ARE_NS | EnableGrp1A | EnableGrp1 */
	uint32_t ctlr = rd32(GICD + 0x0);
	check(3, (ctlr & 0x80000053u) == 0x53, ctlr); /* ARE, DS, enables; RWP clear */
	unsigned frames = 0;
	for (uintptr_t r = GICR;; r += GICR_STRIDE) {
		uint64_t t = rd64(r + 0x8); /* GICR_TYPER, one 64-bit read */
		check(4, (t >> 32) == frames && ((t >> 8) & 0xffff) == frames, t);
		check(5, (uint32_t)(t >> 32) == rd32(r + 0xc), t); /* its upper half */
		frames++;
		if (t & 0x10) { /* Last */
			break;
		}
		check(6, frames < nr_vcpus, frames);
	}
	check(7, frames == nr_vcpus, frames);
	check(8, (rd32(GICR + 0xffe8) & 0xf0) == 0x30, rd32(GICR + 0xffe8));
	/* Byte priorities, read back by byte and by word. */
	wr8(GICD + 0x400 + 33, 0x80);
	wr8(GICD + 0x400 + 34, 0x90);
	check(9, rd8(GICD + 0x400 + 33) == 0x80, rd8(GICD + 0x400 + 33));
	check(10, (rd32(GICD + 0x400 + 32) & 0x00ffff00u) == 0x00908000u, rd32(GICD + 0x400 + 32));
	/* IROUTER: 64-bit write, 32-bit halves; IRM read back. */
	wr64(GICD + 0x6000 + 33 * 8, 0x80000001ull);
	check(11, rd64(GICD + 0x6000 + 33 * 8) == 0x80000001ull, rd64(GICD + 0x6000 + 33 * 8));
	wr32(GICD + 0x6000 + 33 * 8, 0);
	check(12, rd64(GICD + 0x6000 + 33 * 8) == 0, rd64(GICD + 0x6000 + 33 * 8));
	/* ICFGR: what is written reads back (Linux checks it for SPIs);
	 * SGIs are edge-triggered, PPIs level-sensitive, both read-only. */
	wr32(GICD + 0xc00 + 8, 0x8); /* INTID 33 edge */
	check(13, rd32(GICD + 0xc00 + 8) == 0x8, rd32(GICD + 0xc00 + 8));
	wr32(GICD + 0xc00 + 8, 0);
	check(14, rd32(GICR + GICR_SGI + 0xc00) == 0xaaaaaaaau, rd32(GICR + GICR_SGI + 0xc00));
	wr32(GICR + GICR_SGI + 0xc04, 0xaaaaaaaau); /* every PPI edge: ignored */
	check(18, rd32(GICR + GICR_SGI + 0xc04) == 0, rd32(GICR + GICR_SGI + 0xc04));
	/* Enable bits: set by ISENABLER, seen in both, cleared by ICENABLER. */
	wr32(GICD + 0x104, 1u << 2); /* INTID 34 */
	check(15, rd32(GICD + 0x184) == 1u << 2, rd32(GICD + 0x184));
	wr32(GICD + 0x184, 1u << 2);
	check(16, rd32(GICD + 0x104) == 0, rd32(GICD + 0x104));
	/* The GICD copies of the SGI/PPI registers are RAZ/WI with ARE. */
	wr32(GICD + 0x100, ~0u);
	check(17, rd32(GICD + 0x100) == 0, rd32(GICD + 0x100));
	gprintf("vgic: distributor and %u redistributors ok\n", frames);
}

/* Eight SGIs pending at once (more than the 4 list registers), sent with
 * IRQs masked lowest priority first: they must be taken highest first. */
static void check_priorities(void)
{
	uintptr_t prio = GICR + GICR_SGI + 0x400;

	for (unsigned i = SGI_PRIO_FIRST; i <= SGI_PRIO_LAST; i++) {
		wr8(prio + i, (uint8_t)(0x10 + 8 * (SGI_PRIO_LAST - i)));
	}
	irqs_off();
	for (unsigned i = SGI_PRIO_FIRST; i <= SGI_PRIO_LAST; i++) {
		send_sgi(i, 0, false);
	}
	irqs_on();
	wait_for(&nr_order, 8);
	char line[64];
	unsigned n = 0;
	for (unsigned i = 0; i < nr_order; i++) {
		n += (unsigned)fmt_snprintf(line + n, sizeof(line) - n, " %u", order[i]);
	}
	line[n] = '\0';
	gprintf("vgic: priority order%s\n", line);
}

int main(const void *fdt)
{
	(void)fdt;
	uint64_t freq = sysreg_read(cntfrq_el0);
	uint64_t now = sysreg_read(cntvct_el0);

	struct hvc_result who = hvc(HL_WHOAMI, 0, 0, 0);
	nr_vcpus = (unsigned)who.x3;
	tick_period = freq / 1000000 * TICK_US;
	/* Created (and its counter started) at most a few seconds ago. */
	gprintf("vgic: counter %s 5 s\n", now < 5 * freq ? "below" : "above");
	check_registers();

	cpu_init(0);
	online = 1;
	for (unsigned i = 1; i < nr_vcpus; i++) {
		check(20, guest_cpu_on(i) == 0, i);
	}
	wait_for(&online, nr_vcpus);
	timer_phase(0);
	wait_for(&timer_done, nr_vcpus - 1);
	gprintf("vgic: %u timer interrupts on each of %u vcpus\n", ticks[0], nr_vcpus);
	for (unsigned i = 1; i < nr_vcpus; i++) {
		check(21, ticks[i] == TICKS, ticks[i]);
	}

	for (unsigned k = 1; k < nr_vcpus; k++) {
		for (unsigned r = 0; r < ROUNDS; r++) {
			unsigned want = pongs + 1;
			send_sgi(SGI_PING, k, false);
			wait_for(&pongs, want);
		}
		check(22, pings[k] == ROUNDS, pings[k]);
	}
	gprintf("vgic: %u sgi round trips with each of %u other vcpus\n", ROUNDS, nr_vcpus - 1);

	/* The answers are wake-ups only: two of them pending at once are one
	 * interrupt (an SGI's pending state is one bit per target PE). */
	send_sgi(SGI_ALL, 0, true);
	irqs_off();
	for (;;) {
		unsigned answered = 0;
		for (unsigned i = 1; i < nr_vcpus; i++) {
			answered += alls[i] != 0;
		}
		if (answered == nr_vcpus - 1) {
			break;
		}
		wfi_masked();
	}
	irqs_on();
	unsigned reached = 0;
	for (unsigned i = 1; i < nr_vcpus; i++) {
		reached += alls[i] == 1;
	}
	gprintf("vgic: broadcast sgi reached %u other vcpus once each\n", reached);

	check_priorities();
	if (unexpected == 0) {
		gprintf("vgic: no unexpected interrupts\n");
	} else {
		gprintf("vgic: %u unexpected interrupts (last INTID %u)\n", unexpected,
			unexpected_intid);
	}
	return 0;
}
