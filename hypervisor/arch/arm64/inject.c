/*
 * Exceptions the hypervisor gives to a guest's EL1, as the hardware would
 * take them (Arm ARM chapter D1, "Exception entry"): a synchronous external
 * abort for an access to an address with no RAM and no device, and an
 * UNDEFINED exception for a system register that does not exist for it
 * (traps.c). The guest's own OS decides what the fault means (Linux sends
 * the faulting process SIGBUS or SIGILL): the domain is stopped only when it
 * cannot be given the exception, that is when its vector is not in RAM (it
 * could never run) or when the fault happened at the very vector entry it
 * would go to (it would take the same fault again, forever, with its
 * interrupts masked). A guest that loops on its own faults in any other
 * way is a guest running: every fault is an exit, and the scheduler
 * preempts it as any other.
 *
 * Each delivery prints a line naming the domain, the fault and the PC, at
 * most FAULT_LINES per domain and second; the count of those left out is
 * printed with the next line shown.
 */


#include "arm64.h"
#include "core/console.h"
#include "core/domain.h"
#include "core/vcpu.h"
#include "sysreg.h"
#include "vgic.h"

#define FAULT_LINES 5
#define NS_PER_S    1000000000ull

/* SPSR/PSTATE.M[4:0], and the vector offsets by the state an exception
 * comes from (Arm ARM chapter D1, "Exception vectors"). */
#define SPSR_M       0x1full
#define M_EL0T       0x00
#define M_EL1T       0x04
#define M_EL1H       0x05
#define SPSR_PAN     (1ull << 22)
#define SPSR_DIT     (1ull << 24)
#define SPSR_SSBS    (1ull << 12)
#define SCTLR_M_BIT  (1ull << 0)
#define SCTLR_SPAN   (1ull << 23)
#define SCTLR_DSSBS  (1ull << 44)
#define MMFR1_PAN(x) (((x) >> 20) & 0xf)
#define PFR0_DIT(x)  (((x) >> 48) & 0xf)
#define PFR1_SSBS(x) (((x) >> 4) & 0xf)
#define PAR_F        (1ull << 0)
#define PAR_PA       0x0000fffffffff000ull

/* Where a synchronous exception taken to EL1 enters, from VBAR_EL1: by the
 * state it came from (current EL with SP_EL0 or SP_EL1, lower EL AArch64
 * or AArch32). */
static uint64_t vector_offset(uint64_t spsr)
{
	switch (spsr & SPSR_M) {
	case M_EL1T:
		return 0x000;
	case M_EL1H:
		return 0x200;
	case M_EL0T:
		return 0x400;
	default:
		return 0x600;
	}
}

/* Whether the guest-physical page behind @va (an EL1 address: through
 * the guest's stage 1 if its MMU is on) is RAM of @d. AT S1E1R uses the
 * loaded vCPU's translation regime and writes PAR_EL1, which is the
 * guest's and is put back. A stage-1 translation that fails is the
 * guest's own fault, taken at EL1 without the hypervisor: say yes. */
static bool va_in_ram(struct domain *d, uint64_t va)
{
	uint64_t ipa = va;

	if (read_sysreg(sctlr_el1) & SCTLR_M_BIT) {
		uint64_t saved = read_sysreg(par_el1);
		__asm__ volatile("at s1e1r, %0" : : "r"(va));
		isb();
		uint64_t par = read_sysreg(par_el1);
		write_sysreg(par_el1, saved);
		if (par & PAR_F) {
			return true;
		}
		ipa = (par & PAR_PA) | (va & 0xfff);
	}
	return domain_is_ram(d, ipa_init(ipa));
}

/* One console line about @v's domain, at most FAULT_LINES a second. */
static void fault_line(struct vcpu *v, const char *what, uint64_t pc, const char *as)
{
	struct domain *d = v->dom;
	struct fault_log *l = &d->arch->faults;
	uint64_t now = arch_time_ns();
	unsigned left_out = 0;
	bool show;

	spin_lock(&l->lock);
	if (now - l->window >= NS_PER_S) {
		l->window = now;
		l->shown = 0;
	}
	show = l->shown < FAULT_LINES;
	if (show) {
		l->shown++;
		left_out = l->left_out;
		l->left_out = 0;
	} else {
		l->left_out++;
	}
	spin_unlock(&l->lock);
	if (left_out != 0) {
		printk("domain %u %s: %u more faults delivered to the guest, not shown "
		       "(at most %u lines a second)\n",
		       d->domid, d->name, left_out, FAULT_LINES);
	}
	if (show) {
		printk("domain %u %s: %s at PC 0x%llx: delivered to the guest as %s\n", d->domid,
		       d->name, what, (unsigned long long)pc, as);
	}
}

/*
 * PSTATE on taking an exception to EL1 from the state @old (Arm ARM D1.3.4,
 * "Exception entry"): EL1h with D, A, I and F masked; PAN set when
 * SCTLR_EL1.SPAN is 0 and kept otherwise (FEAT_PAN); DIT kept (FEAT_DIT);
 * SSBS from SCTLR_EL1.DSSBS (FEAT_SSBS); UAO, SS, IL and BTYPE cleared.
 */
static uint64_t entry_pstate(uint64_t old)
{
	uint64_t sctlr = read_sysreg(sctlr_el1);
	uint64_t pstate = SPSR_EL1H_MASKED;

	if (MMFR1_PAN(read_sysreg(id_aa64mmfr1_el1)) != 0) {
		pstate |= (sctlr & SCTLR_SPAN) ? (old & SPSR_PAN) : SPSR_PAN;
	}
	if (PFR0_DIT(read_sysreg(id_aa64pfr0_el1)) != 0) {
		pstate |= old & SPSR_DIT;
	}
	if (PFR1_SSBS(read_sysreg(id_aa64pfr1_el1)) != 0 && (sctlr & SCTLR_DSSBS)) {
		pstate |= SPSR_SSBS;
	}
	return pstate;
}

/*
 * Take the synchronous exception @esr (@far: FAR_EL1, when it has one) to
 * @v's EL1. ELR_EL1 and SPSR_EL1 keep where it came from; PSTATE is
 * entry_pstate()'s; the PC is the vector for synchronous exceptions from
 * that state. Interrupts stay where they are (the LRs): masked, the guest
 * takes them after its handler.
 */
static void take(struct arch_regs *r, uint64_t esr, const uint64_t *far, uint64_t vector)
{
	write_sysreg(esr_el1, esr);
	if (far != NULL) {
		write_sysreg(far_el1, *far);
	}
	write_sysreg(elr_el1, r->elr);
	write_sysreg(spsr_el1, r->spsr);
	r->elr = vector;
	r->spsr = entry_pstate(r->spsr);
}

/* Deliver, or stop the domain when the guest cannot take it (false). */
static bool inject_sync(struct vcpu *v, struct arch_regs *r, uint64_t esr, const uint64_t *far,
			const char *what, const char *as)
{
	uint64_t vector = read_sysreg(vbar_el1) + vector_offset(r->spsr);

	if (r->elr == vector) {
		domain_stop(v->dom,
			    "%s at PC 0x%llx, which the guest cannot take: it faulted at "
			    "that vector entry",
			    what, (unsigned long long)r->elr);
		return false;
	}
	if (!va_in_ram(v->dom, vector)) {
		domain_stop(v->dom,
			    "%s at PC 0x%llx, which the guest cannot take: its vector "
			    "0x%llx is not in RAM",
			    what, (unsigned long long)r->elr, (unsigned long long)vector);
		return false;
	}
	fault_line(v, what, r->elr, as);
	take(r, esr, far, vector);
	return true;
}

/* The EC of an exception taken to EL1: @ec_lower from EL0, the next one
 * (same EL) from EL1 (data and instruction aborts, D17.2.37). */
static uint64_t abort_ec(unsigned ec_lower, uint64_t spsr)
{
	return (spsr & SPSR_M) == M_EL0T ? ec_lower : ec_lower + 1u;
}

bool inject_abort(struct vcpu *v, struct arch_regs *r, bool data, const char *what)
{
	uint64_t iss = FSC_SEA;

	if (data) {
		/* WnR and CM as the access had them; ISV 0, FnV 0 (FAR is the
		 * faulting address), EA 0. */
		iss |= ESR_ISS(r->esr) & (ISS_WNR | ISS_CM);
	}
	uint64_t ec = abort_ec(data ? EC_DABT_LOW : EC_IABT_LOW, r->spsr);
	return inject_sync(v, r, ec << 26 | ESR_IL | iss, &r->far, what,
			   "a synchronous external abort");
}

bool inject_undef(struct vcpu *v, struct arch_regs *r, const char *what)
{
	return inject_sync(v, r, (uint64_t)EC_UNKNOWN << 26 | ESR_IL, NULL, what,
			   "an undefined instruction");
}
