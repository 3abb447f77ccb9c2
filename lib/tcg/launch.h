/*
 * What a Hyperlaunch launch measures, in which order, into which PCR, with
 * which event data (docs/measured-launch.md). Shared by the hypervisor,
 * which measures, and lcm-tool predict, which says what a correct launch
 * measures: both describe each event with these functions, so the two logs
 * can only differ where the measured things differ.
 *
 *   PCR 8, the launch's configuration: the LCM, the config node's modules
 *          (the XSM policy last), then each initial domain's launch
 *          parameters when it first starts (as finally applied, Boot Domain
 *          changes included), then a separator;
 *   PCR 9, the domains' images: every module of every domain, LCM order,
 *          then a separator.
 */
#ifndef HL_TCG_LAUNCH_H
#define HL_TCG_LAUNCH_H

#include <stddef.h>
#include <stdint.h>

#include <lcm/lcm.h>

#include "tcg/eventlog.h"

#define TCG_PCR_CONFIG 8u
#define TCG_PCR_IMAGES 9u

/* Room for the longest event data these functions write. */
#define TCG_EVENT_TEXT_MAX 2048u

/* The LCM's measurement: SHA-256 of the canonical form of the
 * /chosen/hypervisor subtree at @hv_node (the same bytes whether it is a
 * stand-alone LCM or embedded in a host DTB): for every node in tree order
 * 'N' name NUL, then for each property 'P' name NUL, its length (u32,
 * big-endian) and value, and 'E' when the node ends. */
void tcg_lcm_digest(const void *fdt, int hv_node, uint8_t out[TCG_SHA256_SIZE]);
/* Its event data. */
#define TCG_LCM_TEXT "lcm: /chosen/hypervisor"

/* The modules of @l in measurement order (indexes into l->modules): the
 * config node's modules in LCM order, its xsm-policy module last, then each
 * domain's modules in LCM order. Returns how many were written (at most
 * @max). */
uint32_t tcg_module_order(const struct lcm_launch *l, uint32_t *order, uint32_t max);
/* The PCR module @i goes to. */
uint32_t tcg_module_pcr(const struct lcm_launch *l, uint32_t i);
/* Its event data ("config: xsm-policy", "domain 1 app1: kernel"); the
 * length written. */
uint32_t tcg_module_text(const struct lcm_launch *l, uint32_t i, char *buf, size_t n);

/* A domain's launch parameters, as it starts. */
struct tcg_params {
	uint32_t domid;
	const char *name;
	uint32_t permissions, functions;
	const char *label; /* security-id */
	uint64_t memory_kib;
	uint32_t vcpus;
	const char *bootargs; /* may be NULL; not NUL-terminated */
	size_t bootargs_len;
};
/* The parameters of LCM domain @index as the LCM gives them. */
void tcg_params_of(const struct lcm_launch *l, uint32_t index, struct tcg_params *p);
/* Their event data, whose SHA-256 is extended: "domain 1 app1: domid=1
 * permissions=0x0 functions=0x0 label=domU_t memory=16384KiB vcpus=1
 * bootargs=TEXT"; the length written (at most TCG_EVENT_TEXT_MAX). */
uint32_t tcg_params_text(const struct tcg_params *p, char *buf, size_t n);

#endif /* HL_TCG_LAUNCH_H */
