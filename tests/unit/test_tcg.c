/*
 * lib/tcg: the event log's bytes against the TCG PC Client PFP layouts
 * (10.2.1 the Spec ID event, 10.2.2 TCG_PCR_EVENT2), a full log, the
 * extend against OpenSSL, the LCM's canonical digest (the same wherever the
 * node sits, different for any change inside it), the module order (the
 * XSM policy after the other config modules, then each domain's modules)
 * and the text and digest of a domain's launch parameters; the LCM's
 * attestation agent (lib/lcm: at most one, never the Boot Domain).
 */
#include "lcm_test.h"

#include <stdio.h>
#include <string.h>

#include <libfdt.h>
#include <openssl/sha.h>

#include "tcg/launch.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void spec_id_header(void **state)
{
	static const uint8_t want[] = {
		0,    0,   0,   0, /* PCRIndex */
		3,    0,   0,   0, /* EV_NO_ACTION */
		0,    0,   0,   0,   0,   0,   0,   0,   0,   0,
		0,    0,   0,   0,   0,   0,   0,   0,   0,   0, /* SHA-1 digest */
		33,   0,   0,   0,                               /* EventSize */
		'S',  'p', 'e', 'c', ' ', 'I', 'D', ' ', 'E', 'v',
		'e',  'n', 't', '0', '3', 0,   0,   0,   0,   0, /* platformClass: client */
		0,    2,   2,   2, /* version 2.0, errata 2, uintnSize UINT64 */
		1,    0,   0,   0, /* numberOfAlgorithms */
		0x0b, 0,   32,  0, /* SHA-256, 32 bytes */
		0,                 /* vendorInfoSize */
	};
	uint8_t buf[256];
	struct tcg_log log;

	(void)state;
	assert_true(tcg_log_start(&log, buf, sizeof(buf)));
	assert_int_equal(sizeof(want), TCG_HEADER_EVENT_SIZE);
	assert_int_equal(log.len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(log.nr_events, 0);
}

static void event_record(void **state)
{
	uint8_t buf[512], digest[32];
	struct tcg_log log;

	(void)state;
	memset(digest, 0x5a, sizeof(digest));
	tcg_log_start(&log, buf, sizeof(buf));
	assert_true(tcg_log_event(&log, 9, TCG_EV_IPL, digest, "abc", 4));
	const uint8_t *e = buf + TCG_HEADER_EVENT_SIZE;
	assert_int_equal(le32(e), 9);
	assert_int_equal(le32(e + 4), TCG_EV_IPL);
	assert_int_equal(le32(e + 8), 1);           /* digests */
	assert_int_equal(e[12] | e[13] << 8, 0x0b); /* SHA-256 */
	assert_memory_equal(e + 14, digest, 32);
	assert_int_equal(le32(e + 46), 4);
	assert_memory_equal(e + 50, "abc", 4);
	assert_int_equal(log.len, TCG_HEADER_EVENT_SIZE + TCG_EVENT2_FIXED_SIZE + 4);
	assert_int_equal(log.nr_events, 1);
}

static void full_log(void **state)
{
	uint8_t buf[TCG_HEADER_EVENT_SIZE + TCG_EVENT2_FIXED_SIZE + 8], digest[32] = { 0 };
	struct tcg_log log;

	(void)state;
	tcg_log_start(&log, buf, sizeof(buf));
	assert_false(tcg_log_event(&log, 8, TCG_EV_IPL, digest, "123456789", 9));
	assert_int_equal(log.nr_lost, 1);
	assert_int_equal(log.len, TCG_HEADER_EVENT_SIZE);
	assert_true(tcg_log_event(&log, 8, TCG_EV_IPL, digest, "12345678", 8));
	assert_int_equal(log.len, sizeof(buf));
	assert_false(tcg_log_start(&log, buf, TCG_HEADER_EVENT_SIZE - 1));
}

static void extend_as_openssl(void **state)
{
	uint8_t pcr[32] = { 0 }, want[32] = { 0 }, digest[32], cat[64];

	(void)state;
	for (int i = 0; i < 5; i++) {
		memset(digest, i * 17, sizeof(digest));
		memcpy(cat, want, 32);
		memcpy(cat + 32, digest, 32);
		SHA256(cat, sizeof(cat), want);
		tcg_extend(pcr, digest);
		assert_memory_equal(pcr, want, 32);
	}
	uint8_t sep[32];
	SHA256(tcg_separator_data, 4, want);
	tcg_separator_digest(sep);
	assert_memory_equal(sep, want, 32);
}

/* An LCM whose hypervisor node holds a config node and a domain with a
 * module; @host adds what a host DTB has around it; @variant changes one
 * thing inside (1: a property value, 2: an empty node at its end, 3: the
 * module a sibling of its domain instead of its child). */
static const void *lcm_tree(struct tb *t, bool host, int variant)
{
	tb_init_bare(t);
	if (host) {
		tb_str(t, "compatible", "linux,dummy-virt");
		tb_begin(t, "memory@40000000");
		tb_str(t, "device_type", "memory");
		tb_end(t);
	}
	tb_begin(t, "chosen");
	if (host) {
		tb_str(t, "stdout-path", "/pl011@9000000");
	}
	tb_begin(t, "hypervisor");
	tb_str(t, "compatible", LCM_COMPAT_HYPERVISOR);
	tb_config(t);
	tb_end(t);
	tb_domain(t, "app1");
	tb_u32(t, "memory", variant == 1 ? 16385 : 16384);
	if (variant == 3) {
		tb_end(t);
	}
	tb_mod_addr(t, "kernel", "kernel", 0x48000000, 0x1000);
	if (variant != 3) {
		tb_end(t);
	}
	if (variant == 2) {
		tb_begin(t, "empty");
		tb_end(t);
	}
	tb_end(t); /* hypervisor */
	if (host) {
		tb_begin(t, "after");
		tb_u32(t, "x", 1);
		tb_end(t);
	}
	tb_end(t); /* chosen */
	if (host) {
		tb_begin(t, "psci");
		tb_end(t);
	}
	return tb_done(t);
}

static void lcm_digest_of(const void *fdt, uint8_t out[32])
{
	int node = fdt_path_offset(fdt, "/chosen/hypervisor");

	assert_true(node >= 0);
	tcg_lcm_digest(fdt, node, out);
}

static void lcm_digest_canonical(void **state)
{
	static struct tb a, b, c, d, e;
	uint8_t da[32], db[32], dc[32], dd[32], de[32];

	(void)state;
	lcm_digest_of(lcm_tree(&a, false, 0), da);
	lcm_digest_of(lcm_tree(&b, true, 0), db);
	lcm_digest_of(lcm_tree(&c, false, 1), dc);
	lcm_digest_of(lcm_tree(&d, false, 2), dd);
	lcm_digest_of(lcm_tree(&e, false, 3), de);
	assert_memory_equal(da, db, 32);
	assert_memory_not_equal(da, dc, 32);
	assert_memory_not_equal(da, dd, 32);
	assert_memory_not_equal(da, de, 32);
}

static void module_order_and_text(void **state)
{
	static struct tb t;
	static struct lp p;
	uint32_t order[8];
	char text[TCG_EVENT_TEXT_MAX];

	(void)state;
	tb_init(&t);
	tb_config(&t);
	tb_mod_addr(&t, "policy", "xsm-policy", 0x48000000, 0x1000);
	tb_mod_addr(&t, "ucode", "microcode", 0x48001000, 0x1000);
	tb_end(&t);
	tb_domain(&t, "app1");
	tb_u32(&t, "domid", 7);
	tb_u32(&t, "memory", 16384);
	tb_mod_addr(&t, "kernel", "kernel", 0x48200000, 0x1000);
	tb_mod_addr(&t, "ramdisk", "ramdisk", 0x48400000, 0x1000);
	tb_end(&t);
	assert_int_equal(lp_parse(&p, tb_done(&t), LCM_ARCH_ARM64), LCM_OK);
	uint32_t n = tcg_module_order(&p.l, order, 8);
	static const char *const want[] = {
		"config: microcode",
		"config: xsm-policy",
		"domain 7 app1: kernel",
		"domain 7 app1: ramdisk",
	};
	assert_int_equal(n, 4);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len = tcg_module_text(&p.l, order[i], text, sizeof(text));
		assert_string_equal(text, want[i]);
		assert_int_equal(len, strlen(want[i]) + 1);
	}
	assert_int_equal(tcg_module_order(&p.l, order, 3), 3);
}

static void params_text_and_digest(void **state)
{
	char text[TCG_EVENT_TEXT_MAX], small[96];
	uint8_t got[32], want[32];
	struct tcg_params p = {
		.domid = 3,
		.name = "app",
		.permissions = 1,
		.functions = 0x6,
		.label = "domU_t",
		.memory_kib = 8192,
		.vcpus = 2,
		.bootargs = "console=ttyAMA0 quiet",
		.bootargs_len = 21,
	};
	static const char body[] = "domid=3 name=app permissions=0x1 functions=0x6 label=domU_t "
				   "memory=8192KiB vcpus=2 bootargs=console=ttyAMA0 quiet";

	(void)state;
	uint32_t len = tcg_params_text(&p, text, sizeof(text));
	assert_string_equal(text,
			    "domain_launch: "
			    "domid=3 name=app permissions=0x1 functions=0x6 "
			    "label=domU_t memory=8192KiB vcpus=2 bootargs=console=ttyAMA0 quiet");
	assert_int_equal(len, strlen(text) + 1);
	tcg_params_digest(text, len, got);
	SHA256((const uint8_t *)body, strlen(body), want);
	assert_memory_equal(got, want, 32);

	/* Cut to the buffer, still a string. */
	len = tcg_params_text(&p, small, sizeof(small));
	assert_int_equal(len, sizeof(small));
	assert_int_equal(small[sizeof(small) - 1], '\0');
	assert_int_equal(strlen(small), sizeof(small) - 1);

	/* No bootargs. */
	p.bootargs = NULL;
	p.bootargs_len = 0;
	tcg_params_text(&p, text, sizeof(text));
	assert_non_null(strstr(text, " bootargs="));
	assert_int_equal(text[strlen(text) - 1], '=');

	/* A Xen-aware domain's interface and channels, before the bootargs. */
	p.xen = true;
	tcg_params_text(&p, text, sizeof(text));
	assert_string_equal(text, "domain_launch: domid=3 name=app permissions=0x1 functions=0x6 "
				  "label=domU_t memory=8192KiB vcpus=2 xen=1 bootargs=");
	p.channels[0] = 2;
	p.channels[1] = 7;
	p.nr_channels = 2;
	tcg_params_text(&p, text, sizeof(text));
	assert_string_equal(text,
			    "domain_launch: domid=3 name=app permissions=0x1 functions=0x6 "
			    "label=domU_t memory=8192KiB vcpus=2 xen=1 channels=2,7 bootargs=");
	/* Cut inside the channels, still a string. */
	len = tcg_params_text(&p, small, sizeof(small));
	assert_int_equal(len, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

/* Domains a, b, c with the attestation-agent property on those in @agents
 * (a bit per domain); b is the Boot Domain when @boot. */
static void parse_agents(struct lp *p, unsigned agents, bool boot)
{
	static struct tb t;
	const char *names[] = { "a", "b", "c" };

	tb_init(&t);
	for (int i = 0; i < 3; i++) {
		tb_domain(&t, names[i]);
		tb_u32(&t, "memory", 16384);
		if (boot && i == 1) {
			tb_u32(&t, "functions", LCM_FUNCTION_BOOT);
		}
		if (agents & (1u << i)) {
			tb_raw(&t, LCM_PROP_ATTESTATION_AGENT, NULL, 0);
		}
		tb_kernel(&t);
		tb_end(&t);
	}
	lp_parse(p, tb_done(&t), LCM_ARCH_ANY);
}

static void attestation_agent(void **state)
{
	static struct lp p;

	(void)state;
	parse_agents(&p, 0, false);
	expect_no_diags(&p);
	assert_int_equal(p.l.attestation, -1);
	parse_agents(&p, 1u << 2, false);
	expect_no_diags(&p);
	assert_int_equal(p.l.attestation, 2);
	assert_true(p.l.domains[2].attestation_agent);
	assert_false(p.l.domains[0].attestation_agent);
	parse_agents(&p, 1u << 0 | 1u << 2, false);
	expect_diags(
		&p,
		"error: /chosen/hypervisor/c: hyperlaunch,attestation-agent: a second attestation agent "
		"(the first is a): at most one domain may be");
	parse_agents(&p, 1u << 1, true);
	expect_diags(
		&p,
		"error: /chosen/hypervisor/b: hyperlaunch,attestation-agent: the boot domain cannot be "
		"the attestation agent (it runs with least privilege)");
}

int run_tcg_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_id_header),
		cmocka_unit_test(event_record),
		cmocka_unit_test(full_log),
		cmocka_unit_test(extend_as_openssl),
		cmocka_unit_test(lcm_digest_canonical),
		cmocka_unit_test(module_order_and_text),
		cmocka_unit_test(params_text_and_digest),
		cmocka_unit_test(attestation_agent),
	};

	return cmocka_run_group_tests_name("tcg", tests, NULL, NULL);
}
