/*
 * A device-tree property rewrite without libfdt (see dtpatch.h for why).
 * The FDT format (Devicetree Specification, chapter 5): a header of
 * big-endian words, the structure block of tokens (BEGIN_NODE name, PROP
 * len nameoff value, END_NODE, NOP, END), then the strings block. The
 * structure block is grown or shrunk in place and everything after it
 * moved; a new property name is appended to the strings block.
 */
#include <string.h>

#include "core/dtpatch.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP        4u
#define FDT_END        9u

/* Header word offsets. */
enum {
	H_MAGIC,
	H_TOTAL,
	H_OFF_STRUCT,
	H_OFF_STRINGS,
	H_OFF_RSVMAP,
	H_VERSION,
	H_LAST_COMP,
	H_BOOT_CPU,
	H_SIZE_STRINGS,
	H_SIZE_STRUCT
};

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void put_be32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static uint32_t hdr(const uint8_t *f, unsigned w)
{
	return be32(f + 4 * w);
}

static void set_hdr(uint8_t *f, unsigned w, uint32_t v)
{
	put_be32(f + 4 * w, v);
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

long dt_set_string(void *fdt, size_t room, const char *node, const char *prop, const char *val,
		   size_t len)
{
	uint8_t *f = fdt;

	if (room < 40 || hdr(f, H_MAGIC) != FDT_MAGIC) {
		return -1;
	}
	size_t total = hdr(f, H_TOTAL), off_struct = hdr(f, H_OFF_STRUCT);
	size_t off_strings = hdr(f, H_OFF_STRINGS), size_strings = hdr(f, H_SIZE_STRINGS);
	size_t size_struct = hdr(f, H_SIZE_STRUCT);
	/* The layout this code moves things in: structure, then strings, last. */
	if (total > room || off_struct + size_struct > off_strings ||
	    off_strings + size_strings > total) {
		return -1;
	}
	const char *strings = (const char *)f + off_strings;
	size_t p = off_struct, end = off_struct + size_struct;
	int depth = 0;
	size_t node_body = 0; /* where @node's properties start */
	size_t found = 0, found_len = 0;

	while (p + 4 <= end) {
		uint32_t tok = be32(f + p);
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)f + p + 4;
			size_t n = strnlen(name, end - p - 4);
			depth++;
			p = p + 4 + align4(n + 1);
			if (depth == 2 && n == strlen(node) && memcmp(name, node, n) == 0) {
				node_body = p;
			}
		} else if (tok == FDT_END_NODE) {
			if (depth == 2 && node_body != 0) {
				break;
			}
			depth--;
			p += 4;
		} else if (tok == FDT_PROP) {
			if (p + 12 > end) {
				return -1;
			}
			size_t plen = be32(f + p + 4), nameoff = be32(f + p + 8);
			if (depth == 2 && node_body != 0 && nameoff < size_strings &&
			    strncmp(strings + nameoff, prop, size_strings - nameoff) == 0) {
				found = p;
				found_len = plen;
				break;
			}
			p += 12 + align4(plen);
		} else if (tok == FDT_NOP) {
			p += 4;
		} else {
			break;
		}
	}
	if (node_body == 0) {
		return -1;
	}
	size_t nameoff = 0;
	size_t add_strings = 0;
	size_t at, old_bytes;
	if (found != 0) {
		at = found;
		old_bytes = 12 + align4(found_len);
		nameoff = be32(f + found + 8);
	} else {
		at = node_body;
		old_bytes = 0;
		nameoff = size_strings;
		add_strings = strlen(prop) + 1;
	}
	size_t new_bytes = 12 + align4(len + 1);
	size_t new_total = total - old_bytes + new_bytes + add_strings;
	if (new_total > room) {
		return -1;
	}
	/* Move the rest of the structure block and the strings block. */
	memmove(f + at + new_bytes, f + at + old_bytes, total - at - old_bytes);
	put_be32(f + at, FDT_PROP);
	put_be32(f + at + 4, (uint32_t)(len + 1));
	put_be32(f + at + 8, (uint32_t)nameoff);
	memset(f + at + 12, 0, align4(len + 1));
	memcpy(f + at + 12, val, len);
	size_t delta_strings = off_strings - old_bytes + new_bytes;
	if (add_strings != 0) {
		memcpy(f + delta_strings + size_strings, prop, add_strings);
	}
	set_hdr(f, H_SIZE_STRUCT, (uint32_t)(size_struct - old_bytes + new_bytes));
	set_hdr(f, H_OFF_STRINGS, (uint32_t)delta_strings);
	set_hdr(f, H_SIZE_STRINGS, (uint32_t)(size_strings + add_strings));
	set_hdr(f, H_TOTAL, (uint32_t)new_total);
	return (long)new_total;
}
