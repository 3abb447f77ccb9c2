/*
 * Where the other CPUs start (Intel MP spec B.4: a STARTUP IPI starts the
 * CPU in real mode at page << 12). smp.c copies this code to
 * X86_TRAMPOLINE, a page below 1 MiB, and fills its data at the end: it
 * goes to protected mode, then long mode on the boot page tables (head.S),
 * and jumps to x86_secondary_entry(cpu) on the CPU's stack.
 */
#define X86_TRAMPOLINE 0x8000 /* as in x86.h */
#define T(x) (X86_TRAMPOLINE + (x) - x86_trampoline)

	.section .rodata
	.code16
	.globl x86_trampoline, x86_trampoline_data, x86_trampoline_end
x86_trampoline:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl T(tr_gdt_ptr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $T(tr32)

	.code32
tr32:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax	/* PAE */
	movl %eax, %cr4
	movl T(tr_cr3), %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx	/* EFER.LME */
	rdmsr
	orl $(1 << 8), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80000000, %eax	/* PG */
	movl %eax, %cr0
	ljmp $0x18, $T(tr64)

	.code64
tr64:
	movq T(tr_stack), %rsp
	movq T(tr_cpu), %rdi
	movq T(tr_entry), %rax
	jmp *%rax

	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF	/* 0x08: 32-bit code */
	.quad 0x00CF92000000FFFF	/* 0x10: data */
	.quad 0x00209A0000000000	/* 0x18: 64-bit code */
tr_gdt_ptr:
	.short tr_gdt_ptr - tr_gdt - 1
	.long T(tr_gdt)
	.balign 8
x86_trampoline_data:	/* struct trampoline_data (smp.c) */
tr_cr3:	.quad 0
tr_stack: .quad 0
tr_cpu:	.quad 0
tr_entry: .quad 0
x86_trampoline_end:

	.section .note.GNU-stack, "", @progbits
