/*
 * The MMIO instruction decoder and the guest page walk it fetches through
 * (decode.h). Without decode assists an emulated device page's nested page
 * fault tells only the guest-physical address: svm.c fetches the guest's
 * instruction here and decodes the few forms a kernel uses for device
 * registers (SDM vol. 2: MOV, MOVZX; 2.1 instruction format, 2.2.1 REX,
 * table 2-1/2-2 ModRM and SIB). Anything else is refused by name, and the
 * caller stops the domain. Pure: the host unit tests (tests/unit/
 * test_x86decode.c) and the fuzzer (tests/fuzz/fuzz_x86decode.c) run it.
 */
#include <string.h>

#include "decode.h"

#define REX_W 8
#define REX_R 4

/* Bytes of ModRM, SIB and displacement from @b[@i] (the ModRM byte), with
 * addresses of @asz bytes; else why not. */
static const char *modrm_len(const uint8_t *b, unsigned n, unsigned i, unsigned asz, unsigned *len)
{
	unsigned mod = b[i] >> 6, rm = b[i] & 7, l = 1;

	if (mod == 3) {
		return "a register operand, not memory";
	}
	if (asz == 2) {
		/* 16-bit addressing (SDM vol. 2, table 2-1). */
		if (mod == 0 && rm == 6) {
			l += 2;
		} else {
			l += mod == 1 ? 1 : mod == 2 ? 2 : 0;
		}
		*len = l;
		return NULL;
	}
	/* 32- and 64-bit addressing (table 2-2, 2-3): SIB when rm is 4;
	 * disp32 alone (RIP-relative in 64-bit mode) when mod 0 and rm 5; a
	 * SIB base of 5 with mod 0 is a disp32 too. */
	if (rm == 4) {
		l++;
		if (i + 1 >= n) {
			*len = l; /* the caller finds it cut short */
			return NULL;
		}
		if (mod == 0 && (b[i + 1] & 7) == 5) {
			l += 4;
		}
	}
	if (mod == 0 && rm == 5) {
		l += 4;
	} else {
		l += mod == 1 ? 1 : mod == 2 ? 4 : 0;
	}
	*len = l;
	return NULL;
}

static uint64_t mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static uint64_t le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;

	for (unsigned k = 0; k < size; k++) {
		v |= (uint64_t)p[k] << (8 * k);
	}
	return v;
}

const char *x86_decode_mmio(const uint8_t *b, unsigned n, enum x86_mode mode, struct x86_mmio *m)
{
	bool opsize = false, adsize = false;
	unsigned rex = 0, i = 0;

	memset(m, 0, sizeof(*m));
	if (n > X86_INSN_MAX) {
		n = X86_INSN_MAX;
	}
	const char *cut = n == X86_INSN_MAX ? "longer than 15 bytes"
					    : "cut short: the rest could not be fetched";
	/* Legacy prefixes, then a REX right before the opcode: a REX
	 * followed by another prefix is ignored (SDM vol. 2, 2.2.1). */
	for (;; i++) {
		if (i >= n) {
			return cut;
		}
		uint8_t c = b[i];
		if (mode == X86_MODE_64 && (c & 0xF0) == 0x40) {
			rex = c;
			continue;
		}
		if (c == 0x66) {
			opsize = true;
		} else if (c == 0x67) {
			adsize = true;
		} else if (c == 0x26 || c == 0x2E || c == 0x36 || c == 0x3E || c == 0x64 ||
			   c == 0x65) {
			/* a segment override: the fault's address already has it */
		} else if (c == 0xF0) {
			return "a LOCK prefix";
		} else if (c == 0xF2 || c == 0xF3) {
			return "a REP prefix";
		} else {
			break;
		}
		rex = 0;
	}
	unsigned osz, asz;
	if (mode == X86_MODE_64) {
		osz = (rex & REX_W) ? 8 : opsize ? 2 : 4;
		asz = adsize ? 4 : 8;
	} else if (mode == X86_MODE_32) {
		osz = opsize ? 2 : 4;
		asz = adsize ? 2 : 4;
	} else {
		osz = opsize ? 4 : 2;
		asz = adsize ? 4 : 2;
	}

	uint8_t op = b[i++];
	bool twobyte = false;
	if (op == 0x0F) {
		if (i >= n) {
			return cut;
		}
		op = b[i++];
		twobyte = true;
		if (op != 0xB6 && op != 0xB7) {
			return "not a MOV or MOVZX with memory (two-byte opcode)";
		}
	} else if (op != 0x88 && op != 0x89 && op != 0x8A && op != 0x8B && op != 0xC6 &&
		   op != 0xC7 && (op < 0xA0 || op > 0xA3)) {
		return "not a MOV or MOVZX with memory";
	}

	if (!twobyte && op >= 0xA0 && op <= 0xA3) {
		/* MOV AL/rAX to or from moffs: an address-size offset. */
		if (i + asz > n) {
			return i + asz > X86_INSN_MAX ? "longer than 15 bytes" : cut;
		}
		m->len = (uint8_t)(i + asz);
		m->size = (uint8_t)((op & 1) ? osz : 1);
		m->reg_size = m->size;
		m->reg = 0;
		m->write = op >= 0xA2;
		return NULL;
	}

	if (i >= n) {
		return cut;
	}
	unsigned modrm = b[i], len;
	const char *why = modrm_len(b, n, i, asz, &len);
	if (why != NULL) {
		return why;
	}
	unsigned reg = ((modrm >> 3) & 7) | ((rex & REX_R) ? 8 : 0);
	unsigned imm = 0;
	if (!twobyte && (op == 0xC6 || op == 0xC7)) {
		if ((modrm >> 3) & 7) {
			return "not a MOV or MOVZX with memory (C6/C7 with reg not 0)";
		}
		imm = op == 0xC6 ? 1 : osz == 8 ? 4 : osz;
	}
	unsigned end = i + len + imm;
	if (end > n) {
		return end > X86_INSN_MAX ? "longer than 15 bytes" : cut;
	}
	m->len = (uint8_t)end;
	if (twobyte) {
		m->size = op == 0xB6 ? 1 : 2;
		m->reg_size = (uint8_t)osz;
		m->reg = (uint8_t)reg;
		return NULL;
	}
	unsigned size = (op & 1) ? osz : 1;
	m->size = (uint8_t)size;
	m->write = op == 0x88 || op == 0x89 || op == 0xC6 || op == 0xC7;
	if (imm != 0) {
		uint64_t v = le(b + i + len, imm);
		if (size == 8 && (v & 0x80000000u)) {
			v |= 0xFFFFFFFF00000000ull; /* imm32 sign-extended */
		}
		m->has_imm = true;
		m->imm = v & mask(size);
		return NULL;
	}
	m->reg_size = (uint8_t)size;
	/* Without any REX, byte registers 4-7 are AH, CH, DH, BH. */
	if (size == 1 && rex == 0 && reg >= 4) {
		m->high8 = true;
		reg -= 4;
	}
	m->reg = (uint8_t)reg;
	return NULL;
}

uint64_t x86_mmio_store_value(const struct x86_mmio *m, uint64_t reg)
{
	if (m->has_imm) {
		return m->imm & mask(m->size);
	}
	if (m->high8) {
		return (reg >> 8) & 0xFF;
	}
	return reg & mask(m->size);
}

uint64_t x86_mmio_load_result(const struct x86_mmio *m, uint64_t old, uint64_t val)
{
	val &= mask(m->size); /* MOVZX zero-extends */
	switch (m->reg_size) {
	case 1:
		if (m->high8) {
			return (old & ~0xFF00ull) | (val << 8);
		}
		return (old & ~0xFFull) | val;
	case 2:
		return (old & ~0xFFFFull) | val;
	case 4:
		return val & 0xFFFFFFFFull;
	default:
		return val;
	}
}

/* --- the page walk (AMD APM vol. 2, 5.3 long-mode paging, 5.6 protection) -- */

#define CR0_PG    (1ull << 31)
#define CR4_PAE   (1ull << 5)
#define CR4_LA57  (1ull << 12)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)
#define PTE_P     (1ull << 0)
#define PTE_US    (1ull << 2)
#define PTE_PS    (1ull << 7)
#define PTE_NX    (1ull << 63)
#define PTE_ADDR  0x000FFFFFFFFFF000ull
#define PAGE_4K   0x1000ull
#define ADDR_BITS 52

const char *x86_walk_fetch(const struct x86_paging *p, uint64_t la, x86_read_fn *read, void *ctx,
			   uint64_t *gpa)
{
	if (!(p->cr0 & CR0_PG)) {
		*gpa = la;
		return NULL;
	}
	if (!(p->efer & EFER_LMA) || !(p->cr4 & CR4_PAE)) {
		return "legacy (32-bit or PAE) paging is not walked";
	}
	/* 5-level paging (CR4.LA57: Linux uses it where the CPU has it, as
	 * QEMU's "max" does) adds a level above the PML4. */
	uint64_t table = p->cr3 & PTE_ADDR;
	for (int level = (p->cr4 & CR4_LA57) ? 4 : 3; level >= 0; level--) {
		unsigned shift = 12 + 9 * (unsigned)level;
		uint64_t e;
		if (!read(ctx, table + 8 * ((la >> shift) & 0x1FF), &e, sizeof(e))) {
			return "a page table is not in the domain's RAM";
		}
		if (!(e & PTE_P)) {
			return "the page is not present";
		}
		if (p->cpl == 3 && !(e & PTE_US)) {
			return "a supervisor page fetched at CPL 3";
		}
		if ((p->efer & EFER_NXE) && (e & PTE_NX)) {
			return "the page is no-execute";
		}
		bool leaf = level == 0 || ((level == 1 || level == 2) && (e & PTE_PS));
		if (leaf) {
			uint64_t size = 1ull << shift;
			*gpa = ((e & PTE_ADDR) & ~(size - 1)) | (la & (size - 1));
			*gpa &= (1ull << ADDR_BITS) - 1;
			return NULL;
		}
		table = e & PTE_ADDR;
	}
	return "the page is not present"; /* not reached: level 0 is a leaf */
}

const char *x86_fetch_insn(const struct x86_paging *p, uint64_t la, x86_read_fn *read, void *ctx,
			   uint8_t buf[X86_INSN_MAX], unsigned *n)
{
	uint64_t gpa;
	const char *why = x86_walk_fetch(p, la, read, ctx, &gpa);

	*n = 0;
	if (why != NULL) {
		return why;
	}
	unsigned first = (unsigned)(PAGE_4K - (la & (PAGE_4K - 1)));
	if (first > X86_INSN_MAX) {
		first = X86_INSN_MAX;
	}
	if (!read(ctx, gpa, buf, first)) {
		return "the instruction is not in the domain's RAM";
	}
	*n = first;
	/* The rest is on the next page: fetched if it is there; the decoder
	 * says whether the instruction needed it. */
	if (first < X86_INSN_MAX && x86_walk_fetch(p, la + first, read, ctx, &gpa) == NULL &&
	    read(ctx, gpa, buf + first, X86_INSN_MAX - first)) {
		*n = X86_INSN_MAX;
	}
	return NULL;
}
