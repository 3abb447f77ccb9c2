/*
 * The machine a guest sees on the fake architecture: where its RAM and UART
 * sit (QEMU virt's addresses, as on arm64, so test numbers read the same),
 * the fake kernel format (struct fake_kernel: the tests' kernels are a
 * header and nothing to execute, their behaviour is a script), and a small
 * device tree written with the host's libfdt, with the /chosen node that
 * HL_BOOT_CONFIGURE's bootargs rewrite (core/dtpatch.c) looks for.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "arch/fake/fake.h"
#include "core/passthrough.h"
#include "core/xen.h"

#define FAKE_PHANDLE_GIC 1
#define FAKE_PHANDLE_CLK 2

#define GUEST_RAM_BASE  0x40000000ull
#define GUEST_UART_BASE 0x09000000ull

ipaddr_t arch_guest_ram_base(void)
{
	return ipa_init(GUEST_RAM_BASE);
}

ipaddr_t arch_guest_uart_base(void)
{
	return ipa_init(GUEST_UART_BASE);
}

const char *arch_kernel_probe(const void *img, uint64_t size, struct kernel_image *k)
{
	struct fake_kernel h;

	if (size < sizeof(h)) {
		return "not a fake kernel (shorter than its header)";
	}
	memcpy(&h, img, sizeof(h));
	if (memcmp(h.magic, FAKE_KERNEL_MAGIC, sizeof(h.magic)) != 0) {
		return "not a fake kernel (no \"HLFAKEK\" magic)";
	}
	if (h.load_offset % PAGE_SIZE != 0 || h.load_offset >= 2 * MiB) {
		return "a fake kernel whose load offset is not a page multiple below 2 MiB";
	}
	k->load_offset = h.load_offset;
	k->image_size = h.image_size != 0 ? h.image_size : size;
	return NULL;
}

int arch_guest_dt(void *buf, unsigned size, const struct guest_dt *g)
{
	char name[40];
	int err = fdt_create(buf, (int)size);

	err = err ? err : fdt_finish_reservemap(buf);
	err = err ? err : fdt_begin_node(buf, "");
	err = err ? err : fdt_property_u32(buf, "#address-cells", 2);
	err = err ? err : fdt_property_u32(buf, "#size-cells", 2);
	err = err ? err : fdt_property_string(buf, "compatible", "hyperlaunch,fake");
	err = err ? err : fdt_begin_node(buf, "chosen");
	if (g->bootargs != NULL) {
		err = err ? err : fdt_property_string(buf, "bootargs", g->bootargs);
	}
	if (g->has_initrd) {
		err = err ? err
			  : fdt_property_u64(buf, "linux,initrd-start", ipa_addr(g->initrd_start));
		err = err ? err
			  : fdt_property_u64(buf, "linux,initrd-end", ipa_addr(g->initrd_end));
	}
	err = err ? err : fdt_end_node(buf);
	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)ipa_addr(g->ram_base));
	err = err ? err : fdt_begin_node(buf, name);
	fdt64_t reg[2] = { cpu_to_fdt64(ipa_addr(g->ram_base)), cpu_to_fdt64(g->ram_size) };
	err = err ? err : fdt_property(buf, "reg", reg, sizeof(reg));
	err = err ? err : fdt_end_node(buf);
	err = err ? err : fdt_begin_node(buf, "cpus");
	err = err ? err : fdt_property_u32(buf, "count", g->nr_vcpus);
	err = err ? err : fdt_end_node(buf);
	if (g->xs_plan != NULL) {
		err = err ? err : xen_plan_write(buf, g->xs_plan);
	}
	err = err ? err : pt_write_nodes(buf, g->passthrough, FAKE_PHANDLE_GIC, FAKE_PHANDLE_CLK);
	err = err ? err : fdt_end_node(buf);
	err = err ? err : fdt_finish(buf);
	return err ? -1 : (int)fdt_totalsize(buf);
}
