/*
 * Calls to the firmware through PSCI (Arm DEN 0022): starting secondary CPUs,
 * powering off and rebooting. From EL2 the conduit is SMC; QEMU implements PSCI 1.1
 * itself (virt without EL3 firmware) and exits with status 0 on SYSTEM_OFF.
 */
#include "arm64.h"
#include "core/console.h"
#include "core/cpu.h"
#include "sysreg.h"

#define PSCI_CPU_ON_64     0xc4000003u
#define PSCI_SYSTEM_OFF    0x84000008u
#define PSCI_SYSTEM_RESET  0x84000009u
#define PSCI_NOT_SUPPORTED (-1)

static enum fw_conduit conduit = FW_CONDUIT_SMC; /* until the DTB is read */

void psci_set_conduit(enum fw_conduit c)
{
	conduit = c;
}

/* SMC Calling Convention: x0-x3 in, x0 out; x4-x17 may be clobbered. */
static int64_t psci_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (conduit != FW_CONDUIT_SMC) {
		return PSCI_NOT_SUPPORTED;
	}
	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			   "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

int arch_cpu_start(struct cpu *c, paddr_t stack_top)
{
	/* secondary_entry finds its struct cpu at its initial SP. */
	uint64_t sp = pa_addr(stack_top) - 16;
	*(struct cpu **)pa_ptr(pa_init(sp)) = c;
	/* The new CPU reads mmu_regs with its caches off. */
	dcache_clean(&mmu_regs, sizeof(mmu_regs));
	return (int)psci_call(PSCI_CPU_ON_64, c->hwid, (uintptr_t)secondary_entry, sp);
}

noreturn void arch_power_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	printk("power: no way to power off: CPU halted\n");
	for (;;) {
		__asm__ volatile("msr daifset, #0xf; wfi");
	}
}

noreturn void arch_reboot(void)
{
	psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	printk("power: no way to reboot: CPU halted\n");
	for (;;) {
		__asm__ volatile("msr daifset, #0xf; wfi");
	}
}
