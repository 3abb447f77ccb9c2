/*
 * Domain node properties (docs/bindings.md, "The Domain node"): each
 * property's value and default, and each malformed or out-of-range value
 * with the exact diagnostic it must produce.
 */
#include "lcm_test.h"

#include <string.h>

#define D1 "/chosen/hypervisor/dom1"

/* A one-domain LCM whose domain gets the properties written by @props. */
typedef void props_fn(struct tb *t);

static const void *one_domain(struct tb *t, props_fn *props)
{
	tb_init(t);
	tb_domain(t, "dom1");
	props(t);
	tb_kernel(t);
	tb_end(t);
	return tb_done(t);
}

static void memory_only(struct tb *t)
{
	tb_u32(t, "memory", 16384);
}

static void defaults(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, memory_only), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(p.l.nr_domains, 1);
	const struct lcm_domain *d = &p.dom[0];
	assert_string_equal(d->name, "dom1");
	assert_int_equal(d->domid, 1);
	assert_true(d->domid_auto);
	assert_int_equal(d->permissions, LCM_PERMISSION_NONE);
	assert_int_equal(d->functions, LCM_FUNCTION_NONE);
	assert_int_equal(d->mode, LCM_MODE_LONG);
	assert_false(d->has_uuid);
	assert_int_equal(d->cpus, 1);
	assert_int_equal(d->memory_kib, 16384);
	assert_string_equal(d->security_id, "domU_t");
	assert_int_equal(d->first_module, 0);
	assert_int_equal(d->nr_modules, 1);
	assert_int_equal(d->module[LCM_MOD_KERNEL], 0);
	for (unsigned k = LCM_MOD_RAMDISK; k < LCM_MOD_NR_TYPES; k++) {
		assert_int_equal(d->module[k], -1);
	}
	/* Launch-wide defaults. */
	assert_int_equal(p.l.config_node, -1);
	assert_int_equal(p.l.nr_config_modules, 0);
	assert_int_equal(p.l.boot, -1);
	assert_int_equal(p.l.recovery, -1);
	assert_int_equal(p.l.console, -1);
	assert_int_equal(p.l.xenstore, -1);
	assert_int_equal(p.l.legacy_dom0, -1);
	assert_int_equal(p.l.hardware, -1);
	assert_int_equal(p.l.boot_timeout_ms, 10000);
	assert_int_equal(p.l.on_all_off, LCM_ALL_OFF_POWEROFF);
	assert_true(p.l.hv_node > 0);
}

static void domid_explicit(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "dom1");
	tb_u32(&t, "domid", 42);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].domid, 42);
	assert_false(p.dom[0].domid_auto);
}

/* Explicit requests are served first, then "next free" in LCM order, and a
 * requested 0 means "next free" (the design: no domain can ask for 0). */
static void domid_next_free_skips_requested(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_simple_domain(&t, "a");
	tb_domain(&t, "b");
	tb_u32(&t, "domid", 1);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	tb_end(&t);
	tb_domain(&t, "c");
	tb_u32(&t, "domid", 0);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	tb_end(&t);
	tb_domain(&t, "d");
	tb_u32(&t, "domid", 3);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	tb_end(&t);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(lp_domain(&p, "a")->domid, 2);
	assert_int_equal(lp_domain(&p, "b")->domid, 1);
	assert_int_equal(lp_domain(&p, "c")->domid, 4);
	assert_true(lp_domain(&p, "c")->domid_auto);
	assert_int_equal(lp_domain(&p, "d")->domid, 3);
	assert_false(lp_domain(&p, "d")->domid_auto);
}

static void domid_malformed(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "dom1");
	tb_cells(&t, "domid", 2, 0, 5);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 ": domid: expected one 32-bit cell (4 bytes), found 8 bytes");
	/* It still gets an id, so later checks see one domain per id. */
	assert_int_equal(p.dom[0].domid, 1);
	assert_true(p.dom[0].domid_auto);
}

static void legacy_dom0_gets_0(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_simple_domain(&t, "first");
	tb_domain(&t, "dom0");
	tb_u32(&t, "functions", LCM_FUNCTION_LEGACY_DOM0);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	tb_end(&t);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(lp_domain(&p, "dom0")->domid, 0);
	assert_int_equal(lp_domain(&p, "first")->domid, 1);
	assert_int_equal(p.l.legacy_dom0, 1);
}

static void boot_domain_gets_7ff5(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "bootdom");
	tb_u32(&t, "functions", LCM_FUNCTION_BOOT);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	tb_end(&t);
	tb_simple_domain(&t, "app");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].domid, 0x7FF5);
	assert_true(p.dom[0].domid_auto);
	assert_int_equal(p.dom[1].domid, 1);
	assert_int_equal(p.l.boot, 0);
}

static void boot_domain_explicit_7ff5(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "bootdom");
	tb_u32(&t, "domid", 0x7FF5);
	tb_u32(&t, "functions", LCM_FUNCTION_BOOT);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].domid, 0x7FF5);
	assert_false(p.dom[0].domid_auto);
}

static void perms_control_hardware(struct tb *t)
{
	tb_u32(t, "permissions", LCM_PERMISSION_CONTROL | LCM_PERMISSION_HARDWARE);
	tb_u32(t, "memory", 16384);
}

static void permissions(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, perms_control_hardware), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].permissions, 3);
	assert_int_equal(p.l.hardware, 0);
}

static void perms_unknown(struct tb *t)
{
	tb_u32(t, "permissions", 0x5);
	tb_u32(t, "memory", 16384);
}

static void permissions_unknown_bits(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, perms_unknown), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 ": permissions: unknown bits 0x4 (known: 0x3)");
}

static void funcs_all_but_boot(struct tb *t)
{
	tb_u32(t, "functions", 0xC0000006);
	tb_u32(t, "memory", 16384);
}

static void functions(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, funcs_all_but_boot), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].functions, 0xC0000006);
	assert_int_equal(p.dom[0].domid, 0);
	assert_int_equal(p.l.boot, -1);
	assert_int_equal(p.l.recovery, 0);
	assert_int_equal(p.l.console, 0);
	assert_int_equal(p.l.xenstore, 0);
	assert_int_equal(p.l.legacy_dom0, 0);
}

static void funcs_unknown(struct tb *t)
{
	tb_u32(t, "functions", 0x10000008);
	tb_u32(t, "memory", 16384);
}

static void functions_unknown_bits(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, funcs_unknown), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 ": functions: unknown bits 0x10000008 (known: 0xc0000007)");
}

static void mode_5(struct tb *t)
{
	tb_u32(t, "mode", LCM_MODE_PARAVIRTUALIZED | LCM_MODE_LONG);
	tb_u32(t, "memory", 16384);
}

static void mode_explicit(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, mode_5), LCM_ARCH_X86);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].mode, 5);
}

static void mode_unknown(struct tb *t)
{
	tb_u32(t, "mode", 0xC);
	tb_u32(t, "memory", 16384);
}

static void mode_unknown_bits(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, mode_unknown), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 ": mode: unknown bits 0x8 (known: 0x7)");
}

static void mode_32bit_pv(struct tb *t)
{
	tb_u32(t, "mode", LCM_MODE_PARAVIRTUALIZED);
	tb_u32(t, "memory", 16384);
}

/* A 32-bit PV domain is fine on x86 and for "any"; arm64 needs MODE_LONG. */
static void mode_32bit_per_arch(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	const void *fdt = one_domain(&t, mode_32bit_pv);
	lp_parse(&p, fdt, LCM_ARCH_X86);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].mode, 1);
	lp_parse(&p, fdt, LCM_ARCH_ANY);
	expect_no_diags(&p);
}

static void uuid_16(struct tb *t)
{
	static const uint8_t u[16] = {
		0xb3, 0xfb, 0x98, 0xfb, 0x8f, 0x9f, 0x67, 0xa3,
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	};
	tb_raw(t, "domain-uuid", u, sizeof(u));
	tb_u32(t, "memory", 16384);
}

static void uuid_full(void **state)
{
	static const uint8_t want[16] = {
		0xb3, 0xfb, 0x98, 0xfb, 0x8f, 0x9f, 0x67, 0xa3,
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	};
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, uuid_16), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_true(p.dom[0].has_uuid);
	assert_memory_equal(p.dom[0].uuid, want, 16);
}

static void uuid_8(struct tb *t)
{
	static const uint8_t u[8] = { 0xB3, 0xFB, 0x98, 0xFB, 0x8F, 0x9F, 0x67, 0xA3 };
	tb_raw(t, "domain-uuid", u, sizeof(u));
	tb_u32(t, "memory", 16384);
}

/* The design's own example has an 8-byte UUID: accepted, padded, warned. */
static void uuid_short_padded(void **state)
{
	static const uint8_t want[16] = { 0xB3, 0xFB, 0x98, 0xFB, 0x8F, 0x9F, 0x67, 0xA3 };
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, uuid_8), LCM_ARCH_ANY);
	expect_diags(&p, "warning: " D1
			 ": domain-uuid: a UUID is 16 bytes, found 8; padded with zeros");
	assert_int_equal(p.rc, LCM_OK);
	assert_true(p.dom[0].has_uuid);
	assert_memory_equal(p.dom[0].uuid, want, 16);
}

static void uuid_17(struct tb *t)
{
	static const uint8_t u[17] = { 1 };
	tb_raw(t, "domain-uuid", u, sizeof(u));
	tb_u32(t, "memory", 16384);
}

static void uuid_empty(struct tb *t)
{
	tb_raw(t, "domain-uuid", "", 0);
	tb_u32(t, "memory", 16384);
}

static void uuid_bad_lengths(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, uuid_17), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 ": domain-uuid: a UUID is 16 bytes, found 17");
	assert_false(p.dom[0].has_uuid);
	lp_parse(&p, one_domain(&t, uuid_empty), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 ": domain-uuid: a UUID is 16 bytes, found 0");
	assert_false(p.dom[0].has_uuid);
}

/* cpus: 1 by default, 1..64 accepted, 0 and 65 rejected. */
static uint32_t cpus_value;

static void cpus_prop(struct tb *t)
{
	tb_u32(t, "cpus", cpus_value);
	tb_u32(t, "memory", 16384);
}

static void cpus_bounds(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	cpus_value = 1;
	lp_parse(&p, one_domain(&t, cpus_prop), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].cpus, 1);
	cpus_value = 64;
	lp_parse(&p, one_domain(&t, cpus_prop), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].cpus, 64);
	cpus_value = 0;
	lp_parse(&p, one_domain(&t, cpus_prop), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 ": cpus: 0 vCPUs is outside 1..64");
	cpus_value = 65;
	lp_parse(&p, one_domain(&t, cpus_prop), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 ": cpus: 65 vCPUs is outside 1..64");
}

static void cpus_two_cells(struct tb *t)
{
	tb_cells(t, "cpus", 2, 0, 2);
	tb_u32(t, "memory", 16384);
}

static void cpus_malformed(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, cpus_two_cells), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 ": cpus: expected one 32-bit cell (4 bytes), found 8 bytes");
}

/* memory: written as in the design (<0x0 0x20000>) or as one cell. */
static uint32_t mem_cells[3];
static int mem_ncells;

static void memory_prop(struct tb *t)
{
	if (mem_ncells == 1) {
		tb_cells(t, "memory", 1, mem_cells[0]);
	} else if (mem_ncells == 2) {
		tb_cells(t, "memory", 2, mem_cells[0], mem_cells[1]);
	} else {
		tb_cells(t, "memory", 3, mem_cells[0], mem_cells[1], mem_cells[2]);
	}
}

static void parse_memory(struct lp *p, int n, uint32_t c0, uint32_t c1, uint32_t c2)
{
	struct tb t;

	mem_ncells = n;
	mem_cells[0] = c0;
	mem_cells[1] = c1;
	mem_cells[2] = c2;
	lp_parse(p, one_domain(&t, memory_prop), LCM_ARCH_ANY);
}

static void memory_one_and_two_cells(void **state)
{
	struct lp p;
	(void)state;

	parse_memory(&p, 1, 0x4000, 0, 0);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].memory_kib, 16384);
	parse_memory(&p, 2, 0x0, 0x20000, 0);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].memory_kib, 131072);
	parse_memory(&p, 2, 0x1, 0x0, 0);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].memory_kib, 0x100000000ull);
}

static void memory_missing(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "dom1");
	tb_kernel(&t);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 ": memory: missing: the domain's memory in KiB is required");
}

static void memory_minimum(void **state)
{
	struct lp p;
	(void)state;

	parse_memory(&p, 1, 1024, 0, 0);
	expect_no_diags(&p);
	parse_memory(&p, 1, 1020, 0, 0);
	expect_diags(&p, "error: " D1 ": memory: 1020 KiB is below the minimum of 1024 KiB");
	parse_memory(&p, 1, 0, 0, 0);
	expect_diags(&p, "error: " D1 ": memory: 0 KiB is below the minimum of 1024 KiB");
}

static void memory_page_multiple(void **state)
{
	struct lp p;
	(void)state;

	parse_memory(&p, 1, 1026, 0, 0);
	expect_diags(&p, "error: " D1 ": memory: 1026 KiB is not a multiple of the 4 KiB page");
	parse_memory(&p, 2, 0, 4097, 0);
	expect_diags(&p, "error: " D1 ": memory: 4097 KiB is not a multiple of the 4 KiB page");
}

static void memory_too_large_or_malformed(void **state)
{
	struct lp p;
	(void)state;

	parse_memory(&p, 2, 0xFF, 0xFFFFFFFC, 0);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].memory_kib, 0xFFFFFFFFFCull);
	parse_memory(&p, 2, 0x100, 0, 0);
	expect_diags(&p,
		     "error: " D1 ": memory: 1099511627776 KiB is beyond any machine (2^40 KiB)");
	parse_memory(&p, 3, 0, 0, 0x4000);
	expect_diags(&p, "error: " D1 ": memory: expected one or two 32-bit cells, found 12 bytes");
}

/* hyperlaunch,xen-interface: absent by default; present and empty makes
 * the domain Xen-aware; a value is an error. */
static const char *xen_value;
static int xen_len;

static void xen_prop(struct tb *t)
{
	if (xen_len >= 0) {
		tb_raw(t, LCM_PROP_XEN_INTERFACE, xen_value, xen_len);
	}
	tb_u32(t, "memory", 16384);
}

static void parse_xen(struct lp *p, const char *v, int len)
{
	struct tb t;

	xen_value = v;
	xen_len = len;
	lp_parse(p, one_domain(&t, xen_prop), LCM_ARCH_ANY);
}

static void xen_interface(void **state)
{
	struct lp p;
	(void)state;

	parse_xen(&p, NULL, -1);
	expect_no_diags(&p);
	assert_false(p.dom[0].xen);
	parse_xen(&p, "", 0);
	expect_no_diags(&p);
	assert_true(p.dom[0].xen);
	parse_xen(&p, "yes", 4);
	expect_diags(&p, "error: " D1 ": hyperlaunch,xen-interface: takes no value (its presence "
			 "makes the domain Xen-aware)");
}

/* security-id: "domU_t" by default; one printable, non-empty string. */
static const char *sid_value;
static int sid_len;

static void sid_prop(struct tb *t)
{
	tb_raw(t, "security-id", sid_value, sid_len);
	tb_u32(t, "memory", 16384);
}

static void parse_sid(struct lp *p, const char *v, int len)
{
	struct tb t;

	sid_value = v;
	sid_len = len;
	lp_parse(p, one_domain(&t, sid_prop), LCM_ARCH_ANY);
}

static void security_id(void **state)
{
	struct lp p;
	(void)state;

	parse_sid(&p, "dom0_t", 7);
	expect_no_diags(&p);
	assert_string_equal(p.dom[0].security_id, "dom0_t");

	char longest[64];
	memset(longest, 'x', 63);
	longest[63] = '\0';
	parse_sid(&p, longest, 64);
	expect_no_diags(&p);
	assert_int_equal(strlen(p.dom[0].security_id), 63);
}

static void security_id_malformed(void **state)
{
	struct lp p;
	(void)state;

	parse_sid(&p, "", 1);
	expect_diags(&p, "error: " D1 ": security-id: must not be empty");
	assert_string_equal(p.dom[0].security_id, "domU_t");
	parse_sid(&p, "a\0b", 4);
	expect_diags(&p,
		     "error: " D1 ": security-id: expected one string, found a list of strings");
	parse_sid(&p, "abc", 3);
	expect_diags(&p, "error: " D1 ": security-id: expected a NUL-terminated string");
	parse_sid(&p, "", 0);
	expect_diags(&p, "error: " D1 ": security-id: expected a NUL-terminated string");
	parse_sid(&p, "dom\t_t", 7);
	expect_diags(&p, "error: " D1
			 ": security-id: contains a non-printable character (0x09) at byte 3");
	parse_sid(&p, "d\xc3\xa9", 4);
	expect_diags(&p, "error: " D1
			 ": security-id: contains a non-printable character (0xc3) at byte 1");

	char toolong[65];
	memset(toolong, 'x', 64);
	toolong[64] = '\0';
	parse_sid(&p, toolong, 65);
	expect_diags(&p, "error: " D1 ": security-id: longer than 63 bytes");
}

/* Every problem is reported, not only the first. */
static void all_problems(struct tb *t)
{
	tb_u32(t, "permissions", 8);
	tb_u32(t, "cpus", 0);
	tb_u32(t, "memory", 1000);
	tb_str(t, "security-id", "");
}

static void every_problem_reported(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, all_problems), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 ": permissions: unknown bits 0x8 (known: 0x3)",
		     "error: " D1 ": cpus: 0 vCPUs is outside 1..64",
		     "error: " D1 ": memory: 1000 KiB is below the minimum of 1024 KiB",
		     "error: " D1 ": security-id: must not be empty");
}

static void unknown_properties_ignored(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_str(&t, "vendor,note", "x");
	tb_domain(&t, "dom1");
	tb_u32(&t, "memory", 16384);
	tb_u32(&t, "vcpus", 8); /* not ours: cpus is */
	tb_str(&t, "status", "okay");
	tb_kernel(&t);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(p.dom[0].cpus, 1);
}

int run_domain_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(domid_explicit),
		cmocka_unit_test(domid_next_free_skips_requested),
		cmocka_unit_test(domid_malformed),
		cmocka_unit_test(legacy_dom0_gets_0),
		cmocka_unit_test(boot_domain_gets_7ff5),
		cmocka_unit_test(boot_domain_explicit_7ff5),
		cmocka_unit_test(permissions),
		cmocka_unit_test(permissions_unknown_bits),
		cmocka_unit_test(functions),
		cmocka_unit_test(functions_unknown_bits),
		cmocka_unit_test(mode_explicit),
		cmocka_unit_test(mode_unknown_bits),
		cmocka_unit_test(mode_32bit_per_arch),
		cmocka_unit_test(uuid_full),
		cmocka_unit_test(uuid_short_padded),
		cmocka_unit_test(uuid_bad_lengths),
		cmocka_unit_test(cpus_bounds),
		cmocka_unit_test(cpus_malformed),
		cmocka_unit_test(memory_one_and_two_cells),
		cmocka_unit_test(memory_missing),
		cmocka_unit_test(memory_minimum),
		cmocka_unit_test(memory_page_multiple),
		cmocka_unit_test(memory_too_large_or_malformed),
		cmocka_unit_test(security_id),
		cmocka_unit_test(xen_interface),
		cmocka_unit_test(security_id_malformed),
		cmocka_unit_test(every_problem_reported),
		cmocka_unit_test(unknown_properties_ignored),
	};

	return cmocka_run_group_tests_name("lcm-domain", tests, NULL, NULL);
}
