/*
 * The EL1 physical timer of each vCPU, emulated in software (Arm ARM
 * D11.2.4, and the CNTP_CTL_EL0, CNTP_CVAL_EL0 and CNTP_TVAL_EL0
 * descriptions). CNTHCTL_EL2.EL1PCEN = 0 traps a guest's accesses to it
 * (traps.c), which read and write a copy per vCPU; the physical counter it
 * compares against is the hardware's (CNTPCT_EL0, read by the guest
 * without a trap, no offset). Its output (ENABLE set, IMASK clear, CVAL at
 * or below the counter) is the level of the vCPU's INTID 30 (PPI 14, the
 * guest device tree's non-secure physical timer) in the vGIC.
 *
 * The output is recomputed after every access (the guest sees ISTATUS and
 * its interrupt follow its writes at once), when the vCPU is loaded, and
 * when its deadline passes: the loaded vCPU's deadline is one of those the
 * hypervisor timer waits for (timer.c, vtimer_next_wakeup), and a blocked
 * vCPU's goes on its CPU's sleeper list beside its virtual timer's
 * (vtimer_sleep): one mechanism for both timers.
 *
 * Decision: emulated, not the hardware EL1 physical timer handed to the
 * loaded vCPU: the hypervisor would have to save, restore and mask it like
 * the virtual timer, for a timer that Linux at EL1 does not use; a trap per
 * access is cheap for the guests that do. Each vCPU has the whole timer:
 * its deadline is its own, never another vCPU's or domain's.
 *
 * Only the vCPU's own CPU touches its copy, with interrupts masked (its
 * traps, its load, its hypervisor timer interrupt).
 */
#include "arm64.h"
#include "core/vcpu.h"
#include "sysreg.h"
#include "vgic.h"


#define ENC_TVAL SYSREG(3, 3, 14, 2, 0)
#define ENC_CTL  SYSREG(3, 3, 14, 2, 1)
#define ENC_CVAL SYSREG(3, 3, 14, 2, 2)

/* The timer condition (D11.2.4): CVAL at or below the counter. */
static bool condition(const struct vtimer *t, uint64_t now)
{
	return (t->pctl & CNT_ENABLE) && t->pcval <= now;
}

void ptimer_reset(struct vcpu *v)
{
	struct vtimer *t = vtimer_of(v);

	t->pctl = 0;
	t->pcval = 0;
	if (t->pline) {
		t->pline = false;
		vgic_set_line(v, INTID_PTIMER, false);
	}
}

void ptimer_sync(struct vcpu *v)
{
	struct vtimer *t = vtimer_of(v);
	bool line = !(t->pctl & CNT_IMASK) && condition(t, timer_counter());

	if (line != t->pline) {
		t->pline = line;
		vgic_set_line(v, INTID_PTIMER, line);
	}
}

uint64_t ptimer_deadline(const struct vcpu *v)
{
	const struct vtimer *t = vtimer_of(v);

	if ((t->pctl & (CNT_ENABLE | CNT_IMASK)) != CNT_ENABLE || t->pline) {
		return ~0ull;
	}
	return t->pcval;
}

void ptimer_expire(void)
{
	struct vcpu *v = vcpu_loaded();

	if (v != NULL) {
		ptimer_sync(v);
	}
}

bool ptimer_access(struct vcpu *v, uint32_t enc, bool read, uint64_t *val)
{
	struct vtimer *t = vtimer_of(v);
	uint64_t now = timer_counter();

	switch (enc) {
	case ENC_CTL:
		if (read) {
			*val = t->pctl | (condition(t, now) ? CNT_ISTATUS : 0);
		} else {
			t->pctl = *val & (CNT_ENABLE | CNT_IMASK); /* ISTATUS is read-only */
		}
		break;
	case ENC_CVAL:
		if (read) {
			*val = t->pcval;
		} else {
			t->pcval = *val;
		}
		break;
	case ENC_TVAL:
		/* TVAL is CVAL - counter as a signed 32-bit value; a write
		 * sets CVAL to the counter + its sign-extended value. */
		if (read) {
			*val = (uint32_t)(t->pcval - now);
		} else {
			t->pcval = now + (uint64_t)(int64_t)(int32_t)*val;
		}
		break;
	default:
		return false;
	}
	/* After a read too: a guest that sees ISTATUS finds its interrupt
	 * pending, without waiting for the hypervisor timer. */
	ptimer_sync(v);
	if (!read) {
		timer_reprogram(); /* its deadline may be the first now */
	}
	return true;
}
