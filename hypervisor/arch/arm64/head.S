/*
 * Entry of hyperlaunch.bin: the Linux arm64 Image header (so that QEMU's
 * -kernel and U-Boot's booti load it; Documentation/arm64/booting.rst),
 * self-relocation, BSS, the boot stack, then C. Also the secondary CPU entry
 * (PSCI CPU_ON lands there) and the MMU switch both kinds of CPU use.
 */
#include <arm64/image.h>

#define BOOT_STACK_SIZE    (16 * 1024)

	.section .text.head, "ax"
	.globl	_start
_start:
	image_header primary_entry

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
	apply_relocations x20, park
	clear_bss

	adr_l	x1, boot_stack
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
