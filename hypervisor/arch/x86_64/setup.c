/*
 * The boot CPU from head.S to hv_main(), and the CPU-level part of the
 * arch interface: interrupts, sleeping, power, memory helpers (the other
 * CPUs start in smp.c).
 */
#include <lcm/lcm.h>
#include <string.h>

#include "core/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "svm.h"
#include "x86.h"

#define RFLAGS_IF (1ul << 9)

extern char _image_start[], _image_end[];

noreturn void x86_main(uint32_t magic, uint32_t info)
{
	x86_uart_init();
	x86_boot_info(magic, info);
	x86_idt_init();
	x86_cpu_init(cpu_get(0));
	x86_timer_calibrate();
	hv_main(pa_init(info));
}

const char *arch_name(void)
{
	return "x86_64";
}

unsigned arch_lcm_arch(void)
{
	return LCM_ARCH_X86;
}

struct mem_range arch_image_range(void)
{
	return (struct mem_range){ pa_of(_image_start),
				   (uintptr_t)_image_end - (uintptr_t)_image_start };
}

/* head.S maps the first 4 GiB, and the platform offers nothing above. */
void arch_map_ram(struct mem_range r)
{
	if (range_end(&r) > 4 * GiB) {
		panic("x86: 0x%llx+0x%llx is above the 4 GiB the hypervisor maps",
		      (unsigned long long)pa_addr(r.base), (unsigned long long)r.size);
	}
}

void arch_map_device(struct mem_range r)
{
	arch_map_ram(r);
}

/* The local APIC was enabled when the timer rates were counted (timer.c),
 * the legacy PIC is masked; this CPU's part of interrupts and guests is
 * SVM's set-up. */
void arch_irq_init(void)
{
	svm_cpu_init();
}

void arch_cpu_relax(void)
{
	__asm__ volatile("pause");
}

void arch_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

void arch_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

unsigned long arch_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	if (flags & RFLAGS_IF) {
		arch_irq_enable();
	}
}

/* STI's one-instruction shadow makes "sti; hlt" atomic: an interrupt that
 * became pending before it wakes the HLT (and is taken) instead of being
 * lost; the caller's masking is put back after. */
void arch_wait_for_irq(void)
{
	unsigned long flags = arch_irq_save();

	__asm__ volatile("sti; hlt" ::: "memory");
	if (!(flags & RFLAGS_IF)) {
		arch_irq_disable();
	}
}

void arch_zero_pages(paddr_t pa, uint64_t size, bool clean)
{
	(void)clean; /* x86 caches are coherent with every agent here */
	memset(pa_ptr(pa), 0, size);
}

void arch_dcache_clean(paddr_t pa, uint64_t size)
{
	(void)pa;
	(void)size; /* coherent: nothing to do */
}

/* The hypervisor and libfdt.a use no SSE/x87 registers (the build checks
 * libfdt.a: hypervisor/arch/x86_64/build.mk), so there is nothing to keep. */
void arch_simd_begin(struct arch_simd_save *save)
{
	(void)save;
}

void arch_simd_end(const struct arch_simd_save *save)
{
	(void)save;
}
