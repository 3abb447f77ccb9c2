/*
 * The exception frame: what vectors.S saves on every entry to EL2, and what
 * it restores (x0-x30, ELR_EL2, SPSR_EL2) on return. The same layout will
 * hold a vCPU's general registers; its banked EL1 state (SP_EL1, ELR_EL1,
 * ...) is untouched by an EL2 entry and is switched separately. Offsets are
 * shared with the assembly and checked against the struct below.
 */
#ifndef ARM64_REGS_H
#define ARM64_REGS_H

#define REGS_X30  240
#define REGS_ELR  248
#define REGS_SPSR 256
#define REGS_ESR  264
#define REGS_FAR  272
#define REGS_SP   280
#define REGS_SIZE 288 /* a multiple of 16: SP stays aligned */

/* Vector kinds passed to arch_exception(): origin * 4 + type. */
#define VEC_SYNC    0
#define VEC_IRQ     1
#define VEC_FIQ     2
#define VEC_SERROR  3
#define VEC_EL2T    0 /* current EL with SP_EL0 (never used) */
#define VEC_EL2H    4 /* current EL with SP_EL2: the hypervisor */
#define VEC_LOWER64 8 /* a lower EL in AArch64: guests */
#define VEC_LOWER32 12

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct arch_regs {
	uint64_t x[31];
	uint64_t elr;  /* restored */
	uint64_t spsr; /* restored */
	uint64_t esr;  /* syndrome, for the handlers */
	uint64_t far;
	uint64_t sp; /* SP_EL2 before the exception */
};

_Static_assert(offsetof(struct arch_regs, x[30]) == REGS_X30, "frame layout");
_Static_assert(offsetof(struct arch_regs, elr) == REGS_ELR, "frame layout");
_Static_assert(offsetof(struct arch_regs, spsr) == REGS_SPSR, "frame layout");
_Static_assert(offsetof(struct arch_regs, esr) == REGS_ESR, "frame layout");
_Static_assert(offsetof(struct arch_regs, far) == REGS_FAR, "frame layout");
_Static_assert(offsetof(struct arch_regs, sp) == REGS_SP, "frame layout");
_Static_assert(sizeof(struct arch_regs) == REGS_SIZE, "frame layout");
#endif

#endif /* ARM64_REGS_H */
