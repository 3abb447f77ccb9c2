/*
 * The architecture a guest was written for (tests/hv/vtimer-state.sh,
 * guest-aborts.sh, sysregs.sh, ptimer.sh): a bare-metal guest, built by
 * the tests with the guest runtime (guests/lib), that checks what it would
 * see on hardware. Bootargs "test=NAME" picks the check; each prints its
 * lines from vCPU 0 in a fixed order, then "arch: NAME done".
 *
 *   vtimer  the virtual timer's INTID 27 is pending (GICR_ISPENDR0) exactly
 *           while its output is high: not after the timer is disabled,
 *           masked or moved to the future, and no interrupt comes then;
 *           CNTV_CTL_EL0 reads back what was written, with ISTATUS
 *   aborts  a load and a store where there is no RAM or device, and a
 *           branch there, are synchronous external aborts this guest
 *           takes itself (ESR, FAR, ELR as on hardware)
 *   loop    aborts on the same address for 1.5 s: the hypervisor's lines
 *           about it are rate-limited, and the domain beside it runs
 *   sysregs ID_AA64DFR0_EL1 says there is no PMU, and a PMU register is
 *           UNDEFINED
 *   ptimer  the EL1 physical timer: CNTP_CTL/CVAL/TVAL_EL0 read back as
 *           written, ISTATUS follows the counter, INTID 30 follows its
 *           output, and its interrupt comes while the vCPU runs and while
 *           it sleeps in WFI
 *   pstate  (-cpu max) PSTATE on taking an abort: PAN kept with
 *           SCTLR_EL1.SPAN = 1 and set with SPAN = 0, DIT kept, SSBS from
 *           SCTLR_EL1.DSSBS
 *   tpm     the TPM's registers (QEMU virt's tpm-tis-device, 0x0c000000)
 *           are the hypervisor's: a load of TPM_DID_VID and a store to
 *           TPM_ACCESS (a locality request) abort as where nothing is
 *
 * A failed check prints "arch: check N failed (0x...)" and powers off.
 */
#include <string.h>

#include "../../guests/lib/guest.h"

#define GICR         0x080a0000ul
#define GICR_SGI     0x10000ul
#define ISPENDR0     (GICR + GICR_SGI + 0x200)
#define INTID_VTIMER 27
#define INTID_PTIMER 30
#define NO_RAM       0x30000000ul /* nothing there in a domain */
#define TPM_TIS      0x0c000000ul /* the host's TPM (QEMU virt's platform bus) */

#define CTL_ENABLE 1u
#define CTL_IMASK  2u

#define sysreg_read(r)                                      \
	({                                                  \
		uint64_t v_;                                \
		__asm__ volatile("mrs %0, " #r : "=r"(v_)); \
		v_;                                         \
	})
#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0; isb" : : "r"((uint64_t)(v)) : "memory")

static uint64_t freq;
static volatile unsigned irqs[64];
static volatile uint64_t irq_ctl; /* the timer's CTL its handler saw */
static volatile uint64_t sync_esr, sync_far, sync_elr;
static volatile uint64_t sync_pstate; /* PAN | DIT | SSBS in the handler */
static volatile unsigned nr_sync;

static uint32_t rd32(uintptr_t a)
{
	uint32_t v;
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static void wr32(uintptr_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static void check(unsigned n, bool ok, uint64_t got)
{
	if (!ok) {
		gprintf("arch: check %u failed (0x%llx)\n", n, (unsigned long long)got);
		guest_power_off();
	}
}

static void irqs_off(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

static void irqs_on(void)
{
	__asm__ volatile("msr daifclr, #2; isb" ::: "memory");
}

static uint64_t vcount(void)
{
	__asm__ volatile("isb" ::: "memory");
	return sysreg_read(cntvct_el0);
}

static uint64_t pcount(void)
{
	__asm__ volatile("isb" ::: "memory");
	return sysreg_read(cntpct_el0);
}

static void spin_ms(unsigned ms)
{
	uint64_t end = vcount() + freq / 1000 * ms;

	while (vcount() < end) {
		cpu_relax();
	}
}

/* Whether INTID @intid is pending in this vCPU's redistributor, polled
 * for up to @ms (an interrupt from the hardware takes a moment). */
static bool pending_within(unsigned intid, unsigned ms)
{
	uint64_t end = vcount() + freq / 1000 * ms;

	do {
		if (rd32(ISPENDR0) & (1u << intid)) {
			return true;
		}
	} while (vcount() < end);
	return false;
}

static bool pending(unsigned intid)
{
	return (rd32(ISPENDR0) & (1u << intid)) != 0;
}

/* --- exceptions ------------------------------------------------------------------------ */

void irq_handler(void);
void irq_handler(void)
{
	uint64_t iar = sysreg_read(S3_0_C12_C12_0); /* ICC_IAR1_EL1 */
	unsigned intid = (unsigned)(iar & 0xffffff);

	if (intid >= 1020) {
		return;
	}
	/* Lower the timer's output as Linux's handler does: mask it. */
	if (intid == INTID_VTIMER) {
		irq_ctl = sysreg_read(cntv_ctl_el0);
		sysreg_write(cntv_ctl_el0, CTL_ENABLE | CTL_IMASK);
	} else if (intid == INTID_PTIMER) {
		irq_ctl = sysreg_read(cntp_ctl_el0);
		sysreg_write(cntp_ctl_el0, CTL_ENABLE | CTL_IMASK);
	}
	irqs[intid < 64 ? intid : 63]++;
	sysreg_write(S3_0_C12_C12_1, iar); /* ICC_EOIR1_EL1 */
}

/* PSTATE.PAN, DIT and SSBS, by their registers (S3_0_C4_C2_3, S3_3_C4_C2_5,
 * S3_3_C4_C2_6), or 0 where FEAT_PAN, FEAT_DIT or FEAT_SSBS is missing. */
#define PSTATE_PAN  (1ull << 22)
#define PSTATE_DIT  (1ull << 24)
#define PSTATE_SSBS (1ull << 12)
#define SCTLR_SPAN  (1ull << 23)
#define SCTLR_DSSBS (1ull << 44)

static bool has_pan_dit_ssbs(void)
{
	uint64_t mmfr1 = sysreg_read(S3_0_C0_C7_1); /* ID_AA64MMFR1_EL1 */
	uint64_t pfr0 = sysreg_read(S3_0_C0_C4_0);  /* ID_AA64PFR0_EL1 */
	uint64_t pfr1 = sysreg_read(S3_0_C0_C4_1);  /* ID_AA64PFR1_EL1 */

	return ((mmfr1 >> 20) & 0xf) && ((pfr0 >> 48) & 0xf) && ((pfr1 >> 4) & 0xf);
}

static uint64_t pstate_bits(void)
{
	static volatile bool have = false, known = false;

	if (!known) {
		have = has_pan_dit_ssbs();
		known = true;
	}
	if (!have) {
		return 0;
	}
	return sysreg_read(S3_0_C4_C2_3) | sysreg_read(S3_3_C4_C2_5) | sysreg_read(S3_3_C4_C2_6);
}

/* A synchronous exception at EL1: note it and go on, after the faulting
 * instruction, or for an instruction abort where the branch to it came
 * from (its x30, saved at frame[20]). */
uint64_t sync_handler(uint64_t *frame);
uint64_t sync_handler(uint64_t *frame)
{
	uint64_t esr = sysreg_read(esr_el1);

	sync_esr = esr;
	sync_far = sysreg_read(far_el1);
	sync_elr = sysreg_read(elr_el1);
	sync_pstate = pstate_bits();
	nr_sync++;
	if ((esr >> 26) == 0x21) {
		return frame[20];
	}
	return sync_elr + 4;
}

#define SAVE                          \
	"	sub	sp, sp, #176\n"         \
	"	stp	x0, x1, [sp, #0]\n"     \
	"	stp	x2, x3, [sp, #16]\n"    \
	"	stp	x4, x5, [sp, #32]\n"    \
	"	stp	x6, x7, [sp, #48]\n"    \
	"	stp	x8, x9, [sp, #64]\n"    \
	"	stp	x10, x11, [sp, #80]\n"  \
	"	stp	x12, x13, [sp, #96]\n"  \
	"	stp	x14, x15, [sp, #112]\n" \
	"	stp	x16, x17, [sp, #128]\n" \
	"	stp	x18, x29, [sp, #144]\n" \
	"	str	x30, [sp, #160]\n"
#define RESTORE                       \
	"	ldp	x0, x1, [sp, #0]\n"     \
	"	ldp	x2, x3, [sp, #16]\n"    \
	"	ldp	x4, x5, [sp, #32]\n"    \
	"	ldp	x6, x7, [sp, #48]\n"    \
	"	ldp	x8, x9, [sp, #64]\n"    \
	"	ldp	x10, x11, [sp, #80]\n"  \
	"	ldp	x12, x13, [sp, #96]\n"  \
	"	ldp	x14, x15, [sp, #112]\n" \
	"	ldp	x16, x17, [sp, #128]\n" \
	"	ldp	x18, x29, [sp, #144]\n" \
	"	ldr	x30, [sp, #160]\n"      \
	"	add	sp, sp, #176\n"         \
	"	eret\n"

/* Vectors: synchronous and IRQ at EL1h; anything else is unexpected. */
__asm__("	.text\n"
	"	.balign	0x800\n"
	"arch_vectors:\n"
	"	.rept	4\n"
	"	.balign	0x80\n"
	"	b	arch_bad\n"
	"	.endr\n"
	"	.balign	0x80\n" /* 0x200: sync, current EL, SP_ELx */
	SAVE "	mov	x0, sp\n"
	"	bl	sync_handler\n"
	"	msr	elr_el1, x0\n" RESTORE
	"	.balign	0x80\n" /* 0x280: IRQ, current EL, SP_ELx */
	SAVE "	bl	irq_handler\n" RESTORE "	.rept	10\n"
	"	.balign	0x80\n"
	"	b	arch_bad\n"
	"	.endr\n"
	"arch_bad:\n"
	"	mrs	x0, esr_el1\n"
	"	mrs	x1, elr_el1\n"
	"	mrs	x2, far_el1\n"
	"	b	guest_exception\n"
	/* The faulting instructions, at addresses the checks know. */
	"	.globl	probe_load, probe_store, probe_branch, probe_pmu_write, probe_pmu_read\n"
	"probe_load:\n"
	"	ldr	x0, [x0]\n"
	"	ret\n"
	"probe_store:\n"
	"	str	x1, [x0]\n"
	"	ret\n"
	"probe_branch:\n"
	"	br	x0\n" /* x30 still points to the caller */
	"probe_pmu_write:\n"
	"	msr	S3_3_C9_C12_2, x0\n" /* PMCNTENCLR_EL0 */
	"	ret\n"
	"probe_pmu_read:\n"
	"	mrs	x0, S3_3_C9_C13_0\n" /* PMCCNTR_EL0 */
	"	ret\n");
extern char arch_vectors[];
void guest_exception(uint64_t esr, uint64_t elr, uint64_t far);
uint64_t probe_load(uint64_t addr);
void probe_store(uint64_t addr, uint64_t val);
void probe_branch(uint64_t addr);
void probe_pmu_write(uint64_t val);
uint64_t probe_pmu_read(void);

/* What Linux's gic_cpu_init does: wake the redistributor, SGIs and PPIs in
 * Group 1 at a default priority, the timers' PPIs enabled, the CPU
 * interface on; IRQs stay masked. */
static void gic_init(void)
{
	wr32(GICR + 0x14, rd32(GICR + 0x14) & ~2u); /* GICR_WAKER.ProcessorSleep */
	while (rd32(GICR + 0x14) & 4u) {
		cpu_relax();
	}
	wr32(GICR + GICR_SGI + 0x80, ~0u); /* IGROUPR0 */
	for (unsigned i = 0; i < 32; i += 4) {
		wr32(GICR + GICR_SGI + 0x400 + i, 0xa0a0a0a0u);
	}
	wr32(GICR + GICR_SGI + 0x100, 1u << INTID_VTIMER | 1u << INTID_PTIMER);
	sysreg_write(S3_0_C4_C6_0, 0xff); /* ICC_PMR_EL1 */
	sysreg_write(S3_0_C12_C12_7, 1);  /* ICC_IGRPEN1_EL1 */
}

/* --- the checks --------------------------------------------------------------------------- */

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

static void test_vtimer(void)
{
	gic_init();
	irqs_off();
	/* INTID 27 off in the redistributor while the pending state is
	 * polled, as kvm-unit-tests' timer test does: an enabled one would
	 * sit in a list register, where a guest that masks its timer with
	 * IRQs masked and without any exit to the hypervisor still finds it
	 * (docs/architecture.md). */
	wr32(GICR + GICR_SGI + 0x180, 1u << INTID_VTIMER); /* ICENABLER0 */
	/* Fire: the output is high, INTID 27 pending; CTL is what was
	 * written, plus ISTATUS. */
	sysreg_write(cntv_cval_el0, vcount() - 1);
	sysreg_write(cntv_ctl_el0, CTL_ENABLE);
	gprintf("arch: vtimer pending while its output is high: %s\n",
		yes(pending_within(INTID_VTIMER, 100)));
	spin_ms(5);
	gprintf("arch: vtimer CTL reads 0x%llx while firing\n",
		(unsigned long long)sysreg_read(cntv_ctl_el0));
	/* Disabled: not pending. */
	sysreg_write(cntv_ctl_el0, 0);
	gprintf("arch: vtimer disabled: pending %s\n", yes(pending(INTID_VTIMER)));
	/* Masked with the condition met: ISTATUS, not pending. */
	sysreg_write(cntv_ctl_el0, CTL_ENABLE | CTL_IMASK);
	spin_ms(20);
	gprintf("arch: vtimer masked: CTL reads 0x%llx, pending %s\n",
		(unsigned long long)sysreg_read(cntv_ctl_el0), yes(pending(INTID_VTIMER)));
	/* Fire again, then move the deadline to the future: not pending. */
	sysreg_write(cntv_ctl_el0, CTL_ENABLE);
	check(1, pending_within(INTID_VTIMER, 100), rd32(ISPENDR0));
	sysreg_write(cntv_cval_el0, vcount() + 100 * freq);
	gprintf("arch: vtimer moved to the future: pending %s\n", yes(pending(INTID_VTIMER)));
	/* INTID 27 enabled: the interrupt waits in a list register (the
	 * CPU interface's highest pending one) while IRQs are masked; the
	 * timer masked, the next exit (the ISPENDR0 read) takes it back,
	 * and nothing comes when IRQs are unmasked. */
	sysreg_write(cntv_ctl_el0, 0);
	wr32(GICR + GICR_SGI + 0x100, 1u << INTID_VTIMER); /* ISENABLER0 */
	sysreg_write(cntv_cval_el0, vcount() - 1);
	sysreg_write(cntv_ctl_el0, CTL_ENABLE);
	check(3, pending_within(INTID_VTIMER, 100), rd32(ISPENDR0));
	uint64_t before = sysreg_read(S3_0_C12_C12_2); /* ICC_HPPIR1_EL1 */
	sysreg_write(cntv_ctl_el0, CTL_ENABLE | CTL_IMASK);
	bool still = pending(INTID_VTIMER);
	gprintf("arch: vtimer in a list register: highest pending %llu, masked: pending %s, "
		"highest pending %llu\n",
		(unsigned long long)before, yes(still),
		(unsigned long long)sysreg_read(S3_0_C12_C12_2));
	irqs_on();
	spin_ms(20);
	irqs_off();
	wr32(GICR + GICR_SGI + 0x180, 1u << INTID_VTIMER); /* ICENABLER0 */
	/* Fire, disable, and only then enable INTID 27 and unmask: nothing
	 * comes. */
	sysreg_write(cntv_cval_el0, vcount() - 1);
	sysreg_write(cntv_ctl_el0, CTL_ENABLE);
	check(2, pending_within(INTID_VTIMER, 100), rd32(ISPENDR0));
	sysreg_write(cntv_ctl_el0, 0);
	wr32(GICR + GICR_SGI + 0x100, 1u << INTID_VTIMER); /* ISENABLER0 */
	irqs_on();
	spin_ms(20);
	gprintf("arch: vtimer interrupts after disable, mask and move: %u\n", irqs[INTID_VTIMER]);
	/* A real one: taken once, with CTL as written; its handler masks
	 * the timer, and no second one comes. */
	sysreg_write(cntv_cval_el0, vcount() + freq / 500);
	sysreg_write(cntv_ctl_el0, CTL_ENABLE);
	irqs_off();
	while (irqs[INTID_VTIMER] == 0) {
		__asm__ volatile("wfi" ::: "memory");
		irqs_on();
		irqs_off();
	}
	irqs_on();
	spin_ms(20);
	gprintf("arch: vtimer interrupt taken with CTL 0x%llx, %u in all, pending %s\n",
		(unsigned long long)irq_ctl, irqs[INTID_VTIMER], yes(pending(INTID_VTIMER)));
	sysreg_write(cntv_ctl_el0, 0);
}

static void test_aborts(void)
{
	uint64_t bad = guest_ram_base() + guest_ram_size();

	nr_sync = 0;
	probe_load(bad);
	gprintf("arch: load: ESR 0x%llx FAR 0x%llx at the load %s\n", (unsigned long long)sync_esr,
		(unsigned long long)sync_far, yes(sync_elr == (uintptr_t)probe_load));
	probe_store(NO_RAM + 8, 0xdead);
	gprintf("arch: store: ESR 0x%llx FAR 0x%llx at the store %s\n",
		(unsigned long long)sync_esr, (unsigned long long)sync_far,
		yes(sync_elr == (uintptr_t)probe_store));
	probe_branch(NO_RAM);
	gprintf("arch: branch: ESR 0x%llx FAR 0x%llx ELR 0x%llx\n", (unsigned long long)sync_esr,
		(unsigned long long)sync_far, (unsigned long long)sync_elr);
	gprintf("arch: %u aborts taken\n", nr_sync);
}

static void test_tpm(void)
{
	nr_sync = 0;
	probe_load(TPM_TIS + 0xf00);
	gprintf("arch: tpm: load: ESR 0x%llx FAR 0x%llx\n", (unsigned long long)sync_esr,
		(unsigned long long)sync_far);
	probe_store(TPM_TIS, 0x02);
	gprintf("arch: tpm: store: ESR 0x%llx FAR 0x%llx\n", (unsigned long long)sync_esr,
		(unsigned long long)sync_far);
	gprintf("arch: %u aborts taken\n", nr_sync);
}

static void test_loop(void)
{
	uint64_t end = vcount() + freq * 3 / 2;
	unsigned n = 0;

	while (vcount() < end) {
		probe_load(NO_RAM);
		n++;
	}
	gprintf("arch: loop: %s\n", n == nr_sync && n > 100 ? "every abort taken" : "aborts lost");
}

static void test_sysregs(void)
{
	uint64_t dfr0 = sysreg_read(S3_0_C0_C5_0); /* ID_AA64DFR0_EL1 */

	gprintf("arch: ID_AA64DFR0_EL1 PMUVer %llu BRPs %llu WRPs %llu\n",
		(unsigned long long)(dfr0 >> 8) & 0xf, (unsigned long long)(dfr0 >> 12) & 0xf,
		(unsigned long long)(dfr0 >> 20) & 0xf);
	nr_sync = 0;
	probe_pmu_write(~0ull);
	gprintf("arch: PMCNTENCLR_EL0 write: ESR 0x%llx at the write %s\n",
		(unsigned long long)sync_esr, yes(sync_elr == (uintptr_t)probe_pmu_write));
	probe_pmu_read();
	gprintf("arch: PMCCNTR_EL0 read: ESR 0x%llx at the read %s\n", (unsigned long long)sync_esr,
		yes(sync_elr == (uintptr_t)probe_pmu_read));
	gprintf("arch: %u undefined instructions taken\n", nr_sync);
}

/* The physical timer fires @n times @ms apart, waited for in WFI or by
 * spinning; how many came. */
static unsigned ptimer_runs(unsigned n, unsigned ms, bool wfi)
{
	unsigned start = irqs[INTID_PTIMER];

	for (unsigned i = 0; i < n; i++) {
		uint64_t give_up = vcount() + freq;
		sysreg_write(cntp_tval_el0, freq / 1000 * ms);
		sysreg_write(cntp_ctl_el0, CTL_ENABLE);
		irqs_off();
		while (irqs[INTID_PTIMER] == start + i && vcount() < give_up) {
			if (wfi) {
				__asm__ volatile("wfi" ::: "memory");
			}
			irqs_on();
			irqs_off();
		}
		irqs_on();
	}
	return irqs[INTID_PTIMER] - start;
}

static void test_ptimer(void)
{
	gic_init();
	irqs_off();
	uint64_t later = pcount() + 10 * freq; /* TVAL is 32 bits */
	sysreg_write(cntp_cval_el0, later);
	sysreg_write(cntp_ctl_el0, CTL_ENABLE);
	uint64_t tval = (uint32_t)sysreg_read(cntp_tval_el0);
	gprintf("arch: ptimer CVAL reads back %s, CTL 0x%llx, TVAL counts down %s, pending %s\n",
		yes(sysreg_read(cntp_cval_el0) == later),
		(unsigned long long)sysreg_read(cntp_ctl_el0),
		yes(tval > 9 * freq && tval <= 10 * freq), yes(pending(INTID_PTIMER)));
	sysreg_write(cntp_cval_el0, pcount() - 1);
	gprintf("arch: ptimer condition met: CTL 0x%llx, pending %s\n",
		(unsigned long long)sysreg_read(cntp_ctl_el0), yes(pending(INTID_PTIMER)));
	sysreg_write(cntp_ctl_el0, CTL_ENABLE | CTL_IMASK);
	gprintf("arch: ptimer masked: CTL 0x%llx, pending %s\n",
		(unsigned long long)sysreg_read(cntp_ctl_el0), yes(pending(INTID_PTIMER)));
	sysreg_write(cntp_ctl_el0, 0);
	irqs_on();
	spin_ms(5);
	gprintf("arch: ptimer interrupts while off: %u\n", irqs[INTID_PTIMER]);
	gprintf("arch: ptimer %u of 10 interrupts while running\n", ptimer_runs(10, 2, false));
	gprintf("arch: ptimer %u of 10 interrupts in WFI\n", ptimer_runs(10, 2, true));
	gprintf("arch: ptimer handler saw CTL 0x%llx, pending after %s\n",
		(unsigned long long)irq_ctl, yes(pending(INTID_PTIMER)));
	sysreg_write(cntp_ctl_el0, 0);
}

/* An abort taken from PSTATE @from with SCTLR_EL1 @sctlr: the PSTATE bits
 * its handler ran with. */
static uint64_t abort_pstate(uint64_t sctlr, uint64_t from)
{
	uint64_t old = sysreg_read(sctlr_el1);

	sysreg_write(sctlr_el1, (old & ~(SCTLR_SPAN | SCTLR_DSSBS)) | sctlr);
	sysreg_write(S3_0_C4_C2_3, from & PSTATE_PAN);
	sysreg_write(S3_3_C4_C2_5, from & PSTATE_DIT);
	sysreg_write(S3_3_C4_C2_6, from & PSTATE_SSBS);
	probe_load(NO_RAM);
	sysreg_write(S3_0_C4_C2_3, 0);
	sysreg_write(S3_3_C4_C2_5, 0);
	sysreg_write(S3_3_C4_C2_6, 0);
	sysreg_write(sctlr_el1, old);
	return sync_pstate;
}

static void test_pstate(void)
{
	if (!has_pan_dit_ssbs()) {
		gprintf("arch: pstate: this CPU has no PAN, DIT or SSBS\n");
		return;
	}
	uint64_t all = PSTATE_PAN | PSTATE_DIT | PSTATE_SSBS;
	gprintf("arch: pstate: SPAN=1 DSSBS=1 from PAN|DIT|SSBS: 0x%llx\n",
		(unsigned long long)abort_pstate(SCTLR_SPAN | SCTLR_DSSBS, all));
	gprintf("arch: pstate: SPAN=1 DSSBS=0 from none: 0x%llx\n",
		(unsigned long long)abort_pstate(SCTLR_SPAN, 0));
	gprintf("arch: pstate: SPAN=0 DSSBS=0 from PAN|DIT|SSBS: 0x%llx\n",
		(unsigned long long)abort_pstate(0, all));
}

static const struct {
	const char *name;
	void (*run)(void);
} tests[] = {
	{ "vtimer", test_vtimer },   { "aborts", test_aborts }, { "loop", test_loop },
	{ "sysregs", test_sysregs }, { "ptimer", test_ptimer }, { "pstate", test_pstate },
	{ "tpm", test_tpm },
};

int main(const void *fdt)
{
	char name[16] = "";

	(void)fdt;
	freq = sysreg_read(cntfrq_el0);
	sysreg_write(vbar_el1, (uintptr_t)arch_vectors);
	guest_arg("test", name, sizeof(name));
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (strcmp(name, tests[i].name) == 0) {
			tests[i].run();
			gprintf("arch: %s done\n", name);
			return 0;
		}
	}
	gprintf("arch: no test \"%s\"\n", name);
	return 0;
}
