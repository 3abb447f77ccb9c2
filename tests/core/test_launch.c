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
 *  boot:     a failed build with neither Boot nor Recovery Domain: reported,
 *            the others start anyway.
 */
#include "core_test.h"

#include <stdio.h>
#include <string.h>

#include <libfdt.h>

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
	uint64_t info_before[3];        /* app1, app2, ctl seen from step 0 */
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
		return FAKE_WFI;        /* until app1 is ready */
	}
	case 2:
		v->arch->interrupt = false;
		fake_hvc(v, HL_DOMAIN_INFO, domid("app1"), 0, 0, 0, 0, out);
		bd.info_app1_ready = out[1];
		bd.done = fake_hvc(v, HL_BOOT_DONE, 0, 0, 0, 0, 0, NULL);
		return FAKE_CONTINUE;   /* it is gone: the run loop leaves */
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
	uint64_t room = ipa_addr(d->ram_base) + d->ram_size - d->entry_arg;
	assert_true(domain_read_ram(d, ipa_init(d->entry_arg), dt, room));
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
	/* Its memory goes back on the next tick, once off its CPU. */
	assert_false(dom("bootdom")->released);
	assert_stop(fake_tick(0), FAKE_RETURNED);
	assert_line("launch: reclaim: bootdom's 2 MiB scrubbed and returned");
	assert_true(dom("bootdom")->released);
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
		cmocka_unit_test(boot_alone),
		cmocka_unit_test(prepare),
		cmocka_unit_test(app_runs),
		cmocka_unit_test(done_and_final),
		cmocka_unit_test(all_off),
	};
	return cmocka_run_group_tests_name("core: launch", tests, launch_setup, NULL);
}

int run_deadline_tests(void) { return 0; }
int run_hostile_tests(void) { return 0; }
int run_boot_tests(void) { return 0; }
