/*
 * arm64 platform discovery: reads the host DTB with libfdt into the core's
 * struct platform. Runs once on the boot CPU before any guest exists:
 * Debian's libfdt.a uses SIMD registers, which is only harmless while no
 * guest FP/SIMD state lives in them (and CPTR_EL2.TFP must be 0, sysreg.h).
 * Bindings: Documentation/devicetree/bindings in Linux (memory, cpus,
 * arm,gic-v3, arm,psci, arm,armv8-timer) and the DT spec for /chosen and
 * /memreserve/.
 */
#include <libfdt.h>
#include <string.h>

#include <lcm/lcm.h>

#include "arm64.h"
#include "core/console.h"
#include "sysreg.h"

#define GIC_PPI_BASE    16
#define TIMER_HYP_INDEX 3 /* interrupts: sec-phys, phys, virt, hyp */

const struct platform *plat;

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++) {
		v = (v << 32) | fdt32_to_cpu(p[i]);
	}
	return v;
}

/*
 * One walk over the tree finds every node the probe needs and each node's
 * parent: libfdt's lookups (fdt_node_offset_by_compatible,
 * fdt_parent_offset) each walk the tree from its start, and a host DTB
 * that carries an LCM has hundreds of nodes, so a dozen of them cost more
 * than the rest of the boot (measured: 2.3 of 2.7 ms under QEMU -icount).
 */
#define SCAN_NODES  2048 /* node/parent pairs kept; past them, libfdt walks */
#define SCAN_MEMORY 16
#define SCAN_DEPTH  32

static struct {
	int nodes[SCAN_NODES], parents[SCAN_NODES]; /* in tree order */
	unsigned nr_nodes;
	int memory[SCAN_MEMORY];
	unsigned nr_memory;
	int gic, timer, pl011, psci, psci02, tpm;
	int cpus, chosen, reserved; /* /cpus, /chosen, /reserved-memory */
} scan;

static void scan_tree(const void *fdt)
{
	int stack[SCAN_DEPTH];
	int depth = 0, node = 0;

	scan.gic = scan.timer = scan.pl011 = scan.psci = scan.psci02 = scan.tpm = -1;
	scan.cpus = scan.chosen = scan.reserved = -1;
	for (; node >= 0 && depth >= 0; node = fdt_next_node(fdt, node, &depth)) {
		/* Deeper than the stack: its parent is left to libfdt. */
		if (depth < SCAN_DEPTH) {
			stack[depth] = node;
		}
		int parent = depth > 0 && depth <= SCAN_DEPTH ? stack[depth - 1] : -1;
		if (scan.nr_nodes < SCAN_NODES && (depth == 0 || parent >= 0)) {
			scan.nodes[scan.nr_nodes] = node;
			scan.parents[scan.nr_nodes++] = parent;
		}
		if (depth == 1) {
			const char *name = fdt_get_name(fdt, node, NULL);
			if (name != NULL && strcmp(name, "cpus") == 0) {
				scan.cpus = node;
			} else if (name != NULL && strcmp(name, "chosen") == 0) {
				scan.chosen = node;
			} else if (name != NULL && strcmp(name, "reserved-memory") == 0) {
				scan.reserved = node;
			}
		}
		/* One pass over the node's properties for both of interest
		 * (fdt_getprop would walk them once per name). */
		const char *type = NULL, *compat = NULL;
		int compat_len = 0, prop;
		fdt_for_each_property_offset(prop, fdt, node)
		{
			int len;
			const char *pname;
			const char *val = fdt_getprop_by_offset(fdt, prop, &pname, &len);
			if (val == NULL || pname == NULL) {
				continue;
			}
			if (strcmp(pname, "compatible") == 0) {
				compat = val;
				compat_len = len;
			} else if (strcmp(pname, "device_type") == 0) {
				type = val;
			}
		}
		if (type != NULL && strcmp(type, "memory") == 0 && scan.nr_memory < SCAN_MEMORY) {
			scan.memory[scan.nr_memory++] = node;
		}
		static const struct {
			const char *compat;
			int *slot;
		} wanted[] = {
			{ "arm,gic-v3", &scan.gic },  { "arm,armv8-timer", &scan.timer },
			{ "arm,pl011", &scan.pl011 }, { "arm,psci-0.2", &scan.psci02 },
			{ "arm,psci", &scan.psci },   { "tcg,tpm-tis-mmio", &scan.tpm },
		};
		for (size_t i = 0; compat != NULL && i < ARRAY_SIZE(wanted); i++) {
			if (*wanted[i].slot < 0 &&
			    fdt_stringlist_contains(compat, compat_len, wanted[i].compat)) {
				*wanted[i].slot = node;
			}
		}
	}
}

static int parent_of(const void *fdt, int node)
{
	unsigned lo = 0, hi = scan.nr_nodes;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (scan.nodes[mid] == node) {
			return scan.parents[mid];
		}
		if (scan.nodes[mid] < node) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return fdt_parent_offset(fdt, node);
}

/* Entry @index of @node's reg, in its parent's #address-cells/#size-cells. */
static bool read_reg(const void *fdt, int node, int index, struct mem_range *out)
{
	int parent = parent_of(fdt, node);
	int ac = fdt_address_cells(fdt, parent);
	int sc = fdt_size_cells(fdt, parent);
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (reg == NULL || ac < 1 || ac > 2 || sc < 0 || sc > 2 ||
	    len < (index + 1) * (ac + sc) * 4) {
		return false;
	}
	reg += index * (ac + sc);
	out->base = pa_init(cells(reg, ac));
	out->size = cells(reg + ac, sc);
	return true;
}

static void add_reserved(struct platform *p, struct mem_range r)
{
	if (p->nr_reserved < PLAT_MAX_RESERVED) {
		p->reserved[p->nr_reserved++] = r;
	} else {
		/* Handing firmware memory out would corrupt it: stop here. */
		panic("platform: more than %u reserved memory ranges", PLAT_MAX_RESERVED);
	}
}

static int probe_memory(const void *fdt, struct platform *p)
{
	for (unsigned m = 0; m < scan.nr_memory; m++) {
		int node = scan.memory[m];
		struct mem_range r;
		for (int i = 0; read_reg(fdt, node, i, &r); i++) {
			if (r.size == 0) {
				continue;
			}
			/* The hypervisor maps RAM 1:1 in a TCR_VA_BITS space:
			 * what lies above cannot be used (and must not reach
			 * the allocator). */
			uint64_t limit = 1ull << TCR_VA_BITS;
			if (pa_addr(r.base) >= limit) {
				printk("platform: RAM 0x%llx+0x%llx is above the %u-bit space the hypervisor maps: not used\n",
				       (unsigned long long)pa_addr(r.base),
				       (unsigned long long)r.size, TCR_VA_BITS);
				continue;
			}
			if (r.size > limit - pa_addr(r.base)) {
				printk("platform: RAM 0x%llx+0x%llx is cut at the %u-bit space the hypervisor maps\n",
				       (unsigned long long)pa_addr(r.base),
				       (unsigned long long)r.size, TCR_VA_BITS);
				r.size = limit - pa_addr(r.base);
			}
			if (p->nr_ram == PLAT_MAX_RAM) {
				printk("platform: more than %u RAM ranges: the rest is ignored\n",
				       PLAT_MAX_RAM);
				break;
			}
			p->ram[p->nr_ram++] = r;
		}
	}
	if (p->nr_ram == 0) {
		printk("platform: no /memory node with a reg\n");
		return -1;
	}

	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		uint64_t addr, size;
		if (fdt_get_mem_rsv(fdt, i, &addr, &size) == 0 && size != 0) {
			add_reserved(p, (struct mem_range){ pa_init(addr), size });
		}
	}
	int rm = scan.reserved;
	int child;
	if (rm >= 0) {
		fdt_for_each_subnode(child, fdt, rm)
		{
			struct mem_range r;
			for (int i = 0; read_reg(fdt, child, i, &r); i++) {
				add_reserved(p, r);
			}
		}
	}
	return 0;
}

/* /cpus/cpu@N reg = MPIDR affinity; the boot CPU goes first. */
static int probe_cpus(const void *fdt, struct platform *p)
{
	uint64_t boot = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
	int cpus = scan.cpus;
	int node, total = 0;
	bool found = false;

	p->nr_cpus = 1;
	p->cpu_hwid[0] = boot;
	if (cpus < 0) {
		printk("platform: no /cpus node\n");
		return -1;
	}
	fdt_for_each_subnode(node, fdt, cpus)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		struct mem_range reg;
		if (type == NULL || strcmp(type, "cpu") != 0 || !read_reg(fdt, node, 0, &reg)) {
			continue;
		}
		uint64_t hwid = pa_addr(reg.base);
		total++;
		if (hwid == boot) {
			found = true;
		} else if (p->nr_cpus < PLAT_MAX_CPUS) {
			p->cpu_hwid[p->nr_cpus++] = hwid;
		}
	}
	if (!found) {
		printk("platform: the boot CPU (mpidr 0x%llx) is not in /cpus\n",
		       (unsigned long long)boot);
		return -1;
	}
	if (total > PLAT_MAX_CPUS) {
		printk("platform: %d CPUs, this build uses the first %u\n", total, PLAT_MAX_CPUS);
	}
	return 0;
}

static int probe_gic(const void *fdt, struct platform *p)
{
	int gic = scan.gic;

	if (gic < 0 || !read_reg(fdt, gic, 0, &p->irqc_dist) ||
	    !read_reg(fdt, gic, 1, &p->irqc_redist)) {
		printk("platform: no arm,gic-v3 node with distributor and redistributor regs\n");
		return -1;
	}

	int timer = scan.timer;
	int len;
	const fdt32_t *irq = timer < 0 ? NULL : fdt_getprop(fdt, timer, "interrupts", &len);
	if (irq == NULL || len < (TIMER_HYP_INDEX + 1) * 12) {
		printk("platform: no arm,armv8-timer node with the hypervisor timer interrupt\n");
		return -1;
	}
	/* GIC interrupt specifier: <type number flags>, type 1 = PPI. A timer
	 * is per CPU, so anything but a PPI is a broken DTB. */
	irq += TIMER_HYP_INDEX * 3;
	if (fdt32_to_cpu(irq[0]) != 1 || fdt32_to_cpu(irq[1]) >= 16) {
		printk("platform: the hypervisor timer interrupt is not a PPI\n");
		return -1;
	}
	p->tick_irq = GIC_PPI_BASE + fdt32_to_cpu(irq[1]);
	return 0;
}

/* The console: /chosen stdout-path ("path[:options]", or an alias), else
 * the first PL011, else QEMU virt's. */
static void probe_uart(const void *fdt, struct platform *p)
{
	int chosen = scan.chosen;
	const char *path = chosen < 0 ? NULL : fdt_getprop(fdt, chosen, "stdout-path", NULL);
	int node = -1;
	struct mem_range r;

	if (path != NULL) {
		const char *colon = strchr(path, ':');
		int n = colon != NULL ? (int)(colon - path) : (int)strlen(path);
		node = fdt_path_offset_namelen(fdt, path, n);
	}
	if (node < 0 || fdt_node_check_compatible(fdt, node, "arm,pl011") != 0) {
		node = scan.pl011;
	}
	p->uart = node >= 0 && read_reg(fdt, node, 0, &r) ? r.base : pa_init(QEMU_UART);
}

static int probe_psci(const void *fdt, struct platform *p)
{
	int node = scan.psci02 >= 0 ? scan.psci02 : scan.psci;
	const char *method;

	method = node < 0 ? NULL : fdt_getprop(fdt, node, "method", NULL);
	if (method == NULL) {
		printk("platform: no PSCI: CPUs cannot be started nor the machine powered off\n");
		p->fw_conduit = FW_CONDUIT_NONE;
	} else if (strcmp(method, "smc") == 0) {
		p->fw_conduit = FW_CONDUIT_SMC;
	} else {
		/* HVC from EL2 traps to EL2 itself: the firmware is out of reach. */
		printk("platform: PSCI method \"%s\" cannot reach firmware from EL2 (needs smc)\n",
		       method);
		return -1;
	}
	psci_set_conduit(p->fw_conduit);
	return 0;
}

/* @addr, a bus address of @node's parent, as a CPU address: through each
 * ancestor's ranges (an empty one is 1:1). False when a bus does not map it. */
static bool translate(const void *fdt, int node, uint64_t *addr)
{
	for (int bus = parent_of(fdt, node); bus > 0; bus = parent_of(fdt, bus)) {
		int len, up = parent_of(fdt, bus);
		const fdt32_t *r = fdt_getprop(fdt, bus, "ranges", &len);
		if (r == NULL || up < 0) {
			return false;
		}
		int ca = fdt_address_cells(fdt, bus), pa = fdt_address_cells(fdt, up);
		int sc = fdt_size_cells(fdt, bus), width = ca + pa + sc;
		if (len == 0) {
			continue;
		}
		if (ca < 1 || ca > 2 || pa < 1 || pa > 2 || sc < 1 || sc > 2) {
			return false;
		}
		bool found = false;
		for (int i = 0; (i + 1) * width * 4 <= len && !found; i++) {
			const fdt32_t *e = r + i * width;
			uint64_t child = cells(e, ca), parent = cells(e + ca, pa),
				 size = cells(e + ca + pa, sc);
			if (*addr >= child && *addr - child < size) {
				*addr = *addr - child + parent;
				found = true;
			}
		}
		if (!found) {
			return false;
		}
	}
	return true;
}

/* The TPM (QEMU's tpm-tis-device sits on the platform bus, behind its
 * ranges). Without one the launch is measured into the event log only. */
static void probe_tpm(const void *fdt, struct platform *p)
{
	struct mem_range r;
	uint64_t a;

	if (scan.tpm < 0) {
		return;
	}
	if (!read_reg(fdt, scan.tpm, 0, &r) ||
	    !(a = pa_addr(r.base), translate(fdt, scan.tpm, &a)) || r.size < PAGE_SIZE) {
		printk("platform: the tcg,tpm-tis-mmio node has no usable reg: TPM not used\n");
		return;
	}
	/* Locality 0's page is all the hypervisor uses. */
	p->tpm = (struct mem_range){ pa_init(a), PAGE_SIZE };
}

int arch_platform_probe(const void *fdt, struct platform *p)
{

	if (!mmu_dtb_mapped()) {
		printk("platform: no device tree at 0x%llx (x0 from the bootloader)\n",
		       (unsigned long long)(uintptr_t)fdt);
		return -1;
	}
	/* The LCM's guarded check (lib/lcm): the host DTB carries the LCM, a
	 * user's input, and libfdt's own check can loop on some malformed
	 * blobs. The launch then trusts this check (lcm_parse_checked). */
	const char *why = lcm_fdt_check(fdt, fdt_totalsize(fdt));
	if (why != NULL) {
		printk("platform: malformed device tree: %s\n", why);
		return -1;
	}
	p->fdt = fdt;
	p->fdt_size = fdt_totalsize(fdt);
	scan_tree(fdt);
	p->fdt_chosen = scan.chosen;
	if (probe_memory(fdt, p) != 0 || probe_cpus(fdt, p) != 0 || probe_gic(fdt, p) != 0 ||
	    probe_psci(fdt, p) != 0) {
		return -1;
	}
	probe_uart(fdt, p);
	probe_tpm(fdt, p);
	plat = p;
	return 0;
}
