/*
 * The world switch (AMD APM vol. 2, 15.5 "VMRUN" and 15.5.2 "VMSAVE and
 * VMLOAD"): svm_run(vmcb, gprs, host). The host's callee-saved registers
 * are pushed; the guest's general registers other than RAX and RSP (which
 * the VMCB holds) are loaded from @gprs and saved back after the exit. The
 * state VMRUN does not switch (FS, GS, TR, LDTR, KernelGSBase, the SYSCALL
 * and SYSENTER MSRs) is switched with VMSAVE/VMLOAD around it, the host's
 * kept in @host. GIF is clear from before the guest's state is loaded until
 * the host's is back; RFLAGS.IF is set across VMRUN so that, with
 * V_INTR_MASKING, a physical interrupt makes the guest exit (the INTR
 * intercept), and cleared again before STGI, so that the hypervisor takes
 * it where it chooses.
 */
#define G_RBX 0
#define G_RCX 8
#define G_RDX 16
#define G_RSI 24
#define G_RDI 32
#define G_RBP 40
#define G_R8  48
#define G_R9  56
#define G_R10 64
#define G_R11 72
#define G_R12 80
#define G_R13 88
#define G_R14 96
#define G_R15 104

	.text
	.globl svm_run
svm_run:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rsi		/* gprs */
	pushq %rdx		/* host area */
	pushq %rdi		/* vmcb */

	clgi
	movq %rdx, %rax
	vmsave
	movq (%rsp), %rax
	vmload
	movq G_RBX(%rsi), %rbx
	movq G_RCX(%rsi), %rcx
	movq G_RDX(%rsi), %rdx
	movq G_RDI(%rsi), %rdi
	movq G_RBP(%rsi), %rbp
	movq G_R8(%rsi), %r8
	movq G_R9(%rsi), %r9
	movq G_R10(%rsi), %r10
	movq G_R11(%rsi), %r11
	movq G_R12(%rsi), %r12
	movq G_R13(%rsi), %r13
	movq G_R14(%rsi), %r14
	movq G_R15(%rsi), %r15
	movq G_RSI(%rsi), %rsi
	sti
	vmrun
	cli
	pushq %rsi		/* the guest's */
	movq 24(%rsp), %rsi	/* gprs */
	movq %rbx, G_RBX(%rsi)
	movq %rcx, G_RCX(%rsi)
	movq %rdx, G_RDX(%rsi)
	movq %rdi, G_RDI(%rsi)
	movq %rbp, G_RBP(%rsi)
	movq %r8, G_R8(%rsi)
	movq %r9, G_R9(%rsi)
	movq %r10, G_R10(%rsi)
	movq %r11, G_R11(%rsi)
	movq %r12, G_R12(%rsi)
	movq %r13, G_R13(%rsi)
	movq %r14, G_R14(%rsi)
	movq %r15, G_R15(%rsi)
	popq G_RSI(%rsi)
	movq (%rsp), %rax	/* vmcb */
	vmsave
	movq 8(%rsp), %rax	/* host area */
	vmload
	stgi

	addq $24, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	.section .note.GNU-stack, "", @progbits
