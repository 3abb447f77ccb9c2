/*
 * The launch (core/launch.c) end to end on the fake architecture: a host DTB
 * with an LCM, hv_main() through platform probe, allocator, CPUs and ticks,
 * the building of every domain, then the phases of docs/boot-flow.md driven
 * by guest scripts, the settable clock and ticks. Each group is one boot;
 * its tests are the boot's steps, in order.
 *
 *  launch:   all built paused, the Boot Domain alone unpaused; it reads the
 *            LCM and a module, configures, unpauses, waits for ready and says
 *            done; finalization (console owner, reclaim, the rest unpaused);
 *            every domain off ends the machine as on-all-off says.
 *  deadline: a Boot Domain that never says done is stopped at its deadline;
 *            the launch has failed; the Recovery Domain starts, reads the
 *            report, completes and abandons the launch.
 *  hostile:  a Boot Domain that tries everything it may not do.
 *  static:   a failed build with neither Boot nor Recovery Domain: reported,
 *            the others start anyway; console input, Ctrl-A switching and
 *            prompts; on-all-off = reboot; a CPU that does not start.
 *  bootdom-off, panic: a Boot Domain that powers off; no usable platform.
 *  fault:    an initial domain stopped by a fault during preparation.
 *  classic:  no LCM: one dom0 from the /chosen multiboot nodes.
 */
#include "core_test.h"

#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "core/console.h"
#include "core/launch.h"
#include "core/mm.h"
#include "core/sched.h"

#define MS 1000000ull

static const void *dtb;

/* Wake @v as an interrupt for it would (the virtual GIC's sched_wake). */
static void interrupt(struct vcpu *v)
{
	v->arch->interrupt = true;
	sched_wake(v);
}

/* --- launch: the whole flow ---------------------------------------------------- */

static struct {
	uint64_t info_before[3]; /* app1, app2, ctl seen from step 0 */
	int64_t configure_args, configure_affinity, lcm_read, module_read, unpause;
	uint64_t lcm_size, module_size;
	char lcm_head[64], module_head[8];
	uint64_t info_app1_ready;
	int64_t done;
} bd;

static enum fake_exit launch_bootdom(struct vcpu *v, unsigned step)
{
	uint64_t out[4];
	static const char args[] = "quiet loglevel=1";

	switch (step) {
	case 0:
		/* Everything else is built and paused, never run. */
		fake_hvc(v, HL_DOMAIN_INFO, domid("app1"), 0, 0, 0, 0, out);
		bd.info_before[0] = out[1];
		fake_hvc(v, HL_DOMAIN_INFO, domid("app2"), 0, 0, 0, 0, out);
		bd.info_before[1] = out[1];
		fake_hvc(v, HL_DOMAIN_INFO, domid("ctl"), 0, 0, 0, 0, out);
		bd.info_before[2] = out[1];
		return FAKE_PREEMPT;
	case 1: {
		uint64_t s = guest_put(v, MiB, args, strlen(args));
		bd.configure_args = fake_hvc(v, HL_BOOT_CONFIGURE, domid("app1"), HL_CFG_BOOTARGS,
					     s, strlen(args), 0, NULL);
		bd.configure_affinity = fake_hvc(v, HL_BOOT_CONFIGURE, domid("app2"),
						 HL_CFG_AFFINITY, 1, 0, 0, NULL);
		uint64_t buf = ipa_addr(v->dom->ram_base) + MiB + 4096;
		bd.lcm_read = fake_hvc(v, HL_BOOT_LCM_READ, buf, 0, 64, 0, 0, out);
		bd.lcm_size = out[1];
		domain_read_ram(v->dom, ipa_init(buf), bd.lcm_head, 64);
		bd.module_read = fake_hvc(v, HL_BOOT_MODULE_READ, 1, 0, buf, 8, 0, out);
		bd.module_size = out[1];
		domain_read_ram(v->dom, ipa_init(buf), bd.module_head, 8);
		bd.unpause = fake_hvc(v, HL_DOMAIN_UNPAUSE, domid("app1"), 0, 0, 0, 0, NULL);
		return FAKE_WFI; /* until app1 is ready */
	}
	case 2:
		v->arch->interrupt = false;
		fake_hvc(v, HL_DOMAIN_INFO, domid("app1"), 0, 0, 0, 0, out);
		bd.info_app1_ready = out[1];
		bd.done = fake_hvc(v, HL_BOOT_DONE, 0, 0, 0, 0, 0, NULL);
		return FAKE_CONTINUE; /* it is gone: the run loop leaves */
	default:
		return FAKE_WFI;
	}
}

static bool apps_off;

/* An application: says hello and ready, then waits; powers off (PSCI
 * SYSTEM_OFF) when woken after apps_off. */
static enum fake_exit app(struct vcpu *v, unsigned step)
{
	char line[64];

	if (step == 0) {
		int n = snprintf(line, sizeof(line), "hello from %s\n", v->dom->name);
		uint64_t s = guest_put(v, 0x100000, line, (size_t)n);
		fake_hvc(v, HL_CONSOLE_WRITE, s, (uint64_t)n, 0, 0, 0, NULL);
		fake_hvc(v, HL_READY, 0, 0, 0, 0, 0, NULL);
		return FAKE_WFI;
	}
	v->arch->interrupt = false;
	if (apps_off) {
		domain_power_off(v->dom, NULL);
		return FAKE_CONTINUE;
	}
	return FAKE_WFI;
}

static int launch_setup(void **state)
{
	(void)state;
	fake_init(128 * MiB, 2);
	fake_bug_fails_test();
	struct tlaunch l = { .dom = {
				     { .name = "bootdom", .functions = LCM_FUNCTION_BOOT },
				     { .name = "app1", .bootargs = "console=ttyAMA0" },
				     { .name = "app2", .cpus = 2, .memory_kib = 4096 },
				     { .name = "ctl", .permissions = LCM_PERMISSION_CONTROL },
			     } };
	dtb = host_dtb(&l);
	fake_guest_set("bootdom", launch_bootdom);
	fake_guest_set(NULL, app);
	return 0;
}

static void boot_alone(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	assert_true(strstr(fake_console(), "Hyperlaunch 0.1 (fake) at 0x") != NULL);
	assert_line("launch: LCM with 4 domains");
	assert_line("launch: create: 4 domains built, 0 failed, in 0.0 ms");
	assert_line("launch: prepare: bootdom alone unpaused, 10000 ms to say done");
	assert_line("console: input to bootdom (Ctrl-A three times to switch)");
	/* Before the Boot Domain acted: the others paused, never run. */
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(bd.info_before[i], HL_STATE_PAUSED);
	}
	assert_int_equal(domain_state(dom("bootdom")), DOM_RUNNING);
	assert_int_equal(domain_state(dom("app2")), DOM_NEW);
	assert_int_equal(domain_state(dom("ctl")), DOM_NEW);
	assert_false(dom("app2")->has_run);
	assert_true(dom("app2")->nr_vcpus == 2 && dom("ctl")->nr_vcpus == 1);
	assert_int_equal(launch_status(NULL, 0, &(uint32_t){ 0 }, &(size_t){ 0 }),
			 HL_LAUNCH_IN_PROGRESS);
}

static void prepare(void **state)
{
	(void)state;
	assert_int_equal(bd.configure_args, HL_OK);
	assert_line("launch: prepare: bootdom configures app1: bootargs \"quiet loglevel=1\"");
	assert_int_equal(bd.configure_affinity, HL_OK);
	assert_line("launch: prepare: bootdom configures app2: vCPU 1 on CPU 0");
	assert_int_equal(dom("app2")->vcpus[1].cpu, 0);
	/* The LCM is the host DTB, as the hypervisor read it. */
	assert_int_equal(bd.lcm_read, 64);
	assert_int_equal(bd.lcm_size, fdt_totalsize(dtb));
	assert_memory_equal(bd.lcm_head, dtb, 64);
	/* Module 1 is app1's kernel. */
	assert_int_equal(bd.module_read, 8);
	assert_int_equal(bd.module_size, PAGE_SIZE);
	assert_memory_equal(bd.module_head, FAKE_KERNEL_MAGIC, 8);
	assert_int_equal(bd.unpause, HL_OK);
	assert_line("domain 1 app1: unpaused by bootdom");
	assert_int_equal(domain_state(dom("app1")), DOM_RUNNING);
	/* The new bootargs are in the device tree app1 will boot with. */
	struct domain *d = dom("app1");
	static char dt[64 * 1024];
	uint64_t room = d->dt_room < sizeof(dt) ? d->dt_room : sizeof(dt);
	assert_true(domain_read_ram(d, d->dt, dt, room));
	int chosen = fdt_path_offset(dt, "/chosen");
	assert_true(chosen >= 0);
	assert_string_equal(fdt_getprop(dt, chosen, "bootargs", NULL), "quiet loglevel=1");
}

static void app_runs(void **state)
{
	(void)state;
	assert_stop(fake_run_all(), FAKE_IDLE);
	assert_line("[app1] hello from app1");
	assert_true(dom("app1")->ready);
	/* Only the Boot Domain's choice runs. */
	assert_false(dom("app2")->has_run);
	assert_no_line("[app2] hello from app2");
}

static void done_and_final(void **state)
{
	(void)state;
	uint64_t free_before = mm_free_bytes();

	interrupt(vcpu0("bootdom"));
	assert_stop(fake_run_all(), FAKE_IDLE);
	assert_int_equal(bd.info_app1_ready & HL_INFO_READY, HL_INFO_READY);
	assert_int_equal(bd.done, HL_OK);
	assert_line("domain 32757 bootdom: done (status 0)");
	assert_line("launch: prepare: bootdom done in 0.0 ms");
	/* No CONSOLE or LEGACY_DOM0 function: the first control domain. */
	assert_line("console: input to ctl (Ctrl-A three times to switch)");
	assert_line("launch: final: 3 domains started, console to ctl, in 0.0 ms total");
	assert_line("[app2] hello from app2");
	assert_line("[ctl] hello from ctl");
	assert_int_equal(domain_state(dom("bootdom")), DOM_DESTROYED);
	uint32_t id;
	size_t len;
	assert_int_equal(launch_status(NULL, 0, &id, &len), HL_LAUNCH_FINAL);
	assert_int_equal(id, HL_NO_DOMID);
	/* Its memory went back in CPU 0's scheduler loop once it was off its
	 * CPU, between vCPUs: no tick needed, nothing scrubbed with
	 * interrupts taken. */
	assert_line("launch: reclaim: bootdom's 2 MiB scrubbed and returned");
	assert_int_equal(fake_console_count("launch: reclaim: bootdom's"), 1);
	assert_true(dom("bootdom")->released);
	assert_false(domains_reclaim_pending());
	assert_int_equal(fake_zeroed_in_irq(), 0);
	assert_true(mm_free_bytes() >= free_before + 2 * MiB);
	assert_int_equal(fake_stage2_live(), 3);
}

static void all_off(void **state)
{
	(void)state;
	apps_off = true;
	interrupt(vcpu0("app1"));
	interrupt(vcpu0("app2"));
	interrupt(vcpu0("ctl"));
	assert_stop(fake_run_all(), FAKE_OFF);
	assert_line("domain 1 app1: powered off");
	assert_line("hyperlaunch: all 4 domains are off (3 powered off, 1 destroyed or done); "
		    "powering off");
}

int run_launch_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boot_alone), cmocka_unit_test(prepare),
		cmocka_unit_test(app_runs),   cmocka_unit_test(done_and_final),
		cmocka_unit_test(all_off),
	};
	return cmocka_run_group_tests_name("core: launch", tests, launch_setup, NULL);
}

/* --- deadline: the Boot Domain never says done ------------------------------------ */

static struct {
	int64_t status, unpause, destroy, pause, destroy_self;
	uint64_t phase, domid, len;
	char report[128];
} rc;

static enum fake_exit rescue(struct vcpu *v, unsigned step)
{
	uint64_t out[4];

	switch (step) {
	case 0: {
		uint64_t buf = ipa_addr(v->dom->ram_base) + MiB;
		rc.status = fake_hvc(v, HL_LAUNCH_STATUS, buf, sizeof(rc.report) - 1, 0, 0, 0, out);
		rc.phase = out[1];
		rc.domid = out[2];
		rc.len = out[3];
		domain_read_ram(v->dom, ipa_init(buf), rc.report,
				rc.len < sizeof(rc.report) - 1 ? rc.len : sizeof(rc.report) - 1);
		/* Complete the launch in part, abandon the rest. */
		rc.unpause = fake_hvc(v, HL_DOMAIN_UNPAUSE, domid("app1"), 0, 0, 0, 0, NULL);
		rc.destroy = fake_hvc(v, HL_DOMAIN_DESTROY, domid("app2"), 0, 0, 0, 0, NULL);
		rc.pause = fake_hvc(v, HL_DOMAIN_PAUSE, domid("app1"), 0, 0, 0, 0, NULL);
		rc.destroy_self = fake_hvc(v, HL_DOMAIN_DESTROY, domid("rescue"), 0, 0, 0, 0, NULL);
		return FAKE_WFI;
	}
	default:
		/* Then it ends app1 and powers off. */
		fake_hvc(v, HL_DOMAIN_DESTROY, domid("app1"), 0, 0, 0, 0, NULL);
		domain_power_off(v->dom, NULL);
		return FAKE_CONTINUE;
	}
}

static int deadline_setup(void **state)
{
	(void)state;
	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = { .boot_timeout_ms = 300,
			     .dom = {
				     { .name = "bootdom", .functions = LCM_FUNCTION_BOOT },
				     { .name = "app1" },
				     { .name = "app2" },
				     { .name = "rescue", .functions = LCM_FUNCTION_RECOVERY },
			     } };
	dtb = host_dtb(&l);
	fake_guest_set("rescue", rescue);
	fake_guest_set(NULL, fake_guest_idle); /* the Boot Domain never says done */
	return 0;
}

static void deadline_boot(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	assert_line("launch: prepare: bootdom alone unpaused, 300 ms to say done");
	assert_true(vcpu0("bootdom")->blocked);
}

static void deadline_not_yet(void **state)
{
	(void)state;
	/* Exactly at the deadline it still has time. */
	fake_time_advance(300 * MS);
	assert_stop(fake_tick(0), FAKE_RETURNED);
	assert_int_equal(domain_state(dom("bootdom")), DOM_RUNNING);
	assert_false(launch_failed());
}

static void deadline_passed(void **state)
{
	(void)state;
	fake_time_advance(1);
	assert_stop(fake_tick(0), FAKE_RETURNED);
	assert_line("domain 32757 bootdom: stopped: did not say done in time");
	assert_line(
		"launch: FAILED: domain 32757 bootdom: the Boot Domain did not say done within 300 ms");
	assert_line("launch: starting the Recovery Domain rescue");
	assert_line("console: input to rescue (Ctrl-A three times to switch)");
	assert_true(launch_failed());
	assert_int_equal(domain_state(dom("bootdom")), DOM_STOPPED);
	assert_int_equal(domain_state(dom("rescue")), DOM_RUNNING);
	/* Nothing else is unpaused by a failed launch. */
	assert_int_equal(domain_state(dom("app1")), DOM_NEW);
	assert_int_equal(domain_state(dom("app2")), DOM_NEW);
	assert_no_line("launch: final");
	/* Its memory is not scrubbed in the tick (interrupt context): CPU 0's
	 * scheduler loop gives it back (recovery_acts). */
	assert_no_line("launch: reclaim: bootdom's 2 MiB scrubbed and returned");
	assert_true(domains_reclaim_pending());
	assert_false(dom("bootdom")->released);
	assert_int_equal(fake_zeroed_in_irq(), 0);
}

static void recovery_acts(void **state)
{
	(void)state;
	assert_stop(fake_run_all(), FAKE_IDLE);
	assert_int_equal(rc.status, HL_OK);
	assert_int_equal(rc.phase, HL_LAUNCH_FAILED);
	assert_int_equal(rc.domid, LCM_DOMID_BOOT);
	assert_string_equal(rc.report,
			    "domain 32757 bootdom: the Boot Domain did not say done within 300 ms");
	assert_int_equal(rc.len, strlen(rc.report));
	assert_int_equal(rc.unpause, HL_OK);
	assert_line("domain 1 app1: unpaused by rescue");
	assert_int_equal(rc.destroy, HL_OK);
	assert_line("domain 2 app2: destroyed by rescue");
	/* Its rights after a failure are unpause and destroy, not pause,
	 * and never on itself. */
	assert_int_equal(rc.pause, HL_EPERM);
	assert_line("policy: denied: rescue (domU_t) may not pause app1 (domU_t) [role]");
	assert_int_equal(rc.destroy_self, HL_EPERM);
	assert_line("policy: denied: rescue (domU_t) may not destroy rescue (domU_t) [role]");
	/* The stopped Boot Domain's and the destroyed domain's memory went
	 * back in CPU 0's scheduler loop (the run above), never in a tick. */
	assert_line("launch: reclaim: bootdom's 2 MiB scrubbed and returned");
	assert_line("launch: reclaim: app2's 2 MiB scrubbed and returned");
	assert_true(dom("bootdom")->released);
	assert_true(dom("app2")->released);
	assert_false(domains_reclaim_pending());
	assert_int_equal(fake_zeroed_in_irq(), 0);
}

static void recovery_ends(void **state)
{
	(void)state;
	interrupt(vcpu0("rescue"));
	assert_stop(fake_run_all(), FAKE_OFF);
	assert_line("domain 1 app1: destroyed by rescue");
	assert_line("domain 3 rescue: powered off");
	assert_line("policy: rescue denied: pause app1 1, destroy rescue 1");
	assert_line("hyperlaunch: all 4 domains are off (1 powered off, 1 stopped by a fault, "
		    "2 destroyed or done); powering off");
}

int run_deadline_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deadline_boot),   cmocka_unit_test(deadline_not_yet),
		cmocka_unit_test(deadline_passed), cmocka_unit_test(recovery_acts),
		cmocka_unit_test(recovery_ends),
	};
	return cmocka_run_group_tests_name("core: launch deadline and recovery", tests,
					   deadline_setup, NULL);
}

/* --- hostile: a Boot Domain that tries what it may not ------------------------------- */

enum {
	H_CREATE,
	H_DESTROY,
	H_PAUSE,
	H_SHUTDOWN,
	H_UNPAUSE_SELF,
	H_CONFIGURE_SELF,
	H_STATUS,
	H_UNPAUSE,
	H_UNPAUSE_AGAIN,
	H_CONFIGURE_RAN,
	H_WRITE_UNMAPPED,
	H_WRITE_DEVICE,
	H_LCM_UNMAPPED,
	H_LCM_ACROSS_END,
	H_LCM_PAST_END,
	H_MODULE_NONE,
	H_AFFINITY_OFFLINE,
	H_AFFINITY_NO_VCPU,
	H_BOOTARGS_NUL,
	H_BAD_KEY,
	H_INFO_NONE,
	H_UNKNOWN_CALL,
	H_WRITE_ESCAPES,
	H_NR
};
static int64_t hr[H_NR];

static enum fake_exit hostile_bootdom(struct vcpu *v, unsigned step)
{
	uint64_t ram = ipa_addr(v->dom->ram_base), end = ram + v->dom->ram_size;
	uint64_t self = v->dom->domid, app1 = domid("app1"), app2 = domid("app2");
	static const char nul_args[] = "a\0b";
	static const char escapes[] = "\x1b[2Jfake\a line\n";

	if (step > 0) {
		return FAKE_WFI;
	}
	hr[H_CREATE] = fake_hvc(v, HL_DOMAIN_CREATE, ram, 4096, 0, 0, 0, NULL);
	hr[H_DESTROY] = fake_hvc(v, HL_DOMAIN_DESTROY, app1, 0, 0, 0, 0, NULL);
	hr[H_PAUSE] = fake_hvc(v, HL_DOMAIN_PAUSE, app1, 0, 0, 0, 0, NULL);
	hr[H_SHUTDOWN] = fake_hvc(v, HL_PLATFORM_SHUTDOWN, 0, 0, 0, 0, 0, NULL);
	hr[H_UNPAUSE_SELF] = fake_hvc(v, HL_DOMAIN_UNPAUSE, self, 0, 0, 0, 0, NULL);
	hr[H_CONFIGURE_SELF] = fake_hvc(v, HL_BOOT_CONFIGURE, self, HL_CFG_AFFINITY, 0, 0, 0, NULL);
	hr[H_STATUS] = fake_hvc(v, HL_LAUNCH_STATUS, ram, 64, 0, 0, 0, NULL);
	hr[H_UNPAUSE] = fake_hvc(v, HL_DOMAIN_UNPAUSE, app1, 0, 0, 0, 0, NULL);
	hr[H_UNPAUSE_AGAIN] = fake_hvc(v, HL_DOMAIN_UNPAUSE, app1, 0, 0, 0, 0, NULL);
	hr[H_CONFIGURE_RAN] = fake_hvc(v, HL_BOOT_CONFIGURE, app1, HL_CFG_AFFINITY, 0, 0, 0, NULL);
	hr[H_WRITE_UNMAPPED] = fake_hvc(v, HL_CONSOLE_WRITE, 0x1000, 16, 0, 0, 0, NULL);
	hr[H_WRITE_DEVICE] = fake_hvc(v, HL_CONSOLE_WRITE, 0x09000000, 16, 0, 0, 0, NULL);
	hr[H_LCM_UNMAPPED] = fake_hvc(v, HL_BOOT_LCM_READ, 0x1000, 0, 64, 0, 0, NULL);
	hr[H_LCM_ACROSS_END] = fake_hvc(v, HL_BOOT_LCM_READ, end - 16, 0, 64, 0, 0, NULL);
	hr[H_LCM_PAST_END] = fake_hvc(v, HL_BOOT_LCM_READ, ram, 1u << 30, 64, 0, 0, NULL);
	hr[H_MODULE_NONE] = fake_hvc(v, HL_BOOT_MODULE_READ, 99, 0, ram, 64, 0, NULL);
	hr[H_AFFINITY_OFFLINE] =
		fake_hvc(v, HL_BOOT_CONFIGURE, app2, HL_CFG_AFFINITY, 0, 5, 0, NULL);
	hr[H_AFFINITY_NO_VCPU] =
		fake_hvc(v, HL_BOOT_CONFIGURE, app2, HL_CFG_AFFINITY, 3, 0, 0, NULL);
	uint64_t s = guest_put(v, MiB, nul_args, 3);
	hr[H_BOOTARGS_NUL] = fake_hvc(v, HL_BOOT_CONFIGURE, app2, HL_CFG_BOOTARGS, s, 3, 0, NULL);
	hr[H_BAD_KEY] = fake_hvc(v, HL_BOOT_CONFIGURE, app2, 99, 0, 0, 0, NULL);
	hr[H_INFO_NONE] = fake_hvc(v, HL_DOMAIN_INFO, 77, 0, 0, 0, 0, NULL);
	hr[H_UNKNOWN_CALL] = fake_hvc(v, HL_CALL(0x7f), 0, 0, 0, 0, 0, NULL);
	s = guest_put(v, MiB, escapes, sizeof(escapes) - 1);
	hr[H_WRITE_ESCAPES] = fake_hvc(v, HL_CONSOLE_WRITE, s, sizeof(escapes) - 1, 0, 0, 0, NULL);
	fake_hvc(v, HL_BOOT_DONE, 0, 0, 0, 0, 0, NULL);
	return FAKE_CONTINUE;
}

static int hostile_setup(void **state)
{
	(void)state;
	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = { .dom = {
				     { .name = "bootdom", .functions = LCM_FUNCTION_BOOT },
				     { .name = "app1" },
				     { .name = "app2" },
			     } };
	dtb = host_dtb(&l);
	fake_guest_set("bootdom", hostile_bootdom);
	fake_guest_set(NULL, app);
	return 0;
}

static void hostile_denied(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	static const int denied[] = {
		H_CREATE,         H_DESTROY, H_PAUSE,         H_SHUTDOWN,      H_UNPAUSE_SELF,
		H_CONFIGURE_SELF, H_STATUS,  H_UNPAUSE_AGAIN, H_CONFIGURE_RAN,
	};
	for (size_t i = 0; i < ARRAY_SIZE(denied); i++) {
		if (hr[denied[i]] != HL_EPERM) {
			fail_msg("hostile call %d: %lld, not HL_EPERM", denied[i],
				 (long long)hr[denied[i]]);
		}
	}
	/* The first denial of each operation is printed, once. */
	assert_line("policy: denied: bootdom (domU_t) may not create domains [role]");
	assert_line("policy: denied: bootdom (domU_t) may not destroy app1 (domU_t) [role]");
	assert_line("policy: denied: bootdom (domU_t) may not pause app1 (domU_t) [role]");
	assert_line("policy: denied: bootdom (domU_t) may not shut the platform down [role]");
	assert_line("policy: denied: bootdom (domU_t) may not unpause bootdom (domU_t) [role]");
	assert_line("policy: denied: bootdom (domU_t) may not configure bootdom (domU_t) [role]");
	assert_line("policy: denied: bootdom (domU_t) may not read the launch report [role]");
	assert_int_equal(
		fake_console_count("policy: denied: bootdom (domU_t) may not unpause bootdom"), 1);
	assert_int_equal(
		fake_console_count("policy: denied: bootdom (domU_t) may not configure bootdom"),
		1);
	assert_no_line("hyperlaunch: bootdom asks to power off the platform");
	assert_int_equal(hr[H_UNPAUSE], HL_OK);
}

static void hostile_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(hr[H_WRITE_UNMAPPED], HL_EFAULT);
	assert_int_equal(hr[H_WRITE_DEVICE], HL_EFAULT);
	assert_int_equal(hr[H_LCM_UNMAPPED], HL_EFAULT);
	assert_int_equal(hr[H_LCM_ACROSS_END], HL_EFAULT);
	assert_int_equal(hr[H_LCM_PAST_END], HL_EINVAL);
	assert_int_equal(hr[H_MODULE_NONE], HL_ENOENT);
	assert_int_equal(hr[H_AFFINITY_OFFLINE], HL_EINVAL);
	assert_int_equal(hr[H_AFFINITY_NO_VCPU], HL_EINVAL);
	assert_int_equal(hr[H_BOOTARGS_NUL], HL_EINVAL);
	assert_int_equal(hr[H_BAD_KEY], HL_EINVAL);
	assert_int_equal(hr[H_INFO_NONE], HL_ENOENT);
	assert_int_equal(hr[H_UNKNOWN_CALL], HL_ENOSYS);
	/* Its console cannot move the cursor or ring a bell. */
	assert_int_equal(hr[H_WRITE_ESCAPES], 15); /* all of it, the newline too */
	assert_line("[bootdom] fake. line");
	/* Nothing it tried took effect. */
	assert_int_equal(dom("app2")->vcpus[0].cpu, 0);
	assert_int_equal(domain_count(), 3);
}

static void hostile_done(void **state)
{
	(void)state;
	assert_line("domain 32757 bootdom: done (status 0)");
	assert_line("launch: final: 2 domains started, console to app1, in 0.0 ms total");
	apps_off = true;
	assert_stop(fake_run_all(), FAKE_IDLE);
	interrupt(vcpu0("app1"));
	interrupt(vcpu0("app2"));
	assert_stop(fake_run_all(), FAKE_OFF);
	assert_line("policy: bootdom denied: create 1, destroy app1 1, pause app1 1, shutdown 1, "
		    "unpause bootdom 1, configure bootdom 1, launch-status 1, unpause app1 1, "
		    "configure app1 1");
}

int run_hostile_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hostile_denied),
		cmocka_unit_test(hostile_bad_arguments),
		cmocka_unit_test(hostile_done),
	};
	return cmocka_run_group_tests_name("core: hostile Boot Domain", tests, hostile_setup, NULL);
}

/* --- bootdom-off: a Boot Domain that powers off before saying done --------------------- */

static enum fake_exit bootdom_off(struct vcpu *v, unsigned step)
{
	(void)step;
	domain_power_off(v->dom, NULL);
	return FAKE_CONTINUE;
}

static int bootdom_off_setup(void **state)
{
	(void)state;
	fake_init(64 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = { .dom = {
				     { .name = "bootdom", .functions = LCM_FUNCTION_BOOT },
				     { .name = "app1" },
			     } };
	dtb = host_dtb(&l);
	fake_guest_set("bootdom", bootdom_off);
	return 0;
}

static void bootdom_powers_off(void **state)
{
	(void)state;
	/* No Recovery Domain and nothing running: the hypervisor reports,
	 * then on-all-off applies. */
	assert_stop(fake_boot(dtb), FAKE_OFF);
	assert_line("domain 32757 bootdom: powered off");
	assert_line(
		"launch: FAILED: domain 32757 bootdom: the Boot Domain powered off before saying done");
	assert_line("launch: domain 32757 bootdom: powered off");
	assert_line("launch: domain 1 app1: paused");
	assert_line("console: input to the hypervisor (Ctrl-A three times to switch)");
	assert_int_equal(domain_state(dom("app1")), DOM_NEW);
	assert_line(
		"hyperlaunch: all 2 domains are off (1 powered off, 1 not started); powering off");
}

int run_bootdom_off_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bootdom_powers_off),
	};
	return cmocka_run_group_tests_name("core: Boot Domain powers off", tests, bootdom_off_setup,
					   NULL);
}

/* --- boot: a static launch with a bad module ------------------------------------------ */

static int static_setup(void **state)
{
	(void)state;
	fake_init(64 * MiB, 2);
	fake_bug_fails_test();
	struct tlaunch l = { .on_all_off = "reboot",
			     .dom = {
				     { .name = "app1" },
				     { .name = "app2", .bad_digest = true },
				     { .name = "app3" },
			     } };
	dtb = host_dtb(&l);
	fake_guest_set(NULL, app);
	fake_cpu_refuse(1);
	return 0;
}

static void static_bad_digest(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	/* A CPU the firmware does not start: the boot goes on without it. */
	assert_line("smp: cpu1 (mpidr 0x1): firmware refused to start it (-2)");
	assert_line("smp: 1 of 2 CPUs online");
	assert_true(strstr(fake_console(), "domain 2 app2: not started: kernel module 0x") != NULL);
	assert_true(strstr(fake_console(), ": SHA-256 mismatch: LCM has ") != NULL);
	assert_line("launch: create: 2 domains built, 1 failed, in 0.0 ms");
	assert_line("launch: FAILED: domain 2 app2: not built");
	/* Neither a Boot nor a Recovery Domain: the others start anyway. */
	assert_line("launch: final: 2 domains started, console to app1, in 0.0 ms total");
	char report[64] = "";
	uint32_t id;
	size_t len;
	assert_int_equal(launch_status(report, sizeof(report) - 1, &id, &len), HL_LAUNCH_FINAL);
	assert_string_equal(report, "domain 2 app2: not built");
	assert_int_equal(id, 2);
	assert_int_equal(domain_state(dom("app2")), DOM_NEW);
	assert_int_equal(dom("app2")->nr_vcpus, 0);
	assert_int_equal(fake_stage2_live(), 2); /* the failed build gave back its own */
}

static void static_apps_run(void **state)
{
	(void)state;
	assert_stop(fake_run_all(), FAKE_IDLE);
	assert_line("[app1] hello from app1");
	assert_line("[app3] hello from app3");
}

/* What a domain reads from its console: the input is the console owner's
 * (app1) until Ctrl-A three times moves it to the next running domain,
 * after the last one to the hypervisor, then round again. */
static void input_of(const char *name, const char *want)
{
	char got[16];
	size_t n = 0;
	int ch;

	while ((ch = console_domain_getc(dom(name))) >= 0 && n < sizeof(got) - 1) {
		got[n++] = (char)ch;
	}
	got[n] = '\0';
	assert_string_equal(got, want);
}

static void console_input(void **state)
{
	(void)state;
	fake_console_input("hi", 2);
	assert_stop(fake_tick(0), FAKE_RETURNED);
	input_of("app1", "hi");
	input_of("app3", "");

	fake_console_input("\x01\x01\x01x", 4);
	assert_stop(fake_tick(0), FAKE_RETURNED);
	assert_line("console: input to app3 (Ctrl-A three times to switch)");
	input_of("app3", "x");
	input_of("app1", "");

	/* After the last running domain, the hypervisor (which drops it). */
	fake_console_input("\x01\x01\x01z", 4);
	assert_stop(fake_tick(0), FAKE_RETURNED);
	assert_line("console: input to the hypervisor (Ctrl-A three times to switch)");
	input_of("app1", "");
	input_of("app3", "");

	/* Round again (app2 never ran: skipped); fewer presses are input. */
	fake_console_input("\x01\x01\x01\x01\x01y", 6);
	assert_stop(fake_tick(0), FAKE_RETURNED);
	assert_int_equal(
		fake_console_count("console: input to app1 (Ctrl-A three times to switch)"), 2);
	input_of("app1", "\x01\x01y");
	assert_true(console_domain_has_input(dom("app1")) == false);
}

/* A prompt (a line without its end) of the input's domain is shown once
 * every vCPU of it waits and it has been quiet two ticks; whoever prints
 * next ends that line first. */
static void console_prompt(void **state)
{
	(void)state;
	console_domain_write(dom("app1"), "sh# ", 4);
	fake_console_clear();
	assert_stop(fake_tick(0), FAKE_RETURNED);
	assert_string_equal(fake_console(), "");
	assert_stop(fake_tick(0), FAKE_RETURNED);
	assert_string_equal(fake_console(), "[app1] sh# ");
	console_domain_write(dom("app1"), "ls\n", 3);
	console_domain_write(dom("app3"), "busy\n", 5);
	assert_string_equal(fake_console(), "[app1] sh# ls\n[app3] busy\n");
	console_domain_write(dom("app1"), "sh# ", 4);
	assert_stop(fake_tick(0), FAKE_RETURNED);
	assert_stop(fake_tick(0), FAKE_RETURNED);
	printk("hypervisor line\n");
	assert_string_equal(fake_console(),
			    "[app1] sh# ls\n[app3] busy\n[app1] sh# \nhypervisor line\n");
}

static void static_runs_and_reboots(void **state)
{
	(void)state;
	apps_off = true;
	interrupt(vcpu0("app1"));
	interrupt(vcpu0("app3"));
	assert_stop(fake_run_all(), FAKE_REBOOT);
	assert_line("hyperlaunch: all 3 domains are off (2 powered off, 1 not started); rebooting");
}

int run_boot_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(static_bad_digest),       cmocka_unit_test(static_apps_run),
		cmocka_unit_test(console_input),           cmocka_unit_test(console_prompt),
		cmocka_unit_test(static_runs_and_reboots),
	};
	return cmocka_run_group_tests_name("core: static launch with a bad module", tests,
					   static_setup, NULL);
}

/* --- fault: an initial domain stopped by a fault before the launch is final ---------- */

static enum fake_exit fault_bootdom(struct vcpu *v, unsigned step)
{
	if (step == 0) {
		fake_hvc(v, HL_DOMAIN_UNPAUSE, domid("app1"), 0, 0, 0, 0, NULL);
	}
	return FAKE_WFI;
}

static enum fake_exit faulting(struct vcpu *v, unsigned step)
{
	(void)step;
	/* What the trap handler does with an abort it cannot handle. */
	domain_stop(v->dom, "data abort at 0x%x", 0xdead0000);
	return FAKE_CONTINUE;
}

static int fault_setup(void **state)
{
	(void)state;
	fake_init(64 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = { .dom = {
				     { .name = "bootdom", .functions = LCM_FUNCTION_BOOT },
				     { .name = "app1" },
				     { .name = "hwdom",
				       .functions = LCM_FUNCTION_RECOVERY,
				       .permissions =
					       LCM_PERMISSION_CONTROL | LCM_PERMISSION_HARDWARE },
			     } };
	dtb = host_dtb(&l);
	fake_guest_set("bootdom", fault_bootdom);
	fake_guest_set("app1", faulting);
	return 0;
}

static void initial_fault(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	assert_line("domain 1 app1: stopped: data abort at 0xdead0000");
	assert_line(
		"launch: FAILED: domain 1 app1: stopped by a fault before the launch was final");
	assert_line("domain 32757 bootdom: stopped: the launch failed");
	/* A Recovery Domain with other roles was not standing by: it starts. */
	assert_line("launch: starting the Recovery Domain hwdom");
	assert_int_equal(domain_state(dom("hwdom")), DOM_RUNNING);
	assert_true(launch_failed());
	char report[128] = "";
	uint32_t id;
	size_t len;
	assert_int_equal(launch_status(report, sizeof(report) - 1, &id, &len), HL_LAUNCH_FAILED);
	assert_string_equal(report,
			    "domain 1 app1: stopped by a fault before the launch was final");
	/* Both ended domains' memory goes back once off their CPUs. */
	assert_stop(fake_tick(0), FAKE_RETURNED);
	assert_line("launch: reclaim: bootdom's 2 MiB scrubbed and returned");
	assert_no_line(
		"launch: reclaim: app1's 2 MiB scrubbed and returned"); /* stopped, not destroyed */
}

/* Nothing of a domain is printed after its end line: output that still
 * arrives (a vCPU on another CPU, between the end and its kick) is
 * dropped; a running domain's is printed. */
static void ended_domain_is_quiet(void **state)
{
	(void)state;
	assert_int_equal(domain_state(dom("app1")), DOM_STOPPED);
	console_domain_write(dom("app1"), "late\n", 5);
	assert_no_line("[app1] late");
	console_domain_write(dom("hwdom"), "alive\n", 6);
	assert_line("[hwdom] alive");
}

int run_fault_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(initial_fault),
		cmocka_unit_test(ended_domain_is_quiet),
	};
	return cmocka_run_group_tests_name("core: initial domain fault", tests, fault_setup, NULL);
}

/* --- classic: no LCM, one dom0 from the multiboot nodes ------------------------------ */

static int classic_setup(void **state)
{
	(void)state;
	static char buf[4096] __attribute__((aligned(8)));
	uint8_t digest[32];

	fake_init(128 * MiB, 2);
	fake_bug_fails_test();
	void *k = fake_ram_place(PAGE_SIZE, PAGE_SIZE);
	fake_kernel_page(k, "dom0", digest);
	fdt_create(buf, sizeof(buf));
	fdt_finish_reservemap(buf);
	fdt_begin_node(buf, "");
	fdt_begin_node(buf, "chosen");
	fdt_property_u32(buf, "#address-cells", 2);
	fdt_property_u32(buf, "#size-cells", 2);
	fdt_property_string(buf, "xen,dom0-bootargs", "console=hvc0");
	fdt_begin_node(buf, "module@1");
	static const char compat[] = "multiboot,kernel\0multiboot,module";
	fdt_property(buf, "compatible", compat, sizeof(compat));
	fdt64_t reg[2] = { cpu_to_fdt64((uintptr_t)k), cpu_to_fdt64(PAGE_SIZE) };
	fdt_property(buf, "reg", reg, sizeof(reg));
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_end_node(buf);
	assert_int_equal(fdt_finish(buf), 0);
	dtb = buf;
	fake_guest_set(NULL, app);
	return 0;
}

static void classic_dom0(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	assert_line("launch: classic (no /chosen/hypervisor)");
	assert_true(strstr(fake_console(), "mm: reserved 0x") != NULL &&
		    strstr(fake_console(), " for /chosen/module@1\n") != NULL);
	struct domain *d = dom("dom0");
	assert_int_equal(d->domid, 0);
	assert_int_equal(d->nr_vcpus, 2); /* one per online CPU */
	assert_int_equal(d->permissions, LCM_PERMISSION_ALL);
	assert_int_equal(d->functions, LCM_FUNCTION_ALL);
	/* Half of the free memory, whole 2 MiB blocks. */
	assert_int_equal(d->ram_size % (2 * MiB), 0);
	assert_true(d->ram_size >= 56 * MiB && d->ram_size <= 64 * MiB);
	assert_line("launch: final: 1 domain started, console to dom0, in 0.0 ms total");
	assert_stop(fake_run_all(), FAKE_IDLE);
	assert_line("[dom0] hello from dom0");
	/* The bootargs of /chosen, in its device tree. */
	static char dt[64 * 1024];
	uint64_t room = d->dt_room;
	assert_true(domain_read_ram(d, d->dt, dt, room < sizeof(dt) ? room : sizeof(dt)));
	assert_string_equal(fdt_getprop(dt, fdt_path_offset(dt, "/chosen"), "bootargs", NULL),
			    "console=hvc0");
	/* No LCM in a classic boot: the roles are dom0's alone. */
	assert_null(launch_lcm());
}

int run_classic_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classic_dom0),
	};
	return cmocka_run_group_tests_name("core: classic launch", tests, classic_setup, NULL);
}

/* --- panic: no usable platform --------------------------------------------------------- */

static void no_platform(void **state)
{
	(void)state;
	fake_init(16 * MiB, 1);
	struct tlaunch l = { .dom = { { .name = "app1" } } };
	dtb = host_dtb(&l);
	fake_platform_fail(true);
	assert_stop(fake_boot(dtb), FAKE_OFF);
	assert_true(strstr(fake_console(),
			   "panic: no usable platform description in the DTB at 0x") != NULL);
}

int run_panic_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_platform),
	};
	return cmocka_run_group_tests_name("core: panic", tests, NULL, NULL);
}
