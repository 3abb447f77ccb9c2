/*
 * Stage 2 of the fake architecture: a domain's address space is a list of
 * (ipa, pa, size) mappings, checked the way page tables would refuse them
 * (page alignment) and the way the core must never ask (a guest address
 * mapped twice: the builder's layout would be wrong).
 */
#include <string.h>

#include "arch/fake/fake.h"

#define MAX_SPACES   256
#define MAX_MAPPINGS 64

struct mapping {
	uint64_t ipa, pa, size;
};

struct stage2 {
	bool used;
	unsigned vmid;
	unsigned n;
	struct mapping map[MAX_MAPPINGS];
};

static struct stage2 spaces[MAX_SPACES];

unsigned arch_max_vmid(void)
{
	return 255;
}

struct stage2 *arch_stage2_create(unsigned vmid)
{
	if (vmid == 0 || vmid > arch_max_vmid()) {
		fake_bug("arch_stage2_create: an address-space id out of range");
	}
	for (unsigned i = 0; i < MAX_SPACES; i++) {
		if (spaces[i].used && spaces[i].vmid == vmid) {
			fake_bug("arch_stage2_create: an address-space id in use twice");
		}
	}
	for (unsigned i = 0; i < MAX_SPACES; i++) {
		if (!spaces[i].used) {
			memset(&spaces[i], 0, sizeof(spaces[i]));
			spaces[i].used = true;
			spaces[i].vmid = vmid;
			return &spaces[i];
		}
	}
	return NULL;
}

int arch_stage2_map(struct stage2 *s, ipaddr_t ipa, paddr_t pa, uint64_t size)
{
	uint64_t a = ipa_addr(ipa);

	if (a % PAGE_SIZE != 0 || pa_addr(pa) % PAGE_SIZE != 0 || size % PAGE_SIZE != 0 ||
	    size == 0) {
		fake_bug("arch_stage2_map: not whole pages");
	}
	for (unsigned i = 0; i < s->n; i++) {
		if (a < s->map[i].ipa + s->map[i].size && s->map[i].ipa < a + size) {
			fake_bug("arch_stage2_map: a guest address mapped twice");
		}
	}
	if (s->n == MAX_MAPPINGS) {
		return -1;
	}
	s->map[s->n++] = (struct mapping){ a, pa_addr(pa), size };
	return 0;
}

int arch_stage2_map_page(struct stage2 *s, ipaddr_t ipa, paddr_t pa, bool readonly)
{
	(void)readonly;
	return arch_stage2_map(s, ipa, pa, PAGE_SIZE);
}

/* The mapping around @ipa loses that page: what was before and after it
 * stays mapped, as the split of a block on hardware. */
int arch_stage2_unmap_page(struct stage2 *s, ipaddr_t ipa)
{
	uint64_t a = ipa_addr(ipa);

	for (unsigned i = 0; i < s->n; i++) {
		struct mapping m = s->map[i];
		if (a < m.ipa || a - m.ipa >= m.size) {
			continue;
		}
		if (s->n + 1 > MAX_MAPPINGS) {
			return -1;
		}
		s->map[i] = s->map[--s->n];
		if (a > m.ipa) {
			s->map[s->n++] = (struct mapping){ m.ipa, m.pa, a - m.ipa };
		}
		if (a + PAGE_SIZE < m.ipa + m.size) {
			uint64_t off = a + PAGE_SIZE - m.ipa;
			s->map[s->n++] =
				(struct mapping){ a + PAGE_SIZE, m.pa + off, m.size - off };
		}
		return 0;
	}
	return 0;
}

bool arch_stage2_translate(const struct stage2 *s, ipaddr_t ipa, paddr_t *pa)
{
	uint64_t a = ipa_addr(ipa);

	for (unsigned i = 0; s != NULL && i < s->n; i++) {
		if (a >= s->map[i].ipa && a - s->map[i].ipa < s->map[i].size) {
			*pa = pa_init(s->map[i].pa + (a - s->map[i].ipa));
			return true;
		}
	}
	return false;
}

void arch_stage2_destroy(struct stage2 *s)
{
	if (!s->used) {
		fake_bug("arch_stage2_destroy: destroyed twice");
	}
	s->used = false;
}

unsigned fake_stage2_count(const struct stage2 *s)
{
	return s->n;
}

unsigned fake_stage2_live(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_SPACES; i++) {
		n += spaces[i].used;
	}
	return n;
}
