/*
 * Launch detection and boot-module reservation. lcm_parse() (lib/lcm) is the
 * one judge of a valid LCM, shared with lcm-tool and the Boot Domain. With
 * an LCM, every module located by module-addr is reserved; in a classic boot
 * the modules are the /chosen nodes of the multiboot bindings Xen on Arm
 * uses (docs/misc/arm/device-tree/booting.txt in Xen). Runs on the boot CPU
 * before any other CPU starts, so its state needs no lock.
 */
#include <libfdt.h>

#include <fmt/fmt.h>
#include <lcm/lcm.h>

#include "core/console.h"
#include "core/launch.h"
#include "core/mm.h"

#define MAX_DOMAINS 32
#define MAX_MODULES 64
#define MAX_DIAGS   16

static struct lcm_domain domains[MAX_DOMAINS];
static struct lcm_module modules[MAX_MODULES];
static struct lcm_diag diags[MAX_DIAGS];
static struct lcm_launch lcm = {
	.domains = domains, .max_domains = MAX_DOMAINS,
	.modules = modules, .max_modules = MAX_MODULES,
	.diags = diags, .max_diags = MAX_DIAGS,
};
static int lcm_result;

static struct mem_range reserved[MAX_MODULES];
static unsigned nr_reserved;

/* Reserve one module range; identical ranges (a module shared by several
 * domains) count once. */
static void reserve_module(uint64_t addr, uint64_t size, const char *what)
{
	for (unsigned i = 0; i < nr_reserved; i++) {
		if (pa_addr(reserved[i].base) == addr && reserved[i].size == size) {
			return;
		}
	}
	if (nr_reserved == MAX_MODULES) {
		panic("launch: more than %u boot modules", MAX_MODULES);
	}
	struct mem_range r = { pa_init(addr), size };
	reserved[nr_reserved++] = r;
	mm_reserve(r);
	printk("mm: reserved 0x%08llx-0x%08llx for %s\n", (unsigned long long)addr,
	       (unsigned long long)(addr + size), what);
}

static void reserve_lcm_modules(void)
{
	for (uint32_t i = 0; i < lcm.nr_modules; i++) {
		const struct lcm_module *m = &modules[i];
		char what[96];

		if (!(m->flags & LCM_MODF_ADDR)) {
			continue;
		}
		const char *owner = m->owner == LCM_OWNER_CONFIG ? "config"
				    : domains[m->owner].name;
		fmt_snprintf(what, sizeof(what), "the %s module of %s",
			     lcm_module_type_name(m->type), owner);
		reserve_module(m->addr, m->size, what);
	}
}

static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++) {
		v = (v << 32) | fdt32_to_cpu(p[i]);
	}
	return v;
}

static void reserve_classic_modules(const void *fdt)
{
	static const char *const compat[] = {
		"multiboot,module", "multiboot,kernel", "multiboot,ramdisk",
	};
	int chosen = fdt_path_offset(fdt, "/chosen");
	int node;

	if (chosen < 0) {
		return;
	}
	int ac = fdt_address_cells(fdt, chosen);
	int sc = fdt_size_cells(fdt, chosen);
	fdt_for_each_subnode(node, fdt, chosen) {
		bool match = false;
		for (size_t i = 0; i < ARRAY_SIZE(compat); i++) {
			if (fdt_node_check_compatible(fdt, node, compat[i]) == 0) {
				match = true;
			}
		}
		if (!match) {
			continue;
		}
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		const char *name = fdt_get_name(fdt, node, NULL);
		if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || reg == NULL ||
		    len < (ac + sc) * 4) {
			printk("launch: /chosen/%s: no usable reg: module ignored\n", name);
			continue;
		}
		char what[96];
		fmt_snprintf(what, sizeof(what), "/chosen/%s", name);
		reserve_module(read_cells(reg, ac), read_cells(reg + ac, sc), what);
	}
}

unsigned launch_probe(const struct platform *p)
{
	char text[400];

	lcm_result = lcm_parse(&lcm, p->fdt, p->fdt_size, LCM_ARCH_ARM64);
	for (uint32_t i = 0; i < lcm.nr_diags; i++) {
		lcm_diag_format(&diags[i], text, sizeof(text));
		printk("lcm: %s: %s\n", diags[i].severity == LCM_ERROR ? "error" : "warning",
		       text);
	}
	if (lcm.nr_errors > lcm.nr_diags) {
		printk("lcm: error: %u more errors not shown\n", lcm.nr_errors - lcm.nr_diags);
	}
	/* Even a rejected LCM's well-formed modules stay reserved: whatever
	 * runs instead (recovery, the console) must not overwrite them. */
	if (lcm_result == LCM_ENOLCM) {
		reserve_classic_modules(p->fdt);
	} else {
		reserve_lcm_modules();
	}
	return nr_reserved;
}

void launch_start(void)
{
	switch (lcm_result) {
	case LCM_OK:
		printk("launch: LCM with %u domains\n", lcm.nr_domains);
		break;
	case LCM_ENOLCM:
		printk("launch: classic (no %s)\n", LCM_HYPERVISOR_PATH);
		break;
	default:
		printk("launch: LCM rejected (%u errors): falling back to the console\n",
		       lcm.nr_errors);
		break;
	}
}
