/*
 * The EL2 exception vector table (VBAR_EL2, 2 KiB aligned, 16 entries of
 * 0x80 bytes; Arm ARM D1.10.2). Exceptions taken at EL2 (the hypervisor's
 * own: interrupts while it idles, its bugs) push a struct arch_regs on the
 * current EL2 stack and call arch_exception(regs, kind); on return the
 * (possibly changed) x0-x30, ELR_EL2 and SPSR_EL2 are restored and eret.
 * Exceptions from a lower EL come from a guest that guest_enter() started:
 * they end that call instead (guest_entry.S).
 */
#include "regs.h"

.macro ventry kind
	.balign	0x80
	sub	sp, sp, #REGS_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\kind
	b	exception_entry
.endm

.macro gentry kind
	.balign	0x80
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\kind
	b	guest_exit
.endm

	.text
	.balign	0x800
	.globl	el2_vectors
el2_vectors:
	ventry	(VEC_EL2T + VEC_SYNC)
	ventry	(VEC_EL2T + VEC_IRQ)
	ventry	(VEC_EL2T + VEC_FIQ)
	ventry	(VEC_EL2T + VEC_SERROR)
	ventry	(VEC_EL2H + VEC_SYNC)
	ventry	(VEC_EL2H + VEC_IRQ)
	ventry	(VEC_EL2H + VEC_FIQ)
	ventry	(VEC_EL2H + VEC_SERROR)
	gentry	(VEC_LOWER64 + VEC_SYNC)
	gentry	(VEC_LOWER64 + VEC_IRQ)
	gentry	(VEC_LOWER64 + VEC_FIQ)
	gentry	(VEC_LOWER64 + VEC_SERROR)
	gentry	(VEC_LOWER32 + VEC_SYNC)
	gentry	(VEC_LOWER32 + VEC_IRQ)
	gentry	(VEC_LOWER32 + VEC_FIQ)
	gentry	(VEC_LOWER32 + VEC_SERROR)

exception_entry:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x2, elr_el2
	stp	x30, x2, [sp, #REGS_X30]
	mrs	x2, spsr_el2
	mrs	x3, esr_el2
	stp	x2, x3, [sp, #REGS_SPSR]
	mrs	x2, far_el2
	add	x3, sp, #REGS_SIZE
	stp	x2, x3, [sp, #REGS_FAR]

	mov	x0, sp
	bl	arch_exception

	ldr	x2, [sp, #REGS_ELR]
	ldr	x3, [sp, #REGS_SPSR]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #REGS_X30]
	add	sp, sp, #REGS_SIZE
	eret
