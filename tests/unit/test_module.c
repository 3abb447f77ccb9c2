/*
 * Module nodes (docs/bindings.md, "The Module node"): each type, both ways to
 * locate a module (mb-index, module-addr with its cell counts), bootargs, and
 * hash nodes. The module under test is mostly a ramdisk beside a good kernel,
 * so that its diagnostic is the only one.
 */
#include "lcm_test.h"

#include <string.h>

#include <libfdt.h>

#define D1 "/chosen/hypervisor/dom1"

/* dom1 with a kernel at 0x100000 (1 MiB); the caller adds modules and the
 * builder is left inside dom1. */
static void start_dom1(struct tb *t)
{
	tb_init(t);
	tb_domain(t, "dom1");
	tb_u32(t, "memory", 16384);
	tb_mod_addr(t, "kernel", "kernel", 0x100000, 0x1000);
}

static void each_type(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_config(&t);
	tb_mod_addr(&t, "microcode", "microcode", 0x1000, 0x100);
	tb_mod_addr(&t, "xsm", "xsm-policy", 0x2000, 0x100);
	tb_end(&t);
	tb_domain(&t, "dom1");
	tb_u32(&t, "memory", 16384);
	tb_mod_addr(&t, "kernel", "kernel", 0x100000, 0x1000);
	tb_mod_addr(&t, "ramdisk", "ramdisk", 0x200000, 0x1000);
	tb_mod_addr(&t, "device-tree", "device-tree", 0x300000, 0x1000);
	tb_mod_addr(&t, "config", "config", 0x400000, 0x1000);
	const void *fdt = tb_done(&t);
	lp_parse(&p, fdt, LCM_ARCH_ANY);
	expect_no_diags(&p);

	assert_int_equal(p.l.nr_modules, 6);
	assert_int_equal(p.l.config_node, fdt_path_offset(fdt, HV "/config"));
	assert_int_equal(p.l.first_config_module, 0);
	assert_int_equal(p.l.nr_config_modules, 2);
	assert_int_equal(p.mod[0].type, LCM_MOD_MICROCODE);
	assert_int_equal(p.mod[0].owner, LCM_OWNER_CONFIG);
	assert_int_equal(p.mod[0].node, fdt_path_offset(fdt, HV "/config/microcode"));
	assert_int_equal(p.mod[1].type, LCM_MOD_XSM_POLICY);
	assert_int_equal(p.mod[1].owner, LCM_OWNER_CONFIG);

	const struct lcm_domain *d = &p.dom[0];
	assert_int_equal(d->first_module, 2);
	assert_int_equal(d->nr_modules, 4);
	assert_int_equal(d->module[LCM_MOD_KERNEL], 2);
	assert_int_equal(d->module[LCM_MOD_RAMDISK], 3);
	assert_int_equal(d->module[LCM_MOD_DEVICE_TREE], 4);
	assert_int_equal(d->module[LCM_MOD_CONFIG], 5);
	assert_int_equal(d->module[LCM_MOD_MICROCODE], -1);
	assert_int_equal(d->module[LCM_MOD_XSM_POLICY], -1);
	static const uint8_t types[] = {
		LCM_MOD_KERNEL,
		LCM_MOD_RAMDISK,
		LCM_MOD_DEVICE_TREE,
		LCM_MOD_CONFIG,
	};
	for (unsigned i = 0; i < 4; i++) {
		const struct lcm_module *m = &p.mod[2 + i];
		assert_int_equal(m->type, types[i]);
		assert_int_equal(m->owner, 0);
		assert_int_equal(m->flags, LCM_MODF_ADDR);
		assert_int_equal(m->addr, 0x100000 * (i + 1));
		assert_int_equal(m->size, 0x1000);
		assert_int_equal(m->hash_node, -1);
		assert_null(m->bootargs);
	}
	assert_int_equal(p.mod[2].node, fdt_path_offset(fdt, D1 "/kernel"));
}

static void module_addr_four_cells(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "dom1");
	tb_u32(&t, "memory", 16384);
	tb_begin(&t, "kernel");
	tb_str(&t, "compatible", "module,kernel");
	tb_cells(&t, "module-addr", 4, 0x1, 0x80000000, 0x0, 0x200000);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ARM64);
	expect_no_diags(&p);
	assert_int_equal(p.mod[0].addr, 0x180000000ull);
	assert_int_equal(p.mod[0].size, 0x200000);
	assert_int_equal(p.mod[0].flags, LCM_MODF_ADDR);
}

/* #address-cells = <2>, #size-cells = <1> on the hypervisor node. */
static void module_addr_cells_from_hypervisor(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_u32(&t, "#address-cells", 2);
	tb_u32(&t, "#size-cells", 1);
	tb_domain(&t, "dom1");
	tb_u32(&t, "memory", 16384);
	tb_begin(&t, "kernel");
	tb_str(&t, "compatible", "module,kernel");
	tb_cells(&t, "module-addr", 3, 0x1, 0x0, 0x3000);
	tb_end(&t);
	tb_begin(&t, "ramdisk");
	tb_str(&t, "compatible", "module,ramdisk");
	tb_cells(&t, "module-addr", 2, 0x10000, 0x1000);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(
		&p,
		"error: " D1
		"/ramdisk: module-addr: 8 bytes: expected 3 cells (#address-cells 2 + #size-cells 1)");
	assert_int_equal(p.l.nr_modules, 1);
	assert_int_equal(p.mod[0].addr, 0x100000000ull);
	assert_int_equal(p.mod[0].size, 0x3000);
	assert_int_equal(p.dom[0].module[LCM_MOD_RAMDISK], -1);
}

/* The module's parent (the domain node) wins over the hypervisor node. */
static void module_addr_cells_from_parent(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_u32(&t, "#address-cells", 2);
	tb_u32(&t, "#size-cells", 2);
	tb_domain(&t, "dom1");
	tb_u32(&t, "#address-cells", 1);
	tb_u32(&t, "#size-cells", 2);
	tb_u32(&t, "memory", 16384);
	tb_begin(&t, "kernel");
	tb_str(&t, "compatible", "module,kernel");
	tb_cells(&t, "module-addr", 3, 0x40000000, 0x1, 0x0);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(p.mod[0].addr, 0x40000000);
	assert_int_equal(p.mod[0].size, 0x100000000ull);
}

/* The x86 example's #size-cells = <0> cannot describe a size: the length of
 * module-addr decides, as when no cell counts are given at all. */
static void module_addr_unusable_cells_infer_from_length(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_u32(&t, "#address-cells", 1);
	tb_u32(&t, "#size-cells", 0);
	tb_domain(&t, "dom1");
	tb_u32(&t, "memory", 16384);
	tb_mod_addr(&t, "kernel", "kernel", 0xff00, 0x80);
	tb_begin(&t, "ramdisk");
	tb_str(&t, "compatible", "module,ramdisk");
	tb_cells(&t, "module-addr", 3, 0, 0x20000, 0x80);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(
		&p,
		"error: " D1
		"/ramdisk: module-addr: 12 bytes: expected <address size> as 2 or 4 cells, or set #address-cells/#size-cells (1 or 2) on the parent node");
	assert_int_equal(p.mod[0].addr, 0xff00);
	assert_int_equal(p.mod[0].size, 0x80);
}

static void module_addr_size_zero_and_wrap(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	start_dom1(&t);
	tb_mod_addr(&t, "ramdisk", "ramdisk", 0x200000, 0);
	tb_begin(&t, "device-tree");
	tb_str(&t, "compatible", "module,device-tree");
	tb_cells(&t, "module-addr", 4, 0xFFFFFFFF, 0xFFFF0000, 0x0, 0x20000);
	tb_end(&t);
	/* Ending exactly at 2^64 - 1 is fine. */
	tb_begin(&t, "config");
	tb_str(&t, "compatible", "module,config");
	tb_cells(&t, "module-addr", 4, 0xFFFFFFFF, 0xFFFF0000, 0x0, 0xFFFF);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(
		&p, "error: " D1 "/ramdisk: module-addr: size is 0",
		"error: " D1
		"/device-tree: module-addr: 0xffffffffffff0000 + 0x20000 wraps past the end of the address space");
	assert_int_equal(p.l.nr_modules, 2);
	assert_int_equal(p.mod[1].addr, 0xFFFFFFFFFFFF0000ull);
	assert_int_equal(p.mod[1].size, 0xFFFF);
}

static void mb_index(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "dom1");
	tb_u32(&t, "memory", 16384);
	tb_mod_idx(&t, "kernel", "kernel", 3);
	tb_begin(&t, "ramdisk");
	tb_str(&t, "compatible", "module,ramdisk"); /* no "multiboot,module" */
	tb_u32(&t, "mb-index", 4);
	lp_parse(&p, tb_done(&t), LCM_ARCH_X86);
	expect_no_diags(&p);
	assert_int_equal(p.mod[0].mb_index, 3);
	assert_int_equal(p.mod[0].flags, LCM_MODF_MULTIBOOT | LCM_MODF_INDEX);
	assert_int_equal(p.mod[1].mb_index, 4);
	assert_int_equal(p.mod[1].flags, LCM_MODF_INDEX);
}

static void mb_index_errors(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	start_dom1(&t);
	tb_mod_idx(&t, "ramdisk", "ramdisk", 0);
	tb_begin(&t, "device-tree");
	tb_str(&t, "compatible", "module,device-tree");
	tb_cells(&t, "mb-index", 2, 0, 1);
	tb_end(&t);
	tb_begin(&t, "config");
	tb_str(&t, "compatible", "module,config");
	tb_u32(&t, "mb-index", 2);
	tb_cells(&t, "module-addr", 2, 0x5000, 0x1000);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 "/ramdisk: mb-index: 0 is the LCM itself; modules start at 1",
		     "error: " D1
		     "/device-tree: mb-index: expected one 32-bit cell (4 bytes), found 8 bytes",
		     "error: " D1 "/config: both mb-index and module-addr: give exactly one");
	assert_int_equal(p.l.nr_modules, 1);
	assert_int_equal(p.dom[0].nr_modules, 1);
}

static void no_location(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	start_dom1(&t);
	tb_begin(&t, "ramdisk");
	tb_str(&t, "compatible", "module,ramdisk");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1
			 "/ramdisk: no location: give mb-index (multiboot) or module-addr");
}

static void multiboot_module_with_module_addr(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	start_dom1(&t);
	tb_begin(&t, "ramdisk");
	tb_strs(&t, "compatible", "module,ramdisk", "multiboot,module", NULL);
	tb_cells(&t, "module-addr", 2, 0x200000, 0x1000);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(
		&p,
		"error: " D1
		"/ramdisk: compatible: a \"multiboot,module\" is located by mb-index, not module-addr");
}

static void bootargs_kernel(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "dom1");
	tb_u32(&t, "memory", 16384);
	tb_begin(&t, "kernel");
	tb_str(&t, "compatible", "module,kernel");
	tb_cells(&t, "module-addr", 2, 0x100000, 0x1000);
	tb_str(&t, "bootargs", "console=hvc0 root=/dev/ram0");
	tb_end(&t);
	tb_end(&t);
	tb_domain(&t, "dom2");
	tb_u32(&t, "memory", 16384);
	tb_begin(&t, "kernel");
	tb_str(&t, "compatible", "module,kernel");
	tb_cells(&t, "module-addr", 2, 0x100000, 0x1000);
	tb_str(&t, "bootargs", "");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ARM64);
	expect_no_diags(&p);
	assert_string_equal(p.mod[0].bootargs, "console=hvc0 root=/dev/ram0");
	assert_string_equal(p.mod[1].bootargs, "");
}

static void bootargs_on_other_modules_warned(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	start_dom1(&t);
	tb_begin(&t, "ramdisk");
	tb_str(&t, "compatible", "module,ramdisk");
	tb_cells(&t, "module-addr", 2, 0x200000, 0x1000);
	tb_str(&t, "bootargs", "quiet");
	tb_end(&t);
	tb_end(&t);
	tb_config(&t);
	tb_begin(&t, "microcode");
	tb_str(&t, "compatible", "module,microcode");
	tb_cells(&t, "module-addr", 2, 0x300000, 0x1000);
	tb_str(&t, "bootargs", "x");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(
		&p,
		"warning: " D1
		"/ramdisk: bootargs: only kernel modules take bootargs; ignored on a ramdisk module",
		"warning: " HV
		"/config/microcode: bootargs: only kernel modules take bootargs; ignored on a microcode module");
	assert_int_equal(p.l.nr_modules, 3);
	assert_null(p.mod[1].bootargs);
	assert_null(p.mod[2].bootargs);
}

static void bootargs_malformed(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	start_dom1(&t);
	tb_begin(&t, "ramdisk");
	tb_str(&t, "compatible", "module,ramdisk");
	tb_cells(&t, "module-addr", 2, 0x200000, 0x1000);
	tb_raw(&t, "bootargs", "quiet", 5);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 "/ramdisk: bootargs: expected a NUL-terminated string");
	assert_int_equal(p.dom[0].module[LCM_MOD_RAMDISK], -1);
}

static const uint8_t digest[32] = {
	0xbd, 0x64, 0x4b, 0xcf, 0xbf, 0x16, 0x85, 0x50, 0x2b, 0x72, 0xe3,
	0x9b, 0xc4, 0x4d, 0x1e, 0x01, 0x7f, 0x4c, 0x5d, 0xe8, 0xd2, 0xe5,
	0xfd, 0xed, 0x51, 0xf6, 0xa9, 0x93, 0x5c, 0xcc, 0xce, 0x15,
};

/* A ramdisk in dom1 whose hash nodes the caller writes (builder inside the
 * ramdisk node). */
static void start_ramdisk(struct tb *t)
{
	start_dom1(t);
	tb_begin(t, "ramdisk");
	tb_str(t, "compatible", "module,ramdisk");
	tb_cells(t, "module-addr", 2, 0x200000, 0x1000);
}

static void hash_sha256(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	start_ramdisk(&t);
	tb_begin(&t, "signature"); /* not a hash node: ignored */
	tb_str(&t, "algo", "rsa");
	tb_end(&t);
	tb_begin(&t, "hash@1");
	tb_str(&t, "algo", "sha256");
	tb_raw(&t, "value", digest, 32);
	tb_end(&t);
	const void *fdt = tb_done(&t);
	lp_parse(&p, fdt, LCM_ARCH_ANY);
	expect_no_diags(&p);
	const struct lcm_module *m = &p.mod[1];
	assert_int_equal(m->flags, LCM_MODF_ADDR | LCM_MODF_DIGEST);
	assert_memory_equal(m->sha256, digest, 32);
	assert_int_equal(m->hash_node, fdt_path_offset(fdt, D1 "/ramdisk/hash@1"));
	assert_int_equal(p.mod[0].hash_node, -1);
}

static void hash_bad_algo(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	start_ramdisk(&t);
	tb_begin(&t, "hash");
	tb_str(&t, "algo", "sha1");
	tb_raw(&t, "value", digest, 20);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1
			 "/ramdisk/hash: algo: unsupported algorithm \"sha1\" (supported: sha256)");
	assert_int_equal(p.l.nr_modules, 1);
	assert_int_equal(p.dom[0].module[LCM_MOD_RAMDISK], -1);
}

static void hash_missing_or_empty_algo(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	start_ramdisk(&t);
	tb_begin(&t, "hash");
	tb_raw(&t, "value", digest, 32);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1
			 "/ramdisk/hash: algo: missing: a hash node needs algo = \"sha256\"");

	start_ramdisk(&t);
	tb_begin(&t, "hash");
	tb_str(&t, "algo", "");
	tb_raw(&t, "value", digest, 32);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 "/ramdisk/hash: algo: must not be empty");
}

static void hash_value_missing_or_wrong_length(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	start_ramdisk(&t);
	tb_begin(&t, "hash");
	tb_str(&t, "algo", "sha256");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1
			 "/ramdisk/hash: value: missing: a sha256 hash node needs a 32-byte value");

	start_ramdisk(&t);
	tb_begin(&t, "hash");
	tb_str(&t, "algo", "sha256");
	tb_raw(&t, "value", digest, 31);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p,
		     "error: " D1 "/ramdisk/hash: value: a sha256 digest is 32 bytes, found 31");
	assert_int_equal(p.dom[0].module[LCM_MOD_RAMDISK], -1);
}

static void two_hash_nodes(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	start_ramdisk(&t);
	tb_begin(&t, "hash");
	tb_str(&t, "algo", "sha256");
	tb_raw(&t, "value", digest, 32);
	tb_end(&t);
	tb_begin(&t, "hash-2");
	tb_str(&t, "algo", "sha256");
	tb_raw(&t, "value", digest, 32);
	tb_end(&t);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 "/ramdisk/hash-2: second sha256 hash node for one module");
	assert_int_equal(p.dom[0].module[LCM_MOD_RAMDISK], -1);
}

static void unknown_module_type_skipped(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	start_dom1(&t);
	tb_mod_addr(&t, "firmware", "firmware", 0x200000, 0x1000);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "warning: " D1
			 "/firmware: compatible: unknown module type \"firmware\"; module skipped");
	assert_int_equal(p.rc, LCM_OK);
	assert_int_equal(p.l.nr_modules, 1);
	assert_int_equal(p.dom[0].nr_modules, 1);
}

static void module_compatible_missing_or_wrong(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	start_dom1(&t);
	tb_begin(&t, "module");
	tb_cells(&t, "module-addr", 2, 0x200000, 0x1000);
	tb_end(&t);
	tb_begin(&t, "module@2");
	tb_str(&t, "compatible", "vendor,blob");
	tb_cells(&t, "module-addr", 2, 0x300000, 0x1000);
	tb_end(&t);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(
		&p, "error: " D1 "/module: compatible: missing: a module needs \"module,<type>\"",
		"error: " D1
		"/module@2: compatible: no \"module,<type>\" string (type is one of kernel, ramdisk, device-tree, config, microcode, xsm-policy)");
}

/* Any node name works when compatible says module; the first "module,"
 * string is the type; other children of a domain are left alone. */
static void module_node_names_and_type_order(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "dom1");
	tb_u32(&t, "memory", 16384);
	tb_begin(&t, "vcpu@0");
	tb_str(&t, "compatible", "vendor,vcpu");
	tb_end(&t);
	tb_begin(&t, "linux");
	tb_strs(&t, "compatible", "multiboot,module", "module,kernel", NULL);
	tb_u32(&t, "mb-index", 1);
	tb_end(&t);
	tb_begin(&t, "initrd");
	tb_strs(&t, "compatible", "module,ramdisk", "module,kernel", NULL);
	tb_u32(&t, "mb-index", 2);
	tb_end(&t);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(p.l.nr_modules, 2);
	assert_int_equal(p.mod[0].type, LCM_MOD_KERNEL);
	assert_int_equal(p.mod[0].flags, LCM_MODF_MULTIBOOT | LCM_MODF_INDEX);
	assert_int_equal(p.mod[1].type, LCM_MOD_RAMDISK);
}

int run_module_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_type),
		cmocka_unit_test(module_addr_four_cells),
		cmocka_unit_test(module_addr_cells_from_hypervisor),
		cmocka_unit_test(module_addr_cells_from_parent),
		cmocka_unit_test(module_addr_unusable_cells_infer_from_length),
		cmocka_unit_test(module_addr_size_zero_and_wrap),
		cmocka_unit_test(mb_index),
		cmocka_unit_test(mb_index_errors),
		cmocka_unit_test(no_location),
		cmocka_unit_test(multiboot_module_with_module_addr),
		cmocka_unit_test(bootargs_kernel),
		cmocka_unit_test(bootargs_on_other_modules_warned),
		cmocka_unit_test(bootargs_malformed),
		cmocka_unit_test(hash_sha256),
		cmocka_unit_test(hash_bad_algo),
		cmocka_unit_test(hash_missing_or_empty_algo),
		cmocka_unit_test(hash_value_missing_or_wrong_length),
		cmocka_unit_test(two_hash_nodes),
		cmocka_unit_test(unknown_module_type_skipped),
		cmocka_unit_test(module_compatible_missing_or_wrong),
		cmocka_unit_test(module_node_names_and_type_order),
	};

	return cmocka_run_group_tests_name("lcm-module", tests, NULL, NULL);
}
