/*
 * The registers of a domain's virtual GICv3 distributor (GICD, 64 KiB at
 * IPA 0x08000000) and redistributors (GICR, one 128 KiB frame per vCPU from
 * IPA 0x080A0000: RD_base, then SGI_base at +64 KiB), as tables of register
 * descriptors in Bao's style: where a register (or register array) starts,
 * how many bytes it covers, what kind it is. Offsets and meanings: Arm IHI
 * 0069, the register descriptions of GICD_* and GICR_*. Stage 2 maps neither
 * frame, so every access traps here (a hypervisor that mapped the real
 * GIC frames would never see its guests' accesses).
 *
 * Every access size works on every register: the interrupt arrays are
 * decoded bit by bit from the bytes accessed, so Linux's byte writes of
 * IPRIORITYR, its 64-bit IROUTER writes and GICR_TYPER reads, and 32-bit
 * halves of either, all mean what they say. Registers and array parts that
 * do not exist here read as zero and ignore writes, as reserved registers
 * do: the GICD copies of the SGI/PPI arrays under affinity routing, SPIs
 * above 63, LPI registers.
 *
 * Choices (docs/architecture.md): affinity routing only (GICD_CTLR.ARE
 * reads 1), one security state (DS reads 1), no LPIs, no ITS, register
 * writes take effect at once (RWP reads 0). The active state lives in the
 * list registers of the vCPU's own CPU, so I[SC]ACTIVER read as zero and
 * ignore writes (Linux clears them once at boot; Xen does the same).
 *
 * Called from a vCPU's data abort; takes the domain's vgic lock (vgic.c).
 */
#include <hyperlaunch/lcm-abi.h>

#include "arm64.h"

#include "core/domain.h"
#include "core/mmio.h"
#include "core/vcpu.h"
#include "vgic.h"

#define GICD_SIZE  0x10000ull
#define GICR_FRAME 0x20000ull /* RD_base + SGI_base per vCPU */
#define GICR_SGI   0x10000ull

#define CTLR_ENGRP0   (1u << 0)
#define CTLR_ENGRP1   (1u << 1)
#define CTLR_ARE      (1u << 4)
#define CTLR_DS       (1u << 6)
#define WAKER_PSLEEP  (1u << 1)
#define WAKER_CASLEEP (1u << 2)
#define IIDR_ARM      0x043bu /* JEP106 code of Arm; no product, no quirks */

/* GICD_TYPER: ITLinesNumber = 3 (INTIDs 0-127), IDbits = 9 (10-bit INTIDs),
 * No1N (1 of N routing not supported); no LPIs, MBIs, extended SPIs. */
#define TYPER_LINES      ((VGIC_NR_IRQS / 32) - 1u)
#define TYPER_IDBITS     (9u << 19)
#define TYPER_NO1N       (1u << 25)
#define TYPER_CPUS_SHIFT 5
/* GICR_TYPER: affinity in [63:32], Processor_Number [23:8], Last [4]. */
#define RTYPER_LAST (1ull << 4)

enum vreg_kind {
	R_ZERO,   /* RAZ/WI */
	R_CONST,  /* read-only value */
	R_ID,     /* PIDR/CIDR bytes from 0xFFD0 */
	R_DCTLR,  /* GICD_CTLR */
	R_DTYPER, /* GICD_TYPER */
	R_RTYPER, /* GICR_TYPER, 64 bits */
	R_WAKER,  /* GICR_WAKER */
	R_FIELD,  /* an interrupt array: @field, @bits per INTID */
};

enum vfield { F_GROUP, F_ENABLE, F_PEND, F_ACTIVE, F_PRIO, F_CFG, F_GRPMOD, F_ROUTE };
enum vop { OP_STORE, OP_SET, OP_CLEAR }; /* a write's effect on a field */

struct vreg {
	uint32_t offset; /* in its frame */
	uint32_t len;    /* bytes covered */
	uint8_t kind;    /* enum vreg_kind */
	uint8_t field;   /* R_FIELD: enum vfield */
	uint8_t op;      /* R_FIELD: enum vop */
	uint8_t bits;    /* R_FIELD: bits per INTID (1, 2, 8, 64) */
	uint32_t value;  /* R_CONST */
};

#define FIELD(off, len, f, op, bits)              \
	{                                         \
		off, len, R_FIELD, f, op, bits, 0 \
	}
#define REG(off, len, kind, value)             \
	{                                      \
		off, len, kind, 0, 0, 0, value \
	}

/* The distributor (IHI 0069, GICD_*): SPIs only; its SGI/PPI parts are RAZ/WI
 * under affinity routing. */
static const struct vreg gicd_regs[] = {
	REG(0x0000, 4, R_DCTLR, 0),                   /* GICD_CTLR */
	REG(0x0004, 4, R_DTYPER, 0),                  /* GICD_TYPER */
	REG(0x0008, 4, R_CONST, IIDR_ARM),            /* GICD_IIDR */
	REG(0x000c, 4, R_CONST, 0),                   /* GICD_TYPER2 */
	FIELD(0x0080, 0x80, F_GROUP, OP_STORE, 1),    /* GICD_IGROUPR<n> */
	FIELD(0x0100, 0x80, F_ENABLE, OP_SET, 1),     /* GICD_ISENABLER<n> */
	FIELD(0x0180, 0x80, F_ENABLE, OP_CLEAR, 1),   /* GICD_ICENABLER<n> */
	FIELD(0x0200, 0x80, F_PEND, OP_SET, 1),       /* GICD_ISPENDR<n> */
	FIELD(0x0280, 0x80, F_PEND, OP_CLEAR, 1),     /* GICD_ICPENDR<n> */
	FIELD(0x0300, 0x80, F_ACTIVE, OP_SET, 1),     /* GICD_ISACTIVER<n> */
	FIELD(0x0380, 0x80, F_ACTIVE, OP_CLEAR, 1),   /* GICD_ICACTIVER<n> */
	FIELD(0x0400, 0x400, F_PRIO, OP_STORE, 8),    /* GICD_IPRIORITYR<n> */
	FIELD(0x0c00, 0x100, F_CFG, OP_STORE, 2),     /* GICD_ICFGR<n> */
	FIELD(0x0d00, 0x80, F_GRPMOD, OP_STORE, 1),   /* GICD_IGRPMODR<n> */
	FIELD(0x6000, 0x2000, F_ROUTE, OP_STORE, 64), /* GICD_IROUTER<n> */
	REG(0xffd0, 0x30, R_ID, 0),                   /* GICD_PIDR4..CIDR3 */
};

/* A redistributor's RD_base frame (IHI 0069, GICR_* in RD_base). GICR_CTLR reads 0:
 * RWP = 0, no LPIs to enable. */
static const struct vreg gicr_rd_regs[] = {
	REG(0x0000, 4, R_ZERO, 0),         /* GICR_CTLR */
	REG(0x0004, 4, R_CONST, IIDR_ARM), /* GICR_IIDR */
	REG(0x0008, 8, R_RTYPER, 0),       /* GICR_TYPER */
	REG(0x0014, 4, R_WAKER, 0),        /* GICR_WAKER */
	REG(0xffd0, 0x30, R_ID, 0),        /* GICR_PIDR4..CIDR3 */
};

/* A redistributor's SGI_base frame (IHI 0069, GICR_* in SGI_base): the vCPU's SGIs and
 * PPIs. */
static const struct vreg gicr_sgi_regs[] = {
	FIELD(0x0080, 4, F_GROUP, OP_STORE, 1),   /* GICR_IGROUPR0 */
	FIELD(0x0100, 4, F_ENABLE, OP_SET, 1),    /* GICR_ISENABLER0 */
	FIELD(0x0180, 4, F_ENABLE, OP_CLEAR, 1),  /* GICR_ICENABLER0 */
	FIELD(0x0200, 4, F_PEND, OP_SET, 1),      /* GICR_ISPENDR0 */
	FIELD(0x0280, 4, F_PEND, OP_CLEAR, 1),    /* GICR_ICPENDR0 */
	FIELD(0x0300, 4, F_ACTIVE, OP_SET, 1),    /* GICR_ISACTIVER0 */
	FIELD(0x0380, 4, F_ACTIVE, OP_CLEAR, 1),  /* GICR_ICACTIVER0 */
	FIELD(0x0400, 0x20, F_PRIO, OP_STORE, 8), /* GICR_IPRIORITYR0-7 */
	FIELD(0x0c00, 8, F_CFG, OP_STORE, 2),     /* GICR_ICFGR0-1 */
	FIELD(0x0d00, 4, F_GRPMOD, OP_STORE, 1),  /* GICR_IGRPMODR0 */
};

/* PIDR4-7, PIDR0-3, CIDR0-3: an Arm GICv3 (PIDR2.ArchRev = 3, which Linux
 * checks before it believes there is a distributor or redistributor). */
static const uint8_t id_regs[12] = {
	0x44, 0x00, 0x00, 0x00, 0x92, 0xb4, 0x3b, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

/* One access: which domain, which vCPU's redistributor (NULL for the
 * distributor), and the INTIDs [@lo, @hi) that exist in the frame's arrays
 * (whose bit or byte 0 is INTID 0 in both kinds of frame). */
struct access {
	struct domain *d;
	struct vcpu *owner;
	unsigned lo, hi;
};

/* --- interrupt arrays -------------------------------------------------------------- */

static uint64_t field_get(struct access *a, unsigned intid, enum vfield f)
{
	struct virq_bank *b = vgic_bank(a->d, a->owner, intid);
	unsigned i = intid % 32;
	uint32_t bit = 1u << i;

	switch (f) {
	case F_GROUP:
		return (b->group & bit) != 0;
	case F_ENABLE:
		return (b->enable & bit) != 0;
	case F_PEND:
		return ((b->pend | (b->level & ~b->edge)) & bit) != 0;
	case F_ACTIVE:
		return 0;
	case F_PRIO:
		return b->prio[i];
	case F_CFG:
		return (b->edge & bit) ? 2 : 0;
	case F_GRPMOD:
		return (b->grpmod & bit) != 0;
	case F_ROUTE:
		return b->route[i];
	}
	return 0;
}

static void bit_op(uint32_t *word, uint32_t bit, enum vop op, uint64_t v)
{
	if (op == OP_STORE) {
		*word = v ? *word | bit : *word & ~bit;
	} else if (v) {
		*word = op == OP_SET ? *word | bit : *word & ~bit;
	}
}

/* Write @v into @intid's @f (@mask: the bits of a 64-bit field written). */
static void field_put(struct access *a, unsigned intid, enum vfield f, enum vop op, uint64_t v,
		      uint64_t mask, uint64_t *wake)
{
	struct virq_bank *b = vgic_bank(a->d, a->owner, intid);
	unsigned i = intid % 32;
	uint32_t bit = 1u << i;

	switch (f) {
	case F_GROUP:
		bit_op(&b->group, bit, op, v);
		break;
	case F_ENABLE:
		bit_op(&b->enable, bit, op, v);
		break;
	case F_PEND:
		bit_op(&b->pend, bit, op, v);
		break;
	case F_ACTIVE:
		break;
	case F_PRIO:
		b->prio[i] = (uint8_t)v;
		break;
	case F_CFG:
		/*
		 * SGIs are edge-triggered and PPIs level-sensitive, both fixed
		 * (whether PPIs are programmable is IMPLEMENTATION DEFINED, IHI
		 * 0069 GICR_ICFGR1): every PPI here is a timer's output line,
		 * and an edge-triggered one would lose its interrupts.
		 */
		if (intid >= VGIC_NR_PRIVATE) {
			b->edge = (v & 2) ? b->edge | bit : b->edge & ~bit;
		}
		break;
	case F_GRPMOD:
		bit_op(&b->grpmod, bit, op, v);
		break;
	case F_ROUTE:
		b->route[i] = (b->route[i] & ~mask) | (v & mask);
		if (b->hw & bit) {
			vgic_hw_follow(a->d, intid);
		}
		break;
	}
	vgic_update(a->d, a->owner, intid, wake);
}

static uint64_t size_mask(unsigned size)
{
	return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/* An access of @size bytes at byte @rel of the array @r. */
static void field_access(struct access *a, const struct vreg *r, uint32_t rel, unsigned size,
			 bool write, uint64_t *val, uint64_t *wake)
{
	enum vfield f = (enum vfield)r->field;

	if (r->bits == 64) {
		/* One INTID per 8 bytes; a 32-bit access reads or writes a half. */
		unsigned intid = rel / 8;
		unsigned shift = (rel % 8) * 8;
		uint64_t mask = size_mask(size) << shift;
		if (intid < a->lo || intid >= a->hi) {
			return;
		}
		if (write) {
			field_put(a, intid, f, (enum vop)r->op, *val << shift, mask, wake);
		} else {
			*val = (field_get(a, intid, f) & mask) >> shift;
		}
		return;
	}
	unsigned first = rel * 8 / r->bits;
	unsigned count = size * 8 / r->bits;
	uint64_t one = (1ull << r->bits) - 1;
	for (unsigned k = 0; k < count; k++) {
		unsigned intid = first + k;
		if (intid < a->lo || intid >= a->hi) {
			continue;
		}
		if (write) {
			field_put(a, intid, f, (enum vop)r->op, (*val >> (k * r->bits)) & one, one,
				  wake);
		} else {
			*val |= field_get(a, intid, f) << (k * r->bits);
		}
	}
}

/* --- whole registers --------------------------------------------------------------- */

static uint64_t reg_value(struct access *a, const struct vreg *r, uint32_t rel)
{
	struct domain *d = a->d;

	switch ((enum vreg_kind)r->kind) {
	case R_CONST:
		return r->value;
	case R_ID:
		return rel % 4 == 0 ? id_regs[rel / 4] : 0;
	case R_DCTLR:
		return d->arch->vgic.ctlr | CTLR_ARE | CTLR_DS;
	case R_DTYPER: {
		unsigned cpus = d->nr_vcpus > 8 ? 7 : d->nr_vcpus - 1;
		return TYPER_LINES | TYPER_IDBITS | TYPER_NO1N | cpus << TYPER_CPUS_SHIFT;
	}
	case R_RTYPER: {
		/* Affinity = the vCPU's MPIDR (Aff0 = index), as its cpu node
		 * says; Last on the domain's last frame, where Linux's walk
		 * through the frames stops. */
		uint64_t i = a->owner->index;
		return i << 32 | i << 8 | (i + 1 == d->nr_vcpus ? RTYPER_LAST : 0);
	}
	case R_WAKER: {
		/* ChildrenAsleep follows ProcessorSleep at once: nothing to
		 * quiesce (IHI 0069, GICR_WAKER). */
		bool asleep = vgic_cpu_of(a->owner)->asleep;
		return asleep ? WAKER_PSLEEP | WAKER_CASLEEP : 0;
	}
	case R_ZERO:
	case R_FIELD:
		break;
	}
	return 0;
}

static void reg_write(struct access *a, const struct vreg *r, uint32_t rel, uint64_t v,
		      uint64_t *wake)
{
	if (rel != 0) {
		return; /* only whole 32-bit registers are writable */
	}
	switch ((enum vreg_kind)r->kind) {
	case R_DCTLR:
		a->d->arch->vgic.ctlr = (uint32_t)v & (CTLR_ENGRP0 | CTLR_ENGRP1);
		for (unsigned i = VGIC_NR_PRIVATE; i < VGIC_NR_IRQS; i++) {
			vgic_update(a->d, NULL, i, wake);
		}
		break;
	case R_WAKER:
		vgic_cpu_of(a->owner)->asleep = (v & WAKER_PSLEEP) != 0;
		break;
	default:
		break; /* read-only */
	}
}

static void table_access(struct access *a, const struct vreg *regs, size_t n, uint64_t off,
			 unsigned size, bool write, uint64_t *val)
{
	uint64_t wake = 0;

	for (size_t i = 0; i < n; i++) {
		const struct vreg *r = &regs[i];
		if (off < r->offset || off + size > (uint64_t)r->offset + r->len) {
			continue;
		}
		uint32_t rel = (uint32_t)(off - r->offset);
		unsigned long flags = vgic_lock(a->d);
		if (r->kind == R_FIELD) {
			field_access(a, r, rel, size, write, val, &wake);
		} else if (write) {
			reg_write(a, r, rel, *val, &wake);
		} else {
			/* A narrower read of a 32- or 64-bit register: its bytes. */
			uint32_t base = r->len == 8 ? rel & ~7u : rel & ~3u;
			*val = (reg_value(a, r, base) >> ((rel - base) * 8)) & size_mask(size);
		}
		vgic_unlock(a->d, flags);
		vgic_wake(a->d, wake);
		return;
	}
}

/* The distributor's frame (mmio.h's handler). */
static bool gicd_access(struct vcpu *v, void *arg, uint64_t off, unsigned size, bool write,
			uint64_t *val)
{
	struct access a = { .d = v->dom, .lo = VGIC_NR_PRIVATE, .hi = VGIC_NR_IRQS };

	(void)arg;
	table_access(&a, gicd_regs, ARRAY_SIZE(gicd_regs), off, size, write, val);
	return true;
}

/* The redistributors: a frame pair per vCPU, registered for the most
 * vCPUs a domain may have; past its own vCPUs nothing answers. */
static bool gicr_access(struct vcpu *v, void *arg, uint64_t off, unsigned size, bool write,
			uint64_t *val)
{
	struct domain *d = v->dom;
	struct access a = { .d = d, .lo = 0, .hi = VGIC_NR_PRIVATE };

	(void)arg;
	if (off / GICR_FRAME >= d->nr_vcpus) {
		return false;
	}
	a.owner = vcpu_get(d, (unsigned)(off / GICR_FRAME));
	off %= GICR_FRAME;
	if (off < GICR_SGI) {
		table_access(&a, gicr_rd_regs, ARRAY_SIZE(gicr_rd_regs), off, size, write, val);
	} else {
		table_access(&a, gicr_sgi_regs, ARRAY_SIZE(gicr_sgi_regs), off - GICR_SGI, size,
			     write, val);
	}
	return true;
}

int vgic_mmio_register(struct domain *d)
{
	if (mmio_register(d, ipa_init(GUEST_GICD), GICD_SIZE, gicd_access, NULL, "GICD") != 0 ||
	    mmio_register(d, ipa_init(GUEST_GICR), LCM_MAX_VCPUS * GICR_FRAME, gicr_access, NULL,
			  "GICR") != 0) {
		return -1;
	}
	return 0;
}
