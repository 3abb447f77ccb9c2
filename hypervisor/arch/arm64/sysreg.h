/*
 * System register access and the register bits the arm64 code uses, with
 * the values chosen for QEMU virt on cortex-a57, each with why where it is
 * defined. Names follow the Arm ARM (DDI 0487).
 */
#ifndef ARM64_SYSREG_H
#define ARM64_SYSREG_H

#include <stdint.h>

#define read_sysreg(r)                                      \
	({                                                  \
		uint64_t v_;                                \
		__asm__ volatile("mrs %0, " #r : "=r"(v_)); \
		v_;                                         \
	})
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

#define isb()    __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")

/* HCR_EL2: physical IRQ/FIQ/SError are routed to EL2 only with IMO/FMO/AMO
 * set; with them clear an interrupt targets EL1 and is never taken while
 * the CPU runs at EL2 (Arm ARM D1.13.2). RW: lower ELs are AArch64. */
#define HCR_VM     (1ull << 0)
#define HCR_SWIO   (1ull << 1)
#define HCR_FMO    (1ull << 3)
#define HCR_IMO    (1ull << 4)
#define HCR_AMO    (1ull << 5)
#define HCR_FB     (1ull << 9)
#define HCR_BSU_IS (1ull << 10)
#define HCR_TWI    (1ull << 13)
#define HCR_TWE    (1ull << 14)
#define HCR_TID3   (1ull << 18)
#define HCR_TSC    (1ull << 19)
#define HCR_TIDCP  (1ull << 20)
#define HCR_RW     (1ull << 31)
#define HCR_BOOT   (HCR_RW | HCR_AMO | HCR_IMO | HCR_FMO)
/* Running guests (Arm ARM, HCR_EL2): stage 2 on (VM); set/way cache
 * operations by invalidate become clean+invalidate (SWIO); WFI and WFE trap
 * (TWI, TWE), since vCPUs share CPUs; SMC traps (TSC): without it QEMU
 * would take a guest's PSCI SMC itself and power the machine off; TLB and
 * cache maintenance and barriers of a guest reach every CPU (FB, BSU=IS),
 * since its vCPUs run on several. Only EL1 and EL0 feel these bits, so the
 * same value stays set while the hypervisor runs. */
#define HCR_GUEST                                                                           \
	(HCR_BOOT | HCR_VM | HCR_SWIO | HCR_FB | HCR_BSU_IS | HCR_TWI | HCR_TWE | HCR_TSC | \
	 HCR_TIDCP | HCR_TID3)

/* VTCR_EL2: a 39-bit guest-physical space starting at level 1 (T0SZ = 25,
 * SL0 = 1: one 4 KiB root table), walks write-back inner shareable, 4 KiB
 * granule, RES1 bit 31; PS (output size) from ID_AA64MMFR0_EL1.PARange,
 * 44 bits on cortex-a57. */
#define VTCR_T0SZ 25
#define VTCR_BASE \
	(VTCR_T0SZ | (1ull << 6) | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 31))
#define VTCR_PS_SHIFT    16
#define VTTBR_VMID_SHIFT 48

/* MDCR_EL2: TPM traps the guests' PMU registers (the PMU is not shared
 * between domains: the ID registers say there is none, and its registers
 * are UNDEFINED); HPMN keeps its reset value. */
#define MDCR_TPM       (1ull << 6)
#define MDCR_TDA       (1ull << 9)  /* debug registers */
#define MDCR_TDOSA     (1ull << 10) /* OS lock and power-down registers */
#define MDCR_TDRA      (1ull << 11) /* debug ROM address registers */
#define MDCR_HPMN_MASK 0x1full

/* CNTHCTL_EL2 (nVHE): EL1 reads the physical counter (booting.rst asks for
 * it), but the EL1 physical timer traps (EL1PCEN = 0): each vCPU has an
 * emulated one (ptimer.c). */
#define CNTHCTL_EL1PCTEN (1ull << 0)

/* A vCPU's reset state: EL1h with DAIF masked; SCTLR_EL1 RES1 bits only
 * (MMU and caches off, little-endian). */
#define SPSR_EL1H_MASKED 0x3c5ull
#define SCTLR_EL1_RESET  0x30d00800ull
#define MPIDR_RES1       (1ull << 31)

/* CPTR_EL2 (nVHE): RES1 bits only, TFP = 0. Debian's libfdt.a is built
 * without -mgeneral-regs-only and uses SIMD registers, so FP/SIMD must not
 * trap at EL2 while it runs. */
#define CPTR_EL2_RES1 0x32ffull
#define CPTR_EL2_TZ   (1ull << 8) /* trap SVE (where SVE exists) */

/* SCTLR_EL2: RES1 bits + M, C, SA, I, WXN (writable pages never execute). */
#define SCTLR_EL2_RES1 0x30c50830ull
#define SCTLR_M        (1ull << 0)
#define SCTLR_C        (1ull << 2)
#define SCTLR_SA       (1ull << 3)
#define SCTLR_I        (1ull << 12)
#define SCTLR_WXN      (1ull << 19)

/* TCR_EL2: T0SZ = 25 (39-bit VA: level 1 start, covers RAM up to 512 GiB),
 * inner/outer write-back walks, inner shareable, 4 KiB granule, RES1 bits
 * 31 and 23; PS is filled from ID_AA64MMFR0_EL1.PARange. */
#define TCR_T0SZ 25
#define TCR_EL2_BASE \
	(TCR_T0SZ | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 23) | (1ull << 31))
#define TCR_PS_SHIFT 16
#define TCR_VA_BITS  (64 - TCR_T0SZ)

/* MAIR_EL2: attr0 normal write-back, attr1 Device-nGnRE. */
#define MAIR_EL2_VALUE 0x04ffull

/* ESR_ELx: exception class, instruction length, syndrome (Arm ARM D17.2.37). */
#define ESR_EC(esr)  (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr) ((esr)&0x1ffffffull)

/* A system register's encoding as the MSR/MRS syndrome gives it (ISS of
 * EC 0x18, Arm ARM D17.2.41). */
#define SYSREG(op0, op1, crn, crm, op2) \
	(((op0) << 20) | ((op2) << 17) | ((op1) << 14) | ((crn) << 10) | ((crm) << 1))
#define SYSREG_MASK SYSREG(3, 7, 15, 15, 7)

#define EC_UNKNOWN  0x00
#define EC_WFX      0x01
#define EC_HVC64    0x16
#define EC_SMC64    0x17
#define EC_SYSREG   0x18
#define EC_SVE      0x19 /* SVE access trapped by CPTR_EL2.TZ */
#define EC_SME      0x1d /* SME access trapped by CPTR_EL2.TSM */
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define ESR_IL      (1ull << 25) /* a 32-bit instruction */
/* Abort ISS bits (D17.2.37, EC 0x20-0x25): write not read, cache
 * maintenance, and the fault status "synchronous external abort, not on a
 * translation table walk". */
#define ISS_WNR (1ull << 6)
#define ISS_CM  (1ull << 8)
#define FSC_SEA 0x10ull

/* CNTHP_CTL_EL2, CNTV_CTL_EL0, CNTP_CTL_EL0 (Arm ARM D11.2.4) */
#define CNT_CTL_ENABLE (1ull << 0)
#define CNT_ENABLE     CNT_CTL_ENABLE
#define CNT_IMASK      (1ull << 1)
#define CNT_ISTATUS    (1ull << 2)

#define MPIDR_AFF_MASK 0xff00ffffffull

#endif /* ARM64_SYSREG_H */
