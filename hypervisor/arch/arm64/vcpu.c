/*
 * arm64 vCPUs: the register context of a vCPU, its reset state (Linux
 * booting.rst: EL1h, DAIF masked, MMU and caches off, x0 = the device
 * tree), the switch of the EL1, FP/SIMD, virtual timer and virtual CPU
 * interface state when a CPU changes vCPU (the registers are listed in
 * docs/architecture.md, "Running", context switch), and the run
 * loop: present pending virtual interrupts (vgic_flush), enter the guest,
 * note which interrupts it ended (vgic_sync), handle its exit, until the
 * scheduler wants the CPU back or the vCPU waits for an interrupt. The
 * general registers cross every exit (guest_entry.S); the EL1 system
 * registers and FP/SIMD registers stay in the CPU across exits and are
 * saved only when the vCPU leaves the CPU, since the hypervisor touches
 * neither (-mgeneral-regs-only, and libfdt only runs before guests do).
 *
 * WFI: a vCPU whose virtual CPU interface is on (ICH_VMCR_EL2.VENG1, what
 * Linux sets) blocks until an interrupt is pending for it (sched_block; a
 * timer deadline counts, vtimer.c); one that cannot take interrupts (a
 * bare-metal guest that polls) only gives its turn away (sched_wfi).
 */
#include <string.h>

#include "arm64.h"
#include "core/console.h"
#include "core/domain.h"
#include "core/mm.h"
#include "core/sched.h"
#include "core/vcpu.h"
#include "core/cpu.h"
#include "sysreg.h"
#include "vgic.h"

struct fpsimd_state {
	uint64_t v[64]; /* V0-V31, two words each */
	uint64_t fpsr, fpcr;
};
static_assert(offsetof(struct fpsimd_state, fpsr) == 512, "guest_entry.S layout");
static_assert(sizeof(struct fpsimd_state) <= sizeof(struct arch_simd_save),
	      "arch_simd_save holds the FP/SIMD state");

void arch_simd_begin(struct arch_simd_save *save)
{
	fpsimd_save((struct fpsimd_state *)save);
}

void arch_simd_end(const struct arch_simd_save *save)
{
	fpsimd_restore((const struct fpsimd_state *)save);
}

/* The EL1 (and EL0) registers a guest owns, in save order. */
struct el1_state {
	uint64_t sctlr, actlr, cpacr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1, elr, spsr;
	uint64_t esr, far, afsr0, afsr1, par, csselr, cntkctl, mdscr;
};

struct arch_vcpu {
	struct arch_regs regs; /* x0-x30, PC (elr), PSTATE (spsr) */
	struct el1_state el1;
	uint64_t vmpidr;
	struct fpsimd_state fp __attribute__((aligned(16)));
	/* Kept across a reset (other CPUs reach them under the vgic lock;
	 * vgic_vcpu_reset and vtimer_reset reset them). */
	struct vgic_cpu vgic;
	struct vtimer vtimer;
};

/* The vCPU whose state is in each CPU's registers. */
static struct vcpu *loaded[HV_MAX_CPUS];

struct vgic_cpu *vgic_cpu_of(const struct vcpu *v)
{
	return &v->arch->vgic;
}

struct vtimer *vtimer_of(const struct vcpu *v)
{
	return &v->arch->vtimer;
}

struct vcpu *vcpu_loaded(void)
{
	return loaded[arch_this_cpu()->id];
}

void virt_cpu_init(void)
{
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	if (parange > 5) {
		parange = 5; /* 52-bit output needs FEAT_LPA2 with 4 KiB pages */
	}
	write_sysreg(vtcr_el2, VTCR_BASE | (parange << VTCR_PS_SHIFT));
	write_sysreg(mdcr_el2, (read_sysreg(mdcr_el2) & MDCR_HPMN_MASK) | MDCR_TPM | MDCR_TDA |
				       MDCR_TDOSA | MDCR_TDRA);
	/* Implementation-defined registers (TIDCP traps the guests' accesses)
	 * are not the guests' to reach through ACTLR_EL2 either. */
	write_sysreg(actlr_el2, 0);
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN);
	/* Each domain's offset is loaded with its vCPUs (vtimer.c). */
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(hcr_el2, HCR_GUEST);
	isb();
	/* Whatever ran at EL2 before us (firmware, a kexec'd hypervisor) may
	 * have left guest translations cached under VMIDs we will reuse. */
	__asm__ volatile("tlbi alle1is\n\tdsb ish" ::: "memory");
	vgic_cpu_setup();
}

int arch_vcpu_init(struct vcpu *v)
{
	paddr_t p = mm_alloc(sizeof(struct arch_vcpu), PAGE_SIZE, MM_HV);

	if (mm_failed(p)) {
		return -1;
	}
	v->arch = pa_ptr(p);
	vgic_vcpu_init(v);
	return 0;
}

void arch_vcpu_free(struct vcpu *v)
{
	if (v->arch != NULL) {
		mm_free(pa_of(v->arch), sizeof(struct arch_vcpu));
		v->arch = NULL;
	}
}

void arch_vcpu_reset(struct vcpu *v, ipaddr_t entry, uint64_t arg)
{
	struct arch_vcpu *a = v->arch;

	memset(a, 0, offsetof(struct arch_vcpu, vgic));
	vgic_vcpu_reset(v);
	vtimer_reset(v);
	a->regs.x[0] = arg;
	a->regs.elr = ipa_addr(entry);
	a->regs.spsr = SPSR_EL1H_MASKED;
	a->el1.sctlr = SCTLR_EL1_RESET;
	/* MPIDR affinity = vCPU index, as the guest's /cpus/cpu@N reg says. */
	a->vmpidr = MPIDR_RES1 | v->index;
	/* booting.rst: no stale instruction cache lines for the image the
	 * builder just wrote with data accesses (this CPU runs the vCPU). */
	__asm__ volatile("ic iallu; dsb nsh; isb" : : : "memory");
}

static void load(const struct arch_vcpu *a, struct vcpu *v)
{
	const struct el1_state *s = &a->el1;

	write_sysreg(vttbr_el2, stage2_vttbr(v->dom->s2));
	write_sysreg(vmpidr_el2, a->vmpidr);
	write_sysreg(sctlr_el1, s->sctlr);
	write_sysreg(actlr_el1, s->actlr);
	write_sysreg(cpacr_el1, s->cpacr);
	write_sysreg(ttbr0_el1, s->ttbr0);
	write_sysreg(ttbr1_el1, s->ttbr1);
	write_sysreg(tcr_el1, s->tcr);
	write_sysreg(mair_el1, s->mair);
	write_sysreg(amair_el1, s->amair);
	write_sysreg(vbar_el1, s->vbar);
	write_sysreg(contextidr_el1, s->contextidr);
	write_sysreg(tpidr_el0, s->tpidr_el0);
	write_sysreg(tpidrro_el0, s->tpidrro_el0);
	write_sysreg(tpidr_el1, s->tpidr_el1);
	write_sysreg(sp_el0, s->sp_el0);
	write_sysreg(sp_el1, s->sp_el1);
	write_sysreg(elr_el1, s->elr);
	write_sysreg(spsr_el1, s->spsr);
	write_sysreg(esr_el1, s->esr);
	write_sysreg(far_el1, s->far);
	write_sysreg(afsr0_el1, s->afsr0);
	write_sysreg(afsr1_el1, s->afsr1);
	write_sysreg(par_el1, s->par);
	write_sysreg(csselr_el1, s->csselr);
	write_sysreg(cntkctl_el1, s->cntkctl);
	write_sysreg(mdscr_el1, s->mdscr);
	vtimer_load(v);
	vgic_load(v);
	fpsimd_restore(&a->fp);
	isb();
	loaded[v->cpu] = v;
	/* Its timers' lines as they are now (they may have fired while it
	 * was away), and its physical timer's deadline on the hypervisor
	 * timer. */
	vtimer_sync(v);
	ptimer_sync(v);
	timer_reprogram();
}

static void save(struct arch_vcpu *a, struct vcpu *v)
{
	struct el1_state *s = &a->el1;

	s->sctlr = read_sysreg(sctlr_el1);
	s->actlr = read_sysreg(actlr_el1);
	s->cpacr = read_sysreg(cpacr_el1);
	s->ttbr0 = read_sysreg(ttbr0_el1);
	s->ttbr1 = read_sysreg(ttbr1_el1);
	s->tcr = read_sysreg(tcr_el1);
	s->mair = read_sysreg(mair_el1);
	s->amair = read_sysreg(amair_el1);
	s->vbar = read_sysreg(vbar_el1);
	s->contextidr = read_sysreg(contextidr_el1);
	s->tpidr_el0 = read_sysreg(tpidr_el0);
	s->tpidrro_el0 = read_sysreg(tpidrro_el0);
	s->tpidr_el1 = read_sysreg(tpidr_el1);
	s->sp_el0 = read_sysreg(sp_el0);
	s->sp_el1 = read_sysreg(sp_el1);
	s->elr = read_sysreg(elr_el1);
	s->spsr = read_sysreg(spsr_el1);
	s->esr = read_sysreg(esr_el1);
	s->far = read_sysreg(far_el1);
	s->afsr0 = read_sysreg(afsr0_el1);
	s->afsr1 = read_sysreg(afsr1_el1);
	s->par = read_sysreg(par_el1);
	s->csselr = read_sysreg(csselr_el1);
	s->cntkctl = read_sysreg(cntkctl_el1);
	s->mdscr = read_sysreg(mdscr_el1);
	fpsimd_save(&a->fp);
	vgic_save(v);
	vtimer_save(v);
	loaded[v->cpu] = NULL;
}

bool arch_vcpu_has_interrupt(struct vcpu *v)
{
	return vgic_has_interrupt(v);
}

void arch_vcpu_run(struct vcpu *v)
{
	struct arch_vcpu *a = v->arch;
	bool blocked = false;

	load(a, v);
	for (;;) {
		vgic_flush(v);
		unsigned kind = guest_enter(&a->regs);
		/* The virtual timer's line first: an interrupt the guest just
		 * ended is not sent again if its timer has moved on. */
		vtimer_sync(v);
		vgic_sync(v);
		enum trap_result t = trap_guest(v, &a->regs, kind);
		if (t == TRAP_WFI) {
			if (!vgic_enabled(v)) {
				sched_wfi(v);
				break;
			}
			blocked = sched_block(v);
			if (blocked) {
				break;
			}
			t = TRAP_CONTINUE; /* an interrupt is there: take it */
		}
		if (t != TRAP_CONTINUE || sched_must_leave(v)) {
			break;
		}
	}
	save(a, v);
	if (blocked) {
		vtimer_sleep(v);
	}
}
