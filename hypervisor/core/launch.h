/*
 * The launch: decides between a Hyperlaunch boot (an LCM, /chosen/hypervisor
 * in the host DTB) and a classic boot, keeps the boot modules of either out
 * of the page allocator, builds and starts the domains, and decides what
 * happens when they are all off.
 */
#ifndef HV_LAUNCH_H
#define HV_LAUNCH_H

#include "core/domain.h"
#include "core/platform.h"

struct lcm_launch;

/* Parse the LCM in the host DTB, print its diagnostics, reserve the boot
 * modules; returns the number of module ranges reserved. */
unsigned launch_probe(const struct platform *p);

/* Build every domain of the launch, then start them all (boot CPU, before
 * it enters the scheduler). */
void launch_start(void);

/* Every domain is off: print the summary, then power off, reboot or stay
 * on as the LCM's on-all-off says (domain.c calls it). */
void launch_all_off(void);

/* A domain ended (domain.c, before the all-off count): the launch decides
 * whether that is a launch failure (docs/boot-flow.md). */
void launch_domain_ended(struct domain *d, enum domain_state how);
/* HL_BOOT_DONE from the Boot Domain @d: HL_OK, or HL_EBUSY when not in the
 * preparation phase. */
int launch_boot_done(struct domain *d, uint64_t status);
/* The boot CPU's tick: the Boot Domain's deadline. */
void launch_poll(void);

/* For the policy check. */
bool launch_boot_active(const struct domain *d);
bool launch_failed(void);
bool launch_is_initial(const struct domain *d);

/* HL_LAUNCH_STATUS: the HL_LAUNCH_* state; the report copied into @buf (at
 * most @size bytes), its domid and full length. */
uint32_t launch_status(char *buf, size_t size, uint32_t *domid, size_t *len);
/* The accepted LCM (NULL in a classic boot or a rejected LCM), the host
 * DTB that holds it, and the domain built from its node @lcm_index. */
const struct lcm_launch *launch_lcm(void);
const void *launch_lcm_blob(size_t *size);
struct domain *launch_initial(unsigned lcm_index);

/* The domain the LCM names as the attestation agent (attestation-agent). */
bool launch_is_attestation_agent(const struct domain *d);

#endif /* HV_LAUNCH_H */
