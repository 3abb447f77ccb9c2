/*
 * Entry of the x86 bare-metal guests. The image carries a Multiboot2
 * header with address and entry tags (Multiboot2 spec 3.1.5, 3.1.6): the
 * hypervisor loads it at its link address and enters it at its first byte
 * in 32-bit protected mode, paging off, EBX the domain's device tree. It
 * identity-maps the first 1 GiB in 2 MiB pages, turns long mode on (AMD APM
 * vol. 2, 14.6) and calls guest_start(dt).
 */
#define MB2_MAGIC 0xE85250D6
#define STACK_SIZE 16384

	.section .text.head, "ax"
	.code32
	.globl _start
_start:
	jmp entry32

	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long 0
	.long mb2_end - mb2_header
	.long -(MB2_MAGIC + (mb2_end - mb2_header))
	.short 2, 0		/* address tag */
	.long 24
	.long mb2_header
	.long _start
	.long _load_end
	.long _bss_end
	.short 3, 0		/* entry tag */
	.long 12
	.long _start
	.long 0			/* padding to 8 bytes */
	.short 0, 0		/* end tag */
	.long 8
mb2_end:

entry32:
	movl %ebx, %esi
	movl $pdpt + 3, pml4
	movl $pd + 3, pdpt
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, pd(, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jne 1b
	movl %cr4, %eax
	orl $(1 << 5), %eax	/* PAE */
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx	/* EFER.LME */
	rdmsr
	orl $(1 << 8), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax	/* PG, PE */
	movl %eax, %cr0
	lgdt gdt_ptr
	ljmp $0x08, $entry64

	.code64
entry64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movq $stack_top, %rsp
	movl %esi, %edi
	call guest_start
2:	cli
	hlt
	jmp 2b

	.section .data
	.balign 8
gdt:
	.quad 0
	.quad 0x00209A0000000000
	.quad 0x0000920000000000
gdt_end:
gdt_ptr:
	.short gdt_end - gdt - 1
	.quad gdt

	.section .bss
	.balign 4096
pml4:	.space 4096
pdpt:	.space 4096
pd:	.space 4096
	.balign 16
	.space STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", @progbits
