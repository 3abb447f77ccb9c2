/*
 * Long work in bounded steps, and who owns boot modules:
 *  - "reclaim": an ended domain's memory is given back a bounded step per
 *    domains_reclaim_step() call (CPU 0's scheduler loop), the line once,
 *    at the end;
 *  - "create-steps": HL_DOMAIN_CREATE of a large domain is many repeats of
 *    one call (fake_hvc, as arm64 re-executes the HVC), others' creations
 *    meanwhile are HL_EBUSY, a caller that ends abandons its creation and
 *    what it held comes back; from a guest script, the CPU's other vCPUs
 *    run between the repeats and the guest sees one call;
 *  - "bootmod": a module mapped in place as a domain's RAM is no longer
 *    readable by the Boot Domain once that domain started, finalization's
 *    reclaim leaves it alone, and it is freed once, with the domain.
 */
#include "core_test.h"

#include <stdio.h>
#include <string.h>

#include "core/launch.h"
#include "core/mm.h"
#include "core/sched.h"

/* The most a step may scrub: the core's RECLAIM_STEP and BUILD_STEP
 * ("a few MiB"), which are private to their files. */
#define STEP_MAX (4 * MiB)

static const void *dtb;

/* An interrupt for @v (as its interrupt controller would raise it). */
static void interrupt(struct vcpu *v)
{
	v->arch->interrupt = true;
	sched_wake(v);
}

/* --- reclaim ----------------------------------------------------------------------- */

/* hog: once interrupted, a guest that never leaves its CPU by itself; the
 * timer interrupts it (a tick per exit) until mid's memory is back. */
static struct {
	bool go;
	unsigned exits, ticks_seen;
} hog;

static enum fake_exit hog_guest(struct vcpu *v, unsigned step)
{
	(void)step;
	if (v->arch->interrupt) {
		v->arch->interrupt = false;
		hog.go = true;
	}
	if (!hog.go || dom("mid")->released || ++hog.exits > 1000) {
		hog.go = false;
		return FAKE_WFI;
	}
	/* The timer fires while it runs: interrupt context, its vCPU
	 * current on CPU 0. */
	if (fake_tick(0) != FAKE_RETURNED) {
		fail_msg("the tick did not return");
	}
	hog.ticks_seen++;
	return FAKE_CONTINUE;
}

static int reclaim_setup(void **state)
{
	(void)state;
	fake_init(256 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = { .dom = {
				     { .name = "ctl", .permissions = LCM_PERMISSION_CONTROL },
				     { .name = "big", .memory_kib = 64 * 1024 },
				     { .name = "mid", .memory_kib = 16 * 1024 },
				     { .name = "hog" },
			     } };
	dtb = host_dtb(&l);
	fake_guest_set("hog", hog_guest);
	return 0;
}

static void reclaim_boot(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	assert_line("launch: final: 4 domains started, console to ctl, in 0.0 ms total");
	assert_int_equal(domain_state(dom("big")), DOM_RUNNING);
}

/* Touch every 2 MiB window of @d's RAM, as a guest that used all of it. */
static void touch_all(struct domain *d)
{
	for (uint64_t off = 0; off < d->ram_size; off += 2 * MiB) {
		assert_true(domain_touch(d, ipa_init(ipa_addr(d->ram_base) + off)));
	}
}

/*
 * A first touch that ran out of page-table memory left a prefix of its
 * window mapped (stage 2 maps in ascending order), which the guest may
 * have written since: the next touch maps the rest, without zeroing what
 * is the guest's already and without mapping it twice.
 */
static void touch_after_partial(void **state)
{
	(void)state;
	struct domain *d = dom("big");
	uint64_t ipa = ipa_addr(d->ram_base) + 32 * MiB; /* a window nothing touched */
	const struct domain_mem *m = NULL;
	paddr_t pa;

	assert_false(arch_stage2_translate(d->s2, ipa_init(ipa), &pa));
	for (unsigned i = 0; i < d->nr_mem; i++) {
		uint64_t s = ipa_addr(d->mem[i].ipa);
		if (d->mem[i].lazy && ipa >= s && ipa - s < d->mem[i].size) {
			m = &d->mem[i];
		}
	}
	assert_non_null(m);
	pa = pa_add(m->pa, ipa - ipa_addr(m->ipa));
	/* The prefix: one page, scrubbed, mapped and written by the guest. */
	memset(pa_ptr(pa), 0, PAGE_SIZE);
	assert_int_equal(arch_stage2_map(d->s2, ipa_init(ipa), pa, 4 * PAGE_SIZE), 0);
	memset(pa_ptr(pa), 0x5a, 4 * PAGE_SIZE);
	assert_true(domain_touch(d, ipa_init(ipa + 8 * PAGE_SIZE)));
	assert_int_equal(((uint8_t *)pa_ptr(pa))[4 * PAGE_SIZE - 1], 0x5a);
	assert_int_equal(((uint8_t *)pa_ptr(pa))[4 * PAGE_SIZE], 0);
	assert_true(arch_stage2_translate(d->s2, ipa_init(ipa + 2 * MiB - PAGE_SIZE), &pa));
	assert_true(domain_touch(d, ipa_init(ipa))); /* touched: nothing more to do */
}

/*
 * A destroyed 64 MiB domain: each domains_reclaim_step() scrubs at most a
 * step's worth, so giving it back takes many calls; the line comes once,
 * after the last, and only then is the memory free.
 */
static void reclaim_in_steps(void **state)
{
	(void)state;
	struct domain *d = dom("big");
	unsigned steps = 0;
	bool waiting;

	/* All of its RAM touched (scrubbed and mapped at first touch): all of
	 * it is to be scrubbed again when it is given back. */
	touch_all(d);
	uint64_t free0 = mm_free_bytes(), zeroed0 = fake_zeroed();

	assert_int_equal(fake_hvc(vcpu0("ctl"), HL_DOMAIN_DESTROY, domid("big"), 0, 0, 0, 0, NULL),
			 HL_OK);
	assert_true(domains_reclaim_pending());
	for (;;) {
		uint64_t z = fake_zeroed();
		bool did = domains_reclaim_step(&waiting);
		z = fake_zeroed() - z;
		if (!did) {
			assert_int_equal(z, 0);
			break;
		}
		steps++;
		assert_true(steps < 1000);
		assert_false(waiting);
		if (z > STEP_MAX) {
			fail_msg("step %u scrubbed %llu KiB", steps, (unsigned long long)(z / KiB));
		}
		if (!d->released) {
			assert_int_equal(fake_console_count("launch: reclaim: big's"), 0);
			assert_true(domains_reclaim_pending());
			assert_true(mm_free_bytes() < free0 + 64 * MiB);
		}
	}
	/* 64 MiB at most 4 MiB a step: 16 steps at least. */
	if (steps < 16) {
		fail_msg("64 MiB given back in %u steps", steps);
	}
	assert_true(d->released);
	assert_false(domains_reclaim_pending());
	assert_line("launch: reclaim: big's 64 MiB scrubbed and returned");
	assert_int_equal(fake_console_count("launch: reclaim: big's"), 1);
	assert_true(fake_zeroed() - zeroed0 >= 64 * MiB);
	assert_true(mm_free_bytes() >= free0 + 64 * MiB);
	assert_int_equal(fake_zeroed_in_irq(), 0);
	/* Nothing more to do: no second line, nothing freed twice. */
	assert_false(domains_reclaim_step(&waiting));
	assert_int_equal(fake_console_count("launch: reclaim: big's"), 1);
	assert_int_equal(fake_console_count("mm: BUG"), 0);
}

/*
 * A vCPU alone on CPU 0 that never gives its CPU back: the tick takes it
 * (need_resched while a reclaim is pending) so that the loop does a step
 * between two of its turns; nothing scrubbed in the tick itself.
 */
static void tick_makes_room(void **state)
{
	(void)state;
	struct vcpu *h = vcpu0("hog");
	unsigned runs0 = h->arch->runs;

	touch_all(dom("mid"));
	uint64_t free0 = mm_free_bytes();

	assert_int_equal(fake_hvc(vcpu0("ctl"), HL_DOMAIN_DESTROY, domid("mid"), 0, 0, 0, 0, NULL),
			 HL_OK);
	interrupt(h);
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	assert_true(dom("mid")->released);
	assert_line("launch: reclaim: mid's 16 MiB scrubbed and returned");
	assert_true(mm_free_bytes() >= free0 + 16 * MiB);
	assert_true(hog.exits <= 1000);
	/* 16 MiB at most 4 MiB a step, a step per turn it gave up. */
	unsigned runs = h->arch->runs - runs0;
	if (runs < 4) {
		fail_msg("hog ran %u times: the reclaim never made it leave", runs);
	}
	assert_true(hog.ticks_seen >= 3);
	assert_int_equal(fake_zeroed_in_irq(), 0);
}

int run_reclaim_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reclaim_boot),
		cmocka_unit_test(touch_after_partial),
		cmocka_unit_test(reclaim_in_steps),
		cmocka_unit_test(tick_makes_room),
	};
	return cmocka_run_group_tests_name("core: reclaim in steps", tests, reclaim_setup, NULL);
}

/* --- create in steps ------------------------------------------------------------ */

#define KERNEL_OFF (1 * MiB)
#define FRAG_OFF   (1 * MiB + 64 * KiB)
#define BIG_KIB    (64 * 1024)

/* HL_DOMAIN_CREATE by @caller of @name (automatic domid, @kib KiB), its
 * kernel a fake page in @caller's RAM. */
static int64_t create_as(struct vcpu *v, const char *name, uint32_t kib, uint64_t out[4])
{
	static uint8_t page[PAGE_SIZE], frag[4096];
	uint8_t d[32];

	fake_kernel_page(page, name, d);
	uint64_t k = guest_put(v, KERNEL_OFF, page, sizeof(page));
	size_t n = fragment_mem(frag, sizeof(frag), name, 0, kib, k, PAGE_SIZE, d);
	uint64_t f = guest_put(v, FRAG_OFF, frag, n);
	return fake_hvc(v, HL_DOMAIN_CREATE, f, n, 0, 0, 0, out);
}

/* What happens between the repeats of a test's call (fake_hvc_between). */
static struct {
	unsigned first;  /* fake_hvc_again() before the call */
	uint64_t zeroed; /* fake_zeroed() at the last repeat */
	uint64_t most;   /* the most scrubbed between two */
	int64_t other;   /* another control domain's create */
	unsigned end_at; /* end the caller at this repeat (0: never) */
	bool destroy;    /* by HL_DOMAIN_DESTROY from ctl, else power off */
	bool ended;
} between;

static void between_reset(void)
{
	memset(&between, 0, sizeof(between));
	between.first = fake_hvc_again();
	between.zeroed = fake_zeroed();
	between.other = 1; /* not an HL_* answer: never called */
}

static void between_hook(struct vcpu *v, unsigned again)
{
	unsigned n = again - between.first;
	uint64_t z = fake_zeroed() - between.zeroed;
	uint64_t out[4];

	between.zeroed = fake_zeroed();
	if (z > between.most) {
		between.most = z;
	}
	if (n == 1) {
		/* Another control domain's creation while this one is under
		 * way: busy, not queued, and nothing of it is done. */
		between.other = create_as(vcpu0("ctl2"), "other", 2048, out);
	}
	if (n == between.end_at) {
		between.ended = true;
		if (between.destroy) {
			assert_int_equal(fake_hvc(vcpu0("ctl"), HL_DOMAIN_DESTROY, v->dom->domid, 0,
						  0, 0, 0, NULL),
					 HL_OK);
		} else {
			domain_power_off(v->dom, "the test ends it");
		}
	}
}

/* A guest's creation from its script, with app1 busy on the same CPU. */
static struct {
	unsigned calls, returns;
	int64_t r;
	uint64_t domid;
	unsigned busy_runs;
} gy;

static enum fake_exit ctl_guest(struct vcpu *v, unsigned step)
{
	uint64_t out[4];

	if (step == 1) {
		/* Made again from here on each repeat: the HVC re-executed. */
		v->arch->interrupt = false;
		gy.calls++;
		gy.r = create_as(v, "gy", 16 * 1024, out);
		gy.returns++;
		gy.domid = out[1];
	}
	return FAKE_WFI; /* step 0: until the test's interrupt */
}

/* Once interrupted, app1 wants the CPU until ctl's creation returned. */
static enum fake_exit busy_guest(struct vcpu *v, unsigned step)
{
	(void)step;
	if (v->arch->interrupt && gy.returns == 0) {
		gy.busy_runs++;
		return FAKE_PREEMPT;
	}
	v->arch->interrupt = false;
	return FAKE_WFI;
}

static int create_setup(void **state)
{
	(void)state;
	fake_init(512 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = { .dom = {
				     { .name = "ctl", .permissions = LCM_PERMISSION_CONTROL },
				     { .name = "ctl2", .permissions = LCM_PERMISSION_CONTROL },
				     { .name = "ctl3", .permissions = LCM_PERMISSION_CONTROL },
				     { .name = "app1" },
			     } };
	dtb = host_dtb(&l);
	fake_guest_set("ctl", ctl_guest);
	fake_guest_set("app1", busy_guest);
	return 0;
}

static void create_boot(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	assert_line("launch: final: 4 domains started, console to ctl, in 0.0 ms total");
}

/*
 * A 64 MiB domain: built in steps, each one repeat of the caller's call;
 * its RAM is scrubbed on first touch, so the build scrubs only the window
 * its kernel and device tree are written to. Meanwhile another control
 * domain's creation is HL_EBUSY. Afterwards that one may create.
 */
static void create_in_steps(void **state)
{
	(void)state;
	uint64_t out[4];

	between_reset();
	fake_hvc_between(between_hook);
	int64_t r = create_as(vcpu0("ctl"), "big", BIG_KIB, out);
	fake_hvc_between(NULL);
	unsigned repeats = fake_hvc_again() - between.first;

	assert_int_equal(r, HL_OK);
	struct domain *d = dom("big");
	assert_int_equal(out[1], d->domid);
	assert_int_equal(domain_state(d), DOM_NEW);
	assert_int_equal(d->ram_size, 64 * MiB);
	char line[128];
	snprintf(line, sizeof(line), "domain %u big: created by ctl, paused", d->domid);
	assert_line(line);
	/* Fetch, hash, layout, copy, finish: one repeat each at least. */
	if (repeats < 4) {
		fail_msg("a 64 MiB creation in %u repeats", repeats);
	}
	if (between.most > STEP_MAX) {
		fail_msg("%llu KiB scrubbed in one step", (unsigned long long)(between.most / KiB));
	}
	assert_int_equal(between.other, HL_EBUSY);
	assert_null(domain_find(d->domid + 1)); /* "other" was not built */
	assert_int_equal(fake_console_count(" other:"), 0);
	/* Now it may. */
	assert_int_equal(create_as(vcpu0("ctl2"), "other", 2048, out), HL_OK);
	assert_int_equal(domain_state(dom("other")), DOM_NEW);
	assert_int_equal(fake_zeroed_in_irq(), 0);
}

/* The caller powered off (or destroyed, below) at @end_at repeats: its
 * creation is abandoned, what it held is free again, and another may
 * create. */
static void abandon(const char *caller, const char *name, bool destroy)
{
	uint64_t out[4];
	uint64_t free0 = mm_free_bytes();
	char line[128];

	between_reset();
	between.end_at = 5;
	between.destroy = destroy;
	fake_hvc_between(between_hook);
	int64_t r = create_as(vcpu0(caller), name, BIG_KIB, out);
	fake_hvc_between(NULL);

	assert_true(between.ended);
	/* Its vCPU never makes the call again: no answer. */
	assert_true(r == FAKE_HVC_GONE);
	assert_int_equal(fake_hvc_again() - between.first, 5);
	struct domain *d = dom(name);
	snprintf(line, sizeof(line), "domain %u %s: not started: its build was abandoned", d->domid,
		 name);
	assert_line(line);
	assert_int_equal(d->nr_vcpus, 0);
	assert_int_equal(domain_state(d), DOM_NEW);
	snprintf(line, sizeof(line), "domain %u %s: created by", d->domid, name);
	assert_int_equal(fake_console_count(line), 0);
	/* The fragment's and the kernel's copies and the RAM built so far:
	 * all back, but for the domain object itself, which stays in the
	 * table as a domain not started (its id is used up: ids are never
	 * reused in a boot), as with any failed creation. (The caller's own
	 * memory is not given back here: a destroyed one's goes back in CPU
	 * 0's loop.) */
	assert_int_equal(free0 - mm_free_bytes(), align_up(sizeof(struct domain), PAGE_SIZE));
	assert_int_equal(fake_console_count("mm: BUG"), 0);
	/* The job is gone: ctl creates at once. */
	assert_int_equal(create_as(vcpu0("ctl"), destroy ? "after2" : "after1", 2048, out), HL_OK);
}

static void abandon_power_off(void **state)
{
	(void)state;
	abandon("ctl2", "big2", false);
	assert_line("domain 2 ctl2: powered off (the test ends it)");
}

static void abandon_destroy(void **state)
{
	(void)state;
	abandon("ctl3", "big3", true);
	assert_line("domain 3 ctl3: destroyed by ctl");
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	assert_line("launch: reclaim: ctl3's 2 MiB scrubbed and returned");
}

/*
 * From a guest: ctl's script makes the call once; each "not over" makes its
 * vCPU yield, app1 (busy on the same CPU) runs, and the same step runs
 * again. The script sees one answer, when the domain is built.
 */
static void guest_sees_one_call(void **state)
{
	(void)state;
	unsigned again0 = fake_hvc_again();
	unsigned step0 = vcpu0("ctl")->arch->step;

	fake_trace_clear();
	interrupt(vcpu0("app1"));
	interrupt(vcpu0("ctl"));
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	unsigned repeats = fake_hvc_again() - again0;

	assert_int_equal(gy.r, HL_OK);
	assert_int_equal(gy.returns, 1);
	assert_int_equal(gy.calls, repeats + 1);
	/* 16 MiB at most 4 MiB a step. */
	assert_true(repeats >= 4);
	assert_int_equal(gy.domid, dom("gy")->domid);
	char line[128];
	snprintf(line, sizeof(line), "domain %u gy: created by ctl, paused", dom("gy")->domid);
	assert_line(line);
	/* app1 had the CPU between each two of ctl's tries. */
	assert_true(gy.busy_runs >= repeats);
	unsigned turns = 0;
	for (const char *p = fake_trace(); (p = strstr(p, "ctl.0@0 app1.0@0 ")) != NULL; p++) {
		turns++;
	}
	if (turns < repeats) {
		fail_msg("app1 ran between %u of ctl's %u repeats: %s", turns, repeats,
			 fake_trace());
	}
	/* One step of its script (however many tries): the call, then the
	 * WFI it now waits in. */
	assert_int_equal(vcpu0("ctl")->arch->step, step0 + 1);
	assert_true(vcpu0("ctl")->blocked);
}

int run_create_step_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_boot),         cmocka_unit_test(create_in_steps),
		cmocka_unit_test(abandon_power_off),   cmocka_unit_test(abandon_destroy),
		cmocka_unit_test(guest_sees_one_call),
	};
	return cmocka_run_group_tests_name("core: HL_DOMAIN_CREATE in steps", tests, create_setup,
					   NULL);
}

/* --- boot modules mapped in place ----------------------------------------------- */

#define READ_OFF 0x100000

/* What the Boot Domain saw. */
static struct {
	int64_t before, started, other, own, unpause, done;
	char head[64];
} bm;

/* HL_BOOT_MODULE_READ of LCM module @index (64 bytes) into @v's RAM. */
static int64_t module_read(struct vcpu *v, uint64_t index, char head[64])
{
	uint64_t ipa = ipa_addr(v->dom->ram_base) + READ_OFF;
	int64_t r = fake_hvc(v, HL_BOOT_MODULE_READ, index, 0, ipa, 64, 0, NULL);

	if (r > 0 && head != NULL) {
		assert_true(domain_read_ram(v->dom, ipa_init(ipa), head, 64));
	}
	return r;
}

/* LCM modules in node order: 0 bootdom's kernel, 1 app1's, 2 ctl's. */
static enum fake_exit bm_bootdom(struct vcpu *v, unsigned step)
{
	if (step == 0) {
		bm.before = module_read(v, 1, bm.head);
		bm.unpause = fake_hvc(v, HL_DOMAIN_UNPAUSE, domid("app1"), 0, 0, 0, 0, NULL);
		bm.started = module_read(v, 1, NULL);
		bm.other = module_read(v, 2, NULL);
		bm.own = module_read(v, 0, NULL);
		bm.done = fake_hvc(v, HL_BOOT_DONE, 0, 0, 0, 0, 0, NULL);
		return FAKE_CONTINUE; /* it is gone: the run loop leaves */
	}
	return FAKE_WFI;
}

static int bootmod_setup(void **state)
{
	(void)state;
	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = { .dom = {
				     { .name = "bootdom", .functions = LCM_FUNCTION_BOOT },
				     { .name = "app1" },
				     { .name = "ctl", .permissions = LCM_PERMISSION_CONTROL },
			     } };
	dtb = host_dtb(&l);
	fake_guest_set("bootdom", bm_bootdom);
	return 0;
}

/* app1's RAM piece that is its kernel module, mapped in place. */
static const struct domain_mem *in_place(struct domain *d)
{
	for (unsigned i = 0; i < d->nr_mem; i++) {
		if (!d->mem[i].owned) {
			return &d->mem[i];
		}
	}
	fail_msg("%s has no module mapped in place", d->name);
	return NULL;
}

/* Whether the allocator can hand out any byte of [pa, pa + size): take all
 * free memory, look, give it back. */
static bool allocatable(uint64_t pa, uint64_t size)
{
	struct {
		paddr_t at;
		uint64_t got;
	} taken[256];
	unsigned n = 0;
	bool hit = false;

	while (n < ARRAY_SIZE(taken)) {
		uint64_t got;
		paddr_t p = mm_alloc_some(1024 * MiB, PAGE_SIZE, &got, MM_UNSCRUBBED);
		if (mm_failed(p) || got == 0) {
			break;
		}
		taken[n].at = p;
		taken[n].got = got;
		n++;
		hit |= pa_addr(p) < pa + size && pa < pa_addr(p) + got;
	}
	assert_int_equal(mm_free_bytes(), 0);
	while (n > 0) {
		n--;
		mm_free(taken[n].at, taken[n].got);
	}
	return hit;
}

static void module_busy_once_started(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	/* Before app1 ran: boot material, readable. */
	assert_int_equal(bm.before, 64); /* bytes copied */
	assert_non_null(strstr(bm.head + sizeof(struct fake_kernel), "kernel of app1"));
	assert_int_equal(bm.unpause, HL_OK);
	/* app1 started: the module is its RAM, which no one else reads. */
	assert_int_equal(bm.started, HL_EBUSY);
	/* ctl's, given to a domain that has not run yet, still is. */
	assert_int_equal(bm.other, 64);
	/* Its own kernel is its running RAM: not boot material either. */
	assert_int_equal(bm.own, HL_EBUSY);
	assert_int_equal(bm.done, HL_OK);
	assert_line("launch: final: 2 domains started, console to ctl, in 0.0 ms total");
}

/* Finalization reclaimed the boot material: never app1's module, which
 * is intact and out of the allocator's reach; no double free either. */
static void final_reclaim_leaves_it(void **state)
{
	(void)state;
	struct domain *d = dom("app1");
	const struct domain_mem *m = in_place(d);
	char head[64];

	assert_int_equal(domain_state(d), DOM_RUNNING);
	assert_true(domain_read_ram(d, d->entry, head, sizeof(head)));
	assert_memory_equal(head, FAKE_KERNEL_MAGIC, 8);
	assert_non_null(strstr(head + sizeof(struct fake_kernel), "kernel of app1"));
	assert_false(allocatable(pa_addr(m->pa), m->size));
	assert_int_equal(fake_console_count("mm: BUG"), 0);
}

/* Destroyed, app1 gives its RAM back, the module with it: scrubbed and
 * freed once. */
static void freed_with_domain(void **state)
{
	(void)state;
	struct domain *d = dom("app1");
	const struct domain_mem *m = in_place(d);
	uint64_t pa = pa_addr(m->pa), size = m->size;
	uint64_t free0 = mm_free_bytes();

	assert_int_equal(fake_hvc(vcpu0("ctl"), HL_DOMAIN_DESTROY, d->domid, 0, 0, 0, 0, NULL),
			 HL_OK);
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	assert_line("launch: reclaim: app1's 2 MiB scrubbed and returned");
	assert_int_equal(fake_console_count("launch: reclaim: app1's"), 1);
	assert_true(mm_free_bytes() >= free0 + 2 * MiB);
	const uint8_t *p = pa_ptr(pa_init(pa));
	for (uint64_t i = 0; i < size; i++) {
		if (p[i] != 0) {
			fail_msg("byte %llu of app1's module not scrubbed", (unsigned long long)i);
		}
	}
	assert_true(allocatable(pa, size));
	assert_int_equal(fake_console_count("mm: BUG"), 0);
}

int run_bootmod_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(module_busy_once_started),
		cmocka_unit_test(final_reclaim_leaves_it),
		cmocka_unit_test(freed_with_domain),
	};
	return cmocka_run_group_tests_name("core: boot modules mapped in place", tests,
					   bootmod_setup, NULL);
}
