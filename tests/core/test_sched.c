/*
 * The scheduler (core/sched.c) and vCPU power states (core/vcpu.c) on two
 * fake CPUs, without a launch: domains are made with domain_create() and
 * vcpus_create(), started with domain_start(), and each CPU's real
 * scheduling loop runs until it idles (fake_run_cpu). Guest scripts stand in
 * for the guests; what they see is recorded and asserted after the run (an
 * assertion inside a script would leave the fake's run in the middle).
 */
#include "core_test.h"

#include <stdio.h>
#include <string.h>

#include "core/console.h"
#include "core/cpu.h"
#include "core/mm.h"
#include "core/sched.h"

static struct platform plat;
static uint32_t next_domid = 1;

static int setup(void **state)
{
	(void)state;
	fake_init(64 * MiB, 2);
	fake_bug_fails_test();
	plat.nr_cpus = 2;
	cpus_init(&plat);
	fake_cpus_online(2);
	arch_console_init(&plat);
	mm_add_ram(fake_ram());
	return 0;
}

/* A domain of @n vCPUs, all on CPU @cpu, with script @fn. */
static struct domain *mkdom(const char *name, unsigned n, unsigned cpu, fake_guest_fn *fn)
{
	struct domain *d = domain_create(name, next_domid++);

	assert_non_null(d);
	assert_int_equal(vcpus_create(d, n), 0);
	for (unsigned i = 0; i < n; i++) {
		d->vcpus[i].cpu = cpu;
	}
	fake_guest_set(d->name, fn);
	return d;
}

static enum fake_exit two_slices(struct vcpu *v, unsigned step)
{
	(void)v;
	return step < 2 ? FAKE_PREEMPT : FAKE_WFI;
}

/* Three vCPUs on one CPU take turns in the order they were queued. */
static void round_robin(void **state)
{
	(void)state;
	struct domain *a = mkdom("rr1", 1, 0, two_slices);
	struct domain *b = mkdom("rr2", 1, 0, two_slices);
	struct domain *c = mkdom("rr3", 1, 0, two_slices);

	domain_start(a);
	domain_start(b);
	domain_start(c);
	fake_trace_clear();
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	assert_string_equal(fake_trace(), "rr1.0@0 rr2.0@0 rr3.0@0 rr1.0@0 rr2.0@0 rr3.0@0 "
					  "rr1.0@0 rr2.0@0 rr3.0@0 ");
	assert_true(a->vcpus[0].blocked && b->vcpus[0].blocked && c->vcpus[0].blocked);
	assert_true(vcpus_waiting(a));
	/* CPU 1 has nothing of theirs. */
	fake_trace_clear();
	assert_stop(fake_run_cpu(1), FAKE_IDLE);
	assert_string_equal(fake_trace(), "");
}

/* A spinning vCPU: the tick ends its slice only when another waits. */
static enum fake_exit spin(struct vcpu *v, unsigned step)
{
	(void)v;
	if (step == 3 || step == 7) {
		hv_tick(); /* the timer fires while it runs */
	}
	return step >= 8 ? FAKE_WFI : FAKE_CONTINUE;
}

static void tick_ends_slice(void **state)
{
	(void)state;
	struct domain *a = mkdom("sp1", 1, 1, spin);
	struct domain *b = mkdom("sp2", 1, 1, spin);

	domain_start(a);
	domain_start(b);
	fake_trace_clear();
	assert_stop(fake_run_cpu(1), FAKE_IDLE);
	assert_string_equal(fake_trace(), "sp1.0@1 sp2.0@1 sp1.0@1 sp2.0@1 sp1.0@1 sp2.0@1 ");

	/* Alone, the same guest keeps its CPU through both ticks. */
	struct domain *c = mkdom("sp3", 1, 1, spin);
	domain_start(c);
	fake_trace_clear();
	assert_stop(fake_run_cpu(1), FAKE_IDLE);
	assert_string_equal(fake_trace(), "sp3.0@1 ");
	assert_int_equal(c->vcpus[0].arch->step, 9);
}

/* An interrupt made pending before the guest's WFI is handled is seen by
 * sched_block() under the lock: the vCPU runs on instead of sleeping. */
static unsigned wk_kicks_before, wk_kicks_after;
static bool wk_on_rq_after_wake;

static enum fake_exit pending_then_wfi(struct vcpu *v, unsigned step)
{
	switch (step) {
	case 0:
		/* CPU 1 (a device, a timer) makes an interrupt pending and wakes
		 * it while it still runs: nothing to queue, its CPU is kicked. */
		v->arch->interrupt = true;
		wk_kicks_before = fake_kicks(0);
		fake_cpu_set(1);
		sched_wake(v);
		fake_cpu_set(0);
		wk_kicks_after = fake_kicks(0);
		wk_on_rq_after_wake = v->on_rq;
		return FAKE_WFI; /* sees the interrupt: runs on */
	case 1:
		v->arch->interrupt = false;
		return FAKE_WFI; /* nothing pending: sleeps */
	default:
		return FAKE_WFI;
	}
}

static void wake_before_block(void **state)
{
	(void)state;
	struct domain *d = mkdom("wk1", 1, 0, pending_then_wfi);

	domain_start(d);
	fake_trace_clear();
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	assert_string_equal(fake_trace(), "wk1.0@0 "); /* one run, two exits */
	assert_int_equal(d->vcpus[0].arch->step, 2);
	assert_int_equal(wk_kicks_after, wk_kicks_before + 1);
	assert_false(wk_on_rq_after_wake);
	assert_true(d->vcpus[0].blocked);
	assert_false(d->vcpus[0].on_rq);
}

/* Blocked, then woken from the other CPU: queued again, its CPU kicked;
 * a second wake of the queued vCPU changes nothing. */
static void block_then_wake(void **state)
{
	(void)state;
	struct domain *d = mkdom("wk2", 1, 0, fake_guest_idle);
	struct vcpu *v = &d->vcpus[0];

	domain_start(d);
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	assert_true(v->blocked);
	assert_false(v->on_rq);

	unsigned kicks = fake_kicks(0);
	fake_cpu_set(1);
	sched_wake(v);
	assert_false(v->blocked);
	assert_true(v->on_rq);
	assert_int_equal(fake_kicks(0), kicks + 1);
	sched_wake(v); /* queued already: no second entry */
	assert_int_equal(fake_kicks(0), kicks + 1);
	fake_cpu_set(0);

	fake_trace_clear();
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	assert_string_equal(fake_trace(), "wk2.0@0 ");
	assert_true(v->blocked);
	/* A wake on its own CPU kicks nobody. */
	kicks = fake_kicks(0);
	sched_wake(v);
	assert_int_equal(fake_kicks(0), kicks);
	assert_true(v->on_rq);
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	assert_int_equal(v->arch->runs, 3);
}

/* Pause takes the vCPU off its CPU at its next exit and keeps it off the
 * queue; resume queues it again. */
static enum fake_exit pause_self_at_2(struct vcpu *v, unsigned step)
{
	if (step == 2) {
		domain_pause(v->dom); /* as a control domain on another CPU would */
		return FAKE_CONTINUE; /* sched_must_leave() says go */
	}
	return step >= 3 ? FAKE_WFI : FAKE_PREEMPT;
}

static void pause_resume(void **state)
{
	(void)state;
	struct domain *d = mkdom("pz1", 1, 1, pause_self_at_2);
	struct vcpu *v = &d->vcpus[0];

	domain_start(d);
	fake_trace_clear();
	assert_stop(fake_run_cpu(1), FAKE_IDLE);
	assert_string_equal(fake_trace(), "pz1.0@1 pz1.0@1 pz1.0@1 ");
	assert_true(d->paused);
	assert_false(v->on_rq);
	assert_false(v->running);
	assert_false(v->blocked);

	domain_resume(d);
	assert_true(v->on_rq);
	fake_trace_clear();
	assert_stop(fake_run_cpu(1), FAKE_IDLE);
	assert_string_equal(fake_trace(), "pz1.0@1 ");
	assert_true(v->blocked);

	/* Paused while queued: dropped when its turn comes, not run. */
	sched_wake(v);
	assert_true(v->on_rq);
	domain_pause(d);
	fake_trace_clear();
	assert_stop(fake_run_cpu(1), FAKE_IDLE);
	assert_string_equal(fake_trace(), "");
	assert_false(v->on_rq);
	domain_resume(d);
	assert_stop(fake_run_cpu(1), FAKE_IDLE);
	assert_string_equal(fake_trace(), "pz1.0@1 ");
}

/* PSCI CPU_ON's outcomes (vcpu_on) and AFFINITY_INFO (vcpu_affinity). */
static void power_states(void **state)
{
	(void)state;
	struct domain *d = mkdom("pw1", 2, 0, fake_guest_idle);
	struct vcpu *v1 = &d->vcpus[1];

	/* Not started: nothing may be powered on. */
	assert_int_equal(vcpu_on(v1, ipa_init(0x40000000), 0), VCPU_ON_DENIED);
	assert_int_equal(vcpu_affinity(v1), VCPU_AFF_OFF);
	domain_start(d);
	assert_int_equal(vcpu_on(v1, ipa_init(0x40001000), 42), VCPU_ON_DONE);
	assert_int_equal(vcpu_affinity(v1), VCPU_AFF_ON_PENDING);
	assert_int_equal(vcpu_on(v1, ipa_init(0x40001000), 42), VCPU_ON_PENDING);
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	/* It booted at the entry with the argument, on its own CPU. */
	assert_int_equal(ipa_addr(v1->arch->entry), 0x40001000);
	assert_int_equal(v1->arch->arg, 42);
	assert_int_equal(vcpu_on(v1, ipa_init(0x40001000), 42), VCPU_ON_ALREADY);
	assert_int_equal(vcpu_affinity(v1), VCPU_AFF_ON);

	/* A stopped domain cannot be revived. */
	domain_stop(d, "a test fault at PC 0x%x", 0x1234);
	char line[80];
	snprintf(line, sizeof(line), "domain %u pw1: stopped: a test fault at PC 0x1234", d->domid);
	assert_line(line);
	assert_int_equal(domain_state(d), DOM_STOPPED);
	assert_int_equal(vcpu_affinity(v1), VCPU_AFF_OFF);
	assert_int_equal(vcpu_on(v1, ipa_init(0x40001000), 0), VCPU_ON_DENIED);
	assert_int_equal(vcpu_on(&d->vcpus[0], ipa_init(0x40001000), 0), VCPU_ON_DENIED);
	/* Only the first end acts. */
	domain_power_off(d, NULL);
	snprintf(line, sizeof(line), "domain %u pw1:", d->domid);
	assert_int_equal(fake_console_count(line), 1);
}

/* CPU_OFF of the last vCPU that is on powers the domain off. */
static enum fake_exit off_self(struct vcpu *v, unsigned step)
{
	(void)step;
	vcpu_off_self(v);
	return FAKE_CONTINUE; /* it is off: the run loop leaves */
}

static void last_vcpu_off(void **state)
{
	(void)state;
	struct domain *d = mkdom("of1", 2, 1, off_self);

	domain_start(d);
	assert_int_equal(vcpu_on(&d->vcpus[1], ipa_init(0x40000000), 0), VCPU_ON_DONE);
	fake_trace_clear();
	assert_stop(fake_run_cpu(1), FAKE_IDLE);
	assert_string_equal(fake_trace(), "of1.0@1 of1.1@1 ");
	assert_int_equal(domain_state(d), DOM_OFF);
	char line[80];
	snprintf(line, sizeof(line), "domain %u of1: powered off (its last vCPU called CPU_OFF)",
		 d->domid);
	assert_line(line);
	assert_int_equal(fake_console_count(line), 1);
}

/* A guest that polls (its interrupt controller off) gives its turn away
 * to others, and alone lets the CPU sleep. */
static enum fake_exit poll_twice(struct vcpu *v, unsigned step)
{
	(void)v;
	return step < 2 ? FAKE_WFI_POLL : FAKE_WFI;
}

static void wfi_poll(void **state)
{
	(void)state;
	struct domain *a = mkdom("po1", 1, 0, poll_twice);
	struct domain *b = mkdom("po2", 1, 0, poll_twice);

	domain_start(a);
	domain_start(b);
	fake_trace_clear();
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	assert_string_equal(fake_trace(), "po1.0@0 po2.0@0 po1.0@0 po2.0@0 po1.0@0 po2.0@0 ");

	struct domain *c = mkdom("po3", 1, 0, poll_twice);
	domain_start(c);
	fake_trace_clear();
	assert_stop(fake_run_cpu(0), FAKE_IDLE); /* slept after its first poll */
	assert_string_equal(fake_trace(), "po3.0@0 ");
	assert_true(c->vcpus[0].on_rq);
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	assert_string_equal(fake_trace(), "po3.0@0 po3.0@0 ");
	assert_stop(fake_run_cpu(0), FAKE_IDLE);
	assert_string_equal(fake_trace(), "po3.0@0 po3.0@0 po3.0@0 ");
	assert_true(c->vcpus[0].blocked);
}

/* Placement at creation: round-robin over the online CPUs. */
static void placement(void **state)
{
	(void)state;
	struct domain *d = domain_create("pl1", next_domid++);

	assert_int_equal(vcpus_create(d, 4), 0);
	assert_int_not_equal(d->vcpus[0].cpu, d->vcpus[1].cpu);
	assert_int_equal(d->vcpus[0].cpu, d->vcpus[2].cpu);
	assert_int_equal(d->vcpus[1].cpu, d->vcpus[3].cpu);
}

int run_sched_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_robin),       cmocka_unit_test(tick_ends_slice),
		cmocka_unit_test(wake_before_block), cmocka_unit_test(block_then_wake),
		cmocka_unit_test(pause_resume),      cmocka_unit_test(power_states),
		cmocka_unit_test(last_vcpu_off),     cmocka_unit_test(wfi_poll),
		cmocka_unit_test(placement),
	};
	return cmocka_run_group_tests_name("core: scheduler", tests, setup, NULL);
}
