/*
 * The machine a domain sees and how it boots on it, per Linux's arm64 boot
 * protocol (Documentation/arm64/booting.rst): the Image header of its kernel
 * and the device tree the hypervisor writes for it. The virtual platform
 * follows QEMU virt's addresses, so the same guest boots on bare QEMU:
 * RAM at 0x40000000, a PL011 at 0x09000000 (emulated, core/vuart.c) on SPI
 * 1, a GICv3 at 0x08000000/0x080A0000 (emulated, vgic.c, vgic_mmio.c),
 * the architected timer's PPIs, PSCI over HVC, and one cpu node per vCPU
 * whose reg is the vCPU index (the MPIDR affinity vcpu.c gives it); and the
 * devices passed through to it, under /passthrough (core/passthrough.c).
 *
 * The device tree is written with libfdt's sequential-write functions on
 * the boot CPU during the launch (libfdt.a uses SIMD registers, which no
 * guest owns yet).
 */
#include <libfdt.h>
#include <string.h>

#include <fmt/fmt.h>
#include <hyperlaunch/xen-abi.h>

#include "arm64.h"
#include "core/passthrough.h"
#include "core/xen.h"

#define GUEST_GICD_SIZE 0x10000ull
#define GUEST_UART_SIZE 0x1000ull
#define GUEST_UART_SPI  1 /* INTID 33 */
#define UART_CLOCK_HZ   24000000u

#define PHANDLE_GIC 1
#define PHANDLE_CLK 2

/* Interrupt specifiers of arm,gic-v3: <type number flags>. */
#define IRQ_SPI        0
#define IRQ_PPI        1
#define IRQ_LEVEL_HIGH 4
#define IRQ_LEVEL_LOW  8
#define IRQ_CPUS_ALL   0xf00 /* a PPI's CPU mask (GICv2 bindings; ignored by GICv3) */

/* The arm64 Image header (booting.rst, "Call the kernel image"). */
struct image_header {
	uint32_t code0, code1;
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t flags;
	uint64_t res2, res3, res4;
	uint32_t magic;
	uint32_t res5;
};
static_assert(sizeof(struct image_header) == 64, "booting.rst: a 64-byte header");

#define IMAGE_MAGIC   0x644d5241u /* "ARM\x64" */
#define IMAGE_FLAG_BE (1ull << 0)
/* Before Linux 3.17 image_size was 0 and the kernel wanted text_offset
 * 0x80000 with its BSS unaccounted for: give it this much room. */
#define LEGACY_IMAGE_ROOM (32 * MiB)

ipaddr_t arch_guest_ram_base(void)
{
	return ipa_init(GUEST_RAM_BASE);
}

ipaddr_t arch_guest_uart_base(void)
{
	return ipa_init(GUEST_UART);
}

const char *arch_kernel_probe(const void *img, uint64_t size, struct kernel_image *k)
{
	struct image_header h;

	if (size < sizeof(h)) {
		return "not an arm64 Image (shorter than its 64-byte header)";
	}
	memcpy(&h, img, sizeof(h));
	if (h.magic != IMAGE_MAGIC) {
		return "not an arm64 Image (no \"ARM\\x64\" magic at offset 56)";
	}
	if (h.flags & IMAGE_FLAG_BE) {
		return "a big-endian Image (guests run little-endian)";
	}
	if (h.text_offset % PAGE_SIZE != 0 || h.text_offset >= 2 * MiB) {
		return "an Image whose text_offset is not a page multiple below 2 MiB";
	}
	/* The image sits at a 2 MiB aligned base plus text_offset; the base
	 * is the start of guest RAM. */
	k->load_offset = h.text_offset;
	k->image_size = h.image_size != 0 ? h.image_size : LEGACY_IMAGE_ROOM;
	return NULL;
}

/* Sequential-write helpers: each returns libfdt's error (0 or negative),
 * and the first one sticks, so the writer reads as a plain list. */
struct dtw {
	void *fdt;
	int err;
};

static void node(struct dtw *w, const char *name)
{
	if (w->err == 0) {
		w->err = fdt_begin_node(w->fdt, name);
	}
}

static void end(struct dtw *w)
{
	if (w->err == 0) {
		w->err = fdt_end_node(w->fdt);
	}
}

static void prop(struct dtw *w, const char *name, const void *val, int len)
{
	if (w->err == 0) {
		w->err = fdt_property(w->fdt, name, val, len);
	}
}

static void prop_str(struct dtw *w, const char *name, const char *s)
{
	prop(w, name, s, (int)strlen(s) + 1);
}

static void prop_u32(struct dtw *w, const char *name, uint32_t v)
{
	fdt32_t c = cpu_to_fdt32(v);

	prop(w, name, &c, sizeof(c));
}

/* A list of 32-bit cells. */
static void prop_cells(struct dtw *w, const char *name, const uint32_t *v, int n)
{
	fdt32_t c[12];

	for (int i = 0; i < n && i < 12; i++) {
		c[i] = cpu_to_fdt32(v[i]);
	}
	prop(w, name, c, n * 4);
}

/* reg of two 64-bit (address, size) pairs or fewer, in 2+2 cells. */
static void prop_reg(struct dtw *w, const uint64_t *pairs, int n)
{
	uint32_t c[8];

	for (int i = 0; i < 2 * n; i++) {
		c[2 * i] = (uint32_t)(pairs[i] >> 32);
		c[2 * i + 1] = (uint32_t)pairs[i];
	}
	prop_cells(w, "reg", c, 4 * n);
}

static void prop_u64(struct dtw *w, const char *name, uint64_t v)
{
	uint32_t c[2] = { (uint32_t)(v >> 32), (uint32_t)v };

	prop_cells(w, name, c, 2);
}

/* A Xen-aware domain's /hypervisor node (Linux's
 * Documentation/devicetree/bindings/arm/xen.txt): Xen's version in the
 * first compatible string, the grant-table window, the upcall PPI (all
 * CPUs, level-low) as a Xen domU has them (arch-arm.h). */
static void xen_node(struct dtw *w, uint64_t area)
{
	static const char compat[] = "xen,xen-4.17\0xen,xen";
	uint64_t reg[2] = { area, XEN_GUEST_GNTTAB_SIZE };
	static const uint32_t irq[] = { IRQ_PPI, XEN_GUEST_EVTCHN_PPI - 16,
					IRQ_CPUS_ALL | IRQ_LEVEL_LOW };

	node(w, "hypervisor");
	prop(w, "compatible", compat, sizeof(compat));
	prop_reg(w, reg, 1);
	prop_cells(w, "interrupts", irq, 3);
	end(w);
}

int arch_guest_dt(void *buf, unsigned size, const struct guest_dt *g)
{
	struct dtw w = { buf, fdt_create(buf, (int)size) };
	char name[32];
	static const char uart_path[] = "/pl011@9000000";

	if (w.err == 0) {
		w.err = fdt_finish_reservemap(buf);
	}
	node(&w, "");
	prop_u32(&w, "#address-cells", 2);
	prop_u32(&w, "#size-cells", 2);
	prop_str(&w, "compatible", "linux,dummy-virt");
	prop_str(&w, "model", "Hyperlaunch domain");
	prop_u32(&w, "interrupt-parent", PHANDLE_GIC);

	node(&w, "chosen");
	if (g->bootargs != NULL) {
		prop_str(&w, "bootargs", g->bootargs);
	}
	prop_str(&w, "stdout-path", uart_path);
	if (g->has_initrd) {
		prop_u64(&w, "linux,initrd-start", ipa_addr(g->initrd_start));
		prop_u64(&w, "linux,initrd-end", ipa_addr(g->initrd_end));
	}
	end(&w);

	node(&w, "aliases");
	prop_str(&w, "serial0", uart_path);
	end(&w);

	fmt_snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)ipa_addr(g->ram_base));
	node(&w, name);
	prop_str(&w, "device_type", "memory");
	uint64_t mem[2] = { ipa_addr(g->ram_base), g->ram_size };
	prop_reg(&w, mem, 1);
	end(&w);

	node(&w, "cpus");
	prop_u32(&w, "#address-cells", 1);
	prop_u32(&w, "#size-cells", 0);
	for (unsigned i = 0; i < g->nr_vcpus; i++) {
		fmt_snprintf(name, sizeof(name), "cpu@%x", i);
		node(&w, name);
		prop_str(&w, "device_type", "cpu");
		prop_str(&w, "compatible", "arm,armv8");
		prop_u32(&w, "reg", i);
		prop_str(&w, "enable-method", "psci");
		end(&w);
	}
	end(&w);

	node(&w, "psci");
	prop_str(&w, "compatible", "arm,psci-0.2");
	prop_str(&w, "method", "hvc");
	end(&w);

	if (g->xen) {
		xen_node(&w, g->xen_area);
	}
	if (g->xs_plan != NULL && w.err == 0) {
		w.err = xen_plan_write(buf, g->xs_plan);
	}

	/* Secure physical, non-secure physical, virtual, hypervisor timer;
	 * level-low as the arm,arch_timer binding's examples. */
	static const uint32_t timer_irqs[] = {
		IRQ_PPI, 13, IRQ_LEVEL_LOW, IRQ_PPI, 14, IRQ_LEVEL_LOW,
		IRQ_PPI, 11, IRQ_LEVEL_LOW, IRQ_PPI, 10, IRQ_LEVEL_LOW,
	};
	node(&w, "timer");
	prop_str(&w, "compatible", "arm,armv8-timer");
	prop_cells(&w, "interrupts", timer_irqs, 12);
	prop(&w, "always-on", NULL, 0);
	end(&w);

	node(&w, "interrupt-controller@8000000");
	prop_str(&w, "compatible", "arm,gic-v3");
	prop_u32(&w, "#interrupt-cells", 3);
	prop(&w, "interrupt-controller", NULL, 0);
	prop_u32(&w, "#address-cells", 2); /* for ITS children, none here */
	prop_u32(&w, "#size-cells", 2);
	prop(&w, "ranges", NULL, 0);
	uint64_t gic[4] = { GUEST_GICD, GUEST_GICD_SIZE, GUEST_GICR,
			    g->nr_vcpus * GUEST_GICR_STRIDE };
	prop_reg(&w, gic, 2);
	static const uint32_t maint[] = { IRQ_PPI, 9, IRQ_LEVEL_HIGH };
	prop_cells(&w, "interrupts", maint, 3);
	prop_u32(&w, "phandle", PHANDLE_GIC);
	end(&w);

	/* The PL011's clocks: Linux's AMBA bus needs apb_pclk to probe it. */
	node(&w, "apb-pclk");
	prop_str(&w, "compatible", "fixed-clock");
	prop_u32(&w, "#clock-cells", 0);
	prop_u32(&w, "clock-frequency", UART_CLOCK_HZ);
	prop_str(&w, "clock-output-names", "clk24mhz");
	prop_u32(&w, "phandle", PHANDLE_CLK);
	end(&w);

	node(&w, uart_path + 1);
	static const char uart_compat[] = "arm,pl011\0arm,primecell";
	prop(&w, "compatible", uart_compat, sizeof(uart_compat));
	uint64_t uart[2] = { GUEST_UART, GUEST_UART_SIZE };
	prop_reg(&w, uart, 1);
	static const uint32_t uart_irq[] = { IRQ_SPI, GUEST_UART_SPI, IRQ_LEVEL_HIGH };
	prop_cells(&w, "interrupts", uart_irq, 3);
	static const uint32_t clocks[] = { PHANDLE_CLK, PHANDLE_CLK };
	prop_cells(&w, "clocks", clocks, 2);
	static const char clock_names[] = "uartclk\0apb_pclk";
	prop(&w, "clock-names", clock_names, sizeof(clock_names));
	end(&w);

	if (w.err == 0) {
		w.err = pt_write_nodes(buf, g->passthrough, PHANDLE_GIC, PHANDLE_CLK);
	}
	end(&w);
	if (w.err == 0) {
		w.err = fdt_finish(buf);
	}
	return w.err == 0 ? (int)fdt_totalsize(buf) : -1;
}
