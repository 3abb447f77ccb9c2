/*
 * The page allocator (core/mm.c) on 64 MiB of fake RAM: alignment, top-down
 * placement, reservations, fragmentation, mm_alloc_some, free and merge,
 * and that every page handed out is zeroed. Each test gives back what it
 * took, and the group's teardown checks that all of RAM is free again.
 */
#include "core_test.h"

#include <stdio.h>
#include <string.h>

#include "core/mm.h"

#define RAM (64 * MiB)

static uint64_t base, end;

static int setup(void **state)
{
	(void)state;
	fake_init(RAM, 1);
	base = pa_addr(fake_ram().base);
	end = base + RAM;
	mm_add_ram(fake_ram());
	return 0;
}

/* Everything back: adding all of RAM again merges whatever is free. */
static int reset(void **state)
{
	(void)state;
	mm_add_ram(fake_ram());
	return 0;
}

static void free_is_all_of_ram(void **state)
{
	(void)state;
	assert_int_equal(mm_free_bytes(), RAM);
}

static void top_down(void **state)
{
	(void)state;
	paddr_t a = mm_alloc(PAGE_SIZE, PAGE_SIZE, MM_HV);
	paddr_t b = mm_alloc(3 * PAGE_SIZE, PAGE_SIZE, MM_HV);

	assert_int_equal(pa_addr(a), end - PAGE_SIZE);
	assert_int_equal(pa_addr(b), end - 4 * PAGE_SIZE);
	assert_int_equal(mm_free_bytes(), RAM - 4 * PAGE_SIZE);
	mm_free(a, PAGE_SIZE);
	mm_free(b, 3 * PAGE_SIZE);
	assert_int_equal(mm_free_bytes(), RAM);
}

static void alignment(void **state)
{
	(void)state;
	paddr_t small = mm_alloc(100, 1, MM_HV); /* rounded to a page */
	paddr_t big = mm_alloc(PAGE_SIZE, 2 * MiB, MM_GUEST);
	paddr_t mid = mm_alloc(5 * PAGE_SIZE, 64 * KiB, MM_HV);

	assert_int_equal(pa_addr(small), end - PAGE_SIZE);
	assert_int_equal(pa_addr(big) % (2 * MiB), 0);
	assert_int_equal(pa_addr(big), end - 2 * MiB); /* highest that is aligned */
	assert_int_equal(pa_addr(mid) % (64 * KiB), 0);
	/* The highest fit: the hole between the two earlier allocations. */
	assert_int_equal(pa_addr(mid), end - 64 * KiB);
	assert_true(pa_addr(mid) >= pa_addr(big) + PAGE_SIZE);
	assert_int_equal(mm_free_bytes(), RAM - 7 * PAGE_SIZE);
	mm_free(small, 100);
	mm_free(big, PAGE_SIZE);
	mm_free(mid, 5 * PAGE_SIZE);
	assert_int_equal(mm_free_bytes(), RAM);
}

static void zeroed(void **state)
{
	(void)state;
	/* Old contents everywhere: what a previous owner left. */
	memset(pa_ptr(fake_ram().base), 0xa5, RAM);
	paddr_t p = mm_alloc(3 * PAGE_SIZE + 1, PAGE_SIZE, MM_HV);
	const uint8_t *b = pa_ptr(p);
	for (uint64_t i = 0; i < 4 * PAGE_SIZE; i++) {
		if (b[i] != 0) {
			fail_msg("byte %llu of an allocation is 0x%02x", (unsigned long long)i,
				 b[i]);
		}
	}
	assert_int_equal(b[-1], 0xa5); /* only what was handed out */
	uint64_t got;
	paddr_t q = mm_alloc_some(8 * PAGE_SIZE, PAGE_SIZE, &got, MM_GUEST);
	assert_int_equal(got, 8 * PAGE_SIZE);
	for (uint64_t i = 0; i < got; i++) {
		assert_int_equal(((const uint8_t *)pa_ptr(q))[i], 0);
	}
	mm_free(p, 4 * PAGE_SIZE);
	mm_free(q, got);
}

static void reservations(void **state)
{
	(void)state;
	/* A module in the middle of RAM, not page aligned: its pages are kept. */
	struct mem_range mod = { pa_init(base + 10 * MiB + 100), 3 * PAGE_SIZE };
	mm_reserve(mod);
	assert_int_equal(mm_free_bytes(), RAM - 4 * PAGE_SIZE);
	/* Everything above the module, then what is below: never the module. */
	uint64_t above = end - (base + 10 * MiB + 4 * PAGE_SIZE);
	paddr_t a = mm_alloc(above, PAGE_SIZE, MM_HV);
	assert_int_equal(pa_addr(a), base + 10 * MiB + 4 * PAGE_SIZE);
	paddr_t b = mm_alloc(PAGE_SIZE, PAGE_SIZE, MM_HV);
	assert_int_equal(pa_addr(b), base + 10 * MiB - PAGE_SIZE);
	mm_free(a, above);
	mm_free(b, PAGE_SIZE);
	assert_int_equal(mm_free_bytes(), RAM - 4 * PAGE_SIZE);
}

static void fragmentation(void **state)
{
	(void)state;
	/* Reserve every other MiB: 32 runs of 1 MiB. */
	for (uint64_t m = 1; m < 64; m += 2) {
		mm_reserve((struct mem_range){ pa_init(base + m * MiB), MiB });
	}
	assert_int_equal(mm_free_bytes(), 32 * MiB);
	/* Nothing longer than a run, however much is free in total. */
	assert_true(mm_failed(mm_alloc(MiB + PAGE_SIZE, PAGE_SIZE, MM_HV)));
	/* A 2 MiB alignment within 1 MiB runs at even MiB: found, at the
	 * highest even MiB run that is 2 MiB aligned. */
	paddr_t p = mm_alloc(MiB, 2 * MiB, MM_HV);
	assert_false(mm_failed(p));
	assert_int_equal(pa_addr(p) % (2 * MiB), 0);
	assert_int_equal(pa_addr(p), base + 62 * MiB);
	mm_free(p, MiB);
	assert_int_equal(mm_free_bytes(), 32 * MiB);
}

static void alloc_some(void **state)
{
	(void)state;
	/* Runs of 1, 3 and 6 MiB (with 2 MiB alignment in mind). */
	mm_reserve((struct mem_range){ pa_init(base), 2 * MiB });
	mm_reserve((struct mem_range){ pa_init(base + 3 * MiB), 3 * MiB });
	mm_reserve((struct mem_range){ pa_init(base + 9 * MiB), 5 * MiB });
	mm_reserve((struct mem_range){ pa_init(base + 20 * MiB), 44 * MiB });
	/* free: [2,3) [6,9) [14,20) MiB */
	assert_int_equal(mm_free_bytes(), 10 * MiB);
	uint64_t got;
	/* At most 4 MiB, 2 MiB aligned: the 6 MiB run gives it, top-down. */
	paddr_t a = mm_alloc_some(4 * MiB, 2 * MiB, &got, MM_GUEST);
	assert_int_equal(got, 4 * MiB);
	assert_int_equal(pa_addr(a), base + 16 * MiB);
	/* Now the longest is [6,9) (aligned from 6 MiB, 3 MiB long), less
	 * than asked: all of it. */
	paddr_t b = mm_alloc_some(4 * MiB, 2 * MiB, &got, MM_GUEST);
	assert_int_equal(got, 3 * MiB);
	assert_int_equal(pa_addr(b), base + 6 * MiB);
	/* Then [14,16). */
	paddr_t c = mm_alloc_some(8 * MiB, 2 * MiB, &got, MM_GUEST);
	assert_int_equal(got, 2 * MiB);
	assert_int_equal(pa_addr(c), base + 14 * MiB);
	/* [2,3): 2 MiB aligned at 2 MiB, 1 MiB. */
	paddr_t d = mm_alloc_some(8 * MiB, 2 * MiB, &got, MM_GUEST);
	assert_int_equal(got, MiB);
	assert_int_equal(pa_addr(d), base + 2 * MiB);
	/* Nothing left. */
	paddr_t e = mm_alloc_some(8 * MiB, PAGE_SIZE, &got, MM_GUEST);
	assert_true(mm_failed(e));
	assert_int_equal(got, 0);
	mm_free(a, 4 * MiB);
	mm_free(b, 3 * MiB);
	mm_free(c, 2 * MiB);
	mm_free(d, MiB);
	assert_int_equal(mm_free_bytes(), 10 * MiB);
}

static void free_merges(void **state)
{
	(void)state;
	paddr_t a = mm_alloc(MiB, PAGE_SIZE, MM_HV); /* top */
	paddr_t b = mm_alloc(MiB, PAGE_SIZE, MM_HV);
	paddr_t c = mm_alloc(MiB, PAGE_SIZE, MM_HV);
	paddr_t rest = mm_alloc(RAM - 3 * MiB, PAGE_SIZE, MM_HV);

	assert_int_equal(pa_addr(rest), base);
	assert_int_equal(mm_free_bytes(), 0);
	assert_true(mm_failed(mm_alloc(PAGE_SIZE, PAGE_SIZE, MM_HV)));
	/* Free the middle, then its neighbours: one run of 3 MiB results. */
	mm_free(b, MiB);
	assert_true(mm_failed(mm_alloc(2 * MiB, PAGE_SIZE, MM_HV)));
	mm_free(a, MiB);
	mm_free(c, MiB);
	paddr_t all3 = mm_alloc(3 * MiB, PAGE_SIZE, MM_HV);
	assert_int_equal(pa_addr(all3), pa_addr(c));
	mm_free(all3, 3 * MiB);
	mm_free(rest, RAM - 3 * MiB);
	assert_int_equal(mm_free_bytes(), RAM);
	/* And the whole of RAM in one piece again. */
	paddr_t whole = mm_alloc(RAM, PAGE_SIZE, MM_HV);
	assert_int_equal(pa_addr(whole), base);
	mm_free(whole, RAM);
}

static void out_of_memory(void **state)
{
	(void)state;
	assert_true(mm_failed(mm_alloc(RAM + PAGE_SIZE, PAGE_SIZE, MM_HV)));
	assert_int_equal(mm_free_bytes(), RAM);
	/* A size that would round up past 2^64 to a few bytes, and none. */
	assert_true(mm_failed(mm_alloc(UINT64_MAX - 100, PAGE_SIZE, MM_HV)));
	assert_true(mm_failed(mm_alloc(0, PAGE_SIZE, MM_HV)));
	assert_int_equal(mm_free_bytes(), RAM);
}

/* The exact line mm_free() prints when it refuses [a, a + size). */
static void assert_refused(uint64_t a, uint64_t size)
{
	char line[128];

	snprintf(line, sizeof(line),
		 "mm: BUG: refused to free 0x%llx-0x%llx: not allocated (a double free?)",
		 (unsigned long long)a, (unsigned long long)(a + size));
	assert_line(line);
	assert_int_equal(fake_console_count(line), 1);
}

/*
 * A range freed twice: the second free would give its pages a second
 * owner (whoever the first free's pages went to next). Refused with a
 * line, the free count untouched; a range partly free is refused whole.
 */
static void double_free_refused(void **state)
{
	(void)state;
	paddr_t a = mm_alloc(4 * PAGE_SIZE, PAGE_SIZE, MM_HV);
	paddr_t b = mm_alloc(2 * PAGE_SIZE, PAGE_SIZE, MM_HV);

	fake_console_clear();
	mm_free(a, 4 * PAGE_SIZE);
	assert_int_equal(fake_console_count("mm: BUG"), 0);
	uint64_t free1 = mm_free_bytes();
	mm_free(a, 4 * PAGE_SIZE);
	assert_refused(pa_addr(a), 4 * PAGE_SIZE);
	assert_int_equal(mm_free_bytes(), free1);
	/* The first free's pages, handed out again, stay their new owner's. */
	paddr_t again = mm_alloc(4 * PAGE_SIZE, PAGE_SIZE, MM_HV);
	assert_int_equal(pa_addr(again), pa_addr(a));
	uint64_t free2 = mm_free_bytes();
	/* Partly free (b's pages and the free page below them): nothing of
	 * it is freed, not even b's allocated pages. */
	mm_free(pa_init(pa_addr(b) - PAGE_SIZE), 3 * PAGE_SIZE);
	assert_refused(pa_addr(b) - PAGE_SIZE, 3 * PAGE_SIZE);
	assert_int_equal(mm_free_bytes(), free2);
	mm_free(b, 2 * PAGE_SIZE);
	mm_free(again, 4 * PAGE_SIZE);
	assert_int_equal(mm_free_bytes(), RAM);
	assert_int_equal(fake_console_count("mm: BUG"), 2);
}

/* What the hypervisor keeps for good (its image, the DTB, firmware's
 * reservations) is never free memory: freeing any of it is refused. Last
 * of the group: the kept list cannot be undone. */
static void kept_refused(void **state)
{
	(void)state;
	struct mem_range keep = { pa_init(base + 20 * MiB + 100), 2 * PAGE_SIZE };

	mm_keep(keep);
	/* Its pages, rounded out to whole pages. */
	assert_int_equal(mm_free_bytes(), RAM - 3 * PAGE_SIZE);
	fake_console_clear();
	mm_free(pa_init(base + 20 * MiB), 3 * PAGE_SIZE);
	assert_refused(base + 20 * MiB, 3 * PAGE_SIZE);
	/* Never handed out: all the rest is the runs above and below it. */
	uint64_t above_size = end - (base + 20 * MiB + 3 * PAGE_SIZE);
	paddr_t above = mm_alloc(above_size, PAGE_SIZE, MM_HV);
	paddr_t below = mm_alloc(20 * MiB, PAGE_SIZE, MM_HV);
	assert_int_equal(pa_addr(above), base + 20 * MiB + 3 * PAGE_SIZE);
	assert_int_equal(pa_addr(below), base);
	assert_int_equal(mm_free_bytes(), 0);
	assert_true(mm_failed(mm_alloc(PAGE_SIZE, PAGE_SIZE, MM_HV)));
	/* A page of it with allocated ones: refused whole as well. */
	mm_free(below, 20 * MiB + PAGE_SIZE);
	assert_refused(base, 20 * MiB + PAGE_SIZE);
	mm_free(pa_init(pa_addr(above) - PAGE_SIZE), above_size + PAGE_SIZE);
	assert_refused(pa_addr(above) - PAGE_SIZE, above_size + PAGE_SIZE);
	assert_int_equal(mm_free_bytes(), 0);
	mm_free(below, 20 * MiB);
	mm_free(above, above_size);
	assert_int_equal(mm_free_bytes(), RAM - 3 * PAGE_SIZE);
	assert_int_equal(fake_console_count("mm: BUG"), 3);
}

int run_mm_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(free_is_all_of_ram, reset),
		cmocka_unit_test_teardown(top_down, reset),
		cmocka_unit_test_teardown(alignment, reset),
		cmocka_unit_test_teardown(zeroed, reset),
		cmocka_unit_test_teardown(reservations, reset),
		cmocka_unit_test_teardown(fragmentation, reset),
		cmocka_unit_test_teardown(alloc_some, reset),
		cmocka_unit_test_teardown(free_merges, reset),
		cmocka_unit_test_teardown(out_of_memory, reset),
		cmocka_unit_test_teardown(double_free_refused, reset),
		cmocka_unit_test(kept_refused),
	};
	return cmocka_run_group_tests_name("core: allocator", tests, setup, NULL);
}
