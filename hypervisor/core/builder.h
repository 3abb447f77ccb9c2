/*
 * The domain builder: turns one domain's description (from the LCM, or the
 * classic dom0) into a domain ready to start: its RAM, its address space,
 * its checked and loaded modules, its device tree and its vCPUs.
 */
#ifndef HV_BUILDER_H
#define HV_BUILDER_H

#include "core/platform.h"
#include "core/types.h"

#define MODULE_DIGEST_SIZE 32           /* SHA-256 */

/* A boot module as the launch describes it. */
struct module_ref {
	bool present;
	paddr_t addr;
	uint64_t size;
	bool has_digest;
	uint8_t digest[MODULE_DIGEST_SIZE];
	bool exclusive;                 /* no other domain uses it: may be mapped in place */
	int range;                      /* its boot module (bootmod.h), or BOOTMOD_NONE:
					 * a copy the hypervisor made, hashed each time */
};

struct domain_config {
	const char *name;
	uint32_t domid;
	uint32_t permissions;
	uint32_t functions;
	unsigned vcpus;
	uint64_t memory;                /* bytes, page aligned */
	struct module_ref kernel;
	struct module_ref ramdisk;
	const char *bootargs;           /* NULL: none */
	const char *refused;            /* another of its modules was refused: why */
};

void builder_init(const struct platform *p);

/* Build a domain (left not started) and print "domain ID NAME: ..., built in
 * T ms"; or print "domain ID NAME: not started: REASON" and give everything
 * back. Returns the domain either way (NULL only when no domain can be
 * created at all); domain_state() says which. */
struct domain *domain_build(const struct domain_config *c);

/* The launch reached a milestone (final, or every domain off): prints the
 * "mm: ... free after the launch" line and, when the host DTB's /chosen has
 * "hyperlaunch,timeline", the benchmark's timeline (README "Benchmark"). */
void builder_launch_event(bool all_off);

#endif /* HV_BUILDER_H */
