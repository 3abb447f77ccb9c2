/*
 * Device passthrough (core/passthrough.c) on the fake architecture: the
 * partial device tree's checks, each refusal's exact reason, ownership
 * between domains, and the nodes the guest's device tree gets.
 */
#include <libfdt.h>
#include <string.h>

#include "core/mm.h"
#include "core/passthrough.h"
#include "core_test.h"

#define RAM (64 * MiB)

static uint8_t host[4096], part[4096], gdt[8192];
static struct platform plat;

/* A host device tree: a PL061 (SPI 7, level), the GIC, and /chosen. */
static void make_host(void)
{
	static const uint32_t gpio_reg[] = { 0, 0x9030000, 0, 0x1000 };
	static const uint32_t gpio_irq[] = { 0, 7, 4 };
	static const uint32_t gic_reg[] = { 0, 0x8000000, 0, 0x10000 };
	fdt32_t c[4];
	void *f = host;

	assert_int_equal(fdt_create(f, sizeof(host)), 0);
	fdt_finish_reservemap(f);
	fdt_begin_node(f, "");
	fdt_property_u32(f, "#address-cells", 2);
	fdt_property_u32(f, "#size-cells", 2);
	fdt_begin_node(f, "pl061@9030000");
	fdt_property_string(f, "compatible", "arm,pl061");
	for (int i = 0; i < 4; i++) {
		c[i] = cpu_to_fdt32(gpio_reg[i]);
	}
	fdt_property(f, "reg", c, 16);
	for (int i = 0; i < 3; i++) {
		c[i] = cpu_to_fdt32(gpio_irq[i]);
	}
	fdt_property(f, "interrupts", c, 12);
	fdt_end_node(f);
	fdt_begin_node(f, "virtio_mmio@a000000");
	fdt_property_string(f, "compatible", "virtio,mmio");
	fdt_property(f, "dma-coherent", NULL, 0);
	fdt_end_node(f);
	fdt_begin_node(f, "tpm@c000000");
	fdt_property_string(f, "compatible", "tcg,tpm-tis-mmio");
	fdt_end_node(f);
	fdt_begin_node(f, "intc@8000000");
	fdt_property(f, "interrupt-controller", NULL, 0);
	for (int i = 0; i < 4; i++) {
		c[i] = cpu_to_fdt32(gic_reg[i]);
	}
	fdt_property(f, "reg", c, 16);
	fdt_end_node(f);
	fdt_end_node(f);
	assert_int_equal(fdt_finish(f), 0);
	memset(&plat, 0, sizeof(plat));
	plat.fdt = host;
	plat.fdt_size = fdt_totalsize(host);
	plat.ram[0] = fake_ram();
	plat.nr_ram = 1;
	plat.irqc_dist = (struct mem_range){ pa_init(0x8000000), 0x10000 };
	plat.uart = pa_init(0x9000000);
}

static void cells(void *f, const char *name, const uint64_t *v, int n)
{
	fdt32_t c[24];

	for (int i = 0; i < n; i++) {
		c[2 * i] = cpu_to_fdt32((uint32_t)(v[i] >> 32));
		c[2 * i + 1] = cpu_to_fdt32((uint32_t)v[i]);
	}
	fdt_property(f, name, c, n * 8);
}

/* A partial device tree giving one device: @path, xen,reg (@xreg, one
 * triple), reg (@reg, one pair) and interrupts <0 @spi 4> (@spi < 0: none). */
static void make_part(const char *path, const uint64_t *xreg, const uint64_t *reg, int spi)
{
	void *f = part;

	assert_int_equal(fdt_create(f, sizeof(part)), 0);
	fdt_finish_reservemap(f);
	fdt_begin_node(f, "");
	fdt_begin_node(f, "passthrough");
	fdt_property_u32(f, "#address-cells", 2);
	fdt_property_u32(f, "#size-cells", 2);
	fdt_begin_node(f, "gpio@9030000");
	static const char compat[] = "arm,pl061\0arm,primecell";
	fdt_property(f, "compatible", compat, sizeof(compat));
	fdt_property_u32(f, "phandle", 7);
	cells(f, "reg", reg, 2);
	cells(f, "xen,reg", xreg, 3);
	fdt_property_string(f, "xen,path", path);
	if (spi >= 0) {
		fdt32_t irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32((uint32_t)spi), cpu_to_fdt32(4) };
		fdt_property(f, "interrupts", irq, sizeof(irq));
	}
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	assert_int_equal(fdt_finish(f), 0);
}

static const uint64_t gpio_xreg[] = { 0x9030000, 0x1000, 0x9030000 };
static const uint64_t gpio_reg[] = { 0x9030000, 0x1000 };

static struct domain *new_domain(const char *name, uint32_t id)
{
	struct domain *d = domain_create(name, id);

	assert_non_null(d);
	d->ram_size = 16 * MiB;
	d->s2 = arch_stage2_create(d->index + 1);
	assert_non_null(d->s2);
	domain_publish(d);
	return d;
}

static struct pt_assign *new_assign(void)
{
	paddr_t p = mm_alloc(sizeof(struct pt_assign), PAGE_SIZE, MM_HV);

	assert_false(mm_failed(p));
	return pa_ptr(p);
}

static struct domain *a, *b;

static int setup(void **state)
{
	(void)state;
	fake_init(RAM, 1);
	mm_add_ram(fake_ram());
	make_host();
	a = new_domain("a", 1);
	b = new_domain("b", 2);
	return 0;
}

/* pt_parse of the current partial tree for domain a: its reason, or "". */
static const char *parse(struct pt_assign *out)
{
	static char why[200];

	why[0] = '\0';
	if (pt_parse(part, fdt_totalsize(part), &plat, a, out, why, sizeof(why)) == 0) {
		return "";
	}
	return why;
}

static void valid(void **state)
{
	struct pt_assign pa;

	(void)state;
	make_part("/pl061@9030000", gpio_xreg, gpio_reg, 7);
	assert_string_equal(parse(&pa), "");
	assert_int_equal(pa.nr, 1);
	assert_int_equal(pa.dev[0].nr_reg, 1);
	assert_int_equal(pa_addr(pa.dev[0].reg[0].pa), 0x9030000);
	assert_int_equal(ipa_addr(pa.dev[0].reg[0].ipa), 0x9030000);
	assert_int_equal(pa.dev[0].nr_irq, 1);
	assert_int_equal(pa.dev[0].intid[0], 39);
	assert_false(pa.dev[0].edge[0]);
}

static void refusals(void **state)
{
	struct pt_assign pa;
	const uint64_t elsewhere[] = { 0x9040000, 0x1000, 0x9040000 };
	const uint64_t in_ram[] = { pa_addr(fake_ram().base), 0x1000, 0x9030000 };
	const uint64_t over_ram[] = { 0x9030000, 0x1000, 0x40000000 };
	const uint64_t over_uart[] = { 0x9030000, 0x1000, 0x9000000 };
	const uint64_t unaligned[] = { 0x9030000, 0x800, 0x9030000 };
	const uint64_t reg_out[] = { 0x9031000, 0x1000 };

	(void)state;
	make_part("/nowhere", gpio_xreg, gpio_reg, 7);
	assert_string_equal(
		parse(&pa),
		"/passthrough/gpio@9030000: xen,path: \"/nowhere\" is not a node of the host device tree");
	make_part("/intc@8000000", gpio_xreg, gpio_reg, 7);
	assert_string_equal(
		parse(&pa),
		"/passthrough/gpio@9030000: xen,path: \"/intc@8000000\" is the interrupt controller");
	make_part("/tpm@c000000", gpio_xreg, gpio_reg, 7);
	assert_string_equal(
		parse(&pa),
		"/passthrough/gpio@9030000: xen,path: \"/tpm@c000000\" is the TPM the hypervisor keeps");
	make_part("/virtio_mmio@a000000", gpio_xreg, gpio_reg, 7);
	assert_string_equal(parse(&pa),
			    "/passthrough/gpio@9030000: xen,path: \"/virtio_mmio@a000000\" does "
			    "DMA and there is no IOMMU: only the hardware domain may have it");
	make_part("/pl061@9030000", elsewhere, gpio_reg, 7);
	assert_string_equal(
		parse(&pa),
		"/passthrough/gpio@9030000: xen,reg: host 0x9040000+0x1000 is not the reg of the host node");
	make_part("/pl061@9030000", in_ram, gpio_reg, 7);
	assert_true(strstr(parse(&pa), ": xen,reg: host ") != NULL);
	assert_true(strstr(parse(&pa), " is RAM") != NULL);
	make_part("/pl061@9030000", over_ram, gpio_reg, 7);
	assert_string_equal(
		parse(&pa),
		"/passthrough/gpio@9030000: xen,reg: guest 0x40000000+0x1000 overlaps its RAM");
	make_part("/pl061@9030000", over_uart, gpio_reg, 7);
	assert_string_equal(
		parse(&pa),
		"/passthrough/gpio@9030000: xen,reg: guest 0x9000000+0x1000 overlaps PL011");
	make_part("/pl061@9030000", unaligned, gpio_reg, 7);
	assert_string_equal(
		parse(&pa),
		"/passthrough/gpio@9030000: xen,reg: 0x9030000+0x800 at 0x9030000: not whole 4 KiB pages");
	make_part("/pl061@9030000", gpio_xreg, reg_out, 7);
	assert_string_equal(
		parse(&pa),
		"/passthrough/gpio@9030000: reg: 0x9031000+0x1000 is outside the guest side of xen,reg");
	make_part("/pl061@9030000", gpio_xreg, gpio_reg, 2);
	assert_string_equal(
		parse(&pa),
		"/passthrough/gpio@9030000: interrupts: SPI 2 is not an interrupt of the host node");
	memcpy(part, "not a device tree", 18);
	assert_true(strncmp(parse(&pa), "not a device tree: ", 19) == 0);
}

/* One owner per page and SPI; a released domain's devices are free again. */
static void ownership(void **state)
{
	char why[200];

	(void)state;
	make_part("/pl061@9030000", gpio_xreg, gpio_reg, 7);
	a->pt = new_assign();
	assert_int_equal(pt_parse(part, fdt_totalsize(part), &plat, a, a->pt, why, sizeof(why)), 0);
	assert_int_equal(pt_claim(a, a->pt, why, sizeof(why)), 0);
	assert_true(fake_stage2_is_device(a->s2, ipa_init(0x9030000)));
	assert_ptr_equal(fake_irq_owner(39), a);

	b->pt = new_assign();
	assert_int_equal(pt_parse(part, fdt_totalsize(part), &plat, b, b->pt, why, sizeof(why)), 0);
	assert_int_equal(pt_claim(b, b->pt, why, sizeof(why)), -1);
	assert_string_equal(why,
			    "/passthrough/gpio@9030000: xen,reg: host 0x9030000 is domain 1 a's");
	assert_null(fake_irq_owner(40));

	domain_release(a); /* what a destroyed domain's give-back does */
	assert_null(a->pt);
	assert_null(fake_irq_owner(39));
	assert_int_equal(pt_claim(b, b->pt, why, sizeof(why)), 0);
	assert_ptr_equal(fake_irq_owner(39), b);
}

/* The guest's nodes: under /passthrough, xen,* and phandle dropped, the
 * vGIC as interrupt parent, a PrimeCell's apb_pclk. */
static void guest_nodes(void **state)
{
	(void)state;
	struct guest_dt g = { .nr_vcpus = 1,
			      .ram_base = ipa_init(0x40000000),
			      .ram_size = 16 * MiB,
			      .passthrough = b->pt };
	assert_true(arch_guest_dt(gdt, sizeof(gdt), &g) > 0);
	int n = fdt_path_offset(gdt, "/passthrough/gpio@9030000");
	assert_true(n >= 0);
	assert_null(fdt_getprop(gdt, n, "xen,reg", NULL));
	assert_null(fdt_getprop(gdt, n, "xen,path", NULL));
	assert_null(fdt_getprop(gdt, n, "phandle", NULL));
	const fdt32_t *ip = fdt_getprop(gdt, n, "interrupt-parent", NULL);
	assert_non_null(ip);
	assert_int_equal(fdt32_to_cpu(*ip), 1);
	assert_string_equal(fdt_getprop(gdt, n, "clock-names", NULL), "apb_pclk");
	assert_non_null(fdt_getprop(gdt, n, "reg", NULL));
}

int run_passthrough_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid),
		cmocka_unit_test(refusals),
		cmocka_unit_test(ownership),
		cmocka_unit_test(guest_nodes),
	};
	return cmocka_run_group_tests_name("core: passthrough", tests, setup, NULL);
}
