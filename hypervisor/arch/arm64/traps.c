/*
 * What a guest's exit to EL2 means, by ESR_EL2.EC (Arm ARM D17.2.37,
 * ESR_EL2): WFI waits for an interrupt and WFE gives the CPU
 * away, HVC is PSCI or a Hyperlaunch hypercall, SMC is PSCI only, a trapped
 * system register is emulated from a table (ICC_SGI1R_EL1 sends an SGI,
 * the ID registers say what the guest has, CNTP_* is the emulated physical
 * timer) or UNDEFINED, a data abort outside RAM is an access to an
 * emulated device (the virtual GIC, the PL011) or, like an instruction
 * abort outside RAM, a synchronous external abort the guest takes itself
 * (inject.c), as it would on hardware with nothing at that address. What
 * the guest cannot be given (its vector is not in RAM), an SMC that is not
 * PSCI, and whatever the hypervisor cannot make sense of stop the domain
 * that did it, with one line naming the fault, the address and the PC; it
 * never stops the hypervisor.
 */
#include <stdarg.h>

#include <fmt/fmt.h>

#include "arm64.h"
#include "core/domain.h"
#include "core/hypercall.h"
#include "core/mmio.h"
#include "core/vcpu.h"
#include "core/xen.h"
#include "sysreg.h"
#include "vgic.h"

#define SMCCC_NOT_SUPPORTED ((uint64_t)-1)

/* Data abort ISS (Arm ARM D17.2.40). */
#define DABT_ISV(iss)   (((iss) >> 24) & 1)
#define DABT_SAS(iss)   (((iss) >> 22) & 3)
#define DABT_SSE(iss)   (((iss) >> 21) & 1)
#define DABT_SRT(iss)   (((iss) >> 16) & 31)
#define DABT_SF(iss)    (((iss) >> 15) & 1)
#define DABT_S1PTW(iss) (((iss) >> 7) & 1)
#define DABT_WNR(iss)   (((iss) >> 6) & 1)

/* MSR/MRS ISS (D17.2.41): the target register and the direction. */
#define SYSREG_RT(iss)   (((iss) >> 5) & 31)
#define SYSREG_READ(iss) ((iss)&1)

enum sysreg_kind {
	SR_RAZ_WI, /* reads as zero, writes ignored */
	SR_SGI1R,  /* writes send an SGI (vgic.c) */
	SR_PTIMER, /* the emulated physical timer (ptimer.c) */
};

/*
 * System registers that trap and are emulated, besides the ID registers
 * (idregs.c) and the debug registers. Every other trapped register does
 * not exist for the guest: the PMU's (MDCR_EL2.TPM; ID_AA64DFR0_EL1 says
 * there is none) and the implementation-defined ones (HCR_EL2.TIDCP) are
 * UNDEFINED, as on a CPU without them.
 */
static const struct {
	uint32_t enc;
	uint8_t kind; /* enum sysreg_kind */
	const char *name;
} sysregs[] = {
	/* The EL1 physical timer traps (CNTHCTL_EL2.EL1PCEN = 0): each vCPU
	 * has one of its own, emulated. */
	{ SYSREG(3, 3, 14, 2, 0), SR_PTIMER, "CNTP_TVAL_EL0" },
	{ SYSREG(3, 3, 14, 2, 1), SR_PTIMER, "CNTP_CTL_EL0" },
	{ SYSREG(3, 3, 14, 2, 2), SR_PTIMER, "CNTP_CVAL_EL0" },
	/* SGI generation traps with HCR_EL2.IMO (IHI 0069, ICC_SGI1R_EL1). Only
	 * Group 1 SGIs exist in a domain (one security state, everything
	 * Group 1): the Group 0 and alias forms are ignored. */
	{ SYSREG(3, 0, 12, 11, 5), SR_SGI1R, "ICC_SGI1R_EL1" },
	{ SYSREG(3, 0, 12, 11, 6), SR_RAZ_WI, "ICC_ASGI1R_EL1" },
	{ SYSREG(3, 0, 12, 11, 7), SR_RAZ_WI, "ICC_SGI0R_EL1" },
};

static void stop(struct vcpu *v, const struct arch_regs *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void stop(struct vcpu *v, const struct arch_regs *r, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	domain_stop(v->dom, "%s at PC 0x%llx", what, (unsigned long long)r->elr);
}

static enum trap_result trap_wfx(struct vcpu *v, struct arch_regs *r)
{
	(void)v;
	r->elr += 4;
	/* ISS bit 0: WFE. A WFE is a spin-wait hint: give the turn away
	 * without sleeping. */
	return (ESR_ISS(r->esr) & 1) ? TRAP_YIELD : TRAP_WFI;
}

/* SVE and SME are not a guest's (idregs.c hides them): their
 * instructions are UNDEFINED for it, as on a CPU without them. */
static enum trap_result trap_undef(struct vcpu *v, struct arch_regs *r)
{
	inject_undef(v, r, ESR_EC(r->esr) == EC_SVE ? "an SVE instruction" : "an SME instruction");
	return TRAP_CONTINUE;
}

/* An SMCCC call (DEN0028) in x0-x5 made with HVC: PSCI, or a Hyperlaunch
 * hypercall. A hypercall that is not over (a long creation, in steps) is
 * made again: ELR back on the HVC, the registers untouched, and the vCPU
 * yields first so that the others of its CPU run between the steps. */
static enum trap_result smccc_call(struct vcpu *v, struct arch_regs *r)
{
	uint32_t fid = (uint32_t)r->x[0];

	if (vpsci_call(v, r)) {
		return TRAP_CONTINUE;
	}
	if (hypercall_in_range(fid)) {
		uint64_t out[4];
		if (!hypercall(v, r->x, out)) {
			r->elr -= 4;
			return TRAP_YIELD;
		}
		for (unsigned i = 0; i < 4; i++) {
			r->x[i] = out[i];
		}
		return TRAP_CONTINUE;
	}
	r->x[0] = SMCCC_NOT_SUPPORTED;
	return TRAP_CONTINUE;
}

/* A Xen hypercall (HVC #0xEA1, the number in x16, arguments in x0-x4) of
 * a Xen-aware domain: the result in x0 (core/xen.c). */
static enum trap_result xen_call(struct vcpu *v, struct arch_regs *r)
{
	enum xen_next next;

	r->x[0] = (uint64_t)xen_hypercall(v, r->x[16], r->x, &next);
	switch (next) {
	case XEN_NEXT_YIELD:
		return TRAP_YIELD;
	case XEN_NEXT_BLOCK:
		return TRAP_WFI;
	default:
		return TRAP_CONTINUE;
	}
}

static enum trap_result trap_hvc(struct vcpu *v, struct arch_regs *r)
{
	uint32_t imm = ESR_ISS(r->esr) & 0xffff;

	if (imm == XEN_HYPERCALL_TAG && v->dom->xen != NULL) {
		return xen_call(v, r);
	}
	/* ELR already points past the HVC. SMCCC calls use HVC #0; other
	 * immediates mean nothing here (nor 0xEA1 to a domain that is not
	 * Xen-aware). */
	if (imm != 0) {
		r->x[0] = SMCCC_NOT_SUPPORTED;
		return TRAP_CONTINUE;
	}
	return smccc_call(v, r);
}

static enum trap_result trap_smc(struct vcpu *v, struct arch_regs *r)
{
	/* A trapped SMC reports its own address as ELR (its preferred return
	 * address, unlike HVC's: Arm ARM, HCR_EL2.TSC). */
	uint64_t pc = r->elr;

	r->elr += 4;
	if (!vpsci_call(v, r)) {
		r->elr = pc;
		stop(v, r, "SMC 0x%x (not PSCI: firmware is not the guest's)", (uint32_t)r->x[0]);
	}
	return TRAP_CONTINUE;
}

/* The end of an emulated MRS or MSR: a read's value lands in Rt (XZR as
 * the target reads nothing), and the guest goes on after it. */
static enum trap_result sysreg_done(struct arch_regs *r, uint32_t iss, uint64_t val)
{
	unsigned rt = SYSREG_RT(iss);

	if (SYSREG_READ(iss) && rt != 31) {
		r->x[rt] = val;
	}
	r->elr += 4;
	return TRAP_CONTINUE;
}

static enum trap_result raz_wi(struct arch_regs *r, uint32_t iss)
{
	return sysreg_done(r, iss, 0);
}

static enum trap_result sysreg_table(struct vcpu *v, struct arch_regs *r, uint32_t iss, size_t i)
{
	unsigned rt = SYSREG_RT(iss);
	uint64_t val = rt != 31 && !SYSREG_READ(iss) ? r->x[rt] : 0;

	switch (sysregs[i].kind) {
	case SR_SGI1R:
		if (!SYSREG_READ(iss)) {
			vgic_sgi(v, val);
		}
		/* Write-only: reads as zero. */
		return raz_wi(r, iss);
	case SR_PTIMER:
		ptimer_access(v, iss & SYSREG_MASK, SYSREG_READ(iss), &val);
		return sysreg_done(r, iss, val);
	default:
		return raz_wi(r, iss);
	}
}

static enum trap_result trap_sysreg(struct vcpu *v, struct arch_regs *r)
{
	uint32_t iss = (uint32_t)ESR_ISS(r->esr);
	uint32_t enc = iss & SYSREG_MASK;
	uint64_t val;

	/* The debug registers (op0 = 2) trap (MDCR_EL2.TDA, TDOSA, TDRA) and
	 * read as zero: breakpoints, watchpoints and the OS lock are per
	 * physical CPU, so a guest's values would be seen (and hit) by the next
	 * domain on that CPU. Guests get no hardware debug (idregs.c says what
	 * ID_AA64DFR0_EL1 shows). */
	if (((iss >> 20) & 3) == 2) {
		return raz_wi(r, iss);
	}
	/* ID registers are read-only: a write is UNDEFINED, below. */
	if (SYSREG_READ(iss) && idreg_read(enc, &val)) {
		return sysreg_done(r, iss, val);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sysregs); i++) {
		if (sysregs[i].enc == enc) {
			return sysreg_table(v, r, iss, i);
		}
	}
	char what[80];
	fmt_snprintf(what, sizeof(what), "system register %s S%u_%u_C%u_C%u_%u (not emulated)",
		     SYSREG_READ(iss) ? "read" : "write", (iss >> 20) & 3, (iss >> 14) & 7,
		     (iss >> 10) & 15, (iss >> 1) & 15, (iss >> 17) & 7);
	inject_undef(v, r, what);
	return TRAP_CONTINUE;
}

/* The faulting IPA of a stage-2 abort: HPFAR_EL2 has bits [47:12] (in its
 * bits [39:4]), FAR_EL2 the offset in the page. */
static uint64_t fault_ipa(const struct arch_regs *r)
{
	return ((read_sysreg(hpfar_el2) >> 4) << 12) | (r->far & 0xfff);
}

/* An abort on an address with no RAM and no device: what a bus with
 * nothing there answers, a synchronous external abort for the guest. */
static enum trap_result external_abort(struct vcpu *v, struct arch_regs *r, bool data,
				       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static enum trap_result external_abort(struct vcpu *v, struct arch_regs *r, bool data,
				       const char *fmt, ...)
{
	char what[120];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	inject_abort(v, r, data, what);
	return TRAP_CONTINUE;
}

/* A stage-2 translation fault (ISS.xFSC 0b0001LL, Arm ARM D17.2.37) in the
 * domain's RAM is its first touch of a 2 MiB window: the core scrubs and
 * maps it, and the access is made again (ELR unchanged). A page of it the
 * domain gave up (Xen's decrease_reservation) stays unmapped: an abort. */
static bool first_touch(struct vcpu *v, const struct arch_regs *r)
{
	uint32_t fsc = (uint32_t)ESR_ISS(r->esr) & 0x3f;
	ipaddr_t ipa = ipa_init(fault_ipa(r));

	return (fsc & 0x3c) == 0x04 && domain_touch(v->dom, ipa) && domain_mapped(v->dom, ipa);
}

static enum trap_result trap_iabt(struct vcpu *v, struct arch_regs *r)
{
	if (first_touch(v, r)) {
		return TRAP_CONTINUE;
	}
	return external_abort(v, r, false, "instruction abort at IPA 0x%llx (no RAM)",
			      (unsigned long long)fault_ipa(r));
}

static enum trap_result trap_dabt(struct vcpu *v, struct arch_regs *r)
{
	uint32_t iss = (uint32_t)ESR_ISS(r->esr);
	uint64_t ipa = fault_ipa(r);
	bool write = DABT_WNR(iss);
	const char *dir = write ? "write" : "read";

	if (first_touch(v, r)) {
		return TRAP_CONTINUE;
	}

	/* A stage-1 table walk that reads no RAM. The syndrome says 0x10,
	 * not "on a translation table walk, level N": the hypervisor does
	 * not know the stage-1 level of the descriptor. */
	if (DABT_S1PTW(iss)) {
		return external_abort(v, r, true,
				      "data abort at IPA 0x%llx (its page-table walk, "
				      "no RAM)",
				      (unsigned long long)ipa);
	}
	/* Without ISV (load/store pair, writeback forms) the access cannot be
	 * emulated without decoding the instruction; device drivers use
	 * single loads and stores. */
	if (!DABT_ISV(iss)) {
		bool device = mmio_find(v->dom, ipa_init(ipa)) != NULL;
		return external_abort(v, r, true, "data abort at IPA 0x%llx (%s, %s)",
				      (unsigned long long)ipa, dir,
				      device ? "an access to a device that cannot be emulated"
					     : "no RAM or device");
	}
	unsigned size = 1u << DABT_SAS(iss);
	unsigned rt = DABT_SRT(iss);
	uint64_t mask = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
	uint64_t val = write && rt != 31 ? r->x[rt] & mask : 0;

	/* One lookup in the domain's registry (core/mmio.h): the interrupt
	 * controller, the console UART, any later device. */
	if (!mmio_access(v, ipa_init(ipa), size, write, &val)) {
		return external_abort(v, r, true, "data abort at IPA 0x%llx (%s, no RAM or device)",
				      (unsigned long long)ipa, dir);
	}
	if (!write && rt != 31) {
		val &= mask;
		if (DABT_SSE(iss) && size < 8 && (val >> (size * 8 - 1)) & 1) {
			val |= ~mask;
		}
		if (!DABT_SF(iss)) {
			val &= 0xffffffffull; /* a W register clears the upper half */
		}
		r->x[rt] = val;
	}
	r->elr += 4;
	return TRAP_CONTINUE;
}

static const struct {
	uint8_t ec;
	enum trap_result (*handle)(struct vcpu *v, struct arch_regs *r);
} ec_handlers[] = {
	{ EC_WFX, trap_wfx },       { EC_HVC64, trap_hvc },     { EC_SMC64, trap_smc },
	{ EC_SYSREG, trap_sysreg }, { EC_IABT_LOW, trap_iabt }, { EC_DABT_LOW, trap_dabt },
	{ EC_SVE, trap_undef },     { EC_SME, trap_undef },
};

enum trap_result trap_guest(struct vcpu *v, struct arch_regs *r, unsigned kind)
{
	if (kind == VEC_LOWER64 + VEC_IRQ || kind == VEC_LOWER64 + VEC_FIQ ||
	    kind == VEC_LOWER32 + VEC_IRQ || kind == VEC_LOWER32 + VEC_FIQ) {
		irq_handle();
		return TRAP_CONTINUE;
	}
	if (kind == VEC_LOWER64 + VEC_SERROR || kind == VEC_LOWER32 + VEC_SERROR) {
		stop(v, r, "SError (ESR 0x%llx)", (unsigned long long)r->esr);
		return TRAP_CONTINUE;
	}
	if (kind == VEC_LOWER32 + VEC_SYNC) {
		stop(v, r, "exception from AArch32 state (not supported)");
		return TRAP_CONTINUE;
	}
	unsigned ec = ESR_EC(r->esr);
	for (size_t i = 0; i < ARRAY_SIZE(ec_handlers); i++) {
		if (ec_handlers[i].ec == ec) {
			return ec_handlers[i].handle(v, r);
		}
	}
	const char *name = esr_class_name(ec);
	stop(v, r, "unexpected exception class 0x%02x (%s, ESR 0x%llx)", ec,
	     name != NULL ? name : "reserved", (unsigned long long)r->esr);
	return TRAP_CONTINUE;
}
