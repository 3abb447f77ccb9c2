/*
 * Page allocator over a sorted list of free runs of page frames. A run list
 * rather than a bitmap: the machine has a handful of RAM ranges and a
 * handful of reservations, so the list stays short, needs no memory of its
 * own and gives aligned multi-page blocks (stage-2 tables, guest RAM in
 * 2 MiB blocks) by arithmetic instead of a search.
 *
 * Allocation is top-down: the hypervisor's own pages collect at the end of
 * RAM and the long low runs, where bootloaders also put modules, stay whole
 * for domains. Pages are zeroed on allocation so nothing of a previous owner
 * leaks to the next (or, MM_UNSCRUBBED, by the caller before any use).
 *
 * Freeing is checked: a range that is partly free already, or part of what
 * the hypervisor keeps for good, is refused with a line (and a panic in a
 * debug build), so a double free can never give one page two owners.
 *
 * Lock order: mm_lock is a leaf.
 */
#include <string.h>

#include "core/console.h"
#include "core/mm.h"
#include "core/spinlock.h"

/* Domains leave a few holes each (guest RAM is 2 MiB aligned, a page-sized
 * head is given back when RAM is placed to match a guest address modulo
 * 2 MiB): room for hundreds of domains. */
#define MM_MAX_RUNS 1024

struct run {
	uint64_t base; /* page aligned */
	uint64_t end;  /* exclusive, page aligned */
};

/* What is never free memory: the hypervisor, the host DTB, firmware
 * reservations (mm_keep). */
#define MM_MAX_KEPT 80

static struct spinlock mm_lock;
static struct run runs[MM_MAX_RUNS]; /* sorted, disjoint, not adjacent */
static unsigned nr_runs;
static struct run kept[MM_MAX_KEPT];
static unsigned nr_kept;

static void remove_run(unsigned i)
{
	for (unsigned j = i; j + 1 < nr_runs; j++) {
		runs[j] = runs[j + 1];
	}
	nr_runs--;
}

static void insert_run(unsigned i, uint64_t base, uint64_t end)
{
	if (nr_runs == MM_MAX_RUNS) {
		panic("mm: more than %u free runs: memory map too fragmented", MM_MAX_RUNS);
	}
	for (unsigned j = nr_runs; j > i; j--) {
		runs[j] = runs[j - 1];
	}
	runs[i] = (struct run){ base, end };
	nr_runs++;
}

/* Add [base, end) to the free runs, merging with neighbours and overlaps. */
static void add_free(uint64_t base, uint64_t end)
{
	unsigned i = 0;

	while (i < nr_runs && runs[i].end < base) {
		i++;
	}
	while (i < nr_runs && runs[i].base <= end) {
		base = runs[i].base < base ? runs[i].base : base;
		end = runs[i].end > end ? runs[i].end : end;
		remove_run(i);
	}
	insert_run(i, base, end);
}

/* Take [base, end) out of the free runs, wherever it overlaps them. */
static void take(uint64_t base, uint64_t end)
{
	for (unsigned i = 0; i < nr_runs; i++) {
		struct run r = runs[i];

		if (r.end <= base || r.base >= end) {
			continue;
		}
		remove_run(i);
		if (r.end > end) {
			insert_run(i, end, r.end);
		}
		if (r.base < base) {
			insert_run(i, r.base, base);
			i++;
		}
		i--;
	}
}

void mm_add_ram(struct mem_range r)
{
	uint64_t base = align_up(pa_addr(r.base), PAGE_SIZE);
	uint64_t end = align_down(range_end(&r), PAGE_SIZE);

	if (base < end) {
		unsigned long flags = spin_lock_irqsave(&mm_lock);
		add_free(base, end);
		spin_unlock_irqrestore(&mm_lock, flags);
	}
}

void mm_reserve(struct mem_range r)
{
	unsigned long flags = spin_lock_irqsave(&mm_lock);
	take(align_down(pa_addr(r.base), PAGE_SIZE), align_up(range_end(&r), PAGE_SIZE));
	spin_unlock_irqrestore(&mm_lock, flags);
}

static void scrub(uint64_t base, uint64_t size, enum mm_owner owner)
{
	if (base != MM_NO_PAGE && owner != MM_UNSCRUBBED) {
		arch_zero_pages(pa_init(base), size, owner == MM_GUEST);
	}
}

paddr_t mm_alloc(uint64_t size, uint64_t align, enum mm_owner owner)
{
	uint64_t found = MM_NO_PAGE;

	/* A size that rounds past 2^64 (from a guest's fragment) is no size. */
	if (size == 0 || size > UINT64_MAX - PAGE_SIZE) {
		return pa_init(MM_NO_PAGE);
	}
	size = align_up(size, PAGE_SIZE);
	if (align < PAGE_SIZE) {
		align = PAGE_SIZE;
	}
	unsigned long flags = spin_lock_irqsave(&mm_lock);
	for (unsigned i = nr_runs; i-- > 0;) {
		if (runs[i].end - runs[i].base < size) {
			continue;
		}
		uint64_t base = align_down(runs[i].end - size, align);
		if (base >= runs[i].base) {
			found = base;
			take(base, base + size);
			break;
		}
	}
	spin_unlock_irqrestore(&mm_lock, flags);
	scrub(found, size, owner);
	return pa_init(found);
}

paddr_t mm_alloc_some(uint64_t max, uint64_t align, uint64_t *got, enum mm_owner owner)
{
	uint64_t best = 0, found = MM_NO_PAGE;

	if (max > UINT64_MAX - PAGE_SIZE) {
		max = align_down(UINT64_MAX, PAGE_SIZE);
	}
	max = align_up(max, PAGE_SIZE);
	if (align < PAGE_SIZE) {
		align = PAGE_SIZE;
	}
	unsigned long flags = spin_lock_irqsave(&mm_lock);
	for (unsigned i = nr_runs; i-- > 0;) {
		uint64_t base = align_up(runs[i].base, align);
		if (base >= runs[i].end || runs[i].end - base <= best) {
			continue;
		}
		best = runs[i].end - base;
		if (best > max) {
			best = max;
		}
		found = align_down(runs[i].end - best, align);
		if (best == max) {
			break;
		}
	}
	if (found != MM_NO_PAGE) {
		take(found, found + best);
	}
	spin_unlock_irqrestore(&mm_lock, flags);
	scrub(found, best, owner);
	*got = best;
	return pa_init(found);
}

void mm_keep(struct mem_range r)
{
	unsigned long flags = spin_lock_irqsave(&mm_lock);
	if (nr_kept == MM_MAX_KEPT) {
		panic("mm: more than %u ranges to keep", MM_MAX_KEPT);
	}
	kept[nr_kept++] = (struct run){ align_down(pa_addr(r.base), PAGE_SIZE),
					align_up(range_end(&r), PAGE_SIZE) };
	take(kept[nr_kept - 1].base, kept[nr_kept - 1].end);
	spin_unlock_irqrestore(&mm_lock, flags);
}

/* With mm_lock held: whether [base, end) touches a free run or a kept
 * range, i.e. is not all memory the allocator handed out. */
static bool not_allocated(uint64_t base, uint64_t end)
{
	for (unsigned i = 0; i < nr_runs; i++) {
		if (runs[i].base < end && base < runs[i].end) {
			return true;
		}
	}
	for (unsigned i = 0; i < nr_kept; i++) {
		if (kept[i].base < end && base < kept[i].end) {
			return true;
		}
	}
	return false;
}

void mm_free(paddr_t base, uint64_t size)
{
	uint64_t a = pa_addr(base), end = a + align_up(size, PAGE_SIZE);
	bool bad;

	unsigned long flags = spin_lock_irqsave(&mm_lock);
	bad = a % PAGE_SIZE != 0 || end < a || not_allocated(a, end);
	if (!bad) {
		add_free(a, end);
	}
	spin_unlock_irqrestore(&mm_lock, flags);
	if (bad) {
		/* Freeing it would hand pages someone still uses (or the
		 * hypervisor's own) to the next owner: refuse, loudly. A debug
		 * build stops here, where the bug is. */
		printk("mm: BUG: refused to free 0x%llx-0x%llx: not allocated (a double free?)\n",
		       (unsigned long long)a, (unsigned long long)end);
		if (HV_DEBUG) {
			panic("mm: double free");
		}
	}
}

uint64_t mm_free_bytes(void)
{
	uint64_t total = 0;

	unsigned long flags = spin_lock_irqsave(&mm_lock);
	for (unsigned i = 0; i < nr_runs; i++) {
		total += runs[i].end - runs[i].base;
	}
	spin_unlock_irqrestore(&mm_lock, flags);
	return total;
}
