/*
 * The MMIO instruction decoder (decode.c): what a guest's access to an
 * emulated device page was, from its instruction bytes, since QEMU's SVM
 * has neither decode assists nor NRIP save (APM vol. 2, 15.33 and 15.7.1:
 * a nested page fault gives only the guest-physical address).
 */
#ifndef X86_DECODE_H
#define X86_DECODE_H

#include <stdbool.h>
#include <stdint.h>

/* The longest x86 instruction (SDM vol. 2, 2.3.11; APM vol. 3, 1.1). */
#define X86_INSN_MAX 15

/* The code segment's default size: CS.L (64), else CS.D (32 or 16). */
enum x86_mode { X86_MODE_16, X86_MODE_32, X86_MODE_64 };

/* An accepted memory access: a MOV between memory and a register or an
 * immediate, or a MOVZX load. */
struct x86_mmio {
	uint8_t len;      /* bytes of the instruction: RIP advances by this */
	uint8_t size;     /* bytes read or written in memory: 1, 2, 4 or 8 */
	uint8_t reg_size; /* a load: bytes of the register written (MOVZX: wider) */
	uint8_t reg;      /* the register: 0 RAX, 1 RCX, ... 15 R15 */
	bool high8;       /* the register is AH, CH, DH or BH (no REX, 8 bits) */
	bool write;       /* memory is written (a store) */
	bool has_imm;     /* a store of @imm, not of the register */
	uint64_t imm;     /* the immediate, @size bytes wide */
};

/* Decode the @n bytes at @b (@n at most X86_INSN_MAX; fewer when the rest
 * could not be fetched) run in @mode. NULL and @m filled when the
 * instruction is one of: MOV 88/89/8A/8B and C6/C7 /0 with a memory
 * operand, MOVZX 0F B6/B7 with a memory operand, MOV A0-A3 (moffs); with
 * the prefixes 66, 67, segment overrides and REX. Else why not (a static
 * string): any other opcode, LOCK or REP, a register operand, an
 * instruction longer than 15 bytes or than the @n bytes. Pure: the bytes
 * are the guest's. */
const char *x86_decode_mmio(const uint8_t *b, unsigned n, enum x86_mode mode, struct x86_mmio *m);

/* What a store writes: the immediate, or the low @m->size bytes of the
 * register whose value is @reg (bits 8-15 of it for AH..BH). */
uint64_t x86_mmio_store_value(const struct x86_mmio *m, uint64_t reg);

/* The register's value after a load of @val (@m->size bytes) into it,
 * @old its value before: an 8- or 16-bit register keeps its other bits, a
 * 32-bit one is zero-extended to 64 (SDM vol. 1, 3.4.1.1). */
uint64_t x86_mmio_load_result(const struct x86_mmio *m, uint64_t old, uint64_t val);

/* The paging state of the vCPU whose instruction is fetched. */
struct x86_paging {
	uint64_t cr0, cr3, cr4, efer;
	unsigned cpl;
};

/* Reads @n bytes of guest-physical memory at @gpa into @buf; false when
 * that is not RAM. */
typedef bool x86_read_fn(void *ctx, uint64_t gpa, void *buf, unsigned n);

/* The guest-physical address of the instruction byte at linear address
 * @la, through the vCPU's page tables: none with CR0.PG clear, 4-level
 * (or with CR4.LA57 5-level) paging with EFER.LMA (AMD APM vol. 2, 5.3),
 * each level present, user pages at CPL 3, not no-execute (EFER.NXE).
 * Legacy 32-bit and PAE paging are refused. NULL and *@gpa set, else why
 * not. */
const char *x86_walk_fetch(const struct x86_paging *p, uint64_t la, x86_read_fn *read, void *ctx,
			   uint64_t *gpa);

/* Fetch up to X86_INSN_MAX bytes at @la into @buf (across a page boundary,
 * each page through x86_walk_fetch); *@n the bytes fetched. NULL when at
 * least one byte was, else why not. */
const char *x86_fetch_insn(const struct x86_paging *p, uint64_t la, x86_read_fn *read, void *ctx,
			   uint8_t buf[X86_INSN_MAX], unsigned *n);

#endif /* X86_DECODE_H */
