/*
 * Nested page tables (AMD APM vol. 2, 15.25): a domain's guest-physical
 * address space in the ordinary 4-level long-mode format, rooted at the
 * VMCB's N_CR3. Every entry has U/S set, as the nested walk counts as a
 * user access (15.25.5); leaves are 2 MiB where both sides are aligned,
 * else 4 KiB. Only RAM is mapped: any other guest-physical access is a
 * nested page fault (svm.c). The address-space id is not the ASID: ASIDs
 * are per vCPU and recycled (asid.c), so the number of domains is not
 * bound by the CPU's ASIDs (16 under QEMU). Mappings are only added while
 * a domain runs (its first touch: the TLB never caches a not-present
 * translation, AMD APM vol. 2, 5.5, so no flush); whatever removes or
 * narrows one moves the space's epoch on, and each vCPU of the domain then
 * runs with a fresh ASID, so no entry of the old mapping is used (today
 * only the teardown, after every vCPU is off its CPU, does).
 */
#include "core/console.h"
#include "core/mm.h"
#include "svm.h"

#define PTE_P      (1ull << 0)
#define PTE_RW     (1ull << 1)
#define PTE_US     (1ull << 2)
#define PTE_PS     (1ull << 7)
#define PTE_ADDR   0x000FFFFFFFFFF000ull
#define PTE_TABLE  (PTE_P | PTE_RW | PTE_US)
#define LEVELS     4
#define GPA_LIMIT  (1ull << 48)
#define MAX_SPACES 256 /* address-space ids 1..255, as on arm64 */

struct stage2 {
	uint64_t *root;
	uint64_t epoch;
};

static struct stage2 spaces[MAX_SPACES];

static unsigned shift_of(int level)
{
	return 12 + 9 * (unsigned)level; /* level 3: PML4 ... level 0: PT */
}

static uint64_t *new_table(void)
{
	paddr_t p = mm_alloc(PAGE_SIZE, PAGE_SIZE, MM_HV);

	return mm_failed(p) ? NULL : pa_ptr(p);
}

unsigned arch_max_vmid(void)
{
	return MAX_SPACES - 1;
}

struct stage2 *arch_stage2_create(unsigned vmid)
{
	if (vmid == 0 || vmid >= MAX_SPACES) {
		return NULL;
	}
	struct stage2 *s = &spaces[vmid];
	s->root = new_table();
	return s->root != NULL ? s : NULL;
}

uint64_t npt_root(const struct stage2 *s)
{
	return (uintptr_t)s->root;
}

uint64_t npt_epoch(const struct stage2 *s)
{
	return __atomic_load_n(&s->epoch, __ATOMIC_ACQUIRE);
}

static int map_one(uint64_t *table, int level, uint64_t gpa, uint64_t pa, uint64_t size)
{
	uint64_t *e = &table[(gpa >> shift_of(level)) & 511];
	uint64_t block = 1ull << shift_of(level);

	if (level <= 1 && size >= block && gpa % block == 0 && pa % block == 0) {
		if (*e & PTE_P) {
			panic("npt: 0x%llx is already mapped", (unsigned long long)gpa);
		}
		*e = pa | PTE_TABLE | (level == 1 ? PTE_PS : 0);
		return 0;
	}
	if (!(*e & PTE_P)) {
		uint64_t *t = new_table();
		if (t == NULL) {
			return -1;
		}
		*e = (uintptr_t)t | PTE_TABLE;
	} else if (*e & PTE_PS) {
		panic("npt: 0x%llx is already mapped", (unsigned long long)gpa);
	}
	return map_one((uint64_t *)(uintptr_t)(*e & PTE_ADDR), level - 1, gpa, pa, size);
}

int arch_stage2_map(struct stage2 *s, ipaddr_t ipa, paddr_t pa, uint64_t size)
{
	uint64_t gpa = ipa_addr(ipa), hpa = pa_addr(pa);

	if (gpa % PAGE_SIZE != 0 || hpa % PAGE_SIZE != 0 || size % PAGE_SIZE != 0 ||
	    gpa + size > GPA_LIMIT || gpa + size < gpa) {
		return -1;
	}
	while (size > 0) {
		/* The largest leaf this step can take: 2 MiB or 4 KiB. */
		uint64_t step = size >= 2 * MiB && gpa % (2 * MiB) == 0 && hpa % (2 * MiB) == 0
					? 2 * MiB
					: PAGE_SIZE;
		if (map_one(s->root, LEVELS - 1, gpa, hpa, step) != 0) {
			return -1;
		}
		gpa += step;
		hpa += step;
		size -= step;
	}
	return 0;
}

uint64_t arch_guest_ipa_end(void)
{
	return GPA_LIMIT;
}

/* No device passthrough on x86 yet (arch_passthrough): the core never asks
 * for a device mapping or an interrupt; refused if it did. */
bool arch_passthrough(void)
{
	return false;
}

int arch_stage2_map_device(struct stage2 *s, ipaddr_t ipa, paddr_t pa, uint64_t size)
{
	(void)s;
	(void)ipa;
	(void)pa;
	(void)size;
	return -1;
}

int arch_irq_assign(struct domain *d, unsigned intid, bool edge)
{
	(void)d;
	(void)intid;
	(void)edge;
	return -1;
}

void arch_irq_release(struct domain *d, unsigned intid)
{
	(void)d;
	(void)intid;
}

bool arch_stage2_translate(const struct stage2 *s, ipaddr_t ipa, paddr_t *pa)
{
	uint64_t gpa = ipa_addr(ipa);
	const uint64_t *t = s->root;

	if (gpa >= GPA_LIMIT) {
		return false;
	}
	for (int level = LEVELS - 1; level >= 0; level--) {
		uint64_t e = t[(gpa >> shift_of(level)) & 511];
		if (!(e & PTE_P)) {
			return false;
		}
		if (level == 0 || (e & PTE_PS)) {
			uint64_t mask = (1ull << shift_of(level)) - 1;
			*pa = pa_init((e & PTE_ADDR & ~mask) | (gpa & mask));
			return true;
		}
		t = (const uint64_t *)(uintptr_t)(e & PTE_ADDR);
	}
	return false;
}

static void free_tables(uint64_t *t, int level)
{
	for (unsigned i = 0; level > 0 && i < 512; i++) {
		if ((t[i] & PTE_P) && !(t[i] & PTE_PS)) {
			free_tables((uint64_t *)(uintptr_t)(t[i] & PTE_ADDR), level - 1);
		}
	}
	mm_free(pa_of(t), PAGE_SIZE);
}

void arch_stage2_destroy(struct stage2 *s)
{
	if (s->root != NULL) {
		free_tables(s->root, LEVELS - 1);
		s->root = NULL;
		__atomic_add_fetch(&s->epoch, 1, __ATOMIC_ACQ_REL);
	}
}
