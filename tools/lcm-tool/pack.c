/*
 * lcm-tool pack: everything needed to boot a configuration on QEMU's arm64
 * virt machine (our answer to Xen's ImageBuilder). QEMU's own DTB for the
 * chosen machine options (-machine dumpdtb=) gets the LCM embedded under
 * /chosen/hypervisor with module-addr from the layout; run-qemu loads the
 * hypervisor, that DTB and each module (-device loader) at those addresses.
 * With --boot uboot, Debian's U-Boot loads them from a disk instead (uboot.c).
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

#include "lcm-tool.h"

static const char pack_help[] =
	"usage: lcm-tool pack [--arch arm64|x86] [--memory SIZE] [--cpus N] [--hypervisor IMAGE]\n"
	"                     [--boot qemu|uboot] [--tpm] [--host-dtb FILE] [--disk FILE]\n"
	"                     [--net user] CONFIG.json -o DIR\n"
	"\n"
	"Prepare DIR to boot CONFIG.json on QEMU's arm64 virt machine:\n"
	"  DIR/host.dtb        QEMU's device tree for these machine options, with the\n"
	"                      LCM under /chosen/hypervisor and module-addr filled in\n"
	"  DIR/hyperlaunch.bin the hypervisor image\n"
	"  DIR/modules/        every module file, once each\n"
	"  DIR/run-qemu        starts qemu-system-aarch64 -machine virt,virtualization=on,\n"
	"                      gic-version=3 -cpu cortex-a57 -nographic with all of them\n"
	"                      loaded; its arguments are passed on to QEMU\n"
	"\n"
	"With --arch x86, DIR gets a GRUB ISO for QEMU's PC machine instead:\n"
	"  DIR/hyperlaunch.iso GRUB 2 (BIOS) loading hyperlaunch-x86_64.elf by multiboot2,\n"
	"                      the LCM as module 0, then every module file in mb-index\n"
	"                      order, each with --nounzip (digests are of the files)\n"
	"  DIR/iso/            the ISO's tree, with boot/grub/grub.cfg\n"
	"  DIR/run-qemu        starts qemu-system-x86_64 -M pc -cpu max -nographic\n"
	"                      from that ISO; its arguments are passed on to QEMU\n"
	"With --arch x86 --firmware uefi, the ISO boots with GRUB's EFI build too,\n"
	"and run-qemu starts -M q35 on OVMF:\n"
	"  DIR/OVMF_VARS.fd    the machine's UEFI variables (a copy of OVMF's)\n"
	"\n"
	"  -o, --output DIR      the folder to fill (created if needed)\n"
	"  --arch arm64|x86      the machine to pack for (default arm64)\n"
	"  --memory SIZE         machine RAM (default: enough for every domain, the\n"
	"                        hypervisor and the modules, at least 256M)\n"
	"  --cpus N              physical CPUs (default: the vCPUs of all domains, at\n"
	"                        most 4, and at least the widest domain's)\n"
	"  --hypervisor IMAGE    the hypervisor (default: hyperlaunch.bin beside lcm-tool,\n"
	"                        or PREFIX/lib/hyperlaunch/ for PREFIX/bin/lcm-tool)\n"
	"  --qemu PROGRAM        QEMU to dump the machine's DTB with (default:\n"
	"                        $QEMU or qemu-system-aarch64)\n"
	"  --boot qemu|uboot     who loads the launch: QEMU itself (default), or\n"
	"                        U-Boot from DIR/disk.img (a FAT partition with every\n"
	"                        file and DIR/boot.scr, which loads each at its\n"
	"                        address and runs booti); run-qemu then starts U-Boot\n"
	"  --firmware FILE       U-Boot for --boot uboot (default: $UBOOT or\n"
	"                        " LT_UBOOT_FIRMWARE ")\n"
	"  --firmware bios|uefi  with --arch x86: the PC's firmware under GRUB,\n"
	"                        SeaBIOS (default) or OVMF\n"
	"  --tpm                 a TPM (QEMU's tpm-tis-device): run-qemu starts swtpm\n"
	"                        with a fresh state for each boot (TPM_STATE=DIR keeps\n"
	"                        one) and ends it with QEMU\n"
	"  --host-dtb FILE       check \"devices\" against this host DTB, not QEMU's\n"
	"  --disk FILE           a virtio-blk disk (raw image) in the machine\n"
	"  --net user            a virtio-net NIC on QEMU's user network\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit status: 0 packed, 1 invalid configuration, 2 usage or system error.\n";

/* -nic none in the dump and in run-qemu alike: the DTB must describe the
 * machine that boots (and the default NIC wants a ROM file QEMU may lack). */
#define MACHINE_OPTS "virt,virtualization=on,gic-version=3"
#define CPU_MODEL    "cortex-a57"

void lt_mkdir_p(const char *dir)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
		lt_fatal_usage("cannot create \"%s\": %s", dir, strerror(errno));
	}
}

void lt_copy_file(const char *from, const char *to)
{
	size_t size;
	void *data;

	unlink(to);
	if (link(from, to) == 0) {
		return;
	}
	data = lt_read_file(from, &size);
	if (data == NULL) {
		lt_fatal_usage("cannot read \"%s\": %s", from, strerror(errno));
	}
	if (!lt_write_file(to, data, size, 0644)) {
		lt_fatal_usage("cannot write \"%s\": %s", to, strerror(errno));
	}
	free(data);
}

/* Run QEMU once with dumpdtb= to get the DTB it makes for these options.
 * The firmware counts: QEMU's virt machine leaves the PL061 GPIO out of the
 * DTB when it boots firmware (-bios) rather than a kernel. With @tpm, QEMU
 * has a TPM (its node on the platform bus): a swtpm runs for the dump. */
void *lt_dump_machine_dtb(const char *qemu, const char *dir, const struct lt_machine *m,
			  const char *firmware, bool tpm)
{
	char machine[PATH_MAX + 64], smp[16], mem[32], path[PATH_MAX];
	size_t size;

	snprintf(path, sizeof(path), "%s/qemu-virt.dtb", dir);
	snprintf(machine, sizeof(machine), MACHINE_OPTS ",dumpdtb=%s", path);
	snprintf(smp, sizeof(smp), "%u", m->cpus);
	snprintf(mem, sizeof(mem), "%lluM", (unsigned long long)(m->ram_size / LT_MIB));
	char *args[24] = { (char *)qemu, "-machine", machine, "-cpu",       CPU_MODEL, "-smp",
			   smp,          "-m",       mem,     "-nographic", "-nic",    "none" };
	size_t n = 12;
	if (m->boot == LT_BOOT_UBOOT) {
		args[n++] = "-bios";
		args[n++] = (char *)firmware;
	}
	struct lt_swtpm swtpm;
	if (tpm) {
		lt_swtpm_start(&swtpm);
		n += lt_swtpm_qemu_args(&swtpm, args + n);
	}
	args[n] = NULL;
	lt_run(args, "qemu-system-arm", dir, NULL);
	if (tpm) {
		lt_swtpm_stop(&swtpm);
	}
	void *dtb = lt_read_file(path, &size);
	if (dtb == NULL) {
		lt_fatal_usage("QEMU wrote no DTB to \"%s\"", path);
	}
	unlink(path);
	return dtb;
}

/* @name (hyperlaunch.bin, or the x86 ELF) beside lcm-tool (build/), else
 * where make install puts it for PREFIX/bin/lcm-tool: PREFIX/lib/hyperlaunch. */
void lt_default_hypervisor(const char *name, char *out, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0) {
		snprintf(out, size, "%s", name);
		return;
	}
	self[n] = '\0';
	char *bin = dirname(self);
	snprintf(out, size, "%s/%s", bin, name);
	if (access(out, R_OK) != 0) {
		snprintf(out, size, "%s/lib/hyperlaunch/%s", dirname(bin), name);
	}
}

/* A disk image's path as one shell word in single quotes (a ' as '\\''),
 * its commas doubled for QEMU's option parser: any file name reaches QEMU
 * as it is, and none is read by the shell. */
static void put_disk_path(FILE *f, const char *path)
{
	fputc('\'', f);
	for (const char *p = path; *p != '\0'; p++) {
		if (*p == '\'') {
			fputs("'\\''", f);
			continue;
		}
		if (*p == ',') {
			fputc(',', f);
		}
		fputc(*p, f);
	}
	fputc('\'', f);
}

static bool write_script(const char *dir, const struct lt_config *c, const struct lt_machine *m,
			 bool tpm)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/run-qemu", dir);
	f = fopen(path, "w");
	if (f == NULL) {
		return false;
	}
	fprintf(f,
		"#!/bin/sh\n"
		"# Boots a Hyperlaunch launch on QEMU's arm64 virt machine.\n"
		"# Written by lcm-tool pack from %s; arguments are passed on to QEMU.\n"
		"# QEMU= and HYPERLAUNCH= in the environment override the programs.\n"
		"here=$(cd \"$(dirname \"$0\")\" && pwd)\n",
		c->path);
	if (tpm) {
		lt_swtpm_script(f);
	}
	fprintf(f,
		"%s\"${QEMU:-qemu-system-aarch64}\" \\\n"
		"\t-machine " MACHINE_OPTS " -cpu " CPU_MODEL " \\\n"
		"\t-smp %u -m %lluM -nographic -nic none \\\n"
		"\t-kernel \"${HYPERLAUNCH:-$here/hyperlaunch.bin}\" -dtb \"$here/host.dtb\" \\\n",
		tpm ? "" : "exec ", m->cpus, (unsigned long long)(m->ram_size / LT_MIB));
	for (size_t i = 0; i < c->nr_files; i++) {
		char name[NAME_MAX + 1];
		lt_module_name(c, i, name, sizeof(name));
		fprintf(f,
			"\t-device loader,file=\"$here/modules/%s\",addr=0x%llx,force-raw=on \\\n",
			name, (unsigned long long)c->files[i].addr);
	}
	/* The machine's devices: virtio-mmio transports, which QEMU virt's DTB
	 * lists whether used or not, and a PCI function, which it never lists
	 * (so the DTB stays the dumped one). */
	if (c->disk != NULL) {
		fprintf(f, "\t-drive if=none,id=disk0,format=raw,file=");
		put_disk_path(f, c->disk);
		fprintf(f, " -device virtio-blk-device,drive=disk0 \\\n");
	}
	if (c->disk_pci != NULL) {
		fprintf(f, "\t-drive if=none,id=disk1,format=raw,file=");
		put_disk_path(f, c->disk_pci);
		fprintf(f, " -device virtio-blk-pci,drive=disk1 \\\n");
	}
	if (c->net != NULL) {
		fprintf(f, "\t-netdev user,id=net0 -device virtio-net-device,netdev=net0 \\\n");
	}
	if (tpm) {
		lt_swtpm_script_qemu_end(f);
	} else {
		fprintf(f, "\t\"$@\"\n");
	}
	if (fclose(f) != 0) {
		return false;
	}
	return chmod(path, 0755) == 0;
}

uint64_t lt_machine_memory(const char *s)
{
	uint64_t bytes;

	if (!lt_parse_size_bytes(s, &bytes) || bytes < 64 * LT_MIB || bytes % LT_MIB != 0) {
		lt_fatal_usage("--memory: \"%s\" is not a RAM size of at least 64M in whole MiB",
			       s);
	}
	return bytes;
}

/* A disk image by absolute path (run-qemu may run from anywhere); it must
 * exist. */
static void resolve_disk(char **disk)
{
	char real[PATH_MAX];

	if (*disk == NULL) {
		return;
	}
	if (realpath(*disk, real) == NULL) {
		lt_fatal_usage("disk \"%s\": %s", *disk, strerror(errno));
	}
	free(*disk);
	*disk = strdup(real);
}

/* --disk and --net override the JSON's "machine". */
static void machine_devices(struct lt_config *c, const char *disk, bool net)
{
	if (disk != NULL) {
		free(c->disk);
		c->disk = strdup(disk);
	}
	if (net && c->net == NULL) {
		c->net = strdup("user");
	}
	resolve_disk(&c->disk);
	resolve_disk(&c->disk_pci);
}

static void machine_of(const struct lt_config *c, enum lt_boot boot, struct lt_machine *m,
		       uint64_t memory, unsigned cpus)
{
	lt_machine_default(c, boot, m);
	if (memory != 0) {
		m->ram_size = memory;
	}
	if (cpus != 0) {
		m->cpus = cpus;
	}
}

/* The domains' devices, from --host-dtb or else the machine's own DTB. */
static bool devices_from(struct lt_config *c, const void *qdtb)
{
	if (lt_host_dtb_file == NULL) {
		return lt_devices_prepare(c, qdtb);
	}
	void *host = lt_host_dtb(NULL);
	bool ok = lt_devices_prepare(c, host);
	free(host);
	return ok;
}

static int nothing_packed(struct lt_config *c, const char *in)
{
	fprintf(stderr, "%s: %u error%s; nothing packed\n", in, lt_nr_errors,
		lt_nr_errors == 1 ? "" : "s");
	lt_config_free(c);
	return 1;
}

int lt_cmd_pack(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "memory", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "hypervisor", required_argument, NULL, 'H' },
		{ "qemu", required_argument, NULL, 'Q' },
		{ "boot", required_argument, NULL, 'B' },
		{ "firmware", required_argument, NULL, 'F' },
		{ "arch", required_argument, NULL, 'A' },
		{ "tpm", no_argument, NULL, 'T' },
		{ "host-dtb", required_argument, NULL, 'D' },
		{ "disk", required_argument, NULL, 'k' },
		{ "net", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *hv = NULL;
	const char *qemu = getenv("QEMU") != NULL ? getenv("QEMU") : "qemu-system-aarch64";
	const char *firmware = getenv("UBOOT") != NULL ? getenv("UBOOT") : LT_UBOOT_FIRMWARE;
	enum lt_boot boot = LT_BOOT_QEMU;
	bool firmware_given = false, x86 = false;
	uint64_t memory = 0;
	unsigned cpus = 0;
	bool tpm = false;
	const char *disk = NULL;
	bool net = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		char *end;
		switch (opt) {
		case 'o':
			dir = optarg;
			break;
		case 'm':
			memory = lt_machine_memory(optarg);
			break;
		case 'c':
			cpus = (unsigned)strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || cpus == 0 || cpus > 64) {
				lt_fatal_usage("--cpus: \"%s\" is not a CPU count from 1 to 64",
					       optarg);
			}
			break;
		case 'H':
			hv = optarg;
			break;
		case 'Q':
			qemu = optarg;
			break;
		case 'B':
			if (strcmp(optarg, "qemu") == 0) {
				boot = LT_BOOT_QEMU;
			} else if (strcmp(optarg, "uboot") == 0) {
				boot = LT_BOOT_UBOOT;
			} else {
				lt_fatal_usage("--boot: \"%s\" is not qemu or uboot", optarg);
			}
			break;
		case 'F':
			firmware = optarg;
			firmware_given = true;
			break;
		case 'A':
			if (strcmp(optarg, "x86") != 0 && strcmp(optarg, "arm64") != 0) {
				lt_fatal_usage("--arch: \"%s\" is not one of arm64, x86", optarg);
			}
			x86 = strcmp(optarg, "x86") == 0;
			break;
		case 'T':
			tpm = true;
			break;
		case 'D':
			lt_host_dtb_file = optarg;
			break;
		case 'k':
			disk = optarg;
			break;
		case 'n':
			if (strcmp(optarg, "user") != 0) {
				lt_fatal_usage(
					"--net: \"%s\" is not \"user\" (QEMU's user network)",
					optarg);
			}
			net = true;
			break;
		case 'h':
			fputs(pack_help, stdout);
			return 0;
		default:
			fputs(pack_help, stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || dir == NULL) {
		fputs(pack_help, stderr);
		return 2;
	}
	if (firmware_given && boot != LT_BOOT_UBOOT && !x86) {
		lt_fatal_usage("--firmware is for --boot uboot and --arch x86");
	}
	if (tpm && boot != LT_BOOT_QEMU) {
		lt_fatal_usage(
			"--tpm is for --boot qemu (U-Boot's own use of a TPM is not handled)");
	}
	const char *in = argv[optind];
	if (!lt_is_json(in)) {
		lt_fatal_usage("pack: \"%s\" is not a .json configuration", in);
	}
	if (x86) {
		if (boot != LT_BOOT_QEMU || tpm) {
			lt_fatal_usage("--arch x86: GRUB loads the launch from an ISO; --boot and "
				       "--tpm are arm64's");
		}
		bool uefi = firmware_given && strcmp(firmware, "uefi") == 0;
		if (firmware_given && !uefi && strcmp(firmware, "bios") != 0) {
			lt_fatal_usage("--arch x86: --firmware \"%s\" is not bios or uefi",
				       firmware);
		}
		return lt_pack_x86(in, dir, hv, memory, cpus, uefi);
	}

	struct lt_config c;
	if (!lt_config_load(&c, in, true)) {
		fprintf(stderr, "%s: %u error%s; nothing packed\n", in, lt_nr_errors,
			lt_nr_errors == 1 ? "" : "s");
		lt_config_free(&c);
		return 1;
	}
	machine_devices(&c, disk, net);
	struct lt_machine m;
	machine_of(&c, boot, &m, memory, cpus);
	lt_mkdir_p(dir);
	if (boot == LT_BOOT_UBOOT && access(firmware, R_OK) != 0) {
		lt_fatal_usage("--boot uboot: cannot read \"%s\" (install u-boot-qemu): %s",
			       firmware, strerror(errno));
	}
	void *qdtb = lt_dump_machine_dtb(qemu, dir, &m, firmware, tpm);
	if (lt_config_has_devices(&c)) {
		if (!devices_from(&c, qdtb)) {
			free(qdtb);
			return nothing_packed(&c, in);
		}
		/* The device-tree modules may want a bigger machine. */
		struct lt_machine m2;
		machine_of(&c, boot, &m2, memory, cpus);
		if (m2.ram_size != m.ram_size || m2.cpus != m.cpus) {
			m = m2;
			free(qdtb);
			qdtb = lt_dump_machine_dtb(qemu, dir, &m, firmware, tpm);
		}
	}
	if (!lt_check_pinned(&c, &m)) {
		free(qdtb);
		return nothing_packed(&c, in);
	}
	if (!lt_layout(&c, &m)) {
		char have[32], need[32];
		lt_size_str(m.ram_size, have, sizeof(have));
		lt_size_str(lt_machine_ram_needed(&c, boot), need, sizeof(need));
		free(qdtb);
		lt_fatal_usage("--memory %s is too small for %s (it needs %s)", have, in, need);
	}
	size_t bufsize = fdt_totalsize(qdtb) + lt_emit_size(&c);
	void *fdt = malloc(bufsize);
	int err = fdt_open_into(qdtb, fdt, (int)bufsize);
	free(qdtb);
	if (err == 0) {
		err = lt_emit(&c, fdt, LT_TARGET_ARM64);
	}
	if (err == 0) {
		err = fdt_pack(fdt);
	}
	if (err != 0) {
		lt_fatal_usage("cannot write the host device tree: %s", fdt_strerror(err));
	}

	struct lcm_launch l;
	char dtb_path[PATH_MAX];
	snprintf(dtb_path, sizeof(dtb_path), "%s/host.dtb", dir);
	if (lt_validate(fdt, fdt_totalsize(fdt), LCM_ARCH_ARM64, &c, in, &l) == LCM_OK) {
		lt_check_config_files(&c, LCM_ARCH_ARM64);
		lt_check_lcm_host(&l, dtb_path);
	}
	if (fdt_totalsize(fdt) > 2 * LT_MIB) {
		lt_error(NULL, "the host DTB is %u bytes, more than the 2 MiB slot QEMU gives it",
			 fdt_totalsize(fdt));
	}
	if (lt_nr_errors != 0) {
		fprintf(stderr, "%s: %u error%s; nothing packed\n", in, lt_nr_errors,
			lt_nr_errors == 1 ? "" : "s");
		free(fdt);
		lt_config_free(&c);
		return 1;
	}

	if (!lt_write_file(dtb_path, fdt, fdt_totalsize(fdt), 0644)) {
		lt_fatal_usage("cannot write \"%s\": %s", dtb_path, strerror(errno));
	}
	char mdir[PATH_MAX], to[PATH_MAX * 2], hvpath[PATH_MAX];
	snprintf(mdir, sizeof(mdir), "%s/modules", dir);
	lt_mkdir_p(mdir);
	for (size_t i = 0; i < c.nr_files; i++) {
		char name[NAME_MAX + 1];
		lt_module_name(&c, i, name, sizeof(name));
		snprintf(to, sizeof(to), "%s/%s", mdir, name);
		if (c.files[i].data != NULL) {
			if (!lt_write_file(to, c.files[i].data, c.files[i].size, 0644)) {
				lt_fatal_usage("cannot write \"%s\": %s", to, strerror(errno));
			}
		} else {
			lt_copy_file(c.files[i].path, to);
		}
	}
	if (hv == NULL) {
		lt_default_hypervisor("hyperlaunch.bin", hvpath, sizeof(hvpath));
		hv = hvpath;
	}
	snprintf(to, sizeof(to), "%s/hyperlaunch.bin", dir);
	if (access(hv, R_OK) == 0) {
		lt_copy_file(hv, to);
	} else {
		lt_warning(NULL,
			   "no hypervisor image at \"%s\": run-qemu needs %s (or HYPERLAUNCH=)", hv,
			   to);
	}
	if (boot == LT_BOOT_UBOOT) {
		lt_pack_uboot(dir, &c, &m, firmware);
	} else if (!write_script(dir, &c, &m, tpm)) {
		lt_fatal_usage("cannot write \"%s/run-qemu\": %s", dir, strerror(errno));
	}
	printf("%s: %u domain%s, %zu module file%s, %u CPUs, %llu MiB RAM\n", dir, l.nr_domains,
	       l.nr_domains == 1 ? "" : "s", c.nr_files, c.nr_files == 1 ? "" : "s", m.cpus,
	       (unsigned long long)(m.ram_size / LT_MIB));
	free(fdt);
	lt_config_free(&c);
	return 0;
}
