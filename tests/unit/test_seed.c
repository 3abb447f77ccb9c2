/*
 * The design's two example trees (docs/designs/launch/hyperlaunch-
 * devicetree.rst, v4), built with libfdt exactly as the DTS fixtures
 * tests/lcm-fixtures/seed-x86.dts and seed-arm64.dts write them (unit tests
 * have no dtc), and parsed for the roles the design intends: a Boot Domain
 * with id 0x7FF5 and FUNCTION_BOOT only, and a classic dom0 with id 0,
 * permissions 3 and functions 0xC0000006. Keep the three in step.
 */
#include "lcm_test.h"

#include <stdio.h>
#include <string.h>

#include <libfdt.h>

static const uint8_t seed_uuid[16] = { 0xB3, 0xFB, 0x98, 0xFB, 0x8F, 0x9F, 0x67, 0xA3 };

/* One module node as the examples write it: x86 by mb-index with
 * "multiboot,module", Arm by module-addr <addr 0x80>. */
static void seed_module(struct tb *t, bool x86, unsigned n, const char *type, uint32_t addr,
			const char *bootargs)
{
	char name[16], compat[32];

	snprintf(name, sizeof(name), "module@%u", n);
	snprintf(compat, sizeof(compat), "module,%s", type);
	tb_begin(t, name);
	if (x86) {
		tb_strs(t, "compatible", compat, "multiboot,module", NULL);
		tb_u32(t, "mb-index", n);
	} else {
		tb_str(t, "compatible", compat);
		tb_cells(t, "module-addr", 2, addr, 0x80);
	}
	if (bootargs != NULL) {
		tb_str(t, "bootargs", bootargs);
	}
	tb_end(t);
}

/* @addr[n - 1]: module-addr of module@n (Arm only). */
static const void *seed_tree(struct tb *t, bool x86, const uint32_t addr[7])
{
	tb_init(t);
	if (x86) {
		/* Only the x86 example has these (and #size-cells 0 could not
		 * describe a module-addr anyway). */
		tb_u32(t, "#address-cells", 1);
		tb_u32(t, "#size-cells", 0);
	}
	tb_config(t);
	seed_module(t, x86, 1, "microcode", addr[0], NULL);
	seed_module(t, x86, 2, "xsm-policy", addr[1], NULL);
	tb_end(t);

	tb_domain(t, "domain");
	tb_u32(t, "domid", 0x7FF5);
	tb_u32(t, "functions", 0x00000001);
	tb_cells(t, "memory", 2, 0x0, 0x20000);
	tb_u32(t, "cpus", 1);
	seed_module(t, x86, 3, "kernel", addr[2], NULL);
	seed_module(t, x86, 4, "ramdisk", addr[3], NULL);
	seed_module(t, x86, 5, "config", addr[4], NULL);
	tb_end(t);

	tb_domain(t, "domain@0");
	tb_u32(t, "domid", 0);
	tb_u32(t, "permissions", 3);
	tb_u32(t, "functions", 0xC0000006);
	tb_u32(t, "mode", 5);
	tb_raw(t, "domain-uuid", seed_uuid, 8);
	tb_u32(t, "cpus", 1);
	tb_cells(t, "memory", 2, 0x0, 0x20000);
	tb_str(t, "security-id", "dom0_t");
	seed_module(t, x86, 6, "kernel", addr[5], "console=hvc0");
	seed_module(t, x86, 7, "ramdisk", addr[6], NULL);
	tb_end(t);
	return tb_done(t);
}

/* What both examples must mean. */
static void check_roles(const struct lp *p)
{
	assert_int_equal(p->l.nr_domains, 2);
	assert_int_equal(p->l.nr_modules, 7);
	assert_int_equal(p->l.nr_config_modules, 2);
	assert_int_equal(p->mod[0].type, LCM_MOD_MICROCODE);
	assert_int_equal(p->mod[1].type, LCM_MOD_XSM_POLICY);

	const struct lcm_domain *boot = &p->dom[0];
	assert_string_equal(boot->name, "domain");
	assert_int_equal(boot->domid, 0x7FF5);
	assert_false(boot->domid_auto);
	assert_int_equal(boot->functions, LCM_FUNCTION_BOOT);
	assert_int_equal(boot->permissions, LCM_PERMISSION_NONE);
	assert_int_equal(boot->mode, LCM_MODE_LONG);
	assert_int_equal(boot->cpus, 1);
	assert_int_equal(boot->memory_kib, 0x20000);
	assert_string_equal(boot->security_id, "domU_t");
	assert_false(boot->has_uuid);
	assert_int_equal(boot->nr_modules, 3);
	assert_int_equal(p->mod[boot->module[LCM_MOD_KERNEL]].type, LCM_MOD_KERNEL);
	assert_int_equal(boot->module[LCM_MOD_KERNEL], 2);
	assert_int_equal(boot->module[LCM_MOD_RAMDISK], 3);
	assert_int_equal(boot->module[LCM_MOD_CONFIG], 4);
	assert_int_equal(p->l.boot, 0);

	const struct lcm_domain *dom0 = &p->dom[1];
	assert_string_equal(dom0->name, "domain@0");
	assert_int_equal(dom0->domid, 0);
	assert_true(dom0->domid_auto);
	assert_int_equal(dom0->permissions, 3);
	assert_int_equal(dom0->functions, 0xC0000006);
	assert_int_equal(dom0->mode, 5);
	assert_true(dom0->has_uuid);
	assert_memory_equal(dom0->uuid, seed_uuid, 16);
	assert_int_equal(dom0->cpus, 1);
	assert_int_equal(dom0->memory_kib, 0x20000);
	assert_string_equal(dom0->security_id, "dom0_t");
	assert_int_equal(dom0->module[LCM_MOD_KERNEL], 5);
	assert_int_equal(dom0->module[LCM_MOD_RAMDISK], 6);
	assert_string_equal(p->mod[5].bootargs, "console=hvc0");
	assert_null(p->mod[6].bootargs);

	assert_int_equal(p->l.legacy_dom0, 1);
	assert_int_equal(p->l.hardware, 1);
	assert_int_equal(p->l.recovery, 1);
	assert_int_equal(p->l.console, 1);
	assert_int_equal(p->l.xenstore, 1);
	assert_ptr_equal(lcm_find_domid(&p->l, 0x7FF5), boot);
	assert_ptr_equal(lcm_find_domid(&p->l, 0), dom0);
}

static const uint32_t no_addr[7];

static void seed_x86(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, seed_tree(&t, true, no_addr), LCM_ARCH_X86);
	expect_diags(&p, "warning: " HV
			 "/domain@0: domain-uuid: a UUID is 16 bytes, found 8; padded with zeros");
	check_roles(&p);
	for (unsigned i = 0; i < 7; i++) {
		assert_int_equal(p.mod[i].mb_index, i + 1);
		assert_int_equal(p.mod[i].flags, LCM_MODF_MULTIBOOT | LCM_MODF_INDEX);
	}
}

/* The Arm example with one range per module (seed-arm64.dts explains). */
static const uint32_t arm_addr[7] = {
	0x0000ff00, 0x0001ff00, 0x0002ff00, 0x0003ff00, 0x0004ff00, 0x0005ff00, 0x0006ff00,
};

static void seed_arm64(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	lp_parse(&p, seed_tree(&t, false, arm_addr), LCM_ARCH_ARM64);
	expect_diags(&p,
		     "warning: " HV
		     "/domain@0: mode: PV and device-model bits have no meaning on Arm; ignored",
		     "warning: " HV
		     "/domain@0: domain-uuid: a UUID is 16 bytes, found 8; padded with zeros");
	check_roles(&p);
	for (unsigned i = 0; i < 7; i++) {
		assert_int_equal(p.mod[i].addr, arm_addr[i]);
		assert_int_equal(p.mod[i].size, 0x80);
		assert_int_equal(p.mod[i].flags, LCM_MODF_ADDR);
	}
}

/* As published, every module is <0x0000ff00 0x80>: one range as modules of
 * five types. Each later module is reported against each earlier one of
 * another type; the two kernels and the two ramdisks may share. */
static void seed_arm64_as_published(void **state)
{
	static const uint32_t same[7] = {
		0xff00, 0xff00, 0xff00, 0xff00, 0xff00, 0xff00, 0xff00,
	};
	struct tb t;
	struct lp p;
	(void)state;

#define SAME_AS(node, other, type)                                                         \
	"error: " HV node ": module-addr: the same module as " HV other ", which is " type \
	" module: a shared module has one type"
	lp_parse(&p, seed_tree(&t, false, same), LCM_ARCH_ARM64);
	expect_diags(&p,
		     "warning: " HV
		     "/domain@0: mode: PV and device-model bits have no meaning on Arm; ignored",
		     "warning: " HV
		     "/domain@0: domain-uuid: a UUID is 16 bytes, found 8; padded with zeros",
		     SAME_AS("/config/module@2", "/config/module@1", "a microcode"),
		     SAME_AS("/domain/module@3", "/config/module@1", "a microcode"),
		     SAME_AS("/domain/module@4", "/config/module@1", "a microcode"),
		     SAME_AS("/domain/module@5", "/config/module@1", "a microcode"),
		     SAME_AS("/domain@0/module@6", "/config/module@1", "a microcode"),
		     SAME_AS("/domain@0/module@7", "/config/module@1", "a microcode"),
		     SAME_AS("/domain/module@3", "/config/module@2", "an xsm-policy"),
		     SAME_AS("/domain/module@4", "/config/module@2", "an xsm-policy"),
		     SAME_AS("/domain/module@5", "/config/module@2", "an xsm-policy"),
		     SAME_AS("/domain@0/module@6", "/config/module@2", "an xsm-policy"),
		     SAME_AS("/domain@0/module@7", "/config/module@2", "an xsm-policy"),
		     SAME_AS("/domain/module@4", "/domain/module@3", "a kernel"),
		     SAME_AS("/domain/module@5", "/domain/module@3", "a kernel"),
		     SAME_AS("/domain@0/module@7", "/domain/module@3", "a kernel"),
		     SAME_AS("/domain/module@5", "/domain/module@4", "a ramdisk"),
		     SAME_AS("/domain@0/module@6", "/domain/module@4", "a ramdisk"),
		     SAME_AS("/domain@0/module@6", "/domain/module@5", "a config"),
		     SAME_AS("/domain@0/module@7", "/domain/module@5", "a config"),
		     SAME_AS("/domain@0/module@7", "/domain@0/module@6", "a kernel"));
#undef SAME_AS
	/* Parsing still describes every domain and module. */
	check_roles(&p);
}

int run_seed_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_x86),
		cmocka_unit_test(seed_arm64),
		cmocka_unit_test(seed_arm64_as_published),
	};

	return cmocka_run_group_tests_name("lcm-seed", tests, NULL, NULL);
}
