/*
 * The Hyperlaunch hypercalls (include/hyperlaunch/hypercall.h): the SMCCC
 * Vendor Specific Hypervisor Service range. docs/hypercalls.md is the
 * reference for guests.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include "core/types.h"

struct vcpu;

/* True when @fid (the SMCCC function id, w0) is in the Hyperlaunch range. */
bool hypercall_in_range(uint32_t fid);
/* Handle the call in @in[0] with arguments @in[1..5] made by @v; @out gets
 * x0..x3. Unknown calls in the range return HL_ENOSYS. Returns false when
 * the call is not over (a long HL_DOMAIN_CREATE works in bounded steps):
 * the architecture then leaves the guest's registers as they are, makes it
 * execute the same call again, and lets other vCPUs run first; @out is not
 * used. */
bool hypercall(struct vcpu *v, const uint64_t in[6], uint64_t out[4]);

#endif /* HV_HYPERCALL_H */
