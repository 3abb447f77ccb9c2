/*
 * The physical page allocator: RAM minus everything that must survive the
 * boot (the hypervisor, the host DTB, firmware reservations, boot modules).
 */
#ifndef HV_MM_H
#define HV_MM_H

#include "core/types.h"

#define MM_NO_PAGE UINT64_MAX

static inline bool mm_failed(paddr_t p)
{
	return pa_addr(p) == MM_NO_PAGE;
}

/* Boot only, before any allocation: RAM first, then the reservations:
 * what is never free memory (mm_keep: the hypervisor, the host DTB,
 * firmware reservations), and what may be freed later (mm_reserve: boot
 * modules, given back with mm_free when the launch is done with them). */
void mm_add_ram(struct mem_range r);
void mm_keep(struct mem_range r);
void mm_reserve(struct mem_range r);

/* Who the pages are for, which decides how they are scrubbed. */
enum mm_owner {
	MM_HV,         /* the hypervisor: zeroed */
	MM_GUEST,      /* a guest: zeroed and cleaned to the point of
			 * coherency, as a guest starts with its caches off */
	MM_UNSCRUBBED, /* as they are: the caller scrubs (or overwrites)
			 * them before anyone else sees them, in steps that
			 * can be interleaved with other work (builder.c) */
};

/* @size bytes (rounded up to pages) aligned to @align (a power of two, at
 * least a page), scrubbed for @owner; pa_addr() == MM_NO_PAGE when no run
 * is left. */
paddr_t mm_alloc(uint64_t size, uint64_t align, enum mm_owner owner);
/* The longest run of at most @max bytes, @align aligned, scrubbed for
 * @owner; its size (whole pages) in *@got. For memory that may come in
 * pieces (guest RAM). */
paddr_t mm_alloc_some(uint64_t max, uint64_t align, uint64_t *got, enum mm_owner owner);
/* Give back [base, base + size) (rounded up to pages): all of it must have
 * been allocated (or reserved with mm_reserve) and not freed since; else
 * the call is refused with a "mm: BUG" line (a panic when HV_DEBUG). */
void mm_free(paddr_t base, uint64_t size);

uint64_t mm_free_bytes(void);

#endif /* HV_MM_H */
