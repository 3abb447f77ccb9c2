/*
 * Assembler macros for an arm64 Image linked as a static PIE at 0: the
 * 64-byte Image header (Documentation/arm64/booting.rst) and the start-up
 * steps that must run before any C: applying the RELATIVE relocations for
 * the load address and clearing BSS. Shared by the hypervisor (head.S) and
 * the bare-metal guests (guests/lib/start.S), which boot the same way.
 * The linker script provides __image_size, __rela_start/__rela_end and
 * __bss_start/__bss_end.
 */
#ifndef HL_ARM64_IMAGE_H
#define HL_ARM64_IMAGE_H

#define R_AARCH64_NONE     0
#define R_AARCH64_RELATIVE 1027

/* PC-relative address of a symbol: valid before relocation and at any
 * load address. */
.macro adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm

/* The header; code0 branches to @entry. text_offset 0 (loaders put us at a
 * 2 MiB aligned base + 0), image_size covers BSS, flags: little-endian,
 * 4 KiB pages, anywhere in RAM. */
.macro image_header entry
	b	\entry			/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	__image_size		/* image_size, BSS included */
	.quad	0xa			/* flags */
	.quad	0, 0, 0			/* res2-res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5: no PE header */
.endm

/*
 * Apply Elf64_Rela {offset, info, addend} for load address \base (the
 * image is linked at 0): *(base + offset) = base + addend. Only RELATIVE
 * entries can be applied this early (the build checks), besides the NONE
 * entries ld leaves where it reserved more than it used; anything else
 * branches to \bad. Clobbers x1-x5.
 */
.macro apply_relocations base, bad
	adr_l	x1, __rela_start
	adr_l	x2, __rela_end
8001:	cmp	x1, x2
	b.hs	8002f
	ldp	x3, x4, [x1], #16
	ldr	x5, [x1], #8
	cbz	x4, 8001b		/* R_AARCH64_NONE */
	cmp	x4, #R_AARCH64_RELATIVE
	b.ne	\bad
	add	x5, x5, \base
	str	x5, [\base, x3]
	b	8001b
8002:
.endm

/* Zero [__bss_start, __bss_end) (16-byte aligned). Clobbers x1, x2. */
.macro clear_bss
	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
8003:	cmp	x1, x2
	b.hs	8004f
	stp	xzr, xzr, [x1], #16
	b	8003b
8004:
.endm

#endif /* HL_ARM64_IMAGE_H */
