/*
 * The blob as a whole: not an LCM (classic boot), not a device tree, a
 * truncated or corrupted one, and LCMs larger than the caller's arrays. The
 * hypervisor falls back on LCM_ENOLCM and stops on LCM_EINVAL, so these
 * results and their messages matter as much as the rules.
 */
#include "lcm_test.h"

#include <stdio.h>
#include <string.h>

#include <libfdt.h>

static void no_hypervisor_node(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init_bare(&t);
	tb_str(&t, "compatible", "linux,dummy-virt");
	tb_begin(&t, "chosen");
	tb_str(&t, "bootargs", "console=ttyAMA0");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ARM64);
	assert_int_equal(p.rc, LCM_ENOLCM);
	expect_no_diags(&p);
	assert_int_equal(p.l.hv_node, -1);
	assert_int_equal(p.l.nr_domains, 0);
	assert_int_equal(p.l.nr_modules, 0);

	/* No /chosen at all; a hypervisor node elsewhere does not count. */
	tb_init_bare(&t);
	tb_begin(&t, "hypervisor");
	tb_str(&t, "compatible", LCM_COMPAT_HYPERVISOR);
	tb_simple_domain(&t, "dom1");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	assert_int_equal(p.rc, LCM_ENOLCM);
	expect_no_diags(&p);
}

static const void *valid_lcm(struct tb *t)
{
	tb_init(t);
	tb_simple_domain(t, "dom1");
	return tb_done(t);
}

static void bad_magic(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	valid_lcm(&t);
	t.buf[0] ^= 0x01;
	lp_parse_ex(&p, t.buf, sizeof(t.buf), LCM_ARCH_ANY, LP_DOMAINS, LP_MODULES, LP_DIAGS);
	assert_int_equal(p.rc, LCM_EINVAL);
	expect_diags(&p,
		     "error: not a flattened device tree (bad magic or shorter than its header)");
	assert_int_equal(p.l.nr_domains, 0);

	/* Text is not a device tree either. */
	static const char text[] = "/dts-v1/; / { chosen { hypervisor { }; }; };";
	lp_parse_ex(&p, text, sizeof(text), LCM_ARCH_ANY, LP_DOMAINS, LP_MODULES, LP_DIAGS);
	expect_diags(&p,
		     "error: not a flattened device tree (bad magic or shorter than its header)");
}

static void shorter_than_header(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	const void *fdt = valid_lcm(&t);
	lp_parse_ex(&p, fdt, sizeof(struct fdt_header) - 1, LCM_ARCH_ANY, LP_DOMAINS, LP_MODULES,
		    LP_DIAGS);
	expect_diags(&p,
		     "error: not a flattened device tree (bad magic or shorter than its header)");
	lp_parse_ex(&p, fdt, 0, LCM_ARCH_ANY, LP_DOMAINS, LP_MODULES, LP_DIAGS);
	expect_diags(&p,
		     "error: not a flattened device tree (bad magic or shorter than its header)");
}

static void truncated(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	const void *fdt = valid_lcm(&t);
	size_t size = fdt_totalsize(fdt);
	lp_parse_ex(&p, fdt, size - 1, LCM_ARCH_ANY, LP_DOMAINS, LP_MODULES, LP_DIAGS);
	expect_diags(
		&p,
		"error: malformed device tree: it ends before the size its header gives (truncated)");
	lp_parse_ex(&p, fdt, sizeof(struct fdt_header), LCM_ARCH_ANY, LP_DOMAINS, LP_MODULES,
		    LP_DIAGS);
	expect_diags(
		&p,
		"error: malformed device tree: it ends before the size its header gives (truncated)");
	/* More bytes than totalsize are fine: a DTB in a larger buffer. */
	lp_parse_ex(&p, fdt, sizeof(t.buf), LCM_ARCH_ANY, LP_DOMAINS, LP_MODULES, LP_DIAGS);
	expect_no_diags(&p);
}

/* Offset of the first occurrence of @what (of @len bytes) in the blob. */
static size_t find(const struct tb *t, const void *what, size_t len)
{
	for (size_t i = 0; i + len <= sizeof(t->buf); i++) {
		if (memcmp(t->buf + i, what, len) == 0) {
			return i;
		}
	}
	fail_msg("pattern not found");
	return 0;
}

static void corrupted(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	/* An unknown token where the "chosen" node begins. */
	valid_lcm(&t);
	size_t at = find(&t, "chosen", 7) - 4;
	assert_int_equal(fdt32_ld((const fdt32_t *)(t.buf + at)), FDT_BEGIN_NODE);
	memcpy(t.buf + at, "\x00\x00\x00\x0b", 4);
	lp_parse(&p, t.buf, LCM_ARCH_ANY);
	expect_diags(&p, "error: malformed device tree: its structure block is corrupt");

	/* A property name offset beyond the strings block. */
	valid_lcm(&t);
	struct fdt_header *h = (struct fdt_header *)t.buf;
	h->size_dt_strings = cpu_to_fdt32(4);
	lp_parse(&p, t.buf, LCM_ARCH_ANY);
	expect_diags(&p, "error: malformed device tree: an offset in it points outside the blob");

	/* A version newer than libfdt reads. */
	valid_lcm(&t);
	h->version = cpu_to_fdt32(18);
	h->last_comp_version = cpu_to_fdt32(18);
	lp_parse(&p, t.buf, LCM_ARCH_ANY);
	expect_diags(&p, "error: malformed device tree: its version is not one libfdt reads");

	/* The structure block said to run past the end of the blob. */
	valid_lcm(&t);
	h->size_dt_struct = cpu_to_fdt32(fdt32_ld(&h->size_dt_struct) + 4096);
	lp_parse(&p, t.buf, LCM_ARCH_ANY);
	expect_diags(
		&p,
		"error: malformed device tree: it ends before the size its header gives (truncated)");
}

/* Versions before 16 name nodes by full path; libfdt 1.6.1's
 * fdt_check_full() crashed on such a blob whose root name has no '/' (the
 * fuzzer's first find). Version 16 is still read. */
static void old_versions(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	const uint32_t versions[] = { 1, 2, 3, 11, 15 };
	for (unsigned i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		valid_lcm(&t);
		struct fdt_header *h = (struct fdt_header *)t.buf;
		h->version = cpu_to_fdt32(versions[i]);
		h->last_comp_version = cpu_to_fdt32(1);
		lp_parse(&p, t.buf, LCM_ARCH_ANY);
		char want[128];
		snprintf(
			want, sizeof(want),
			"error: device tree version %u is not supported (an LCM is version 16 or 17)",
			versions[i]);
		expect_diags(&p, want);
	}

	valid_lcm(&t);
	((struct fdt_header *)t.buf)->version = cpu_to_fdt32(16);
	lp_parse(&p, t.buf, LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(p.l.nr_domains, 1);
}

/* A property length of -12 (mod 2^32) cancels the 12 bytes of the property
 * header, so libfdt 1.6.1's fdt_next_tag() returns the same tag forever (the
 * fuzzer's second find): refused before any walk. Other huge lengths move
 * the offset out of the blob, which libfdt reports itself. */
static void property_length_wraps(void **state)
{
	struct tb t;
	struct lp p;
	char want[160];
	(void)state;

	valid_lcm(&t);
	/* The hypervisor's compatible: tag, len, nameoff, then the value. */
	size_t value = find(&t, "hypervisor,xen", 15);
	fdt32_st(t.buf + value - 8, 0xFFFFFFF4);
	lp_parse(&p, t.buf, LCM_ARCH_ANY);
	snprintf(
		want, sizeof(want),
		"error: malformed device tree: the property at byte %zu has a length (0xfffffff4) past the end of the blob",
		value - 12);
	expect_diags(&p, want);

	valid_lcm(&t);
	fdt32_st(t.buf + value - 8, 0xFFFFFF00);
	lp_parse(&p, t.buf, LCM_ARCH_ANY);
	expect_diags(&p, "error: malformed device tree: its structure block is corrupt");

	valid_lcm(&t);
	fdt32_st(t.buf + value - 8, 0x80000000);
	lp_parse(&p, t.buf, LCM_ARCH_ANY);
	expect_diags(&p, "error: malformed device tree: its structure block is corrupt");
}

static void too_many_domains(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_simple_domain(&t, "a");
	tb_simple_domain(&t, "b");
	tb_simple_domain(&t, "c");
	tb_simple_domain(&t, "d");
	lp_parse_ex(&p, tb_done(&t), fdt_totalsize(t.buf), LCM_ARCH_ANY, 2, LP_MODULES, LP_DIAGS);
	expect_diags(&p, "error: " HV "/c: too many domains (this build handles 2)",
		     "error: " HV "/d: too many domains (this build handles 2)");
	assert_int_equal(p.l.nr_domains, 2);
	assert_int_equal(p.l.nr_modules, 2);
	assert_string_equal(p.dom[1].name, "b");
}

static void too_many_modules(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_config(&t);
	tb_mod_idx(&t, "ucode", "microcode", 9);
	tb_end(&t);
	tb_domain(&t, "a");
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	tb_mod_idx(&t, "ramdisk", "ramdisk", 8);
	tb_end(&t);
	tb_simple_domain(&t, "b");
	lp_parse_ex(&p, tb_done(&t), fdt_totalsize(t.buf), LCM_ARCH_X86, LP_DOMAINS, 2, LP_DIAGS);
	expect_diags(&p, "error: " HV "/a/ramdisk: too many modules (this build handles 2)",
		     "error: " HV "/b/kernel: too many modules (this build handles 2)");
	assert_int_equal(p.l.nr_modules, 2);
	assert_int_equal(p.dom[0].nr_modules, 1);
	assert_int_equal(p.dom[1].nr_modules, 0);
}

/* Five domains with one error each. */
static const void *five_errors(struct tb *t)
{
	static const char *const names[] = { "a", "b", "c", "d", "e" };

	tb_init(t);
	for (int i = 0; i < 5; i++) {
		tb_domain(t, names[i]);
		tb_u32(t, "memory", 1000 + (uint32_t)i);
		tb_kernel(t);
		tb_end(t);
	}
	return tb_done(t);
}

static void diag_overflow_still_counts(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	const void *fdt = five_errors(&t);
	lp_parse_ex(&p, fdt, fdt_totalsize(fdt), LCM_ARCH_ANY, LP_DOMAINS, LP_MODULES, 2);
	assert_int_equal(p.rc, LCM_EINVAL);
	assert_int_equal(p.l.nr_diags, 2);
	assert_int_equal(p.l.nr_errors, 5);
	assert_int_equal(p.l.nr_warnings, 0);
	assert_string_equal(lp_diag(&p, 0),
			    "error: " HV "/a: memory: 1000 KiB is below the minimum of 1024 KiB");
	assert_string_equal(lp_diag(&p, 1),
			    "error: " HV "/b: memory: 1001 KiB is below the minimum of 1024 KiB");
	/* Nothing written past the caller's array. */
	assert_int_equal(p.diag[2].severity, 0xA5);
	assert_int_equal((unsigned char)p.diag[2].msg[0], 0xA5);

	/* No diagnostic storage at all. */
	struct lcm_domain doms[8];
	struct lcm_module mods[8];
	struct lcm_launch l = {
		.domains = doms,
		.max_domains = 8,
		.modules = mods,
		.max_modules = 8,
		.diags = NULL,
		.max_diags = 0,
	};
	assert_int_equal(lcm_parse(&l, fdt, fdt_totalsize(fdt), LCM_ARCH_ANY), LCM_EINVAL);
	assert_int_equal(l.nr_diags, 0);
	assert_int_equal(l.nr_errors, 5);
}

/* The caller may parse again into the same storage: nothing carries over. */
static void parse_again(void **state)
{
	struct tb bad, good;
	struct lp p;
	(void)state;

	lp_parse(&p, five_errors(&bad), LCM_ARCH_ANY);
	assert_int_equal(p.l.nr_errors, 5);
	assert_int_equal(lcm_parse(&p.l, valid_lcm(&good), fdt_totalsize(good.buf), LCM_ARCH_ANY),
			 LCM_OK);
	assert_int_equal(p.l.nr_diags, 0);
	assert_int_equal(p.l.nr_errors, 0);
	assert_int_equal(p.l.nr_domains, 1);
	assert_int_equal(p.l.nr_modules, 1);
	assert_int_equal(p.dom[0].domid, 1);
}

/* A node path longer than lcm_diag.path names the node by offset. */
static void long_path(void **state)
{
	struct tb t;
	struct lp p;
	char dom[32], mod[112];
	(void)state;

	/* The longest domain name, and a module name (free length) that
	 * takes the path past the 128 bytes of a diagnostic. */
	memset(dom, 'd', 31);
	dom[31] = '\0';
	memcpy(mod, "module@", 7);
	memset(mod + 7, 'f', 100);
	mod[107] = '\0';
	tb_init(&t);
	tb_domain(&t, dom);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	tb_begin(&t, mod);
	tb_str(&t, "compatible", "module,ramdisk");
	tb_cells(&t, "module-addr", 2, 0x1000, 0);
	const void *fdt = tb_done(&t);
	lp_parse(&p, fdt, LCM_ARCH_ANY);
	char want[128];
	snprintf(want, sizeof(want), "error: (node at offset %d): module-addr: size is 0",
		 fdt_subnode_offset(fdt, fdt_subnode_offset(fdt, p.l.hv_node, dom), mod));
	expect_diags(&p, want);
}

int run_blob_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_hypervisor_node),
		cmocka_unit_test(bad_magic),
		cmocka_unit_test(shorter_than_header),
		cmocka_unit_test(truncated),
		cmocka_unit_test(corrupted),
		cmocka_unit_test(old_versions),
		cmocka_unit_test(property_length_wraps),
		cmocka_unit_test(too_many_domains),
		cmocka_unit_test(too_many_modules),
		cmocka_unit_test(diag_overflow_still_counts),
		cmocka_unit_test(parse_again),
		cmocka_unit_test(long_path),
	};

	return cmocka_run_group_tests_name("lcm-blob", tests, NULL, NULL);
}
