/*
 * libFuzzer target for the hypervisor's reading of a domain's device-tree
 * module (hypervisor/core/passthrough.c, pt_parse): any bytes, as a boot
 * module may hold, checked against a fixed host device tree (QEMU virt's
 * PL061 and PL031, the GIC, RAM) for a domain with RAM and an emulated
 * UART. The core is linked whole, on the fake architecture, as the unit
 * tests link it; pt_parse allocates nothing and claims nothing.
 */
#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/domain.h"
#include "core/passthrough.h"

static uint8_t host[2048];
static struct platform plat;
static struct domain dom;

static void cells(void *f, const char *name, const uint32_t *v, int n)
{
	fdt32_t c[8];

	for (int i = 0; i < n; i++) {
		c[i] = cpu_to_fdt32(v[i]);
	}
	fdt_property(f, name, c, n * 4);
}

static void device(void *f, const char *name, uint32_t base, uint32_t spi)
{
	const uint32_t reg[] = { 0, base, 0, 0x1000 }, irq[] = { 0, spi, 4 };

	fdt_begin_node(f, name);
	fdt_property_string(f, "compatible", "arm,primecell");
	cells(f, "reg", reg, 4);
	cells(f, "interrupts", irq, 3);
	fdt_end_node(f);
}

static void init(void)
{
	static const uint32_t gic_reg[] = { 0, 0x8000000, 0, 0x10000 };
	void *f = host;

	fdt_create(f, sizeof(host));
	fdt_finish_reservemap(f);
	fdt_begin_node(f, "");
	fdt_property_u32(f, "#address-cells", 2);
	fdt_property_u32(f, "#size-cells", 2);
	device(f, "pl061@9030000", 0x9030000, 7);
	device(f, "pl031@9010000", 0x9010000, 2);
	fdt_begin_node(f, "intc@8000000");
	fdt_property(f, "interrupt-controller", NULL, 0);
	cells(f, "reg", gic_reg, 4);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_finish(f);
	plat.fdt = host;
	plat.fdt_size = fdt_totalsize(host);
	plat.ram[0] = (struct mem_range){ pa_init(0x40000000), 0x10000000 };
	plat.nr_ram = 1;
	plat.irqc_dist = (struct mem_range){ pa_init(0x8000000), 0x10000 };
	plat.uart = pa_init(0x9000000);
	dom.ram_base = ipa_init(0x40000000);
	dom.ram_size = 16 << 20;
	dom.mmio[0] = (struct mmio_region){ ipa_init(0x9000000), 0x1000, NULL, NULL, "PL011" };
	dom.nr_mmio = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pt_assign a;
	static bool ready;
	char why[200];

	if (!ready) {
		init();
		ready = true;
	}
	if (pt_parse(data, size, &plat, &dom, &a, why, sizeof(why)) != 0) {
		/* A refusal is one printable line. */
		for (size_t i = 0; why[i] != '\0'; i++) {
			if (why[i] < 0x20 || why[i] > 0x7e) {
				fprintf(stderr, "refusal not printable: %s\n", why);
				__builtin_trap();
			}
		}
	}
	return 0;
}
