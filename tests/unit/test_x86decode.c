/*
 * The x86 MMIO instruction decoder and guest page walk
 * (hypervisor/arch/x86_64/decode.c), compiled into this test: the
 * encodings below were checked against GNU as (objdump -d of the same
 * mnemonics); the walk runs on page tables built in a fake guest RAM.
 */
#include <stdint.h>
#include <string.h>

#include "lcm_test.h"

#include "../../hypervisor/arch/x86_64/decode.c"

struct want {
	const char *what;
	enum x86_mode mode;
	uint8_t bytes[X86_INSN_MAX];
	unsigned n;
	unsigned len, size, reg_size, reg;
	bool high8, write, has_imm;
	uint64_t imm;
};

static const struct want accepted[] = {
	{ "mov (%rax),%eax", X86_MODE_64, { 0x8b, 0x00 }, 2, 2, 4, 4, 0, false, false, false, 0 },
	{ "movl $0x12345678,0xffffffffff5fd0b0",
	  X86_MODE_64,
	  { 0xc7, 0x04, 0x25, 0xb0, 0xd0, 0x5f, 0xff, 0x78, 0x56, 0x34, 0x12 },
	  11,
	  11,
	  4,
	  0,
	  0,
	  false,
	  true,
	  true,
	  0x12345678 },
	{ "mov %r9d,0x300(%rbx)",
	  X86_MODE_64,
	  { 0x44, 0x89, 0x8b, 0x00, 0x03, 0x00, 0x00 },
	  7,
	  7,
	  4,
	  4,
	  9,
	  false,
	  true,
	  false,
	  0 },
	{ "mov 0x20(%rip),%eax",
	  X86_MODE_64,
	  { 0x8b, 0x05, 0x20, 0x00, 0x00, 0x00 },
	  6,
	  6,
	  4,
	  4,
	  0,
	  false,
	  false,
	  false,
	  0 },
	{ "movq $-1,(%rdi)",
	  X86_MODE_64,
	  { 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff },
	  7,
	  7,
	  8,
	  0,
	  0,
	  false,
	  true,
	  true,
	  ~0ull },
	{ "mov %ah,(%rbx)", X86_MODE_64, { 0x88, 0x23 }, 2, 2, 1, 1, 0, true, true, false, 0 },
	{ "mov %spl,(%rbx)",
	  X86_MODE_64,
	  { 0x40, 0x88, 0x23 },
	  3,
	  3,
	  1,
	  1,
	  4,
	  false,
	  true,
	  false,
	  0 },
	{ "movzbl (%rsi),%ecx",
	  X86_MODE_64,
	  { 0x0f, 0xb6, 0x0e },
	  3,
	  3,
	  1,
	  4,
	  1,
	  false,
	  false,
	  false,
	  0 },
	{ "movzwq 0x4(%rsi,%rdx,8),%r10",
	  X86_MODE_64,
	  { 0x4c, 0x0f, 0xb7, 0x54, 0xd6, 0x04 },
	  6,
	  6,
	  2,
	  8,
	  10,
	  false,
	  false,
	  false,
	  0 },
	{ "movabs 0xfee00020,%eax",
	  X86_MODE_64,
	  { 0xa1, 0x20, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00 },
	  9,
	  9,
	  4,
	  4,
	  0,
	  false,
	  false,
	  false,
	  0 },
	{ "addr32 mov 0xfee00020,%eax",
	  X86_MODE_64,
	  { 0x67, 0xa1, 0x20, 0x00, 0xe0, 0xfe },
	  6,
	  6,
	  4,
	  4,
	  0,
	  false,
	  false,
	  false,
	  0 },
	{ "mov %ax,(%rdx)",
	  X86_MODE_64,
	  { 0x66, 0x89, 0x02 },
	  3,
	  3,
	  2,
	  2,
	  0,
	  false,
	  true,
	  false,
	  0 },
	{ "mov 0x7ee00000(,%rax,4),%eax",
	  X86_MODE_64,
	  { 0x8b, 0x04, 0x85, 0x00, 0x00, 0xe0, 0x7e },
	  7,
	  7,
	  4,
	  4,
	  0,
	  false,
	  false,
	  false,
	  0 },
	{ "mov %gs:0x10,%rax",
	  X86_MODE_64,
	  { 0x65, 0x48, 0x8b, 0x04, 0x25, 0x10, 0x00, 0x00, 0x00 },
	  9,
	  9,
	  8,
	  8,
	  0,
	  false,
	  false,
	  false,
	  0 },
	{ "movb $0x7f,-0x8(%rbp)",
	  X86_MODE_64,
	  { 0xc6, 0x45, 0xf8, 0x7f },
	  4,
	  4,
	  1,
	  0,
	  0,
	  false,
	  true,
	  true,
	  0x7f },
	/* A REX followed by a legacy prefix is ignored: a 16-bit store. */
	{ "rex.W data16 mov %ax,(%rbx)",
	  X86_MODE_64,
	  { 0x48, 0x66, 0x89, 0x03 },
	  4,
	  4,
	  2,
	  2,
	  0,
	  false,
	  true,
	  false,
	  0 },
	/* Bytes after the instruction (a full 15-byte fetch) are not its. */
	{ "mov (%rax),%eax + trailing bytes",
	  X86_MODE_64,
	  { 0x8b, 0x00, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
	    0x90 },
	  15,
	  2,
	  4,
	  4,
	  0,
	  false,
	  false,
	  false,
	  0 },
	{ "32-bit movl $5,0xfee00080",
	  X86_MODE_32,
	  { 0xc7, 0x05, 0x80, 0x00, 0xe0, 0xfe, 0x05, 0x00, 0x00, 0x00 },
	  10,
	  10,
	  4,
	  0,
	  0,
	  false,
	  true,
	  true,
	  5 },
	{ "32-bit mov 0xfee00020,%eax",
	  X86_MODE_32,
	  { 0xa1, 0x20, 0x00, 0xe0, 0xfe },
	  5,
	  5,
	  4,
	  4,
	  0,
	  false,
	  false,
	  false,
	  0 },
	{ "16-bit mov (%bx),%ax",
	  X86_MODE_16,
	  { 0x8b, 0x07 },
	  2,
	  2,
	  2,
	  2,
	  0,
	  false,
	  false,
	  false,
	  0 },
	{ "16-bit mov 0x1234,%eax",
	  X86_MODE_16,
	  { 0x66, 0xa1, 0x34, 0x12 },
	  4,
	  4,
	  4,
	  4,
	  0,
	  false,
	  false,
	  false,
	  0 },
	{ "16-bit movw $0x55aa,2(%bp,%si)",
	  X86_MODE_16,
	  { 0xc7, 0x42, 0x02, 0xaa, 0x55 },
	  5,
	  5,
	  2,
	  0,
	  0,
	  false,
	  true,
	  true,
	  0x55aa },
};

static void decodes_the_mov_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		const struct want *w = &accepted[i];
		struct x86_mmio m;
		const char *why = x86_decode_mmio(w->bytes, w->n, w->mode, &m);
		if (why != NULL || m.len != w->len || m.size != w->size ||
		    (!w->has_imm && (m.reg_size != w->reg_size || m.reg != w->reg)) ||
		    m.high8 != w->high8 || m.write != w->write || m.has_imm != w->has_imm ||
		    m.imm != w->imm) {
			print_error("%s: %s; len %u size %u reg_size %u reg %u high8 %d write %d "
				    "imm %d 0x%llx\n",
				    w->what, why ? why : "accepted", m.len, m.size, m.reg_size,
				    m.reg, m.high8, m.write, m.has_imm, (unsigned long long)m.imm);
			fail();
		}
	}
}

struct refused {
	const char *what;
	uint8_t bytes[X86_INSN_MAX];
	unsigned n;
	const char *why;
};

static const struct refused refused[] = {
	{ "add %eax,(%rbx)", { 0x01, 0x03 }, 2, "not a MOV or MOVZX with memory" },
	{ "movups (%rax),%xmm0",
	  { 0x0f, 0x10, 0x00 },
	  3,
	  "not a MOV or MOVZX with memory (two-byte opcode)" },
	{ "lock mov", { 0xf0, 0x89, 0x03 }, 3, "a LOCK prefix" },
	{ "rep mov", { 0xf3, 0x89, 0x03 }, 3, "a REP prefix" },
	{ "mov %eax,%eax", { 0x89, 0xc0 }, 2, "a register operand, not memory" },
	{ "c7 /1",
	  { 0xc7, 0x08, 0, 0, 0, 0 },
	  6,
	  "not a MOV or MOVZX with memory (C6/C7 with reg not 0)" },
	{ "disp32 cut short", { 0x8b, 0x80, 0x00 }, 3, "cut short: the rest could not be fetched" },
	{ "SIB cut short", { 0x8b, 0x04 }, 2, "cut short: the rest could not be fetched" },
	{ "prefixes only", { 0x66, 0x66 }, 2, "cut short: the rest could not be fetched" },
	{ "nothing", { 0 }, 0, "cut short: the rest could not be fetched" },
	{ "15 prefixes",
	  { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66 },
	  15,
	  "longer than 15 bytes" },
	{ "16 bytes with the immediate",
	  { 0x66, 0x66, 0x66, 0x66, 0x66, 0x48, 0xc7, 0x84, 0x80, 0, 0, 0, 0, 1, 0 },
	  15,
	  "longer than 15 bytes" },
};

static void refuses_everything_else(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const struct refused *r = &refused[i];
		struct x86_mmio m;
		const char *why = x86_decode_mmio(r->bytes, r->n, X86_MODE_64, &m);
		if (why == NULL || strcmp(why, r->why) != 0) {
			print_error("%s: \"%s\", want \"%s\"\n", r->what, why ? why : "accepted",
				    r->why);
			fail();
		}
	}
}

static void load_and_store_values(void **state)
{
	struct x86_mmio m = { .size = 4, .reg_size = 4 };
	(void)state;

	/* A 32-bit load zero-extends; 8 and 16 bits keep the rest. */
	assert_int_equal(x86_mmio_load_result(&m, ~0ull, 0x12345678), 0x12345678);
	m.size = m.reg_size = 2;
	assert_int_equal(x86_mmio_load_result(&m, 0x1111222233334444ull, 0xABCD),
			 0x111122223333ABCDull);
	m.size = m.reg_size = 1;
	assert_int_equal(x86_mmio_load_result(&m, 0x4444, 0x1FF), 0x44FF);
	m.high8 = true;
	assert_int_equal(x86_mmio_load_result(&m, 0x4444, 0x1FF), 0xFF44);
	assert_int_equal(x86_mmio_store_value(&m, 0xABCD), 0xAB);
	/* MOVZX: a byte into a 64-bit register. */
	m.high8 = false;
	m.reg_size = 8;
	assert_int_equal(x86_mmio_load_result(&m, ~0ull, 0xFFFFFF80), 0x80);
	m.size = 2;
	assert_int_equal(x86_mmio_store_value(&m, 0x12345678), 0x5678);
	m.has_imm = true;
	m.imm = 0x55AA;
	assert_int_equal(x86_mmio_store_value(&m, 0x12345678), 0x55AA);
}

/* --- the walk ----------------------------------------------------------------- */

#define RAM_SIZE 0x20000u
static uint8_t ram[RAM_SIZE];

static bool ram_read(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	(void)ctx;
	if (gpa >= RAM_SIZE || n > RAM_SIZE - gpa) {
		return false;
	}
	memcpy(buf, ram + gpa, n);
	return true;
}

static void pte(uint64_t table, unsigned index, uint64_t e)
{
	memcpy(ram + table + 8 * index, &e, 8);
}

/* CR3 0x1000 -> PDPT 0x2000 -> PD 0x3000 -> PT 0x4000: linear 0x5000 is
 * 0x8000, 0x6000 is 0xA000 (present only when @second); PD[1] a 2 MiB page
 * at 0x400000 (the walk's result only, not in the fake RAM). */
static struct x86_paging tables(bool second, uint64_t user)
{
	memset(ram, 0, sizeof(ram));
	pte(0x1000, 0, 0x2000 | 3 | user);
	pte(0x2000, 0, 0x3000 | 3 | user);
	pte(0x3000, 0, 0x4000 | 3 | user);
	pte(0x3000, 1, 0x400000 | 0x83 | user);
	pte(0x4000, 5, 0x8000 | 3 | user);
	if (second) {
		pte(0x4000, 6, 0xA000 | 3 | user);
	}
	struct x86_paging p = {
		.cr0 = 0x80000011, .cr3 = 0x1000, .cr4 = 0x20, .efer = 0xD00, .cpl = 0
	};
	return p;
}

static void walks_and_fetches(void **state)
{
	struct x86_paging p = tables(false, 0);
	uint64_t gpa;
	uint8_t buf[X86_INSN_MAX];
	unsigned n;
	(void)state;

	assert_null(x86_walk_fetch(&p, 0x5123, ram_read, NULL, &gpa));
	assert_int_equal(gpa, 0x8123);
	assert_null(x86_walk_fetch(&p, 0x212345, ram_read, NULL, &gpa));
	assert_int_equal(gpa, 0x412345);
	assert_string_equal(x86_walk_fetch(&p, 0x6000, ram_read, NULL, &gpa),
			    "the page is not present");
	/* Across the page boundary: only the first page's bytes when the next
	 * page is absent, all 15 when it is there. */
	ram[0x8FF8] = 0x8b;
	ram[0xA000] = 0x42;
	assert_null(x86_fetch_insn(&p, 0x5FF8, ram_read, NULL, buf, &n));
	assert_int_equal(n, 8);
	assert_int_equal(buf[0], 0x8b);
	p = tables(true, 0);
	ram[0x8FF8] = 0x8b;
	ram[0xA000] = 0x42;
	assert_null(x86_fetch_insn(&p, 0x5FF8, ram_read, NULL, buf, &n));
	assert_int_equal(n, 15);
	assert_int_equal(buf[8], 0x42);
	/* CPL 3 needs U/S at every level; NX with EFER.NXE. */
	p.cpl = 3;
	assert_string_equal(x86_walk_fetch(&p, 0x5000, ram_read, NULL, &gpa),
			    "a supervisor page fetched at CPL 3");
	p = tables(true, 4);
	p.cpl = 3;
	assert_null(x86_walk_fetch(&p, 0x5000, ram_read, NULL, &gpa));
	pte(0x4000, 5, 0x8000 | 7 | 1ull << 63);
	assert_string_equal(x86_walk_fetch(&p, 0x5000, ram_read, NULL, &gpa),
			    "the page is no-execute");
	/* 5-level paging (CR4.LA57): CR3 is the PML5, whose entry 0 is the
	 * PML4 above; linear 0x5000 is 0x8000 again. */
	struct x86_paging p5 = tables(true, 4);
	pte(0xC000, 0, 0x1000 | 7);
	p5.cr3 = 0xC000;
	p5.cr4 |= 1u << 12;
	assert_null(x86_walk_fetch(&p5, 0x5000, ram_read, NULL, &gpa));
	assert_int_equal(gpa, 0x8000);
	p5.cr4 &= ~(1u << 12); /* read as 4-level: one level short, PD[5] is empty */
	assert_string_equal(x86_walk_fetch(&p5, 0x5000, ram_read, NULL, &gpa),
			    "the page is not present");
	/* Page tables outside RAM; paging off; legacy paging refused. */
	pte(0x3000, 0, 0x7F000000 | 7);
	assert_string_equal(x86_walk_fetch(&p, 0x5000, ram_read, NULL, &gpa),
			    "a page table is not in the domain's RAM");
	p.cr0 = 0x11;
	assert_null(x86_walk_fetch(&p, 0xFEE00000, ram_read, NULL, &gpa));
	assert_int_equal(gpa, 0xFEE00000);
	p.cr0 = 0x80000011;
	p.efer = 0;
	assert_string_equal(x86_walk_fetch(&p, 0x5000, ram_read, NULL, &gpa),
			    "legacy (32-bit or PAE) paging is not walked");
}

int run_x86decode_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_the_mov_forms),
		cmocka_unit_test(refuses_everything_else),
		cmocka_unit_test(load_and_store_values),
		cmocka_unit_test(walks_and_fetches),
	};

	return cmocka_run_group_tests_name("x86decode", tests, NULL, NULL);
}
