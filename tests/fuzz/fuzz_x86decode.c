/*
 * libFuzzer target: arbitrary bytes as a guest's instruction
 * (hypervisor/arch/x86_64/decode.c), which the hypervisor decodes on a
 * nested page fault at an emulated device page. The first byte picks the
 * mode (16, 32, 64-bit); the rest, up to 15 bytes, is the instruction. No
 * input may crash the decoder or read past the bytes; an accepted one
 * must keep decode.h's promises (a length within the bytes and at most
 * 15, an access of 1, 2, 4 or 8 bytes, a register 0-15, a load's register
 * at least as wide as the access), which abort here when broken. The
 * rest of the input also builds page tables for the walk (x86_fetch_insn
 * on a fake RAM of the input's bytes), which must stay inside them.
 *
 * Built by tests/build.mk as build/fuzz/fuzz-x86decode; tests/fuzz/smoke.sh
 * runs it briefly on tests/fuzz/corpus-x86decode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

struct ram {
	const uint8_t *b;
	size_t size;
};

static bool ram_read(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	const struct ram *r = ctx;

	if (gpa >= r->size || n > r->size - gpa) {
		return false;
	}
	memcpy(buf, r->b + gpa, n);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1) {
		return 0;
	}
	enum x86_mode mode = (enum x86_mode)(data[0] % 3);
	size_t n = size - 1 > X86_INSN_MAX ? X86_INSN_MAX : size - 1;
	/* A copy of exactly @n bytes: ASan sees any read past them. */
	uint8_t *insn = malloc(n != 0 ? n : 1);
	struct x86_mmio m;

	memcpy(insn, data + 1, n);
	const char *why = x86_decode_mmio(insn, (unsigned)n, mode, &m);
	if (why == NULL) {
		if (m.len == 0 || m.len > n || m.len > X86_INSN_MAX ||
		    (m.size != 1 && m.size != 2 && m.size != 4 && m.size != 8) || m.reg > 15 ||
		    (m.high8 && (m.size != 1 || m.reg > 3)) || (!m.write && m.reg_size < m.size) ||
		    (m.has_imm && !m.write)) {
			abort();
		}
		uint64_t v = x86_mmio_store_value(&m, ~0ull);
		if (m.size < 8 && (v >> (8 * m.size)) != 0) {
			abort();
		}
	} else if (strlen(why) == 0) {
		abort();
	}
	free(insn);

	/* The walk: the whole input is guest RAM, its first bytes the
	 * paging state. */
	if (size >= 24) {
		uint8_t *copy = malloc(size);
		memcpy(copy, data, size);
		struct ram r = { copy, size };
		struct x86_paging p;
		uint64_t la;
		memcpy(&p.cr3, data, 8);
		memcpy(&la, data + 8, 8);
		p.cr0 = (data[16] & 1) ? 0x80000011 : 0x11;
		p.cr4 = ((data[16] & 2) ? 0x20 : 0) | ((data[16] & 16) ? 0x1000 : 0);
		p.efer = (data[16] & 4) ? 0xD00 : 0;
		p.cpl = (data[16] & 8) ? 3 : 0;
		p.cr3 %= size;
		uint8_t buf[X86_INSN_MAX];
		unsigned got;
		why = x86_fetch_insn(&p, la, ram_read, &r, buf, &got);
		if ((why == NULL && (got == 0 || got > X86_INSN_MAX)) ||
		    (why != NULL && (got != 0 || strlen(why) == 0))) {
			abort();
		}
		free(copy);
	}
	return 0;
}
