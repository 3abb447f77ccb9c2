/*
 * arm64 CPU setup and the small arch_* primitives: the C entry of the boot
 * CPU (from head.S, MMU off) and of each secondary (MMU already on), the EL2
 * control registers every CPU sets the same way, and per-CPU data through
 * TPIDR_EL2.
 */
#include "arm64.h"
#include "core/console.h"
#include "core/cpu.h"
#include "sysreg.h"


static void cpu_el2_init(void)
{
	write_sysreg(hcr_el2, HCR_BOOT);
	/* SVE and SME, which guests are not given (idregs.c), trap: TZ only
	 * where SVE exists (else the bit is RES0); TSM is RES1 without SME
	 * (Arm ARM, CPTR_EL2 with HCR_EL2.E2H 0). */
	uint64_t sve = (read_sysreg(id_aa64pfr0_el1) >> 32) & 0xf;
	write_sysreg(cptr_el2, CPTR_EL2_RES1 | (sve != 0 ? CPTR_EL2_TZ : 0));
	isb();
	virt_cpu_init();
}

noreturn void arch_boot_primary(uint64_t dtb)
{
	write_sysreg(tpidr_el2, (uintptr_t)cpu_get(0));
	cpu_el2_init();
	/* QEMU virt's UART until the DTB names the console; set before the
	 * MMU work so that a fault in it still gets reported. */
	console_early(pa_init(QEMU_UART));
	mmu_boot(pa_init(dtb));
	hv_main(pa_init(dtb));
}

noreturn void arch_secondary_main(void)
{
	cpu_el2_init();
	gic_cpu_init(arch_this_cpu()->id);
	hv_secondary_main();
}

const char *arch_name(void)
{
	return "arm64";
}

struct mem_range arch_image_range(void)
{
	return (struct mem_range){ pa_of(__image_start), (uintptr_t)(__image_end - __image_start) };
}

struct cpu *arch_this_cpu(void)
{
	return (struct cpu *)(uintptr_t)read_sysreg(tpidr_el2);
}

void arch_cpu_relax(void)
{
	__asm__ volatile("yield" : : : "memory");
}

void arch_wait_for_irq(void)
{
	__asm__ volatile("dsb sy; wfi" : : : "memory");
}

void arch_irq_enable(void)
{
	/* The ISB makes a pending interrupt be taken here, not later. */
	__asm__ volatile("msr daifclr, #2; isb" : : : "memory");
}

void arch_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" : : : "memory");
}

unsigned long arch_irq_save(void)
{
	unsigned long flags = read_sysreg(daif);

	__asm__ volatile("msr daifset, #2" : : : "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	write_sysreg(daif, flags);
}
