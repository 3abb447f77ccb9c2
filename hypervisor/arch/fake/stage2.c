/*
 * Stage 2 of the fake architecture: a domain's address space is a list of
 * (ipa, pa, size) mappings, checked the way page tables would refuse them
 * (page alignment) and the way the core must never ask (a guest address
 * mapped twice: the builder's layout would be wrong).
 */
#include <string.h>

#include "arch/fake/fake.h"

#define MAX_SPACES   256
#define MAX_MAPPINGS 512 /* tests/core/test_xen.c maps hundreds of grants */

struct mapping {
	uint64_t ipa, pa, size;
	bool device; /* arch_stage2_map_device */
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

static int map(struct stage2 *s, ipaddr_t ipa, paddr_t pa, uint64_t size, bool device)
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
	s->map[s->n++] = (struct mapping){ a, pa_addr(pa), size, device };
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
			s->map[s->n++] = (struct mapping){ m.ipa, m.pa, a - m.ipa, m.device };
		}
		if (a + PAGE_SIZE < m.ipa + m.size) {
			uint64_t off = a + PAGE_SIZE - m.ipa;
			s->map[s->n++] = (struct mapping){ a + PAGE_SIZE, m.pa + off, m.size - off,
							   m.device };
		}
		return 0;
	}
	return 0;
}

int arch_stage2_map(struct stage2 *s, ipaddr_t ipa, paddr_t pa, uint64_t size)
{
	return map(s, ipa, pa, size, false);
}

uint64_t arch_guest_ipa_end(void)
{
	return 1ull << 39; /* as arm64's */
}

bool arch_passthrough(void)
{
	return true;
}

int arch_stage2_map_device(struct stage2 *s, ipaddr_t ipa, paddr_t pa, uint64_t size)
{
	return map(s, ipa, pa, size, true);
}

bool fake_stage2_is_device(const struct stage2 *s, ipaddr_t ipa)
{
	for (unsigned i = 0; i < s->n; i++) {
		if (ipa_addr(ipa) >= s->map[i].ipa &&
		    ipa_addr(ipa) - s->map[i].ipa < s->map[i].size) {
			return s->map[i].device;
		}
	}
	return false;
}

/* Physical interrupts routed to domains: the owner of each INTID. */
static const struct domain *irq_owner[1020];

int arch_irq_assign(struct domain *d, unsigned intid, bool edge)
{
	(void)edge;
	if (intid < 32 || intid >= 1020 || irq_owner[intid] != NULL) {
		fake_bug("arch_irq_assign: not a free SPI");
	}
	irq_owner[intid] = d;
	return 0;
}

void arch_irq_release(struct domain *d, unsigned intid)
{
	if (intid >= 1020 || irq_owner[intid] != d) {
		fake_bug("arch_irq_release: not this domain's");
	}
	irq_owner[intid] = NULL;
}

const struct domain *fake_irq_owner(unsigned intid)
{
	return intid < 1020 ? irq_owner[intid] : NULL;
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
