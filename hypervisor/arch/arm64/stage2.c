/*
 * Stage-2 translation: each domain's guest-physical (IPA) space, a 4 KiB
 * granule table tree rooted at level 1 (VTCR_EL2 in sysreg.h: 39-bit IPA,
 * one root table), tagged with the domain's VMID so that CPUs switch
 * domains without flushing TLBs. RAM is mapped normal write-back, inner
 * shareable, read-write, executable, with 1 GiB and 2 MiB blocks where the
 * guest and physical addresses are both aligned (a block descriptor holds
 * only the output address bits above the block's size: Arm ARM DDI 0487,
 * the VMSAv8-64 translation table descriptor formats). Devices are never
 * mapped: every device access traps and is emulated or refused.
 *
 * Tables come from the page allocator (zeroed) and are written through the
 * hypervisor's cacheable mapping, which the walker reads coherently
 * (VTCR_EL2 IRGN0/ORGN0 = write-back). While a domain runs its tables only
 * grow (a window of its RAM mapped at first touch, core/domain.c): an
 * invalid entry becomes valid, which needs no TLB maintenance (a walk that
 * faulted caches nothing), only barriers so that other CPUs' walks see a
 * new table zeroed before the entry pointing to it; mappings are never
 * changed or removed while it runs, and VMIDs are never reused.
 */
#include "arm64.h"
#include "core/console.h"
#include "core/mm.h"
#include "sysreg.h"

#define PT_ENTRIES    512
#define MAX_VMID      255               /* 8-bit VMIDs (ID_AA64MMFR1_EL1.VMIDBits = 0 on a57) */
#define IPA_BITS      (64 - VTCR_T0SZ)

#define S2_VALID      (1ull << 0)
#define S2_TABLE      (1ull << 1)       /* table at levels 1-2, page at level 3 */
#define S2_MEMATTR_WB (0xfull << 2)     /* normal, outer and inner write-back */
#define S2_AP_RW      (3ull << 6)
#define S2_SH_INNER   (3ull << 8)
#define S2_AF         (1ull << 10)
#define S2_ADDR       0x0000fffffffff000ull
#define S2_RAM        (S2_MEMATTR_WB | S2_AP_RW | S2_SH_INNER | S2_AF)

struct stage2 {
	uint64_t *root;
	uint64_t vttbr;
};

static struct stage2 spaces[MAX_VMID + 1];

unsigned arch_max_vmid(void)
{
	return MAX_VMID;
}

uint64_t stage2_vttbr(const struct stage2 *s)
{
	return s->vttbr;
}

static uint64_t *new_table(void)
{
	paddr_t p = mm_alloc(PAGE_SIZE, PAGE_SIZE, MM_HV);

	return mm_failed(p) ? NULL : pa_ptr(p);
}

struct stage2 *arch_stage2_create(unsigned vmid)
{
	if (vmid == 0 || vmid > MAX_VMID) {
		return NULL;
	}
	struct stage2 *s = &spaces[vmid];
	s->root = new_table();
	if (s->root == NULL) {
		return NULL;
	}
	s->vttbr = (uint64_t)(uintptr_t)s->root | ((uint64_t)vmid << VTTBR_VMID_SHIFT);
	return s;
}

static unsigned level_shift(unsigned level)
{
	return 12 + 9 * (3 - level);
}

/* Map [ipa, ipa + size) to [pa, ...) in @table of @level (1-3). */
static int map_level(uint64_t *table, unsigned level, uint64_t ipa, uint64_t pa, uint64_t size)
{
	unsigned shift = level_shift(level);
	uint64_t block = 1ull << shift;

	while (size > 0) {
		uint64_t *e = &table[(ipa >> shift) & (PT_ENTRIES - 1)];
		uint64_t chunk = align_down(ipa, block) + block - ipa;
		if (chunk > size) {
			chunk = size;
		}
		bool whole = chunk == block && (pa & (block - 1)) == 0;

		if (level == 3) {
			*e = pa | S2_RAM | S2_TABLE | S2_VALID;
		} else if (!(*e & S2_VALID) && whole) {
			*e = pa | S2_RAM | S2_VALID;
		} else {
			if (!(*e & S2_VALID)) {
				uint64_t *t = new_table();
				if (t == NULL) {
					return -1;
				}
				/* The zeroed table is visible to other CPUs' walks
				 * before the entry that points to it. */
				dsb(ishst);
				*e = (uint64_t)(uintptr_t)t | S2_TABLE | S2_VALID;
			}
			if (!(*e & S2_TABLE)) {
				/* The builder maps disjoint ranges: never inside a block. */
				panic("stage2: 0x%llx is already mapped by a block",
				      (unsigned long long)ipa);
			}
			if (map_level((uint64_t *)(uintptr_t)(*e & S2_ADDR), level + 1, ipa, pa,
				      chunk) != 0) {
				return -1;
			}
		}
		ipa += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

int arch_stage2_map(struct stage2 *s, ipaddr_t ipa, paddr_t pa, uint64_t size)
{
	uint64_t a = ipa_addr(ipa);

	if (a % PAGE_SIZE != 0 || pa_addr(pa) % PAGE_SIZE != 0 || size % PAGE_SIZE != 0 ||
	    a + size > (1ull << IPA_BITS) || a + size < a) {
		return -1;
	}
	int err = map_level(s->root, 1, a, pa_addr(pa), size);
	dsb(ishst);
	return err;
}

bool arch_stage2_translate(const struct stage2 *s, ipaddr_t ipa, paddr_t *pa)
{
	uint64_t a = ipa_addr(ipa);
	const uint64_t *table = s->root;

	if (a >= (1ull << IPA_BITS)) {
		return false;
	}
	for (unsigned level = 1; level <= 3; level++) {
		unsigned shift = level_shift(level);
		uint64_t e = table[(a >> shift) & (PT_ENTRIES - 1)];
		if (!(e & S2_VALID)) {
			return false;
		}
		if (level == 3 || !(e & S2_TABLE)) {
			uint64_t mask = (1ull << shift) - 1;
			*pa = pa_init(((e & S2_ADDR) & ~mask) | (a & mask));
			return true;
		}
		table = (const uint64_t *)(uintptr_t)(e & S2_ADDR);
	}
	return false;
}

static void free_level(uint64_t *table, unsigned level)
{
	if (level < 3) {
		for (unsigned i = 0; i < PT_ENTRIES; i++) {
			if ((table[i] & (S2_VALID | S2_TABLE)) == (S2_VALID | S2_TABLE)) {
				free_level((uint64_t *)(uintptr_t)(table[i] & S2_ADDR), level + 1);
			}
		}
	}
	mm_free(pa_of(table), PAGE_SIZE);
}

void arch_stage2_destroy(struct stage2 *s)
{
	free_level(s->root, 1);
	s->root = NULL;
	s->vttbr = 0;
}
