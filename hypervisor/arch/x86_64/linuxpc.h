/*
 * The PC platform a Linux domain sees (linuxpc.c).
 */
#ifndef X86_LINUXPC_H
#define X86_LINUXPC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arch.h"
#include "core/spinlock.h"

/* An 8259A: its mask, request and in-service registers, the vector of its
 * IRQ 0, and where its initialization sequence is. */
struct pc_pic {
	uint8_t imr, irr, isr, base;
	uint8_t init;  /* ICW still expected: 0 none, 2 ICW2, 3 ICW3, 4 ICW4 */
	bool icw4;     /* ICW1 asked for an ICW4 */
	bool read_isr; /* OCW3: the command port reads ISR (else IRR) */
};

/* A channel of the 8254. */
struct pc_pit_ch {
	uint8_t mode, access; /* control word bits 1-3 and 4-5 */
	bool write_hi, read_hi, latched, armed, fired;
	uint16_t latch;
	uint32_t count; /* the reload value, 1..65536 */
	uint64_t start; /* TSC when counting began */
	uint64_t next;  /* TSC of the next output edge (armed) */
};

struct pc {
	struct spinlock lock; /* svm.c: any vCPU's port I/O, vCPU 0's interrupts */
	struct pc_pic pic[2];
	struct pc_pit_ch pit[3];
	uint8_t port61; /* speaker gate and data (bits 0, 1) */
	bool irq4;      /* the UART's line when last seen */
};

void pc_init(struct pc *pc);

/* IN (@write false: the value into *@val) or OUT of @size bytes at @port;
 * the PIC pair, the PIT and the PC speaker port are emulated, every other
 * port not granted is absent: reads give all ones, writes are dropped. */
void pc_io(struct pc *pc, uint16_t port, unsigned size, bool write, uint32_t *val);

/* Let the PIT's time pass (IRQ 0 edges) and see the UART's line @uart
 * (IRQ 4: a rising edge requests it), then the vector the PIC pair
 * delivers now (taken: it is in service from here), or -1. */
int pc_interrupt(struct pc *pc, bool uart);

/* Whether pc_interrupt() would deliver a vector now (none taken). */
bool pc_has_interrupt(struct pc *pc, bool uart);

/* The TSC when the PIT's channel 0 next raises IRQ 0, ~0 for never. */
uint64_t pc_next_event(const struct pc *pc);

/* CPUID as a Linux domain sees it: @r the host's answer for @leaf, changed
 * in place (no local APIC, no MTRRs, no machine checks, no performance
 * counters). */
void pc_cpuid(uint32_t leaf, uint32_t r[4]);

/* RDMSR (@write false: into *@val) or WRMSR of @msr by a Linux vCPU whose
 * VMCB is @vmcb; false when the MSR does not exist for it (the caller
 * injects #GP). */
bool pc_msr(uint8_t *vmcb, uint32_t msr, bool write, uint64_t *val);

#endif /* X86_LINUXPC_H */
