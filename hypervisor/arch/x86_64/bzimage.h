/*
 * Linux's bzImage (bzimage.c).
 */
#ifndef X86_BZIMAGE_H
#define X86_BZIMAGE_H

#include <stdint.h>

/* Where a bzImage sits in guest RAM: the file is copied whole at
 * BZ_LOAD_OFFSET, so that its protected-mode part starts at the 16 MiB
 * Linux prefers (its pref_address, 2 MiB aligned). */
#define BZ_PM_ADDR 0x1000000ull

struct bzimage {
	uint64_t setup_size;  /* bytes before the protected-mode part */
	uint64_t load_offset; /* where the file goes: BZ_PM_ADDR - setup_size */
	uint64_t image_size;  /* bytes needed from there (file, init_size) */
	uint32_t init_size;   /* what the kernel needs from its 2 MiB-aligned start */
	uint32_t cmdline_max; /* longest command line, without its NUL */
};

/* The setup header's bytes: 0x1F1 up to this offset are copied into the
 * zero page (Linux Documentation/arch/x86/boot.rst, "The real-mode kernel
 * header"). */
#define BZ_HDR_START 0x1F1
#define BZ_HDR_END   0x268

/* Check the setup header (the first BZ_HDR_END bytes at @hdr) and fill
 * @bz but its image_size; else why not. */
const char *bzimage_header(const uint8_t *hdr, struct bzimage *bz);

/* Check that @img (@size bytes) is a bzImage with the 64-bit entry
 * (boot protocol 2.12 or later, XLF_KERNEL_64) and fill @bz; else why not
 * (a static string). Pure: the bytes are untrusted. */
const char *bzimage_probe(const void *img, uint64_t size, struct bzimage *bz);

#endif /* X86_BZIMAGE_H */
