/*
 * The launch: decides between a Hyperlaunch boot (an LCM, /chosen/hypervisor
 * in the host DTB) and a classic boot, keeps the boot modules of either out
 * of the page allocator, builds and starts the domains, and decides what
 * happens when they are all off.
 */
#ifndef HV_LAUNCH_H
#define HV_LAUNCH_H

#include "core/platform.h"

/* Parse the LCM in the host DTB, print its diagnostics, reserve the boot
 * modules; returns the number of module ranges reserved. */
unsigned launch_probe(const struct platform *p);

/* Build every domain of the launch, then start them all (boot CPU, before
 * it enters the scheduler). */
void launch_start(void);

/* Every domain is off: print the summary, then power off, reboot or stay
 * on as the LCM's on-all-off says (domain.c calls it). */
void launch_all_off(void);

#endif /* HV_LAUNCH_H */
