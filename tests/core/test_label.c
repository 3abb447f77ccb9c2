/*
 * Labels and the label policy (docs/policy.md) on the fake architecture:
 * a launch with an xsm-policy module (written in the policy language and
 * compiled by lcm-tool's compiler), the two gates (a policy that denies
 * what the roles allow: the label gate wins; one that allows what the
 * roles do not: the role gate wins), creation needing domain:create on
 * the new label, broken policy modules refusing the launch (one machine
 * each), and seed 004's SafeVM rules at launch and at run time.
 */
#include "core_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hyperlaunch/xsm-policy.h>

#include "core/launch.h"
#include "core/sched.h"

static const void *dtb;

static const char policy_text[] = "# the label policy of these tests\n"
				  "attribute guests;\n"
				  "type ctl_t;\n"
				  "type app_t, guests;\n"
				  "type safe_t, guests;\n"
				  "type ops_t;\n"
				  "type new_t;\n"
				  "allow * self:domain info;\n"
				  "allow * xen_t:console write;\n"
				  "allow ctl_t guests:domain { info pause unpause destroy };\n"
				  "allow ctl_t new_t:domain { create info unpause destroy };\n"
				  "allow ctl_t xen_t:launch status;\n"
				  "allow ops_t app_t:domain { info pause };\n";

/* Types no domain uses make the module span pages: the launch reclaims a
 * module's whole pages, and the policy must outlive that. */
#define PAD_TYPES 600

static int setup(void **state)
{
	(void)state;
	size_t size, n = strlen(policy_text);
	char *text = malloc(n + PAD_TYPES * 16 + 1);

	memcpy(text, policy_text, n + 1);
	for (unsigned i = 0; i < PAD_TYPES; i++) {
		n += (size_t)sprintf(text + n, "type pad%u_t;\n", i);
	}
	uint8_t *bin = compile_policy(text, &size);
	free(text);

	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = {
		.dom = {
			{ .name = "ctl", .permissions = LCM_PERMISSION_CONTROL, .label = "ctl_t" },
			{ .name = "app1", .label = "app_t" },
			{ .name = "ops", .label = "system_u:system_r:ops_t" },
			{ .name = "safe1", .label = "safe_t", .safety = "safe" },
		},
		.policy = bin,
		.policy_size = size,
	};
	dtb = host_dtb(&l);
	free(bin);
	return 0;
}

static void labels_boot(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	assert_line(
		"policy: xsm-policy: 605 types, 7 rules; the roles' and the labels' gates apply");
	assert_line("policy: domain 1 ctl: label ctl_t, SafeVM");
	assert_line("policy: domain 2 app1: label app_t, UnsafeVM");
	/* A FLASK-style user:role:type label is its type. */
	assert_line("policy: domain 3 ops: label system_u:system_r:ops_t, UnsafeVM");
	assert_line("policy: domain 4 safe1: label safe_t, SafeVM");
	assert_line("launch: final: 4 domains started, console to ctl, in 0.0 ms total");
	assert_line("launch: reclaim: 4 KiB of boot modules scrubbed and returned");
}

/* ctl's role lets it pause any other domain and shut the platform down;
 * the label policy does not (ops_t, xen_t:platform): denied. */
static void label_gate_wins(void **state)
{
	(void)state;
	struct vcpu *v = vcpu0("ctl");

	assert_int_equal(fake_hvc(v, HL_DOMAIN_PAUSE, domid("ops"), 0, 0, 0, 0, NULL), HL_EPERM);
	assert_line(
		"policy: denied: ctl (ctl_t) may not pause ops (system_u:system_r:ops_t) [label]");
	assert_false(dom("ops")->paused);
	assert_int_equal(fake_hvc(v, HL_PLATFORM_SHUTDOWN, 0, 0, 0, 0, 0, NULL), HL_EPERM);
	assert_line("policy: denied: ctl (ctl_t) may not shut the platform down [label]");
	/* What both allow. */
	assert_int_equal(fake_hvc(v, HL_DOMAIN_PAUSE, domid("app1"), 0, 0, 0, 0, NULL), HL_OK);
	assert_true(dom("app1")->paused);
	assert_int_equal(fake_hvc(v, HL_DOMAIN_UNPAUSE, domid("app1"), 0, 0, 0, 0, NULL), HL_OK);
	uint64_t out[4];
	assert_int_equal(fake_hvc(v, HL_LAUNCH_STATUS, 0, 0, 0, 0, 0, out), HL_OK);
}

/* ops_t may pause app_t by label; ops has no role: denied. */
static void role_gate_wins(void **state)
{
	(void)state;
	struct vcpu *v = vcpu0("ops");
	uint64_t out[4];

	assert_int_equal(fake_hvc(v, HL_DOMAIN_PAUSE, domid("app1"), 0, 0, 0, 0, NULL), HL_EPERM);
	assert_line(
		"policy: denied: ops (system_u:system_r:ops_t) may not pause app1 (app_t) [role]");
	assert_int_equal(fake_hvc(v, HL_DOMAIN_INFO, domid("app1"), 0, 0, 0, 0, out), HL_EPERM);
	assert_false(dom("app1")->paused);
	/* Its own state: both allow. */
	assert_int_equal(fake_hvc(v, HL_DOMAIN_INFO, domid("ops"), 0, 0, 0, 0, out), HL_OK);
}

#define KERNEL_OFF (1 * MiB)
#define FRAG_OFF   (1 * MiB + 64 * KiB)

static int64_t create_as(const char *caller, const struct tdom *d, uint64_t out[4])
{
	struct vcpu *v = vcpu0(caller);
	static uint8_t page[PAGE_SIZE], frag[4096];
	uint8_t digest[32];

	fake_kernel_page(page, d->name, digest);
	uint64_t k = guest_put(v, KERNEL_OFF, page, sizeof(page));
	size_t n = fragment_of(frag, sizeof(frag), d, k, PAGE_SIZE, digest);
	uint64_t f = guest_put(v, FRAG_OFF, frag, n);
	return fake_hvc(v, HL_DOMAIN_CREATE, f, n, 0, 0, 0, out);
}

/* Seed 002: a creator delegates its roles and, through the policy's
 * domain:create, labels. */
static void create_needs_the_label(void **state)
{
	(void)state;
	uint64_t out[4];
	struct tdom n1 = { .name = "n1", .domid = 100, .label = "new_t" };
	struct tdom n2 = { .name = "n2", .domid = 101, .label = "app_t" };
	struct tdom n3 = { .name = "n3", .domid = 102, .label = "zzz_t" };
	struct tdom n4 = { .name = "n4", .domid = 103 }; /* domU_t: not a type here */
	struct tdom n5 = {
		.name = "n5", .domid = 104, .label = "new_t", .permissions = LCM_PERMISSION_HARDWARE
	};

	assert_int_equal(create_as("ctl", &n1, out), HL_OK);
	assert_line("policy: domain 100 n1: label new_t, UnsafeVM");
	assert_int_equal(create_as("ctl", &n2, out), HL_EPERM);
	assert_line("policy: denied: ctl (ctl_t) may not create a domain labelled app_t [label]");
	assert_line(
		"create: ctl: n2: the policy does not let ctl_t create a domain labelled app_t");
	assert_int_equal(create_as("ctl", &n3, out), HL_EPERM);
	assert_line(
		"create: ctl: n3: the policy does not let ctl_t create a domain labelled zzz_t");
	assert_int_equal(create_as("ctl", &n4, out), HL_EPERM);
	assert_line(
		"create: ctl: n4: the policy does not let ctl_t create a domain labelled domU_t");
	/* The roles first: HARDWARE is not ctl's to give. */
	assert_int_equal(create_as("ctl", &n5, out), HL_EPERM);
	assert_line(
		"create: ctl: n5: may not give what it does not hold (permissions hardware, functions none)");
	assert_int_equal(domain_count(), 5);
}

int run_label_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(labels_boot),
		cmocka_unit_test(label_gate_wins),
		cmocka_unit_test(role_gate_wins),
		cmocka_unit_test(create_needs_the_label),
	};
	return cmocka_run_group_tests_name("core: labels (two gates)", tests, setup, NULL);
}

/* --- broken policy modules: the launch is refused ------------------------------------- */

enum breakage { TRUNCATED, BAD_VERSION, HUGE, UNKNOWN_LABEL, BAD_DIGEST };

/* Boot with @how's policy, app1 labelled app_t, and a Recovery Domain
 * when @rescue. */
static void boot_broken(enum breakage how, bool rescue)
{
	size_t size;
	uint8_t *bin = compile_policy(how == UNKNOWN_LABEL ? "type other_t;\n"
							     "allow * self:domain info;\n"
							   : "type app_t;\n"
							     "type rescue_t;\n"
							     "allow * self:domain info;\n",
				      &size);

	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	switch (how) {
	case TRUNCATED:
		size -= 3;
		break;
	case BAD_VERSION:
		bin[HL_POLICY_OFF_VERSION] = 2;
		break;
	case HUGE:
		bin = realloc(bin, HL_POLICY_MAX_SIZE + 1);
		memset(bin + size, 0, HL_POLICY_MAX_SIZE + 1 - size);
		size = HL_POLICY_MAX_SIZE + 1;
		break;
	default:
		break;
	}
	struct tlaunch l = {
		.dom = { { .name = "app1", .label = "app_t" },
			 { .name = rescue ? "rescue" : NULL,
			   .functions = LCM_FUNCTION_RECOVERY,
			   .label = "rescue_t" } },
		.policy = bin,
		.policy_size = size,
		.policy_bad_digest = how == BAD_DIGEST,
	};
	dtb = host_dtb(&l);
	free(bin);
	/* Without a Recovery Domain nothing runs: on-all-off applies. */
	assert_stop(fake_boot(dtb), rescue ? FAKE_IDLE : FAKE_OFF);
	assert_false(dom("app1")->has_run);
	if (rescue) {
		assert_line("launch: starting the Recovery Domain rescue");
		/* It runs under the role policy: it may abandon the launch. */
		assert_int_equal(fake_hvc(vcpu0("rescue"), HL_DOMAIN_DESTROY, domid("app1"), 0, 0,
					  0, 0, NULL),
				 HL_OK);
	} else {
		assert_line("launch: domain 1 app1: paused");
		assert_line("console: input to the hypervisor (Ctrl-A three times to switch)");
		assert_line("hyperlaunch: all 1 domain is off (1 not started); powering off");
	}
}

/* The failure line, its module address aside. */
static void assert_policy_failure(const char *why)
{
	char want[256];

	snprintf(want, sizeof(want), ": %s\n", why);
	const char *at = strstr(fake_console(), "launch: FAILED: xsm-policy module 0x");
	if (at == NULL || strstr(at, want) == NULL ||
	    strchr(at, '\n') != strstr(at, want) + strlen(want) - 1) {
		print_error("no failure line ending in \"%s\" in:\n%s", why, fake_console());
		fail();
	}
}

static void truncated(void **state)
{
	(void)state;
	boot_broken(TRUNCATED, false);
	assert_policy_failure("truncated: 52 bytes, the header says 55");
}

static void bad_version(void **state)
{
	(void)state;
	boot_broken(BAD_VERSION, true);
	assert_policy_failure("version 2, this hypervisor reads version 1");
}

static void huge(void **state)
{
	(void)state;
	boot_broken(HUGE, false);
	assert_policy_failure("65537 bytes, more than the 65536 a policy may have");
}

static void unknown_label(void **state)
{
	(void)state;
	boot_broken(UNKNOWN_LABEL, true);
	assert_line(
		"launch: FAILED: xsm-policy: domain app1: security-id \"app_t\" is not a type of the policy");
}

static void bad_digest(void **state)
{
	(void)state;
	boot_broken(BAD_DIGEST, false);
	assert_policy_failure("SHA-256 mismatch with the LCM's digest");
}

#define BROKEN_GROUP(fn)                                                                     \
	int run_policy_##fn##_tests(void)                                                    \
	{                                                                                    \
		const struct CMUnitTest tests[] = { cmocka_unit_test(fn) };                  \
		return cmocka_run_group_tests_name("core: broken policy: " #fn, tests, NULL, \
						   NULL);                                    \
	}
BROKEN_GROUP(truncated)
BROKEN_GROUP(bad_version)
BROKEN_GROUP(huge)
BROKEN_GROUP(unknown_label)
BROKEN_GROUP(bad_digest)

/* --- the console is an operation like the others ------------------------------------- */

/* A label policy that gives quiet_t no console:write silences it: the
 * write is refused, counted, and nothing of it reaches the console. */
static void console_write_denied(void **state)
{
	(void)state;
	size_t size;
	uint8_t *bin = compile_policy("type loud_t;\n"
				      "type quiet_t;\n"
				      "allow loud_t xen_t:console write;\n",
				      &size);
	static const char text[] = "psst\n";

	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = {
		.dom = { { .name = "loud", .label = "loud_t" },
			 { .name = "quiet", .label = "quiet_t" } },
		.policy = bin,
		.policy_size = size,
	};
	assert_stop(fake_boot(host_dtb(&l)), FAKE_IDLE);
	free(bin);
	struct vcpu *q = vcpu0("quiet"), *o = vcpu0("loud");
	uint64_t s = guest_put(q, 0x100000, text, sizeof(text) - 1);
	assert_int_equal(fake_hvc(q, HL_CONSOLE_WRITE, s, sizeof(text) - 1, 0, 0, 0, NULL),
			 HL_EPERM);
	assert_line("policy: denied: quiet (quiet_t) may not write to the console [label]");
	assert_no_line("[quiet] psst");
	s = guest_put(o, 0x100000, text, sizeof(text) - 1);
	assert_int_equal(fake_hvc(o, HL_CONSOLE_WRITE, s, sizeof(text) - 1, 0, 0, 0, NULL),
			 (int64_t)sizeof(text) - 1);
	assert_line("[loud] psst");
}

int run_label_console_tests(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(console_write_denied) };
	return cmocka_run_group_tests_name("core: labels (console)", tests, NULL, NULL);
}

/* --- SafeVM (seed 004) ---------------------------------------------------------------- */

/* At launch: the LCM library refuses a control domain that is not a SafeVM,
 * and a second control domain under control-domains = "one". */
static void safevm_lcm(void **state)
{
	(void)state;
	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = {
		.dom = { { .name = "ctl",
			   .permissions = LCM_PERMISSION_CONTROL,
			   .safety = "unsafe" },
			 { .name = "ctl2", .permissions = LCM_PERMISSION_CONTROL } },
		.control_domains = "one",
	};
	assert_stop(fake_boot(host_dtb(&l)), FAKE_IDLE);
	assert_line(
		"lcm: error: /chosen/hypervisor/ctl: hyperlaunch,safety: a control domain must be a SafeVM (it can affect every domain)");
	assert_line(
		"lcm: error: /chosen/hypervisor/ctl2: permissions: a second control domain (the first is ctl), and the config node says hyperlaunch,control-domains = \"one\"");
	assert_line("launch: FAILED: LCM rejected (2 errors); the hypervisor keeps the console");
	assert_int_equal(domain_count(), 0);
}

/* At run time: the one control domain may not create another. */
static void safevm_one_control(void **state)
{
	(void)state;
	uint64_t out[4];
	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = {
		.dom = { { .name = "ctl", .permissions = LCM_PERMISSION_CONTROL } },
		.control_domains = "one",
	};
	assert_stop(fake_boot(host_dtb(&l)), FAKE_IDLE);
	struct tdom c2 = { .name = "c2", .domid = 100, .permissions = LCM_PERMISSION_CONTROL };
	assert_int_equal(create_as("ctl", &c2, out), HL_EBUSY);
	assert_line(
		"create: ctl: c2: control is one per system (hyperlaunch,control-domains = \"one\") and ctl holds it");
	struct tdom a = { .name = "a", .domid = 101 };
	assert_int_equal(create_as("ctl", &a, out), HL_OK);
}

/* A failed launch gives an UnsafeVM Recovery Domain the right to destroy
 * initial domains: not a SafeVM. */
static enum fake_exit failing_bootdom(struct vcpu *v, unsigned step)
{
	(void)step;
	fake_hvc(v, HL_BOOT_DONE, 1, 0, 0, 0, 0, NULL);
	return FAKE_CONTINUE;
}

static void safevm_unsafe_rescuer(void **state)
{
	(void)state;
	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = {
		.dom = { { .name = "bootdom", .functions = LCM_FUNCTION_BOOT },
			 { .name = "rescue", .functions = LCM_FUNCTION_RECOVERY },
			 { .name = "safe1", .safety = "safe" },
			 { .name = "app1" } },
	};
	fake_guest_set("bootdom", failing_bootdom);
	assert_stop(fake_boot(host_dtb(&l)), FAKE_IDLE);
	assert_line("launch: starting the Recovery Domain rescue");
	struct vcpu *v = vcpu0("rescue");
	assert_int_equal(fake_hvc(v, HL_DOMAIN_DESTROY, domid("safe1"), 0, 0, 0, 0, NULL),
			 HL_EPERM);
	assert_line("policy: denied: rescue (domU_t) may not destroy safe1 (domU_t) [safevm]");
	assert_int_equal(fake_hvc(v, HL_DOMAIN_UNPAUSE, domid("safe1"), 0, 0, 0, 0, NULL), HL_OK);
	assert_int_equal(fake_hvc(v, HL_DOMAIN_DESTROY, domid("app1"), 0, 0, 0, 0, NULL), HL_OK);
}

int run_safevm_tests(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(safevm_lcm) };
	return cmocka_run_group_tests_name("core: SafeVM at launch", tests, NULL, NULL);
}

int run_safevm_one_tests(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(safevm_one_control) };
	return cmocka_run_group_tests_name("core: one control domain", tests, NULL, NULL);
}

int run_safevm_rescue_tests(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(safevm_unsafe_rescuer) };
	return cmocka_run_group_tests_name("core: SafeVM and an UnsafeVM rescuer", tests, NULL,
					   NULL);
}
