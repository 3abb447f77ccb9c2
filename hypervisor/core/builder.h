/*
 * The domain builder: turns one domain's description (from the LCM, or the
 * classic dom0) into a domain ready to start: its RAM, its address space,
 * its checked and loaded modules, its device tree and its vCPUs.
 */
#ifndef HV_BUILDER_H
#define HV_BUILDER_H

#include <hyperlaunch/lcm-abi.h>

#include "core/platform.h"
#include "core/types.h"

#define MODULE_DIGEST_SIZE 32 /* SHA-256 */

struct lcm_launch;

/* A boot module as the launch describes it. */
struct module_ref {
	bool present;
	paddr_t addr;
	uint64_t size;
	bool has_digest;
	uint8_t digest[MODULE_DIGEST_SIZE];
	bool exclusive; /* no other domain uses it: may be mapped in place */
	int range;      /* its boot module (bootmod.h), or BOOTMOD_NONE:
					 * a copy the hypervisor made, hashed each time */
};

struct domain_config {
	const char *name;
	uint32_t domid;
	uint32_t permissions;
	uint32_t functions;
	unsigned vcpus;
	uint64_t memory; /* bytes, page aligned */
	struct module_ref kernel;
	struct module_ref ramdisk;
	const char *bootargs;      /* NULL: none */
	const char *refused;       /* another of its modules was refused: why */
	const char *label;         /* security-id (docs/policy.md); NULL: domU_t */
	uint8_t safety;            /* LCM_SAFETY_* */
	struct module_ref devtree; /* its devices (core/passthrough.h) */
	uint64_t pinned;           /* the CPUs its vCPUs own (one each), 0: none */
	bool hardware;             /* the launch's hardware domain: every device left, RAM 1:1 */
	bool xen;                  /* speaks the Xen guest interface (core/xen.h) */
	uint16_t channels[LCM_MAX_XEN_PEERS]; /* its declared Xen peers' domids */
	unsigned nr_channels;
	uint32_t store_domid;             /* the XENSTORE domain's, or LCM_DOMID_FIRST_RESERVED */
	const struct lcm_launch *xs_plan; /* the XENSTORE domain: the launch its
					   * plan lists (core/xen.h), else NULL */
};

void builder_init(const struct platform *p);

/* Build a domain (left not started) and print "domain ID NAME: ..., built in
 * T ms"; or print "domain ID NAME: not started: REASON" and give everything
 * back. Returns the domain either way (NULL only when no domain can be
 * created at all); domain_state() says which. The domain is in the table
 * (domain_publish) only when its build is over. */
struct domain *domain_build(const struct domain_config *c);

/*
 * The same build in bounded steps, for a caller that must let other work
 * run in between (HL_DOMAIN_CREATE): build_begin() (NULL: nothing could be
 * started, the line is printed), then build_step() until it returns true,
 * each step hashing, scrubbing or copying a few MiB at most, then
 * build_end(), which reports and returns what domain_build() would. A build
 * ended before its last step fails ("its build was abandoned"). The config
 * is copied, but the strings and modules it points to must live until
 * build_end(). One build at a time (the device tree buffer is shared).
 */
struct build;
struct build *build_begin(const struct domain_config *c);
bool build_step(struct build *b);
struct domain *build_end(struct build *b);


#endif /* HV_BUILDER_H */
