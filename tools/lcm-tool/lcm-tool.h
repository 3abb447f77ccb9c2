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

#include "lcm/lcm.h"

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
	void *data;        /* made by lcm-tool (a domain's devices), not read */
};

struct lt_module {
	bool present;
	int file;       /* index in lt_config.files */
	char *bootargs; /* NULL when none */
	bool has_pin;   /* "sha256" given in JSON */
	uint8_t pin[LCM_SHA256_SIZE];
	struct lt_loc loc;
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
	struct lt_module mod[LCM_MOD_NR_TYPES];
	char bad_keys[128]; /* ",memory,cpus,": keys already reported */
	uint64_t pinned;    /* "pinned-cpus": the physical CPUs its vCPUs own */
	char **devices;     /* "devices": host device-tree paths */
	size_t nr_devices;
	struct lt_loc devices_loc;
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
	struct lt_file *files;
	size_t nr_files;
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

struct lt_machine {
	uint64_t ram_size; /* bytes */
	unsigned cpus;
	uint64_t dtb_slot; /* where QEMU puts the DTB it hands over */
	uint64_t modules_end;
};

/* Default machine for a configuration: enough RAM for every domain, the
 * hypervisor and the modules; as many CPUs as the largest domain. */
void lt_machine_default(const struct lt_config *c, struct lt_machine *m);
/* The RAM the configuration needs at least, in bytes. */
uint64_t lt_machine_ram_needed(const struct lt_config *c);
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
/* QEMU's DTB for machine @m (-machine dumpdtb=), with a scratch file in
 * @dir; fatal when QEMU cannot make it. */
void *lt_dump_machine_dtb(const char *qemu, const char *dir, const struct lt_machine *m);
/* The target machine's DTB for a JSON configuration with devices: the file
 * --host-dtb named (lt_host_dtb_file), or else QEMU's for @m. */
extern const char *lt_host_dtb_file;
void *lt_host_dtb(const struct lt_machine *m);

/* --- utilities ------------------------------------------------------------------ */

void *lt_read_file(const char *path, size_t *size); /* NULL + errno */
bool lt_write_file(const char *path, const void *data, size_t size, int mode);
void lt_sha256(const void *data, size_t size, uint8_t out[LCM_SHA256_SIZE]);
void lt_hex(const uint8_t *data, size_t n, char *out); /* out: 2n+1 */
/* "16M", "1G", "512K", "1024" (KiB) -> KiB; false when malformed. */
bool lt_parse_size_kib(const char *s, uint64_t *kib);
/* Same, but the result in bytes and a bare number means bytes. */
bool lt_parse_size_bytes(const char *s, uint64_t *bytes);
void lt_size_str(uint64_t bytes, char *out, size_t size);
bool lt_is_json(const char *path);
const char *lt_suggest(const char *word, const char *const *words);

/* Subcommands: each returns the process exit code. */
int lt_cmd_build(int argc, char **argv);
int lt_cmd_check(int argc, char **argv);
int lt_cmd_show(int argc, char **argv);
int lt_cmd_pack(int argc, char **argv);

#endif /* LCM_TOOL_H */
