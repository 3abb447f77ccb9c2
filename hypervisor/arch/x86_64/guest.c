/*
 * The machine an x86 domain sees: RAM from guest-physical 0, a 16550 at
 * COM1 (uart.c; every other I/O port and any MSR but EFER stops it:
 * svm.c), a device tree describing it (as on arm64: /memory, /chosen
 * bootargs and initrd, /cpus with the TSC's rate), and the kernel format
 * (mb2image.c). The kernel is entered in 32-bit protected mode with paging
 * off, EBX the device tree's address (svm.c); this is not the Multiboot2
 * hand-over (no information structure, EAX is 0).
 */
#include <fmt/fmt.h>
#include <libfdt.h>
#include <lcm/lcm.h>
#include <string.h>

#include "core/console.h"
#include "core/domain.h"
#include "core/mm.h"
#include "mb2image.h"
#include "svm.h"
#include "x86.h"

#define IOPM_SIZE  (12 * KiB) /* ports 0-0xFFFF, plus the bits an access at 0xFFFF reads */
#define MSRPM_SIZE (8 * KiB)

struct arch_domain {
	paddr_t iopm, msrpm;
	struct x86_uart uart;
};

int arch_domain_init(struct domain *d)
{
	paddr_t p = mm_alloc(IOPM_SIZE + MSRPM_SIZE + PAGE_SIZE, PAGE_SIZE, MM_HV);

	if (mm_failed(p)) {
		return -1;
	}
	/* Every bit set: every port and every MSR is intercepted. */
	memset(pa_ptr(p), 0xFF, IOPM_SIZE + MSRPM_SIZE);
	struct arch_domain *a = pa_ptr(pa_add(p, IOPM_SIZE + MSRPM_SIZE));
	a->iopm = p;
	a->msrpm = pa_add(p, IOPM_SIZE);
	d->arch = a;
	return 0;
}

void arch_domain_free(struct domain *d)
{
	if (d->arch != NULL) {
		mm_free(d->arch->iopm, IOPM_SIZE + MSRPM_SIZE + PAGE_SIZE);
		d->arch = NULL;
	}
}

uint64_t x86_domain_iopm(const struct domain *d)
{
	return pa_addr(d->arch->iopm);
}

uint64_t x86_domain_msrpm(const struct domain *d)
{
	return pa_addr(d->arch->msrpm);
}

struct x86_uart *x86_domain_uart(struct domain *d)
{
	return &d->arch->uart;
}

void arch_guest_uart_irq(struct domain *d, bool level)
{
	(void)d;
	(void)level; /* the core's PL011: not reachable on x86 (below) */
}

ipaddr_t arch_guest_ram_base(void)
{
	return ipa_init(0);
}

/* Where the core registers every domain's PL011: on x86 out of the way of
 * RAM, and not reachable (an access there is a nested page fault outside
 * RAM: no MMIO is emulated yet). x86 domains have a 16550 at COM1 (uart.c). */
ipaddr_t arch_guest_uart_base(void)
{
	return ipa_init(0xFE000000);
}

const char *arch_kernel_probe(const void *img, uint64_t size, struct kernel_image *k)
{
	if (!svm_ready()) {
		return "this CPU cannot run x86 guests (no SVM with nested paging)";
	}
	return mb2_image_probe(img, size, &k->load_offset, &k->image_size);
}

int arch_guest_dt(void *buf, unsigned size, const struct guest_dt *g)
{
	char name[40];
	int err = fdt_create(buf, (int)size);

	err = err ? err : fdt_finish_reservemap(buf);
	err = err ? err : fdt_begin_node(buf, "");
	err = err ? err : fdt_property_u32(buf, "#address-cells", 2);
	err = err ? err : fdt_property_u32(buf, "#size-cells", 2);
	err = err ? err : fdt_property_string(buf, "compatible", "hyperlaunch,x86-domain");
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
	fmt_snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)ipa_addr(g->ram_base));
	err = err ? err : fdt_begin_node(buf, name);
	err = err ? err : fdt_property_string(buf, "device_type", "memory");
	fdt64_t reg[2] = { cpu_to_fdt64(ipa_addr(g->ram_base)), cpu_to_fdt64(g->ram_size) };
	err = err ? err : fdt_property(buf, "reg", reg, sizeof(reg));
	err = err ? err : fdt_end_node(buf);
	err = err ? err : fdt_begin_node(buf, "cpus");
	err = err ? err : fdt_property_u32(buf, "count", g->nr_vcpus);
	/* The guest's TSC is the host's (no offset): its rate, as the
	 * hypervisor counted it, since QEMU's CPUID has no leaf 0x15. */
	err = err ? err : fdt_property_u64(buf, "tsc-frequency", x86_tsc_hz());
	err = err ? err : fdt_end_node(buf);
	err = err ? err : fdt_end_node(buf);
	err = err ? err : fdt_finish(buf);
	return err ? -1 : (int)fdt_totalsize(buf);
}

/*
 * The LCM's mode bits (docs/bindings.md): MODE_PARAVIRTUALIZED set is
 * classic Xen PV (a kernel deprivileged to ring 3 with a paravirtual MMU),
 * which an SVM backend does not provide; clear, the domain is PVH (device
 * model bit clear) or HVM (set), both hardware-virtualized.
 */
const char *arch_mode_refused(uint32_t mode)
{
	if (mode & LCM_MODE_PARAVIRTUALIZED) {
		return "mode has MODE_PARAVIRTUALIZED (1 << 0): classic PV is not supported on x86 (SVM): use PVH (bits 0 and 1 clear) or HVM (bit 1 set)";
	}
	return NULL;
}

/*
 * A microcode update is applied through a vendor's MSR (AMD: the patch
 * loader at 0xC0010020) after checking that the patch is for this CPU's
 * signature; this hypervisor has no such loader yet, and a CPU that reports
 * a hypervisor underneath it (CPUID 1 ECX bit 31: an emulator or another
 * hypervisor) takes none anyway.
 */
const char *arch_microcode_apply(const void *p, uint64_t size)
{
	uint32_t r[4];

	(void)p;
	(void)size;
	cpuid(1, r);
	if (r[2] & (1u << 31)) {
		return "the CPU runs under a hypervisor or emulator (CPUID 1 ECX bit 31)";
	}
	return "this hypervisor has no microcode loader yet";
}
