/*
 * Interrupt and exception entry (AMD APM vol. 2, 8.9 "Long-Mode Interrupt
 * Control Transfers"). Every gate runs on the TSS's IST1 stack, so an
 * interrupt never writes below the interrupted RSP (libfdt.a is built for
 * user space and may keep data in the red zone there). Each stub pushes
 * an error code (0 when the CPU pushes none) and its vector, then all
 * general registers (struct x86_frame), and calls x86_trap(frame).
 */
	.macro stub vec, has_error
	.globl x86_vector_\vec
x86_vector_\vec:
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
	.endm

	.text
	stub 0, 0
	stub 1, 0
	stub 2, 0
	stub 3, 0
	stub 4, 0
	stub 5, 0
	stub 6, 0
	stub 7, 0
	stub 8, 1
	stub 9, 0
	stub 10, 1
	stub 11, 1
	stub 12, 1
	stub 13, 1
	stub 14, 1
	stub 15, 0
	stub 16, 0
	stub 17, 1
	stub 18, 0
	stub 19, 0
	stub 20, 0
	stub 21, 1
	stub 22, 0
	stub 23, 0
	stub 24, 0
	stub 25, 0
	stub 26, 0
	stub 27, 0
	stub 28, 0
	stub 29, 1
	stub 30, 1
	stub 31, 0
	stub 32, 0  /* X86_TICK_VECTOR */
	stub 33, 0  /* X86_KICK_VECTOR */
	stub 55, 0  /* the PIC's spurious IRQ 7 (X86_PIC_BASE_VECTOR + 7) */
	stub 63, 0  /* and IRQ 15 */
	stub 255, 0 /* X86_SPURIOUS_VECTOR */

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	call x86_trap
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq

	.section .note.GNU-stack, "", @progbits
