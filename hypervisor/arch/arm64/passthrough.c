/*
 * Passed-through SPIs on arm64 (the architecture's part of
 * core/passthrough.c): each one a domain owns is enabled in the physical
 * distributor, routed to the boot CPU until the guest routes it (then to
 * the CPU of the vCPU it names: vgic_hw_follow), and forwarded to the domain's vGIC
 * as a hardware interrupt of the same INTID (vgic.c: an LR with the HW bit
 * and pINTID). When it arrives, the hypervisor only drops the running
 * priority (EOImode 1, gicv3.c): it stays active, so a level-triggered line
 * still high does not interrupt again, until the guest's EOI deactivates it
 * through the LR. The owner table is read in interrupt context on any CPU:
 * owner_lock (a leaf, interrupts masked) keeps a domain from being released
 * under the CPU that forwards to it.
 */
#include "arm64.h"
#include "core/console.h"
#include "core/domain.h"
#include "core/spinlock.h"
#include "vgic.h"

#define FIRST_SPI 32

static struct domain *owner[VGIC_NR_IRQS];
static struct spinlock owner_lock;

int arch_irq_assign(struct domain *d, unsigned intid, bool edge)
{
	/* The vGIC has SPIs up to VGIC_NR_IRQS; the UART's is emulated. */
	if (intid < FIRST_SPI || intid >= VGIC_NR_IRQS || intid == INTID_UART) {
		return -1;
	}
	unsigned long flags = spin_lock_irqsave(&owner_lock);
	if (owner[intid] != NULL) {
		spin_unlock_irqrestore(&owner_lock, flags);
		return -1;
	}
	owner[intid] = d;
	spin_unlock_irqrestore(&owner_lock, flags);
	vgic_set_hw(d, intid, true);
	gic_spi_enable(intid, edge, plat->cpu_hwid[0]);
	return 0;
}

void arch_irq_release(struct domain *d, unsigned intid)
{
	unsigned long flags = spin_lock_irqsave(&owner_lock);

	if (intid < VGIC_NR_IRQS && owner[intid] == d) {
		gic_spi_disable(intid);
		owner[intid] = NULL;
	}
	spin_unlock_irqrestore(&owner_lock, flags);
}

bool passthrough_irq(uint32_t iar)
{
	unsigned intid = iar & 0xffffff;

	if (intid < FIRST_SPI || intid >= VGIC_NR_IRQS) {
		return false;
	}
	spin_lock(&owner_lock); /* interrupts are masked here */
	struct domain *d = owner[intid];
	if (d != NULL) {
		gic_priority_drop(iar);
		vgic_hw_arrived(d, intid);
	}
	spin_unlock(&owner_lock);
	return d != NULL;
}
