/*
 * Where the other CPUs start (Intel MP spec B.4: a STARTUP IPI starts the
 * CPU in real mode at CS = page << 8, IP = 0). smp.c copies this code to a
 * free page below 1 MiB that platform.c chose (the loader's modules may be
 * anywhere down there: OVMF's GRUB puts them from 0x4000), and fills its
 * data at the end, the far pointers and the GDT's base included: the code
 * reaches everything relative to its page (DS = CS in real mode, EBX/RBX
 * the page's address after), so it runs wherever it is copied. It goes to
 * protected mode, then long mode on the boot page tables (head.S), and
 * jumps to x86_secondary_entry(cpu) on the CPU's stack.
 */
#define OFF(x) ((x) - x86_trampoline)

	.section .rodata
	.code16
	.globl x86_trampoline, x86_trampoline_data, x86_trampoline_end
	.globl x86_tr32, x86_tr64, x86_tr_gdt, x86_tr_gdt_ptr
x86_trampoline:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	movzwl %ax, %ebx
	shll $4, %ebx		/* the page's address */
	lgdtl OFF(x86_tr_gdt_ptr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl *OFF(tr_jmp32)

	.code32
x86_tr32:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax	/* PAE */
	movl %eax, %cr4
	movl OFF(tr_cr3)(%ebx), %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx	/* EFER.LME */
	rdmsr
	orl $(1 << 8), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80000000, %eax	/* PG */
	movl %eax, %cr0
	ljmpl *OFF(tr_jmp64)(%ebx)

	.code64
x86_tr64:
	movl %ebx, %ebx		/* the upper half is undefined after the switch */
	movq OFF(tr_stack)(%rbx), %rsp
	movq OFF(tr_cpu)(%rbx), %rdi
	movq OFF(tr_entry)(%rbx), %rax
	jmp *%rax

	.balign 8
x86_tr_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF	/* 0x08: 32-bit code */
	.quad 0x00CF92000000FFFF	/* 0x10: data */
	.quad 0x00209A0000000000	/* 0x18: 64-bit code */
x86_tr_gdt_ptr:
	.short x86_tr_gdt_ptr - x86_tr_gdt - 1
	.long 0			/* the page + OFF(x86_tr_gdt) */
	.balign 8
x86_trampoline_data:	/* struct trampoline_data (smp.c) */
tr_cr3:	.quad 0
tr_stack: .quad 0
tr_cpu:	.quad 0
tr_entry: .quad 0
tr_jmp32: .long 0		/* the page + OFF(x86_tr32) */
	.short 0x08, 0
tr_jmp64: .long 0		/* the page + OFF(x86_tr64) */
	.short 0x18, 0
x86_trampoline_end:

	.section .note.GNU-stack, "", @progbits
