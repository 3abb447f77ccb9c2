/*
 * The platform from the multiboot loader's information structure: RAM from
 * its memory map, the module list (the LCM is module 0, the others are
 * named by mb-index), the ACPI RSDP when the loader hands it over (GRUB
 * does; under UEFI it is the only way to the ACPI tables: acpi.c), and the
 * structure itself kept as firmware memory.
 * Multiboot2 (GRUB; Multiboot2 spec 3.6) and Multiboot 1 (QEMU -kernel;
 * Multiboot 0.6.96 3.3) are read into the same struct platform, so the
 * core sees one module list whichever loader ran.
 */
#include <fmt/fmt.h>
#include <lcm/lcm.h>
#include <libfdt.h>
#include <string.h>

#include "core/arch.h"
#include "core/console.h"
#include "x86.h"

#define MB2_LOADER_MAGIC 0x36D76289u
#define MB1_LOADER_MAGIC 0x2BADB002u
#define MB2_TAG_END      0
#define MB2_TAG_MODULE   3
#define MB2_TAG_MMAP     6
#define MB2_TAG_EFI32    11
#define MB2_TAG_EFI64    12
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB1_INFO_MODS    (1u << 3)
#define MB1_INFO_MMAP    (1u << 6)
#define MB_MEMORY_RAM    1 /* "available RAM" in both memory maps */
/* The real-mode interrupt table and BIOS data area: never the allocator's. */
#define LOW_RESERVED 0x1000
/* The hypervisor maps the first 4 GiB (head.S). */
#define MAPPED_LIMIT (4 * GiB)

static uint32_t boot_magic;
static const uint8_t *boot_info;
static uint64_t boot_info_size;
/* From the multiboot2 tags: the RSDP's copies, whether the firmware is UEFI. */
static const uint8_t *rsdp_old, *rsdp_new;
static bool firmware_efi;

void x86_boot_info(uint32_t magic, uint32_t info)
{
	boot_magic = magic;
	boot_info = (const uint8_t *)(uintptr_t)info;
}

const char *arch_boot_info_name(void)
{
	return "multiboot info";
}

void arch_platform_describe(const struct platform *p, char *buf, size_t size)
{
	fmt_snprintf(buf, size, "local APIC 0x%08llx, uart 16550 at I/O 0x3f8, %u boot modules",
		     (unsigned long long)pa_addr(p->irqc_dist.base), p->nr_boot_mods);
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}
static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* One "available" range of the loader's memory map, clipped to what the
 * hypervisor maps. */
static void add_ram(struct platform *p, uint64_t base, uint64_t len)
{
	uint64_t end = base + len;

	if (end < base || end > MAPPED_LIMIT) {
		end = MAPPED_LIMIT;
	}
	if (base < LOW_RESERVED) {
		base = LOW_RESERVED;
	}
	base = align_up(base, PAGE_SIZE);
	end = align_down(end, PAGE_SIZE);
	if (base >= end) {
		return;
	}
	if (p->nr_ram == PLAT_MAX_RAM) {
		printk("platform: more than %u RAM ranges: 0x%llx-0x%llx ignored\n", PLAT_MAX_RAM,
		       (unsigned long long)base, (unsigned long long)end);
		return;
	}
	p->ram[p->nr_ram++] = (struct mem_range){ pa_init(base), end - base };
}

static void add_module(struct platform *p, uint32_t start, uint32_t end)
{
	if (p->nr_boot_mods == PLAT_MAX_BOOT_MODS) {
		printk("platform: more than %u multiboot modules: 0x%x-0x%x ignored\n",
		       PLAT_MAX_BOOT_MODS, start, end);
		return;
	}
	p->boot_mods[p->nr_boot_mods++] =
		(struct mem_range){ pa_init(start), end > start ? end - start : 0 };
}

static int parse_mb2(struct platform *p)
{
	boot_info_size = rd32(boot_info);
	for (uint64_t off = 8; off + 8 <= boot_info_size;) {
		const uint8_t *t = boot_info + off;
		uint32_t type = rd32(t), size = rd32(t + 4);

		if (type == MB2_TAG_END) {
			return 0;
		}
		if (size < 8 || off + size > boot_info_size) {
			printk("platform: multiboot2 tag %u at +0x%llx: size %u runs past the structure\n",
			       type, (unsigned long long)off, size);
			return -1;
		}
		if (type == MB2_TAG_MODULE && size >= 16) {
			add_module(p, rd32(t + 8), rd32(t + 12));
		} else if (type == MB2_TAG_EFI32 || type == MB2_TAG_EFI64) {
			firmware_efi = true;
		} else if (type == MB2_TAG_ACPI_OLD && size >= 8 + 20) {
			rsdp_old = t + 8;
		} else if (type == MB2_TAG_ACPI_NEW && size >= 8 + 36) {
			rsdp_new = t + 8;
		} else if (type == MB2_TAG_MMAP && size >= 16) {
			uint32_t esize = rd32(t + 8);
			for (uint32_t e = 16; esize >= 24 && e + esize <= size; e += esize) {
				if (rd32(t + e + 16) == MB_MEMORY_RAM) {
					add_ram(p, rd64(t + e), rd64(t + e + 8));
				}
			}
		}
		off += align_up(size, 8);
	}
	printk("platform: multiboot2 information without an end tag\n");
	return -1;
}

static int parse_mb1(struct platform *p)
{
	uint32_t flags = rd32(boot_info);

	boot_info_size = 120; /* the fixed structure */
	if (flags & MB1_INFO_MODS) {
		const uint8_t *m = (const uint8_t *)(uintptr_t)rd32(boot_info + 24);
		for (uint32_t i = 0; i < rd32(boot_info + 20); i++, m += 16) {
			add_module(p, rd32(m), rd32(m + 4));
		}
	}
	if (flags & MB1_INFO_MMAP) {
		const uint8_t *e = (const uint8_t *)(uintptr_t)rd32(boot_info + 48);
		const uint8_t *end = e + rd32(boot_info + 44);
		while (e + 24 <= end) {
			if (rd32(e + 20) == MB_MEMORY_RAM) {
				add_ram(p, rd64(e + 4), rd64(e + 12));
			}
			e += rd32(e) + 4;
		}
	}
	return 0;
}

/* The LCM: module 0, when it is a device tree (the design's detection:
 * anything else is a classic boot, which this port does not do yet). */
static int find_lcm(struct platform *p)
{
	if (p->nr_boot_mods == 0) {
		printk("platform: no multiboot modules: the LCM must be module 0\n");
		return -1;
	}
	const void *lcm = pa_ptr(p->boot_mods[0].base);
	uint64_t size = p->boot_mods[0].size;
	const char *why = lcm_fdt_check(lcm, size);
	if (why != NULL) {
		printk("platform: multiboot module 0 (0x%llx+0x%llx) is not an LCM: %s; a classic boot (no LCM) is not supported on x86 yet\n",
		       (unsigned long long)pa_addr(p->boot_mods[0].base), (unsigned long long)size,
		       why);
		return -1;
	}
	p->fdt = lcm;
	p->fdt_size = fdt_totalsize(lcm);
	p->fdt_chosen = fdt_path_offset(lcm, "/chosen");
	return 0;
}

static bool overlaps(uint64_t base, uint64_t size, const struct mem_range *r)
{
	return base < range_end(r) && pa_addr(r->base) < base + size;
}

/* The page the other CPUs start in (smp.c): the highest page of RAM below
 * 1 MiB (the real-mode limit, less the legacy video and ROM window) that
 * holds no module nor the information structure, which loaders put
 * anywhere down there (OVMF's GRUB from 0x4000 up); kept out of the
 * allocator. */
#define TRAMPOLINE_LIMIT 0xA0000

static bool trampoline_fits(const struct platform *p, uint64_t page)
{
	bool ram = false;

	for (unsigned i = 0; i < p->nr_ram; i++) {
		ram |= pa_addr(p->ram[i].base) <= page && page + PAGE_SIZE <= range_end(&p->ram[i]);
	}
	for (unsigned i = 0; ram && i < p->nr_boot_mods; i++) {
		ram = !overlaps(page, PAGE_SIZE, &p->boot_mods[i]);
	}
	for (unsigned i = 0; ram && i < p->nr_reserved; i++) {
		ram = !overlaps(page, PAGE_SIZE, &p->reserved[i]);
	}
	return ram;
}

static int choose_trampoline(struct platform *p)
{
	uint64_t page = TRAMPOLINE_LIMIT - PAGE_SIZE;

	while (page >= LOW_RESERVED && !trampoline_fits(p, page)) {
		page -= PAGE_SIZE;
	}
	if (page < LOW_RESERVED || p->nr_reserved == PLAT_MAX_RESERVED) {
		return -1;
	}
	p->reserved[p->nr_reserved++] = (struct mem_range){ pa_init(page), PAGE_SIZE };
	x86_smp_set_trampoline((uint32_t)page);
	return 0;
}

int arch_platform_probe(const void *info, struct platform *p)
{
	int r;

	memset(p, 0, sizeof(*p));
	if (boot_magic == MB2_LOADER_MAGIC) {
		r = parse_mb2(p);
	} else if (boot_magic == MB1_LOADER_MAGIC) {
		r = parse_mb1(p);
	} else {
		printk("platform: not started by a multiboot loader (EAX 0x%x)\n", boot_magic);
		return -1;
	}
	(void)info; /* the same address, kept with its loader's magic */
	if (r != 0) {
		return -1;
	}
	printk("platform: %s, %u modules\n",
	       boot_magic == MB2_LOADER_MAGIC ? "multiboot2" : "multiboot 1", p->nr_boot_mods);
	for (unsigned i = 0; i < p->nr_boot_mods; i++) {
		printk("platform: module %u: 0x%08llx-0x%08llx%s\n", i,
		       (unsigned long long)pa_addr(p->boot_mods[i].base),
		       (unsigned long long)range_end(&p->boot_mods[i]), i == 0 ? " (LCM)" : "");
	}
	if (p->nr_ram == 0) {
		printk("platform: no available RAM in the loader's memory map\n");
		return -1;
	}
	p->reserved[p->nr_reserved++] = (struct mem_range){ pa_of(boot_info), boot_info_size };
	acpi_set_rsdp(rsdp_new != NULL ? rsdp_new : rsdp_old, firmware_efi);
	printk("platform: %s firmware, ACPI RSDP: %s\n", firmware_efi ? "UEFI" : "BIOS",
	       acpi_rsdp_source());
	x86_smp_probe(p->cpu_hwid, &p->nr_cpus, PLAT_MAX_CPUS);
	if (p->nr_cpus > 1 && choose_trampoline(p) != 0) {
		printk("platform: no free page below 1 MiB for the other CPUs' start: %u CPUs ignored\n",
		       p->nr_cpus - 1);
		p->nr_cpus = 1;
	}
	p->irqc_dist = (struct mem_range){ pa_init(rdmsr(MSR_APIC_BASE) & ~0xFFFull), PAGE_SIZE };
	p->tick_irq = X86_TICK_VECTOR;
	return find_lcm(p);
}
