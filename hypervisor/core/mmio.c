/*
 * The per-domain MMIO registry (mmio.h). Regions are added while the domain
 * is built, on one CPU, before any of its vCPUs runs, and never removed
 * while it lives: lookups need no lock.
 */
#include "core/console.h"
#include "core/domain.h"
#include "core/mmio.h"
#include "core/vcpu.h"

int mmio_register(struct domain *d, ipaddr_t base, uint64_t size, mmio_handler handler, void *arg,
		  const char *name)
{
	uint64_t a = ipa_addr(base);

	for (unsigned i = 0; i < d->nr_mmio; i++) {
		const struct mmio_region *r = &d->mmio[i];
		if (a < ipa_addr(r->base) + r->size && ipa_addr(r->base) < a + size) {
			printk("domain %u %s: device %s at 0x%llx overlaps %s\n", d->domid, d->name,
			       name, (unsigned long long)a, r->name);
			return -1;
		}
	}
	if (d->nr_mmio == DOMAIN_MAX_MMIO) {
		printk("domain %u %s: device %s: more than %u devices\n", d->domid, d->name, name,
		       DOMAIN_MAX_MMIO);
		return -1;
	}
	d->mmio[d->nr_mmio++] = (struct mmio_region){ base, size, handler, arg, name };
	return 0;
}

const struct mmio_region *mmio_find(const struct domain *d, ipaddr_t ipa)
{
	uint64_t a = ipa_addr(ipa);

	for (unsigned i = 0; i < d->nr_mmio; i++) {
		const struct mmio_region *r = &d->mmio[i];
		if (a >= ipa_addr(r->base) && a - ipa_addr(r->base) < r->size) {
			return r;
		}
	}
	return NULL;
}

bool mmio_access(struct vcpu *v, ipaddr_t ipa, unsigned size, bool write, uint64_t *val)
{
	const struct mmio_region *r = mmio_find(v->dom, ipa);

	if (r == NULL) {
		return false;
	}
	if (!write) {
		*val = 0;
	}
	return r->handler(v, r->arg, ipa_addr(ipa) - ipa_addr(r->base), size, write, val);
}
