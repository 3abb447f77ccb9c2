/*
 * Where modules go in the RAM of QEMU's arm64 `virt` machine, and how much
 * RAM and how many CPUs a configuration needs by default.
 *
 * QEMU loads the hypervisor Image at RAM + 2 MiB and, for a -kernel boot,
 * puts the DTB at RAM + min(RAM / 2, 128 MiB) (hw/arm/boot.c; no -initrd is
 * used). Modules go above a 2 MiB slot kept for that DTB, kernels 2 MiB
 * aligned (the arm64 boot protocol wants a 2 MiB aligned base, and a module
 * used by one domain can then be mapped in place), everything else 4 KiB
 * aligned. The rest of RAM is the hypervisor's to give to domains.
 *
 * Booted through U-Boot (pack --boot uboot), the same addresses hold: the
 * boot script loads the hypervisor, the DTB and every module there. QEMU
 * then puts its own DTB at the start of RAM for U-Boot, which relocates
 * itself, its heap, stack and that DTB to the top of RAM and refuses to
 * load a file over them: the modules must end below that. Once booti hands
 * over, U-Boot is gone and its top of RAM is the hypervisor's like the rest.
 */
#include <stdio.h>

#include "lcm-tool.h"

#define DTB_SLOT_SIZE (2 * LT_MIB)
#define LOW_AREA_MAX  (128 * LT_MIB)
#define PER_DOMAIN    (256 * 1024ull) /* stage-2 tables, guest DTB, vCPUs */
#define HV_OFFSET     (2 * LT_MIB)    /* QEMU's -kernel load offset, kept for booti */
/* U-Boot 2023.01 (Debian's qemu_arm64) keeps the top 34.3 MiB of RAM
 * (bdinfo: lmb reserved 0x5ddb2000-0x5fffffff of 512 MiB, the same size at
 * 1 and 4 GiB); with room to spare for other builds. */
#define UBOOT_TOP (48 * LT_MIB)

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static uint64_t file_align(const struct lt_file *f)
{
	return f->type == LCM_MOD_KERNEL ? 2 * LT_MIB : 4096;
}

static uint64_t file_size(const struct lt_file *f)
{
	return f->present ? f->size : 4096;
}

/* An upper bound of the modules' footprint, whatever their alignment. */
static uint64_t modules_span(const struct lt_config *c)
{
	uint64_t span = 0;

	for (size_t i = 0; i < c->nr_files; i++) {
		span = round_up(span, 2 * LT_MIB) + file_size(&c->files[i]);
	}
	return round_up(span + 2 * LT_MIB, 2 * LT_MIB);
}

static uint64_t domains_need(const struct lt_config *c)
{
	uint64_t need = LT_HV_RESERVE;

	for (size_t i = 0; i < c->nr_domains; i++) {
		need += round_up(c->domains[i].memory_kib * 1024, 2 * LT_MIB) + PER_DOMAIN;
	}
	return need;
}

/* What RAM above the modules must hold: the domains, and while loading,
 * U-Boot. */
static uint64_t above_modules(const struct lt_config *c, enum lt_boot boot)
{
	uint64_t need = domains_need(c);

	return boot == LT_BOOT_UBOOT && need < UBOOT_TOP ? UBOOT_TOP : need;
}

/* The least RAM R with low(R) + X <= R, where low(R) = min(R / 2, 128 MiB). */
uint64_t lt_machine_ram_needed(const struct lt_config *c, enum lt_boot boot)
{
	uint64_t x = DTB_SLOT_SIZE + modules_span(c) + above_modules(c, boot);

	return round_up(x <= LOW_AREA_MAX ? 2 * x : LOW_AREA_MAX + x, 2 * LT_MIB);
}

void lt_machine_default(const struct lt_config *c, enum lt_boot boot, struct lt_machine *m)
{
	unsigned widest = 1, total = 0;

	for (size_t i = 0; i < c->nr_domains; i++) {
		unsigned n = c->domains[i].cpus ? c->domains[i].cpus : 1;
		widest = n > widest ? n : widest;
		total += n;
	}
	m->boot = boot;
	m->ram_size = round_up(lt_machine_ram_needed(c, boot), 64 * LT_MIB);
	if (m->ram_size < 256 * LT_MIB) {
		m->ram_size = 256 * LT_MIB;
	}
	m->cpus = total < 4 ? total : 4;
	if (m->cpus < widest) {
		m->cpus = widest;
	}
	/* Pinned CPUs exist, and one is left for the vCPUs that are not. */
	uint64_t pinned = 0;
	bool unpinned = false;
	for (size_t i = 0; i < c->nr_domains; i++) {
		pinned |= c->domains[i].pinned;
		unpinned |= c->domains[i].pinned == 0;
	}
	unsigned need = pinned != 0 ? 64 - (unsigned)__builtin_clzll(pinned) : 0;
	if (m->cpus < need) {
		m->cpus = need;
	}
	uint64_t first = m->cpus >= 64 ? ~0ull : (1ull << m->cpus) - 1;
	if (unpinned && m->cpus < 64 && (pinned & first) == first) {
		m->cpus++;
	}
}

bool lt_check_pinned(const struct lt_config *c, const struct lt_machine *m)
{
	uint64_t all = m->cpus >= 64 ? ~0ull : (1ull << m->cpus) - 1, pinned = 0;
	bool ok = true;

	for (size_t i = 0; i < c->nr_domains; i++) {
		const struct lt_domain *d = &c->domains[i];
		uint64_t beyond = d->pinned & ~all;
		if (beyond != 0) {
			char path[64];
			snprintf(path, sizeof(path), "domains.%zu.pinned-cpus", i);
			struct lt_loc loc = lt_json_loc(c, path);
			lt_error(&loc,
				 "domain \"%s\": pinned-cpus: CPU %u, but the machine has %u CPU%s",
				 d->name, (unsigned)__builtin_ctzll(beyond), m->cpus,
				 m->cpus == 1 ? "" : "s");
			ok = false;
		}
		pinned |= d->pinned;
	}
	for (size_t i = 0; i < c->nr_domains; i++) {
		if (c->domains[i].pinned == 0 && (pinned & all) == all) {
			char path[32];
			snprintf(path, sizeof(path), "domains.%zu", i);
			struct lt_loc loc = lt_json_loc(c, path);
			lt_error(
				&loc,
				"domain \"%s\": no CPU left: the machine's %u pinned by other domains",
				c->domains[i].name, m->cpus);
			ok = false;
		}
	}
	return ok;
}

bool lt_layout(struct lt_config *c, struct lt_machine *m)
{
	uint64_t low = m->ram_size / 2 < LOW_AREA_MAX ? m->ram_size / 2 : LOW_AREA_MAX;
	uint64_t at;

	/* A file used as a kernel anywhere is aligned as a kernel. */
	for (size_t i = 0; i < c->nr_files; i++) {
		c->files[i].type = LCM_MOD_RAMDISK;
	}
	for (size_t i = 0; i < c->nr_domains; i++) {
		const struct lt_module *k = &c->domains[i].mod[LCM_MOD_KERNEL];
		if (k->present) {
			c->files[k->file].type = LCM_MOD_KERNEL;
		}
	}
	m->hv_addr = LT_VIRT_RAM_BASE + HV_OFFSET;
	m->dtb_slot = LT_VIRT_RAM_BASE + low;
	at = m->dtb_slot + DTB_SLOT_SIZE;
	for (size_t i = 0; i < c->nr_files; i++) {
		struct lt_file *f = &c->files[i];
		at = round_up(at, file_align(f));
		f->addr = at;
		at += file_size(f);
	}
	m->modules_end = round_up(at, 2 * LT_MIB);
	return m->modules_end + above_modules(c, m->boot) <= LT_VIRT_RAM_BASE + m->ram_size;
}

void lt_layout_multiboot(struct lt_config *c)
{
	uint32_t next = 1; /* index 0 is the LCM itself */

	for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
		if (c->cfgmod[t].present && c->files[c->cfgmod[t].file].mb_index == 0) {
			c->files[c->cfgmod[t].file].mb_index = next++;
		}
	}
	for (size_t i = 0; i < c->nr_domains; i++) {
		for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
			const struct lt_module *m = &c->domains[i].mod[t];
			if (m->present && c->files[m->file].mb_index == 0) {
				c->files[m->file].mb_index = next++;
			}
		}
	}
}
