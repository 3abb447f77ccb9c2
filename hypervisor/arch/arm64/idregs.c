/*
 * The ID registers a guest reads (HCR_EL2.TID3 traps the whole AArch64 and
 * AArch32 ID space, op0 = 3, op1 = 0, CRn = 0, CRm = 1-7; Arm ARM, the
 * HCR_EL2.TID3 and ID register descriptions): the CPU's values, less what a
 * domain does not get, so that what a guest is told exists does, and what
 * does not exist for it is UNDEFINED when it tries anyway (traps.c):
 *
 *   - no PMU: ID_AA64DFR0_EL1.PMUVer and ID_DFR0_EL1.PerfMon read 0 (not
 *     implemented). Its registers trap (MDCR_EL2.TPM) and are UNDEFINED:
 *     the counters are the CPU's, shared by every vCPU it runs;
 *   - no statistical profiling, trace, branch record buffer: 0;
 *   - debug (ID_AA64DFR0_EL1): DebugVer as the CPU says, and the smallest
 *     debug unit the architecture allows: 2 breakpoints (BRPs = 1), 2
 *     watchpoints (WRPs = 1), 1 context-aware breakpoint (CTX_CMPs = 0).
 *     There is no way to say "none", and none works: the debug registers
 *     trap (MDCR_EL2.TDA, TDOSA, TDRA) and read as zero, writes ignored,
 *     since they are per physical CPU and would outlive the vCPU that set
 *     them. A guest's breakpoints never fire.
 *
 *   - no SVE, SME, MTE, AMU, RAS, MPAM, nested virtualization:
 *     ID_AA64PFR0_EL1 SVE [35:32], RAS [31:28], SEL2 [39:36], MPAM
 *     [43:40], AMU [47:44] and ID_AA64PFR1_EL1 MTE [11:8], SME [27:24],
 *     RAS_frac [15:12], MPAM_frac [19:16] read 0: their state is not
 *     switched between vCPUs (only V0-V31 are, 128 bits), so a guest
 *     must not use them; SVE and SME instructions trap (CPTR_EL2.TZ,
 *     TSM) and are UNDEFINED (traps.c).
 *
 * The registers this list does not name read as zero (the space is
 * reserved, RAZ, for ID registers; the newer ones describe features a
 * domain does not get).
 */
#include "arm64.h"
#include "sysreg.h"

/* ID_AA64DFR0_EL1 fields kept from the CPU: DebugVer [3:0], DoubleLock
 * [39:36]; set: BRPs [15:12], WRPs [23:20]; everything else 0. */
#define DFR0_KEEP   (0xfull | 0xfull << 36)
#define DFR0_BRPS_2 (1ull << 12)
#define DFR0_WRPS_2 (1ull << 20)
/* ID_DFR0_EL1.PerfMon [27:24] (AArch32 view), TraceFilt [31:28]. */
#define AA32_DFR0_HIDE (0xfull << 24 | 0xfull << 28)
/* ID_AA64PFR0_EL1: RAS [31:28], SVE [35:32], SEL2 [39:36], MPAM [43:40],
 * AMU [47:44]. ID_AA64PFR1_EL1: MTE [11:8], RAS_frac [15:12], MPAM_frac
 * [19:16], SME [27:24]. */
#define PFR0_HIDE (0xfffffull << 28)
#define PFR1_HIDE (0xfffull << 8 | 0xfull << 24)

#define ID_SPACE_MASK SYSREG(3, 7, 15, 0, 0)
#define ID_SPACE      SYSREG(3, 0, 0, 0, 0)
#define ID_CRM(enc)   (((enc) >> 1) & 15)
#define ID_OP2(enc)   (((enc) >> 17) & 7)

/* The allocated ID registers, read from the CPU: (CRm, op2). */
#define ID(crm, op2)          \
	case (crm)*8 + (op2): \
		return read_sysreg(S3_0_C0_C##crm##_##op2);

/* A table of cases, a row per line, as clang-format cannot keep it. */
/* clang-format off */
static uint64_t cpu_idreg(unsigned crm, unsigned op2)
{
	switch (crm * 8 + op2) {
	/* ID_PFR0/1, ID_DFR0, ID_AFR0, ID_MMFR0-3 */
	ID(1, 0) ID(1, 1) ID(1, 2) ID(1, 3) ID(1, 4) ID(1, 5) ID(1, 6) ID(1, 7)
	/* ID_ISAR0-5, ID_MMFR4, ID_ISAR6 */
	ID(2, 0) ID(2, 1) ID(2, 2) ID(2, 3) ID(2, 4) ID(2, 5) ID(2, 6) ID(2, 7)
	/* MVFR0-2 */
	ID(3, 0) ID(3, 1) ID(3, 2)
	/* ID_AA64PFR0/1, ID_AA64DFR0/1, ID_AA64AFR0/1, ID_AA64ISAR0/1,
	 * ID_AA64MMFR0/1 */
	ID(4, 0) ID(4, 1) ID(5, 0) ID(5, 1) ID(5, 4) ID(5, 5) ID(6, 0) ID(6, 1)
	ID(7, 0) ID(7, 1)
	}
	return 0;
}
/* clang-format on */

bool idreg_read(uint32_t enc, uint64_t *val)
{
	if ((enc & ID_SPACE_MASK) != ID_SPACE || ID_CRM(enc) == 0) {
		return false;
	}
	uint64_t v = cpu_idreg(ID_CRM(enc), ID_OP2(enc));

	if (enc == SYSREG(3, 0, 0, 5, 0)) { /* ID_AA64DFR0_EL1 */
		v = (v & DFR0_KEEP) | DFR0_BRPS_2 | DFR0_WRPS_2;
	} else if (enc == SYSREG(3, 0, 0, 1, 2)) { /* ID_DFR0_EL1 */
		v &= ~AA32_DFR0_HIDE;
	} else if (enc == SYSREG(3, 0, 0, 4, 0)) { /* ID_AA64PFR0_EL1 */
		v &= ~PFR0_HIDE;
	} else if (enc == SYSREG(3, 0, 0, 4, 1)) { /* ID_AA64PFR1_EL1 */
		v &= ~PFR1_HIDE;
	}
	*val = v;
	return true;
}
