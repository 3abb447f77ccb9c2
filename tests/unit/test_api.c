/*
 * The library's small helpers used by the hypervisor console and lcm-tool:
 * lcm_diag_format(), the permission and function names, lcm_find_domid()
 * and lcm_module_type_name(). Each returns the length the whole text would
 * have, like snprintf, and never writes past the buffer it is given.
 */
#include "lcm_test.h"

#include <string.h>

static struct lcm_diag make_diag(const char *path, const char *prop, const char *msg)
{
	struct lcm_diag d;

	memset(&d, 0, sizeof(d));
	d.severity = LCM_ERROR;
	strcpy(d.path, path);
	strcpy(d.prop, prop);
	strcpy(d.msg, msg);
	return d;
}

static void diag_format_parts(void **state)
{
	char buf[256];
	(void)state;

	struct lcm_diag d = make_diag("/chosen/hypervisor/dom1", "memory", "too small");
	assert_int_equal(lcm_diag_format(&d, buf, sizeof(buf)), 42);
	assert_string_equal(buf, "/chosen/hypervisor/dom1: memory: too small");

	d = make_diag("/chosen/hypervisor/dom1", "", "no kernel module");
	assert_int_equal(lcm_diag_format(&d, buf, sizeof(buf)), 41);
	assert_string_equal(buf, "/chosen/hypervisor/dom1: no kernel module");

	d = make_diag("", "compatible", "odd");
	assert_int_equal(lcm_diag_format(&d, buf, sizeof(buf)), 15);
	assert_string_equal(buf, "compatible: odd");

	d = make_diag("", "", "not a flattened device tree");
	assert_int_equal(lcm_diag_format(&d, buf, sizeof(buf)), 27);
	assert_string_equal(buf, "not a flattened device tree");

	d = make_diag("", "", "");
	assert_int_equal(lcm_diag_format(&d, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void diag_format_truncates(void **state)
{
	char buf[16];
	(void)state;

	struct lcm_diag d = make_diag("/a/b", "cpus", "0 vCPUs");
	memset(buf, '#', sizeof(buf));
	assert_int_equal(lcm_diag_format(&d, buf, 8), 19);
	assert_string_equal(buf, "/a/b: c");
	assert_int_equal(buf[8], '#');
	memset(buf, '#', sizeof(buf));
	assert_int_equal(lcm_diag_format(&d, buf, 1), 19);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], '#');
	assert_int_equal(lcm_diag_format(&d, buf, 0), 19);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], '#');
}

static void str_is(int (*fn)(uint32_t, char *, size_t), uint32_t v, const char *want)
{
	char buf[128];

	memset(buf, '#', sizeof(buf));
	assert_int_equal(fn(v, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void permissions_str(void **state)
{
	(void)state;

	str_is(lcm_permissions_str, 0, "none");
	str_is(lcm_permissions_str, LCM_PERMISSION_CONTROL, "control");
	str_is(lcm_permissions_str, LCM_PERMISSION_HARDWARE, "hardware");
	str_is(lcm_permissions_str, 3, "control,hardware");
	str_is(lcm_permissions_str, 4, "0x4");
	str_is(lcm_permissions_str, 0xFFFFFFFF, "control,hardware,0xfffffffc");
}

static void functions_str(void **state)
{
	(void)state;

	str_is(lcm_functions_str, 0, "none");
	str_is(lcm_functions_str, LCM_FUNCTION_BOOT, "boot");
	str_is(lcm_functions_str, LCM_FUNCTION_CRASH, "recovery");
	str_is(lcm_functions_str, LCM_FUNCTION_CONSOLE, "console");
	str_is(lcm_functions_str, LCM_FUNCTION_XENSTORE, "xenstore");
	str_is(lcm_functions_str, LCM_FUNCTION_LEGACY_DOM0, "legacy-dom0");
	str_is(lcm_functions_str, 0xC0000006, "recovery,console,xenstore,legacy-dom0");
	str_is(lcm_functions_str, 0x9, "boot,0x8");
	str_is(lcm_functions_str, 0x8, "0x8");
	str_is(lcm_functions_str, 0xFFFFFFFF,
	       "boot,recovery,console,xenstore,legacy-dom0,0x3ffffff8");
}

static void names_truncate(void **state)
{
	char buf[32];
	(void)state;

	memset(buf, '#', sizeof(buf));
	assert_int_equal(lcm_functions_str(0xC0000006, buf, 10), 37);
	assert_string_equal(buf, "recovery,");
	assert_int_equal(buf[10], '#');

	memset(buf, '#', sizeof(buf));
	assert_int_equal(lcm_functions_str(0x9, buf, 6), 8);
	assert_string_equal(buf, "boot,");
	assert_int_equal(buf[6], '#');

	memset(buf, '#', sizeof(buf));
	assert_int_equal(lcm_permissions_str(3, buf, 3), 16);
	assert_string_equal(buf, "co");
	assert_int_equal(buf[3], '#');

	memset(buf, '#', sizeof(buf));
	assert_int_equal(lcm_permissions_str(0, buf, 2), 4);
	assert_string_equal(buf, "n");

	memset(buf, '#', sizeof(buf));
	assert_int_equal(lcm_permissions_str(3, buf, 0), 16);
	assert_int_equal(buf[0], '#');
}

static void find_domid(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "boot");
	tb_u32(&t, "functions", LCM_FUNCTION_BOOT);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	tb_end(&t);
	tb_simple_domain(&t, "app");
	tb_domain(&t, "dom0");
	tb_u32(&t, "functions", LCM_FUNCTION_LEGACY_DOM0);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	tb_end(&t);
	tb_domain(&t, "fixed");
	tb_u32(&t, "domid", 100);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_ptr_equal(lcm_find_domid(&p.l, 0x7FF5), &p.dom[0]);
	assert_ptr_equal(lcm_find_domid(&p.l, 1), &p.dom[1]);
	assert_ptr_equal(lcm_find_domid(&p.l, 0), &p.dom[2]);
	assert_ptr_equal(lcm_find_domid(&p.l, 100), &p.dom[3]);
	assert_null(lcm_find_domid(&p.l, 2));
	assert_null(lcm_find_domid(&p.l, 0xFFFFFFFF));
}

static void module_type_names(void **state)
{
	(void)state;

	assert_string_equal(lcm_module_type_name(LCM_MOD_KERNEL), "kernel");
	assert_string_equal(lcm_module_type_name(LCM_MOD_RAMDISK), "ramdisk");
	assert_string_equal(lcm_module_type_name(LCM_MOD_DEVICE_TREE), "device-tree");
	assert_string_equal(lcm_module_type_name(LCM_MOD_CONFIG), "config");
	assert_string_equal(lcm_module_type_name(LCM_MOD_MICROCODE), "microcode");
	assert_string_equal(lcm_module_type_name(LCM_MOD_XSM_POLICY), "xsm-policy");
	assert_string_equal(lcm_module_type_name(LCM_MOD_NR_TYPES), "?");
	assert_string_equal(lcm_module_type_name(0xFFFFFFFF), "?");
}

int run_api_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diag_format_parts), cmocka_unit_test(diag_format_truncates),
		cmocka_unit_test(permissions_str),   cmocka_unit_test(functions_str),
		cmocka_unit_test(names_truncate),    cmocka_unit_test(find_domid),
		cmocka_unit_test(module_type_names),
	};

	return cmocka_run_group_tests_name("lcm-api", tests, NULL, NULL);
}
