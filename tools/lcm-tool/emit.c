/*
 * Configuration -> LCM: writes the /chosen/hypervisor node of the Hyperlaunch
 * device-tree bindings (docs/bindings.md) with libfdt's read-write API. The
 * same code writes a stand-alone LCM (build) and embeds one into QEMU's host
 * DTB (pack), so the two never differ.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "lcm-tool.h"

#define TRY(expr)                    \
	do {                         \
		int err_ = (expr);   \
		if (err_ < 0) {      \
			return err_; \
		}                    \
	} while (0)

static int set_u64_pair(void *fdt, int node, const char *name, uint64_t a, uint64_t b)
{
	fdt32_t cells[4] = {
		cpu_to_fdt32((uint32_t)(a >> 32)),
		cpu_to_fdt32((uint32_t)a),
		cpu_to_fdt32((uint32_t)(b >> 32)),
		cpu_to_fdt32((uint32_t)b),
	};

	return fdt_setprop(fdt, node, name, cells, sizeof(cells));
}

static int emit_module(void *fdt, int parent, const struct lt_config *c, const struct lt_module *m,
		       unsigned type, enum lt_target target)
{
	const struct lt_file *f = &c->files[m->file];
	char compat[64];
	int len;
	int node = fdt_add_subnode(fdt, parent, lcm_module_type_name(type));

	TRY(node);
	len = snprintf(compat, sizeof(compat), "%s%s", LCM_COMPAT_MODULE_PFX,
		       lcm_module_type_name(type)) +
	      1;
	if (target == LT_TARGET_X86) {
		memcpy(compat + len, LCM_COMPAT_MULTIBOOT, sizeof(LCM_COMPAT_MULTIBOOT));
		len += (int)sizeof(LCM_COMPAT_MULTIBOOT);
	}
	TRY(fdt_setprop(fdt, node, "compatible", compat, len));
	if (target == LT_TARGET_X86) {
		TRY(fdt_setprop_u32(fdt, node, "mb-index", f->mb_index));
	} else {
		/* A file not read (check --no-files) is laid out as one page. */
		TRY(set_u64_pair(fdt, node, "module-addr", f->addr, f->present ? f->size : 4096));
	}
	if (m->bootargs != NULL) {
		TRY(fdt_setprop_string(fdt, node, "bootargs", m->bootargs));
	}
	if (f->present) {
		int hash = fdt_add_subnode(fdt, node, "hash");
		TRY(hash);
		TRY(fdt_setprop_string(fdt, hash, "algo", "sha256"));
		TRY(fdt_setprop(fdt, hash, "value", f->sha256, LCM_SHA256_SIZE));
	}
	return 0;
}

/* The "xen-vbd@N" (or "xen-vif@N") nodes of @d's devices of @type, in
 * order (fdt_add_subnode() puts each before its siblings: the last first). */
static int emit_xendevs(void *fdt, int node, const struct lt_domain *d, uint8_t type)
{
	size_t n = 0;

	for (size_t k = 0; k < d->nr_xendevs; k++) {
		n += d->xendevs[k].type == type;
	}
	for (size_t k = d->nr_xendevs; k-- > 0;) {
		const struct lt_xendev *x = &d->xendevs[k];
		char name[32];
		if (x->type != type) {
			continue;
		}
		snprintf(name, sizeof(name), "xen-%s@%zx", lcm_xendev_type_name(type), --n);
		int dev = fdt_add_subnode(fdt, node, name);
		TRY(dev);
		TRY(fdt_setprop_string(fdt, dev, "compatible",
				       type == LCM_XENDEV_VBD ? LCM_COMPAT_XEN_VBD
							      : LCM_COMPAT_XEN_VIF));
		const char *props[][2] = {
			{ LCM_XENDEV_BACKEND, x->backend }, { LCM_XENDEV_TARGET, x->target },
			{ LCM_XENDEV_VDEV, x->vdev },       { LCM_XENDEV_MODE, x->mode },
			{ LCM_XENDEV_MAC, x->mac },
		};
		for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
			if (props[i][1] != NULL) {
				TRY(fdt_setprop_string(fdt, dev, props[i][0], props[i][1]));
			}
		}
	}
	return 0;
}

static int emit_domain(void *fdt, int hv, const struct lt_config *c, const struct lt_domain *d,
		       enum lt_target target)
{
	int node = fdt_add_subnode(fdt, hv, d->name);

	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "compatible", LCM_COMPAT_DOMAIN));
	if (d->domid != LCM_DOMID_AUTO) {
		TRY(fdt_setprop_u32(fdt, node, "domid", d->domid));
	}
	TRY(fdt_setprop_u32(fdt, node, "permissions", d->permissions));
	TRY(fdt_setprop_u32(fdt, node, "functions", d->functions));
	if (d->has_mode) {
		TRY(fdt_setprop_u32(fdt, node, "mode", d->mode));
	}
	if (d->has_uuid) {
		TRY(fdt_setprop(fdt, node, "domain-uuid", d->uuid, LCM_UUID_SIZE));
	}
	if (d->cpus != 0) {
		TRY(fdt_setprop_u32(fdt, node, "cpus", d->cpus));
	}
	TRY(fdt_setprop_u64(fdt, node, "memory", d->memory_kib));
	if (d->pinned != 0) {
		fdt32_t cells[LCM_MAX_PCPUS];
		int n = 0;
		for (unsigned cpu = 0; cpu < LCM_MAX_PCPUS; cpu++) {
			if (d->pinned >> cpu & 1) {
				cells[n++] = cpu_to_fdt32(cpu);
			}
		}
		TRY(fdt_setprop(fdt, node, LCM_PROP_PINNED_CPUS, cells, n * 4));
	}
	if (d->security_id != NULL) {
		TRY(fdt_setprop_string(fdt, node, "security-id", d->security_id));
	}
	if (d->safety != NULL) {
		TRY(fdt_setprop_string(fdt, node, LCM_PROP_SAFETY, d->safety));
	}
	if (d->attestation_agent) {
		TRY(fdt_setprop_empty(fdt, node, LCM_PROP_ATTESTATION_AGENT));
	}
	if (d->xen) {
		TRY(fdt_setprop_empty(fdt, node, LCM_PROP_XEN_INTERFACE));
	}
	if (d->nr_channels > 0) {
		fdt32_t cells[LCM_MAX_CHANNELS];
		for (size_t i = 0; i < d->nr_channels; i++) {
			cells[i] = cpu_to_fdt32(d->channels[i]);
		}
		TRY(fdt_setprop(fdt, node, LCM_PROP_CHANNELS, cells,
				(int)(d->nr_channels * sizeof(cells[0]))));
	}
	/* Its split devices, disks then interfaces, each in the JSON's
	 * order (a vif's handle is its position among the vifs). */
	for (int type = LCM_XENDEV_VIF; type >= LCM_XENDEV_VBD; type--) {
		TRY(emit_xendevs(fdt, node, d, (uint8_t)type));
	}
	for (unsigned t = LCM_MOD_NR_TYPES; t-- > 0;) {
		if (d->mod[t].present) {
			TRY(emit_module(fdt, node, c, &d->mod[t], t, target));
		}
	}
	return 0;
}

int lt_emit(const struct lt_config *c, void *fdt, enum lt_target target)
{
	int chosen = fdt_path_offset(fdt, "/chosen");

	if (chosen == -FDT_ERR_NOTFOUND) {
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	}
	TRY(chosen);
	int hv = fdt_add_subnode(fdt, chosen, "hypervisor");
	TRY(hv);
	TRY(fdt_setprop_string(fdt, hv, "compatible", LCM_COMPAT_HYPERVISOR));

	/* fdt_add_subnode() puts a new node before its siblings: emit in
	 * reverse so that the LCM keeps the configuration's order (the
	 * launch order), config node first. */
	for (size_t i = c->nr_domains; i-- > 0;) {
		TRY(emit_domain(fdt, hv, c, &c->domains[i], target));
	}

	bool has_config = c->has_timeout || c->on_all_off != NULL || c->control_domains != NULL;
	for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
		has_config |= c->cfgmod[t].present;
	}
	if (has_config) {
		int cfg = fdt_add_subnode(fdt, hv, "config");
		TRY(cfg);
		TRY(fdt_setprop_string(fdt, cfg, "compatible", LCM_COMPAT_CONFIG));
		if (c->has_timeout) {
			TRY(fdt_setprop_u32(fdt, cfg, LCM_PROP_BOOT_TIMEOUT, c->boot_timeout_ms));
		}
		if (c->on_all_off != NULL) {
			TRY(fdt_setprop_string(fdt, cfg, LCM_PROP_ON_ALL_OFF, c->on_all_off));
		}
		if (c->control_domains != NULL) {
			TRY(fdt_setprop_string(fdt, cfg, LCM_PROP_CONTROL_DOMAINS,
					       c->control_domains));
		}
		for (unsigned t = LCM_MOD_NR_TYPES; t-- > 0;) {
			if (c->cfgmod[t].present) {
				TRY(emit_module(fdt, cfg, c, &c->cfgmod[t], t, target));
			}
		}
	}
	return 0;
}

size_t lt_emit_size(const struct lt_config *c)
{
	size_t size = 16384 + c->nr_domains * 2048;

	for (size_t i = 0; i < c->nr_domains; i++) {
		if (c->domains[i].mod[LCM_MOD_KERNEL].bootargs != NULL) {
			size += strlen(c->domains[i].mod[LCM_MOD_KERNEL].bootargs) + 16;
		}
		for (size_t k = 0; k < c->domains[i].nr_xendevs; k++) {
			const struct lt_xendev *x = &c->domains[i].xendevs[k];
			const char *s[] = { x->backend, x->target, x->vdev, x->mode, x->mac };
			size += 256;
			for (size_t j = 0; j < sizeof(s) / sizeof(s[0]); j++) {
				size += s[j] != NULL ? strlen(s[j]) : 0;
			}
		}
	}
	return size;
}

int lt_emit_lcm(const struct lt_config *c, enum lt_target target, void **out)
{
	size_t size = lt_emit_size(c);

	void *fdt = malloc(size);
	if (fdt == NULL) {
		return -FDT_ERR_NOSPACE;
	}
	int err = fdt_create_empty_tree(fdt, (int)size);
	if (err == 0) {
		err = lt_emit(c, fdt, target);
	}
	if (err == 0) {
		err = fdt_pack(fdt);
	}
	if (err != 0) {
		free(fdt);
		return err;
	}
	*out = fdt;
	return 0;
}
