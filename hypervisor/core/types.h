/*
 * Basic types of the hypervisor: distinct address types, memory ranges and
 * a few helpers. Physical (paddr_t), guest-physical (ipaddr_t) and
 * hypervisor-virtual (vaddr_t) addresses are one-field structs so that
 * passing one where another is expected fails to compile (Hafnium's rule).
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Debug builds (make HV_DEBUG=1) panic where a broken invariant is caught
 * and refused; release builds refuse it with a line and go on. */
#ifndef HV_DEBUG
#define HV_DEBUG 0
#endif

#define noreturn _Noreturn
#define static_assert _Static_assert
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ull << PAGE_SHIFT)
#define KiB        (1ull << 10)
#define MiB        (1ull << 20)
#define GiB        (1ull << 30)

typedef struct {
	uint64_t pa;
} paddr_t;
typedef struct {
	uint64_t ipa;
} ipaddr_t;
typedef struct {
	uint64_t va;
} vaddr_t;

static inline paddr_t pa_init(uint64_t v)
{
	return (paddr_t){ v };
}
static inline ipaddr_t ipa_init(uint64_t v)
{
	return (ipaddr_t){ v };
}
static inline vaddr_t va_init(uint64_t v)
{
	return (vaddr_t){ v };
}
static inline uint64_t pa_addr(paddr_t p)
{
	return p.pa;
}
static inline uint64_t ipa_addr(ipaddr_t p)
{
	return p.ipa;
}
static inline uint64_t va_addr(vaddr_t v)
{
	return v.va;
}
static inline paddr_t pa_add(paddr_t p, uint64_t n)
{
	return (paddr_t){ p.pa + n };
}

/*
 * The hypervisor maps RAM and its devices 1:1 (identity), so a physical
 * address is also the pointer to it. These two are the only places that
 * rely on it.
 */
static inline void *pa_ptr(paddr_t p)
{
	return (void *)(uintptr_t)p.pa;
}
static inline paddr_t pa_of(const void *p)
{
	return (paddr_t){ (uintptr_t)p };
}

/* [base, base + size) of physical memory. */
struct mem_range {
	paddr_t base;
	uint64_t size;
};

static inline uint64_t range_end(const struct mem_range *r)
{
	return pa_addr(r->base) + r->size;
}

static inline uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}
static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

#endif /* HV_TYPES_H */
