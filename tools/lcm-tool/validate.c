/*
 * Validation: the LCM library's checks (the very code the hypervisor runs)
 * plus the checks only a host can make: files, sizes against memory, module
 * formats, modules against the machine's RAM. For an LCM built from JSON,
 * each library diagnostic is pointed back at the JSON key it came from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "lcm-tool.h"

static struct lcm_domain domains[LT_MAX_DOMAINS];
static struct lcm_module modules[LT_MAX_MODULES];
static struct lcm_diag diags[LT_MAX_DIAGS];

void lt_launch_init(struct lcm_launch *l)
{
	memset(l, 0, sizeof(*l));
	l->domains = domains;
	l->max_domains = LT_MAX_DOMAINS;
	l->modules = modules;
	l->max_modules = LT_MAX_MODULES;
	l->diags = diags;
	l->max_diags = LT_MAX_DIAGS;
}

/* ... and "name", the library's pseudo-property for the node name. */
static const char *const domain_props[] = { "name",      "domid",  "permissions",
					    "functions", "mode",   "domain-uuid",
					    "cpus",      "memory", "security-id",
					    "safety",    NULL };

/* "/chosen/hypervisor/NAME[/MODULE[/hash]]" -> the JSON member it came from. */
static void report_json(const struct lt_config *c, const struct lcm_diag *d)
{
	const char *prefix = LCM_HYPERVISOR_PATH "/";
	char node[64] = "", sub[64] = "", jpath[256], what[160];
	const char *json_key = NULL; /* a split device's: its JSON list */
	struct lt_loc loc;

	if (strncmp(d->path, prefix, strlen(prefix)) == 0) {
		sscanf(d->path + strlen(prefix), "%63[^/]/%63[^/]", node, sub);
	}
	snprintf(jpath, sizeof(jpath), "domains");
	snprintf(what, sizeof(what), "%s", d->path[0] ? d->path : "LCM");
	/* The JSON key of the SafeVM extension has no vendor prefix. */
	const char *prop = strcmp(d->prop, LCM_PROP_SAFETY) == 0 ? "safety" : d->prop;
	if (strcmp(node, "config") == 0) {
		const char *key = sub[0] ? sub : d->prop;
		snprintf(jpath, sizeof(jpath), "config%s%s", key[0] ? "." : "", key);
		snprintf(what, sizeof(what), "config%s%s", sub[0] ? ": " : "", sub);
	} else {
		for (size_t i = 0; i < c->nr_domains; i++) {
			if (strcmp(c->domains[i].name, node) != 0) {
				continue;
			}
			snprintf(what, sizeof(what), "domain \"%s\"%s%s", node, sub[0] ? ": " : "",
				 sub);
			unsigned k;
			char type[4];
			if (sscanf(sub, "xen-%3[a-z]@%x", type, &k) == 2 &&
			    (strcmp(type, "vbd") == 0 || strcmp(type, "vif") == 0)) {
				/* A split device: "xen-disks"/"xen-nics" entry k. */
				const char *key = type[1] == 'b' ? "xen-disks" : "xen-nics";
				json_key = key;
				snprintf(jpath, sizeof(jpath), "domains.%zu.%s.%u%s%s", i, key, k,
					 d->prop[0] && strcmp(d->prop, "compatible") ? "." : "",
					 strcmp(d->prop, "compatible") ? d->prop : "");
				snprintf(what, sizeof(what), "domain \"%s\": %s[%u]", node, key, k);
			} else if (sub[0] != '\0') {
				snprintf(jpath, sizeof(jpath), "domains.%zu.%s", i, sub);
			} else {
				bool json_key = false;
				for (size_t k = 0; domain_props[k] != NULL; k++) {
					json_key |= strcmp(prop, domain_props[k]) == 0;
				}
				snprintf(jpath, sizeof(jpath), "domains.%zu%s%s", i,
					 json_key ? "." : "", json_key ? prop : "");
			}
		}
	}
	for (size_t i = 0; i < c->nr_domains; i++) {
		const struct lt_domain *dom = &c->domains[i];
		char key[72];
		const char *k = json_key != NULL ? json_key : sub[0] != '\0' ? sub : prop;
		if (strcmp(dom->name, node) != 0) {
			continue;
		}
		/* Already reported from the JSON: the key, the whole entry, or
		 * (a diagnostic about the node itself) its missing kernel. */
		snprintf(key, sizeof(key), ",%s,", k[0] ? k : "kernel");
		if (strstr(dom->bad_keys, key) != NULL || strstr(dom->bad_keys, ",*,") != NULL) {
			if (k[0] != '\0' || !dom->mod[LCM_MOD_KERNEL].present) {
				return;
			}
		}
	}
	loc = lt_json_loc(c, jpath);
	if (d->severity == LCM_ERROR) {
		lt_error(&loc, "%s: %s%s%s", what, d->prop, d->prop[0] ? ": " : "", d->msg);
	} else {
		lt_warning(&loc, "%s: %s%s%s", what, d->prop, d->prop[0] ? ": " : "", d->msg);
	}
}

int lt_validate(const void *fdt, size_t size, enum lcm_arch arch, const struct lt_config *c,
		const char *file, struct lcm_launch *l)
{
	lt_launch_init(l);
	int r = lcm_parse(l, fdt, size, arch);

	for (uint32_t i = 0; i < l->nr_diags; i++) {
		if (c != NULL) {
			report_json(c, &l->diags[i]);
			continue;
		}
		char text[512];
		struct lt_loc loc = { file, 0, 0 };
		lcm_diag_format(&l->diags[i], text, sizeof(text));
		if (l->diags[i].severity == LCM_ERROR) {
			lt_error(&loc, "%s", text);
		} else {
			lt_warning(&loc, "%s", text);
		}
	}
	if (l->nr_errors + l->nr_warnings > l->nr_diags) {
		struct lt_loc loc = { file, 0, 0 };
		uint32_t shown_errors = 0;
		for (uint32_t i = 0; i < l->nr_diags; i++) {
			shown_errors += l->diags[i].severity == LCM_ERROR;
		}
		/* The errors not shown still count (and only they do: warnings
		 * beyond the list do not make a valid LCM invalid). */
		uint32_t hidden = l->nr_errors - shown_errors;
		if (hidden > 0) {
			lt_error(&loc, "%u more problems not shown",
				 l->nr_errors + l->nr_warnings - l->nr_diags);
			lt_nr_errors += hidden - 1;
		} else {
			lt_warning(&loc, "%u more problems not shown",
				   l->nr_errors + l->nr_warnings - l->nr_diags);
		}
	}
	if (r == LCM_ENOLCM) {
		struct lt_loc loc = { file, 0, 0 };
		lt_error(
			&loc,
			"no %s node: this is not an LCM (a hypervisor given this DTB boots one classic domain)",
			LCM_HYPERVISOR_PATH);
	}
	return r;
}

/* Linux arm64 Image header: "ARM\x64" at 0x38 (Documentation/arm64/booting.rst). */
static bool is_arm64_image(const uint8_t *p, size_t n)
{
	return n >= 64 && p[0x38] == 'A' && p[0x39] == 'R' && p[0x3a] == 'M' && p[0x3b] == 0x64;
}

void lt_check_config_files(const struct lt_config *c, enum lcm_arch arch)
{
	for (size_t i = 0; i < c->nr_domains; i++) {
		const struct lt_domain *d = &c->domains[i];
		uint64_t total = 0;
		char have[32], need[32];

		for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
			const struct lt_module *m = &d->mod[t];
			if (!m->present || !c->files[m->file].present) {
				continue;
			}
			const struct lt_file *f = &c->files[m->file];
			total += f->size;
			if ((t != LCM_MOD_KERNEL && t != LCM_MOD_DEVICE_TREE) || f->data != NULL) {
				continue;
			}
			size_t n;
			uint8_t *data = lt_read_file(f->path, &n);
			if (data == NULL) {
				continue;
			}
			if (t == LCM_MOD_KERNEL && arch != LCM_ARCH_X86 &&
			    !is_arm64_image(data, n)) {
				lt_error(
					&m->loc,
					"domain \"%s\": kernel: \"%s\" is not an arm64 Image (no \"ARM\\x64\" magic at offset 0x38)",
					d->name, f->shown);
			}
			if (t == LCM_MOD_DEVICE_TREE && (n < 4 || fdt_magic(data) != FDT_MAGIC)) {
				lt_error(
					&m->loc,
					"domain \"%s\": device-tree: \"%s\" is not a flattened device tree",
					d->name, f->shown);
			}
			free(data);
		}
		if (d->memory_kib != 0 && total > d->memory_kib * 1024) {
			lt_size_str(total, need, sizeof(need));
			lt_size_str(d->memory_kib * 1024, have, sizeof(have));
			lt_error(
				&d->loc,
				"domain \"%s\": memory: its modules take %s, more than its %s of RAM",
				d->name, need, have);
		}
	}
}

/* RAM ranges of a host DTB: /memory nodes with reg in the root's cells. */
static int ram_ranges(const void *fdt, uint64_t (*r)[2], int max)
{
	int n = 0, node;
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		return 0;
	}
	fdt_for_each_subnode(node, fdt, 0)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		if (type == NULL || strcmp(type, "memory") != 0) {
			continue;
		}
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		for (int off = 0; reg != NULL && off + (ac + sc) <= len / 4 && n < max;
		     off += ac + sc) {
			uint64_t base = fdt32_ld(&reg[off]), size = fdt32_ld(&reg[off + ac]);
			if (ac == 2) {
				base = base << 32 | fdt32_ld(&reg[off + 1]);
			}
			if (sc == 2) {
				size = size << 32 | fdt32_ld(&reg[off + ac + 1]);
			}
			r[n][0] = base;
			r[n][1] = size;
			n++;
		}
	}
	return n;
}

void lt_check_lcm_host(const struct lcm_launch *l, const char *file)
{
	struct lt_loc loc = { file, 0, 0 };
	uint64_t ram[16][2];
	int nr_ram = ram_ranges(l->fdt, ram, 16);
	uint64_t ram_total = 0, dom_total = 0;
	char a[32], b[32];

	for (int i = 0; i < nr_ram; i++) {
		ram_total += ram[i][1];
	}
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		const struct lcm_domain *d = &l->domains[i];
		uint64_t total = 0;
		for (uint32_t k = d->first_module; k < d->first_module + d->nr_modules; k++) {
			total += l->modules[k].size;
		}
		dom_total += d->memory_kib * 1024;
		if (total > d->memory_kib * 1024) {
			char path[128];
			if (fdt_get_path(l->fdt, d->node, path, sizeof(path)) < 0) {
				snprintf(path, sizeof(path), "%s", d->name);
			}
			lt_size_str(total, a, sizeof(a));
			lt_size_str(d->memory_kib * 1024, b, sizeof(b));
			lt_error(&loc, "%s: memory: its modules take %s, more than its %s of RAM",
				 path, a, b);
		}
	}
	if (nr_ram == 0) {
		return; /* a stand-alone LCM: no machine to check against */
	}
	if (dom_total + LT_HV_RESERVE > ram_total) {
		lt_size_str(dom_total, a, sizeof(a));
		lt_size_str(ram_total, b, sizeof(b));
		lt_error(
			&loc,
			"the domains need %s of RAM and the hypervisor about %llu MiB, the machine has %s",
			a, (unsigned long long)(LT_HV_RESERVE / LT_MIB), b);
	}
	for (uint32_t k = 0; k < l->nr_modules; k++) {
		const struct lcm_module *m = &l->modules[k];
		bool inside = false;
		if (!(m->flags & LCM_MODF_ADDR)) {
			continue;
		}
		for (int i = 0; i < nr_ram; i++) {
			inside |=
				m->addr >= ram[i][0] && m->addr + m->size <= ram[i][0] + ram[i][1];
		}
		if (!inside) {
			char path[128], shown[512];
			if (fdt_get_path(l->fdt, m->node, path, sizeof(path)) < 0) {
				path[0] = '\0';
			}
			/* Module node names are free: shown as the library's
			 * diagnostics show LCM text. */
			lcm_printable(shown, sizeof(shown), path);
			lt_error(&loc,
				 "%s: module-addr: 0x%llx+0x%llx is not inside the machine's RAM",
				 shown, (unsigned long long)m->addr, (unsigned long long)m->size);
		}
	}
}
