/*
 * PSCI for guests (Arm DEN 0022, version 0.2), over HVC (what the guest's
 * device tree names) and over SMC (trapped by HCR_EL2.TSC). Version 0.2
 * keeps Linux from probing PSCI_FEATURES and the SMCCC version (its PSCI
 * driver asks for them only when PSCI_VERSION says 1.0 or later).
 * Everything acts on the calling domain only: CPU_ON
 * finds the target among its own vCPUs (MPIDR affinity = vCPU index),
 * SYSTEM_OFF and SYSTEM_RESET end the domain, not the machine. A reset is
 * treated as a power-off (docs/architecture.md). Other functions of the
 * PSCI range, including those PSCI 1.0 added, return NOT_SUPPORTED.
 */
#include "arm64.h"
#include "core/domain.h"
#include "core/vcpu.h"
#include "sysreg.h"

#define PSCI_SMC64       0x40000000u
#define PSCI_VERSION_0_2 0x00000002

/* Return codes (DEN 0022, 5.2.2). */
#define PSCI_SUCCESS            0
#define PSCI_NOT_SUPPORTED      (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED             (-3)
#define PSCI_ALREADY_ON         (-4)
#define PSCI_ON_PENDING         (-5)

/* MIGRATE_INFO_TYPE: no Trusted OS that needs migrating. */
#define PSCI_TOS_NOT_PRESENT_MP 2

enum psci_fn {
	PSCI_VERSION,
	CPU_OFF,
	CPU_ON,
	AFFINITY_INFO,
	MIGRATE_INFO_TYPE,
	SYSTEM_OFF,
	SYSTEM_RESET,
};

/* Function ids of PSCI 0.2 that are implemented; the SMC64 id of a call
 * that has one is listed too. */
static const struct {
	uint32_t fid;
	enum psci_fn fn;
} calls[] = {
	{ 0x84000000, PSCI_VERSION },
	{ 0x84000002, CPU_OFF },
	{ 0x84000003, CPU_ON },
	{ 0xc4000003, CPU_ON },
	{ 0x84000004, AFFINITY_INFO },
	{ 0xc4000004, AFFINITY_INFO },
	{ 0x84000006, MIGRATE_INFO_TYPE },
	{ 0x84000008, SYSTEM_OFF },
	{ 0x84000009, SYSTEM_RESET },
};

static bool psci_range(uint32_t fid)
{
	return (fid & ~PSCI_SMC64) >= 0x84000000u && (fid & ~PSCI_SMC64) <= 0x8400001fu;
}

/* The caller's vCPU with MPIDR affinity @mpidr (Aff0 = index, the rest 0). */
static struct vcpu *target(struct vcpu *v, uint64_t mpidr)
{
	uint64_t aff = mpidr & MPIDR_AFF_MASK;

	if (aff > 0xff) {
		return NULL;
	}
	return vcpu_get(v->dom, (unsigned)aff);
}

static int64_t cpu_on(struct vcpu *v, uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	struct vcpu *t = target(v, mpidr);

	if (t == NULL || !domain_is_ram(v->dom, ipa_init(entry))) {
		return PSCI_INVALID_PARAMETERS;
	}
	switch (vcpu_on(t, ipa_init(entry), ctx)) {
	case VCPU_ON_DONE:
		return PSCI_SUCCESS;
	case VCPU_ON_ALREADY:
		return PSCI_ALREADY_ON;
	case VCPU_ON_PENDING:
		return PSCI_ON_PENDING;
	case VCPU_ON_DENIED:
		return PSCI_DENIED;
	}
	return PSCI_DENIED;
}

static int64_t affinity_info(struct vcpu *v, uint64_t mpidr, uint64_t level)
{
	/* One cluster: level 0 is a vCPU, levels 1-3 the whole domain. */
	if (level > 3) {
		return PSCI_INVALID_PARAMETERS;
	}
	if (level == 0) {
		struct vcpu *t = target(v, mpidr);
		return t == NULL ? PSCI_INVALID_PARAMETERS : (int64_t)vcpu_affinity(t);
	}
	for (unsigned i = 0; i < v->dom->nr_vcpus; i++) {
		if (vcpu_affinity(&v->dom->vcpus[i]) == VCPU_AFF_ON) {
			return VCPU_AFF_ON;
		}
	}
	return VCPU_AFF_OFF;
}

bool vpsci_call(struct vcpu *v, struct arch_regs *r)
{
	uint32_t fid = (uint32_t)r->x[0];
	uint64_t a1 = r->x[1], a2 = r->x[2], a3 = r->x[3];
	int64_t ret = PSCI_NOT_SUPPORTED;

	if (!psci_range(fid)) {
		return false;
	}
	if (!(fid & PSCI_SMC64)) {
		/* SMC32 calls pass 32-bit arguments (SMCCC 1.1, 2.5). */
		a1 = (uint32_t)a1;
		a2 = (uint32_t)a2;
		a3 = (uint32_t)a3;
	}
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		if (calls[i].fid != fid) {
			continue;
		}
		switch (calls[i].fn) {
		case PSCI_VERSION:
			ret = PSCI_VERSION_0_2;
			break;
		case CPU_OFF:
			vcpu_off_self(v); /* never returns to the guest */
			ret = PSCI_DENIED;
			break;
		case CPU_ON:
			ret = cpu_on(v, a1, a2, a3);
			break;
		case AFFINITY_INFO:
			ret = affinity_info(v, a1, a2);
			break;
		case MIGRATE_INFO_TYPE:
			ret = PSCI_TOS_NOT_PRESENT_MP;
			break;
		case SYSTEM_OFF:
			domain_power_off(v->dom, NULL);
			break;
		case SYSTEM_RESET:
			domain_power_off(v->dom, "SYSTEM_RESET: reset is treated as power off");
			break;
		}
	}
	r->x[0] = (uint64_t)ret;
	return true;
}
