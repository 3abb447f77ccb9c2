/*
 * lcm-tool internals: the configuration model that JSON is read into, and the
 * steps that turn it into an LCM (emit), lay out modules for a machine
 * (layout), and report problems (diag). One header: the tool is small.
 */
#ifndef LCM_TOOL_H
#define LCM_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "lcm/lcm.h"
#include "policyc.h"

struct hl_policy;

#define LT_MAX_DOMAINS 1024
#define LT_MAX_MODULES (LT_MAX_DOMAINS * 4 + 2)
#define LT_MAX_DIAGS   256

/* --- diagnostics ---------------------------------------------------------- */

/* Where a problem is: the input file and, for JSON, line and column. */
struct lt_loc {
	const char *file;
	int line; /* 0: no position */
	int col;
};

extern const char *lt_prog;
extern unsigned lt_nr_errors;

void lt_error(const struct lt_loc *loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lt_warning(const struct lt_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Usage errors and failures of the tool itself (exit 2). */
void lt_fatal_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* --- the configuration ------------------------------------------------------ */

/* One distinct module file; domains that name the same file share it. */
struct lt_file {
	char *path;     /* as resolved against the JSON's folder */
	char *shown;    /* as written in the JSON, for messages */
	int read_errno; /* why it could not be read, 0 if it was */
	bool present;   /* read successfully */
	uint64_t size;
	uint8_t sha256[LCM_SHA256_SIZE];
	uint64_t addr;     /* from the layout (Arm) */
	uint32_t mb_index; /* multiboot chain position (x86), from 1 */
	uint8_t type;      /* LCM_MOD_KERNEL if any domain boots it (alignment) */
	uint8_t *data;     /* what the LCM carries instead of a file: a compiled
			    * policy, a domain's devices (devices.c) */
	char *made;        /* with data: the file name `build` writes it under,
			    * beside the LCM (never the source's own path) */
};

struct lt_module {
	bool present;
	int file;       /* index in lt_config.files */
	char *bootargs; /* NULL when none */
	bool has_pin;   /* "sha256" given in JSON */
	uint8_t pin[LCM_SHA256_SIZE];
	struct lt_loc loc;
};

/* "xen-disks" and "xen-nics": a Xen split device of a frontend domain
 * (docs/xen-interface.md); the strings as the LCM carries them (the
 * library checks them). */
struct lt_xendev {
	uint8_t type;               /* LCM_XENDEV_VBD, LCM_XENDEV_VIF */
	char *backend;              /* the backend domain's name (a domid in the JSON is
			* resolved to its name), NULL when wrong (reported) */
	char *target, *vdev, *mode; /* vbd; mode NULL: the default */
	char *mac;                  /* vif */
};

struct lt_domain {
	char *name;
	struct lt_loc loc;
	uint32_t domid; /* 0: next free */
	uint32_t permissions;
	uint32_t functions;
	uint32_t mode;
	bool has_mode;
	bool has_uuid;
	uint8_t uuid[LCM_UUID_SIZE];
	uint32_t cpus; /* 0: not given */
	uint64_t memory_kib;
	char *security_id; /* NULL: default */
	char *safety;      /* "safe" | "unsafe" (hyperlaunch,safety); NULL: default */
	bool attestation_agent;
	bool xen;                            /* "xen-interface": true */
	uint32_t channels[LCM_MAX_CHANNELS]; /* "channels": peers' domids */
	size_t nr_channels;
	struct lt_module mod[LCM_MOD_NR_TYPES];
	char bad_keys[128]; /* ",memory,cpus,": keys already reported */
	uint64_t pinned;    /* "pinned-cpus": the physical CPUs its vCPUs own */
	char **devices;     /* "devices": host device-tree paths */
	size_t nr_devices;
	struct lt_loc devices_loc;
	struct lt_xendev *xendevs; /* "xen-disks" then "xen-nics" */
	size_t nr_xendevs;
};

struct lt_config {
	const char *path;
	char *text; /* the JSON text, to locate keys for messages */
	struct lt_domain *domains;
	size_t nr_domains;
	struct lt_module cfgmod[LCM_MOD_NR_TYPES]; /* microcode, xsm-policy */
	bool has_timeout;
	uint32_t boot_timeout_ms;
	char *on_all_off;
	char *control_domains; /* "one" | "several" (hyperlaunch,control-domains) */
	struct lt_file *files;
	size_t nr_files;
	struct hl_policy *policy; /* the xsm-policy module's, when valid */
	char *disk;     /* "machine": a disk image for virtio-blk (resolved path), or NULL */
	char *disk_pci; /* "machine": the same on the PCIe bus (virtio-blk-pci), or NULL */
	char *net;      /* "machine": "user" for virtio-net on QEMU's user network, or NULL */
};

/* Read CONFIG.json; false (with every problem reported) when it is invalid.
 * With read_files, every module file is read, sized and hashed. */
bool lt_config_load(struct lt_config *c, const char *path, bool read_files);
void lt_config_free(struct lt_config *c);

/* Location of a JSON member: path components separated by '.', array
 * indices as numbers ("domains.1.memory"). Falls back to the nearest parent. */
struct lt_loc lt_json_loc(const struct lt_config *c, const char *path);

/* --- machine layout (Arm: QEMU virt) ------------------------------------------ */

#define LT_VIRT_RAM_BASE 0x40000000ull
#define LT_MIB           (1024ull * 1024)
#define LT_HV_RESERVE    (32 * LT_MIB) /* hypervisor image, heap, page tables */

/* Who loads the launch: QEMU itself (-kernel, -dtb, -device loader), or
 * U-Boot from a disk (a boot script loads every file, then booti). */
enum lt_boot { LT_BOOT_QEMU, LT_BOOT_UBOOT };

struct lt_machine {
	uint64_t ram_size; /* bytes */
	unsigned cpus;
	enum lt_boot boot;
	uint64_t hv_addr;  /* where the hypervisor image is loaded */
	uint64_t dtb_slot; /* where the host DTB is handed over */
	uint64_t modules_end;
};

/* Default machine for a configuration: enough RAM for every domain, the
 * hypervisor and the modules; as many CPUs as the largest domain. */
void lt_machine_default(const struct lt_config *c, enum lt_boot boot, struct lt_machine *m);
/* The RAM the configuration needs at least, in bytes. */
uint64_t lt_machine_ram_needed(const struct lt_config *c, enum lt_boot boot);
/* Pinned CPUs the machine @m lacks, and unpinned domains with no CPU left:
 * reported; false when any. */
bool lt_check_pinned(const struct lt_config *c, const struct lt_machine *m);
/* Place every file in RAM (sets lt_file.addr). False if it does not fit. */
bool lt_layout(struct lt_config *c, struct lt_machine *m);
/* Number the files in multiboot chain order (x86). */
void lt_layout_multiboot(struct lt_config *c);

/* --- emitting the LCM ----------------------------------------------------------- */

enum lt_target { LT_TARGET_ARM64, LT_TARGET_X86 };

/* Write /chosen/hypervisor for @c into the FDT at @fdt (buffer of @bufsize
 * bytes, already open for writing). Returns 0 or a libfdt error. */
int lt_emit(const struct lt_config *c, void *fdt, enum lt_target target);
/* Room lt_emit() needs at most (bytes). */
size_t lt_emit_size(const struct lt_config *c);
/* A stand-alone LCM: malloc'd FDT in *out. */
int lt_emit_lcm(const struct lt_config *c, enum lt_target target, void **out);

/* --- checking ------------------------------------------------------------------- */

/* Run the LCM library over @fdt and report its diagnostics; for an LCM built
 * from @c (may be NULL), messages point into the JSON. Returns the result of
 * lcm_parse(); the launch description is left in @l. */
int lt_validate(const void *fdt, size_t size, enum lcm_arch arch, const struct lt_config *c,
		const char *file, struct lcm_launch *l);
/* Storage for lt_validate's launch description. */
void lt_launch_init(struct lcm_launch *l);

/* Host-only checks of a JSON configuration with its files read. */
void lt_check_config_files(const struct lt_config *c, enum lcm_arch arch);
/* Host-only checks of a parsed LCM: module sizes against memory, and, for a
 * host DTB, modules against RAM and against the hypervisor's own range. */
void lt_check_lcm_host(const struct lcm_launch *l, const char *file);

/* --- devices (devices.c) ---------------------------------------------------------- */

bool lt_config_has_devices(const struct lt_config *c);
/* Check every domain's "devices" against @host_dtb (the target machine's
 * device tree) and give each such domain its device-tree module, a partial
 * device tree made in memory. False (every problem reported) when refused. */
bool lt_devices_prepare(struct lt_config *c, const void *host_dtb);
/* QEMU's DTB for machine @m (-machine dumpdtb=; with @firmware for a
 * U-Boot machine, with a TPM when @tpm), with a scratch file in @dir;
 * fatal when QEMU cannot make it (pack.c). */
void *lt_dump_machine_dtb(const char *qemu, const char *dir, const struct lt_machine *m,
			  const char *firmware, bool tpm);
/* The target machine's DTB for a JSON configuration with devices: the file
 * --host-dtb named (lt_host_dtb_file), or else QEMU's for @m. */
extern const char *lt_host_dtb_file;
void *lt_host_dtb(const struct lt_machine *m);

/* --- utilities ------------------------------------------------------------------ */

void *lt_read_file(const char *path, size_t *size); /* NULL + errno */
bool lt_write_file(const char *path, const void *data, size_t size, int mode);
void lt_sha256(const void *data, size_t size, uint8_t out[LCM_SHA256_SIZE]);
/* "16M", "1G", "512K", "1024" (KiB) -> KiB; false when malformed. */
bool lt_parse_size_kib(const char *s, uint64_t *kib);
/* Same, but the result in bytes and a bare number means bytes. */
bool lt_parse_size_bytes(const char *s, uint64_t *bytes);
/* pack's and predict's --memory: the machine's RAM, at least 64M in whole
 * MiB (exits with a usage error otherwise). */
uint64_t lt_machine_memory(const char *s);
void lt_size_str(uint64_t bytes, char *out, size_t size);
bool lt_is_json(const char *path);
/* The name pack gives file @i in DIR/modules: "NN-basename". */
void lt_module_name(const struct lt_config *c, size_t i, char *out, size_t size);
const char *lt_suggest(const char *word, const char *const *words);

/* --- a software TPM for QEMU (pack --tpm) ------------------------------------- */

struct lt_swtpm {
	char dir[4096]; /* its temporary state folder */
	pid_t pid;
	char chardev[4200]; /* QEMU's -chardev for its control socket */
};

/* Start swtpm with a fresh state in a temporary folder (exits 2 when it
 * cannot); stop it and remove the folder. */
bool lt_swtpm_start(struct lt_swtpm *t);
void lt_swtpm_stop(struct lt_swtpm *t);
/* QEMU's options for it into @out (room for 6); returns how many. */
size_t lt_swtpm_qemu_args(const struct lt_swtpm *t, char **out);
/* run-qemu's part: start a fresh swtpm before QEMU, and (after QEMU's
 * other options) its TPM options, then end swtpm with QEMU. */
void lt_swtpm_script(FILE *f);
void lt_swtpm_script_qemu_end(FILE *f);

/* A JSON configuration made into an in-memory LCM, validated (commands.c);
 * NULL when it is invalid (reported). */
void *lt_config_to_lcm(struct lt_config *c, const char *path, enum lcm_arch arch, bool files,
		       uint64_t memory, struct lcm_launch *l);

/* A .dtb file read and validated (commands.c); NULL when invalid (reported). */
void *lt_dtb_load(const char *path, enum lcm_arch arch, struct lcm_launch *l);
/* Run argv[0] (found in PATH), its input the file @input (NULL: none),
 * its output in a log in @dir; when it cannot run (then @package is named:
 * the Debian package that has it) or fails, show the log and exit 2. */
void lt_run(char *const argv[], const char *package, const char *dir, const char *input);

/* --- pack --boot uboot (uboot.c) ------------------------------------------------- */

/* Debian's u-boot-qemu build for QEMU's arm64 virt machine. */
#define LT_UBOOT_FIRMWARE "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
/* DIR holds host.dtb, hyperlaunch.bin and modules/ already: add boot.cmd,
 * boot.scr, disk.img and a run-qemu that boots @firmware from that disk. */
void lt_pack_uboot(const char *dir, const struct lt_config *c, const struct lt_machine *m,
		   const char *firmware);

/* --- pack (pack.c) and pack --arch x86 (pack-x86.c) ------------------------------ */

void lt_mkdir_p(const char *dir);
/* A hard link, else a copy; exits 2 on failure. */
void lt_copy_file(const char *from, const char *to);
/* The installed or built hypervisor @name for pack's default. */
void lt_default_hypervisor(const char *name, char *out, size_t size);
/* pack --arch x86: the ISO and run-qemu in @dir; @hv NULL for the default,
 * @memory and @cpus 0 for theirs; @uefi: OVMF on q35 rather than SeaBIOS
 * on pc. Returns the exit code. */
int lt_pack_x86(const char *in, const char *dir, const char *hv, uint64_t memory, unsigned cpus,
		bool uefi);

/* Subcommands: each returns the process exit code. */
int lt_cmd_build(int argc, char **argv);
int lt_cmd_check(int argc, char **argv);
int lt_cmd_show(int argc, char **argv);
int lt_cmd_pack(int argc, char **argv);
int lt_cmd_import(int argc, char **argv); /* import.c */

/* show --format (picture.c): the table (commands.c), Graphviz dot, SVG drawn
 * by dot, JSON for scripts. */
enum lt_show_format { LT_SHOW_TABLE, LT_SHOW_DOT, LT_SHOW_SVG, LT_SHOW_JSON };
bool lt_show_format(const char *s, enum lt_show_format *f);
/* Write @l in format @f (not the table) to stdout. @config: the Boot
 * Domain's config file (its start plan), or NULL when it has none or this
 * input does not hold its text (a DTB). Returns the exit status. */
int lt_show_picture(const struct lcm_launch *l, const char *in, const struct lt_file *config,
		    enum lt_show_format f);
int lt_cmd_policy(int argc, char **argv);

/* --- the access-control policy (docs/policy.md) ---------------------------------- */

/* The configuration's xsm-policy module: a text policy compiled (the LCM
 * carries the binary), a binary one checked; sets c->policy when valid. */
void lt_policy_config(struct lt_config *c);
/* Every label of @l is a type of the configuration's policy. */
void lt_policy_check_labels(const struct lt_config *c, const struct lcm_launch *l);
int lt_cmd_predict(int argc, char **argv);

#endif /* LCM_TOOL_H */
