/*
 * lcm-tool's device assignment: a domain's JSON "devices" (host device-tree
 * paths) checked against the host DTB of the machine the launch targets,
 * then written as the domain's device-tree module, a partial device tree
 * whose /passthrough node holds the devices (docs/bindings.md, "Device
 * passthrough").
 *
 * A device is a node of the host DT with MMIO registers (reg, translated
 * through its parents' ranges to a CPU address). Who owns what: the
 * hypervisor keeps its console UART (/chosen stdout-path), the interrupt
 * controller (and its children, the ITS) and a TPM ("tcg,tpm-tis-mmio",
 * kept for the hypervisor's measured launch); a domain owns what it names; every other device is
 * unassigned (the hardware domain's, when there is one). Stage 2 maps whole
 * 4 KiB pages, so a device may not share a page, nor an interrupt line,
 * with a device of another owner (an unassigned one included: giving it
 * later would hand both owners the same registers).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include "lcm-tool.h"
#include "lcm/fdt-reg.h"

#define PAGE           4096ull
#define MAX_REG        8
#define MAX_SPI        8
#define GIC_SPI        0       /* first cell of an arm,gic-v3 interrupt specifier */
#define GUEST_GIC_PHDL 0xfde8u /* the /gic placeholder's phandle (Xen's GUEST_PHANDLE_GIC) */
#define OWNER_NONE     (-1)
#define OWNER_HV       (-2)

/* One device of the host DT. */
struct hdev {
	int node;
	char path[256];
	uint64_t reg[MAX_REG][2]; /* CPU address, size */
	int nr_reg;
	uint32_t spi[MAX_SPI];
	int nr_spi;
	int owner;           /* OWNER_NONE, OWNER_HV or a domain index */
	size_t json_k;       /* for a domain's: its index in "devices" */
	const char *hv_what; /* for OWNER_HV: what the hypervisor uses it as */
};

struct host {
	const void *fdt;
	struct hdev *devs;
	size_t nr;
};

/* @node's reg as CPU addresses; false when it has none that translate. */
static bool device_regs(const void *fdt, int node, struct hdev *d)
{
	d->nr_reg = lcm_fdt_reg(fdt, node, d->reg, MAX_REG);
	return d->nr_reg > 0;
}

/* The interrupt controller @node's interrupts go to (interrupt-parent,
 * inherited from its ancestors). */
static int irq_parent(const void *fdt, int node)
{
	for (int n = node; n >= 0; n = fdt_parent_offset(fdt, n)) {
		int len;
		const fdt32_t *p = fdt_getprop(fdt, n, "interrupt-parent", &len);
		if (p != NULL && len == 4) {
			return fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*p));
		}
	}
	return -1;
}

static bool is_gic(const void *fdt, int node)
{
	return node >= 0 && fdt_node_check_compatible(fdt, node, "arm,gic-v3") == 0;
}

/* The SPIs of @node's interrupts, when they go to the GICv3. */
static void device_spis(const void *fdt, int node, struct hdev *d)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupts", &len);

	if (p == NULL || !is_gic(fdt, irq_parent(fdt, node))) {
		return;
	}
	for (int i = 0; i + 3 <= len / 4 && d->nr_spi < MAX_SPI; i += 3) {
		if (fdt32_to_cpu(p[i]) == GIC_SPI) {
			d->spi[d->nr_spi++] = fdt32_to_cpu(p[i + 1]);
		}
	}
}

static bool under(const void *fdt, int node, int ancestor)
{
	for (int n = node; n >= 0; n = fdt_parent_offset(fdt, n)) {
		if (n == ancestor) {
			return true;
		}
	}
	return false;
}

/* The node of /chosen's stdout-path (an alias or a path, ":options" cut). */
static int console_node(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len;
	const char *s = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", &len) : NULL;

	if (s == NULL || len < 2) {
		return -1;
	}
	const char *colon = memchr(s, ':', (size_t)len);
	return fdt_path_offset_namelen(fdt, s, colon != NULL ? (int)(colon - s) : len - 1);
}

static const char *hv_use(const void *fdt, int node, int uart)
{
	for (int n = node; n > 0; n = fdt_parent_offset(fdt, n)) {
		if (is_gic(fdt, n)) {
			return "the hypervisor's interrupt controller";
		}
	}
	if (uart >= 0 && under(fdt, node, uart)) {
		return "the hypervisor's console UART";
	}
	if (fdt_node_check_compatible(fdt, node, "tcg,tpm-tis-mmio") == 0) {
		return "the hypervisor's TPM (kept for its measured launch)";
	}
	return NULL;
}

static bool skipped_subtree(const void *fdt, int node)
{
	static const char *const names[] = { "chosen", "cpus", "reserved-memory", "aliases", NULL };
	const char *type = fdt_getprop(fdt, node, "device_type", NULL);

	for (int i = 0; names[i] != NULL; i++) {
		if (fdt_parent_offset(fdt, node) == 0 &&
		    strcmp(fdt_get_name(fdt, node, NULL), names[i]) == 0) {
			return true;
		}
	}
	return type != NULL && strcmp(type, "memory") == 0;
}

/* Every device of the host DT, with the hypervisor's marked. */
static void host_scan(struct host *h)
{
	const void *fdt = h->fdt;
	int uart = console_node(fdt), depth = 0, skip_depth = -1;

	for (int node = fdt_next_node(fdt, 0, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (skip_depth >= 0 && depth > skip_depth) {
			continue;
		}
		skip_depth = -1;
		if (skipped_subtree(fdt, node)) {
			skip_depth = depth;
			continue;
		}
		struct hdev d = { .node = node, .owner = OWNER_NONE };
		if (!device_regs(fdt, node, &d) ||
		    fdt_get_path(fdt, node, d.path, sizeof(d.path)) != 0) {
			continue;
		}
		device_spis(fdt, node, &d);
		d.hv_what = hv_use(fdt, node, uart);
		if (d.hv_what != NULL) {
			d.owner = OWNER_HV;
		}
		struct hdev *n = realloc(h->devs, (h->nr + 1) * sizeof(*n));
		if (n == NULL) {
			lt_fatal_usage("out of memory");
		}
		h->devs = n;
		h->devs[h->nr++] = d;
	}
}

static struct hdev *host_find(struct host *h, int node)
{
	for (size_t i = 0; i < h->nr; i++) {
		if (h->devs[i].node == node) {
			return &h->devs[i];
		}
	}
	return NULL;
}

static void owner_str(const struct lt_config *c, const struct hdev *o, char *out, size_t n)
{
	if (o->owner == OWNER_HV) {
		snprintf(out, n, "%s", o->hv_what);
	} else if (o->owner == OWNER_NONE) {
		snprintf(out, n, "given to no domain");
	} else {
		snprintf(out, n, "given to domain \"%s\"", c->domains[o->owner].name);
	}
}

static bool pages_meet(const struct hdev *a, const struct hdev *b, uint64_t *page)
{
	for (int i = 0; i < a->nr_reg; i++) {
		uint64_t a0 = a->reg[i][0] & ~(PAGE - 1), a1 = a->reg[i][0] + a->reg[i][1];
		for (int j = 0; j < b->nr_reg; j++) {
			uint64_t b0 = b->reg[j][0] & ~(PAGE - 1), b1 = b->reg[j][0] + b->reg[j][1];
			if (a0 < b1 && b0 < a1) {
				*page = a0 > b0 ? a0 : b0;
				return true;
			}
		}
	}
	return false;
}

static bool spis_meet(const struct hdev *a, const struct hdev *b, uint32_t *spi)
{
	for (int i = 0; i < a->nr_spi; i++) {
		for (int j = 0; j < b->nr_spi; j++) {
			if (a->spi[i] == b->spi[j]) {
				*spi = a->spi[i];
				return true;
			}
		}
	}
	return false;
}

/* Pages and interrupt lines shared with a device of another owner: the
 * first such device is named, the others counted. */
static void check_sharing(const struct lt_config *c, struct host *h, const struct hdev *d,
			  size_t dom)
{
	char where[64], who[96];
	const char *name = c->domains[dom].name;
	const struct hdev *page_with = NULL, *spi_with = NULL;
	unsigned more_pages = 0, more_spis = 0;
	uint64_t page = 0, p;
	uint32_t spi = 0, s;

	for (size_t i = 0; i < h->nr; i++) {
		const struct hdev *o = &h->devs[i];
		if (o == d || o->owner == (int)dom) {
			continue;
		}
		if (pages_meet(d, o, &p)) {
			more_pages += page_with != NULL;
			if (page_with == NULL) {
				page_with = o;
				page = p;
			}
		}
		if (spis_meet(d, o, &s)) {
			more_spis += spi_with != NULL;
			if (spi_with == NULL) {
				spi_with = o;
				spi = s;
			}
		}
	}
	snprintf(where, sizeof(where), "domains.%zu.devices.%zu", dom, d->json_k);
	struct lt_loc loc = lt_json_loc(c, where);
	if (page_with != NULL) {
		owner_str(c, page_with, who, sizeof(who));
		lt_error(
			&loc,
			"domain \"%s\": devices: \"%s\" shares the 4 KiB page 0x%llx with \"%s\" (%s)%s",
			name, d->path, (unsigned long long)page, page_with->path, who,
			more_pages != 0 ? " and other devices" : "");
	}
	if (spi_with != NULL) {
		owner_str(c, spi_with, who, sizeof(who));
		lt_error(&loc, "domain \"%s\": devices: \"%s\" uses SPI %u, as \"%s\" does (%s)%s",
			 name, d->path, spi, spi_with->path, who,
			 more_spis != 0 ? " and other devices" : "");
	}
}

/* --- writing the partial device tree -------------------------------------------- */

#define TRY(x)                       \
	do {                         \
		int err_ = (x);      \
		if (err_ < 0) {      \
			return err_; \
		}                    \
	} while (0)

static bool copied(const char *prop)
{
	static const char *const dropped[] = { "reg",    "phandle",     "linux,phandle",
					       "clocks", "clock-names", "interrupt-parent",
					       NULL };

	for (int i = 0; dropped[i] != NULL; i++) {
		if (strcmp(prop, dropped[i]) == 0) {
			return false;
		}
	}
	return strncmp(prop, "xen,", 4) != 0;
}

static int cells_prop(void *fdt, const char *name, const uint64_t *v, int n)
{
	fdt32_t c[6 * MAX_REG];

	for (int i = 0; i < n; i++) {
		c[2 * i] = cpu_to_fdt32((uint32_t)(v[i] >> 32));
		c[2 * i + 1] = cpu_to_fdt32((uint32_t)v[i]);
	}
	return fdt_property(fdt, name, c, n * 8);
}

static int write_device(void *out, const void *host, const struct hdev *d)
{
	const char *name = strrchr(d->path, '/') + 1;
	uint64_t reg[2 * MAX_REG], xreg[3 * MAX_REG];
	int prop;

	TRY(fdt_begin_node(out, name));
	fdt_for_each_property_offset(prop, host, d->node)
	{
		const char *pname;
		int len;
		const void *val = fdt_getprop_by_offset(host, prop, &pname, &len);
		if (val != NULL && copied(pname)) {
			TRY(fdt_property(out, pname, val, len));
		}
	}
	for (int i = 0; i < d->nr_reg; i++) {
		uint64_t base = d->reg[i][0] & ~(PAGE - 1);
		reg[2 * i] = d->reg[i][0];
		reg[2 * i + 1] = d->reg[i][1];
		xreg[3 * i] = base;
		xreg[3 * i + 1] = ((d->reg[i][0] + d->reg[i][1] + PAGE - 1) & ~(PAGE - 1)) - base;
		xreg[3 * i + 2] = base; /* at its host address in the guest */
	}
	TRY(cells_prop(out, "reg", reg, 2 * d->nr_reg));
	if (fdt_getprop(host, d->node, "interrupts", NULL) != NULL) {
		TRY(fdt_property_u32(out, "interrupt-parent", GUEST_GIC_PHDL));
	}
	TRY(cells_prop(out, "xen,reg", xreg, 3 * d->nr_reg));
	TRY(fdt_property_string(out, "xen,path", d->path));
	return fdt_end_node(out);
}

static int write_partial(void *out, int size, const void *host, struct hdev *const *devs, size_t n)
{
	TRY(fdt_create(out, size));
	TRY(fdt_finish_reservemap(out));
	TRY(fdt_begin_node(out, ""));
	TRY(fdt_property_u32(out, "#address-cells", 2));
	TRY(fdt_property_u32(out, "#size-cells", 2));
	TRY(fdt_begin_node(out, "gic"));
	TRY(fdt_property_u32(out, "#interrupt-cells", 3));
	TRY(fdt_property_u32(out, "#address-cells", 0));
	TRY(fdt_property(out, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(out, "phandle", GUEST_GIC_PHDL));
	TRY(fdt_end_node(out));
	TRY(fdt_begin_node(out, "passthrough"));
	TRY(fdt_property_string(out, "compatible", "simple-bus"));
	TRY(fdt_property(out, "ranges", NULL, 0));
	TRY(fdt_property_u32(out, "#address-cells", 2));
	TRY(fdt_property_u32(out, "#size-cells", 2));
	for (size_t i = 0; i < n; i++) {
		TRY(write_device(out, host, devs[i]));
	}
	TRY(fdt_end_node(out));
	TRY(fdt_end_node(out));
	return fdt_finish(out);
}

/* The domain's device-tree module, held in memory as a file of its own. */
static void add_module(struct lt_config *c, size_t dom, void *dtb)
{
	struct lt_domain *d = &c->domains[dom];
	struct lt_file *f = realloc(c->files, (c->nr_files + 1) * sizeof(*f));
	char name[64];

	if (f == NULL) {
		lt_fatal_usage("out of memory");
	}
	c->files = f;
	f = &c->files[c->nr_files];
	memset(f, 0, sizeof(*f));
	snprintf(name, sizeof(name), "devices-%s.dtb", d->name);
	f->path = strdup(name);
	f->shown = strdup(name);
	f->made = strdup(name);
	f->data = dtb;
	f->present = true;
	f->size = fdt_totalsize(dtb);
	lt_sha256(dtb, f->size, f->sha256);
	d->mod[LCM_MOD_DEVICE_TREE] = (struct lt_module){ .present = true,
							  .file = (int)c->nr_files++,
							  .loc = d->devices_loc };
}

bool lt_config_has_devices(const struct lt_config *c)
{
	for (size_t i = 0; i < c->nr_domains; i++) {
		if (c->domains[i].nr_devices != 0) {
			return true;
		}
	}
	return false;
}

/* Claim each named device for its domain; the bad names are reported. */
static void claim(struct lt_config *c, struct host *h, size_t dom, struct hdev **mine, size_t *n)
{
	struct lt_domain *ld = &c->domains[dom];
	char where[64], who[96];

	for (size_t k = 0; k < ld->nr_devices; k++) {
		const char *path = ld->devices[k];
		if (path == NULL) {
			continue; /* reported by the JSON loader */
		}
		snprintf(where, sizeof(where), "domains.%zu.devices.%zu", dom, k);
		struct lt_loc loc = lt_json_loc(c, where);
		int node = path[0] == '/' ? fdt_path_offset(h->fdt, path) : -1;
		if (node < 0) {
			lt_error(
				&loc,
				"domain \"%s\": devices: \"%s\" is not a node of the host device tree",
				ld->name, path);
			continue;
		}
		struct hdev *d = host_find(h, node);
		if (d == NULL) {
			lt_error(
				&loc,
				"domain \"%s\": devices: \"%s\" is not a device (no MMIO registers in reg)",
				ld->name, path);
			continue;
		}
		if (fdt_getprop(h->fdt, node, "dma-coherent", NULL) != NULL) {
			lt_error(
				&loc,
				"domain \"%s\": devices: \"%s\" does DMA and there is no IOMMU: only the hardware domain gets it",
				ld->name, path);
			continue;
		}
		if (d->owner == (int)dom) {
			lt_error(&loc, "domain \"%s\": devices: \"%s\" is named twice", ld->name,
				 path);
			continue;
		}
		if (d->owner != OWNER_NONE) {
			owner_str(c, d, who, sizeof(who));
			lt_error(&loc, "domain \"%s\": devices: \"%s\" is %s%s", ld->name, path,
				 d->owner >= 0 ? "already " : "", who);
			continue;
		}
		d->owner = (int)dom;
		d->json_k = k;
		mine[(*n)++] = d;
	}
}

bool lt_devices_prepare(struct lt_config *c, const void *host_dtb)
{
	struct host h = { .fdt = host_dtb };
	unsigned errors = lt_nr_errors;
	struct hdev ***mine = calloc(c->nr_domains, sizeof(*mine));
	size_t *nr = calloc(c->nr_domains, sizeof(*nr));

	if (mine == NULL || nr == NULL) {
		lt_fatal_usage("out of memory");
	}
	host_scan(&h);
	for (size_t i = 0; i < c->nr_domains; i++) {
		mine[i] = calloc(c->domains[i].nr_devices + 1, sizeof(**mine));
		if (mine[i] == NULL) {
			lt_fatal_usage("out of memory");
		}
		claim(c, &h, i, mine[i], &nr[i]);
	}
	for (size_t i = 0; i < c->nr_domains; i++) {
		for (size_t k = 0; k < nr[i]; k++) {
			check_sharing(c, &h, mine[i][k], i);
		}
	}
	for (size_t i = 0; i < c->nr_domains && lt_nr_errors == errors; i++) {
		if (nr[i] == 0) {
			continue;
		}
		int size = 4096 + (int)nr[i] * 2048;
		void *out = malloc((size_t)size);
		int err = out != NULL ? write_partial(out, size, host_dtb, mine[i], nr[i]) : -1;
		if (err != 0) {
			lt_fatal_usage("cannot write domain \"%s\"'s device tree: %s",
				       c->domains[i].name, fdt_strerror(err));
		}
		add_module(c, i, out);
	}
	for (size_t i = 0; i < c->nr_domains; i++) {
		free(mine[i]);
	}
	free(mine);
	free(nr);
	free(h.devs);
	return lt_nr_errors == errors;
}

const char *lt_host_dtb_file;

void *lt_host_dtb(const struct lt_machine *m)
{
	size_t size;

	if (lt_host_dtb_file != NULL) {
		void *fdt = lt_read_file(lt_host_dtb_file, &size);
		if (fdt == NULL) {
			lt_fatal_usage("cannot read \"%s\": %s", lt_host_dtb_file, strerror(errno));
		}
		if (size < sizeof(struct fdt_header) || fdt_check_header(fdt) != 0 ||
		    fdt_totalsize(fdt) > size) {
			lt_fatal_usage("--host-dtb: \"%s\" is not a flattened device tree",
				       lt_host_dtb_file);
		}
		return fdt;
	}
	char tmp[] = "/tmp/lcm-tool.XXXXXX";
	if (mkdtemp(tmp) == NULL) {
		lt_fatal_usage("cannot create a scratch folder: %s", strerror(errno));
	}
	const char *qemu = getenv("QEMU") != NULL ? getenv("QEMU") : "qemu-system-aarch64";
	void *fdt = lt_dump_machine_dtb(qemu, tmp, m, NULL, false);
	rmdir(tmp);
	return fdt;
}
