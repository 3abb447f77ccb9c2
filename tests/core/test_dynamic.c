/*
 * Hyperlaunch Dynamic on the fake architecture: a control domain creates a
 * domain at run time from a one-domain LCM fragment in its own RAM
 * (HL_DOMAIN_CREATE), unpauses and destroys it; the errors of the call;
 * who may not; an ended domain's memory given back out of interrupt context.
 */
#include "core_test.h"

#include <string.h>

#include "core/launch.h"
#include "core/mm.h"
#include "core/sched.h"

static const void *dtb;

static enum fake_exit hello(struct vcpu *v, unsigned step)
{
	static const char line[] = "hello\n";

	if (step == 0) {
		uint64_t s = guest_put(v, 0x100000, line, sizeof(line) - 1);
		fake_hvc(v, HL_CONSOLE_WRITE, s, sizeof(line) - 1, 0, 0, 0, NULL);
	}
	return FAKE_WFI;
}

static int setup(void **state)
{
	(void)state;
	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = { .dom = {
				     { .name = "ctl", .permissions = LCM_PERMISSION_CONTROL },
				     { .name = "app1" },
			     } };
	dtb = host_dtb(&l);
	fake_guest_set(NULL, hello);
	return 0;
}

#define KERNEL_OFF (1 * MiB)
#define FRAG_OFF   (1 * MiB + 64 * KiB)

/* As ctl: its kernel page at KERNEL_OFF (contents @tag), a fragment at
 * FRAG_OFF naming @name/@id with digest @digest (NULL: the page's). */
static int64_t create(const char *caller, const char *name, uint32_t id, const char *tag,
		      const uint8_t *digest, uint64_t out[4])
{
	struct vcpu *v = vcpu0(caller);
	static uint8_t page[PAGE_SIZE], frag[4096];
	uint8_t d[32];

	fake_kernel_page(page, tag, d);
	uint64_t k = guest_put(v, KERNEL_OFF, page, sizeof(page));
	size_t n =
		fragment(frag, sizeof(frag), name, id, k, PAGE_SIZE, digest != NULL ? digest : d);
	uint64_t f = guest_put(v, FRAG_OFF, frag, n);
	return fake_hvc(v, HL_DOMAIN_CREATE, f, n, 0, 0, 0, out);
}

static void dynamic_boot(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	assert_line("launch: final: 2 domains started, console to ctl, in 0.0 ms total");
}

static void create_paused(void **state)
{
	(void)state;
	uint64_t out[4];

	assert_int_equal(create("ctl", "dyn1", 7, "dyn1", NULL, out), HL_OK);
	assert_int_equal(out[1], 7);
	assert_line("domain 7 dyn1: 2 MiB, 1 vCPU, kernel copied, built in 0.00 ms");
	assert_line("domain 7 dyn1: created by ctl, paused");
	struct domain *d = dom("dyn1");
	assert_int_equal(domain_state(d), DOM_NEW);
	assert_int_equal(d->nr_vcpus, 1);
	assert_false(launch_is_initial(d));
	/* Its kernel is the caller's page, copied into its own RAM. */
	char head[8];
	assert_true(domain_read_ram(d, d->entry, head, sizeof(head)));
	assert_memory_equal(head, FAKE_KERNEL_MAGIC, 8);
}

static void create_errors(void **state)
{
	(void)state;
	uint64_t out[4];
	struct vcpu *v = vcpu0("ctl");
	uint64_t ram = ipa_addr(v->dom->ram_base);

	/* Ids are never reused in a boot. */
	assert_int_equal(create("ctl", "again", 7, "again", NULL, out), HL_EBUSY);
	assert_int_equal(create("ctl", "again", 1, "again", NULL, out), HL_EBUSY);
	/* A fragment the LCM library rejects: its diagnostics, HL_EINVAL. */
	assert_int_equal(create("ctl", "boot", LCM_DOMID_BOOT, "boot", NULL, out), HL_EINVAL);
	assert_line(
		"create: ctl: /chosen/hypervisor/boot: domid: 0x7ff5 is reserved for the boot domain");
	assert_int_equal(fake_hvc(v, HL_DOMAIN_CREATE, ram + FRAG_OFF, 0, 0, 0, 0, NULL),
			 HL_EINVAL);
	assert_int_equal(fake_hvc(v, HL_DOMAIN_CREATE, ram + FRAG_OFF, 65 * KiB, 0, 0, 0, NULL),
			 HL_EINVAL);
	/* Not the caller's RAM. */
	assert_int_equal(fake_hvc(v, HL_DOMAIN_CREATE, 0x1000, 512, 0, 0, 0, NULL), HL_EFAULT);
	/* A digest that does not match: built and refused, the id used up. */
	uint8_t wrong[32] = { 1 };
	assert_int_equal(create("ctl", "dyn2", 8, "dyn2", wrong, out), HL_ENOMEM);
	assert_true(strstr(fake_console(), "domain 8 dyn2: not started: kernel module 0x") != NULL);
	assert_int_equal(create("ctl", "dyn2", 8, "dyn2", NULL, out), HL_EBUSY);
	/* Only CONTROL (or LEGACY_DOM0) may create. */
	assert_int_equal(create("app1", "dyn3", 9, "dyn3", NULL, out), HL_EPERM);
	assert_line("policy: denied: app1 (domU_t) may not create domains [role]");
	assert_int_equal(domain_count(), 4); /* ctl, app1, dyn1, dyn2 */
}

static void unpause_destroy(void **state)
{
	(void)state;
	struct vcpu *v = vcpu0("ctl");
	uint64_t free0 = mm_free_bytes();

	assert_int_equal(fake_hvc(v, HL_DOMAIN_UNPAUSE, 7, 0, 0, 0, 0, NULL), HL_OK);
	assert_line("domain 7 dyn1: unpaused by ctl");
	assert_stop(fake_run_all(), FAKE_IDLE);
	assert_line("[dyn1] hello");
	assert_int_equal(fake_hvc(v, HL_DOMAIN_DESTROY, 7, 0, 0, 0, 0, NULL), HL_OK);
	assert_line("domain 7 dyn1: destroyed by ctl");
	assert_int_equal(fake_hvc(v, HL_DOMAIN_DESTROY, 7, 0, 0, 0, 0, NULL), HL_EBUSY);
	/* The tick only asks CPU 0 for its loop; the loop gives it back. */
	assert_stop(fake_tick(0), FAKE_RETURNED);
	assert_no_line("launch: reclaim: dyn1's 2 MiB scrubbed and returned");
	assert_true(domains_reclaim_pending());
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	assert_line("launch: reclaim: dyn1's 2 MiB scrubbed and returned");
	assert_true(dom("dyn1")->released);
	assert_true(mm_free_bytes() >= free0 + 2 * MiB);
}

/*
 * The builder must not trust a digest computed for memory that was freed
 * since: runtime creation copies the modules into fresh pages and frees
 * them after, so the next creation's copy lands on the same pages. A
 * kernel whose digest is not the fragment's is refused however it got
 * there.
 */
static void digest_not_cached(void **state)
{
	(void)state;
	uint64_t out[4];
	uint8_t first[32], page[PAGE_SIZE];

	fake_kernel_page(page, "first", first);
	assert_int_equal(create("ctl", "good", 20, "first", NULL, out), HL_OK);
	/* Other contents, the first kernel's digest. */
	int64_t r = create("ctl", "evil", 21, "second", first, out);
	if (r == HL_OK) {
		fail_msg("a kernel that does not match its digest was built (stale digest cache)");
	}
	assert_int_equal(r, HL_ENOMEM);
	assert_true(strstr(fake_console(), "domain 21 evil: not started: kernel module 0x") !=
		    NULL);
}

/*
 * Issue 10's race, fixed: the tick (launch_poll, interrupt context) used to
 * reclaim a destroyed domain and scrub all of its RAM with interrupts
 * masked. Now the tick only asks CPU 0 for its scheduler loop, which gives
 * the memory back between vCPUs. Fails if scrubbing moves back into the
 * tick: the fake counts what arch_zero_pages() clears in interrupt context.
 */
static void race_scrub_in_tick(void **state)
{
	(void)state;
	struct vcpu *v = vcpu0("ctl");
	uint64_t free0 = mm_free_bytes();

	assert_int_equal(fake_hvc(v, HL_DOMAIN_DESTROY, domid("app1"), 0, 0, 0, 0, NULL), HL_OK);
	uint64_t before = fake_zeroed_in_irq(), all = fake_zeroed();
	assert_stop(fake_tick(0), FAKE_RETURNED);
	assert_stop(fake_tick(0), FAKE_RETURNED);
	if (fake_zeroed_in_irq() != before) {
		fail_msg("%llu KiB scrubbed in the tick, with interrupts masked",
			 (unsigned long long)((fake_zeroed_in_irq() - before) / KiB));
	}
	assert_int_equal(fake_zeroed(), all);
	assert_false(dom("app1")->released);
	assert_no_line("launch: reclaim: app1's 2 MiB scrubbed and returned");
	/* CPU 0's loop, out of interrupt context, gives it back. */
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	assert_true(dom("app1")->released);
	assert_line("launch: reclaim: app1's 2 MiB scrubbed and returned");
	assert_true(fake_zeroed() - all >= 2 * MiB);
	assert_int_equal(fake_zeroed_in_irq(), before);
	assert_true(mm_free_bytes() >= free0 + 2 * MiB);
}

int run_dynamic_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dynamic_boot),      cmocka_unit_test(create_paused),
		cmocka_unit_test(create_errors),     cmocka_unit_test(unpause_destroy),
		cmocka_unit_test(digest_not_cached), cmocka_unit_test(race_scrub_in_tick),
	};
	return cmocka_run_group_tests_name("core: Hyperlaunch Dynamic", tests, setup, NULL);
}
