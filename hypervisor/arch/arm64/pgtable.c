/*
 * The translation-table walker (pgtable.h).
 */
#include "arm64.h"
#include "pgtable.h"
#include "sysreg.h"

static unsigned level_shift(unsigned level)
{
	return 12 + 9 * (3 - level);
}

static enum pt_result map_level(uint64_t *table, unsigned level, uint64_t va, uint64_t pa,
				uint64_t size, uint64_t attrs, uint64_t *(*alloc)(void))
{
	unsigned shift = level_shift(level);
	uint64_t block = 1ull << shift;
	enum pt_result r = PT_OK;

	while (size > 0) {
		uint64_t *e = &table[(va >> shift) & (PT_ENTRIES - 1)];
		uint64_t chunk = align_down(va, block) + block - va;
		if (chunk > size) {
			chunk = size;
		}
		bool whole = chunk == block && (pa & (block - 1)) == 0;

		if (level == 3) {
			if (*e & PT_VALID) {
				r = PT_CLASH;
			} else {
				*e = pa | attrs | PT_TABLE | PT_VALID;
			}
		} else if (!(*e & PT_VALID) && whole) {
			*e = pa | attrs | PT_VALID;
		} else {
			if (!(*e & PT_VALID)) {
				uint64_t *t = alloc();
				if (t == NULL) {
					return PT_NOMEM;
				}
				/* The zeroed table is visible to other CPUs'
				 * walks before the entry that points to it. */
				dsb(ishst);
				*e = (uint64_t)(uintptr_t)t | PT_TABLE | PT_VALID;
			}
			if (!(*e & PT_TABLE)) {
				r = PT_CLASH; /* a block maps it already */
			} else {
				enum pt_result sub =
					map_level((uint64_t *)(uintptr_t)(*e & PT_ADDR), level + 1,
						  va, pa, chunk, attrs, alloc);
				if (sub == PT_NOMEM) {
					return sub;
				}
				r = sub != PT_OK ? sub : r;
			}
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return r;
}

enum pt_result pt_map(uint64_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
		      uint64_t *(*alloc)(void))
{
	enum pt_result r = map_level(root, 1, va, pa, size, attrs, alloc);

	dsb(ishst);
	return r;
}

/* Replace block entry @e of @level, mapping [va, va + its size), by a
 * table of the next level with the same output and attributes. */
static bool split(uint64_t *e, unsigned level, uint64_t va, uint64_t *(*alloc)(void),
		  void (*invalidate)(const void *ctx, uint64_t va), const void *ctx)
{
	uint64_t *t = alloc();
	uint64_t sub = 1ull << level_shift(level + 1);
	uint64_t pa = *e & PT_ADDR;
	uint64_t attrs = *e & ~(PT_ADDR | PT_VALID | PT_TABLE);
	uint64_t kind = level + 1 == 3 ? PT_TABLE | PT_VALID : PT_VALID;

	if (t == NULL) {
		return false;
	}
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		t[i] = (pa + i * sub) | attrs | kind;
	}
	dsb(ishst);
	*e = 0;
	dsb(ishst);
	invalidate(ctx, align_down(va, 1ull << level_shift(level)));
	*e = (uint64_t)(uintptr_t)t | PT_TABLE | PT_VALID;
	dsb(ishst);
	return true;
}

enum pt_result pt_unmap_page(uint64_t *root, uint64_t va, uint64_t *(*alloc)(void),
			     void (*invalidate)(const void *ctx, uint64_t va), const void *ctx)
{
	uint64_t *table = root;

	for (unsigned level = 1;; level++) {
		uint64_t *e = &table[(va >> level_shift(level)) & (PT_ENTRIES - 1)];
		if (!(*e & PT_VALID)) {
			return PT_OK;
		}
		if (level == 3) {
			*e = 0;
			dsb(ishst);
			invalidate(ctx, va);
			return PT_OK;
		}
		if (!(*e & PT_TABLE) && !split(e, level, va, alloc, invalidate, ctx)) {
			return PT_NOMEM;
		}
		table = (uint64_t *)(uintptr_t)(*e & PT_ADDR);
	}
}

bool pt_lookup(const uint64_t *root, uint64_t va, uint64_t *pa)
{
	const uint64_t *table = root;

	for (unsigned level = 1; level <= 3; level++) {
		unsigned shift = level_shift(level);
		uint64_t e = table[(va >> shift) & (PT_ENTRIES - 1)];
		if (!(e & PT_VALID)) {
			return false;
		}
		if (level == 3 || !(e & PT_TABLE)) {
			uint64_t mask = (1ull << shift) - 1;
			*pa = ((e & PT_ADDR) & ~mask) | (va & mask);
			return true;
		}
		table = (const uint64_t *)(uintptr_t)(e & PT_ADDR);
	}
	return false;
}

static void free_level(uint64_t *table, unsigned level, void (*free)(uint64_t *table))
{
	if (level < 3) {
		for (unsigned i = 0; i < PT_ENTRIES; i++) {
			if ((table[i] & (PT_VALID | PT_TABLE)) == (PT_VALID | PT_TABLE)) {
				free_level((uint64_t *)(uintptr_t)(table[i] & PT_ADDR), level + 1,
					   free);
			}
		}
	}
	free(table);
}

void pt_free(uint64_t *root, void (*free)(uint64_t *table))
{
	free_level(root, 1, free);
}
