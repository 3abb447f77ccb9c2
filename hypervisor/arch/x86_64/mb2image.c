/*
 * The x86 guest image format (docs/architecture.md, x86-64): a Multiboot2
 * header (Multiboot2 spec 3.1) in the first 32 KiB, 8-byte aligned, whose
 * address tag (3.1.5) and entry tag (3.1.6) say where the image loads and
 * that it is entered at its first byte. The image comes from an LCM module:
 * untrusted bytes, so every field is checked before use (and fuzzed:
 * tests/fuzz/fuzz_mb2image.c). Pure code, no hypervisor state.
 */
#include <string.h>

#include "mb2image.h"

#define MB2_MAGIC     0xE85250D6u
#define MB2_SEARCH    32768
#define MB2_TAG_END   0
#define MB2_TAG_ADDR  2
#define MB2_TAG_ENTRY 3
#define PAGE          4096u

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* The header's offset, or -1: magic, architecture 0 (i386), a length
 * inside the file, and the checksum that makes the four fields sum to 0. */
static long find_header(const uint8_t *img, uint64_t size)
{
	for (uint64_t off = 0; off + 16 <= size && off < MB2_SEARCH; off += 8) {
		const uint8_t *h = img + off;
		uint32_t len = rd32(h + 8);
		if (rd32(h) == MB2_MAGIC && rd32(h + 4) == 0 && len >= 16 && len <= size - off &&
		    (uint32_t)(rd32(h) + rd32(h + 4) + len + rd32(h + 12)) == 0) {
			return (long)off;
		}
	}
	return -1;
}

const char *mb2_image_probe(const void *img, uint64_t size, uint64_t *load, uint64_t *image_size)
{
	const uint8_t *p = img;
	long off = find_header(p, size);
	uint32_t header = 0, start = 0, load_end = 0, bss_end = 0, entry = 0;
	bool has_addr = false, has_entry = false;

	if (off < 0) {
		return "not an x86 guest image (no Multiboot2 header in its first 32 KiB)";
	}
	const uint8_t *h = p + off;
	uint32_t len = rd32(h + 8);
	for (uint32_t t = 16; t + 8 <= len;) {
		uint16_t type;
		uint32_t tsize = rd32(h + t + 4);
		memcpy(&type, h + t, 2);
		if (type == MB2_TAG_END || tsize < 8 || tsize > len - t) {
			break;
		}
		if (type == MB2_TAG_ADDR && tsize >= 24) {
			header = rd32(h + t + 8);
			start = rd32(h + t + 12);
			load_end = rd32(h + t + 16);
			bss_end = rd32(h + t + 20);
			has_addr = true;
		} else if (type == MB2_TAG_ENTRY && tsize >= 12) {
			entry = rd32(h + t + 8);
			has_entry = true;
		}
		uint32_t step = (tsize + 7) & ~7u;
		if (step > len - t) {
			break;
		}
		t += step;
	}
	if (!has_addr || !has_entry) {
		return "its Multiboot2 header has no address or no entry tag";
	}
	if (header < start || header - start != (uint64_t)off || entry != start ||
	    start % PAGE != 0) {
		return "its Multiboot2 address tags do not describe a page-aligned image entered at its first byte";
	}
	if ((load_end != 0 && (load_end < start || load_end - start > size)) ||
	    (bss_end != 0 && bss_end < (load_end != 0 ? load_end : start + size))) {
		return "its Multiboot2 load and BSS ends do not match the file";
	}
	*load = start;
	/* The builder copies the whole file: never less than that. */
	uint64_t need = bss_end != 0 ? (uint64_t)bss_end - start : 0;
	*image_size = need > size ? need : size;
	return NULL;
}
