/*
 * The launch: decides between a Hyperlaunch boot (an LCM, /chosen/hypervisor
 * in the host DTB) and a classic boot, and keeps the boot modules of either
 * out of the page allocator. Later steps run the design's phases from here.
 */
#ifndef HV_LAUNCH_H
#define HV_LAUNCH_H

#include "core/platform.h"

/* Parse the LCM in the host DTB, print its diagnostics, reserve the boot
 * modules; returns the number of module ranges reserved. */
unsigned launch_probe(const struct platform *p);

/* Report the kind of launch (the domains are built here in later steps). */
void launch_start(void);

#endif /* HV_LAUNCH_H */
