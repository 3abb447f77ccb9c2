/*
 * Exceptions taken at EL2 itself, after vectors.S saved the frame:
 * interrupts (while the CPU idles) go to the GIC and the timer; anything
 * else is a hypervisor bug or a hardware error, reported with its syndrome
 * before powering off. Guests' exceptions go to traps.c instead; their
 * interrupts come back here, to irq_handle().
 */
#include "arm64.h"
#include "core/console.h"
#include "core/cpu.h"
#include "sysreg.h"
#include "vgic.h"

#define INTID_SPURIOUS 1020 /* 1020-1023: no interrupt to acknowledge */

/* ESR_ELx.EC values (Arm ARM, ESR_EL2). */
static const char *const ec_names[64] = {
	[0x00] = "unknown reason",
	[0x01] = "WFI/WFE",
	[0x07] = "FP/SIMD access",
	[0x0e] = "illegal execution state",
	[0x15] = "SVC (AArch64)",
	[0x16] = "HVC (AArch64)",
	[0x17] = "SMC (AArch64)",
	[0x18] = "MSR/MRS/system instruction",
	[0x19] = "SVE access",
	[0x20] = "instruction abort, lower EL",
	[0x21] = "instruction abort, same EL",
	[0x22] = "PC alignment fault",
	[0x24] = "data abort, lower EL",
	[0x25] = "data abort, same EL",
	[0x26] = "SP alignment fault",
	[0x2f] = "SError",
	[0x30] = "breakpoint, lower EL",
	[0x31] = "breakpoint, same EL",
	[0x32] = "software step, lower EL",
	[0x33] = "software step, same EL",
	[0x34] = "watchpoint, lower EL",
	[0x35] = "watchpoint, same EL",
	[0x3c] = "BRK instruction",
};

const char *esr_class_name(unsigned ec)
{
	return ec_names[ec & 0x3f];
}

static const char *const vec_types[4] = { "sync", "IRQ", "FIQ", "SError" };
static const char *const vec_origins[4] = { "EL2t", "EL2h", "lower EL (AArch64)",
					    "lower EL (AArch32)" };

static noreturn void unexpected(const struct arch_regs *r, unsigned kind)
{
	unsigned ec = ESR_EC(r->esr);
	struct cpu *c = arch_this_cpu();
	uint64_t base = (uintptr_t)__image_start;

	printk("el2: unexpected %s exception from %s on cpu%u: EC 0x%02x (%s)\n",
	       vec_types[kind & 3], vec_origins[kind >> 2], c != NULL ? c->id : 0, ec,
	       ec_names[ec] != NULL ? ec_names[ec] : "reserved");
	/* ELR as an image offset too: the image is linked at 0, so that is
	 * what addr2line -e build/arm64/hyperlaunch.elf wants. */
	printk("el2: ESR_EL2 0x%08llx ELR_EL2 0x%llx (image+0x%llx) FAR_EL2 0x%llx\n",
	       (unsigned long long)r->esr, (unsigned long long)r->elr,
	       (unsigned long long)(r->elr - base), (unsigned long long)r->far);
	printk("el2: SPSR_EL2 0x%llx SP 0x%llx LR 0x%llx\n", (unsigned long long)r->spsr,
	       (unsigned long long)r->sp, (unsigned long long)r->x[30]);
	panic("unexpected exception at EL2");
}

void irq_handle(void)
{
	uint32_t iar = gic_ack();
	uint32_t intid = iar & 0xffffff;

	if (intid >= INTID_SPURIOUS && intid < 1024) {
		return;
	}
	if (passthrough_irq(iar)) {
		return; /* the guest's virtual EOI deactivates it */
	}
	if (intid == plat->tick_irq) {
		timer_interrupt();
	} else if (intid == SGI_KICK) {
		/* Only to leave the guest or the idle wait: the scheduler looks,
		 * and the vCPU's run loop places new virtual interrupts. */
	} else if (intid == INTID_VTIMER) {
		vtimer_interrupt();
	} else if (intid == INTID_MAINT) {
		/* Only to leave the guest: the run loop's vgic_sync and
		 * vgic_flush end the condition (ended LRs, underflow). */
	} else {
		printk("irq: unexpected INTID %u on cpu%u\n", intid, arch_this_cpu()->id);
	}
	gic_eoi(iar);
}

void arch_exception(struct arch_regs *r, unsigned kind)
{
	switch (kind) {
	case VEC_EL2H + VEC_IRQ:
		irq_handle();
		break;
	default:
		unexpected(r, kind);
	}
}
