/*
 * The XENSTORE domain's plan: what Xen's toolstack would tell the store
 * about the launch, written by the builder as the node /xenstore-plan of
 * the XENSTORE domain's device tree (docs/xen-interface.md, "The plan").
 * Its toolstack program (guests/linux/xs-toolstack) reads it from
 * /proc/device-tree, writes each domain's home and its split devices'
 * entries in the store and introduces the domain. Data only, all of it
 * from the LCM (which the measured launch measures whole): every other
 * Xen-aware domain with its store ring and port (what xen_domain_built()
 * makes), and every split device (hyperlaunch,xen-vbd / xen-vif) with its
 * frontend, backend and parameters. Bounded by the LCM: at most
 * LCM_MAX_XEN_DEVICES devices per domain; the device tree's buffer limits
 * the whole (the build fails when it does not fit).
 */
#include <libfdt.h>

#include <fmt/fmt.h>
#include <lcm/lcm.h>

#include "core/xen.h"

/* The clients of a store: every Xen-aware domain but the store itself
 * (xen_config() gives each of them the store, xen_domain_built() their
 * ring). */
static bool is_client(const struct lcm_launch *l, uint32_t i)
{
	return l->domains[i].xen && (int32_t)i != l->xenstore;
}

static int write_domain(void *fdt, const struct lcm_domain *d)
{
	char name[32];
	fdt64_t gfn = cpu_to_fdt64(xen_store_gfn(d));
	int err;

	fmt_snprintf(name, sizeof(name), "domain@%x", d->domid);
	err = fdt_begin_node(fdt, name);
	err = err ? err : fdt_property_u32(fdt, "domid", d->domid);
	err = err ? err : fdt_property_string(fdt, "name", d->name);
	err = err ? err : fdt_property(fdt, "store-gfn", &gfn, sizeof(gfn));
	err = err ? err : fdt_property_u32(fdt, "store-port", XEN_STORE_PORT);
	return err ? err : fdt_end_node(fdt);
}

static int write_device(void *fdt, const struct lcm_launch *l, const struct lcm_xendev *x,
			uint32_t index)
{
	char name[32];
	int err;

	fmt_snprintf(name, sizeof(name), "%s@%x", lcm_xendev_type_name(x->type), index);
	err = fdt_begin_node(fdt, name);
	err = err ? err : fdt_property_u32(fdt, "frontend", l->domains[x->frontend].domid);
	err = err ? err : fdt_property_u32(fdt, "backend", l->domains[x->backend].domid);
	err = err ? err : fdt_property_u32(fdt, "devid", x->devid);
	if (x->type == LCM_XENDEV_VBD) {
		err = err ? err : fdt_property_string(fdt, "vdev", x->vdev);
		err = err ? err : fdt_property_string(fdt, "target", x->target);
		err = err ? err : fdt_property_string(fdt, "mode", x->readonly ? "r" : "w");
	} else {
		err = err ? err : fdt_property_string(fdt, "mac", x->mac);
	}
	return err ? err : fdt_end_node(fdt);
}

int xen_plan_write(void *fdt, const struct lcm_launch *l)
{
	int err = fdt_begin_node(fdt, XEN_PLAN_NODE);
	uint32_t index = 0;

	err = err ? err : fdt_property_string(fdt, "compatible", XEN_PLAN_COMPAT);
	for (uint32_t i = 0; i < l->nr_domains && err == 0; i++) {
		if (is_client(l, i)) {
			err = write_domain(fdt, &l->domains[i]);
		}
	}
	for (uint32_t i = 0; i < l->nr_domains && err == 0; i++) {
		const struct lcm_domain *d = &l->domains[i];
		for (uint32_t k = 0; k < d->nr_xendevs && err == 0; k++) {
			struct lcm_xendev x;
			if (lcm_xendev(l, d, k, &x)) {
				err = write_device(fdt, l, &x, index++);
			}
		}
	}
	return err ? err : fdt_end_node(fdt);
}
