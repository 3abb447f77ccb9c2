/*
 * No Xen guest interface on x86 yet (arch_xen): the builder refuses a
 * Xen-aware domain, so the core never calls these; each refuses if it did.
 */
#include "core/arch.h"

bool arch_xen(void)
{
	return false;
}

int arch_stage2_map_page(struct stage2 *s, ipaddr_t ipa, paddr_t pa, bool readonly)
{
	(void)s;
	(void)ipa;
	(void)pa;
	(void)readonly;
	return -1;
}

int arch_stage2_unmap_page(struct stage2 *s, ipaddr_t ipa)
{
	(void)s;
	(void)ipa;
	return -1;
}

bool arch_guest_va_to_ipa(struct vcpu *v, uint64_t va, bool write, ipaddr_t *ipa)
{
	(void)v;
	(void)va;
	(void)write;
	(void)ipa;
	return false;
}

void arch_xen_upcall(struct vcpu *v)
{
	(void)v;
}
