/* Declarations shared by the arm64 files only (never by the core). */
#ifndef ARM64_H
#define ARM64_H

#include "core/arch.h"
#include "core/types.h"
#include "regs.h"

struct cpu;
struct vcpu;
struct stage2;

/* The console before (or without) a DTB that names one: QEMU virt's PL011. */
#define QEMU_UART 0x09000000ull

/* The machine every domain sees (QEMU virt's addresses, guest_boot.c): RAM,
 * the GICv3 distributor and redistributors (vgic_mmio.c), the PL011. */
#define GUEST_RAM_BASE    0x40000000ull
#define GUEST_GICD        0x08000000ull
#define GUEST_GICR        0x080a0000ull
#define GUEST_GICR_STRIDE 0x20000ull /* RD + SGI frame per vCPU */
#define GUEST_UART        0x09000000ull

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

/* exceptions.c */
void irq_handle(void);
const char *esr_class_name(unsigned ec);

/* guest_entry.S: run the guest whose registers are @r until it takes an
 * exception to EL2; returns the vector kind (VEC_LOWER64 + VEC_SYNC, ...)
 * with @r holding its registers, ESR and FAR. */
unsigned guest_enter(struct arch_regs *r);
struct fpsimd_state;
void fpsimd_save(struct fpsimd_state *fp);
void fpsimd_restore(const struct fpsimd_state *fp);

/* traps.c: handle a guest's exit; whether it gave its turn away. */
enum trap_result { TRAP_CONTINUE, TRAP_YIELD, TRAP_WFI };
enum trap_result trap_guest(struct vcpu *v, struct arch_regs *r, unsigned kind);

/* inject.c: give @v's EL1 a synchronous external abort (an instruction
 * abort, or a data abort when @data) on r->far, or an UNDEFINED exception,
 * for the exit in @r; @what names the fault in the console line. False
 * when the guest cannot take it: the domain was stopped instead. */
bool inject_abort(struct vcpu *v, struct arch_regs *r, bool data, const char *what);
bool inject_undef(struct vcpu *v, struct arch_regs *r, const char *what);

/* idregs.c: the value a guest reads from the ID register @enc (the
 * MSR/MRS encoding, SYSREG()); false when @enc is not in the ID register
 * space. */
bool idreg_read(uint32_t enc, uint64_t *val);

/* vpsci.c: a PSCI call in x0 of @r (true), or not PSCI (false). */
bool vpsci_call(struct vcpu *v, struct arch_regs *r);

/* stage2.c */
uint64_t stage2_vttbr(const struct stage2 *s);

/* vcpu.c: the EL2 registers that make this CPU a host of guests. */
void virt_cpu_init(void);

/* mmu.c */
void mmu_boot(paddr_t dtb);
bool mmu_dtb_mapped(void);
void dcache_clean(const void *p, uint64_t size);

/* platform.c: the probed platform, for the drivers below. */
extern const struct platform *plat;

/* gicv3.c */
void gic_cpu_init(unsigned cpu);
void gic_enable_ppi(unsigned intid);
void gic_set_ppi(unsigned intid, bool on);
uint32_t gic_ack(void);
void gic_eoi(uint32_t iar);           /* priority drop and deactivation */
void gic_priority_drop(uint32_t iar); /* a forwarded SPI: the guest deactivates */
/* A passed-through SPI: trigger, target CPU, enabled; or off, not pending,
 * not active (passthrough.c). */
void gic_spi_enable(unsigned intid, bool edge, uint64_t mpidr);
void gic_spi_route(unsigned intid, uint64_t mpidr); /* to that CPU */
void gic_spi_disable(unsigned intid);
void gic_deactivate(unsigned intid);
/* passthrough.c: a physical SPI a domain owns arrived (true), or none owns it. */
bool passthrough_irq(uint32_t iar);
#define SGI_KICK 0 /* "look at your run queue" */
void gic_send_sgi(uint64_t mpidr, unsigned intid);

/* timer.c */
void timer_interrupt(void);
void timer_reprogram(void); /* after the vtimer deadlines changed */

/* psci.c */
void psci_set_conduit(enum fw_conduit c);

/* timer.c: the physical counter, read after an ISB (no early, speculative
 * read). */
uint64_t timer_counter(void);

/* console.c: the UART to print on before the DTB is read (QEMU virt's). */
void console_early(paddr_t base);

#endif /* ARM64_H */
