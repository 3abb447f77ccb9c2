/*
 * The virtual local APIC's registers (vlapic.h), xAPIC mode: Intel SDM
 * vol. 3, 10.4-10.9 (register map table 10-1, priorities 10.8.3, EOI
 * 10.8.5, the timer 10.5.4, the ICR 10.6.1, the ESR 10.5.3). Pure: the
 * host unit tests (tests/unit/test_vlapic.c) run it.
 */
#include <string.h>

#include "vlapic.h"

#define REG_ID      0x020
#define REG_VERSION 0x030
#define REG_TPR     0x080
#define REG_APR     0x090
#define REG_PPR     0x0A0
#define REG_EOI     0x0B0
#define REG_RRD     0x0C0
#define REG_LDR     0x0D0
#define REG_DFR     0x0E0
#define REG_SVR     0x0F0
#define REG_ISR     0x100
#define REG_TMR     0x180
#define REG_IRR     0x200
#define REG_ESR     0x280
#define REG_ICR_LO  0x300
#define REG_ICR_HI  0x310
#define REG_LVT     0x320 /* timer; thermal 0x330 ... error 0x370 */
#define REG_INITIAL 0x380
#define REG_CURRENT 0x390
#define REG_DIVIDE  0x3E0

#define LVT_TIMER    0
#define LVT_LINT0    3
#define LVT_MASKED   (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define SVR_ENABLE   (1u << 8)
#define MODE_EXTINT  7u

/* The writable bits of each LVT (SDM figure 10-8): vector, delivery mode,
 * polarity and trigger (LINT0/1), mask, timer mode (bit 17 only: no
 * TSC-deadline mode is offered). */
static const uint32_t lvt_bits[VLAPIC_NR_LVT] = {
	0x000300FF, 0x000107FF, 0x000107FF, 0x0001A7FF, 0x0001A7FF, 0x000100FF,
};

void vlapic_reset(struct vlapic *l, uint32_t id, uint64_t tsc_per_count)
{
	memset(l, 0, sizeof(*l));
	l->id = id;
	l->dfr = 0xFFFFFFFFu;
	l->svr = 0xFF;
	for (unsigned i = 0; i < VLAPIC_NR_LVT; i++) {
		l->lvt[i] = LVT_MASKED;
	}
	if (id == 0) {
		l->lvt[LVT_LINT0] = MODE_EXTINT << 8;
	}
	l->tsc_per_count = tsc_per_count != 0 ? tsc_per_count : 1;
}

static bool test(const uint32_t *bits, unsigned v)
{
	return bits[v / 32] & (1u << (v % 32));
}

static int highest(const uint32_t *bits)
{
	for (int w = 7; w >= 0; w--) {
		if (bits[w] != 0) {
			return w * 32 + 31 - __builtin_clz(bits[w]);
		}
	}
	return -1;
}

static uint32_t ppr(const struct vlapic *l)
{
	int isrv = highest(l->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xF0;

	return (l->tpr & 0xF0) >= isr_class ? l->tpr & 0xFF : isr_class;
}

/* TSC cycles per count: the divide configuration's bits 0, 1 and 3
 * (SDM figure 10-10): 2, 4, ... 128, and 1 for 0b111. */
static uint64_t cycles_per_count(const struct vlapic *l)
{
	unsigned v = ((l->tmr_divide >> 1) & 4) | (l->tmr_divide & 3);
	return l->tsc_per_count * (v == 7 ? 1 : 2u << v);
}

static uint64_t period(const struct vlapic *l)
{
	return (uint64_t)l->tmr_initial * cycles_per_count(l);
}

/* The expiries up to @now: the timer's vector requested (once, merged as
 * an IRR bit is), a periodic timer rearmed past @now. */
static void timer_run(struct vlapic *l, uint64_t now)
{
	if (!l->tmr_armed || now < l->tmr_next) {
		return;
	}
	uint32_t lvt = l->lvt[LVT_TIMER];
	if (!(lvt & LVT_MASKED)) {
		vlapic_request(l, (uint8_t)lvt);
	}
	if (lvt & LVT_PERIODIC) {
		uint64_t p = period(l);
		l->tmr_next += p * ((now - l->tmr_next) / p + 1);
	} else {
		l->tmr_armed = false;
	}
}

static uint32_t current_count(const struct vlapic *l, uint64_t now)
{
	if (!l->tmr_armed || l->tmr_initial == 0) {
		return 0;
	}
	uint64_t left = now >= l->tmr_next ? 0 : l->tmr_next - now;
	return (uint32_t)((left + cycles_per_count(l) - 1) / cycles_per_count(l));
}

const char *vlapic_read(struct vlapic *l, unsigned offset, unsigned size, uint64_t now,
			uint32_t *val)
{
	if (size != 4 || (offset & 0xF) != 0 || offset >= 0x1000) {
		return "a local APIC register access that is not 4 aligned bytes";
	}
	timer_run(l, now);
	switch (offset) {
	case REG_ID:
		*val = l->id << 24;
		return NULL;
	case REG_VERSION:
		*val = VLAPIC_VERSION;
		return NULL;
	case REG_TPR:
		*val = l->tpr;
		return NULL;
	case REG_APR:
	case REG_RRD:
		*val = 0;
		return NULL;
	case REG_PPR:
		*val = ppr(l);
		return NULL;
	case REG_LDR:
		*val = l->ldr;
		return NULL;
	case REG_DFR:
		*val = l->dfr;
		return NULL;
	case REG_SVR:
		*val = l->svr;
		return NULL;
	case REG_ESR:
		*val = l->esr;
		return NULL;
	case REG_ICR_LO:
		*val = l->icr_lo; /* delivery status: always idle */
		return NULL;
	case REG_ICR_HI:
		*val = l->icr_hi;
		return NULL;
	case REG_INITIAL:
		*val = l->tmr_initial;
		return NULL;
	case REG_CURRENT:
		*val = current_count(l, now);
		return NULL;
	case REG_DIVIDE:
		*val = l->tmr_divide;
		return NULL;
	case REG_EOI:
		*val = 0;
		return NULL;
	default:
		break;
	}
	if (offset >= REG_ISR && offset < REG_ISR + 0x80) {
		*val = l->isr[(offset - REG_ISR) / 16];
	} else if (offset >= REG_TMR && offset < REG_TMR + 0x80) {
		*val = l->tmr[(offset - REG_TMR) / 16];
	} else if (offset >= REG_IRR && offset < REG_IRR + 0x80) {
		*val = l->irr[(offset - REG_IRR) / 16];
	} else if (offset >= REG_LVT && offset < REG_LVT + 16 * VLAPIC_NR_LVT) {
		*val = l->lvt[(offset - REG_LVT) / 16];
	} else {
		*val = 0;
		l->esr_pending |= VLAPIC_ESR_REGISTER;
	}
	return NULL;
}

static void icr_send(struct vlapic *l, uint32_t lo, struct vlapic_ipi *ipi)
{
	ipi->mode = (enum vlapic_mode)((lo >> 8) & 7);
	ipi->vector = (uint8_t)lo;
	ipi->logical = lo & (1u << 11);
	ipi->shorthand = (enum vlapic_shorthand)((lo >> 18) & 3);
	ipi->dest = (uint8_t)(l->icr_hi >> 24);
	ipi->deassert = ipi->mode == VLAPIC_INIT && !(lo & (1u << 14));
	ipi->send = true;
	if ((ipi->mode == VLAPIC_FIXED || ipi->mode == VLAPIC_LOWEST) && ipi->vector < 16) {
		l->esr_pending |= VLAPIC_ESR_SEND_VECTOR;
		ipi->send = false;
	}
}

const char *vlapic_write(struct vlapic *l, unsigned offset, unsigned size, uint32_t val,
			 uint64_t now, struct vlapic_ipi *ipi)
{
	ipi->send = false;
	if (size != 4 || (offset & 0xF) != 0 || offset >= 0x1000) {
		return "a local APIC register access that is not 4 aligned bytes";
	}
	timer_run(l, now);
	if (offset >= REG_LVT && offset < REG_LVT + 16 * VLAPIC_NR_LVT) {
		unsigned i = (offset - REG_LVT) / 16;
		l->lvt[i] = (val & lvt_bits[i]) | (l->svr & SVR_ENABLE ? 0 : LVT_MASKED);
		return NULL;
	}
	switch (offset) {
	case REG_TPR:
		l->tpr = val & 0xFF;
		break;
	case REG_EOI: {
		int v = highest(l->isr);
		if (v >= 0) {
			l->isr[v / 32] &= ~(1u << (v % 32));
		}
		break;
	}
	case REG_LDR:
		l->ldr = val & 0xFF000000u;
		break;
	case REG_DFR:
		l->dfr = (val & 0xF0000000u) | 0x0FFFFFFFu;
		break;
	case REG_SVR:
		l->svr = val & 0x13FF;
		if (!(l->svr & SVR_ENABLE)) { /* SDM 10.4.7.2: every LVT masked */
			for (unsigned i = 0; i < VLAPIC_NR_LVT; i++) {
				l->lvt[i] |= LVT_MASKED;
			}
		}
		break;
	case REG_ESR:
		/* A write latches the errors since the last one (10.5.3). */
		l->esr = l->esr_pending;
		l->esr_pending = 0;
		break;
	case REG_ICR_LO:
		l->icr_lo = val & 0x000CCFFFu;
		icr_send(l, val, ipi);
		break;
	case REG_ICR_HI:
		l->icr_hi = val & 0xFF000000u;
		break;
	case REG_INITIAL:
		l->tmr_initial = val;
		l->tmr_start = now;
		l->tmr_next = now + period(l);
		l->tmr_armed = val != 0;
		break;
	case REG_DIVIDE:
		l->tmr_divide = val & 0xB;
		break;
	case REG_ID:
	case REG_VERSION:
	case REG_APR:
	case REG_PPR:
	case REG_RRD:
	case REG_CURRENT:
		break; /* read-only: the write is ignored */
	default:
		if (!(offset >= REG_ISR && offset < REG_IRR + 0x80)) {
			l->esr_pending |= VLAPIC_ESR_REGISTER;
		}
		break;
	}
	return NULL;
}

bool vlapic_match(const struct vlapic *l, uint32_t from, const struct vlapic_ipi *ipi)
{
	switch (ipi->shorthand) {
	case VLAPIC_SELF:
		return l->id == from;
	case VLAPIC_ALL:
		return true;
	case VLAPIC_ALL_BUT_SELF:
		return l->id != from;
	default:
		break;
	}
	if (!ipi->logical) {
		return ipi->dest == 0xFF || ipi->dest == l->id;
	}
	uint8_t ldr = (uint8_t)(l->ldr >> 24);
	if ((l->dfr >> 28) == 0xF) { /* flat: a bit per APIC */
		return (ldr & ipi->dest) != 0;
	}
	/* cluster: the high nibble names the cluster, the low one the APICs */
	return ipi->dest == 0xFF ||
	       ((ldr >> 4) == (ipi->dest >> 4) && (ldr & ipi->dest & 0xF) != 0);
}

void vlapic_request(struct vlapic *l, uint8_t vector)
{
	if (vector < 16) {
		l->esr_pending |= VLAPIC_ESR_RECV_VECTOR;
		return;
	}
	/* Atomic: another vCPU's CPU may send it while its own CPU takes
	 * one (vlapic_accept); the TMR stays 0, nothing here is level. */
	__atomic_fetch_or(&l->irr[vector / 32], 1u << (vector % 32), __ATOMIC_RELEASE);
}

int vlapic_pending(struct vlapic *l, uint64_t now)
{
	timer_run(l, now);
	int v = highest(l->irr);

	if (v < 0 || !(l->svr & SVR_ENABLE) || ((uint32_t)v & 0xF0) <= (ppr(l) & 0xF0)) {
		return -1;
	}
	return v;
}

void vlapic_accept(struct vlapic *l, uint8_t vector)
{
	if (!test(l->irr, vector)) {
		return;
	}
	__atomic_fetch_and(&l->irr[vector / 32], ~(1u << (vector % 32)), __ATOMIC_ACQ_REL);
	l->isr[vector / 32] |= 1u << (vector % 32);
}

bool vlapic_extint(const struct vlapic *l)
{
	uint32_t lint0 = l->lvt[LVT_LINT0];

	return !(lint0 & LVT_MASKED) && ((lint0 >> 8) & 7) == MODE_EXTINT;
}

uint64_t vlapic_next_event(const struct vlapic *l)
{
	return l->tmr_armed && !(l->lvt[LVT_TIMER] & LVT_MASKED) ? l->tmr_next : ~0ull;
}
