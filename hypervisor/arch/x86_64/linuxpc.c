/*
 * The PC platform of a Linux domain (docs/x86-linux.md): what an
 * unmodified Linux reads or writes at boot and how each is answered. A
 * domain whose kernel is a bzImage gets it; Multiboot2 guests keep the
 * strict platform of svm.c, where any such access stops them.
 *
 * CPUID: the host's, without MTRRs, machine checks, the extended
 * performance counters, RDTSCP and RDPID (TSC_AUX is not switched between
 * domains), so Linux touches none of their MSRs. The local APIC is there
 * (vlapic.c, svm.c: its MMIO page and the APIC_BASE MSR).
 * MSRs (besides EFER, svm.c, and those VMLOAD/VMSAVE switch, which the
 * permission map lets through): the PAT is the VMCB's guest PAT, the TSC
 * reads as RDTSC does, AMD's interrupt-pending-message MSR reads 0 (no
 * C1E; Linux reads it without a fallback); any other raises #GP, as on a CPU without it
 * (Linux probes with rdmsr_safe and copes).
 * I/O ports (besides COM1, uart.c): the two 8259A PICs (0x20-0x21,
 * 0xA0-0xA1), the 8254 PIT (0x40-0x43) with the PC speaker port 0x61 that
 * gates its channel 2; every other port is absent (reads all ones, writes
 * dropped), as on a PC without that device. Nothing reaches real hardware.
 * The PIT counts against the TSC; its channel 0 drives IRQ 0 of the master
 * PIC, whose vectors vCPU 0 receives through its local APIC's LINT0
 * (ExtINT) as virtual interrupts (svm.c). The caller holds @pc's lock:
 * every vCPU of the domain does port I/O.
 */
#include <string.h>

#include "linuxpc.h"
#include "svm.h"
#include "x86.h"

#define MSR_TSC         0x010
#define MSR_PAT         0x277
#define MSR_INT_PENDING 0xC0010055 /* AMD: interrupt pending message, C1E */

#define CPUID1_EDX_MCE     (1u << 7)
#define CPUID1_EDX_MTRR    (1u << 12)
#define CPUID1_EDX_MCA     (1u << 14)
#define CPUID81_ECX_PERF   (1u << 23)
#define CPUID81_EDX_RDTSCP (1u << 27)
#define CPUID7_ECX_RDPID   (1u << 22)

void pc_cpuid(uint32_t leaf, uint32_t r[4])
{
	if (leaf == 1 || leaf == 0x80000001) {
		r[3] &= ~(CPUID1_EDX_MCE | CPUID1_EDX_MTRR | CPUID1_EDX_MCA);
	}
	if (leaf == 0x80000001) {
		r[2] &= ~CPUID81_ECX_PERF;
		r[3] &= ~CPUID81_EDX_RDTSCP; /* TSC_AUX is not switched */
	}
	if (leaf == 7) {
		r[2] &= ~CPUID7_ECX_RDPID;
	}
}

/* A PAT value is 8 entries of types 0, 1, 4, 5, 6 or 7 (Intel SDM 11.12.2,
 * AMD APM vol. 2, 7.8.1); anything else #GPs on hardware too. */
static bool pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned t = (pat >> (8 * i)) & 0xFF;
		if (t > 7 || t == 2 || t == 3) {
			return false;
		}
	}
	return true;
}

bool pc_msr(uint8_t *vmcb, uint32_t msr, bool write, uint64_t *val)
{
	switch (msr) {
	case MSR_PAT:
		if (!write) {
			*val = *vmcb_u64(vmcb, VMCB_G_PAT);
			return true;
		}
		if (!pat_valid(*val)) {
			return false;
		}
		*vmcb_u64(vmcb, VMCB_G_PAT) = *val;
		return true;
	case MSR_INT_PENDING:
		if (write) {
			return false;
		}
		*val = 0;
		return true;
	case MSR_TSC:
		if (write) {
			return false; /* the TSC is the host's, never offset */
		}
		*val = rdtsc();
		return true;
	default:
		return false;
	}
}

/* --- 8259A (Intel 8259A data sheet: ICW1-4, OCW1-3) ----------------------- */

#define PIT_HZ 1193182ull

void pc_init(struct pc *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->pic[0].imr = pc->pic[1].imr = 0xFF;
}

static void pic_cmd(struct pc_pic *p, uint8_t v)
{
	if (v & 0x10) { /* ICW1 */
		p->imr = p->irr = p->isr = 0;
		p->init = 2;
		p->icw4 = v & 1;
		p->read_isr = false;
	} else if (v & 0x08) { /* OCW3 */
		if (v & 2) {
			p->read_isr = v & 1;
		}
	} else if ((v & 0xE0) == 0x20) {         /* OCW2: non-specific EOI */
		p->isr &= (uint8_t)(p->isr - 1); /* the highest priority: lowest bit */
	} else if ((v & 0xE0) == 0x60) {         /* specific EOI */
		p->isr &= (uint8_t) ~(1u << (v & 7));
	}
}

static void pic_data(struct pc_pic *p, uint8_t v)
{
	switch (p->init) {
	case 2:
		p->base = v & 0xF8;
		p->init = 3;
		break;
	case 3:
		p->init = p->icw4 ? 4 : 0;
		break;
	case 4:
		p->init = 0; /* 8086 mode, normal EOI: what Linux writes */
		break;
	default:
		p->imr = v;
	}
}

/* The highest-priority request not masked and above what is in service. */
static int pic_pending(const struct pc_pic *p)
{
	uint8_t req = p->irr & (uint8_t)~p->imr;

	for (unsigned i = 0; i < 8; i++) {
		if (p->isr & (1u << i)) {
			return -1;
		}
		if (req & (1u << i)) {
			return (int)i;
		}
	}
	return -1;
}

/* --- 8254 (Intel 8254 data sheet: modes 0-5, counter latch) --------------- */

static uint64_t pit_to_tsc(uint64_t n)
{
	uint64_t hz = x86_tsc_hz();
	return (n / PIT_HZ) * hz + (n % PIT_HZ) * hz / PIT_HZ;
}

static uint64_t tsc_to_pit(uint64_t t)
{
	uint64_t hz = x86_tsc_hz();
	return (t / hz) * PIT_HZ + (t % hz) * PIT_HZ / hz;
}

static bool pit_periodic(const struct pc_pit_ch *c)
{
	return (c->mode & 3) == 2; /* modes 2, 3 (and their aliases 6, 7) */
}

/* The counter now: counting down from count, reloaded in modes 2 and 3. */
static uint16_t pit_now(const struct pc_pit_ch *c)
{
	if (!c->armed && !c->fired) {
		return (uint16_t)c->count;
	}
	uint64_t ticks = tsc_to_pit(rdtsc() - c->start);
	if (pit_periodic(c)) {
		return (uint16_t)(c->count - ticks % c->count);
	}
	return (uint16_t)(c->count - ticks); /* wraps past 0, as the 8254 does */
}

static void pit_start(struct pc_pit_ch *c)
{
	c->start = rdtsc();
	c->next = c->start + pit_to_tsc(c->count);
	c->armed = true;
	c->fired = false;
}

static void pit_control(struct pc *pc, uint8_t v)
{
	unsigned ch = v >> 6;

	if (ch == 3) {
		return; /* read-back: not used by Linux */
	}
	struct pc_pit_ch *c = &pc->pit[ch];
	if ((v & 0x30) == 0) { /* counter latch */
		if (!c->latched) {
			c->latch = pit_now(c);
			c->latched = true;
			c->read_hi = false;
		}
		return;
	}
	c->access = (v >> 4) & 3;
	c->mode = (v >> 1) & 7;
	c->write_hi = c->read_hi = c->latched = false;
	c->armed = c->fired = false;
}

static void pit_write(struct pc_pit_ch *c, uint8_t v)
{
	uint32_t n = c->count == 65536 ? 0 : c->count;

	if (c->access == 1 || (c->access == 3 && !c->write_hi)) {
		n = (n & 0xFF00) | v;
	} else {
		n = (n & 0x00FF) | (uint32_t)v << 8;
	}
	c->count = n == 0 ? 65536 : n;
	if (c->access == 3 && !c->write_hi) {
		c->write_hi = true;
		return;
	}
	c->write_hi = false;
	pit_start(c);
}

static uint8_t pit_read(struct pc_pit_ch *c)
{
	uint16_t n = c->latched ? c->latch : pit_now(c);
	bool hi = c->access == 2 || (c->access == 3 && c->read_hi);

	if (c->access == 3) {
		c->read_hi = !c->read_hi;
	}
	if (c->latched && (c->access != 3 || !c->read_hi)) {
		c->latched = false;
	}
	return hi ? (uint8_t)(n >> 8) : (uint8_t)n;
}

/* Channel 0's edges up to now: IRQ 0 requested at most once per pass (the
 * ones the vCPU was too late for are merged, as on a busy PC). */
static void pit_tick(struct pc *pc)
{
	struct pc_pit_ch *c = &pc->pit[0];
	uint64_t now = rdtsc();

	if (!c->armed || now < c->next) {
		return;
	}
	pc->pic[0].irr |= 1;
	if (pit_periodic(c)) {
		uint64_t period = pit_to_tsc(c->count);
		c->next += period * ((now - c->next) / period + 1);
	} else {
		c->armed = false;
		c->fired = true;
	}
}

/* Whether channel 2's output is high: mode 0 (what Linux's calibration
 * uses) once its count ran out. */
static bool pit_out2(const struct pc_pit_ch *c)
{
	return c->armed && rdtsc() >= c->next;
}

void pc_io(struct pc *pc, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	uint8_t v = (uint8_t)*val;
	uint32_t out = 0xFFFFFFFFu >> (32 - 8 * size);

	if (size == 1) {
		switch (port) {
		case 0x20:
		case 0xA0:
			if (write) {
				pic_cmd(&pc->pic[port >> 7], v);
			} else {
				const struct pc_pic *p = &pc->pic[port >> 7];
				out = p->read_isr ? p->isr : p->irr;
			}
			break;
		case 0x21:
		case 0xA1:
			if (write) {
				pic_data(&pc->pic[port >> 7], v);
			} else {
				out = pc->pic[port >> 7].imr;
			}
			break;
		case 0x40:
		case 0x41:
		case 0x42:
			if (write) {
				pit_write(&pc->pit[port - 0x40], v);
			} else {
				out = pit_read(&pc->pit[port - 0x40]);
			}
			break;
		case 0x43:
			if (write) {
				pit_control(pc, v);
			}
			break;
		case 0x61:
			if (write) {
				pc->port61 = v & 3;
			} else {
				out = pc->port61 | (pit_out2(&pc->pit[2]) ? 0x20 : 0);
			}
			break;
		default:
			break;
		}
	}
	if (!write) {
		*val = out;
	}
}

/* The PIT's edges and the UART's up to now into the master's requests;
 * the line the master would deliver, or -1. */
static int pc_sample(struct pc *pc, bool uart)
{
	pit_tick(pc);
	if (uart && !pc->irq4) {
		pc->pic[0].irr |= 1u << 4;
	}
	pc->irq4 = uart;
	const struct pc_pic *m = &pc->pic[0];
	int irq = pic_pending(m);

	return m->init != 0 ? -1 : irq;
}

bool pc_has_interrupt(struct pc *pc, bool uart)
{
	return pc_sample(pc, uart) >= 0;
}

uint64_t pc_next_event(const struct pc *pc)
{
	const struct pc_pit_ch *c = &pc->pit[0];

	return c->armed ? c->next : ~0ull;
}

int pc_interrupt(struct pc *pc, bool uart)
{
	int irq = pc_sample(pc, uart);
	struct pc_pic *m = &pc->pic[0];

	if (irq < 0) {
		return -1;
	}
	m->irr &= (uint8_t) ~(1u << irq);
	m->isr |= (uint8_t)(1u << irq);
	return m->base + irq;
}
