/*
 * lcm-tool build, check and show (pack has a file of its own). Each command
 * reads a JSON configuration or an LCM device tree, runs the same validation,
 * and exits 0 (valid), 1 (problems found, every one listed) or 2 (usage).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <fmt/fmt.h>

#include "lcm-tool.h"

static const char build_help[] =
	"usage: lcm-tool build [--arch arm64|x86] [--memory SIZE] [--host-dtb FILE] CONFIG.json -o LCM.dtb\n"
	"\n"
	"Turn a JSON configuration into a Launch Control Module: a device tree with\n"
	"/chosen/hypervisor. Every module file is read and its SHA-256 digest stored.\n"
	"On arm64 (the default) modules get module-addr from the layout `pack` uses\n"
	"for QEMU's virt machine (--memory changes that machine's RAM); on x86 they\n"
	"get mb-index, their position in the multiboot2 chain (the LCM is module 0).\n"
	"\n"
	"  -o, --output FILE   where to write the LCM (required)\n"
	"  --arch ARCH         arm64 (default) or x86\n"
	"  --memory SIZE       machine RAM for the arm64 layout, e.g. 512M, 2G\n"
	"  --host-dtb FILE     the machine's DTB for \"devices\" (default: QEMU's)\n"
	"  -h, --help          this text\n"
	"\n"
	"Exit status: 0 written, 1 the configuration is invalid, 2 usage error.\n";

static const char check_help[] =
	"usage: lcm-tool check [--arch arm64|x86|any] [--no-files] [--memory SIZE] FILE\n"
	"\n"
	"Validate FILE, a JSON configuration or an LCM / host device tree (.dtb):\n"
	"everything the hypervisor checks at boot, and what only a host can check:\n"
	"module files that are missing, empty, not an arm64 Image or not a device\n"
	"tree, modules larger than their domain's memory, digests that differ from\n"
	"a pinned \"sha256\", modules outside the machine's RAM, domains that need\n"
	"more RAM than the machine has. Every problem is listed, not just the first.\n"
	"\n"
	"  --arch ARCH     arm64 (default for JSON), x86, or any (default for .dtb)\n"
	"  --no-files      JSON: check the structure only, without reading modules\n"
	"  --memory SIZE   JSON, arm64: check against a machine with this much RAM\n"
	"  --host-dtb FILE JSON: check \"devices\" against this DTB (default: QEMU's)\n"
	"  -q, --quiet     print nothing when FILE is valid\n"
	"  -h, --help      this text\n"
	"\n"
	"Exit status: 0 valid, 1 invalid, 2 usage error.\n";

static const char show_help[] =
	"usage: lcm-tool show [--arch arm64|x86|any] [--no-files] [--format FORMAT] FILE\n"
	"\n"
	"Print the launch that FILE (JSON configuration or .dtb) describes: each\n"
	"domain with its id, roles, vCPUs, memory and label, then every module with\n"
	"its location, size, digest and bootargs. Problems are reported as by check.\n"
	"\n"
	"  --no-files       JSON: do not read module files (no sizes or digests)\n"
	"  --format table   that table (the default)\n"
	"  --format dot     the launch as a Graphviz graph: domains, roles, the start\n"
	"                   order and waits\n"
	"  --format svg     the same drawn by Graphviz's dot ($DOT, default \"dot\")\n"
	"  --format json    everything above as JSON, for scripts\n"
	"\n"
	"Exit status: 0 shown, 1 invalid, 2 usage error.\n";

static enum lcm_arch parse_arch(const char *s, bool allow_any)
{
	if (strcmp(s, "arm64") == 0) {
		return LCM_ARCH_ARM64;
	}
	if (strcmp(s, "x86") == 0) {
		return LCM_ARCH_X86;
	}
	if (allow_any && strcmp(s, "any") == 0) {
		return LCM_ARCH_ANY;
	}
	lt_fatal_usage("--arch: \"%s\" is not one of arm64, x86%s", s, allow_any ? ", any" : "");
}

static uint64_t parse_memory_opt(const char *s)
{
	uint64_t bytes;

	if (!lt_parse_size_bytes(s, &bytes) || bytes < 16 * LT_MIB) {
		lt_fatal_usage("--memory: \"%s\" is not a RAM size such as 512M or 2G", s);
	}
	if (bytes % LT_MIB != 0) {
		lt_fatal_usage("--memory: %s is not a whole number of MiB", s);
	}
	return bytes;
}

/*
 * A JSON configuration made into an in-memory LCM, validated. Returns the
 * FDT (malloc'd) or NULL when the configuration is invalid (reported).
 */
void *lt_config_to_lcm(struct lt_config *c, const char *path, enum lcm_arch arch, bool files,
		       uint64_t memory, struct lcm_launch *l)
{
	void *fdt = NULL;

	/* Go on past JSON errors while there are domains to look at, so that
	 * the library's checks report their problems too. */
	if (!lt_config_load(c, path, files) && c->nr_domains == 0) {
		return NULL;
	}
	if (lt_config_has_devices(c)) {
		struct lt_machine m;
		lt_machine_default(c, LT_BOOT_QEMU, &m);
		void *host = lt_host_dtb(&m);
		bool ok = lt_devices_prepare(c, host);
		free(host);
		if (!ok) {
			return NULL;
		}
	}
	if (arch == LCM_ARCH_X86) {
		lt_layout_multiboot(c);
	} else {
		struct lt_machine m;
		lt_machine_default(c, LT_BOOT_QEMU, &m);
		if (memory != 0) {
			m.ram_size = memory;
		}
		if (!lt_check_pinned(c, &m)) {
			return NULL;
		}
		if (!lt_layout(c, &m)) {
			char have[32], need[32];
			lt_size_str(m.ram_size, have, sizeof(have));
			lt_size_str(lt_machine_ram_needed(c, LT_BOOT_QEMU), need, sizeof(need));
			struct lt_loc loc = { path, 0, 0 };
			lt_error(
				&loc,
				"a machine with %s of RAM is too small for this configuration (it needs %s)",
				have, need);
			return NULL;
		}
	}
	int err = lt_emit_lcm(c, arch == LCM_ARCH_X86 ? LT_TARGET_X86 : LT_TARGET_ARM64, &fdt);
	if (err != 0) {
		/* A configuration with errors (two domains of one name) may not
		 * make a device tree at all: it is invalid input, not a failure. */
		if (lt_nr_errors != 0) {
			return NULL;
		}
		lt_fatal_usage("cannot write the device tree: %s", fdt_strerror(err));
	}
	if (lt_validate(fdt, fdt_totalsize(fdt), arch, c, path, l) != LCM_OK) {
		free(fdt);
		return NULL;
	}
	if (files) {
		lt_check_config_files(c, arch);
		lt_policy_check_labels(c, l);
	}
	if (lt_nr_errors != 0) {
		free(fdt);
		return NULL;
	}
	return fdt;
}

/* A .dtb file read and validated; NULL when unreadable or invalid. */
void *lt_dtb_load(const char *path, enum lcm_arch arch, struct lcm_launch *l)
{
	size_t size;
	void *fdt = lt_read_file(path, &size);

	if (fdt == NULL) {
		lt_fatal_usage("cannot read \"%s\": %s", path, strerror(errno));
	}
	if (lt_validate(fdt, size, arch, NULL, path, l) != LCM_OK) {
		free(fdt);
		return NULL;
	}
	lt_check_lcm_host(l, path);
	return fdt;
}

/* The device-tree modules lcm-tool made (a domain's "devices") exist only
 * in memory: beside the LCM, so that a boot loader can load them. */
static void write_made_modules(const struct lt_config *c, const char *lcm)
{
	char dir[PATH_MAX], path[2 * PATH_MAX];
	const char *slash = strrchr(lcm, '/');

	snprintf(dir, sizeof(dir), "%.*s", slash != NULL ? (int)(slash - lcm) : 1,
		 slash != NULL ? lcm : ".");
	for (size_t i = 0; i < c->nr_files; i++) {
		if (c->files[i].data == NULL) {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, c->files[i].made);
		if (!lt_write_file(path, c->files[i].data, c->files[i].size, 0644)) {
			lt_fatal_usage("cannot write \"%s\": %s", path, strerror(errno));
		}
		printf("%s: at 0x%llx\n", path, (unsigned long long)c->files[i].addr);
	}
}

int lt_cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "arch", required_argument, NULL, 'a' },
		{ "memory", required_argument, NULL, 'm' },
		{ "host-dtb", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	enum lcm_arch arch = LCM_ARCH_ARM64;
	uint64_t memory = 0;
	int c;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'a':
			arch = parse_arch(optarg, false);
			break;
		case 'm':
			memory = parse_memory_opt(optarg);
			break;
		case 'D':
			lt_host_dtb_file = optarg;
			break;
		case 'h':
			fputs(build_help, stdout);
			return 0;
		default:
			fputs(build_help, stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || out == NULL) {
		fputs(build_help, stderr);
		return 2;
	}
	const char *in = argv[optind];
	if (!lt_is_json(in)) {
		lt_fatal_usage("build: \"%s\" is not a .json configuration", in);
	}
	if (memory != 0 && arch == LCM_ARCH_X86) {
		lt_fatal_usage("build: --memory is for the arm64 layout");
	}

	struct lt_config cfg;
	struct lcm_launch l;
	void *fdt = lt_config_to_lcm(&cfg, in, arch, true, memory, &l);
	if (fdt == NULL || lt_nr_errors != 0) {
		fprintf(stderr, "%s: %u error%s; nothing written\n", in, lt_nr_errors,
			lt_nr_errors == 1 ? "" : "s");
		free(fdt);
		lt_config_free(&cfg);
		return 1;
	}
	if (!lt_write_file(out, fdt, fdt_totalsize(fdt), 0644)) {
		lt_fatal_usage("cannot write \"%s\": %s", out, strerror(errno));
	}
	write_made_modules(&cfg, out);
	printf("%s: %u domain%s, %u module%s, %u bytes\n", out, l.nr_domains,
	       l.nr_domains == 1 ? "" : "s", l.nr_modules, l.nr_modules == 1 ? "" : "s",
	       fdt_totalsize(fdt));
	free(fdt);
	lt_config_free(&cfg);
	return 0;
}

int lt_cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "no-files", no_argument, NULL, 'n' },
		{ "memory", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "host-dtb", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	int arch = -1;
	bool files = true, quiet = false;
	uint64_t memory = 0;
	int c;

	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			arch = (int)parse_arch(optarg, true);
			break;
		case 'n':
			files = false;
			break;
		case 'm':
			memory = parse_memory_opt(optarg);
			break;
		case 'q':
			quiet = true;
			break;
		case 'D':
			lt_host_dtb_file = optarg;
			break;
		case 'h':
			fputs(check_help, stdout);
			return 0;
		default:
			fputs(check_help, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(check_help, stderr);
		return 2;
	}
	const char *in = argv[optind];
	struct lcm_launch l;
	void *fdt;
	struct lt_config cfg = { 0 };

	if (lt_is_json(in)) {
		fdt = lt_config_to_lcm(&cfg, in, arch < 0 ? LCM_ARCH_ARM64 : (enum lcm_arch)arch,
				       files, memory, &l);
	} else {
		fdt = lt_dtb_load(in, arch < 0 ? LCM_ARCH_ANY : (enum lcm_arch)arch, &l);
	}
	int rc = fdt != NULL && lt_nr_errors == 0 ? 0 : 1;
	if (rc == 0 && !quiet) {
		printf("%s: valid: %u domain%s, %u module%s", in, l.nr_domains,
		       l.nr_domains == 1 ? "" : "s", l.nr_modules, l.nr_modules == 1 ? "" : "s");
		if (l.nr_warnings != 0) {
			printf(", %u warning%s", l.nr_warnings, l.nr_warnings == 1 ? "" : "s");
		}
		printf("\n");
	} else if (rc != 0) {
		fprintf(stderr, "%s: invalid: %u error%s\n", in, lt_nr_errors,
			lt_nr_errors == 1 ? "" : "s");
	}
	free(fdt);
	lt_config_free(&cfg);
	return rc;
}

static void domid_str(uint32_t domid, char *buf, size_t size)
{
	if (domid >= LCM_DOMID_FIRST_RESERVED) {
		snprintf(buf, size, "0x%x", domid);
	} else {
		snprintf(buf, size, "%u", domid);
	}
}

/* The Xen-aware domains and their channels (docs/xen-interface.md), when
 * there are any. */
static void show_xen(const struct lcm_launch *l, int wname)
{
	bool any = false;

	wname = wname > 9 ? wname : 9; /* "XEN-AWARE" */
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		const struct lcm_domain *d = &l->domains[i];
		if (!d->xen) {
			continue;
		}
		if (!any) {
			printf("\n%-*s %s\n", wname, "XEN-AWARE", "CHANNELS (domids)");
			any = true;
		}
		printf("%-*s", wname, d->name);
		for (uint32_t c = 0; c < d->nr_channels; c++) {
			printf("%s%u", c == 0 ? " " : ", ", lcm_channel(d, c));
		}
		printf("%s\n", d->nr_channels == 0 ? " -" : "");
	}
	/* Their split devices (hyperlaunch,xen-vbd / xen-vif). */
	any = false;
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		const struct lcm_domain *d = &l->domains[i];
		for (uint32_t k = 0; k < d->nr_xendevs; k++) {
			struct lcm_xendev x;
			if (!lcm_xendev(l, d, k, &x)) {
				continue;
			}
			if (!any) {
				printf("\n%-15s %-*s %-*s %s\n", "SPLIT DEVICE", wname, "FRONTEND",
				       wname, "BACKEND", "PARAMETERS");
				any = true;
			}
			char dev[32];
			snprintf(dev, sizeof(dev), "%s %u", lcm_xendev_type_name(x.type), x.devid);
			printf("%-15s %-*s %-*s ", dev, wname, d->name, wname,
			       l->domains[x.backend].name);
			if (x.type == LCM_XENDEV_VBD) {
				printf("%s %s %s\n", x.vdev, x.target, x.readonly ? "r" : "w");
			} else {
				printf("%s\n", x.mac);
			}
		}
	}
}

static void show_launch(const struct lcm_launch *l, const char *in)
{
	char perms[64], funcs[96], mem[32], id[16];

	printf("LCM %s: %u domain%s, %u module%s", in, l->nr_domains, l->nr_domains == 1 ? "" : "s",
	       l->nr_modules, l->nr_modules == 1 ? "" : "s");
	if (l->boot >= 0) {
		printf(", boot timeout %u ms", l->boot_timeout_ms);
	}
	printf(", when all are off: %s\n\n", l->on_all_off == LCM_ALL_OFF_POWEROFF ? "poweroff"
					     : l->on_all_off == LCM_ALL_OFF_REBOOT ? "reboot"
										   : "stay");
	/* Columns as wide as their widest entry. */
	int wname = 4, wperms = 11, wfuncs = 9, wsid = 11;
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		const struct lcm_domain *d = &l->domains[i];
		int n = (int)strlen(d->name);
		wname = n > wname ? n : wname;
		n = lcm_permissions_str(d->permissions, perms, sizeof(perms));
		wperms = n > wperms ? n : wperms;
		n = lcm_functions_str(d->functions, funcs, sizeof(funcs));
		wfuncs = n > wfuncs ? n : wfuncs;
		n = (int)strlen(d->security_id);
		wsid = n > wsid ? n : wsid;
	}
	printf("%-7s %-*s %-*s %-*s %-5s %5s %10s  %-*s %s\n", "DOMID", wname, "NAME", wperms,
	       "PERMISSIONS", wfuncs, "FUNCTIONS", "MODE", "VCPUS", "MEMORY", wsid, "SECURITY-ID",
	       "UUID");
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		const struct lcm_domain *d = &l->domains[i];
		char uuid[40] = "-";
		if (d->has_uuid) {
			const uint8_t *u = d->uuid;
			snprintf(
				uuid, sizeof(uuid),
				"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
				u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
				u[11], u[12], u[13], u[14], u[15]);
		}
		lcm_permissions_str(d->permissions, perms, sizeof(perms));
		lcm_functions_str(d->functions, funcs, sizeof(funcs));
		lt_size_str(d->memory_kib * 1024, mem, sizeof(mem));
		domid_str(d->domid, id, sizeof(id));
		printf("%-7s %-*s %-*s %-*s 0x%-3x %5u %10s  %-*s %s\n", id, wname, d->name, wperms,
		       perms, wfuncs, funcs, d->mode, d->cpus, mem, wsid, d->security_id, uuid);
	}
	show_xen(l, wname);
	printf("\n%-16s %-12s %-23s %10s  %s\n", "OWNER", "MODULE", "LOCATION", "SIZE", "SHA256");
	for (uint32_t k = 0; k < l->nr_modules; k++) {
		const struct lcm_module *m = &l->modules[k];
		char loc[40], size[32] = "-", digest[65] = "(none)";
		const char *owner =
			m->owner == LCM_OWNER_CONFIG ? "config" : l->domains[m->owner].name;
		if (m->flags & LCM_MODF_ADDR) {
			snprintf(loc, sizeof(loc), "0x%llx", (unsigned long long)m->addr);
			lt_size_str(m->size, size, sizeof(size));
			if (m->size % 1024 != 0) {
				snprintf(size, sizeof(size), "%llu B", (unsigned long long)m->size);
			}
		} else {
			snprintf(loc, sizeof(loc), "mb-index %u", m->mb_index);
		}
		if (m->flags & LCM_MODF_DIGEST) {
			fmt_hex(digest, m->sha256, LCM_SHA256_SIZE);
		}
		printf("%-16s %-12s %-23s %10s  %s\n", owner, lcm_module_type_name(m->type), loc,
		       size, digest);
		if (m->bootargs != NULL) {
			printf("%-16s %-12s bootargs \"%s\"\n", "", "", m->bootargs);
		}
	}
}

int lt_cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "no-files", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int arch = -1;
	bool files = true;
	enum lt_show_format format = LT_SHOW_TABLE;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			arch = (int)parse_arch(optarg, true);
			break;
		case 'f':
			if (!lt_show_format(optarg, &format)) {
				lt_fatal_usage(
					"--format: \"%s\" is not one of table, dot, svg, json",
					optarg);
			}
			break;
		case 'n':
			files = false;
			break;
		case 'h':
			fputs(show_help, stdout);
			return 0;
		default:
			fputs(show_help, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(show_help, stderr);
		return 2;
	}
	const char *in = argv[optind];
	struct lcm_launch l;
	struct lt_config cfg = { 0 };
	void *fdt;

	if (lt_is_json(in)) {
		fdt = lt_config_to_lcm(&cfg, in, arch < 0 ? LCM_ARCH_ARM64 : (enum lcm_arch)arch,
				       files, 0, &l);
	} else {
		fdt = lt_dtb_load(in, arch < 0 ? LCM_ARCH_ANY : (enum lcm_arch)arch, &l);
	}
	if (fdt == NULL) {
		fprintf(stderr, "%s: invalid: %u error%s\n", in, lt_nr_errors,
			lt_nr_errors == 1 ? "" : "s");
		lt_config_free(&cfg);
		return 1;
	}
	int rc = lt_nr_errors == 0 ? 0 : 1;
	if (format == LT_SHOW_TABLE) {
		show_launch(&l, in);
	} else if (rc == 0) {
		/* The Boot Domain's start plan is in its config module, whose
		 * text a JSON configuration names and a DTB does not have. */
		const struct lt_file *plan = NULL;
		if (l.boot >= 0 && lt_is_json(in) &&
		    cfg.domains[l.boot].mod[LCM_MOD_CONFIG].present) {
			plan = &cfg.files[cfg.domains[l.boot].mod[LCM_MOD_CONFIG].file];
		}
		rc = lt_show_picture(&l, in, plan, format);
	}
	free(fdt);
	lt_config_free(&cfg);
	return rc;
}
