/*
 * Entry from a multiboot loader (Multiboot2 spec 3.3 "I386 machine state";
 * Multiboot 0.6.96 3.2): 32-bit protected mode, paging off, EAX the loader's
 * magic, EBX the physical address of its information structure. Builds an
 * identity map of the first 4 GiB in 2 MiB pages, enters long mode (AMD APM
 * vol. 2, 14.6 "Enabling and Activating Long Mode") and calls x86_main().
 *
 * Two headers, so two loaders can start the same ELF: Multiboot2 (GRUB's
 * multiboot2 command, the design's loader) and Multiboot 1 with the address
 * fields (flag 16), which is what QEMU's own -kernel loads.
 */
#define MB2_MAGIC   0xE85250D6
#define MB1_MAGIC   0x1BADB002
#define MB1_FLAGS   0x00010003 /* page-aligned modules, memory info, address fields */
#define CR0_PE      (1 << 0)
#define CR0_PG      (1 << 31)
#define CR4_PAE     (1 << 5)
#define MSR_EFER    0xC0000080
#define EFER_LME    (1 << 8)
#define EFER_NXE    (1 << 11)
#define PTE_P_RW    0x003
#define PTE_LARGE   0x083

	.section .multiboot, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long 0 /* i386 */
	.long mb2_end - mb2_header
	.long -(MB2_MAGIC + (mb2_end - mb2_header))
	.short 0, 0 /* end tag */
	.long 8
mb2_end:
	.balign 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long mb1_header
	.long _image_start
	.long _load_end
	.long _image_end
	.long entry32

	.section .text.entry, "ax"
	.code32
	.globl entry32
entry32:
	cli
	cld
	movl %eax, boot_magic
	movl %ebx, boot_info
	movl $boot_stack_top, %esp

	/* PML4[0] -> PDPT; PDPT[0..3] -> the four PDs; PD entries 2 MiB each. */
	movl $boot_pdpt + PTE_P_RW, boot_pml4
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd + PTE_P_RW, %eax
	movl %eax, boot_pdpt(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jne 1b
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $PTE_LARGE, %eax
	movl %eax, boot_pd(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 2b

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE), %eax
	movl %eax, %cr0
	lgdt gdt_ptr
	ljmp $0x08, $entry64

	.code64
entry64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movq $boot_stack_top, %rsp
	movl boot_magic, %edi
	movl boot_info, %esi
	call x86_main
3:	hlt
	jmp 3b

	.section .data
	.balign 8
	.globl gdt
gdt:
	.quad 0
	.quad 0x00209A0000000000 /* 0x08: 64-bit code, DPL 0 */
	.quad 0x0000920000000000 /* 0x10: data */
	.quad 0, 0               /* 0x18: the TSS (x86_cpu_init) */
gdt_end:
gdt_ptr:
	.short gdt_end - gdt - 1
	.quad gdt
boot_magic:
	.long 0
boot_info:
	.long 0

	.section .bss
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.space 4096
boot_pdpt:
	.space 4096
boot_pd:
	.space 4 * 4096
	.balign 16
	.globl boot_stack_top
	.space 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
