/*
 * What the Xen guest interface (core/xen.c) needs of arm64: the stage-1
 * translation of a guest's virtual address (its hypercall arguments are
 * pointers of its own), and the event-channel upcall, PPI 31 of the vCPU.
 */
#include <hyperlaunch/xen-abi.h>

#include "arm64.h"
#include "core/vcpu.h"
#include "sysreg.h"
#include "vgic.h"

#define PAR_F    (1ull << 0)
#define PAR_ADDR 0x0000fffffffff000ull /* PA[47:12] (Arm ARM, PAR_EL1) */

/*
 * AT S1E1R/S1E1W from EL2 walk the guest's own EL1&0 regime, loaded on
 * this CPU while it is in a hypercall; with HCR_EL2.VM set the walk's own
 * table reads go through its stage 2, so a table outside its RAM fails
 * too. PAR_EL1 is the guest's register: kept as it was.
 */
bool arch_guest_va_to_ipa(struct vcpu *v, uint64_t va, bool write, ipaddr_t *ipa)
{
	uint64_t saved = read_sysreg(par_el1);
	uint64_t par;

	(void)v;
	if (write) {
		__asm__ volatile("at s1e1w, %0" : : "r"(va) : "memory");
	} else {
		__asm__ volatile("at s1e1r, %0" : : "r"(va) : "memory");
	}
	isb();
	par = read_sysreg(par_el1);
	write_sysreg(par_el1, saved);
	if (par & PAR_F) {
		return false;
	}
	*ipa = ipa_init((par & PAR_ADDR) | (va & (PAGE_SIZE - 1)));
	return true;
}

bool arch_xen(void)
{
	return true;
}

/* Latched like an edge: the hypervisor raises it only when the vCPU's
 * upcall_pending goes from 0 to 1, and the guest clears that flag before
 * it looks at the selector, so an event after the look raises it again. */
void arch_xen_upcall(struct vcpu *v)
{
	uint64_t wake = 0;
	unsigned long flags = vgic_lock(v->dom);

	vgic_cpu_of(v)->priv.pend |= 1u << XEN_GUEST_EVTCHN_PPI;
	vgic_update(v->dom, v, XEN_GUEST_EVTCHN_PPI, &wake);
	vgic_unlock(v->dom, flags);
	vgic_wake(v->dom, wake);
}
