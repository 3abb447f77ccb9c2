/*
 * The LCM library: turns a Launch Control Module (a flattened device tree
 * with /chosen/hypervisor) into a validated launch description, or into a
 * list of diagnostics that each name the node, the property and the reason.
 *
 * Freestanding: no allocation, no libc beyond string.h-level functions. The
 * caller provides every array; work is bounded by the size of the input. The
 * description points into the FDT (names, bootargs, security ids) instead of
 * copying, so the FDT must outlive it. Linked by the hypervisor, the Boot
 * Domain and lcm-tool, so all three agree on what a valid LCM is.
 *
 * The bindings and every rule checked here are written down in
 * docs/bindings.md; the numbers are in <hyperlaunch/lcm-abi.h>.
 */
#ifndef HL_LCM_H
#define HL_LCM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hyperlaunch/lcm-abi.h>

enum lcm_module_type {
	LCM_MOD_KERNEL,
	LCM_MOD_RAMDISK,
	LCM_MOD_DEVICE_TREE,
	LCM_MOD_CONFIG,
	LCM_MOD_MICROCODE,
	LCM_MOD_XSM_POLICY,
	LCM_MOD_NR_TYPES,
};

/* lcm_module.flags */
#define LCM_MODF_MULTIBOOT (1u << 0) /* compatible lists "multiboot,module" */
#define LCM_MODF_ADDR      (1u << 1) /* located by module-addr */
#define LCM_MODF_INDEX     (1u << 2) /* located by mb-index */
#define LCM_MODF_DIGEST    (1u << 3) /* has a sha256 hash node */

#define LCM_OWNER_CONFIG 0xFFFFu /* lcm_module.owner of config-node modules */

struct lcm_module {
	int node;                        /* offset of the module node in the FDT */
	int hash_node;                   /* offset of its hash node, or -1 */
	uint8_t type;                    /* enum lcm_module_type */
	uint8_t flags;                   /* LCM_MODF_* */
	uint16_t owner;                  /* domain index, or LCM_OWNER_CONFIG */
	uint32_t mb_index;               /* with LCM_MODF_INDEX */
	uint64_t addr;                   /* with LCM_MODF_ADDR */
	uint64_t size;                   /* with LCM_MODF_ADDR */
	const char *bootargs;            /* in the FDT; NULL when absent */
	uint8_t sha256[LCM_SHA256_SIZE]; /* with LCM_MODF_DIGEST */
};

struct lcm_domain {
	int node;         /* offset of the domain node in the FDT */
	const char *name; /* the node name, in the FDT; LCM_INVALID_NAME
					 * when it breaks the rule (lcm_valid_name) */
	uint32_t domid;   /* resolved: never LCM_DOMID_AUTO unless dom0 */
	bool domid_auto;  /* domid was omitted or 0 */
	bool has_uuid;
	uint32_t permissions; /* LCM_PERMISSION_* */
	uint32_t functions;   /* LCM_FUNCTION_* */
	uint32_t mode;        /* LCM_MODE_* */
	uint32_t cpus;
	uint64_t memory_kib;
	const char *security_id; /* in the FDT, or LCM_DEFAULT_SECURITY_ID */
	bool xen;                /* LCM_PROP_XEN_INTERFACE: speaks Xen's guest interface */
	const void *channels;    /* LCM_PROP_CHANNELS cells in the FDT (lcm_channel) */
	uint32_t nr_channels;
	uint32_t nr_xendevs;    /* its split devices (lcm_xendev), valid or not */
	uint8_t safety;         /* LCM_SAFETY_* (hyperlaunch,safety, or its default) */
	bool attestation_agent; /* LCM_PROP_ATTESTATION_AGENT */
	uint8_t uuid[LCM_UUID_SIZE];
	uint32_t first_module; /* its modules: [first, first + nr) */
	uint32_t nr_modules;
	int32_t module[LCM_MOD_NR_TYPES]; /* index in lcm_launch.modules, or -1 */
	uint64_t pinned;                  /* LCM_PROP_PINNED_CPUS as a set of CPUs, 0 when absent */
};

enum lcm_severity { LCM_ERROR, LCM_WARNING };

/* Every byte of a diagnostic is printable ASCII: bytes of the LCM that are
 * not (in a node name, in a string quoted) are written as "\xHH". */
struct lcm_diag {
	uint8_t severity; /* enum lcm_severity */
	char path[128];   /* node path, "" for the whole blob */
	char prop[32];    /* property, "" when about the node */
	char msg[192];
};

enum lcm_arch {
	LCM_ARCH_ANY,   /* accept mb-index and module-addr */
	LCM_ARCH_ARM64, /* module-addr; 64-bit domains only */
	LCM_ARCH_X86,   /* mb-index (multiboot2 chain) */
};

enum lcm_on_all_off { LCM_ALL_OFF_POWEROFF, LCM_ALL_OFF_REBOOT, LCM_ALL_OFF_STAY };

/* lcm_parse() results */
#define LCM_OK     0 /* a valid LCM (warnings may have been recorded) */
#define LCM_ENOLCM 1 /* a valid FDT without /chosen/hypervisor: classic boot */
#define LCM_EINVAL 2 /* errors were recorded in diags */

struct lcm_launch {
	/* Storage the caller provides before lcm_parse(). */
	struct lcm_domain *domains;
	uint32_t max_domains;
	struct lcm_module *modules;
	uint32_t max_modules;
	struct lcm_diag *diags;
	uint32_t max_diags;

	/* The description, filled by lcm_parse(). */
	const void *fdt;
	int hv_node;     /* /chosen/hypervisor */
	int config_node; /* -1 when absent */
	uint32_t nr_domains;
	uint32_t nr_modules;          /* config modules and domain modules */
	uint32_t first_config_module; /* config modules: [first, first + nr) */
	uint32_t nr_config_modules;
	int32_t boot; /* domain index of each role, or -1 */
	int32_t recovery;
	int32_t console;
	int32_t xenstore;
	int32_t legacy_dom0;
	int32_t hardware;
	int32_t attestation; /* the attestation agent's domain index, or -1 */
	uint32_t boot_timeout_ms;
	uint8_t on_all_off; /* enum lcm_on_all_off */
	bool one_control;   /* hyperlaunch,control-domains = "one" (seed 004) */

	uint32_t nr_diags;  /* recorded, at most max_diags */
	uint32_t nr_errors; /* counted, even past max_diags */
	uint32_t nr_warnings;
};

/*
 * Parse and validate the LCM in @fdt (@size bytes, which must cover the
 * FDT's totalsize). Returns LCM_OK, LCM_ENOLCM or LCM_EINVAL. Every problem
 * is recorded, not only the first.
 */
int lcm_parse(struct lcm_launch *l, const void *fdt, size_t size, enum lcm_arch arch);
/* The same for a blob the caller has checked with lcm_fdt_check(), which
 * passed: its structure is not checked again. */
int lcm_parse_checked(struct lcm_launch *l, const void *fdt, size_t size, enum lcm_arch arch);

/*
 * A domain's name is its whole node name, "@unit-address" included when it
 * has one (the design's examples write "domain@0"). Valid: 1-31
 * (LCM_NAME_MAX) bytes in all; the part before '@' is lcm-tool's JSON name
 * rule, ASCII letters, digits or ",._+-", starting with a letter (the
 * Devicetree Specification's node-name characters, section 2.2.1); a unit
 * address is one or more of the same characters. The hypervisor prints names
 * on its console, so the rule keeps line breaks, escape sequences and
 * non-ASCII bytes out of them.
 */
bool lcm_valid_name(const char *s);
/* lcm_domain.name of a domain whose node name breaks the rule (an error). */
#define LCM_INVALID_NAME "(invalid name)"

/*
 * The structural check lcm_parse() makes of a blob before walking it:
 * fdt_check_full() behind guards against the libfdt 1.6.1 bugs that make
 * it loop or crash (a property length that wraps, a version before 16).
 * NULL when the blob is sound, else why not. For anyone who walks a blob
 * that may carry an LCM (the hypervisor's platform probe) before
 * lcm_parse() has.
 */
const char *lcm_fdt_check(const void *fdt, size_t size);

/* "kernel", "ramdisk", ... for an enum lcm_module_type. */
const char *lcm_module_type_name(unsigned type);

/* Copy @src into @dst (@size bytes, NUL-terminated when @size > 0) as
 * diagnostics show LCM text: bytes outside printable ASCII, and '\\', as
 * "\xHH"; an escape that does not fit is left out whole. */
void lcm_printable(char *dst, size_t size, const char *src);

/* Format one diagnostic as "PATH: PROP: MSG" (parts that are empty left out). */
int lcm_diag_format(const struct lcm_diag *d, char *buf, size_t size);

/*
 * Names of the bits of permissions and functions, for tools and consoles:
 * writes "control,hardware" style lists (or "none") into buf.
 */
int lcm_permissions_str(uint32_t perms, char *buf, size_t size);
int lcm_functions_str(uint32_t funcs, char *buf, size_t size);

/* The domid of channel @i (< nr_channels) of @d. */
uint32_t lcm_channel(const struct lcm_domain *d, uint32_t i);

/* A Xen split device of a frontend domain (LCM_COMPAT_XEN_VBD/VIF). */
enum lcm_xendev_type { LCM_XENDEV_VBD, LCM_XENDEV_VIF };

struct lcm_xendev {
	int node;         /* its node in the FDT */
	uint8_t type;     /* enum lcm_xendev_type */
	int32_t frontend; /* domain index (the node's parent) */
	int32_t backend;  /* domain index, -1 when no domain has the name */
	const char *backend_name;
	uint32_t devid;     /* vbd: the vdev's number (202 << 8 | disk << 4 ...); vif: its
			      * handle, the vif's position among the frontend's vifs */
	const char *vdev;   /* vbd: as written ("xvda", "51712") */
	const char *target; /* vbd: the backend's device path ("/dev/ram0") */
	bool readonly;      /* vbd: mode "r" */
	const char *mac;    /* vif: "00:16:3e:00:00:02" */
};

/* Split device @i (< nr_xendevs) of domain @d of a launch lcm_parse()
 * accepted (LCM_OK): false when there is none. Reads the FDT again (the
 * description keeps no array of them); the values point into the FDT. */
bool lcm_xendev(const struct lcm_launch *l, const struct lcm_domain *d, uint32_t i,
		struct lcm_xendev *out);
/* "vbd" or "vif". */
const char *lcm_xendev_type_name(unsigned type);
/* The number of Xen virtual disk name @s ("xvda" is 51712, "xvdq" 268439552,
 * or the number itself in decimal); false when it is none (Xen's
 * docs/misc/vbd-interface.txt, whole disks xvd[a-z]+). */
bool lcm_vdev_number(const char *s, uint32_t *out);

/* Find the domain with @domid; NULL when none. */
const struct lcm_domain *lcm_find_domid(const struct lcm_launch *l, uint32_t domid);

#endif /* HL_LCM_H */
