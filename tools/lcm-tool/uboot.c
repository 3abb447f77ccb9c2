/*
 * lcm-tool pack --boot uboot: the launch on a disk that Debian's unmodified
 * U-Boot boots, as on a board. DIR already holds what pack makes for QEMU
 * (host.dtb with the LCM, hyperlaunch.bin, modules/); this adds
 *
 *   boot.cmd, boot.scr  a U-Boot script (mkimage -T script) that loads each
 *                       file at its address from the layout (layout.c: the
 *                       same numbers as the LCM's module-addr), then runs
 *                       booti with host.dtb;
 *   disk.img            an MBR disk (sfdisk) with one FAT32 partition
 *                       (mkfs.vfat, mtools) holding all of them;
 *   run-qemu            QEMU with U-Boot as its firmware and that disk.
 *
 * U-Boot's distro boot finds boot.scr on the first partition. Everything is
 * made with Debian's tools, without root (a regular file is the disk).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lcm-tool.h"

#define PART_START_SECTOR 2048 /* 1 MiB: the usual first partition's alignment */
#define PART_OFFSET       (PART_START_SECTOR * 512ull)
/* FAT32 needs 65525 clusters: with 512-byte sectors and clusters that is
 * 32 MiB and some; this leaves room for the FATs. */
#define FS_MIN (64 * LT_MIB)
/* The disk's and the file system's serial number ("HLLT"): the same disk
 * from the same files. */
#define DISK_ID "484c4c54"

/* On the partition's root, beside modules/. */
static const char *const top_files[] = { "boot.scr", "boot.cmd", "host.dtb", "hyperlaunch.bin" };
#define NR_TOP_FILES (sizeof(top_files) / sizeof(top_files[0]))

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static uint64_t file_bytes(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		lt_fatal_usage("cannot read \"%s\": %s", path, strerror(errno));
	}
	return (uint64_t)st.st_size;
}

/* The boot script: every file at its layout address, the hypervisor last
 * (U-Boot runs scripts from scriptaddr, RAM + 2 MiB, where it goes), then
 * booti. fdt_high all ones keeps host.dtb where it was loaded: by default
 * U-Boot would move it below 4 GiB, to the top of RAM. A file that does not
 * load stops the script before booti (with a flag: U-Boot's `exit` does
 * not end a script in 2023.01). */
static void write_boot_cmd(const char *dir, const struct lt_config *c, const struct lt_machine *m)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/boot.cmd", dir);
	f = fopen(path, "w");
	if (f == NULL) {
		lt_fatal_usage("cannot write \"%s\": %s", path, strerror(errno));
	}
	fprintf(f,
		"# Hyperlaunch, packed by lcm-tool pack --boot uboot from\n"
		"#   %s\n"
		"# Loads every file at the address of the LCM (module-addr) and starts the\n"
		"# hypervisor at EL2 with host.dtb, which carries the LCM. devtype, devnum\n"
		"# and distro_bootpart come from U-Boot's distro boot (set them when\n"
		"# running it by hand).\n"
		"setenv fdt_high 0xffffffffffffffff\n"
		"setenv hl_dev \"${devtype} ${devnum}:${distro_bootpart}\"\n"
		"setenv hl_loaded yes\n"
		"load ${hl_dev} 0x%llx host.dtb || setenv hl_loaded no\n",
		c->path, (unsigned long long)m->dtb_slot);
	for (size_t i = 0; i < c->nr_files; i++) {
		char name[NAME_MAX + 1];
		lt_module_name(c, i, name, sizeof(name));
		fprintf(f, "load ${hl_dev} 0x%llx modules/%s || setenv hl_loaded no\n",
			(unsigned long long)c->files[i].addr, name);
	}
	fprintf(f,
		"load ${hl_dev} 0x%llx hyperlaunch.bin || setenv hl_loaded no\n"
		"if test \"${hl_loaded}\" = yes; then\n"
		"\tbooti 0x%llx - 0x%llx\n"
		"\techo \"hyperlaunch: booti failed\"\n"
		"else\n"
		"\techo \"hyperlaunch: not booted: a file did not load\"\n"
		"fi\n",
		(unsigned long long)m->hv_addr, (unsigned long long)m->hv_addr,
		(unsigned long long)m->dtb_slot);
	if (fclose(f) != 0) {
		lt_fatal_usage("cannot write \"%s\": %s", path, strerror(errno));
	}
}

static void make_boot_scr(const char *dir)
{
	char cmd[PATH_MAX], scr[PATH_MAX];

	snprintf(cmd, sizeof(cmd), "%s/boot.cmd", dir);
	snprintf(scr, sizeof(scr), "%s/boot.scr", dir);
	char *argv[] = { "mkimage",
			 "-A",
			 "arm64",
			 "-O",
			 "linux",
			 "-T",
			 "script",
			 "-C",
			 "none",
			 "-n",
			 "Hyperlaunch launch",
			 "-d",
			 cmd,
			 scr,
			 NULL };
	lt_run(argv, "u-boot-tools", dir, NULL);
}

/* An empty disk of @bytes with one bootable FAT32 partition from 1 MiB to
 * its end. */
static void make_disk(const char *dir, const char *disk, uint64_t bytes)
{
	char script[PATH_MAX], blocks[32];
	int fd = open(disk, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || ftruncate(fd, (off_t)bytes) != 0 || close(fd) != 0) {
		lt_fatal_usage("cannot write \"%s\": %s", disk, strerror(errno));
	}
	snprintf(script, sizeof(script), "%s/.partitions", dir);
	FILE *f = fopen(script, "w");
	if (f == NULL) {
		lt_fatal_usage("cannot write \"%s\": %s", script, strerror(errno));
	}
	fprintf(f, "label: dos\nlabel-id: 0x" DISK_ID "\nstart=%u, type=c, bootable\n",
		PART_START_SECTOR);
	if (fclose(f) != 0) {
		lt_fatal_usage("cannot write \"%s\": %s", script, strerror(errno));
	}
	char *sfdisk[] = { "sfdisk", "--no-reread", "--no-tell-kernel", (char *)disk, NULL };
	lt_run(sfdisk, "fdisk", dir, script);
	unlink(script);

	snprintf(blocks, sizeof(blocks), "%llu",
		 (unsigned long long)((bytes - PART_OFFSET) / 1024));
	char offset[16];
	snprintf(offset, sizeof(offset), "%u", PART_START_SECTOR);
	char *mkfs[] = { "mkfs.vfat",  "-F",    "32",       "-n",   "HYPERLAUNCH",
			 "-i",         DISK_ID, "--offset", offset, "--mbr=no",
			 (char *)disk, blocks,  NULL };
	lt_run(mkfs, "dosfstools", dir, NULL);
}

/* mtools reach the partition at its offset in the disk file. */
static void copy_to_disk(const char *dir, const char *image, char *files[], size_t n,
			 const char *to)
{
	char *argv[LT_MAX_MODULES + 8];
	size_t a = 0;

	argv[a++] = "mcopy";
	argv[a++] = "-i";
	argv[a++] = (char *)image;
	for (size_t i = 0; i < n; i++) {
		argv[a++] = files[i];
	}
	argv[a++] = (char *)to;
	argv[a] = NULL;
	lt_run(argv, "mtools", dir, NULL);
}

static void fill_disk(const char *dir, const char *disk, const struct lt_config *c)
{
	char image[PATH_MAX + 32], paths[NR_TOP_FILES][PATH_MAX];
	char *files[LT_MAX_MODULES];

	snprintf(image, sizeof(image), "%s@@%llu", disk, (unsigned long long)PART_OFFSET);
	for (size_t i = 0; i < NR_TOP_FILES; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, top_files[i]);
		files[i] = paths[i];
	}
	copy_to_disk(dir, image, files, NR_TOP_FILES, "::/");

	char *mmd[] = { "mmd", "-i", image, "::/modules", NULL };
	lt_run(mmd, "mtools", dir, NULL);
	for (size_t i = 0; i < c->nr_files; i++) {
		char name[NAME_MAX + 1], path[PATH_MAX];
		lt_module_name(c, i, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/modules/%s", dir, name);
		files[i] = strdup(path);
		if (files[i] == NULL) {
			lt_fatal_usage("out of memory");
		}
	}
	copy_to_disk(dir, image, files, c->nr_files, "::/modules/");
	for (size_t i = 0; i < c->nr_files; i++) {
		free(files[i]);
	}
}

static uint64_t disk_size(const char *dir, const struct lt_config *c)
{
	char path[PATH_MAX];
	uint64_t total = 0;

	for (size_t i = 0; i < NR_TOP_FILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, top_files[i]);
		total += round_up(file_bytes(path), 4096);
	}
	for (size_t i = 0; i < c->nr_files; i++) {
		total += round_up(c->files[i].size, 4096);
	}
	/* Two FATs of 4 bytes per 512-byte cluster take 1/64 of it: 1/32 leaves room. */
	total = round_up(total + total / 32 + 4 * LT_MIB, LT_MIB);
	return PART_OFFSET + (total < FS_MIN ? FS_MIN : total);
}

static void write_run_qemu(const char *dir, const struct lt_config *c, const struct lt_machine *m,
			   const char *firmware)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/run-qemu", dir);
	f = fopen(path, "w");
	if (f == NULL) {
		lt_fatal_usage("cannot write \"%s\": %s", path, strerror(errno));
	}
	fprintf(f,
		"#!/bin/sh\n"
		"# Boots a Hyperlaunch launch through U-Boot on QEMU's arm64 virt machine.\n"
		"# Written by lcm-tool pack --boot uboot from %s; arguments are passed on\n"
		"# to QEMU. U-Boot (UBOOT= overrides it) runs at EL2 and finds boot.scr on\n"
		"# disk.img, which loads the hypervisor, host.dtb and every module and runs\n"
		"# booti. QEMU= overrides the program. The disk is read-only to the guest.\n"
		"here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
		"exec \"${QEMU:-qemu-system-aarch64}\" \\\n"
		"\t-machine virt,virtualization=on,gic-version=3 -cpu cortex-a57 \\\n"
		"\t-smp %u -m %lluM -nographic -nic none \\\n"
		"\t-bios \"${UBOOT:-%s}\" \\\n"
		"\t-drive if=none,file=\"$here/disk.img\",format=raw,readonly=on,id=disk \\\n"
		"\t-device virtio-blk-device,drive=disk \\\n"
		"\t\"$@\"\n",
		c->path, m->cpus, (unsigned long long)(m->ram_size / LT_MIB), firmware);
	if (fclose(f) != 0 || chmod(path, 0755) != 0) {
		lt_fatal_usage("cannot write \"%s\": %s", path, strerror(errno));
	}
}

void lt_pack_uboot(const char *dir, const struct lt_config *c, const struct lt_machine *m,
		   const char *firmware)
{
	char disk[PATH_MAX], hv[PATH_MAX], fw[PATH_MAX];

	snprintf(hv, sizeof(hv), "%s/hyperlaunch.bin", dir);
	if (access(hv, R_OK) != 0) {
		lt_fatal_usage("--boot uboot: the disk needs the hypervisor: no \"%s\"", hv);
	}
	if (realpath(firmware, fw) == NULL) {
		lt_fatal_usage("cannot read \"%s\": %s", firmware, strerror(errno));
	}
	write_boot_cmd(dir, c, m);
	make_boot_scr(dir);
	snprintf(disk, sizeof(disk), "%s/disk.img", dir);
	make_disk(dir, disk, disk_size(dir, c));
	fill_disk(dir, disk, c);
	write_run_qemu(dir, c, m, fw);
}
