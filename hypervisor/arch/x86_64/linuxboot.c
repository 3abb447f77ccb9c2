/*
 * Linux through the 64-bit boot protocol (Documentation/arch/x86/boot.rst,
 * "64-bit Boot Protocol"; the choice is explained in docs/x86-linux.md).
 * The builder copied the bzImage whole so that its protected-mode part
 * starts at 16 MiB (bzimage.c); when vCPU 0 is reset at such an image, the
 * things a boot loader leaves in RAM are written below 640 KiB:
 *
 *   0x1000  PML4, 0x2000 PDPT, 0x3000-0x6FFF four page directories: the
 *           low 4 GiB identity-mapped with 2 MiB pages
 *   0x7000  GDT: __BOOT_CS 0x10 (64-bit code), __BOOT_DS 0x18
 *   0x8000  the zero page (struct boot_params): the setup header, an e820
 *           map, the initrd and the command line
 *   0x9000  the command line
 *
 * taken from the domain's device tree the builder wrote (its /memory,
 * /chosen bootargs and initrd, as a Boot Domain may have changed them),
 * and the vCPU enters the kernel at its start + 0x200 in long mode, RSI the
 * zero page.
 */
#include <fmt/fmt.h>
#include <libfdt.h>
#include <string.h>

#include "bzimage.h"
#include "core/domain.h"
#include "core/spinlock.h"
#include "core/vcpu.h"
#include "linuxboot.h"
#include "svm.h"
#include "x86.h"

#define LB_PML4        0x1000ull
#define LB_PDPT        0x2000ull
#define LB_PD          0x3000ull
#define LB_GDT         0x7000ull
#define LB_ZP          0x8000ull
#define LB_CMDLINE     0x9000ull
#define LB_CMDLINE_MAX 4095u

/* boot_params (arch/x86/include/uapi/asm/bootparam.h) offsets. */
#define ZP_E820_ENTRIES 0x1E8
#define ZP_LOADER_TYPE  0x210
#define ZP_RAMDISK      0x218
#define ZP_RAMDISK_SIZE 0x21C
#define ZP_CMDLINE      0x228
#define ZP_E820_TABLE   0x2D0
#define E820_RAM        1
#define E820_RESERVED   2

/* The legacy hole (VGA, option ROMs, BIOS): not RAM to Linux. */
#define LOW_RAM_END 0xA0000ull
#define HOLE_END    0x100000ull

static struct spinlock dt_lock;
static uint8_t dt_copy[128 * 1024];

struct linux_params {
	uint64_t ram_size;
	uint64_t initrd, initrd_size;
	char cmdline[LB_CMDLINE_MAX + 1];
};

static uint64_t prop_u64(const void *fdt, int node, const char *name, bool *ok)
{
	int len;
	const fdt64_t *p = fdt_getprop(fdt, node, name, &len);

	if (p == NULL || len != 8) {
		*ok = false;
		return 0;
	}
	return fdt64_to_cpu(*p);
}

/* The domain's RAM size, command line and initrd, from its device tree at
 * @dt_ipa (untrusted if a Boot Domain wrote it: every property checked). */
static const char *read_params(struct domain *d, uint64_t dt_ipa, struct linux_params *lp)
{
	const char *bad = NULL;
	bool ok = true;

	spin_lock(&dt_lock);
	uint64_t room = d->dt_room < sizeof(dt_copy) ? d->dt_room : sizeof(dt_copy);
	if (!domain_read_ram(d, ipa_init(dt_ipa), dt_copy, room) ||
	    fdt_check_full(dt_copy, room) != 0) {
		bad = "its device tree is unreadable";
		goto out;
	}
	int mem = fdt_path_offset(dt_copy, "/memory@0"),
	    chosen = fdt_path_offset(dt_copy, "/chosen");
	int len;
	const fdt64_t *reg = mem >= 0 ? fdt_getprop(dt_copy, mem, "reg", &len) : NULL;
	if (reg == NULL || len != 16 || fdt64_to_cpu(reg[0]) != 0) {
		bad = "its device tree has no /memory@0 reg";
		goto out;
	}
	lp->ram_size = fdt64_to_cpu(reg[1]);
	lp->cmdline[0] = '\0';
	lp->initrd = lp->initrd_size = 0;
	if (chosen >= 0) {
		const char *args = fdt_getprop(dt_copy, chosen, "bootargs", &len);
		if (args != NULL &&
		    (len < 1 || (unsigned)len > sizeof(lp->cmdline) || args[len - 1] != '\0')) {
			bad = "its bootargs are longer than 4095 bytes or not a string";
			goto out;
		}
		if (args != NULL) {
			memcpy(lp->cmdline, args, (size_t)len);
		}
		if (fdt_getprop(dt_copy, chosen, "linux,initrd-start", NULL) != NULL) {
			uint64_t s = prop_u64(dt_copy, chosen, "linux,initrd-start", &ok);
			uint64_t e = prop_u64(dt_copy, chosen, "linux,initrd-end", &ok);
			if (!ok || e < s || e > lp->ram_size || e > 0xFFFFFFFFull) {
				bad = "its initrd lies outside its RAM or above 4 GiB";
				goto out;
			}
			lp->initrd = s;
			lp->initrd_size = e - s;
		}
	}
out:
	spin_unlock(&dt_lock);
	return bad;
}

static void e820(uint8_t *zp, unsigned i, uint64_t addr, uint64_t size, uint32_t type)
{
	uint8_t *e = zp + ZP_E820_TABLE + 20 * i;

	memcpy(e, &addr, 8);
	memcpy(e + 8, &size, 8);
	memcpy(e + 16, &type, 4);
}

/*
 * The MP configuration (Intel MultiProcessor Specification 1.4, chapter
 * 4), in the BIOS area Linux scans (0xF0000-0xFFFFF, reserved in the e820
 * map): the floating pointer (4.1) and the configuration table after it
 * (4.2): one processor entry per vCPU (APIC ID its index, vCPU 0 the
 * bootstrap processor), an ISA bus, and no I/O APIC: the 8259s reach
 * vCPU 0 through its local APIC's LINT0 (ExtINT). The MP table rather than an ACPI MADT: the Linux
 * domains boot with acpi=off (there is no ACPI platform), and Linux reads
 * it then; it is 16 + 44 + 20 per CPU + 8 bytes and needs no other table.
 */
#define LB_MP        0xF0000ull
#define MP_MAX_CPUS  64u
#define MP_CPU_ENTRY 20u
#define MP_HEADER    44u
#define MP_BUS_ENTRY 8u

static uint8_t mp_sum(const uint8_t *b, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++) {
		sum = (uint8_t)(sum + b[i]);
	}
	return (uint8_t)-sum;
}

static bool write_mptable(struct domain *d, unsigned nr_cpus)
{
	uint8_t t[16 + MP_HEADER + MP_CPU_ENTRY * MP_MAX_CPUS + MP_BUS_ENTRY];
	uint8_t *fp = t, *cfg = t + 16;
	uint32_t v;
	uint16_t len = (uint16_t)(MP_HEADER + MP_CPU_ENTRY * nr_cpus + MP_BUS_ENTRY);

	if (nr_cpus > MP_MAX_CPUS) {
		return false;
	}
	memset(t, 0, sizeof(t));
	memcpy(fp, "_MP_", 4);
	v = (uint32_t)(LB_MP + 16);
	memcpy(fp + 4, &v, 4);
	fp[8] = 1; /* length in 16-byte units */
	fp[9] = 4; /* spec revision 1.4 */
	fp[10] = mp_sum(fp, 16);

	memcpy(cfg, "PCMP", 4);
	memcpy(cfg + 4, &len, 2);
	cfg[6] = 4;
	memcpy(cfg + 8, "HYPRLNCH", 8);
	memcpy(cfg + 16, "LINUX DOMAIN", 12);
	uint16_t count = (uint16_t)(nr_cpus + 1);
	memcpy(cfg + 34, &count, 2);
	v = 0xFEE00000u;
	memcpy(cfg + 36, &v, 4);
	uint8_t *e = cfg + MP_HEADER;
	uint32_t r[4];
	cpuid(1, r);
	for (unsigned i = 0; i < nr_cpus; i++, e += MP_CPU_ENTRY) {
		e[0] = 0;                               /* processor */
		e[1] = (uint8_t)i;                      /* local APIC ID */
		e[2] = 0x14;                            /* its version (vlapic.h) */
		e[3] = (uint8_t)(1 | (i == 0 ? 2 : 0)); /* enabled, BP */
		memcpy(e + 4, &r[0], 4);                /* signature */
		memcpy(e + 8, &r[3], 4);                /* feature flags */
	}
	e[0] = 1; /* bus 0: ISA */
	memcpy(e + 2, "ISA   ", 6);
	cfg[7] = mp_sum(cfg, len);
	return domain_write_ram(d, ipa_init(LB_MP), t, 16u + len);
}

static bool write_tables(struct domain *d, const uint8_t *hdr, const struct linux_params *lp)
{
	static const uint64_t gdt[4] = { 0, 0, 0x00AF9B000000FFFFull, 0x00CF93000000FFFFull };
	uint64_t pt[512];
	uint8_t zp[4096];
	bool ok = true;

	memset(pt, 0, sizeof(pt));
	pt[0] = LB_PDPT | 3;
	ok = ok && domain_write_ram(d, ipa_init(LB_PML4), pt, sizeof(pt));
	for (unsigned i = 0; i < 4; i++) {
		pt[i] = (LB_PD + i * 4096) | 3;
	}
	pt[0] = (LB_PD) | 3;
	ok = ok && domain_write_ram(d, ipa_init(LB_PDPT), pt, sizeof(pt));
	for (unsigned i = 0; i < 4 && ok; i++) {
		for (unsigned j = 0; j < 512; j++) {
			pt[j] = ((uint64_t)i << 30) + ((uint64_t)j << 21) + 0x83; /* P RW PS */
		}
		ok = domain_write_ram(d, ipa_init(LB_PD + i * 4096), pt, sizeof(pt));
	}
	ok = ok && domain_write_ram(d, ipa_init(LB_GDT), gdt, sizeof(gdt));

	memset(zp, 0, sizeof(zp));
	memcpy(zp + BZ_HDR_START, hdr + BZ_HDR_START, BZ_HDR_END - BZ_HDR_START);
	zp[ZP_LOADER_TYPE] = 0xFF; /* a loader with no assigned id */
	uint32_t v = (uint32_t)LB_CMDLINE;
	memcpy(zp + ZP_CMDLINE, &v, 4);
	v = (uint32_t)lp->initrd;
	memcpy(zp + ZP_RAMDISK, &v, 4);
	v = (uint32_t)lp->initrd_size;
	memcpy(zp + ZP_RAMDISK_SIZE, &v, 4);
	e820(zp, 0, 0, LOW_RAM_END, E820_RAM);
	e820(zp, 1, LOW_RAM_END, HOLE_END - LOW_RAM_END, E820_RESERVED);
	e820(zp, 2, HOLE_END, lp->ram_size - HOLE_END, E820_RAM);
	zp[ZP_E820_ENTRIES] = 3;
	ok = ok && domain_write_ram(d, ipa_init(LB_ZP), zp, sizeof(zp));
	ok = ok && write_mptable(d, d->nr_vcpus);
	return ok &&
	       domain_write_ram(d, ipa_init(LB_CMDLINE), lp->cmdline, strlen(lp->cmdline) + 1);
}

/*
 * The TSC's rate, which a PC tells Linux through no interface this
 * platform has (no CPUID leaf 0x15, no HPET): "tsc_early_khz=" appended to
 * the command line unless the LCM's bootargs set it already. Without it
 * Linux calibrates against the emulated PIT, which under emulation is
 * slow and imprecise.
 */
static const char *add_tsc_khz(char *cmdline, size_t size)
{
	static const char key[] = "tsc_early_khz=";
	size_t len = strlen(cmdline);

	for (size_t i = 0; i + sizeof(key) - 1 <= len; i++) {
		if ((i == 0 || cmdline[i - 1] == ' ') &&
		    memcmp(cmdline + i, key, sizeof(key) - 1) == 0) {
			return NULL;
		}
	}
	int n = fmt_snprintf(cmdline + len, size - len, "%s%s%llu", len ? " " : "", key,
			     (unsigned long long)(x86_tsc_hz() / 1000));
	return n < 0 || (size_t)n >= size - len ? "its bootargs leave no room for tsc_early_khz="
						: NULL;
}

/*
 * "noapic" (no I/O APIC: there is none) appended unless the bootargs have
 * it: Linux then sets the BSP's LINT0 to ExtINT, unmasked, so the 8259's
 * interrupts (the PIT's IRQ 0, the UART's IRQ 4) keep reaching vCPU 0.
 * Without it, having software-disabled its local APIC first (which masks
 * LINT0, SDM vol. 3, 10.4.7.2), Linux masks LINT0 for an I/O APIC it
 * expects from the MP table's default ISA routing.
 */
static const char *add_noapic(char *cmdline, size_t size)
{
	static const char key[] = "noapic";
	size_t len = strlen(cmdline);

	for (size_t i = 0; i + sizeof(key) - 1 <= len; i++) {
		if ((i == 0 || cmdline[i - 1] == ' ') &&
		    memcmp(cmdline + i, key, sizeof(key) - 1) == 0 &&
		    (cmdline[i + sizeof(key) - 1] == ' ' || cmdline[i + sizeof(key) - 1] == 0)) {
			return NULL;
		}
	}
	int n = fmt_snprintf(cmdline + len, size - len, "%s%s", len ? " " : "", key);
	return n < 0 || (size_t)n >= size - len ? "its bootargs leave no room for noapic" : NULL;
}

static void seg(uint8_t *vmcb, unsigned off, uint16_t sel, uint16_t attrib, uint32_t limit,
		uint64_t base)
{
	memcpy(vmcb + off, &sel, 2);
	memcpy(vmcb + off + 2, &attrib, 2);
	memcpy(vmcb + off + 4, &limit, 4);
	memcpy(vmcb + off + 8, &base, 8);
}

void linux_start_ap(uint8_t *vmcb, uint8_t vector)
{
	/* The state after INIT and a STARTUP IPI (SDM vol. 3, 9.1.1 and
	 * 10.6.1: real mode, CS selector vector << 8, base vector << 12, IP
	 * 0), as the AP trampoline expects. */
	uint64_t base = (uint64_t)vector << 12;
	seg(vmcb, VMCB_CS, (uint16_t)(base >> 4), 0x9B, 0xFFFF, base);
	static const unsigned data[] = { VMCB_ES, VMCB_SS, VMCB_DS, VMCB_FS, VMCB_GS };
	for (size_t i = 0; i < ARRAY_SIZE(data); i++) {
		seg(vmcb, data[i], 0, 0x93, 0xFFFF, 0);
	}
	seg(vmcb, VMCB_GDTR, 0, 0, 0xFFFF, 0);
	seg(vmcb, VMCB_IDTR, 0, 0, 0xFFFF, 0);
	*vmcb_u64(vmcb, VMCB_EFER) = EFER_SVME;
	*vmcb_u64(vmcb, VMCB_CR0) = 0x10; /* ET; real mode */
	*vmcb_u64(vmcb, VMCB_CR4) = 0;
	*vmcb_u64(vmcb, VMCB_CR3) = 0;
	*vmcb_u64(vmcb, VMCB_RIP) = 0;
	*vmcb_u64(vmcb, VMCB_RFLAGS) = 2;
}

bool linux_boot(struct vcpu *v, uint8_t *vmcb, struct svm_gprs *g, ipaddr_t entry, uint64_t arg)
{
	struct domain *d = v->dom;
	uint8_t hdr[BZ_HDR_END];
	struct bzimage bz;
	struct linux_params lp;

	if (!domain_read_ram(d, entry, hdr, sizeof(hdr)) || bzimage_header(hdr, &bz) != NULL) {
		return false; /* not a bzImage: a Multiboot2 guest */
	}
	x86_domain_set_linux(d);
	const char *bad = read_params(d, arg, &lp);
	if (bad == NULL && (lp.ram_size <= HOLE_END || lp.ram_size > 4 * GiB)) {
		bad = "Linux domains have between 1 MiB and 4 GiB of RAM";
	}
	if (bad == NULL) {
		bad = add_tsc_khz(lp.cmdline, sizeof(lp.cmdline));
	}
	if (bad == NULL) {
		bad = add_noapic(lp.cmdline, sizeof(lp.cmdline));
	}
	if (bad == NULL && strlen(lp.cmdline) > bz.cmdline_max) {
		bad = "its bootargs are longer than the kernel's cmdline_size";
	}
	if (bad == NULL && !write_tables(d, hdr, &lp)) {
		bad = "its boot tables do not fit in its low RAM (or more than 64 vCPUs)";
	}
	if (bad != NULL) {
		domain_stop(d, "Linux boot: %s", bad);
		return true;
	}
	seg(vmcb, VMCB_CS, 0x10, 0xA9B, 0xFFFFFFFF, 0);
	static const unsigned data[] = { VMCB_ES, VMCB_SS, VMCB_DS, VMCB_FS, VMCB_GS };
	for (size_t i = 0; i < ARRAY_SIZE(data); i++) {
		seg(vmcb, data[i], 0x18, 0xC93, 0xFFFFFFFF, 0);
	}
	seg(vmcb, VMCB_GDTR, 0, 0, 4 * 8 - 1, LB_GDT);
	*vmcb_u64(vmcb, VMCB_EFER) = EFER_SVME | 0x500; /* LME, LMA */
	*vmcb_u64(vmcb, VMCB_CR0) = 0x80000031ull;      /* PG, NE, ET, PE */
	*vmcb_u64(vmcb, VMCB_CR4) = 0x20;               /* PAE */
	*vmcb_u64(vmcb, VMCB_CR3) = LB_PML4;
	*vmcb_u64(vmcb, VMCB_RIP) = ipa_addr(entry) + bz.setup_size + 0x200;
	g->rbx = 0;
	g->rsi = LB_ZP;
	return true;
}
