/* Declarations shared by the arm64 files only (never by the core). */
#ifndef ARM64_H
#define ARM64_H

#include "core/arch.h"
#include "core/types.h"
#include "regs.h"

struct cpu;

/* The console before (or without) a DTB that names one: QEMU virt's PL011. */
#define QEMU_UART 0x09000000ull

/* Linker script symbols. */
extern char __image_start[], __text_end[], __rodata_end[], __image_end[];

/* head.S */
struct mmu_regs {
	uint64_t mair, tcr, ttbr, sctlr;
};
extern struct mmu_regs mmu_regs;
extern char secondary_entry[];
void mmu_enable(const struct mmu_regs *r);

/* C entry points from head.S and vectors.S */
noreturn void arch_boot_primary(uint64_t dtb);
noreturn void arch_secondary_main(void);
void arch_exception(struct arch_regs *r, unsigned kind);

/* mmu.c */
void mmu_boot(paddr_t dtb);
bool mmu_dtb_mapped(void);
void dcache_clean(const void *p, uint64_t size);

/* platform.c: the probed platform, for the drivers below. */
extern const struct platform *plat;

/* gicv3.c */
void gic_cpu_init(unsigned cpu);
void gic_enable_ppi(unsigned intid);
uint32_t gic_ack(void);
void gic_eoi(uint32_t iar);

/* timer.c */
void timer_interrupt(void);

/* psci.c */
void psci_set_conduit(enum fw_conduit c);

#endif /* ARM64_H */
