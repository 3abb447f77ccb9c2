/*
 * The measured launch (core/measure.c) on the fake architecture, which has
 * no TPM: one boot with a Boot Domain that reads the log, changes app1's
 * bootargs and starts it; the event log a control domain reads once the
 * launch is final holds, in order, the LCM and every kernel (PCR 9), each
 * domain's launch parameters as it started, app1's with the Boot Domain's
 * bootargs (PCR 8), then the separators; the log's digests are the LCM's
 * and the parameters'; the console says once that nothing was extended; a
 * domain without a role may not read the log, nor ask for a quote.
 */
#include "core_test.h"

#include <stdio.h>
#include <string.h>

#include <crypto/sha256.h>
#include <tcg/launch.h>

#include "core/launch.h"

#define LOG_MAX (64 * 1024)

static const void *dtb;
static struct {
	int64_t early_read, quote, configure, done;
	uint64_t early_size;
} bd;
static struct {
	int64_t read, past_end;
	uint64_t size;
	uint8_t log[LOG_MAX];
} ctl;
static int64_t app2_read;

static enum fake_exit bootdom(struct vcpu *v, unsigned step)
{
	uint64_t out[4];
	static const char args[] = "measured=yes";
	uint64_t buf = ipa_addr(v->dom->ram_base) + MiB;

	if (step > 0) {
		return FAKE_WFI;
	}
	bd.early_read = fake_hvc(v, HL_EVENT_LOG_READ, buf, 0, 4096, 0, 0, out);
	bd.early_size = out[1];
	bd.quote = fake_hvc(v, HL_TPM_QUOTE, 0x81010002, buf, 8, buf, 4096, NULL);
	uint64_t s = guest_put(v, MiB + 512 * KiB, args, strlen(args));
	bd.configure = fake_hvc(v, HL_BOOT_CONFIGURE, domid("app1"), HL_CFG_BOOTARGS, s,
				strlen(args), 0, NULL);
	fake_hvc(v, HL_DOMAIN_UNPAUSE, domid("app1"), 0, 0, 0, 0, NULL);
	bd.done = fake_hvc(v, HL_BOOT_DONE, 0, 0, 0, 0, 0, NULL);
	return FAKE_CONTINUE;
}

/* The control domain reads the whole log in pieces of 100 bytes. */
static enum fake_exit control(struct vcpu *v, unsigned step)
{
	uint64_t out[4], buf = ipa_addr(v->dom->ram_base) + MiB;

	if (step > 0) {
		return FAKE_WFI;
	}
	for (uint64_t off = 0;; off += (uint64_t)ctl.read) {
		ctl.read = fake_hvc(v, HL_EVENT_LOG_READ, buf, off, 100, 0, 0, out);
		ctl.size = out[1];
		if (ctl.read <= 0 || off + (uint64_t)ctl.read > LOG_MAX) {
			break;
		}
		domain_read_ram(v->dom, ipa_init(buf), ctl.log + off, (size_t)ctl.read);
		if (off + (uint64_t)ctl.read == ctl.size) {
			ctl.read = (int64_t)ctl.size;
			break;
		}
	}
	ctl.past_end = fake_hvc(v, HL_EVENT_LOG_READ, buf, ctl.size + 1, 100, 0, 0, NULL);
	return FAKE_WFI;
}

static enum fake_exit other(struct vcpu *v, unsigned step)
{
	if (step == 0) {
		app2_read = fake_hvc(v, HL_EVENT_LOG_READ, ipa_addr(v->dom->ram_base) + MiB, 0, 100,
				     0, 0, NULL);
	}
	return FAKE_WFI;
}

static int measure_setup(void **state)
{
	(void)state;
	fake_init(128 * MiB, 2);
	fake_bug_fails_test();
	struct tlaunch l = { .dom = {
				     { .name = "bootdom", .functions = LCM_FUNCTION_BOOT },
				     { .name = "app1", .bootargs = "console=ttyAMA0" },
				     { .name = "app2" },
				     { .name = "ctl", .permissions = LCM_PERMISSION_CONTROL },
			     } };
	dtb = host_dtb(&l);
	fake_guest_set("bootdom", bootdom);
	fake_guest_set("ctl", control);
	fake_guest_set(NULL, other);
	return 0;
}

static void launch_measured(void **state)
{
	(void)state;
	assert_stop(fake_boot(dtb), FAKE_IDLE);
	assert_stop(fake_run_all(), FAKE_IDLE);
	assert_int_equal(bd.done, HL_OK);
	assert_line("launch: final: 3 domains started, console to ctl, in 0.0 ms total");
	/* The Boot Domain may read the log: the LCM, four kernels and its own
	 * launch parameters so far. */
	assert_true(bd.early_read > 0);
	assert_int_equal((uint64_t)bd.early_read, bd.early_size);
	/* No TPM, and not the attestation agent. */
	assert_int_equal(bd.quote, HL_EPERM);
	assert_int_equal(app2_read, HL_EPERM);
	assert_line("policy: denied: app2 (domU_t) may not read the event log [role]");
	assert_int_equal(fake_console_count("; no TPM: nothing was extended"), 1);
	assert_line("measure: 11 events in 1195 bytes of event log; no TPM: nothing was extended");
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void log_in_order(void **state)
{
	static const struct {
		uint32_t pcr, type;
		const char *text;
	} want[] = {
		{ 9, TCG_EV_IPL, "lcm: /chosen/hypervisor" },
		{ 9, TCG_EV_IPL, "domain 32757 bootdom: kernel" },
		{ 9, TCG_EV_IPL, "domain 1 app1: kernel" },
		{ 9, TCG_EV_IPL, "domain 2 app2: kernel" },
		{ 9, TCG_EV_IPL, "domain 3 ctl: kernel" },
		{ 8, TCG_EV_IPL,
		  "domain_launch: domid=32757 name=bootdom permissions=0x0 functions=0x1 "
		  "label=domU_t memory=2048KiB vcpus=1 bootargs=" },
		{ 8, TCG_EV_IPL,
		  "domain_launch: domid=1 name=app1 permissions=0x0 functions=0x0 label=domU_t "
		  "memory=2048KiB vcpus=1 bootargs=measured=yes" },
		{ 8, TCG_EV_IPL,
		  "domain_launch: domid=2 name=app2 permissions=0x0 functions=0x0 label=domU_t "
		  "memory=2048KiB vcpus=1 bootargs=" },
		{ 8, TCG_EV_IPL,
		  "domain_launch: domid=3 name=ctl permissions=0x1 functions=0x0 label=domU_t "
		  "memory=2048KiB vcpus=1 bootargs=" },
		{ 8, TCG_EV_SEPARATOR, NULL },
		{ 9, TCG_EV_SEPARATOR, NULL },
	};
	const struct lcm_launch *l = launch_lcm();
	uint8_t digest[32];

	(void)state;
	assert_int_equal(ctl.read, (int64_t)ctl.size);
	assert_int_equal(ctl.past_end, HL_EINVAL);
	const uint8_t *e = ctl.log + TCG_HEADER_EVENT_SIZE;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint32_t len = le32(e + 46);
		assert_int_equal(le32(e), want[i].pcr);
		assert_int_equal(le32(e + 4), want[i].type);
		if (want[i].text != NULL) {
			assert_int_equal(len, strlen(want[i].text) + 1);
			assert_string_equal((const char *)e + 50, want[i].text);
		}
		/* Module digests are the LCM's (the modules are intact);
		 * the parameters' are their text's after the tag. */
		if (i >= 1 && i <= 4) {
			assert_memory_equal(
				e + 14, l->modules[l->domains[i - 1].module[LCM_MOD_KERNEL]].sha256,
				32);
		} else if (i == 0) {
			tcg_lcm_digest(dtb, l->hv_node, digest);
			assert_memory_equal(e + 14, digest, 32);
		} else if (want[i].type == TCG_EV_IPL) {
			tcg_params_digest((const char *)e + 50, len, digest);
			assert_memory_equal(e + 14, digest, 32);
		}
		e += 50 + len;
	}
	assert_int_equal(e - ctl.log, (long)ctl.size);
}

int run_measure_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(launch_measured),
		cmocka_unit_test(log_in_order),
	};
	return cmocka_run_group_tests_name("core: measure", tests, measure_setup, NULL);
}
