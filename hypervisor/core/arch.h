/*
 * The architecture interface: everything the architecture-free core needs
 * from arch/<arch>/, and the three core entry points an architecture calls.
 * The core includes only this header; an x86-64 port implements it in its
 * own arch/ folder.
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include "core/platform.h"
#include "core/types.h"

struct cpu;

/* --- implemented by arch/<arch>/ ------------------------------------------- */

const char *arch_name(void);
/* The hypervisor's own footprint in memory: image, BSS, boot stack, tables. */
struct mem_range arch_image_range(void);

/* Fill @p from the firmware's description (arm64: the host DTB at @fdt).
 * Prints the reason and returns -1 when the description is unusable. */
int arch_platform_probe(const void *fdt, struct platform *p);

/* Add identity mappings to the hypervisor's address space (first mapping of
 * a page wins: existing mappings, such as the image's, are kept). */
void arch_map_ram(struct mem_range r);
void arch_map_device(struct mem_range r);

/* Interrupt controller named by the probed platform: its global part and
 * this (boot) CPU's part. Secondary CPUs initialise their own part before
 * calling hv_secondary_main(). */
void arch_irq_init(void);

/* Start CPU @c at the architecture's secondary entry on the stack whose top
 * is @stack_top; it ends in hv_secondary_main(). 0 or a firmware error. */
int arch_cpu_start(struct cpu *c, paddr_t stack_top);

/* A periodic tick on this CPU: hv_tick() is called from its interrupt. */
void arch_timer_start(unsigned hz);
uint64_t arch_time_ns(void);

struct cpu *arch_this_cpu(void);
void arch_cpu_relax(void);
/* Sleep until an interrupt is pending (taken first if unmasked). */
void arch_wait_for_irq(void);
void arch_irq_enable(void);
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);

noreturn void arch_power_off(void);

/* --- implemented by the core, called by the architecture ------------------- */

/* The boot CPU, with the MMU on and the early console usable. */
noreturn void hv_main(paddr_t fdt);
/* A secondary CPU, with the MMU, exceptions and its interrupt part set up. */
noreturn void hv_secondary_main(void);
/* The hypervisor timer fired on this CPU (interrupt context). */
void hv_tick(void);

#endif /* HV_ARCH_H */
