/*
 * Device passthrough (passthrough.h; the binding: docs/bindings.md, "Device
 * passthrough"). The partial device tree is a boot module like any other:
 * whoever wrote the LCM wrote it, and a digest only says it is the one the
 * LCM names, so every value is checked before use, and it is walked by
 * libfdt only after lcm_fdt_check() (a property length that wraps would
 * otherwise send libfdt's own walk into a loop).
 *
 * What a domain may be given: MMIO that is its host device's (the reg of
 * the host device tree's node at xen,path, translated to CPU addresses),
 * clear of RAM, of the interrupt controller and of the hypervisor's UART,
 * of a device that does no DMA ("dma-coherent": with no IOMMU it would
 * reach all of memory through guest-physical addresses that are not
 * physical ones; the hardware domain, 1:1 and trusted, gets those);
 * at a guest address clear of the domain's RAM and emulated devices; SPIs
 * of that host node. One owner per host page and per SPI among the live
 * domains (the owner table is every published domain's claimed
 * assignment, under pt_lock).
 *
 * Locks: pt_lock, a leaf, taken with interrupts masked.
 */
#include <libfdt.h>
#include <string.h>

#include <fmt/fmt.h>
#include <lcm/fdt-reg.h>
#include <lcm/lcm.h>

#include "core/arch.h"
#include "core/domain.h"
#include "core/mm.h"
#include "core/passthrough.h"
#include "core/spinlock.h"

#define GIC_SPI_TYPE  0  /* arm,gic-v3 interrupt specifier: <type number flags> */
#define SPI_BASE      32 /* INTID of SPI 0 */
#define SPI_LAST      987
#define FLAGS_EDGE    0x3 /* IRQ_TYPE_EDGE_RISING | IRQ_TYPE_EDGE_FALLING */
#define MAX_HOST_REGS 8
/* A PCI host bridge's ranges: <child (3 cells: space, 64-bit address)
 * parent (the root's 2) size (2)>; its interrupt-map: <child address (3)
 * pin (1) phandle (1) the GIC's address (2) the GIC's specifier (3)>
 * (IEEE 1275 PCI bus binding; Devicetree Specification 2.4.3). */
#define PCI_RANGE_CELLS 7
#define PCI_MAP_CELLS   10
#define PCI_MAP_PHANDLE 4

static struct spinlock pt_lock;

/* Where the reason goes: the node's path and the property, then why. */
struct why {
	char *buf;
	size_t n;
	char node[96];
};

static int refuse(struct why *w, const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(struct why *w, const char *prop, const char *fmt, ...)
{
	char reason[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	fmt_snprintf(w->buf, w->n, "%s: %s: %s", w->node, prop, reason);
	return -1;
}

static uint64_t be64_at(const fdt32_t *p)
{
	return (uint64_t)fdt32_to_cpu(p[0]) << 32 | fdt32_to_cpu(p[1]);
}

static bool overlaps(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a < b + bn && b < a + an;
}

/* A string property that ends within its length and holds only printable
 * ASCII (it is printed in messages); NULL when not. */
static const char *printable_string(const void *fdt, int node, const char *prop)
{
	int len;
	const char *s = fdt_getprop(fdt, node, prop, &len);

	if (s == NULL || len < 2 || s[len - 1] != '\0') {
		return NULL;
	}
	for (int i = 0; i < len - 1; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e) {
			return NULL;
		}
	}
	return s;
}

/* The host's interrupt controller: the node, or an ancestor of it. */
static bool is_interrupt_controller(const void *host, int node)
{
	for (int n = node; n > 0; n = fdt_parent_offset(host, n)) {
		if (fdt_getprop(host, n, "interrupt-controller", NULL) != NULL ||
		    fdt_getprop(host, n, "msi-controller", NULL) != NULL) {
			return true;
		}
	}
	return false;
}

/* A TPM: the hypervisor keeps it for its measured launch. */
static bool is_tpm(const void *host, int node)
{
	return fdt_node_check_compatible(host, node, "tcg,tpm-tis-mmio") == 0;
}

/* Host MMIO the hypervisor keeps: RAM, the interrupt controller, its UART. */
static const char *hypervisor_keeps(const struct platform *p, uint64_t pa, uint64_t size)
{
	for (unsigned i = 0; i < p->nr_ram; i++) {
		if (overlaps(pa, size, pa_addr(p->ram[i].base), p->ram[i].size)) {
			return "RAM";
		}
	}
	if (overlaps(pa, size, pa_addr(p->irqc_dist.base), p->irqc_dist.size) ||
	    overlaps(pa, size, pa_addr(p->irqc_redist.base), p->irqc_redist.size)) {
		return "the interrupt controller";
	}
	if (overlaps(pa, size, align_down(pa_addr(p->uart), PAGE_SIZE), PAGE_SIZE)) {
		return "the hypervisor's console UART";
	}
	return NULL;
}

/* Guest addresses the domain already uses: its RAM, its emulated devices. */
static const char *guest_uses(const struct domain *d, uint64_t ipa, uint64_t size)
{
	if (overlaps(ipa, size, ipa_addr(d->ram_base), d->ram_size)) {
		return "its RAM";
	}
	for (unsigned i = 0; i < d->nr_mmio; i++) {
		if (overlaps(ipa, size, ipa_addr(d->mmio[i].base), d->mmio[i].size)) {
			return d->mmio[i].name;
		}
	}
	return NULL;
}

static bool inside_host_regs(uint64_t (*regs)[2], int nr, uint64_t pa, uint64_t size)
{
	for (int i = 0; i < nr; i++) {
		uint64_t lo = align_down(regs[i][0], PAGE_SIZE);
		uint64_t hi = align_up(regs[i][0] + regs[i][1], PAGE_SIZE);
		if (pa >= lo && pa + size <= hi) {
			return true;
		}
	}
	return false;
}

/* xen,reg: <host size guest> triples, 2 cells each, inside the host node's
 * pages, clear of what the hypervisor and the domain keep. */
static int parse_xen_reg(struct why *w, const void *fdt, int node, const struct platform *p,
			 const struct domain *d, uint64_t (*host_regs)[2], int nr_host,
			 struct pt_device *dev)
{
	int len;
	const fdt32_t *c = fdt_getprop(fdt, node, "xen,reg", &len);

	if (c == NULL) {
		return refuse(w, "xen,reg", "missing (the host MMIO to map)");
	}
	if (len == 0 || len % 24 != 0 || len / 24 > PT_MAX_REGS) {
		return refuse(
			w, "xen,reg",
			"%d bytes: expected 1 to %u <host size guest> triples of 2 cells each", len,
			PT_MAX_REGS);
	}
	for (int i = 0; i < len / 24; i++) {
		uint64_t pa = be64_at(c + 6 * i), size = be64_at(c + 6 * i + 2);
		uint64_t ipa = be64_at(c + 6 * i + 4);
		const char *kept;
		if (size == 0 || pa % PAGE_SIZE != 0 || size % PAGE_SIZE != 0 ||
		    ipa % PAGE_SIZE != 0 || pa + size < pa || ipa + size < ipa) {
			return refuse(w, "xen,reg",
				      "0x%llx+0x%llx at 0x%llx: not whole 4 KiB pages",
				      (unsigned long long)pa, (unsigned long long)size,
				      (unsigned long long)ipa);
		}
		if ((kept = hypervisor_keeps(p, pa, size)) != NULL) {
			return refuse(w, "xen,reg", "host 0x%llx+0x%llx is %s",
				      (unsigned long long)pa, (unsigned long long)size, kept);
		}
		if (!inside_host_regs(host_regs, nr_host, pa, size)) {
			return refuse(w, "xen,reg",
				      "host 0x%llx+0x%llx is not the reg of the host node",
				      (unsigned long long)pa, (unsigned long long)size);
		}
		if (ipa + size > arch_guest_ipa_end()) {
			return refuse(w, "xen,reg",
				      "guest 0x%llx+0x%llx is beyond the guest-physical space",
				      (unsigned long long)ipa, (unsigned long long)size);
		}
		if ((kept = guest_uses(d, ipa, size)) != NULL) {
			return refuse(w, "xen,reg", "guest 0x%llx+0x%llx overlaps %s",
				      (unsigned long long)ipa, (unsigned long long)size, kept);
		}
		dev->reg[dev->nr_reg++] = (struct pt_region){ pa_init(pa), ipa_init(ipa), size };
	}
	return 0;
}

/* reg: what the guest's driver is told, inside the guest side of xen,reg. */
static int check_guest_reg(struct why *w, const void *fdt, int node, const struct pt_device *dev)
{
	int len;
	const fdt32_t *c = fdt_getprop(fdt, node, "reg", &len);

	if (c == NULL || len == 0 || len % 16 != 0) {
		return refuse(w, "reg", "expected <address size> pairs of 2 cells each");
	}
	for (int i = 0; i < len / 16; i++) {
		uint64_t a = be64_at(c + 4 * i), size = be64_at(c + 4 * i + 2);
		bool inside = false;
		for (unsigned k = 0; k < dev->nr_reg && !inside; k++) {
			uint64_t lo = ipa_addr(dev->reg[k].ipa);
			inside = a >= lo && size <= dev->reg[k].size &&
				 a - lo <= dev->reg[k].size - size;
		}
		if (!inside) {
			return refuse(w, "reg",
				      "0x%llx+0x%llx is outside the guest side of xen,reg",
				      (unsigned long long)a, (unsigned long long)size);
		}
	}
	return 0;
}

/* The host node's interrupts: SPIs to the GIC only; *@edge its trigger. */
static bool host_has_spi(const void *host, int node, unsigned spi, bool *edge)
{
	int len;
	const fdt32_t *c = fdt_getprop(host, node, "interrupts", &len);

	for (int i = 0; c != NULL && i + 3 <= len / 4; i += 3) {
		if (fdt32_to_cpu(c[i]) == GIC_SPI_TYPE && fdt32_to_cpu(c[i + 1]) == spi) {
			*edge = (fdt32_to_cpu(c[i + 2]) & FLAGS_EDGE) != 0;
			return true;
		}
	}
	return false;
}

static int parse_interrupts(struct why *w, const void *fdt, int node, const void *host,
			    int host_node, struct pt_device *dev)
{
	int len;
	const fdt32_t *c = fdt_getprop(fdt, node, "interrupts", &len);

	if (c == NULL) {
		return 0;
	}
	if (len % 12 != 0 || len / 12 > PT_MAX_IRQS) {
		return refuse(w, "interrupts",
			      "%d bytes: expected 0 to %u <type number flags> triples", len,
			      PT_MAX_IRQS);
	}
	for (int i = 0; i < len / 12; i++) {
		unsigned type = fdt32_to_cpu(c[3 * i]), spi = fdt32_to_cpu(c[3 * i + 1]);
		bool edge;
		if (type != GIC_SPI_TYPE || spi > SPI_LAST) {
			return refuse(w, "interrupts",
				      "<%u %u ...> is not an SPI (type 0, 0 to %u)", type, spi,
				      SPI_LAST);
		}
		if (!host_has_spi(host, host_node, spi, &edge)) {
			return refuse(w, "interrupts",
				      "SPI %u is not an interrupt of the host node", spi);
		}
		dev->intid[dev->nr_irq] = SPI_BASE + spi;
		dev->edge[dev->nr_irq++] = edge;
	}
	return 0;
}

static int parse_device(struct why *w, const void *fdt, int node, const struct platform *p,
			const struct domain *d, struct pt_device *dev)
{
	uint64_t host_regs[MAX_HOST_REGS][2];
	const void *host = p->fdt;
	const char *path = printable_string(fdt, node, "xen,path");

	dev->node = node;
	if (fdt_first_subnode(fdt, node) >= 0) {
		return refuse(w, "name", "a device node has no children here");
	}
	if (path == NULL) {
		return refuse(w, "xen,path", "missing, or not a printable string");
	}
	int host_node = path[0] == '/' ? fdt_path_offset(host, path) : -1;
	if (host_node < 0) {
		return refuse(w, "xen,path", "\"%s\" is not a node of the host device tree", path);
	}
	if (is_interrupt_controller(host, host_node)) {
		return refuse(w, "xen,path", "\"%s\" is the interrupt controller", path);
	}
	if (is_tpm(host, host_node)) {
		return refuse(w, "xen,path", "\"%s\" is the TPM the hypervisor keeps", path);
	}
	if (fdt_getprop(host, host_node, "dma-coherent", NULL) != NULL) {
		return refuse(
			w, "xen,path",
			"\"%s\" does DMA and there is no IOMMU: only the hardware domain may have it",
			path);
	}
	int nr_host = lcm_fdt_reg(host, host_node, host_regs, MAX_HOST_REGS);
	if (nr_host <= 0) {
		return refuse(w, "xen,path", "\"%s\" has no MMIO registers", path);
	}
	if (parse_xen_reg(w, fdt, node, p, d, host_regs, nr_host, dev) != 0 ||
	    check_guest_reg(w, fdt, node, dev) != 0) {
		return -1;
	}
	return parse_interrupts(w, fdt, node, host, host_node, dev);
}

static bool same_region(const struct pt_region *x, const struct pt_region *y)
{
	return pa_addr(x->pa) == pa_addr(y->pa) && ipa_addr(x->ipa) == ipa_addr(y->ipa) &&
	       x->size == y->size;
}

/* Two devices of one domain: no SPI twice, and no guest or host page in
 * two regions, unless the regions are the same (devices that share a
 * page, such as QEMU's virtio-mmio transports, 8 to a page). */
static int check_within(struct why *w, const struct pt_assign *a, const struct pt_device *dev)
{
	for (unsigned i = 0; i < a->nr; i++) {
		const struct pt_device *o = &a->dev[i];
		for (unsigned r = 0; r < dev->nr_reg; r++) {
			for (unsigned s = 0; s < o->nr_reg; s++) {
				if (same_region(&dev->reg[r], &o->reg[s])) {
					continue;
				}
				if (overlaps(ipa_addr(dev->reg[r].ipa), dev->reg[r].size,
					     ipa_addr(o->reg[s].ipa), o->reg[s].size) ||
				    overlaps(pa_addr(dev->reg[r].pa), dev->reg[r].size,
					     pa_addr(o->reg[s].pa), o->reg[s].size)) {
					return refuse(w, "xen,reg", "overlaps %s's", o->name);
				}
			}
		}
		for (unsigned k = 0; k < dev->nr_irq; k++) {
			for (unsigned m = 0; m < o->nr_irq; m++) {
				if (dev->intid[k] == o->intid[m]) {
					return refuse(w, "interrupts", "SPI %u is %s's too",
						      dev->intid[k] - SPI_BASE, o->name);
				}
			}
		}
	}
	return 0;
}

int pt_parse(const void *fdt, uint64_t size, const struct platform *p, const struct domain *d,
	     struct pt_assign *a, char *why, size_t n)
{
	struct why w = { why, n, "/passthrough" };
	const char *bad = lcm_fdt_check(fdt, size);
	int node;

	memset(a, 0, sizeof(*a));
	a->fdt = fdt;
	if (bad != NULL) {
		fmt_snprintf(why, n, "not a device tree: %s", bad);
		return -1;
	}
	int pt = fdt_path_offset(fdt, "/passthrough");
	if (pt < 0) {
		return 0; /* gives nothing */
	}
	if (fdt_address_cells(fdt, pt) != 2 || fdt_size_cells(fdt, pt) != 2) {
		return refuse(&w, "#address-cells", "and #size-cells must both be 2");
	}
	fdt_for_each_subnode(node, fdt, pt)
	{
		const char *name = fdt_get_name(fdt, node, NULL);
		if (a->nr == PT_MAX_DEVICES) {
			return refuse(&w, "name", "more than %u devices", PT_MAX_DEVICES);
		}
		struct pt_device *dev = &a->dev[a->nr];
		lcm_printable(dev->name, sizeof(dev->name), name != NULL ? name : "?");
		fmt_snprintf(w.node, sizeof(w.node), "/passthrough/%s", dev->name);
		if (parse_device(&w, fdt, node, p, d, dev) != 0 || check_within(&w, a, dev) != 0) {
			return -1;
		}
		a->nr++;
	}
	return 0;
}

static bool device_taken(const struct domain *d, const struct pt_device *x, char *why, size_t n);

/* --- the hardware domain ------------------------------------------------------------ */

/* Whether @cpu+@size is in one of @dev's regions. */
static bool in_regions(const struct pt_device *dev, uint64_t cpu, uint64_t size)
{
	for (unsigned r = 0; r < dev->nr_reg; r++) {
		uint64_t lo = pa_addr(dev->reg[r].pa);
		if (cpu >= lo && size <= dev->reg[r].size && cpu - lo <= dev->reg[r].size - size) {
			return true;
		}
	}
	return false;
}

static bool add_region(const struct platform *p, struct pt_device *dev, uint64_t addr, uint64_t len)
{
	uint64_t lo = align_down(addr, PAGE_SIZE);
	uint64_t size = align_up(addr + len, PAGE_SIZE) - lo;

	if (size == 0 || dev->nr_reg == PT_MAX_REGS || hypervisor_keeps(p, lo, size) != NULL) {
		return false;
	}
	dev->reg[dev->nr_reg++] = (struct pt_region){ pa_init(lo), ipa_init(lo), size };
	return true;
}

static void add_spi(struct pt_device *dev, const fdt32_t *spec)
{
	unsigned intid = SPI_BASE + fdt32_to_cpu(spec[1]);
	bool edge = (fdt32_to_cpu(spec[2]) & FLAGS_EDGE) != 0;

	if (fdt32_to_cpu(spec[0]) != GIC_SPI_TYPE || fdt32_to_cpu(spec[1]) > SPI_LAST) {
		return;
	}
	for (unsigned i = 0; i < dev->nr_irq; i++) {
		if (dev->intid[i] == intid) {
			return;
		}
	}
	if (dev->nr_irq < PT_MAX_IRQS) {
		dev->intid[dev->nr_irq] = intid;
		dev->edge[dev->nr_irq++] = edge;
	}
}

/* A PCI host bridge's windows (those stage 2 can map) and INTx SPIs: an
 * interrupt-map whose every entry goes to the GIC in the layout of
 * PCI_MAP_CELLS, or the bridge is left out. */
static bool pci_parts(const struct platform *p, int node, struct pt_device *dev)
{
	const void *host = p->fdt;
	int len;
	const fdt32_t *r = fdt_getprop(host, node, "ranges", &len);

	for (int i = 0; r != NULL && i + PCI_RANGE_CELLS <= len / 4; i += PCI_RANGE_CELLS) {
		uint64_t cpu = be64_at(r + i + 3), size = be64_at(r + i + 5);
		if (cpu + size > cpu && cpu + size <= arch_guest_ipa_end() &&
		    !add_region(p, dev, cpu, size)) {
			return false;
		}
	}
	const fdt32_t *m = fdt_getprop(host, node, "interrupt-map", &len);
	if (m == NULL || len % (4 * PCI_MAP_CELLS) != 0) {
		return m == NULL;
	}
	for (int i = 0; i < len / 4; i += PCI_MAP_CELLS) {
		int gic = fdt_node_offset_by_phandle(host, fdt32_to_cpu(m[i + PCI_MAP_PHANDLE]));
		if (gic < 0 || fdt_getprop(host, gic, "interrupt-controller", NULL) == NULL ||
		    fdt_address_cells(host, gic) != 2) {
			return false;
		}
		add_spi(dev, m + i + PCI_MAP_PHANDLE + 3);
	}
	dev->pci = true;
	return true;
}

/* A host node the hardware domain may have: a device at the top level of
 * the host tree with MMIO registers, not the hypervisor's. */
static bool hardware_device(const struct platform *p, int node, struct pt_device *dev)
{
	const void *host = p->fdt;
	uint64_t regs[PT_MAX_REGS][2];
	const char *type = fdt_getprop(host, node, "device_type", NULL);
	const char *name = fdt_get_name(host, node, NULL);
	int nr = lcm_fdt_reg(host, node, regs, PT_MAX_REGS);

	if (nr <= 0 || is_interrupt_controller(host, node) || is_tpm(host, node) ||
	    (type != NULL && strcmp(type, "memory") == 0)) {
		return false;
	}
	memset(dev, 0, sizeof(*dev));
	dev->node = node;
	lcm_printable(dev->name, sizeof(dev->name), name != NULL ? name : "?");
	for (int i = 0; i < nr; i++) {
		if (!add_region(p, dev, regs[i][0], regs[i][1])) {
			return false;
		}
	}
	if (type != NULL && strcmp(type, "pci") == 0) {
		return pci_parts(p, node, dev);
	}
	int len;
	const fdt32_t *c = fdt_getprop(host, node, "interrupts", &len);
	for (int i = 0; c != NULL && i + 3 <= len / 4; i += 3) {
		add_spi(dev, c + i);
	}
	return true;
}

int pt_hardware(const struct platform *p, const struct domain *d, struct pt_assign *a)
{
	const void *host = p->fdt;
	int node;
	char why[8];

	memset(a, 0, sizeof(*a));
	a->fdt = host;
	unsigned long flags = spin_lock_irqsave(&pt_lock);
	fdt_for_each_subnode(node, host, 0)
	{
		struct pt_device *dev = &a->dev[a->nr];
		if (a->nr < PT_MAX_DEVICES && hardware_device(p, node, dev) &&
		    !device_taken(d, dev, why, sizeof(why))) {
			a->nr++;
		}
	}
	spin_unlock_irqrestore(&pt_lock, flags);
	return (int)a->nr;
}

/* --- ownership ----------------------------------------------------------------- */

/* Whether another live domain holds a host page or an SPI of @x; the
 * reason in @why. */
static bool device_taken(const struct domain *d, const struct pt_device *x, char *why, size_t n)
{
	for (unsigned i = 0; i < domain_count(); i++) {
		const struct domain *e = domain_get(i);
		const struct pt_assign *b = e != NULL ? e->pt : NULL;
		if (e == d || b == NULL || !b->claimed) {
			continue;
		}
		for (unsigned j = 0; j < b->nr; j++) {
			const struct pt_device *y = &b->dev[j];
			for (unsigned r = 0; r < x->nr_reg; r++) {
				for (unsigned s = 0; s < y->nr_reg; s++) {
					if (overlaps(pa_addr(x->reg[r].pa), x->reg[r].size,
						     pa_addr(y->reg[s].pa), y->reg[s].size)) {
						fmt_snprintf(
							why, n,
							"/passthrough/%s: xen,reg: host 0x%llx is domain %u %s's",
							x->name,
							(unsigned long long)pa_addr(x->reg[r].pa),
							e->domid, e->name);
						return true;
					}
				}
			}
			for (unsigned q = 0; q < x->nr_irq; q++) {
				for (unsigned m = 0; m < y->nr_irq; m++) {
					if (x->intid[q] == y->intid[m]) {
						fmt_snprintf(
							why, n,
							"/passthrough/%s: interrupts: SPI %u is domain %u %s's",
							x->name, x->intid[q] - SPI_BASE, e->domid,
							e->name);
						return true;
					}
				}
			}
		}
	}
	return false;
}

static bool taken(const struct domain *d, const struct pt_assign *a, char *why, size_t n)
{
	for (unsigned k = 0; k < a->nr; k++) {
		if (device_taken(d, &a->dev[k], why, n)) {
			return true;
		}
	}
	return false;
}

static void release_irqs(struct domain *d, const struct pt_assign *a, unsigned upto_dev,
			 unsigned upto_irq)
{
	for (unsigned k = 0; k <= upto_dev && k < a->nr; k++) {
		for (unsigned q = 0; q < a->dev[k].nr_irq && (k < upto_dev || q < upto_irq); q++) {
			arch_irq_release(d, a->dev[k].intid[q]);
		}
	}
}

/* A region an earlier device of @a has (check_within let only the same
 * region through): mapped once. */
static bool mapped_before(const struct pt_assign *a, unsigned upto, const struct pt_region *x)
{
	for (unsigned k = 0; k < upto; k++) {
		for (unsigned r = 0; r < a->dev[k].nr_reg; r++) {
			if (same_region(&a->dev[k].reg[r], x)) {
				return true;
			}
		}
	}
	return false;
}

int pt_claim(struct domain *d, struct pt_assign *a, char *why, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&pt_lock);

	if (taken(d, a, why, n)) {
		spin_unlock_irqrestore(&pt_lock, flags);
		return -1;
	}
	for (unsigned k = 0; k < a->nr; k++) {
		const struct pt_device *x = &a->dev[k];
		for (unsigned r = 0; r < x->nr_reg; r++) {
			if (mapped_before(a, k, &x->reg[r])) {
				continue;
			}
			if (arch_stage2_map_device(d->s2, x->reg[r].ipa, x->reg[r].pa,
						   x->reg[r].size) != 0) {
				release_irqs(d, a, k, 0);
				spin_unlock_irqrestore(&pt_lock, flags);
				fmt_snprintf(why, n, "no memory for its stage-2 page tables");
				return -1;
			}
		}
		for (unsigned q = 0; q < x->nr_irq; q++) {
			if (arch_irq_assign(d, x->intid[q], x->edge[q]) != 0) {
				release_irqs(d, a, k, q);
				spin_unlock_irqrestore(&pt_lock, flags);
				fmt_snprintf(
					why, n,
					"/passthrough/%s: interrupts: SPI %u cannot be routed to a domain here",
					x->name, x->intid[q] - SPI_BASE);
				return -1;
			}
		}
	}
	a->claimed = true;
	spin_unlock_irqrestore(&pt_lock, flags);
	return 0;
}

void pt_release(struct domain *d)
{
	struct pt_assign *a = d->pt;

	if (a == NULL) {
		return;
	}
	unsigned long flags = spin_lock_irqsave(&pt_lock);
	if (a->claimed) {
		release_irqs(d, a, a->nr, 0);
		a->claimed = false;
	}
	spin_unlock_irqrestore(&pt_lock, flags);
	d->pt = NULL;
	mm_free(pa_of(a), sizeof(*a));
}

/* --- the guest's device tree ------------------------------------------------------ */

static bool copied(const char *prop)
{
	/* msi-map, msi-parent: the virtual GIC has no ITS (PCI falls back to
	 * INTx); iommu-map: no IOMMU is given. */
	static const char *const dropped[] = { "phandle",    "linux,phandle", "interrupt-parent",
					       "clocks",     "clock-names",   "msi-map",
					       "msi-parent", "iommu-map",     NULL };

	for (unsigned i = 0; dropped[i] != NULL; i++) {
		if (strcmp(prop, dropped[i]) == 0) {
			return false;
		}
	}
	return strncmp(prop, "xen,", 4) != 0;
}

/* A PCI host bridge's ranges: the windows the domain has (pci_parts). */
static int pci_ranges(void *out, const struct pt_device *dev, const fdt32_t *r, int len)
{
	fdt32_t kept[PT_MAX_REGS * PCI_RANGE_CELLS];
	int n = 0;

	for (int i = 0; i + PCI_RANGE_CELLS <= len / 4; i += PCI_RANGE_CELLS) {
		if (n + PCI_RANGE_CELLS <= (int)ARRAY_SIZE(kept) &&
		    in_regions(dev, be64_at(r + i + 3), be64_at(r + i + 5))) {
			memcpy(kept + n, r + i, PCI_RANGE_CELLS * 4);
			n += PCI_RANGE_CELLS;
		}
	}
	return fdt_property(out, "ranges", kept, n * 4);
}

/* Its interrupt-map with the virtual GIC as every entry's parent. */
static int pci_interrupt_map(void *out, const fdt32_t *m, int len, uint32_t gic)
{
	void *val;
	int err = fdt_property_placeholder(out, "interrupt-map", len, &val);

	if (err == 0) {
		fdt32_t *c = val;
		memcpy(c, m, (size_t)len);
		for (int i = 0; i + PCI_MAP_CELLS <= len / 4; i += PCI_MAP_CELLS) {
			c[i + PCI_MAP_PHANDLE] = cpu_to_fdt32(gic);
		}
	}
	return err;
}

static int write_node(void *out, const void *fdt, const struct pt_device *dev, uint32_t gic,
		      uint32_t clk)
{
	static const char apb[] = "apb_pclk";
	const char *name = fdt_get_name(fdt, dev->node, NULL);
	int prop, err = fdt_begin_node(out, name);

	fdt_for_each_property_offset(prop, fdt, dev->node)
	{
		const char *pname;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, prop, &pname, &len);
		if (err != 0 || val == NULL || !copied(pname)) {
			continue;
		}
		if (dev->pci && strcmp(pname, "ranges") == 0) {
			err = pci_ranges(out, dev, val, len);
		} else if (dev->pci && strcmp(pname, "interrupt-map") == 0) {
			err = pci_interrupt_map(out, val, len, gic);
		} else {
			err = fdt_property(out, pname, val, len);
		}
	}
	if (err == 0 && dev->nr_irq != 0) {
		err = fdt_property_u32(out, "interrupt-parent", gic);
	}
	if (err == 0 && fdt_node_check_compatible(fdt, dev->node, "arm,primecell") == 0) {
		err = fdt_property_u32(out, "clocks", clk);
		err = err ? err : fdt_property(out, "clock-names", apb, sizeof(apb));
	}
	return err ? err : fdt_end_node(out);
}

int pt_write_nodes(void *out, const struct pt_assign *a, uint32_t gic_phandle, uint32_t clk_phandle)
{
	int err;

	if (a == NULL || a->nr == 0) {
		return 0;
	}
	err = fdt_begin_node(out, "passthrough");
	err = err ? err : fdt_property_string(out, "compatible", "simple-bus");
	err = err ? err : fdt_property(out, "ranges", NULL, 0);
	err = err ? err : fdt_property_u32(out, "#address-cells", 2);
	err = err ? err : fdt_property_u32(out, "#size-cells", 2);
	for (unsigned i = 0; err == 0 && i < a->nr; i++) {
		err = write_node(out, a->fdt, &a->dev[i], gic_phandle, clk_phandle);
	}
	return err ? err : fdt_end_node(out);
}
