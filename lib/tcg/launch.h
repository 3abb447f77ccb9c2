/*
 * What a Hyperlaunch launch measures, in which order, into which PCR, with
 * which event data (docs/measured-launch.md). Shared by the hypervisor,
 * which measures, and lcm-tool predict, which says what a correct launch
 * measures: both describe each event with these functions, so the two logs
 * can only differ where the measured things differ.
 *
 *   PCR 9, what the launch reads, as GRUB measures the files it loads:
 *          the LCM, the config node's modules (the XSM policy last), every
 *          module of every domain in LCM order; each event's digest is the
 *          SHA-256 of the contents, its data names them;
 *   PCR 8, what the launch decides, as GRUB measures command lines: each
 *          initial domain's launch parameters when it first starts (as
 *          finally applied, Boot Domain changes included), a string whose
 *          digest is the SHA-256 of its text after the tag ("domain_launch: ");
 *   then a separator in each.
 */
#ifndef HL_TCG_LAUNCH_H
#define HL_TCG_LAUNCH_H

#include <stddef.h>
#include <stdint.h>

#include <lcm/lcm.h>

#include "tcg/eventlog.h"

#define TCG_PCR_PARAMS   8u
#define TCG_PCR_MATERIAL 9u

/* Room for the longest event data these functions write. */
#define TCG_EVENT_TEXT_MAX 2048u

/* The LCM's measurement: SHA-256 of the canonical form of the
 * /chosen/hypervisor subtree at @hv_node (the same bytes whether it is a
 * stand-alone LCM or embedded in a host DTB): for every node in tree order
 * 'N' name NUL, then for each property 'P' name NUL, its length (u32,
 * big-endian) and value, and 'E' when the node ends. */
void tcg_lcm_digest(const void *fdt, int hv_node, uint8_t out[TCG_SHA256_SIZE]);
/* Its event data (sizeof: with the NUL). */
#define TCG_LCM_TEXT "lcm: /chosen/hypervisor"

/* The modules of @l in measurement order (indexes into l->modules): the
 * config node's modules in LCM order, its xsm-policy module last, then each
 * domain's modules in LCM order. Returns how many were written (at most
 * @max). */
uint32_t tcg_module_order(const struct lcm_launch *l, uint32_t *order, uint32_t max);
/* Its event data ("config: xsm-policy", "domain 1 app1: kernel"), a
 * string with its NUL, as GRUB's EV_IPL events; the length written. */
uint32_t tcg_module_text(const struct lcm_launch *l, uint32_t i, char *buf, size_t n);

/* A domain's launch parameters, as it starts. */
struct tcg_params {
	uint32_t domid;
	const char *name;
	uint32_t permissions, functions;
	const char *label; /* security-id */
	uint64_t memory_kib;
	uint32_t vcpus;
	bool xen;                             /* hyperlaunch,xen-interface */
	uint32_t channels[LCM_MAX_XEN_PEERS]; /* hyperlaunch,channels, then the
					       * backends of its split devices */
	uint32_t nr_channels;
	const char *bootargs; /* may be NULL; not NUL-terminated */
	size_t bootargs_len;
};
/* The parameters of LCM domain @index as the LCM gives them. */
void tcg_params_of(const struct lcm_launch *l, uint32_t index, struct tcg_params *p);
/* Their event data: "domain_launch: domid=1 name=app1 permissions=0x0
 * functions=0x0 label=domU_t memory=16384KiB vcpus=1 bootargs=TEXT" and
 * (a Xen-aware domain: " xen=1", and " channels=2,3" when it declares
 * channels, before " bootargs=")
 * its NUL; the length written (at most @n: cut, still ended by a NUL, when
 * longer). */
uint32_t tcg_params_text(const struct tcg_params *p, char *buf, size_t n);
/* The digest of that event: SHA-256 of the text after "domain_launch: ",
 * without the NUL (what tpm2_eventlog checks a PCR 8 EV_IPL event against). */
void tcg_params_digest(const char *text, uint32_t len, uint8_t out[TCG_SHA256_SIZE]);

#endif /* HL_TCG_LAUNCH_H */
