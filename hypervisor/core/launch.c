/*
 * The launch. Detection and boot-module reservation first (launch_probe):
 * lcm_parse() (lib/lcm) is the one judge of a valid LCM, shared with
 * lcm-tool and the Boot Domain. With an LCM, every module located by
 * module-addr is reserved; in a classic boot the modules are the /chosen
 * nodes of the multiboot bindings Xen on Arm uses (docs/misc/arm/
 * device-tree/booting.txt in Xen). Then the domains (launch_start): with an
 * LCM every domain node in LCM order, classic: one dom0; each is built
 * (builder.c), then every domain built is started in the same order. The
 * Boot Domain's preparation phase and launch finalization come later; for
 * now every domain is unpaused as soon as all are built. When the last
 * domain is off, the LCM's on-all-off decides (launch_all_off).
 *
 * launch_probe() and launch_start() run on the boot CPU before any guest
 * runs, so their state needs no lock; launch_all_off() runs once, on the
 * CPU whose domain ended last, and only reads it.
 */
#include <libfdt.h>
#include <string.h>

#include <fmt/fmt.h>
#include <lcm/lcm.h>

#include "core/arch.h"
#include "core/builder.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/domain.h"
#include "core/launch.h"
#include "core/mm.h"

#define MAX_DOMAINS 255                 /* the address-space ids of arm64 (8-bit VMID) */
#define MAX_MODULES 512
#define MAX_DIAGS   16
/* Classic dom0: half the free RAM, at most this, in whole 2 MiB blocks. */
#define DOM0_MAX_MEMORY (256 * MiB)

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
static const struct platform *plat;
static uint8_t on_all_off = LCM_ALL_OFF_POWEROFF;

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

	plat = p;
	builder_init(p);
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

/* --- building the domains ---------------------------------------------------- */

static void module_from_lcm(struct module_ref *r, int32_t index)
{
	if (index < 0) {
		return;
	}
	const struct lcm_module *m = &modules[index];
	unsigned users = 0;

	/* A shared module is one range named by several domains' nodes. */
	for (uint32_t i = 0; i < lcm.nr_modules; i++) {
		users += modules[i].addr == m->addr && modules[i].size == m->size;
	}
	r->present = true;
	r->addr = pa_init(m->addr);
	r->size = m->size;
	r->exclusive = users == 1;
	r->has_digest = (m->flags & LCM_MODF_DIGEST) != 0;
	if (r->has_digest) {
		memcpy(r->digest, m->sha256, sizeof(r->digest));
	}
}

static void build_lcm_domains(void)
{
	on_all_off = lcm.on_all_off;
	for (uint32_t i = 0; i < lcm.nr_domains; i++) {
		const struct lcm_domain *ld = &domains[i];
		struct domain_config c = {
			.name = ld->name,
			.domid = ld->domid,
			.permissions = ld->permissions,
			.functions = ld->functions,
			.vcpus = ld->cpus,
			.memory = ld->memory_kib * KiB,
		};
		module_from_lcm(&c.kernel, ld->module[LCM_MOD_KERNEL]);
		module_from_lcm(&c.ramdisk, ld->module[LCM_MOD_RAMDISK]);
		if (c.kernel.present) {
			c.bootargs = modules[ld->module[LCM_MOD_KERNEL]].bootargs;
		}
		domain_build(&c);
	}
}

/* The first /chosen node compatible with @compat, as a module. */
static int classic_module(const void *fdt, const char *compat, struct module_ref *r)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	int node;

	if (chosen < 0) {
		return -1;
	}
	int ac = fdt_address_cells(fdt, chosen);
	int sc = fdt_size_cells(fdt, chosen);
	fdt_for_each_subnode(node, fdt, chosen) {
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		if (fdt_node_check_compatible(fdt, node, compat) != 0 || reg == NULL ||
		    ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < (ac + sc) * 4) {
			continue;
		}
		r->present = true;
		r->addr = pa_init(read_cells(reg, ac));
		r->size = read_cells(reg + ac, sc);
		r->exclusive = true;
		return node;
	}
	return -1;
}

/*
 * Classic launch: one domain with every permission and function, as Xen's
 * dom0, from the multiboot,kernel (and multiboot,ramdisk) nodes. Its vCPUs
 * are the online physical CPUs; its memory is half of what is free,
 * at most DOM0_MAX_MEMORY (docs/architecture.md).
 */
static void build_classic(void)
{
	const void *fdt = plat->fdt;
	struct domain_config c = {
		.name = "dom0",
		.domid = 0,
		.permissions = LCM_PERMISSION_ALL,
		.functions = LCM_FUNCTION_ALL,
	};
	int kernel = classic_module(fdt, "multiboot,kernel", &c.kernel);

	if (kernel < 0) {
		printk("launch: classic: no /chosen node compatible with \"multiboot,kernel\": no dom0\n");
		return;
	}
	classic_module(fdt, "multiboot,ramdisk", &c.ramdisk);
	c.bootargs = fdt_getprop(fdt, kernel, "bootargs", NULL);
	if (c.bootargs == NULL) {
		int chosen = fdt_path_offset(fdt, "/chosen");
		c.bootargs = fdt_getprop(fdt, chosen, "xen,dom0-bootargs", NULL);
	}
	for (unsigned i = 0; i < cpu_count(); i++) {
		c.vcpus += cpu_is_online(cpu_get(i));
	}
	c.memory = align_down(mm_free_bytes() / 2, 2 * MiB);
	if (c.memory > DOM0_MAX_MEMORY) {
		c.memory = DOM0_MAX_MEMORY;
	}
	if (c.memory < LCM_MIN_MEMORY_KIB * KiB) {
		c.memory = LCM_MIN_MEMORY_KIB * KiB;    /* the builder says it does not fit */
	}
	domain_build(&c);
}

void launch_start(void)
{
	switch (lcm_result) {
	case LCM_OK:
		printk("launch: LCM with %u domains\n", lcm.nr_domains);
		build_lcm_domains();
		break;
	case LCM_ENOLCM:
		printk("launch: classic (no %s)\n", LCM_HYPERVISOR_PATH);
		build_classic();
		break;
	default:
		printk("launch: LCM rejected (%u errors): falling back to the console\n",
		       lcm.nr_errors);
		break;
	}
	/* Every domain is built before the first starts: a domain's build
	 * time never includes another's run time. Input goes to the first
	 * domain with the console function, else to the first. */
	struct domain *first = NULL;
	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *d = domain_get(i);
		if (d->nr_vcpus == 0) {
			continue;
		}
		if (first == NULL || ((d->functions & LCM_FUNCTION_CONSOLE) &&
				      !(first->functions & LCM_FUNCTION_CONSOLE))) {
			first = d;
		}
	}
	if (first != NULL) {
		console_input_start(first);
	}
	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *d = domain_get(i);
		if (d->nr_vcpus > 0) {
			domain_start(d);
		}
	}
	domains_launched();
}

void launch_all_off(void)
{
	struct domain_counts c = domain_counts();
	char detail[128] = "";
	size_t n = 0;
	static const char *const actions[] = {
		[LCM_ALL_OFF_POWEROFF] = "powering off",
		[LCM_ALL_OFF_REBOOT] = "rebooting",
		[LCM_ALL_OFF_STAY] = "staying on (on-all-off = stay)",
	};
	struct { unsigned count; const char *what; } parts[] = {
		{ c.off, "powered off" },
		{ c.stopped, "stopped by a fault" },
		{ c.not_started, "not started" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (parts[i].count > 0) {
			n += (size_t)fmt_snprintf(detail + n, sizeof(detail) - n, "%s%u %s",
						  n > 0 ? ", " : "", parts[i].count, parts[i].what);
		}
	}
	if (c.total == 0) {
		printk("hyperlaunch: no domains; %s\n", actions[on_all_off]);
	} else {
		printk("hyperlaunch: all %u domain%s off (%s); %s\n", c.total,
		       c.total == 1 ? " is" : "s are", detail, actions[on_all_off]);
	}
	switch ((enum lcm_on_all_off)on_all_off) {
	case LCM_ALL_OFF_POWEROFF:
		arch_power_off();
	case LCM_ALL_OFF_REBOOT:
		arch_reboot();
	case LCM_ALL_OFF_STAY:
		break;
	}
}
