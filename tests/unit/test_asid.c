/*
 * The x86 ASID bookkeeping (hypervisor/arch/x86_64/asid.c) on the host:
 * QEMU's SVM tags nothing with ASIDs and flushes its whole TLB on every
 * VMRUN and #VMEXIT, so no boot can tell a wrong ASID from a right one;
 * here every rule is checked against what a TLB that does tag entries
 * would need: no two vCPUs share an ASID on a CPU within a generation, a
 * vCPU keeps its ASID (no flush) while nothing changed, and gets a clean
 * one (never used in the generation, or a flush of all) when it moved,
 * was reset, or its nested page tables narrowed.
 */
#include <string.h>

#include "lcm_test.h"

#include "../../hypervisor/arch/x86_64/asid.c"

#define NR_ASIDS 16 /* QEMU 7.2's -cpu max: 15 for guests */

static void first_run_flushes_and_differs(void **state)
{
	(void)state;
	struct asid_cpu c;
	struct asid_vcpu a = { 0 }, b = { 0 };

	assert_true(asid_cpu_init(&c, NR_ASIDS));
	assert_int_equal(asid_assign(&c, 0, &a, 0), TLB_CONTROL_FLUSH_ALL);
	assert_int_equal(asid_assign(&c, 0, &b, 0), TLB_CONTROL_NOTHING);
	assert_int_not_equal(a.asid, 0);
	assert_int_not_equal(b.asid, 0);
	assert_int_not_equal(a.asid, b.asid);
}

static void kept_while_nothing_changed(void **state)
{
	(void)state;
	struct asid_cpu c;
	struct asid_vcpu a = { 0 }, b = { 0 };

	asid_cpu_init(&c, NR_ASIDS);
	asid_assign(&c, 0, &a, 0);
	asid_assign(&c, 0, &b, 7);
	uint32_t first = a.asid;
	for (int turn = 0; turn < 100; turn++) {
		assert_int_equal(asid_assign(&c, 0, &a, 0), TLB_CONTROL_NOTHING);
		assert_int_equal(asid_assign(&c, 0, &b, 7), TLB_CONTROL_NOTHING);
		assert_int_equal(a.asid, first);
		assert_int_not_equal(a.asid, b.asid);
	}
}

/* Whether @a's ASID is clean for it: new in the CPU's generation (no other
 * vCPU had it since the last flush of all) or flushed by this run. */
static void assert_clean(const uint32_t *used, uint32_t asid, unsigned tlb)
{
	assert_true(tlb == TLB_CONTROL_FLUSH_ALL || used[asid] == 0);
}

static void moved_gets_a_fresh_one(void **state)
{
	(void)state;
	struct asid_cpu c[2];
	struct asid_vcpu a = { 0 };
	uint32_t used[NR_ASIDS] = { 0 };

	asid_cpu_init(&c[0], NR_ASIDS);
	asid_cpu_init(&c[1], NR_ASIDS);
	asid_assign(&c[0], 0, &a, 0);
	used[a.asid] = 1;
	asid_assign(&c[1], 1, &a, 0); /* to CPU 1 and back: not its old one */
	unsigned tlb = asid_assign(&c[0], 0, &a, 0);
	assert_clean(used, a.asid, tlb);
}

static void npt_change_gets_a_fresh_one(void **state)
{
	(void)state;
	struct asid_cpu c;
	struct asid_vcpu a = { 0 };
	uint32_t used[NR_ASIDS] = { 0 };

	asid_cpu_init(&c, NR_ASIDS);
	asid_assign(&c, 0, &a, 3);
	used[a.asid] = 1;
	unsigned tlb = asid_assign(&c, 0, &a, 4);
	assert_clean(used, a.asid, tlb);
}

static void reset_gets_a_fresh_one(void **state)
{
	(void)state;
	struct asid_cpu c;
	struct asid_vcpu a = { 0 };
	uint32_t used[NR_ASIDS] = { 0 };

	asid_cpu_init(&c, NR_ASIDS);
	asid_assign(&c, 0, &a, 0);
	used[a.asid] = 1;
	memset(&a, 0, sizeof(a)); /* what arch_vcpu_reset() does */
	unsigned tlb = asid_assign(&c, 0, &a, 0);
	assert_clean(used, a.asid, tlb);
}

/* 40 vCPUs taking turns on one CPU of 15 guest ASIDs, some moving to
 * another CPU now and then: whenever a vCPU runs, its ASID is one no
 * other vCPU used since the last flush of all, and stays in range. */
static void recycled_by_generation(void **state)
{
	(void)state;
	enum { N = 40 };
	struct asid_cpu c[2];
	struct asid_vcpu v[N];
	int owner[2][NR_ASIDS];
	unsigned flushes = 0;

	memset(v, 0, sizeof(v));
	memset(owner, -1, sizeof(owner));
	asid_cpu_init(&c[0], NR_ASIDS);
	asid_cpu_init(&c[1], NR_ASIDS);
	for (unsigned turn = 0; turn < 2000; turn++) {
		unsigned i = (turn * 7) % N;
		unsigned cpu = (turn % 13 == 0) ? 1 : 0;
		unsigned tlb = asid_assign(&c[cpu], cpu, &v[i], 0);
		if (tlb == TLB_CONTROL_FLUSH_ALL) {
			flushes++;
			memset(owner[cpu], -1, sizeof(owner[cpu]));
		} else {
			assert_int_equal(tlb, TLB_CONTROL_NOTHING);
		}
		assert_in_range(v[i].asid, 1, NR_ASIDS - 1);
		assert_true(owner[cpu][v[i].asid] == -1 || owner[cpu][v[i].asid] == (int)i);
		owner[cpu][v[i].asid] = (int)i;
	}
	assert_true(flushes > 10);
}

static void too_few_asids(void **state)
{
	(void)state;
	struct asid_cpu c;

	assert_false(asid_cpu_init(&c, 0));
	assert_false(asid_cpu_init(&c, 1));
	assert_true(asid_cpu_init(&c, 2));
}

int run_asid_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_run_flushes_and_differs),
		cmocka_unit_test(kept_while_nothing_changed),
		cmocka_unit_test(moved_gets_a_fresh_one),
		cmocka_unit_test(npt_change_gets_a_fresh_one),
		cmocka_unit_test(reset_gets_a_fresh_one),
		cmocka_unit_test(recycled_by_generation),
		cmocka_unit_test(too_few_asids),
	};

	return cmocka_run_group_tests_name("x86 asid", tests, NULL, NULL);
}
