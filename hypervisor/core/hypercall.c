/*
 * The Hyperlaunch hypercalls, in the SMCCC "Vendor Specific Hypervisor
 * Service" range (owning entity 6; DEN0028, section 6). Every domain may
 * make the calls here (docs/hypercalls.md); later calls will ask the policy
 * check. An unknown call in the range returns HL_ENOSYS (SMCCC's
 * NOT_SUPPORTED) and the guest goes on. Guest buffers are IPAs, translated
 * through the caller's own stage-2 tables: a buffer that is not all the
 * caller's RAM is HL_EFAULT.
 */
#include <hyperlaunch/hypercall.h>

#include "core/console.h"
#include "core/domain.h"
#include "core/hypercall.h"
#include "core/vcpu.h"

#define SMCCC_FAST        0x80000000u
#define SMCCC_OEN(fid)    (((fid) >> 24) & 0x3f)
#define SMCCC_OEN_VENDOR_HYP 6u

bool hypercall_in_range(uint32_t fid)
{
	return (fid & SMCCC_FAST) && SMCCC_OEN(fid) == SMCCC_OEN_VENDOR_HYP;
}

static int64_t console_write(struct vcpu *v, uint64_t ipa, uint64_t len)
{
	char buf[HL_CONSOLE_WRITE_MAX];

	/* Like write(2): a longer buffer is written in part, and the count
	 * says how much. */
	if (len > HL_CONSOLE_WRITE_MAX) {
		len = HL_CONSOLE_WRITE_MAX;
	}
	if (!domain_read_ram(v->dom, ipa_init(ipa), buf, len)) {
		return HL_EFAULT;
	}
	console_domain_write(v->dom, buf, len);
	return (int64_t)len;
}

void hypercall(struct vcpu *v, const uint64_t in[6], uint64_t out[4])
{
	uint32_t fid = (uint32_t)in[0];

	out[1] = out[2] = out[3] = 0;
	switch (fid) {
	case HL_CALL_UID:
		out[0] = HL_UID_0;
		out[1] = HL_UID_1;
		out[2] = HL_UID_2;
		out[3] = HL_UID_3;
		break;
	case HL_CALL_REVISION:
		out[0] = HL_REVISION_MAJOR;
		out[1] = HL_REVISION_MINOR;
		break;
	case HL_CONSOLE_WRITE:
		out[0] = (uint64_t)console_write(v, in[1], in[2]);
		break;
	case HL_WHOAMI:
		out[0] = HL_OK;
		out[1] = v->dom->domid;
		out[2] = v->index;
		out[3] = v->dom->nr_vcpus;
		break;
	default:
		out[0] = (uint64_t)(int64_t)HL_ENOSYS;
		break;
	}
}
