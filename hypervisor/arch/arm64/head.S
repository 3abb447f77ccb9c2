/*
 * Entry of hyperlaunch.bin: the Linux arm64 Image header (so that QEMU's
 * -kernel and U-Boot's booti load it; Documentation/arm64/booting.rst),
 * self-relocation, BSS, the boot stack, then C. Also the secondary CPU entry
 * (PSCI CPU_ON lands there) and the MMU switch both kinds of CPU use.
 */
#define R_AARCH64_RELATIVE 1027
#define BOOT_STACK_SIZE    (16 * 1024)

/* PC-relative address of a symbol: valid before relocation and at any
 * load address. */
.macro adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm

	.section .text.head, "ax"
	.globl	_start
_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset: QEMU loads us at RAM + 2 MiB */
	.quad	__image_size		/* image_size, BSS included */
	.quad	0xa			/* flags: LE, 4K pages, anywhere in RAM */
	.quad	0, 0, 0			/* res2-res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5: no PE header */

primary_entry:
	/* Without EL2 there is nothing to virtualise, and no console yet
	 * to say so. */
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	park
	mov	x19, x0			/* x0: the DTB's physical address */
	adr	x20, _start		/* load address = relocation offset (linked at 0) */
	/* The MMU maps the image with 4 KiB pages. */
	tst	x20, #0xfff
	b.ne	park

	/* Apply Elf64_Rela {offset, info, addend}: *(base + offset) = base +
	 * addend. build.mk checks that only RELATIVE entries exist, besides
	 * the NONE entries ld leaves where it reserved more than it used. */
	adr_l	x1, __rela_start
	adr_l	x2, __rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldp	x3, x4, [x1], #16
	ldr	x5, [x1], #8
	cbz	x4, 1b			/* R_AARCH64_NONE */
	cmp	x4, #R_AARCH64_RELATIVE
	b.ne	park
	add	x5, x5, x20
	str	x5, [x20, x3]
	b	1b

2:	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
3:	cmp	x1, x2
	b.hs	4f
	stp	xzr, xzr, [x1], #16
	b	3b

4:	adr_l	x1, boot_stack
	add	sp, x1, #BOOT_STACK_SIZE
	adr_l	x1, el2_vectors
	msr	vbar_el2, x1
	isb
	mov	x0, x19
	bl	arch_boot_primary
park:	wfe
	b	park

/*
 * Secondary CPUs start here from PSCI CPU_ON at EL2, MMU off, with
 * x0 = context id = their initial SP; the word at SP is their struct cpu.
 * The MMU goes on before the first memory access, so every later access is
 * cacheable and coherent with what the boot CPU wrote.
 */
	.text
	.globl	secondary_entry
secondary_entry:
	mov	x19, x0
	adr_l	x1, el2_vectors
	msr	vbar_el2, x1
	adr_l	x0, mmu_regs
	bl	mmu_enable
	mov	sp, x19
	ldr	x0, [sp]
	msr	tpidr_el2, x0
	bl	arch_secondary_main
	b	park

/*
 * mmu_enable(const struct mmu_regs *r): {mair, tcr, ttbr, sctlr}. Uses no
 * stack and no memory but *r (which the boot CPU cleaned to PoC), so it can
 * run first thing on a CPU whose caches are off.
 */
	.globl	mmu_enable
mmu_enable:
	ldp	x1, x2, [x0]
	ldp	x3, x4, [x0, #16]
	msr	mair_el2, x1
	msr	tcr_el2, x2
	msr	ttbr0_el2, x3
	isb
	tlbi	alle2			/* nothing cached from before reset */
	dsb	nsh
	isb
	msr	sctlr_el2, x4
	isb
	ic	iallu
	dsb	nsh
	isb
	ret

	.bss
	.balign	16
boot_stack:
	.space	BOOT_STACK_SIZE
