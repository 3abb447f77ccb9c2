/*
 * Domain names (docs/bindings.md, "Domain nodes"): the node name is the
 * domain's name, printed on the hypervisor's console, so it must follow the
 * JSON name rule (1-31 letters, digits or ",._+-", starting with a letter;
 * "@unit-address" allowed). A name that does not is an error naming the
 * node, and the diagnostic itself shows the name's bytes as "\xHH": the
 * hypervisor prints it on its console.
 */
#include <string.h>

#include <libfdt.h>

#include "lcm_test.h"

#define RULE \
	"(a domain's name is its node name: 1-31 letters, digits or \",._+-\", from a letter, \"@unit\" optional)"

static void valid_names(void **state)
{
	(void)state;

	assert_true(lcm_valid_name("a"));
	assert_true(lcm_valid_name("dom1"));
	assert_true(lcm_valid_name("Linux-1.control_a+b,c"));
	assert_true(lcm_valid_name("domain@0"));
	assert_true(lcm_valid_name("d@1,2.x"));
	assert_true(lcm_valid_name("abcdefghijklmnopqrstuvwxyz01234")); /* 31 */
	assert_true(lcm_valid_name("abcdefghijklmnopqrstuvwxyz0@234")); /* 31 in all */
}

static void invalid_names(void **state)
{
	(void)state;

	assert_false(lcm_valid_name(""));
	assert_false(lcm_valid_name("1st"));
	assert_false(lcm_valid_name("-a"));
	assert_false(lcm_valid_name("@0"));
	assert_false(lcm_valid_name("dom@"));
	assert_false(lcm_valid_name("a@b@c"));
	assert_false(lcm_valid_name("abcdefghijklmnopqrstuvwxyz012345")); /* 32 */
	assert_false(lcm_valid_name("abcdefghijklmnopqrstuvwxyz@012345"));
	assert_false(lcm_valid_name("a b"));
	assert_false(lcm_valid_name("a/b"));
	assert_false(lcm_valid_name("a#b"));
	assert_false(lcm_valid_name("a\tb"));
	assert_false(lcm_valid_name("a\nb"));
	assert_false(lcm_valid_name("a\rb"));
	assert_false(lcm_valid_name("a\x1b[2Jb"));
	assert_false(lcm_valid_name("a\x7f"));
	assert_false(lcm_valid_name("a\x85"));         /* C1 NEL */
	assert_false(lcm_valid_name("a\xc2\x9b"));     /* U+009B CSI in UTF-8 */
	assert_false(lcm_valid_name("a\xe2\x80\xae")); /* U+202E RLO */
	assert_false(lcm_valid_name("caf\xc3\xa9"));   /* any non-ASCII */
}

/* One domain called @name, otherwise valid. */
static const void *one_domain(struct tb *t, const char *name)
{
	tb_init(t);
	tb_simple_domain(t, name);
	return tb_done(t);
}

static void name_with_escape_sequence(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, "evil\x1b[2J"), LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV "/evil\\x1b[2J: name: byte 0x1b at 4 is not allowed " RULE);
}

static void name_with_line_break(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	/* A name that would print a fake hypervisor line. */
	lp_parse(&p, one_domain(&t, "a\r\nlaunch: FAILED"), LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV
			 "/a\\x0d\\x0alaunch: FAILED: name: byte 0x0d at 1 is not allowed " RULE);
}

static void name_with_c1_and_bidi(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p,
		 one_domain(&t, "a\x9b"
				"31m"),
		 LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV "/a\\x9b31m: name: byte 0x9b at 1 is not allowed " RULE);
	lp_parse(&p, one_domain(&t, "x\xc2\x85y"), LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV "/x\\xc2\\x85y: name: byte 0xc2 at 1 is not allowed " RULE);
	lp_parse(&p,
		 one_domain(&t, "\xe2\x80\xae"
				"abc"),
		 LCM_ARCH_ANY);
	expect_diags(&p,
		     "error: " HV "/\\xe2\\x80\\xaeabc: name: byte 0xe2 at 0 is not allowed " RULE);
}

static void name_printable_but_not_allowed(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, "a b"), LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV "/a b: name: byte 0x20 at 1 is not allowed " RULE);
	lp_parse(&p, one_domain(&t, "a#b"), LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV "/a#b: name: '#' at byte 1 is not allowed " RULE);
	lp_parse(&p, one_domain(&t, "a\\b"), LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV "/a\\x5cb: name: '\\x5c' at byte 1 is not allowed " RULE);
	lp_parse(&p, one_domain(&t, "dom@1@2"), LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV "/dom@1@2: name: '@' at byte 5 is not allowed " RULE);
}

static void name_shape(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, one_domain(&t, "1st"), LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV "/1st: name: starts with '1', not a letter " RULE);
	lp_parse(&p, one_domain(&t, "@1"), LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV "/@1: name: starts with '@', not a letter " RULE);
	lp_parse(&p, one_domain(&t, "dom@"), LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV "/dom@: name: ends with '@': no unit address " RULE);
	lp_parse(&p, one_domain(&t, "abcdefghijklmnopqrstuvwxyz012345"), LCM_ARCH_ANY);
	expect_diags(&p,
		     "error: " HV
		     "/abcdefghijklmnopqrstuvwxyz012345: name: 32 characters, more than 31 " RULE);
	lp_parse(&p, one_domain(&t, "domain@0"), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_string_equal(p.dom[0].name, "domain@0");
}

/* A bad name is not kept: later diagnostics, and whoever uses even a
 * rejected description, see LCM_INVALID_NAME. */
static void bad_name_quoted_elsewhere(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "a\x1b"
		      "b");
	tb_u32(&t, "functions", LCM_FUNCTION_CONSOLE);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	tb_end(&t);
	tb_domain(&t, "second");
	tb_u32(&t, "functions", LCM_FUNCTION_CONSOLE);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	tb_end(&t);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(
		&p, "error: " HV "/a\\x1bb: name: byte 0x1b at 1 is not allowed " RULE,
		"error: " HV
		"/second: functions: a second console domain (the first is (invalid name)): at most one domain may hold it");
	assert_string_equal(p.dom[0].name, LCM_INVALID_NAME);
	for (uint32_t i = 0; i < p.l.nr_diags; i++) {
		for (const char *c = lp_diag(&p, i); *c != '\0'; c++) {
			assert_true(*c >= 0x20 && *c <= 0x7e);
		}
	}
}

/*
 * An HL_DOMAIN_CREATE fragment (docs/hypercalls.md): a one-domain LCM built
 * by a guest with libfdt's sequential-write calls, 2 address cells, the
 * kernel in the caller's RAM. The hypervisor parses it with lcm_parse(), so
 * the name rule holds for created domains too.
 */
static const void *fragment(struct tb *t, const char *name)
{
	tb_init(t);
	tb_u32(t, "#address-cells", 2);
	tb_u32(t, "#size-cells", 1);
	tb_domain(t, name);
	tb_u32(t, "domid", 9);
	tb_u32(t, "memory", 8192);
	tb_begin(t, "kernel");
	tb_str(t, "compatible", "module,kernel");
	tb_cells(t, "module-addr", 3, 0, 0x40100000, 0x2000);
	tb_end(t);
	return tb_done(t);
}

static void fragment_names(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, fragment(&t, "created"), LCM_ARCH_ARM64);
	expect_no_diags(&p);
	assert_int_equal(p.l.nr_domains, 1);
	assert_string_equal(p.dom[0].name, "created");

	/* A name forging a line of another domain. */
	lp_parse(&p, fragment(&t, "x] ok\n[app1"), LCM_ARCH_ARM64);
	expect_diags(&p, "error: " HV "/x] ok\\x0a[app1: name: ']' at byte 1 is not allowed " RULE);
	lp_parse(&p, fragment(&t, "created\x1b]0;title\x07"), LCM_ARCH_ARM64);
	expect_diags(&p, "error: " HV
			 "/created\\x1b]0;title\\x07: name: byte 0x1b at 7 is not allowed " RULE);
	lp_parse(&p,
		 fragment(&t, "c\xe2\x81\xa6"
			      "d"),
		 LCM_ARCH_ARM64); /* U+2066 LRI */
	expect_diags(&p,
		     "error: " HV "/c\\xe2\\x81\\xa6d: name: byte 0xe2 at 1 is not allowed " RULE);
}

static void printable(void **state)
{
	char buf[8];
	(void)state;

	lcm_printable(buf, sizeof(buf), "a\x1b\\\xc2\x85");
	assert_string_equal(buf, "a\\x1b"); /* the next escape does not fit */
	lcm_printable(buf, sizeof(buf), "ab~ cd");
	assert_string_equal(buf, "ab~ cd");
	lcm_printable(buf, 1, "abc");
	assert_string_equal(buf, "");
	char big[32];
	lcm_printable(big, sizeof(big), "\t\\\x7f\x9b\xff");
	assert_string_equal(big, "\\x09\\x5c\\x7f\\x9b\\xff");
}

int run_name_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_names),
		cmocka_unit_test(invalid_names),
		cmocka_unit_test(name_with_escape_sequence),
		cmocka_unit_test(name_with_line_break),
		cmocka_unit_test(name_with_c1_and_bidi),
		cmocka_unit_test(name_printable_but_not_allowed),
		cmocka_unit_test(name_shape),
		cmocka_unit_test(bad_name_quoted_elsewhere),
		cmocka_unit_test(fragment_names),
		cmocka_unit_test(printable),
	};

	return cmocka_run_group_tests_name("lcm-names", tests, NULL, NULL);
}
