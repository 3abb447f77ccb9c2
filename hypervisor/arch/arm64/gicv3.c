/*
 * Physical GICv3 driver (Arm IHI 0069, "GICv3 and GICv4 architecture
 * specification"): the distributor once, then on every CPU its own
 * redistributor and CPU interface. Everything is Group 1 non-secure: QEMU
 * virt runs the GIC with security disabled (GICD_CTLR.DS = 1), where Group 0
 * would arrive as FIQ (IHI 0069, "Interrupt grouping"). The hypervisor uses
 * its timer's PPI, one SGI (a CPU kicks another to look at its run
 * queue), the GIC maintenance interrupt (PPI 9, INTID 25: list registers of
 * a vCPU need attention) and the EL1 virtual timer's PPI (INTID 27, injected into the
 * loaded vCPU by vtimer.c); an SPI is enabled only while a domain owns it
 * (passthrough.c), routed to its vCPU's CPU and forwarded to the domain as a
 * hardware interrupt: the CPU interface runs with EOImode 1, so that ending
 * an interrupt is two steps (IHI 0069, ICC_CTLR_EL1.EOImode): the priority
 * drop (ICC_EOIR1_EL1), always at once, and the deactivation, at once for
 * the hypervisor's own (ICC_DIR_EL1) and by the guest's virtual EOI for a
 * forwarded SPI (the list register's HW bit).
 */
#include "arm64.h"
#include "core/console.h"
#include "core/cpu.h"
#include "sysreg.h"
#include "vgic.h"

#define GICD_CTLR        0x0000
#define GICD_TYPER       0x0004
#define GICD_IGROUPR     0x0080
#define GICD_ISENABLER   0x0100
#define GICD_ICENABLER   0x0180
#define GICD_ICPENDR     0x0280
#define GICD_ICACTIVER   0x0380
#define GICD_IPRIORITYR  0x0400
#define GICD_ICFGR       0x0c00
#define GICD_IROUTER     0x6000
#define ICFGR_EDGE       2u /* of an interrupt's two bits */
#define ICC_CTLR_EOIMODE (1u << 1)
#define CTLR_RWP         (1u << 31)
#define CTLR_ARE         (1u << 4) /* ARE_NS when security is enabled */
#define CTLR_GRP1        (1u << 1) /* EnableGrp1 / EnableGrp1A */

#define GICR_CTLR       0x0000
#define GICR_TYPER      0x0008
#define GICR_WAKER      0x0014
#define GICR_SGI        0x10000 /* SGI_base frame */
#define GICR_IGROUPR0   (GICR_SGI + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI + 0x0180)
#define GICR_IPRIORITYR (GICR_SGI + 0x0400)
#define GICR_CTLR_RWP   (1u << 3)
#define WAKER_PSLEEP    (1u << 1)
#define WAKER_CASLEEP   (1u << 2)
#define TYPER_VLPIS     (1ull << 1)
#define TYPER_LAST      (1ull << 4)
#define GICR_STRIDE     0x20000 /* RD + SGI frames; x2 with VLPIs */

#define PRIO_DEFAULT 0xa0u
#define SPIN_LIMIT   10000000u

static uint64_t redist_of[HV_MAX_CPUS]; /* each CPU's RD_base */

static inline uint32_t rd32(uint64_t a)
{
	return *(volatile uint32_t *)(uintptr_t)a;
}
static inline uint64_t rd64(uint64_t a)
{
	return *(volatile uint64_t *)(uintptr_t)a;
}
static inline void wr32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)a = v;
}
static inline void wr64(uint64_t a, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)a = v;
}

static void wait_clear(uint64_t reg, uint32_t bit, const char *what)
{
	for (unsigned i = 0; rd32(reg) & bit; i++) {
		if (i == SPIN_LIMIT) {
			panic("gic: %s stuck (0x%x at 0x%llx)", what, rd32(reg),
			      (unsigned long long)reg);
		}
	}
}

static void dist_init(void)
{
	uint64_t d = pa_addr(plat->irqc_dist.base);
	unsigned lines = 32 * ((rd32(d + GICD_TYPER) & 0x1f) + 1);

	wr32(d + GICD_CTLR, 0);
	wait_clear(d + GICD_CTLR, CTLR_RWP, "GICD_CTLR.RWP");
	for (unsigned i = 32; i < lines && i < 1020; i += 32) {
		wr32(d + GICD_IGROUPR + i / 8, ~0u);
		wr32(d + GICD_ICENABLER + i / 8, ~0u);
	}
	for (unsigned i = 32; i < lines && i < 1020; i += 4) {
		wr32(d + GICD_IPRIORITYR + i, PRIO_DEFAULT * 0x01010101u);
	}
	wait_clear(d + GICD_CTLR, CTLR_RWP, "GICD_CTLR.RWP");
	/* Affinity routing before the group enable (IHI 0069, GICD_CTLR). */
	wr32(d + GICD_CTLR, CTLR_ARE);
	wait_clear(d + GICD_CTLR, CTLR_RWP, "GICD_CTLR.RWP");
	wr32(d + GICD_CTLR, CTLR_ARE | CTLR_GRP1);
	wait_clear(d + GICD_CTLR, CTLR_RWP, "GICD_CTLR.RWP");
}

/* The redistributor whose GICR_TYPER affinity is this CPU's MPIDR. */
static uint64_t find_redist(uint64_t mpidr)
{
	uint64_t aff = ((mpidr >> 8) & 0xff000000) | (mpidr & 0xffffff);
	uint64_t base = pa_addr(plat->irqc_redist.base);
	uint64_t end = range_end(&plat->irqc_redist);

	for (uint64_t r = base; r < end;) {
		uint64_t typer = rd64(r + GICR_TYPER);
		if ((typer >> 32) == aff) {
			return r;
		}
		if (typer & TYPER_LAST) {
			break;
		}
		r += (typer & TYPER_VLPIS) ? 2 * GICR_STRIDE : GICR_STRIDE;
	}
	panic("gic: no redistributor for mpidr 0x%llx", (unsigned long long)mpidr);
}

void gic_cpu_init(unsigned cpu)
{
	uint64_t r = find_redist(read_sysreg(mpidr_el1) & MPIDR_AFF_MASK);

	redist_of[cpu] = r;
	/* QEMU resets GICR_WAKER to ProcessorSleep|ChildrenAsleep: each CPU
	 * must wake its own redistributor (IHI 0069, GICR_WAKER). */
	wr32(r + GICR_WAKER, rd32(r + GICR_WAKER) & ~WAKER_PSLEEP);
	wait_clear(r + GICR_WAKER, WAKER_CASLEEP, "GICR_WAKER.ChildrenAsleep");

	wr32(r + GICR_ICENABLER0, ~0u);
	wait_clear(r + GICR_CTLR, GICR_CTLR_RWP, "GICR_CTLR.RWP");
	wr32(r + GICR_IGROUPR0, ~0u);
	for (unsigned i = 0; i < 32; i += 4) {
		wr32(r + GICR_IPRIORITYR + i, PRIO_DEFAULT * 0x01010101u);
	}
	wr32(r + GICR_ISENABLER0, 1u << SGI_KICK | 1u << INTID_MAINT | 1u << INTID_VTIMER);

	/* System-register interface at EL2 (SRE, no FIQ/IRQ bypass, and
	 * Enable: EL1 may use ICC_SRE_EL1 later), then unmask all priorities
	 * and enable Group 1; EOImode 1: EOIR only drops the priority. */
	write_sysreg(icc_sre_el2, read_sysreg(icc_sre_el2) | 0xf);
	isb();
	write_sysreg(icc_pmr_el1, 0xff);
	write_sysreg(icc_bpr1_el1, 0);
	write_sysreg(icc_ctlr_el1, ICC_CTLR_EOIMODE);
	write_sysreg(icc_igrpen1_el1, 1);
	isb();
}

void arch_irq_init(void)
{
	dist_init();
	gic_cpu_init(0);
}

void gic_enable_ppi(unsigned intid)
{
	uint64_t r = redist_of[arch_this_cpu()->id];

	wr32(r + GICR_ISENABLER0, 1u << intid);
}

/* Turn this CPU's PPI @intid on or off. Off waits for GICR_CTLR.RWP (IHI
 * 0069, GICR_CTLR): the caller then ends the interrupt and must not see it
 * signalled again. */
void gic_set_ppi(unsigned intid, bool on)
{
	uint64_t r = redist_of[arch_this_cpu()->id];

	if (on) {
		wr32(r + GICR_ISENABLER0, 1u << intid);
		return;
	}
	wr32(r + GICR_ICENABLER0, 1u << intid);
	wait_clear(r + GICR_CTLR, GICR_CTLR_RWP, "GICR_CTLR.RWP");
}

uint32_t gic_ack(void)
{
	return (uint32_t)read_sysreg(icc_iar1_el1);
}

void gic_eoi(uint32_t iar)
{
	write_sysreg(icc_eoir1_el1, iar);
	write_sysreg(S3_0_C12_C11_1, iar); /* ICC_DIR_EL1 */
}

void gic_priority_drop(uint32_t iar)
{
	write_sysreg(icc_eoir1_el1, iar);
}

void gic_spi_route(unsigned intid, uint64_t mpidr)
{
	uint64_t d = pa_addr(plat->irqc_dist.base);

	/* IROUTER: Aff3 at [39:32], Aff2.Aff1.Aff0 at [23:0], IRM 0. */
	wr64(d + GICD_IROUTER + 8ull * intid, (mpidr & 0xff00000000ull) | (mpidr & 0xffffff));
}

void gic_spi_enable(unsigned intid, bool edge, uint64_t mpidr)
{
	uint64_t d = pa_addr(plat->irqc_dist.base);
	uint64_t cfg = d + GICD_ICFGR + intid / 16 * 4;
	unsigned shift = intid % 16 * 2;

	wr32(cfg, (rd32(cfg) & ~(ICFGR_EDGE << shift)) | (edge ? ICFGR_EDGE << shift : 0));
	gic_spi_route(intid, mpidr);
	wr32(d + GICD_ISENABLER + intid / 32 * 4, 1u << (intid % 32));
}

void gic_spi_disable(unsigned intid)
{
	uint64_t d = pa_addr(plat->irqc_dist.base);
	uint32_t bit = 1u << (intid % 32);

	wr32(d + GICD_ICENABLER + intid / 32 * 4, bit);
	wait_clear(d + GICD_CTLR, CTLR_RWP, "GICD_CTLR.RWP");
	wr32(d + GICD_ICPENDR + intid / 32 * 4, bit);
	gic_deactivate(intid);
}

void gic_deactivate(unsigned intid)
{
	uint64_t d = pa_addr(plat->irqc_dist.base);

	wr32(d + GICD_ICACTIVER + intid / 32 * 4, 1u << (intid % 32));
}

/* ICC_SGI1R_EL1 (IHI 0069, 12.11.17): the target's Aff3.Aff2.Aff1 and a
 * bit for its Aff0 in a 16-bit target list, RS selecting which 16. */
void gic_send_sgi(uint64_t mpidr, unsigned intid)
{
	uint64_t aff0 = mpidr & 0xff;
	uint64_t v = ((mpidr >> 32) & 0xff) << 48 |                                /* Aff3 */
		     ((mpidr >> 16) & 0xff) << 32 |                                /* Aff2 */
		     (aff0 >> 4) << 44 |                                           /* RS */
		     (uint64_t)(intid & 0xf) << 24 | ((mpidr >> 8) & 0xff) << 16 | /* Aff1 */
		     1ull << (aff0 & 0xf);

	dsb(ishst); /* what the target will look at is visible first */
	write_sysreg(S3_0_C12_C11_5, v);
	isb();
}

void arch_cpu_kick(const struct cpu *c)
{
	gic_send_sgi(c->hwid, SGI_KICK);
}
