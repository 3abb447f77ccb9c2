/*
 * The one translation-table walker of the arm64 hypervisor, for its own
 * stage-1 tables (mmu.c) and the domains' stage-2 tables (stage2.c): both
 * are VMSAv8-64 tables with a 4 KiB granule and a level-1 root (Arm ARM
 * D8.3, "Translation table descriptor formats"); only the attribute bits of
 * a block or page differ, and the caller gives them.
 */
#ifndef ARM64_PGTABLE_H
#define ARM64_PGTABLE_H

#include "core/types.h"

#define PT_ENTRIES 512
#define PT_VALID   (1ull << 0)
#define PT_TABLE   (1ull << 1) /* a table at levels 1-2, a page at level 3 */
#define PT_ADDR    0x0000fffffffff000ull

enum pt_result {
	PT_OK = 0,
	PT_NOMEM = -1, /* @alloc gave no table */
	PT_CLASH = -2, /* part was mapped already: that part kept as it was */
};

/* Map [va, va + size) to [pa, ...) (page aligned) in the tree at @root
 * with the largest blocks both addresses allow, @attrs on each block or
 * page; new tables from @alloc (zeroed pages), made visible to other CPUs'
 * walks before the entries that point to them. Existing entries are kept:
 * only empty slots are filled, so no TLB maintenance is ever needed. */
enum pt_result pt_map(uint64_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
		      uint64_t *(*alloc)(void));
/* Remove the page mapping of @va. A block that covers it is first split
 * into a table of the next level with the same mappings (tables from
 * @alloc), break-before-make: the block entry is cleared and
 * @invalidate(@ctx, va) called before the table goes in; @invalidate is
 * called again once the page's entry is cleared. PT_OK also when nothing
 * mapped @va; PT_NOMEM when a split found no table. */
enum pt_result pt_unmap_page(uint64_t *root, uint64_t va, uint64_t *(*alloc)(void),
			     void (*invalidate)(const void *ctx, uint64_t va), const void *ctx);
/* The address @va translates to, or false when nothing maps it. */
bool pt_lookup(const uint64_t *root, uint64_t va, uint64_t *pa);
/* Call @free for every table below @root, then for @root. */
void pt_free(uint64_t *root, void (*free)(uint64_t *table));

#endif /* ARM64_PGTABLE_H */
