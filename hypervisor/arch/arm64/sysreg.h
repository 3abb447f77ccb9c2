/*
 * System register access and the register bits the arm64 code uses, with
 * the values chosen for QEMU virt on cortex-a57 (shared/notes/arm64-el2.md
 * §1.3). Names follow the Arm ARM (DDI 0487).
 */
#ifndef ARM64_SYSREG_H
#define ARM64_SYSREG_H

#include <stdint.h>

#define read_sysreg(r) ({ \
	uint64_t v_; \
	__asm__ volatile("mrs %0, " #r : "=r"(v_)); \
	v_; \
})
#define write_sysreg(r, v) \
	__asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

#define isb()      __asm__ volatile("isb" : : : "memory")
#define dsb(opt)   __asm__ volatile("dsb " #opt : : : "memory")

/* HCR_EL2: physical IRQ/FIQ/SError are routed to EL2 only with IMO/FMO/AMO
 * set; with them clear an interrupt targets EL1 and is never taken while
 * the CPU runs at EL2 (Arm ARM D1.13.2). RW: lower ELs are AArch64. */
#define HCR_FMO    (1ull << 3)
#define HCR_IMO    (1ull << 4)
#define HCR_AMO    (1ull << 5)
#define HCR_RW     (1ull << 31)
#define HCR_BOOT   (HCR_RW | HCR_AMO | HCR_IMO | HCR_FMO)

/* CPTR_EL2 (nVHE): RES1 bits only, TFP = 0. Debian's libfdt.a is built
 * without -mgeneral-regs-only and uses SIMD registers, so FP/SIMD must not
 * trap at EL2 while it runs. */
#define CPTR_EL2_RES1 0x32ffull

/* SCTLR_EL2: RES1 bits + M, C, SA, I, WXN (writable pages never execute). */
#define SCTLR_EL2_RES1 0x30c50830ull
#define SCTLR_M    (1ull << 0)
#define SCTLR_C    (1ull << 2)
#define SCTLR_SA   (1ull << 3)
#define SCTLR_I    (1ull << 12)
#define SCTLR_WXN  (1ull << 19)

/* TCR_EL2: T0SZ = 25 (39-bit VA: level 1 start, covers RAM up to 512 GiB),
 * inner/outer write-back walks, inner shareable, 4 KiB granule, RES1 bits
 * 31 and 23; PS is filled from ID_AA64MMFR0_EL1.PARange. */
#define TCR_T0SZ       25
#define TCR_EL2_BASE   (TCR_T0SZ | (1ull << 8) | (1ull << 10) | (3ull << 12) | \
			(1ull << 23) | (1ull << 31))
#define TCR_PS_SHIFT   16
#define TCR_VA_BITS    (64 - TCR_T0SZ)

/* MAIR_EL2: attr0 normal write-back, attr1 Device-nGnRE. */
#define MAIR_EL2_VALUE 0x04ffull

/* ESR_ELx */
#define ESR_EC(esr)  (((esr) >> 26) & 0x3f)

/* CNTHP_CTL_EL2 */
#define CNT_CTL_ENABLE (1ull << 0)

#define MPIDR_AFF_MASK 0xff00ffffffull

#endif /* ARM64_SYSREG_H */
