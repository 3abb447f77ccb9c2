/*
 * The virtual local APIC's registers (hypervisor/arch/x86_64/vlapic.c),
 * compiled into this test: reset values, priorities and EOI, the timer in
 * TSC time (one-shot, periodic, the divider), the ICR's IPIs and their
 * destinations, and what a hostile guest writes (bad vectors, reserved
 * bits, registers that do not exist, accesses that are not 4 bytes).
 */
#include <stdint.h>
#include <string.h>

#include "lcm_test.h"

#include "../../hypervisor/arch/x86_64/vlapic.c"

static uint32_t rd(struct vlapic *l, unsigned off, uint64_t now)
{
	uint32_t v = 0xDEADBEEF;
	assert_null(vlapic_read(l, off, 4, now, &v));
	return v;
}

static struct vlapic_ipi wr(struct vlapic *l, unsigned off, uint32_t val, uint64_t now)
{
	struct vlapic_ipi ipi;
	assert_null(vlapic_write(l, off, 4, val, now, &ipi));
	return ipi;
}

static void reset_state(void **state)
{
	struct vlapic l;
	(void)state;

	vlapic_reset(&l, 0, 1);
	assert_int_equal(rd(&l, REG_ID, 0), 0);
	assert_int_equal(rd(&l, REG_VERSION, 0), VLAPIC_VERSION);
	assert_int_equal(rd(&l, REG_SVR, 0), 0xFF);
	assert_int_equal(rd(&l, REG_DFR, 0), 0xFFFFFFFFu);
	/* The bootstrap processor's LINT0 is the virtual wire; others masked. */
	assert_true(vlapic_extint(&l));
	assert_int_equal(rd(&l, REG_LVT, 0), LVT_MASKED);
	vlapic_reset(&l, 3, 1);
	assert_int_equal(rd(&l, REG_ID, 0), 3u << 24);
	assert_false(vlapic_extint(&l));
}

static void priorities_and_eoi(void **state)
{
	struct vlapic l;
	(void)state;

	vlapic_reset(&l, 0, 1);
	vlapic_request(&l, 0x40);
	assert_int_equal(vlapic_pending(&l, 0), -1); /* software-disabled */
	wr(&l, REG_SVR, SVR_ENABLE | 0xFF, 0);
	assert_int_equal(vlapic_pending(&l, 0), 0x40);
	assert_int_equal(rd(&l, REG_IRR + 0x20, 0), 1u); /* vector 0x40: IRR word 2 */
	vlapic_accept(&l, 0x40);
	assert_int_equal(rd(&l, REG_ISR + 0x20, 0), 1u);
	assert_int_equal(rd(&l, REG_PPR, 0), 0x40);
	/* Same class as the one in service: waits; a higher one preempts. */
	vlapic_request(&l, 0x45);
	assert_int_equal(vlapic_pending(&l, 0), -1);
	vlapic_request(&l, 0x61);
	assert_int_equal(vlapic_pending(&l, 0), 0x61);
	vlapic_accept(&l, 0x61);
	wr(&l, REG_EOI, 0, 0); /* ends 0x61, the highest in service */
	assert_int_equal(rd(&l, REG_ISR + 0x30, 0), 0);
	assert_int_equal(vlapic_pending(&l, 0), -1);
	wr(&l, REG_EOI, 0, 0);
	assert_int_equal(vlapic_pending(&l, 0), 0x45);
	/* The TPR holds back its class and below. */
	wr(&l, REG_TPR, 0x50, 0);
	assert_int_equal(vlapic_pending(&l, 0), -1);
	wr(&l, REG_TPR, 0x30, 0);
	assert_int_equal(vlapic_pending(&l, 0), 0x45);
	/* An EOI with nothing in service does nothing. */
	vlapic_accept(&l, 0x45);
	wr(&l, REG_EOI, 0, 0);
	wr(&l, REG_EOI, 0, 0);
	assert_int_equal(rd(&l, REG_PPR, 0), 0x30);
}

static void timer(void **state)
{
	struct vlapic l;
	(void)state;

	vlapic_reset(&l, 0, 10); /* 10 TSC cycles per count */
	wr(&l, REG_SVR, SVR_ENABLE | 0xFF, 0);
	wr(&l, REG_DIVIDE, 0xB, 0); /* divide by 1 */
	wr(&l, REG_LVT, 0x30, 0);   /* one-shot, vector 0x30 */
	wr(&l, REG_INITIAL, 100, 1000);
	assert_int_equal(vlapic_next_event(&l), 2000);
	assert_int_equal(rd(&l, REG_CURRENT, 1500), 50);
	assert_int_equal(vlapic_pending(&l, 1999), -1);
	assert_int_equal(vlapic_pending(&l, 2000), 0x30);
	assert_int_equal(rd(&l, REG_CURRENT, 2500), 0);
	assert_int_equal(vlapic_next_event(&l), ~0ull);
	vlapic_accept(&l, 0x30);
	wr(&l, REG_EOI, 0, 2500);
	/* Periodic, divide by 2: expiries missed are merged, the next is
	 * past now on the period's grid. */
	wr(&l, REG_DIVIDE, 0x0, 3000);
	wr(&l, REG_LVT, LVT_PERIODIC | 0x31, 3000);
	wr(&l, REG_INITIAL, 5, 3000); /* 100 cycles */
	assert_int_equal(vlapic_next_event(&l), 3100);
	assert_int_equal(vlapic_pending(&l, 3350), 0x31);
	assert_int_equal(vlapic_next_event(&l), 3400);
	/* Masked: no request, no deadline; initial count 0 stops it. */
	vlapic_accept(&l, 0x31);
	wr(&l, REG_EOI, 0, 3350);
	wr(&l, REG_LVT, LVT_MASKED | LVT_PERIODIC | 0x31, 3350);
	assert_int_equal(vlapic_next_event(&l), ~0ull);
	assert_int_equal(vlapic_pending(&l, 5000), -1);
	wr(&l, REG_INITIAL, 0, 5000);
	assert_int_equal(rd(&l, REG_CURRENT, 5000), 0);
	/* The TSC-deadline mode (bit 18) is not offered: the bit is dropped. */
	wr(&l, REG_LVT, (2u << 17) | 0x32, 5000);
	assert_int_equal(rd(&l, REG_LVT, 5000), 0x32);
}

static void ipis(void **state)
{
	struct vlapic a, b;
	struct vlapic_ipi ipi;
	(void)state;

	vlapic_reset(&a, 0, 1);
	vlapic_reset(&b, 1, 1);
	/* Fixed, physical, to APIC 1. */
	wr(&a, REG_ICR_HI, 1u << 24, 0);
	ipi = wr(&a, REG_ICR_LO, 0x4000 | 0xFD, 0);
	assert_true(ipi.send);
	assert_int_equal(ipi.mode, VLAPIC_FIXED);
	assert_int_equal(ipi.vector, 0xFD);
	assert_true(vlapic_match(&b, 0, &ipi));
	assert_false(vlapic_match(&a, 0, &ipi));
	assert_int_equal(rd(&a, REG_ICR_LO, 0) & (1u << 12), 0); /* delivered */
	/* INIT assert, INIT de-assert, SIPI at page 0x9A. */
	ipi = wr(&a, REG_ICR_LO, 0x4500, 0);
	assert_int_equal(ipi.mode, VLAPIC_INIT);
	assert_false(ipi.deassert);
	ipi = wr(&a, REG_ICR_LO, 0x8500, 0);
	assert_true(ipi.deassert);
	ipi = wr(&a, REG_ICR_LO, 0x4600 | 0x9A, 0);
	assert_int_equal(ipi.mode, VLAPIC_SIPI);
	assert_int_equal(ipi.vector, 0x9A);
	/* Shorthands: self, all, all but self. */
	ipi = wr(&a, REG_ICR_LO, (1u << 18) | 0xF0, 0);
	assert_true(vlapic_match(&a, 0, &ipi));
	assert_false(vlapic_match(&b, 0, &ipi));
	ipi = wr(&a, REG_ICR_LO, (3u << 18) | 0xF0, 0);
	assert_false(vlapic_match(&a, 0, &ipi));
	assert_true(vlapic_match(&b, 0, &ipi));
	ipi = wr(&a, REG_ICR_LO, (2u << 18) | 0xF0, 0);
	assert_true(vlapic_match(&a, 0, &ipi) && vlapic_match(&b, 0, &ipi));
	/* Logical, flat model: LDR bits. */
	wr(&b, REG_LDR, 0x02000000u, 0);
	wr(&a, REG_ICR_HI, 0x02000000u, 0);
	ipi = wr(&a, REG_ICR_LO, (1u << 11) | 0xF1, 0);
	assert_true(vlapic_match(&b, 0, &ipi));
	/* A nonexistent APIC ID matches no one; broadcast 0xFF all. */
	wr(&a, REG_ICR_HI, 0x7Fu << 24, 0);
	ipi = wr(&a, REG_ICR_LO, 0xF1, 0);
	assert_true(ipi.send);
	assert_false(vlapic_match(&a, 0, &ipi) || vlapic_match(&b, 0, &ipi));
}

static void hostile_writes(void **state)
{
	struct vlapic l;
	struct vlapic_ipi ipi;
	uint32_t v;
	(void)state;

	vlapic_reset(&l, 0, 1);
	/* Not 4 aligned bytes: refused (the caller stops the domain). */
	assert_non_null(vlapic_read(&l, REG_TPR, 1, 0, &v));
	assert_non_null(vlapic_read(&l, REG_TPR + 2, 4, 0, &v));
	assert_non_null(vlapic_write(&l, REG_TPR, 8, 0, 0, &ipi));
	assert_false(ipi.send);
	/* A fixed IPI or a request with a vector below 16: dropped, the ESR
	 * says so once latched by a write. */
	wr(&l, REG_ICR_HI, 0, 0);
	ipi = wr(&l, REG_ICR_LO, 0x05, 0);
	assert_false(ipi.send);
	vlapic_request(&l, 3);
	assert_int_equal(rd(&l, REG_ESR, 0), 0);
	wr(&l, REG_ESR, 0, 0);
	assert_int_equal(rd(&l, REG_ESR, 0), VLAPIC_ESR_SEND_VECTOR | VLAPIC_ESR_RECV_VECTOR);
	assert_int_equal(l.irr[0], 0);
	/* Registers that do not exist, read-only ones, reserved bits. */
	assert_int_equal(rd(&l, 0x400, 0), 0);
	wr(&l, REG_ESR, 0, 0);
	assert_int_equal(rd(&l, REG_ESR, 0), VLAPIC_ESR_REGISTER);
	wr(&l, REG_ID, 0xFFFFFFFFu, 0);
	wr(&l, REG_VERSION, 0, 0);
	assert_int_equal(rd(&l, REG_ID, 0), 0);
	assert_int_equal(rd(&l, REG_VERSION, 0), VLAPIC_VERSION);
	wr(&l, REG_TPR, 0xFFFFFFFFu, 0);
	assert_int_equal(rd(&l, REG_TPR, 0), 0xFF);
	wr(&l, REG_IRR, 0xFFFFFFFFu, 0); /* read-only */
	assert_int_equal(rd(&l, REG_IRR, 0), 0);
	/* Software-disabled: the LVTs stay masked whatever is written. */
	wr(&l, REG_SVR, 0, 0);
	wr(&l, REG_LVT, 0x40, 0);
	assert_int_equal(rd(&l, REG_LVT, 0), LVT_MASKED | 0x40);
	assert_false(vlapic_extint(&l));
	/* The fastest periodic timer: one request per look, not a flood. */
	wr(&l, REG_SVR, SVR_ENABLE | 0xFF, 0);
	wr(&l, REG_TPR, 0, 0);
	wr(&l, REG_DIVIDE, 0xB, 0);
	wr(&l, REG_LVT, LVT_PERIODIC | 0x40, 0);
	wr(&l, REG_INITIAL, 1, 0);
	assert_int_equal(vlapic_pending(&l, 1000000), 0x40);
	assert_int_equal(vlapic_next_event(&l), 1000001);
}

int run_vlapic_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reset_state),    cmocka_unit_test(priorities_and_eoi),
		cmocka_unit_test(timer),          cmocka_unit_test(ipis),
		cmocka_unit_test(hostile_writes),
	};

	return cmocka_run_group_tests_name("vlapic", tests, NULL, NULL);
}
