/*
 * lcm-tool import of a Xen dom0less device tree (Xen's
 * docs/misc/arm/device-tree/booting.txt): every "xen,domain" child of
 * /chosen becomes a domain, its "multiboot,kernel|ramdisk|device-tree"
 * children its modules; "multiboot,module" nodes directly under /chosen are
 * a classic dom0's, which becomes a legacy dom0 with every role Xen gives
 * its dom0. Properties are read in the order of the tree, so warnings come
 * in that order. The input is untrusted: lcm_fdt_check() first, every
 * length checked, every name printed through lcm_printable().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "import.h"

/* Xen's "capabilities" bits (public/bootfdt.h: DOMAIN_CAPS_*). */
#define XEN_CAPS_CONTROL  (1u << 0)
#define XEN_CAPS_HARDWARE (1u << 1)
#define XEN_CAPS_XENSTORE (1u << 2)

/* What Xen's dom0 is: every privilege, the console, xenstore. */
#define DOM0_PERMISSIONS (LCM_PERMISSION_CONTROL | LCM_PERMISSION_HARDWARE)
#define DOM0_FUNCTIONS   (LCM_FUNCTION_CONSOLE | LCM_FUNCTION_XENSTORE | LCM_FUNCTION_LEGACY_DOM0)
/* Without dom0_mem=: what Hyperlaunch's own classic launch gives at most. */
#define DOM0_DEFAULT_KIB (256u * 1024)

struct dtb {
	struct imp *im;
	const void *fdt;
};

/* A kind of module: an enum lcm_module_type, or one of these. */
#define K_NONE (-1)
#define K_ANY  LCM_MOD_NR_TYPES
#define K_XSM  (LCM_MOD_NR_TYPES + 1)

/* The kind of a module node, by its compatible list. */
static int module_kind(const void *fdt, int node)
{
	static const struct {
		const char *compat;
		int kind;
	} kinds[] = {
		{ "multiboot,kernel", LCM_MOD_KERNEL },
		{ "xen,linux-zimage", LCM_MOD_KERNEL },
		{ "multiboot,ramdisk", LCM_MOD_RAMDISK },
		{ "xen,linux-initrd", LCM_MOD_RAMDISK },
		{ "multiboot,device-tree", LCM_MOD_DEVICE_TREE },
		{ "xen,xsm-policy", K_XSM },
		{ "multiboot,module", K_ANY },
		{ "xen,multiboot-module", K_ANY },
	};

	int len;
	const char *compat = fdt_getprop(fdt, node, "compatible", &len);
	if (compat == NULL || len <= 0) {
		return K_NONE;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (fdt_stringlist_contains(compat, len, kinds[i].compat)) {
			return kinds[i].kind;
		}
	}
	return K_NONE;
}

static bool compatible(const void *fdt, int node, const char *s)
{
	int len;
	const char *compat = fdt_getprop(fdt, node, "compatible", &len);

	return compat != NULL && len > 0 && fdt_stringlist_contains(compat, len, s);
}

/* The node's path, printable, for messages. */
static void node_path(const void *fdt, int node, char *out, size_t size)
{
	char raw[256];

	if (fdt_get_path(fdt, node, raw, sizeof(raw)) != 0) {
		snprintf(raw, sizeof(raw), "(node at offset %d)", node);
	}
	lcm_printable(out, size, raw);
}

/* A string property: NUL-terminated within its length and printable, else
 * NULL (reported). */
static const char *string_prop(struct dtb *b, int node, const char *name, const char *where)
{
	int len;
	const char *v = fdt_getprop(b->fdt, node, name, &len);

	if (v == NULL) {
		return NULL;
	}
	if (len <= 0 || memchr(v, '\0', (size_t)len) == NULL) {
		imp_error(b->im, 0, where, "%s: not a string", name);
		return NULL;
	}
	/* What goes into the JSON and onto a command line: printable ASCII. */
	for (const char *c = v; *c != '\0'; c++) {
		if (*c < 0x20 || *c > 0x7e) {
			imp_error(b->im, 0, where, "%s: byte 0x%02x at %d is not printable ASCII",
				  name, (unsigned char)*c, (int)(c - v));
			return NULL;
		}
	}
	return v;
}

/* A one- or two-cell number. */
static bool number_prop(struct dtb *b, int node, const char *name, const char *where, uint64_t *out)
{
	int len;
	const fdt32_t *v = fdt_getprop(b->fdt, node, name, &len);

	if (v == NULL) {
		return false;
	}
	if (len == 4) {
		*out = fdt32_to_cpu(v[0]);
	} else if (len == 8) {
		*out = ((uint64_t)fdt32_to_cpu(v[0]) << 32) | fdt32_to_cpu(v[1]);
	} else {
		imp_error(b->im, 0, where, "%s: %d bytes, expected a number of 1 or 2 cells", name,
			  len);
		return false;
	}
	return true;
}

/* #address-cells or #size-cells for the children of @node: its own, else
 * inherited from its nearest ancestor that has one (as Xen's
 * dt_n_addr_cells() reads them), else the Devicetree default @def; 0 when
 * the property is malformed. */
static int cells(const void *fdt, int node, const char *name, int def)
{
	for (int n = node; n >= 0; n = fdt_parent_offset(fdt, n)) {
		int len;
		const fdt32_t *v = fdt_getprop(fdt, n, name, &len);
		if (v != NULL) {
			return len == 4 ? (int)fdt32_to_cpu(*v) : 0;
		}
	}
	return def;
}

/* The module node @node of a domain: located by reg (with the cells of
 * @parent) or named by xen,uefi-binary; bootargs on kernels only. */
static void read_module(struct dtb *b, int parent, int node, unsigned type, struct imp_domain *d)
{
	struct imp_module *m = &d->mod[type];
	char where[160];
	int len;

	node_path(b->fdt, node, where, sizeof(where));
	if (m->present) {
		imp_error(b->im, 0, where, "a second %s module of %s (the first is %s)",
			  lcm_module_type_name(type), d->name, m->where);
		return;
	}
	m->present = true;
	snprintf(m->where, sizeof(m->where), "%s", where);

	int ac = cells(b->fdt, parent, "#address-cells", 2);
	int sc = cells(b->fdt, parent, "#size-cells", 1);
	const fdt32_t *reg = fdt_getprop(b->fdt, node, "reg", &len);
	const char *uefi = string_prop(b, node, "xen,uefi-binary", where);
	if (reg != NULL) {
		if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
			imp_error(
				b->im, 0, where,
				"reg: #address-cells and #size-cells must be 1 or 2 (they are %d and %d)",
				ac, sc);
		} else if (len != (ac + sc) * 4) {
			imp_error(
				b->im, 0, where,
				"reg: %d bytes, expected one range of %d address and %d size cells",
				len, ac, sc);
		} else {
			m->addr = fdt32_to_cpu(reg[0]);
			if (ac == 2) {
				m->addr = (m->addr << 32) | fdt32_to_cpu(reg[1]);
			}
			m->size = fdt32_to_cpu(reg[ac]);
			if (sc == 2) {
				m->size = (m->size << 32) | fdt32_to_cpu(reg[ac + 1]);
			}
			m->has_reg = true;
			if (m->size == 0 || m->addr + m->size < m->addr) {
				imp_error(b->im, 0, where, "reg: an empty or wrapping range");
			}
		}
	} else if (uefi == NULL) {
		imp_error(b->im, 0, where, "reg: missing (and no xen,uefi-binary)");
	}
	if (uefi != NULL) {
		m->file = imp_strdup(uefi);
	}
	const char *args = string_prop(b, node, "bootargs", where);
	if (args != NULL && type == LCM_MOD_KERNEL) {
		m->bootargs = imp_strdup(args);
	} else if (args != NULL) {
		imp_warning(b->im, 0, where, "bootargs: only a kernel has a command line: ignored");
	}
}

/* Properties of a xen,domain node with no equivalent, and why. */
static const struct {
	const char *prop;
	const char *why;
} no_equivalent[] = {
	{ "direct-map", "1:1 guest memory has no equivalent yet: ignored" },
	{ "xen,static-mem",
	  "memory at fixed host addresses has no equivalent: the domain's memory comes from the hypervisor's allocator" },
	{ "nr_spis", "no equivalent (the virtual GIC's size is the hypervisor's): ignored" },
	{ "xen,domain-p2m-mem-mb",
	  "no equivalent (stage-2 tables come from the hypervisor's own memory): ignored" },
	{ "max_grant_version", "grant tables have no equivalent yet: ignored" },
	{ "max_grant_frames", "grant tables have no equivalent yet: ignored" },
	{ "max_maptrack_frames", "grant tables have no equivalent yet: ignored" },
	{ "sve", "no equivalent (guests are told there is no SVE): ignored" },
	{ "passthrough", "IOMMU mappings have no equivalent: ignored" },
	{ "llc-colors", "cache colouring has no equivalent: ignored" },
	{ "domain-cpupool", "CPU pools have no equivalent: ignored" },
	{ "trap-unmapped-accesses", "no equivalent: ignored" },
	{ "xen,sci_type", "SCMI mediation has no equivalent: ignored" },
	{ "v8r_el1_msa", "Armv8-R has no equivalent: ignored" },
};

/* Properties read elsewhere or that say nothing about the launch. */
static bool quiet_prop(const char *name)
{
	static const char *const quiet[] = {
		"compatible",
		"#address-cells",
		"#size-cells",
		"#xen,static-mem-address-cells",
		"#xen,static-mem-size-cells",
		"phandle",
		"linux,phandle",
		"name",
		"memory",
		"cpus",
		"vpl011",
		"capabilities",
		"xen,enhanced",
	};

	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
		if (strcmp(name, quiet[i]) == 0) {
			return true;
		}
	}
	return false;
}

/* Xen's xen,enhanced (docs/misc/arm/device-tree/booting.txt): empty or
 * "enabled" (the PV interfaces and xenstore), or "no-xenstore": the domain
 * is Xen-aware, xen-interface (docs/xen-interface.md); its store comes
 * from the XENSTORE domain either way. */
static void read_enhanced(struct dtb *b, int node, struct imp_domain *d)
{
	int len;

	if (fdt_getprop(b->fdt, node, "xen,enhanced", &len) == NULL) {
		return;
	}
	const char *v = len == 0 ? "" : string_prop(b, node, "xen,enhanced", d->where);
	if (v == NULL) {
		return;
	}
	if (strcmp(v, "") == 0 || strcmp(v, "enabled") == 0 || strcmp(v, "no-xenstore") == 0) {
		d->xen = true;
	} else {
		imp_warning(b->im, 0, d->where,
			    "xen,enhanced: \"%s\" is not \"enabled\" or \"no-xenstore\": ignored",
			    v);
	}
}

static void read_domain_props(struct dtb *b, int node, struct imp_domain *d)
{
	int prop;

	fdt_for_each_property_offset(prop, b->fdt, node)
	{
		const char *name;
		char pname[96];
		if (fdt_getprop_by_offset(b->fdt, prop, &name, NULL) == NULL) {
			continue;
		}
		if (quiet_prop(name)) {
			continue;
		}
		size_t i;
		for (i = 0; i < sizeof(no_equivalent) / sizeof(no_equivalent[0]); i++) {
			if (strcmp(name, no_equivalent[i].prop) == 0) {
				imp_warning(b->im, 0, d->where, "%s: %s", name,
					    no_equivalent[i].why);
				break;
			}
		}
		if (i == sizeof(no_equivalent) / sizeof(no_equivalent[0])) {
			lcm_printable(pname, sizeof(pname), name);
			imp_warning(b->im, 0, d->where, "%s: unknown property: ignored", pname);
		}
	}

	read_enhanced(b, node, d);

	uint64_t v;
	if (number_prop(b, node, "memory", d->where, &v)) {
		if (v < LCM_MIN_MEMORY_KIB || v % 4 != 0 || v >= (1ull << 40)) {
			imp_error(
				b->im, 0, d->where,
				"memory: %llu KiB cannot be expressed (at least %u KiB, whole 4 KiB pages, below 2^40)",
				(unsigned long long)v, LCM_MIN_MEMORY_KIB);
		}
		d->memory_kib = v;
	} else if (fdt_getprop(b->fdt, node, "memory", NULL) == NULL) {
		imp_error(b->im, 0, d->where, "memory: missing (Xen requires it)");
	}
	if (number_prop(b, node, "cpus", d->where, &v)) {
		if (v == 0 || v > LCM_MAX_VCPUS) {
			imp_error(b->im, 0, d->where, "cpus: %llu is not from 1 to %u",
				  (unsigned long long)v, LCM_MAX_VCPUS);
		}
		d->cpus = (uint32_t)v;
	} else if (fdt_getprop(b->fdt, node, "cpus", NULL) == NULL) {
		imp_error(b->im, 0, d->where, "cpus: missing (Xen requires it)");
	}
	if (number_prop(b, node, "capabilities", d->where, &v)) {
		if (v & ~(uint64_t)(XEN_CAPS_CONTROL | XEN_CAPS_HARDWARE | XEN_CAPS_XENSTORE)) {
			imp_error(b->im, 0, d->where, "capabilities: unknown bits 0x%llx",
				  (unsigned long long)(v & ~(uint64_t)7));
		}
		d->permissions |= (v & XEN_CAPS_CONTROL) ? LCM_PERMISSION_CONTROL : 0;
		d->permissions |= (v & XEN_CAPS_HARDWARE) ? LCM_PERMISSION_HARDWARE : 0;
		d->functions |= (v & XEN_CAPS_XENSTORE) ? LCM_FUNCTION_XENSTORE : 0;
	}
	if (fdt_getprop(b->fdt, node, "vpl011", NULL) == NULL) {
		imp_warning(
			b->im, 0, d->where,
			"no vpl011: on Xen the domain has no console, on Hyperlaunch it has one");
	}
}

/* Children of a domain node other than modules, and why they are left out. */
static const struct {
	const char *compat;
	const char *what;
} no_equivalent_nodes[] = {
	{ "xen,evtchn-v1",
	  "a static event channel: event channels have no equivalent yet: ignored" },
	{ "xen,domain-shared-memory-v1",
	  "static shared memory (xen,shared-mem) has no equivalent yet: ignored" },
	{ "xen,vcpu",
	  "vCPU affinity has no equivalent in the JSON (the Boot Domain's affinity directive sets it): ignored" },
	{ "xen,cpupool", "a CPU pool has no equivalent: ignored" },
};

/* A child node that is not a module: a warning saying what it was. */
static void other_node(struct dtb *b, int node)
{
	char where[160];

	node_path(b->fdt, node, where, sizeof(where));
	for (size_t i = 0; i < sizeof(no_equivalent_nodes) / sizeof(no_equivalent_nodes[0]); i++) {
		if (compatible(b->fdt, node, no_equivalent_nodes[i].compat)) {
			imp_warning(b->im, 0, where, "%s", no_equivalent_nodes[i].what);
			return;
		}
	}
	imp_warning(b->im, 0, where, "unknown node: ignored");
}

/* The domain's name: its node name, "@" made "-" (a JSON name has no unit
 * address). */
static bool domain_name(struct dtb *b, int node, const char *where, char *out, size_t size)
{
	const char *name = fdt_get_name(b->fdt, node, NULL);
	char fixed[64];

	snprintf(fixed, sizeof(fixed), "%s", name != NULL ? name : "");
	char *at = strchr(fixed, '@');
	if (at != NULL) {
		*at = '-';
	}
	if (!lcm_valid_name(fixed) || strchr(fixed, '@') != NULL || strcmp(fixed, "config") == 0) {
		imp_error(
			b->im, 0, where,
			"name: not a domain name (1-31 letters, digits or \",._+-\", from a letter; not \"config\")");
		return false;
	}
	if (at != NULL) {
		imp_warning(b->im, 0, where, "name: written as \"%s\" (a JSON name has no \"@\")",
			    fixed);
	}
	for (size_t i = 0; i < b->im->nr_domains; i++) {
		if (strcmp(b->im->domains[i].name, fixed) == 0) {
			imp_error(b->im, 0, where, "name: a second domain named \"%s\"", fixed);
			return false;
		}
	}
	memcpy(out, fixed, strlen(fixed) + 1 <= size ? strlen(fixed) + 1 : 0);
	return true;
}

static void read_domain(struct dtb *b, int node)
{
	char where[128], name[LCM_NAME_MAX + 1];
	int child;

	node_path(b->fdt, node, where, sizeof(where));
	if (!domain_name(b, node, where, name, sizeof(name))) {
		return;
	}
	struct imp_domain *d = imp_add_domain(b->im, name, where, 0);
	if (d == NULL) {
		return;
	}
	read_domain_props(b, node, d);
	fdt_for_each_subnode(child, b->fdt, node)
	{
		int k = module_kind(b->fdt, child);
		if (k >= 0 && k < LCM_MOD_NR_TYPES) {
			read_module(b, node, child, (unsigned)k, d);
		} else if (k == K_ANY || k == K_XSM) {
			char cwhere[160];
			node_path(b->fdt, child, cwhere, sizeof(cwhere));
			imp_warning(
				b->im, 0, cwhere,
				"a module of a domain must be multiboot,kernel, ramdisk or device-tree: ignored");
		} else {
			other_node(b, child);
		}
	}
	if (!d->mod[LCM_MOD_KERNEL].present) {
		imp_error(b->im, 0, where, "no multiboot,kernel module");
	}
	if (d->mod[LCM_MOD_DEVICE_TREE].present) {
		imp_warning(
			b->im, 0, d->mod[LCM_MOD_DEVICE_TREE].where,
			"the passthrough device tree becomes the domain's device-tree module; device assignment from it does not exist yet");
	}
}

/* The dom0 modules directly under /chosen, in Xen's order: typed ones by
 * their type; of the untyped, the first is the kernel, the second the
 * ramdisk (booting.txt, "Dom0 kernel and ramdisk modules"). */
static void read_dom0_modules(struct dtb *b, int chosen, struct imp_domain **dom0)
{
	int child, untyped = 0;

	fdt_for_each_subnode(child, b->fdt, chosen)
	{
		int k = module_kind(b->fdt, child);
		char where[160];
		if (k == K_NONE) {
			continue;
		}
		node_path(b->fdt, child, where, sizeof(where));
		if (k == K_XSM) {
			imp_warning(
				b->im, 0, where,
				"a FLASK policy has no equivalent (Hyperlaunch's xsm-policy module has its own format): ignored");
			continue;
		}
		if (k == K_ANY) {
			if (untyped >= 2) {
				imp_warning(b->im, 0, where,
					    "a third untyped module: Xen gives it no use: ignored");
				continue;
			}
			k = untyped++ == 0 ? LCM_MOD_KERNEL : LCM_MOD_RAMDISK;
		}
		if (k == LCM_MOD_DEVICE_TREE) {
			imp_error(b->im, 0, where, "dom0 cannot have a passthrough device tree");
			continue;
		}
		if (*dom0 == NULL) {
			*dom0 = imp_add_domain(b->im, "dom0", "/chosen", 0);
			if (*dom0 == NULL) {
				return;
			}
			(*dom0)->permissions = DOM0_PERMISSIONS;
			(*dom0)->functions = DOM0_FUNCTIONS;
			(*dom0)->memory_kib = DOM0_DEFAULT_KIB;
		}
		read_module(b, chosen, child, (unsigned)k, *dom0);
	}
}

/*
 * /chosen's own properties: Xen's and dom0's command lines, by the rules of
 * booting.txt ("Command lines"): xen,xen-bootargs is Xen's, else bootargs
 * is Xen's when xen,dom0-bootargs or dom0's kernel node has dom0's;
 * otherwise bootargs is dom0's. dom0 takes its kernel node's bootargs
 * first, as Hyperlaunch's own classic launch does.
 */
static void read_chosen_props(struct dtb *b, int chosen, struct imp_domain *dom0)
{
	const char *xen = string_prop(b, chosen, "xen,xen-bootargs", "/chosen");
	const char *d0 = string_prop(b, chosen, "xen,dom0-bootargs", "/chosen");
	const char *plain = string_prop(b, chosen, "bootargs", "/chosen");
	struct imp_module *k = dom0 != NULL ? &dom0->mod[LCM_MOD_KERNEL] : NULL;
	const char *xen_from = "/chosen: xen,xen-bootargs";
	unsigned seen = 0;

	if (xen == NULL && plain != NULL && (d0 != NULL || (k != NULL && k->bootargs != NULL))) {
		xen = plain;
		xen_from = "/chosen: bootargs";
		plain = NULL;
	}
	if (xen != NULL) {
		seen = imp_xen_cmdline(b->im, 0, xen_from, xen, dom0);
	}
	if (dom0 == NULL) {
		if (d0 != NULL || plain != NULL) {
			imp_warning(b->im, 0, "/chosen", "%s: there is no dom0 kernel: ignored",
				    d0 != NULL ? "xen,dom0-bootargs" : "bootargs");
		}
		return;
	}
	if (k->present && k->bootargs == NULL && (d0 != NULL || plain != NULL)) {
		k->bootargs = imp_strdup(d0 != NULL ? d0 : plain);
	}
	if (!(seen & IMP_SEEN_DOM0_MEM)) {
		imp_warning(b->im, 0, "/chosen",
			    "no dom0_mem= in Xen's command line: dom0 gets %llu MiB",
			    (unsigned long long)(dom0->memory_kib >> 10));
	}
	if (!(seen & IMP_SEEN_DOM0_VCPUS)) {
		imp_warning(b->im, 0, "/chosen",
			    "no dom0_max_vcpus= in Xen's command line: dom0 gets %u vCPU%s",
			    dom0->cpus, dom0->cpus == 1 ? "" : "s");
	}
	if (!k->present) {
		imp_error(b->im, 0, "/chosen", "dom0 has modules but no kernel");
	}
}

bool imp_read_dtb(struct imp *im, const void *fdt, size_t size)
{
	struct dtb b = { im, fdt };
	unsigned errors = lt_nr_errors;
	const char *why = lcm_fdt_check(fdt, size);
	int chosen, child;

	if (why != NULL) {
		imp_error(im, 0, "", "not a valid device tree: %s", why);
		return false;
	}
	if (fdt_path_offset(fdt, LCM_HYPERVISOR_PATH) >= 0) {
		imp_error(im, 0, LCM_HYPERVISOR_PATH,
			  "already a Hyperlaunch LCM: nothing to import (lcm-tool show prints it)");
		return false;
	}
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0) {
		imp_error(im, 0, "/chosen", "missing: not a dom0less device tree");
		return false;
	}
	struct imp_domain *dom0 = NULL;
	read_dom0_modules(&b, chosen, &dom0);
	read_chosen_props(&b, chosen, dom0);
	fdt_for_each_subnode(child, fdt, chosen)
	{
		if (compatible(fdt, child, LCM_COMPAT_DOMAIN)) {
			read_domain(&b, child);
		} else if (compatible(fdt, child, "xen,evtchn-v1") ||
			   compatible(fdt, child, "xen,cpupool")) {
			other_node(&b, child);
		}
	}
	imp_check_roles(im, dom0 != NULL); /* dom0 is domains[0]; the list has moved */
	if (im->nr_domains == 0 && lt_nr_errors == errors) {
		imp_error(im, 0, "/chosen",
			  "no xen,domain node and no dom0 kernel: not a dom0less device tree");
	}
	return lt_nr_errors == errors;
}
