/*
 * lcm-tool pack --arch x86: a GRUB 2 ISO that boots a configuration on
 * QEMU's PC machine the way the design boots x86: GRUB's multiboot2 command
 * loads the hypervisor, the LCM is the first module2, and every other module
 * follows in mb-index order (lt_layout_multiboot), so that mb-index N is the
 * N-th module GRUB hands over. GRUB gunzips a compressed module unless told
 * not to, which would change its bytes behind the LCM's digest: every
 * module2 line has --nounzip. grub-mkrescue (grub-pc-bin, xorriso) makes the
 * ISO without root, for the BIOS only (its i386-pc images), so that what
 * else is installed changes nothing. With --firmware uefi it is made for
 * every platform GRUB has installed, x86_64-efi (grub-efi-amd64-bin, and
 * mtools for the EFI system partition inside) required: the same ISO then
 * boots with a BIOS too. run-qemu boots it on q35 with OVMF (the ovmf
 * package): its code read-only, its variables a copy in DIR, as a real
 * machine's would persist. GRUB's EFI build exits the boot services and
 * enters the hypervisor as its BIOS build does (32-bit, paging off),
 * adding the EFI tags and the ACPI RSDP's copy: the hypervisor reads its
 * ACPI tables through that (docs/x86-linux.md).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

#include "lcm-tool.h"

#define X86_HV_NAME "hyperlaunch-x86_64.elf"
#define X86_MIN_RAM (256 * LT_MIB)
#define GRUB_BIOS   "/usr/lib/grub/i386-pc"
#define GRUB_EFI    "/usr/lib/grub/x86_64-efi"
#define OVMF_CODE   "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define OVMF_VARS   "/usr/share/OVMF/OVMF_VARS_4M.fd"

/* The module's name in the ISO: pack's "NN-basename", with anything that
 * GRUB's parser or ISO 9660 could read otherwise replaced by '_'. */
static void iso_name(const struct lt_config *c, size_t i, char *out, size_t size)
{
	lt_module_name(c, i, out, size);
	for (char *p = out; *p != '\0'; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_';
		if (!ok) {
			*p = '_';
		}
	}
}

/* The file at mb-index @index (1..nr_files), or -1. */
static long file_at(const struct lt_config *c, uint32_t index)
{
	for (size_t i = 0; i < c->nr_files; i++) {
		if (c->files[i].mb_index == index) {
			return (long)i;
		}
	}
	return -1;
}

static bool write_grub_cfg(const char *path, const struct lt_config *c)
{
	FILE *f = fopen(path, "w");
	char name[NAME_MAX + 1];

	if (f == NULL) {
		return false;
	}
	fprintf(f,
		"# Written by lcm-tool pack --arch x86 from %s.\n"
		"# module2 order is mb-index order: the LCM is 0.\n"
		"set timeout=0\n"
		"set default=0\n"
		"serial --unit=0 --speed=115200\n"
		"terminal_input serial\n"
		"terminal_output serial\n"
		"menuentry \"Hyperlaunch\" {\n"
		"\tmultiboot2 /boot/" X86_HV_NAME "\n"
		"\tmodule2 --nounzip /boot/lcm.dtb\n",
		c->path);
	for (uint32_t index = 1; index <= c->nr_files; index++) {
		long i = file_at(c, index);
		if (i < 0) {
			break;
		}
		iso_name(c, (size_t)i, name, sizeof(name));
		fprintf(f, "\tmodule2 --nounzip /boot/modules/%s\n", name);
	}
	fprintf(f, "}\n");
	return fclose(f) == 0;
}

static bool write_script(const char *dir, const struct lt_config *c, unsigned cpus, uint64_t ram,
			 bool uefi)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/run-qemu", dir);
	f = fopen(path, "w");
	if (f == NULL) {
		return false;
	}
	if (uefi) {
		fprintf(f,
			"#!/bin/sh\n"
			"# Boots a Hyperlaunch launch on QEMU's q35 machine with OVMF (UEFI)\n"
			"# from a GRUB ISO. Written by lcm-tool pack --arch x86 --firmware uefi\n"
			"# from %s; arguments are passed on to QEMU. QEMU= in the environment\n"
			"# overrides the program, OVMF_CODE= the firmware; the UEFI variables\n"
			"# are OVMF_VARS.fd beside this script.\n"
			"here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
			"exec \"${QEMU:-qemu-system-x86_64}\" \\\n"
			"\t-M q35 -cpu max -smp %u -m %lluM -nographic -nic none \\\n"
			"\t-drive if=pflash,format=raw,readonly=on,file=\"${OVMF_CODE:-" OVMF_CODE
			"}\" \\\n"
			"\t-drive if=pflash,format=raw,file=\"$here/OVMF_VARS.fd\" \\\n"
			"\t-cdrom \"$here/hyperlaunch.iso\" \\\n"
			"\t\"$@\"\n",
			c->path, cpus, (unsigned long long)(ram / LT_MIB));
	} else {
		fprintf(f,
			"#!/bin/sh\n"
			"# Boots a Hyperlaunch launch on QEMU's x86 PC machine from a GRUB ISO.\n"
			"# Written by lcm-tool pack --arch x86 from %s; arguments are passed on to\n"
			"# QEMU. QEMU= in the environment overrides the program.\n"
			"here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
			"exec \"${QEMU:-qemu-system-x86_64}\" \\\n"
			"\t-M pc -cpu max -smp %u -m %lluM -nographic -nic none \\\n"
			"\t-cdrom \"$here/hyperlaunch.iso\" \\\n"
			"\t\"$@\"\n",
			c->path, cpus, (unsigned long long)(ram / LT_MIB));
	}
	if (fclose(f) != 0) {
		return false;
	}
	return chmod(path, 0755) == 0;
}

/* Every domain's memory, the modules and the hypervisor's share, in whole
 * MiB, at least X86_MIN_RAM. */
static uint64_t default_ram(const struct lt_config *c)
{
	uint64_t need = 64 * LT_MIB;

	for (size_t i = 0; i < c->nr_domains; i++) {
		need += c->domains[i].memory_kib * 1024;
	}
	for (size_t i = 0; i < c->nr_files; i++) {
		need += c->files[i].size;
	}
	need = (need + LT_MIB - 1) / LT_MIB * LT_MIB;
	return need < X86_MIN_RAM ? X86_MIN_RAM : need;
}

/* As for arm64 (docs/lcm-tool.md): the vCPUs of all domains, at most 4, but
 * at least the widest domain's. */
static unsigned default_cpus(const struct lt_config *c)
{
	unsigned total = 0, widest = 1;

	for (size_t i = 0; i < c->nr_domains; i++) {
		unsigned n = c->domains[i].cpus != 0 ? c->domains[i].cpus : 1;
		total += n;
		widest = n > widest ? n : widest;
	}
	total = total < 4 ? total : 4;
	return total > widest ? total : widest;
}

int lt_pack_x86(const char *in, const char *dir, const char *hv, uint64_t memory, unsigned cpus,
		bool uefi)
{
	struct lt_config c;
	struct lcm_launch l;
	void *lcm = NULL;
	char path[PATH_MAX * 2], iso[PATH_MAX], hvpath[PATH_MAX], name[NAME_MAX + 1];

	bool loaded = lt_config_load(&c, in, true);
	if (loaded) {
		lt_layout_multiboot(&c);
		int err = lt_emit_lcm(&c, LT_TARGET_X86, &lcm);
		if (err != 0 && lt_nr_errors == 0) {
			lt_fatal_usage("cannot write the LCM: %s", fdt_strerror(err));
		}
		if (err == 0 &&
		    lt_validate(lcm, fdt_totalsize(lcm), LCM_ARCH_X86, &c, in, &l) == LCM_OK) {
			lt_check_config_files(&c, LCM_ARCH_X86);
		}
	}
	if (lt_nr_errors != 0) {
		fprintf(stderr, "%s: %u error%s; nothing packed\n", in, lt_nr_errors,
			lt_nr_errors == 1 ? "" : "s");
		free(lcm);
		lt_config_free(&c);
		return 1;
	}
	if (hv == NULL) {
		lt_default_hypervisor(X86_HV_NAME, hvpath, sizeof(hvpath));
		hv = hvpath;
	}
	if (access(hv, R_OK) != 0) {
		lt_fatal_usage("no x86 hypervisor at \"%s\" (give --hypervisor): %s", hv,
			       strerror(errno));
	}
	if (!uefi && access(GRUB_BIOS, R_OK) != 0) {
		lt_fatal_usage("--arch x86: no GRUB for the BIOS at " GRUB_BIOS
			       " (install grub-pc-bin)");
	}
	if (uefi && access(GRUB_EFI, R_OK) != 0) {
		lt_fatal_usage("--firmware uefi: no GRUB for UEFI at " GRUB_EFI
			       " (install grub-efi-amd64-bin)");
	}
	if (uefi && access(OVMF_VARS, R_OK) != 0) {
		lt_fatal_usage("--firmware uefi: no OVMF at " OVMF_VARS " (install ovmf)");
	}

	snprintf(iso, sizeof(iso), "%s/iso", dir);
	snprintf(path, sizeof(path), "%s/boot/grub", iso);
	lt_mkdir_p(path);
	snprintf(path, sizeof(path), "%s/boot/modules", iso);
	lt_mkdir_p(path);
	snprintf(path, sizeof(path), "%s/boot/lcm.dtb", iso);
	if (!lt_write_file(path, lcm, fdt_totalsize(lcm), 0644)) {
		lt_fatal_usage("cannot write \"%s\": %s", path, strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/boot/" X86_HV_NAME, iso);
	lt_copy_file(hv, path);
	for (size_t i = 0; i < c.nr_files; i++) {
		iso_name(&c, i, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/boot/modules/%s", iso, name);
		/* A compiled policy rather than the text the JSON names. */
		if (c.files[i].data != NULL) {
			if (!lt_write_file(path, c.files[i].data, c.files[i].size, 0644)) {
				lt_fatal_usage("cannot write \"%s\": %s", path, strerror(errno));
			}
		} else {
			lt_copy_file(c.files[i].path, path);
		}
	}
	snprintf(path, sizeof(path), "%s/boot/grub/grub.cfg", iso);
	if (!write_grub_cfg(path, &c)) {
		lt_fatal_usage("cannot write \"%s\": %s", path, strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/hyperlaunch.iso", dir);
	if (uefi) {
		char *mkrescue[] = { "grub-mkrescue", "-o", path, iso, NULL };
		lt_run(mkrescue, "grub-efi-amd64-bin, mtools and xorriso", dir, NULL);
		snprintf(path, sizeof(path), "%s/OVMF_VARS.fd", dir);
		size_t n;
		char *vars = lt_read_file(OVMF_VARS, &n);
		if (vars == NULL || !lt_write_file(path, vars, n, 0644)) {
			lt_fatal_usage("cannot copy " OVMF_VARS " to \"%s\": %s", path,
				       strerror(errno));
		}
		free(vars);
	} else {
		char *mkrescue[] = { "grub-mkrescue", "-d", GRUB_BIOS, "-o", path, iso, NULL };
		lt_run(mkrescue, "grub-pc-bin and xorriso", dir, NULL);
	}

	uint64_t ram = memory != 0 ? memory : default_ram(&c);
	unsigned ncpus = cpus != 0 ? cpus : default_cpus(&c);
	if (!write_script(dir, &c, ncpus, ram, uefi)) {
		lt_fatal_usage("cannot write \"%s/run-qemu\": %s", dir, strerror(errno));
	}
	printf("%s: %u domain%s, %zu module file%s, %u CPUs, %llu MiB RAM (x86 GRUB ISO%s)\n", dir,
	       l.nr_domains, l.nr_domains == 1 ? "" : "s", c.nr_files, c.nr_files == 1 ? "" : "s",
	       ncpus, (unsigned long long)(ram / LT_MIB), uefi ? ", UEFI" : "");
	free(lcm);
	lt_config_free(&c);
	return 0;
}
