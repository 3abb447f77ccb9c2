/*
 * The policy check (core/policy.c) row by row against the roles table of
 * docs/hypercalls.md ("Who may call") and docs/boot-flow.md ("Roles and the
 * policy check"), in the launch states where the answers differ: while the
 * Boot Domain is active (preparation), after it said done (final), and
 * after a failed launch (the Recovery Domain's extra rights). The launch
 * is real: hv_main() on the fake architecture builds the roles' domains
 * from an LCM; the check is then asked directly for every (subject,
 * operation, object), and a few denials go through hypercall() to see the
 * HL_EPERM and the one "policy: denied:" line.
 *
 * Objects: the subject itself, a "fresh" initial domain that has never
 * run, one that has run, and none (an unknown domid). Operations that take
 * no object are asked the way hypercall.c asks them (the Boot Domain's own
 * operations with the caller as object, create/shutdown/launch-status with
 * none).
 */
#include "core_test.h"

#include <stdio.h>
#include <string.h>

#include "core/launch.h"
#include "core/policy.h"
#include "core/sched.h"

static const void *dtb;

/* The Boot Domain unpauses app1 (so that an initial domain has run), then
 * waits; woken, it says done with done_status. */
static uint64_t done_status;

static enum fake_exit policy_bootdom(struct vcpu *v, unsigned step)
{
	if (step == 0) {
		fake_hvc(v, HL_DOMAIN_UNPAUSE, domid("app1"), 0, 0, 0, 0, NULL);
		return FAKE_WFI;
	}
	fake_hvc(v, HL_BOOT_DONE, done_status, 0, 0, 0, 0, NULL);
	return FAKE_CONTINUE;
}

static int setup(uint64_t status)
{
	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	done_status = status;
	struct tlaunch l = { .dom = {
				     { .name = "bootdom", .functions = LCM_FUNCTION_BOOT },
				     { .name = "ctl", .permissions = LCM_PERMISSION_CONTROL },
				     { .name = "dom0", .functions = LCM_FUNCTION_LEGACY_DOM0 },
				     { .name = "hwdom", .permissions = LCM_PERMISSION_HARDWARE },
				     { .name = "xs",
				       .functions = LCM_FUNCTION_XENSTORE | LCM_FUNCTION_CONSOLE },
				     { .name = "rescue", .functions = LCM_FUNCTION_RECOVERY },
				     { .name = "app1" },
				     { .name = "app2" },
			     } };
	dtb = host_dtb(&l);
	fake_guest_set("bootdom", policy_bootdom);
	return 0;
}

static int setup_ok(void **state)
{
	(void)state;
	return setup(0);
}

static int setup_failed(void **state)
{
	(void)state;
	return setup(1);
}

/* --- the table ---------------------------------------------------------------------- */

/*
 * One row per subject: for each operation in enum policy_op order, 'Y'
 * allowed or 'N' denied; operations on a domain give four answers, for the
 * objects self, fresh, ran and none (a column whose object is the subject
 * itself is skipped, or marked '-').
 */
struct row {
	const char *subject;
	const char *expect;
};

static const bool takes_object[OP_NR] = {
	[OP_INFO] = true,      [OP_BOOT_CONFIGURE] = true, [OP_UNPAUSE] = true,
	[OP_PAUSE] = true,     [OP_DESTROY] = true,        [OP_XEN_EVTCHN] = true,
	[OP_XEN_GRANT] = true, [OP_XEN_DOMCTL] = true,
};
static const char *const op_names[OP_NR] = {
	"info",      "lcm-read",  "module-read", "configure", "boot-done",     "unpause",
	"pause",     "destroy",   "create",      "shutdown",  "launch-status", "console-write",
	"event-log", "tpm-quote", "xen-evtchn",  "xen-grant", "xen-domctl",
};

/* The "none" column (an unknown domid) is whether the subject may do it to
 * some domain other than itself (then it learns "no such domain"). The
 * domains here are not Xen-aware: a Xen channel only with itself; the
 * XENSTORE domain reads every domain's state with domctl.
 *                        info lcm mod conf done unpause pause destroy create shut status write log quote
 *                        xen-evtchn xen-grant xen-domctl */
#define PLAIN    "YNNN N N NNNN N NNNN NNNN NNNN N N N Y N N YNNN YNNN NNNN"
#define XS       "YNNN N N NNNN N NNNN NNNN NNNN N N N Y N N YNNN YNNN YYYY"
#define CONTROL  "YYYY N N NNNN N NYYY NYYY NYYY Y Y Y Y Y N YNNN YNNN NNNN"
#define BOOT     "YYYY Y Y NYNY Y NYNY NNNN NNNN N N N Y Y N YNNN YNNN NNNN"
#define RECOVERY "YYYY N N NNNN N NNNN NNNN NNNN N N Y Y Y N YNNN YNNN NNNN"
#define RESCUE   "YYYY N N NNNN N NYYY NNNN NYYY N N Y Y Y N YNNN YNNN NNNN"

/* Preparation: app1 has run (the Boot Domain unpaused it), app2 has not. */
static const struct row prepare_rows[] = {
	{ "bootdom", BOOT },    { "ctl", CONTROL },
	{ "dom0", CONTROL },    /* LEGACY_DOM0: everything CONTROL may */
	{ "hwdom", PLAIN },     /* HARDWARE: no extra hypercall */
	{ "xs", XS },           /* XENSTORE, CONSOLE: none either */
	{ "rescue", RECOVERY }, /* before any failure */
	{ "app1", PLAIN },      { "app2", PLAIN },
};

/* Final: the Boot Domain is done; the standby Recovery Domain is the one
 * initial domain never run. */
static const struct row final_rows[] = {
	{ "bootdom", PLAIN },
	{ "ctl", CONTROL },
	{ "dom0", CONTROL },
	{ "hwdom", PLAIN },
	{ "xs", XS },
	{ "rescue", "Y-YY N N N-NN N N-NN N-NN N-NN N N Y Y Y N Y-NN Y-NN N-NN" },
	{ "app1", PLAIN },
};

/* Failed (the Boot Domain said done with status 1): app2 never ran. */
static const struct row failed_rows[] = {
	{ "bootdom", PLAIN }, { "ctl", CONTROL },   { "dom0", CONTROL }, { "hwdom", PLAIN },
	{ "xs", XS },         { "rescue", RESCUE }, { "app1", PLAIN },
};

/* Ask every cell of @rows; report every disagreement, then fail. */
static void check_rows(const struct row *rows, size_t n, const char *fresh, const char *ran)
{
	unsigned bad = 0;

	for (size_t r = 0; r < n; r++) {
		struct domain *s = dom(rows[r].subject);
		struct domain *objs[4] = { s, dom(fresh), dom(ran), NULL };
		const char *obj_names[4] = { "self", fresh, ran, "none" };
		const char *e = rows[r].expect;

		for (unsigned op = 0; op < OP_NR; op++) {
			unsigned cells = takes_object[op] ? 4 : 1;
			for (unsigned c = 0; c < cells; c++, e++) {
				/* '-', or the column's object is the subject: the
				 * self column answers that. */
				if (*e == '-' || (takes_object[op] && c > 0 && objs[c] == s)) {
					continue;
				}
				struct domain *o = takes_object[op]     ? objs[c]
						   : op <= OP_BOOT_DONE ? s
									: NULL;
				bool want = *e == 'Y';
				bool got = policy_check(s, (enum policy_op)op, o);
				if (got != want) {
					fprintf(stderr, "policy: %s %s %s: %s, the table says %s\n",
						rows[r].subject, op_names[op],
						takes_object[op] ? obj_names[c] : "",
						got ? "allowed" : "denied",
						want ? "allowed" : "denied");
					bad++;
				}
			}
			e++; /* the space */
		}
	}
	if (bad > 0) {
		fail_msg("%u answers differ from the roles table", bad);
	}
}

/* --- preparation ----------------------------------------------------------------------- */

static void prepare_boot(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	assert_line("launch: prepare: bootdom alone unpaused, 10000 ms to say done");
	/* Automatic ids in LCM order from 1, 0 for the legacy dom0. */
	assert_line("domain 5 app1: unpaused by bootdom");
	assert_true(launch_boot_active(dom("bootdom")));
	assert_true(dom("app1")->has_run);
	assert_false(dom("app2")->has_run);
}

/* Through hypercall(): HL_EPERM, nothing done, one line per (domain,
 * object, operation) however often it is denied. */
static void denial_printed_once(void **state)
{
	(void)state;
	struct vcpu *v = vcpu0("hwdom");

	for (int i = 0; i < 3; i++) {
		assert_int_equal(fake_hvc(v, HL_DOMAIN_PAUSE, domid("app1"), 0, 0, 0, 0, NULL),
				 HL_EPERM);
	}
	assert_int_equal(fake_hvc(v, HL_DOMAIN_PAUSE, domid("app2"), 0, 0, 0, 0, NULL), HL_EPERM);
	assert_line("policy: denied: hwdom (domU_t) may not pause app1 (domU_t) [role]");
	assert_line("policy: denied: hwdom (domU_t) may not pause app2 (domU_t) [role]");
	assert_int_equal(fake_console_count("policy: denied: hwdom (domU_t) may not pause app1"),
			 1);
	assert_false(dom("app1")->paused);
	/* An unknown object is named as such. */
	assert_int_equal(fake_hvc(v, HL_DOMAIN_DESTROY, 4242, 0, 0, 0, 0, NULL), HL_EPERM);
	assert_line("policy: denied: hwdom (domU_t) may not destroy an unknown domain [role]");
	/* Its own state needs no rule; another's does. */
	uint64_t out[4];
	assert_int_equal(fake_hvc(v, HL_DOMAIN_INFO, domid("hwdom"), 0, 0, 0, 0, out), HL_OK);
	assert_int_equal(out[3], LCM_PERMISSION_HARDWARE);
	assert_int_equal(fake_hvc(v, HL_DOMAIN_INFO, domid("app1"), 0, 0, 0, 0, out), HL_EPERM);
	assert_line(
		"policy: denied: hwdom (domU_t) may not read the state of app1 (domU_t) [role]");
	/* The calls any domain may make. */
	assert_int_equal(fake_hvc(v, HL_WHOAMI, 0, 0, 0, 0, 0, out), HL_OK);
	assert_int_equal(out[1], domid("hwdom"));
	assert_int_equal(fake_hvc(v, HL_READY, 0, 0, 0, 0, 0, NULL), HL_OK);
	assert_int_equal(fake_hvc(v, HL_CALL_UID, 0, 0, 0, 0, 0, out), (int64_t)HL_UID_0);
	assert_int_equal(out[3], HL_UID_3);
}

static void prepare_table(void **state)
{
	(void)state;
	check_rows(prepare_rows, ARRAY_SIZE(prepare_rows), "app2", "app1");
}

/* --- final ----------------------------------------------------------------------------- */

static void final_reached(void **state)
{
	(void)state;
	struct vcpu *b = vcpu0("bootdom");

	b->arch->interrupt = true;
	sched_wake(b);
	assert_stop(fake_run_all(), FAKE_IDLE);
	assert_line("launch: final: 6 domains started, console to xs, in 0.0 ms total");
	assert_false(launch_boot_active(dom("bootdom")));
	assert_false(launch_failed());
	assert_false(dom("rescue")->has_run);
}

static void final_table(void **state)
{
	(void)state;
	check_rows(final_rows, ARRAY_SIZE(final_rows), "rescue", "app1");
}

/*
 * An unknown domid (docs/hypercalls.md): HL_ENOENT for a caller the policy
 * lets do the operation to some domain, HL_EPERM (a counted denial) for
 * anyone else, so that domids cannot be probed by the unprivileged.
 */
static void unknown_domid(void **state)
{
	(void)state;
	struct vcpu *v = vcpu0("ctl");
	unsigned lines = fake_console_count("policy: denied: ctl ");

	assert_int_equal(fake_hvc(v, HL_DOMAIN_PAUSE, 4242, 0, 0, 0, 0, NULL), HL_ENOENT);
	assert_int_equal(fake_hvc(v, HL_DOMAIN_UNPAUSE, 4242, 0, 0, 0, 0, NULL), HL_ENOENT);
	assert_int_equal(fake_hvc(v, HL_DOMAIN_DESTROY, 4242, 0, 0, 0, 0, NULL), HL_ENOENT);
	assert_int_equal(fake_hvc(v, HL_DOMAIN_INFO, 4242, 0, 0, 0, 0, NULL), HL_ENOENT);
	assert_int_equal(fake_console_count("policy: denied: ctl "), lines);
	struct vcpu *p = vcpu0("app1");
	assert_int_equal(fake_hvc(p, HL_DOMAIN_PAUSE, 4242, 0, 0, 0, 0, NULL), HL_EPERM);
	assert_int_equal(fake_hvc(p, HL_DOMAIN_INFO, 4242, 0, 0, 0, 0, NULL), HL_EPERM);
	/* A known domain it may act on: the state decides. */
	assert_int_equal(fake_hvc(v, HL_DOMAIN_UNPAUSE, domid("app1"), 0, 0, 0, 0, NULL), HL_EBUSY);
	assert_int_equal(fake_hvc(v, HL_DOMAIN_PAUSE, domid("app1"), 0, 0, 0, 0, NULL), HL_OK);
	assert_true(dom("app1")->paused);
	assert_int_equal(fake_hvc(v, HL_DOMAIN_PAUSE, domid("app1"), 0, 0, 0, 0, NULL), HL_EBUSY);
	uint64_t out[4];
	assert_int_equal(fake_hvc(v, HL_DOMAIN_INFO, domid("app1"), 0, 0, 0, 0, out), HL_OK);
	assert_int_equal(out[1], HL_STATE_PAUSED | HL_INFO_HAS_RUN);
	assert_int_equal(fake_hvc(v, HL_DOMAIN_UNPAUSE, domid("app1"), 0, 0, 0, 0, NULL), HL_OK);
	assert_false(dom("app1")->paused);
	/* The standby Recovery Domain may be started by a control domain. */
	assert_int_equal(fake_hvc(v, HL_DOMAIN_UNPAUSE, domid("rescue"), 0, 0, 0, 0, NULL), HL_OK);
	assert_line("domain 4 rescue: unpaused by ctl");
}

/* The summary of denials, when a control domain shuts the platform down. */
static void shutdown_call(void *arg)
{
	(void)arg;
	fake_hvc(vcpu0("ctl"), HL_PLATFORM_SHUTDOWN, 0, 0, 0, 0, 0, NULL);
}

static void final_shutdown(void **state)
{
	(void)state;
	assert_stop(fake_call(shutdown_call, NULL), FAKE_OFF);
	assert_line("hyperlaunch: ctl asks to power off the platform");
	/* Lines per domain with denials, counts per operation and object (the
	 * table above asked each denied cell once more). */
	assert_true(strstr(fake_console(), "\npolicy: hwdom denied: pause app1 5, ") != NULL);
	assert_true(strstr(fake_console(), "\npolicy: ctl denied: ") != NULL);
}

int run_policy_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prepare_boot),   cmocka_unit_test(denial_printed_once),
		cmocka_unit_test(prepare_table),  cmocka_unit_test(final_reached),
		cmocka_unit_test(final_table),    cmocka_unit_test(unknown_domid),
		cmocka_unit_test(final_shutdown),
	};
	return cmocka_run_group_tests_name("core: policy (launch succeeds)", tests, setup_ok, NULL);
}

/* --- after a failed launch -------------------------------------------------------------- */

static void failed_launch(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	struct vcpu *b = vcpu0("bootdom");
	b->arch->interrupt = true;
	sched_wake(b);
	assert_stop(fake_run_all(), FAKE_IDLE);
	assert_line("launch: prepare: bootdom failed in 0.0 ms");
	assert_line(
		"launch: FAILED: domain 32757 bootdom: the Boot Domain said done with status 1");
	assert_line("launch: starting the Recovery Domain rescue");
	assert_true(launch_failed());
	assert_false(dom("app2")->has_run);
}

static void failed_table(void **state)
{
	(void)state;
	check_rows(failed_rows, ARRAY_SIZE(failed_rows), "app2", "app1");
}

int run_policy_failed_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failed_launch),
		cmocka_unit_test(failed_table),
	};
	return cmocka_run_group_tests_name("core: policy (launch failed)", tests, setup_failed,
					   NULL);
}
