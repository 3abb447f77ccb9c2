/*
 * A virtual local APIC in xAPIC mode (vlapic.c): the register page a vCPU
 * sees at 0xFEE00000 (Intel SDM vol. 3, chapter 10; AMD APM vol. 2,
 * chapter 16). Pure register logic: the caller decodes the guest's access
 * (decode.c), holds the vCPU's lock, delivers what it returns (IPIs, the
 * vector to inject) and gives it the TSC as "now".
 */
#ifndef X86_VLAPIC_H
#define X86_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define VLAPIC_BASE    0xFEE00000ull
#define VLAPIC_VERSION 0x00050014u /* integrated APIC, 6 LVT entries */
#define VLAPIC_NR_LVT  6           /* timer, thermal, perf, LINT0, LINT1, error */

/* The ESR's bits (SDM 10.5.3). */
#define VLAPIC_ESR_SEND_VECTOR (1u << 5)
#define VLAPIC_ESR_RECV_VECTOR (1u << 6)
#define VLAPIC_ESR_REGISTER    (1u << 7)

struct vlapic {
	uint32_t id; /* the APIC ID, bits 31-24 of the ID register */
	uint32_t tpr, ldr, dfr, svr, icr_lo, icr_hi, esr, esr_pending;
	uint32_t lvt[VLAPIC_NR_LVT];
	uint32_t tmr_initial, tmr_divide;
	uint64_t tmr_start, tmr_next; /* TSC: counting began, next expiry */
	bool tmr_armed;
	uint64_t tsc_per_count; /* TSC cycles per timer count, divider 1 */
	uint32_t irr[8], isr[8], tmr[8];
};

/* What a write to the ICR asks for: an interprocessor interrupt (SDM
 * 10.6.1), for the caller to deliver to the matching vCPUs. */
enum vlapic_shorthand { VLAPIC_DEST, VLAPIC_SELF, VLAPIC_ALL, VLAPIC_ALL_BUT_SELF };
enum vlapic_mode {
	VLAPIC_FIXED = 0,
	VLAPIC_LOWEST = 1,
	VLAPIC_SMI = 2,
	VLAPIC_NMI = 4,
	VLAPIC_INIT = 5,
	VLAPIC_SIPI = 6,
};
struct vlapic_ipi {
	bool send;
	enum vlapic_mode mode;
	enum vlapic_shorthand shorthand;
	uint8_t vector;
	uint8_t dest;  /* an APIC ID, or a logical mask (@logical) */
	bool logical;  /* destination mode logical (bit 11) */
	bool deassert; /* an INIT with level 0 (INIT level de-assert): no-op */
};

/* The power-on state of the APIC with ID @id (SDM 10.4.7.1; ID 0, the
 * bootstrap processor, has LINT0 in ExtINT mode: the virtual wire); its
 * timer counts once every @tsc_per_count TSC cycles (divider 1). */
void vlapic_reset(struct vlapic *l, uint32_t id, uint64_t tsc_per_count);

/* A 4-byte read or write at @offset of the page, at TSC @now. Offsets
 * that are no register read 0 and set the ESR's illegal-register bit;
 * reserved bits are ignored. A write to the ICR's low half fills @ipi
 * (else @ipi->send is false). Accesses other than 4 aligned bytes are
 * refused: the caller stops the domain with the returned reason. */
const char *vlapic_read(struct vlapic *l, unsigned offset, unsigned size, uint64_t now,
			uint32_t *val);
const char *vlapic_write(struct vlapic *l, unsigned offset, unsigned size, uint32_t val,
			 uint64_t now, struct vlapic_ipi *ipi);

/* Whether an IPI sent by APIC @from is for @l (destination, shorthand). */
bool vlapic_match(const struct vlapic *l, uint32_t from, const struct vlapic_ipi *ipi);

/* A fixed interrupt @vector arrives (an IPI, its timer): requested in the
 * IRR (atomically: any CPU may call this); a vector below 16 is refused
 * (ESR receive-illegal-vector). */
void vlapic_request(struct vlapic *l, uint8_t vector);

/* The timer's expiries up to @now into the IRR; then the vector to
 * deliver (its priority above the processor priority, the APIC
 * software-enabled), or -1. */
int vlapic_pending(struct vlapic *l, uint64_t now);

/* The vCPU takes @vector (vlapic_pending's): in service from now on. */
void vlapic_accept(struct vlapic *l, uint8_t vector);

/* Whether the 8259's INTR reaches the vCPU: LINT0 unmasked in ExtINT
 * mode (the virtual wire, MP spec 1.4, 3.6.2.2), which is the reset state
 * of the bootstrap processor's APIC (ID 0), as a BIOS leaves it. */
bool vlapic_extint(const struct vlapic *l);

/* The TSC of the timer's next expiry, ~0 for none. */
uint64_t vlapic_next_event(const struct vlapic *l);

#endif /* X86_VLAPIC_H */
