/*
 * lcm_fdt_reg (fdt-reg.h). A parent without ranges is not a bus: its
 * children's reg are not CPU addresses (cpus, a PCI bridge's functions).
 */
#include <libfdt.h>

#include "lcm/fdt-reg.h"

static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++) {
		v = v << 32 | fdt32_to_cpu(p[i]);
	}
	return v;
}

static int cells_of(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = node >= 0 ? fdt_getprop(fdt, node, name, &len) : NULL;

	return p != NULL && len == 4 ? (int)fdt32_to_cpu(*p) : dflt;
}

static int good_cells(int n)
{
	return n == 1 || n == 2;
}

/* A bus address of @bus's children in @bus's parent's space, through
 * @bus's ranges (empty: identity); 0 when no range holds it. */
static int through_ranges(const void *fdt, int bus, uint64_t *addr)
{
	int len;
	const fdt32_t *r = fdt_getprop(fdt, bus, "ranges", &len);

	if (r == NULL) {
		return 0;
	}
	if (len == 0) {
		return 1;
	}
	int ca = cells_of(fdt, bus, "#address-cells", 2), cs = cells_of(fdt, bus, "#size-cells", 1);
	int pa = cells_of(fdt, fdt_parent_offset(fdt, bus), "#address-cells", 2);
	if (!good_cells(ca) || !good_cells(pa) || !good_cells(cs)) {
		return 0;
	}
	int step = ca + pa + cs;
	for (int i = 0; i + step <= len / 4; i += step) {
		uint64_t child = read_cells(r + i, ca), to = read_cells(r + i + ca, pa);
		uint64_t size = read_cells(r + i + ca + pa, cs);
		if (*addr >= child && *addr - child < size) {
			*addr = to + (*addr - child);
			return 1;
		}
	}
	return 0;
}

int lcm_fdt_reg(const void *fdt, int node, uint64_t (*out)[2], int max)
{
	int parent = fdt_parent_offset(fdt, node), len, n = 0;
	int ac = cells_of(fdt, parent, "#address-cells", 2);
	int sc = cells_of(fdt, parent, "#size-cells", 1);
	const fdt32_t *p = fdt_getprop(fdt, node, "reg", &len);

	if (p == NULL || parent < 0 || !good_cells(ac) || !good_cells(sc) ||
	    len % (4 * (ac + sc)) != 0) {
		return -1;
	}
	for (int i = 0; i < len / (4 * (ac + sc)) && n < max; i++) {
		uint64_t addr = read_cells(p + i * (ac + sc), ac);
		uint64_t size = read_cells(p + i * (ac + sc) + ac, sc);
		for (int b = parent; b > 0; b = fdt_parent_offset(fdt, b)) {
			if (!through_ranges(fdt, b, &addr)) {
				return -1;
			}
		}
		if (size != 0) {
			out[n][0] = addr;
			out[n++][1] = size;
		}
	}
	return n;
}
