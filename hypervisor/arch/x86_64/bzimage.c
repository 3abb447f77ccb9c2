/*
 * The bzImage format of Linux (Documentation/arch/x86/boot.rst): a
 * real-mode setup part of (setup_sects + 1) sectors, then the
 * protected-mode kernel, which a 64-bit loader enters at its start plus
 * 0x200 in long mode. Only that entry is used (docs/x86-linux.md). The
 * image comes from an LCM module: every field is checked before use
 * (fuzzed: tests/fuzz/fuzz_bzimage.c). Pure code, no hypervisor state.
 */
#include <string.h>

#include "bzimage.h"

#define HDRS_MAGIC      0x53726448u /* "HdrS" at 0x202 */
#define OFF_SETUP_SECTS 0x1F1
#define OFF_BOOT_FLAG   0x1FE
#define OFF_HEADER      0x202
#define OFF_VERSION     0x206
#define OFF_LOADFLAGS   0x211
#define OFF_ALIGN       0x230
#define OFF_RELOC       0x234
#define OFF_XLOADFLAGS  0x236
#define OFF_CMDLINE_MAX 0x238
#define OFF_INIT_SIZE   0x260
#define LOADED_HIGH     0x01
#define XLF_KERNEL_64   0x01
#define MIN_VERSION     0x020C /* 2.12: xloadflags */

static uint32_t rd(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;
	memcpy(&v, p, n);
	return v;
}

const char *bzimage_header(const uint8_t *p, struct bzimage *bz)
{
	if (rd(p + OFF_HEADER, 4) != HDRS_MAGIC || rd(p + OFF_BOOT_FLAG, 2) != 0xAA55) {
		return "not a bzImage (no HdrS setup header)";
	}
	if (rd(p + OFF_VERSION, 2) < MIN_VERSION || !(rd(p + OFF_XLOADFLAGS, 2) & XLF_KERNEL_64) ||
	    !(rd(p + OFF_LOADFLAGS, 1) & LOADED_HIGH)) {
		return "a bzImage without the 64-bit entry (boot protocol 2.12, XLF_KERNEL_64)";
	}
	uint32_t sects = rd(p + OFF_SETUP_SECTS, 1);
	uint64_t setup = ((uint64_t)(sects == 0 ? 4 : sects) + 1) * 512;
	uint32_t align = rd(p + OFF_ALIGN, 4);
	if (setup > BZ_PM_ADDR - 4096 || align == 0 || (align & (align - 1)) ||
	    BZ_PM_ADDR % align != 0 || !rd(p + OFF_RELOC, 1)) {
		return "a bzImage whose setup size or kernel alignment does not fit a load at 16 MiB";
	}
	bz->setup_size = setup;
	bz->load_offset = BZ_PM_ADDR - ((setup + 4095) & ~4095ull);
	bz->init_size = rd(p + OFF_INIT_SIZE, 4);
	bz->cmdline_max = rd(p + OFF_CMDLINE_MAX, 4);
	return NULL;
}

const char *bzimage_probe(const void *img, uint64_t size, struct bzimage *bz)
{
	if (size < BZ_HDR_END) {
		return "not a bzImage (no HdrS setup header)";
	}
	const char *bad = bzimage_header(img, bz);
	if (bad != NULL) {
		return bad;
	}
	if (bz->setup_size >= size) {
		return "a bzImage whose setup part is the whole file";
	}
	/* The page-rounded setup part is what lies below 16 MiB; then the
	 * rest of the file or init_size, whichever is larger. */
	uint64_t pm = size - bz->setup_size;
	bz->image_size = (BZ_PM_ADDR - bz->load_offset) + (bz->init_size > pm ? bz->init_size : pm);
	return NULL;
}
