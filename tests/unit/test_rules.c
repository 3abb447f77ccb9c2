/*
 * The rules that need more than one property (docs/bindings.md, "Rules"):
 * module counts per domain and in the config node, roles held at most once,
 * the Boot Domain's least privilege, domid assignment, architecture rules,
 * overlapping modules, and what is skipped rather than rejected.
 */
#include "lcm_test.h"

#include <libfdt.h>

#define D1 HV "/dom1"

static void no_kernel(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "dom1");
	tb_u32(&t, "memory", 16384);
	tb_mod_idx(&t, "ramdisk", "ramdisk", 1);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1
			 ": no kernel module: every domain needs exactly one \"module,kernel\"");
	assert_int_equal(p.dom[0].module[LCM_MOD_RAMDISK], 0);
}

/* A kernel that is there but rejected is reported once, for what is wrong
 * with it, not also as missing. */
static void rejected_kernel_is_not_missing(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "dom1");
	tb_u32(&t, "memory", 16384);
	tb_begin(&t, "kernel");
	tb_str(&t, "compatible", "module,kernel");
	tb_cells(&t, "module-addr", 2, 0x100000, 0);
	tb_end(&t);
	tb_end(&t);
	tb_domain(&t, "dom2");
	tb_u32(&t, "memory", 16384);
	tb_begin(&t, "kernel");
	tb_str(&t, "compatible", "module,kernel");
	tb_u32(&t, "mb-index", 1);
	tb_begin(&t, "hash");
	tb_str(&t, "algo", "md5");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " D1 "/kernel: module-addr: size is 0",
		     "error: " HV
		     "/dom2/kernel/hash: algo: unsupported algorithm \"md5\" (supported: sha256)");
	assert_int_equal(p.l.nr_modules, 0);
	assert_int_equal(p.dom[0].module[LCM_MOD_KERNEL], -1);
	assert_int_equal(p.dom[1].module[LCM_MOD_KERNEL], -1);
}

static void second_module_of_a_type(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "dom1");
	tb_u32(&t, "memory", 16384);
	tb_mod_idx(&t, "kernel", "kernel", 1);
	tb_mod_idx(&t, "ramdisk", "ramdisk", 2);
	tb_mod_idx(&t, "device-tree", "device-tree", 3);
	tb_mod_idx(&t, "config", "config", 4);
	tb_mod_idx(&t, "kernel@2", "kernel", 5);
	tb_mod_idx(&t, "ramdisk@2", "ramdisk", 6);
	tb_mod_idx(&t, "device-tree@2", "device-tree", 7);
	tb_mod_idx(&t, "config@2", "config", 8);
	lp_parse(&p, tb_done(&t), LCM_ARCH_X86);
	expect_diags(&p, "error: " D1 "/kernel@2: compatible: second kernel module in domain dom1",
		     "error: " D1 "/ramdisk@2: compatible: second ramdisk module in domain dom1",
		     "error: " D1
		     "/device-tree@2: compatible: second device-tree module in domain dom1",
		     "error: " D1 "/config@2: compatible: second config module in domain dom1");
	assert_int_equal(p.l.nr_modules, 4);
	assert_int_equal(p.dom[0].nr_modules, 4);
	assert_int_equal(p.mod[p.dom[0].module[LCM_MOD_KERNEL]].mb_index, 1);
}

static void config_modules_in_a_domain(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "dom1");
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	tb_mod_idx(&t, "ucode", "microcode", 2);
	tb_mod_idx(&t, "policy", "xsm-policy", 3);
	lp_parse(&p, tb_done(&t), LCM_ARCH_X86);
	expect_diags(
		&p,
		"error: " D1
		"/ucode: compatible: a microcode module belongs in the config node, not in a domain",
		"error: " D1
		"/policy: compatible: an xsm-policy module belongs in the config node, not in a domain");
	assert_int_equal(p.l.nr_modules, 1);
}

static void domain_modules_in_the_config_node(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_config(&t);
	tb_mod_idx(&t, "kernel", "kernel", 1);
	tb_mod_idx(&t, "ramdisk", "ramdisk", 2);
	tb_mod_idx(&t, "device-tree", "device-tree", 3);
	tb_mod_idx(&t, "config", "config", 4);
	tb_mod_idx(&t, "ucode", "microcode", 5);
	tb_end(&t);
	tb_simple_domain(&t, "dom1");
	lp_parse(&p, tb_done(&t), LCM_ARCH_X86);
	expect_diags(
		&p,
		"error: " HV
		"/config/kernel: compatible: a kernel module belongs in a domain node; the config node takes microcode and xsm-policy",
		"error: " HV
		"/config/ramdisk: compatible: a ramdisk module belongs in a domain node; the config node takes microcode and xsm-policy",
		"error: " HV
		"/config/device-tree: compatible: a device-tree module belongs in a domain node; the config node takes microcode and xsm-policy",
		"error: " HV
		"/config/config: compatible: a config module belongs in a domain node; the config node takes microcode and xsm-policy");
	assert_int_equal(p.l.nr_config_modules, 1);
	assert_int_equal(p.mod[0].type, LCM_MOD_MICROCODE);
}

static void second_config_module_of_a_type(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_config(&t);
	tb_mod_idx(&t, "ucode", "microcode", 1);
	tb_mod_idx(&t, "policy", "xsm-policy", 2);
	tb_mod_idx(&t, "ucode2", "microcode", 3);
	tb_mod_idx(&t, "policy2", "xsm-policy", 4);
	tb_end(&t);
	tb_domain(&t, "dom1");
	tb_u32(&t, "memory", 16384);
	tb_mod_idx(&t, "kernel", "kernel", 5);
	lp_parse(&p, tb_done(&t), LCM_ARCH_X86);
	expect_diags(&p,
		     "error: " HV
		     "/config/ucode2: compatible: second microcode module in the config node",
		     "error: " HV
		     "/config/policy2: compatible: second xsm-policy module in the config node");
	assert_int_equal(p.l.nr_config_modules, 2);
	assert_int_equal(p.l.nr_modules, 3);
}

static void second_config_node(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_config(&t);
	tb_end(&t);
	tb_begin(&t, "config@2");
	tb_str(&t, "compatible", LCM_COMPAT_CONFIG);
	tb_mod_idx(&t, "ucode", "microcode", 1); /* not looked at */
	tb_end(&t);
	tb_simple_domain(&t, "dom1");
	const void *fdt = tb_done(&t);
	lp_parse(&p, fdt, LCM_ARCH_X86);
	expect_diags(&p, "error: " HV "/config@2: a second config node");
	assert_int_equal(p.l.config_node, fdt_path_offset(fdt, HV "/config"));
	assert_int_equal(p.l.nr_config_modules, 0);
}

/* Two domains a and b that both hold @funcs. */
static void parse_two_with(struct lp *p, uint32_t funcs, uint32_t perms)
{
	struct tb t;

	tb_init(&t);
	const char *names[] = { "a", "b" };
	for (int i = 0; i < 2; i++) {
		tb_domain(&t, names[i]);
		tb_u32(&t, "permissions", perms);
		tb_u32(&t, "functions", funcs);
		tb_u32(&t, "memory", 16384);
		tb_kernel(&t);
		tb_end(&t);
	}
	lp_parse(p, tb_done(&t), LCM_ARCH_ANY);
}

static void roles_held_once(void **state)
{
	struct lp p;
	(void)state;

	parse_two_with(&p, LCM_FUNCTION_BOOT, 0);
	expect_diags(
		&p,
		"error: " HV
		"/b: functions: a second boot domain (the first is a): at most one domain may hold it");
	assert_int_equal(p.l.boot, 0);

	parse_two_with(&p, LCM_FUNCTION_RECOVERY, 0);
	expect_diags(
		&p,
		"error: " HV
		"/b: functions: a second recovery domain (the first is a): at most one domain may hold it");
	assert_int_equal(p.l.recovery, 0);

	parse_two_with(&p, LCM_FUNCTION_CONSOLE, 0);
	expect_diags(
		&p,
		"error: " HV
		"/b: functions: a second console domain (the first is a): at most one domain may hold it");
	assert_int_equal(p.l.console, 0);

	parse_two_with(&p, LCM_FUNCTION_XENSTORE, 0);
	expect_diags(
		&p,
		"error: " HV
		"/b: functions: a second xenstore domain (the first is a): at most one domain may hold it");
	assert_int_equal(p.l.xenstore, 0);

	parse_two_with(&p, LCM_FUNCTION_LEGACY_DOM0, 0);
	expect_diags(
		&p,
		"error: " HV
		"/b: functions: a second legacy-dom0 domain (the first is a): at most one domain may hold it");
	assert_int_equal(p.l.legacy_dom0, 0);
	/* Only the first is dom0; the second still gets an id of its own. */
	assert_int_equal(p.dom[0].domid, 0);
	assert_int_equal(p.dom[1].domid, 1);
}

static void several_roles_held_twice(void **state)
{
	struct lp p;
	(void)state;

	parse_two_with(&p, LCM_FUNCTION_CONSOLE | LCM_FUNCTION_XENSTORE, 0);
	expect_diags(
		&p,
		"error: " HV
		"/b: functions: a second console domain (the first is a): at most one domain may hold it",
		"error: " HV
		"/b: functions: a second xenstore domain (the first is a): at most one domain may hold it");
}

static void one_hardware_domain(void **state)
{
	struct lp p;
	(void)state;

	parse_two_with(&p, 0, LCM_PERMISSION_HARDWARE);
	expect_diags(
		&p,
		"error: " HV
		"/b: permissions: a second hardware domain (the first is a): devices have one owner");
	assert_int_equal(p.l.hardware, 0);

	/* Control may be held by several domains. */
	parse_two_with(&p, 0, LCM_PERMISSION_CONTROL);
	expect_no_diags(&p);
	assert_int_equal(p.l.hardware, -1);
}

static void parse_boot_domain(struct lp *p, uint32_t funcs, uint32_t perms)
{
	struct tb t;

	tb_init(&t);
	tb_domain(&t, "boot");
	tb_u32(&t, "permissions", perms);
	tb_u32(&t, "functions", funcs);
	tb_u32(&t, "memory", 16384);
	tb_kernel(&t);
	lp_parse(p, tb_done(&t), LCM_ARCH_ANY);
}

static void boot_domain_least_privilege(void **state)
{
	struct lp p;
	(void)state;

	parse_boot_domain(&p, LCM_FUNCTION_BOOT, LCM_PERMISSION_CONTROL);
	expect_diags(
		&p,
		"error: " HV
		"/boot: permissions: the boot domain must hold no permissions (it runs with least privilege)");
	parse_boot_domain(&p, LCM_FUNCTION_BOOT, LCM_PERMISSION_HARDWARE);
	expect_diags(
		&p,
		"error: " HV
		"/boot: permissions: the boot domain must hold no permissions (it runs with least privilege)");
	assert_int_equal(p.l.hardware, 0);
}

static void boot_domain_no_other_function(void **state)
{
	struct lp p;
	(void)state;

	parse_boot_domain(&p, LCM_FUNCTION_BOOT | LCM_FUNCTION_RECOVERY, 0);
	expect_diags(&p, "error: " HV
			 "/boot: functions: the boot domain cannot also be a recovery domain");
	parse_boot_domain(&p, LCM_FUNCTION_BOOT | LCM_FUNCTION_CONSOLE, 0);
	expect_diags(&p, "error: " HV
			 "/boot: functions: the boot domain cannot also be a console domain");
	parse_boot_domain(&p, LCM_FUNCTION_BOOT | LCM_FUNCTION_XENSTORE, 0);
	expect_diags(&p, "error: " HV
			 "/boot: functions: the boot domain cannot also be a xenstore domain");
	parse_boot_domain(&p, LCM_FUNCTION_BOOT | LCM_FUNCTION_LEGACY_DOM0, 0);
	expect_diags(&p, "error: " HV
			 "/boot: functions: the boot domain cannot also be a legacy-dom0 domain");
	assert_int_equal(p.dom[0].domid, 0x7FF5);
	parse_boot_domain(&p, LCM_FUNCTION_BOOT | LCM_FUNCTION_CONSOLE, LCM_PERMISSION_CONTROL);
	expect_diags(
		&p,
		"error: " HV
		"/boot: permissions: the boot domain must hold no permissions (it runs with least privilege)",
		"error: " HV "/boot: functions: the boot domain cannot also be a console domain");
}

/* Domains a (domid @a, functions @fa) and b (domid @b, functions @fb);
 * a domid of 0 is left out. */
static void parse_domids(struct lp *p, uint32_t a, uint32_t fa, uint32_t b, uint32_t fb)
{
	struct tb t;
	const char *names[] = { "a", "b" };
	uint32_t ids[] = { a, b }, funcs[] = { fa, fb };

	tb_init(&t);
	for (int i = 0; i < 2; i++) {
		tb_domain(&t, names[i]);
		if (ids[i] != 0) {
			tb_u32(&t, "domid", ids[i]);
		}
		tb_u32(&t, "functions", funcs[i]);
		tb_u32(&t, "memory", 16384);
		tb_kernel(&t);
		tb_end(&t);
	}
	tb_simple_domain(&t, "c");
	lp_parse(p, tb_done(&t), LCM_ARCH_ANY);
}

static void domid_duplicate(void **state)
{
	struct lp p;
	(void)state;

	parse_domids(&p, 7, 0, 7, 0);
	expect_diags(&p, "error: " HV "/b: domid: 7 is also requested by a");
	/* The rejected request gets the next free id, like an automatic one. */
	assert_int_equal(lp_domain(&p, "a")->domid, 7);
	assert_int_equal(lp_domain(&p, "b")->domid, 1);
	assert_int_equal(lp_domain(&p, "c")->domid, 2);
}

static void domid_reserved_range(void **state)
{
	struct lp p;
	(void)state;

	parse_domids(&p, 0x7FEF, 0, 0x7FF0, 0);
	expect_diags(&p,
		     "error: " HV "/b: domid: 0x7ff0 is in the reserved range (0x7ff0 and above)");
	assert_int_equal(lp_domain(&p, "a")->domid, 0x7FEF);
	assert_int_equal(lp_domain(&p, "b")->domid, 1);

	parse_domids(&p, 0x10000, 0, 0xFFFFFFFF, 0);
	expect_diags(
		&p, "error: " HV "/a: domid: 0x10000 is in the reserved range (0x7ff0 and above)",
		"error: " HV "/b: domid: 0xffffffff is in the reserved range (0x7ff0 and above)");
	assert_int_equal(lp_domain(&p, "a")->domid, 1);
	assert_int_equal(lp_domain(&p, "b")->domid, 2);
	assert_int_equal(lp_domain(&p, "c")->domid, 3);
}

static void domid_7ff5_only_for_the_boot_domain(void **state)
{
	struct lp p;
	(void)state;

	parse_domids(&p, 0, LCM_FUNCTION_BOOT, 0x7FF5, 0);
	expect_diags(&p, "error: " HV "/b: domid: 0x7ff5 is reserved for the boot domain");
	assert_int_equal(lp_domain(&p, "a")->domid, 0x7FF5);
	assert_int_equal(lp_domain(&p, "b")->domid, 1);

	parse_domids(&p, 5, LCM_FUNCTION_BOOT, 0, 0);
	expect_diags(&p,
		     "error: " HV "/a: domid: the boot domain has the reserved id 0x7ff5, not 0x5");
	assert_int_equal(lp_domain(&p, "a")->domid, 0x7FF5);
	assert_int_equal(lp_domain(&p, "b")->domid, 1);
}

/* Two boot domains both asking for 0x7FF5: the role and the id clash. */
static void two_boot_domains_same_id(void **state)
{
	struct lp p;
	(void)state;

	parse_domids(&p, 0x7FF5, LCM_FUNCTION_BOOT, 0x7FF5, LCM_FUNCTION_BOOT);
	expect_diags(
		&p,
		"error: " HV
		"/b: functions: a second boot domain (the first is a): at most one domain may hold it",
		"error: " HV "/b: domid: 0x7ff5 is also requested by a");
}

/* The Arm rules: module-addr only, 64-bit domains only. */
static void arm64_rules(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "dom1");
	tb_u32(&t, "mode", LCM_MODE_PARAVIRTUALIZED);
	tb_u32(&t, "memory", 16384);
	tb_mod_addr(&t, "kernel", "kernel", 0x100000, 0x1000);
	tb_mod_idx(&t, "ramdisk", "ramdisk", 2);
	tb_begin(&t, "device-tree");
	tb_strs(&t, "compatible", "module,device-tree", "multiboot,module", NULL);
	tb_cells(&t, "module-addr", 2, 0x200000, 0x1000);
	tb_end(&t);
	tb_end(&t);
	tb_domain(&t, "dom2");
	tb_u32(&t, "mode", LCM_MODE_LONG | LCM_MODE_ENABLE_DEVICE_MODEL);
	tb_u32(&t, "memory", 16384);
	tb_mod_addr(&t, "kernel", "kernel", 0x100000, 0x1000);
	tb_end(&t);
	tb_domain(&t, "dom3");
	tb_u32(&t, "mode", 0);
	tb_u32(&t, "memory", 16384);
	tb_mod_addr(&t, "kernel", "kernel", 0x100000, 0x1000);
	const void *fdt = tb_done(&t);

	lp_parse(&p, fdt, LCM_ARCH_ARM64);
	expect_diags(
		&p,
		"error: " D1 ": mode: 0x1 lacks MODE_LONG (1 << 2): arm64 runs 64-bit domains only",
		"error: " D1
		"/ramdisk: mb-index: multiboot modules do not exist on Arm: use module-addr",
		"error: " D1
		"/device-tree: compatible: \"multiboot,module\" means nothing on Arm (there is no multiboot chain): remove it",
		"warning: " HV
		"/dom2: mode: PV and device-model bits have no meaning on Arm; ignored",
		"error: " HV
		"/dom3: mode: 0x0 lacks MODE_LONG (1 << 2): arm64 runs 64-bit domains only");

	/* The same LCM for "any" architecture: only the multiboot module
	 * located by address is wrong. */
	lp_parse(&p, fdt, LCM_ARCH_ANY);
	expect_diags(
		&p,
		"error: " D1
		"/device-tree: compatible: a \"multiboot,module\" is located by mb-index, not module-addr");
	assert_int_equal(p.dom[0].module[LCM_MOD_RAMDISK], 1);
}

static void x86_rules(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_domain(&t, "dom1");
	tb_u32(&t, "mode", LCM_MODE_PARAVIRTUALIZED);
	tb_u32(&t, "memory", 16384);
	tb_mod_idx(&t, "kernel", "kernel", 1);
	tb_mod_addr(&t, "ramdisk", "ramdisk", 0x200000, 0x1000);
	const void *fdt = tb_done(&t);

	lp_parse(&p, fdt, LCM_ARCH_X86);
	expect_diags(
		&p,
		"error: " D1
		"/ramdisk: module-addr: x86 locates modules in the multiboot2 chain: use mb-index");
	lp_parse(&p, fdt, LCM_ARCH_ANY);
	expect_no_diags(&p);
	assert_int_equal(p.mod[1].flags, LCM_MODF_ADDR);
	assert_int_equal(p.mod[0].flags, LCM_MODF_MULTIBOOT | LCM_MODF_INDEX);
}

/* Domains a and b, each with a kernel at (ka, ks); b also has a module of
 * @type at (ra, rs). */
static void parse_ranges(struct lp *p, uint32_t ka, uint32_t ks, const char *type, uint32_t ra,
			 uint32_t rs)
{
	struct tb t;

	tb_init(&t);
	tb_domain(&t, "a");
	tb_u32(&t, "memory", 16384);
	tb_mod_addr(&t, "kernel", "kernel", ka, ks);
	tb_end(&t);
	tb_domain(&t, "b");
	tb_u32(&t, "memory", 16384);
	tb_mod_addr(&t, "kernel", "kernel", 0x900000, 0x1000);
	tb_mod_addr(&t, type, type, ra, rs);
	lp_parse(p, tb_done(&t), LCM_ARCH_ARM64);
}

static void overlapping_modules(void **state)
{
	struct lp p;
	(void)state;

	parse_ranges(&p, 0x100000, 0x1000, "ramdisk", 0x100800, 0x1000);
	expect_diags(
		&p,
		"error: " HV
		"/b/ramdisk: module-addr: 0x100800+0x1000 overlaps /chosen/hypervisor/a/kernel (0x100000+0x1000)");
	/* Inside another module. */
	parse_ranges(&p, 0x100000, 0x10000, "ramdisk", 0x104000, 0x1000);
	expect_diags(
		&p,
		"error: " HV
		"/b/ramdisk: module-addr: 0x104000+0x1000 overlaps /chosen/hypervisor/a/kernel (0x100000+0x10000)");
	/* Around it, and starting at the same address with another size. */
	parse_ranges(&p, 0x100000, 0x1000, "ramdisk", 0xFF000, 0x3000);
	expect_diags(
		&p,
		"error: " HV
		"/b/ramdisk: module-addr: 0xff000+0x3000 overlaps /chosen/hypervisor/a/kernel (0x100000+0x1000)");
	parse_ranges(&p, 0x100000, 0x1000, "ramdisk", 0x100000, 0x2000);
	expect_diags(
		&p,
		"error: " HV
		"/b/ramdisk: module-addr: 0x100000+0x2000 overlaps /chosen/hypervisor/a/kernel (0x100000+0x1000)");
	/* Adjacent on either side is fine. */
	parse_ranges(&p, 0x100000, 0x1000, "ramdisk", 0x101000, 0x1000);
	expect_no_diags(&p);
	parse_ranges(&p, 0x100000, 0x1000, "ramdisk", 0xFF000, 0x1000);
	expect_no_diags(&p);
}

/* The design's note on bootargs: one kernel module used by several domains
 * is one range named by each. The same range as two types is a mistake. */
static void identical_ranges(void **state)
{
	struct lp p;
	(void)state;

	parse_ranges(&p, 0x900000, 0x1000, "ramdisk", 0x200000, 0x1000);
	expect_no_diags(&p);
	assert_int_equal(p.mod[0].addr, p.mod[1].addr);

	parse_ranges(&p, 0x200000, 0x1000, "ramdisk", 0x200000, 0x1000);
	expect_diags(
		&p,
		"error: " HV
		"/b/ramdisk: module-addr: the same module as /chosen/hypervisor/a/kernel, which is a kernel module: a shared module has one type");
}

/* Nodes and properties of a newer or custom schema are left alone; a node
 * that looks like a domain or config but lacks compatible, or has a "xen,"
 * compatible we do not know, is skipped with a warning. */
static void unknown_nodes_skipped(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_str(&t, "vendor,build-id", "1234");
	tb_begin(&t, "vendor-extension");
	tb_u32(&t, "anything", 1);
	tb_end(&t);
	tb_begin(&t, "domain@9");
	tb_u32(&t, "memory", 16384);
	tb_end(&t);
	tb_begin(&t, "config@1");
	tb_end(&t);
	tb_begin(&t, "domain@3");
	tb_str(&t, "compatible", "xen,domain-v2");
	tb_end(&t);
	tb_simple_domain(&t, "dom1");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(
		&p,
		"warning: " HV
		"/domain@9: compatible: missing: node skipped (a domain needs \"xen,domain\", a config \"xen,config\")",
		"warning: " HV
		"/config@1: compatible: missing: node skipped (a domain needs \"xen,domain\", a config \"xen,config\")",
		"warning: " HV
		"/domain@3: compatible: unknown \"xen,domain-v2\": node skipped (a domain is \"xen,domain\", a config \"xen,config\")");
	assert_int_equal(p.rc, LCM_OK);
	assert_int_equal(p.l.nr_domains, 1);
	assert_string_equal(p.dom[0].name, "dom1");
	assert_int_equal(p.l.config_node, -1);
}

static void hypervisor_compatible(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init_bare(&t);
	tb_begin(&t, "chosen");
	tb_begin(&t, "hypervisor");
	tb_str(&t, "compatible", "xen,hypervisor");
	tb_simple_domain(&t, "dom1");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV ": compatible: must list \"hypervisor,xen\"");
	assert_int_equal(p.l.nr_domains, 0);

	tb_init_bare(&t);
	tb_begin(&t, "chosen");
	tb_begin(&t, "hypervisor");
	tb_simple_domain(&t, "dom1");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV ": compatible: must list \"hypervisor,xen\"");

	/* Listed second is fine. */
	tb_init_bare(&t);
	tb_begin(&t, "chosen");
	tb_begin(&t, "hypervisor");
	tb_strs(&t, "compatible", "vendor,hv", "hypervisor,xen", NULL);
	tb_simple_domain(&t, "dom1");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_no_diags(&p);
}

static void no_domains(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_config(&t);
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p, "error: " HV ": no domain nodes (compatible \"xen,domain\")");
}

static void config_extensions(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	const char *actions[] = { "poweroff", "reboot", "stay" };
	const uint8_t want[] = { LCM_ALL_OFF_POWEROFF, LCM_ALL_OFF_REBOOT, LCM_ALL_OFF_STAY };
	for (int i = 0; i < 3; i++) {
		tb_init(&t);
		tb_config(&t);
		tb_u32(&t, "boot-timeout-ms", 2500 + i);
		tb_str(&t, "on-all-off", actions[i]);
		tb_end(&t);
		tb_simple_domain(&t, "dom1");
		lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
		expect_no_diags(&p);
		assert_int_equal(p.l.boot_timeout_ms, 2500 + i);
		assert_int_equal(p.l.on_all_off, want[i]);
	}
}

static void config_extensions_invalid(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	tb_config(&t);
	tb_u32(&t, "boot-timeout-ms", 0);
	tb_str(&t, "on-all-off", "halt");
	tb_end(&t);
	tb_simple_domain(&t, "dom1");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(
		&p,
		"error: " HV "/config: boot-timeout-ms: 0 ms leaves the Boot Domain no time at all",
		"error: " HV "/config: on-all-off: \"halt\" is not one of poweroff, reboot, stay");
	assert_int_equal(p.l.boot_timeout_ms, 10000);
	assert_int_equal(p.l.on_all_off, LCM_ALL_OFF_POWEROFF);

	tb_init(&t);
	tb_config(&t);
	tb_cells(&t, "boot-timeout-ms", 2, 0, 1000);
	tb_str(&t, "on-all-off", "");
	tb_end(&t);
	tb_simple_domain(&t, "dom1");
	lp_parse(&p, tb_done(&t), LCM_ARCH_ANY);
	expect_diags(&p,
		     "error: " HV
		     "/config: boot-timeout-ms: expected one 32-bit cell (4 bytes), found 8 bytes",
		     "error: " HV "/config: on-all-off: must not be empty");
}

int run_rule_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_kernel),
		cmocka_unit_test(rejected_kernel_is_not_missing),
		cmocka_unit_test(second_module_of_a_type),
		cmocka_unit_test(config_modules_in_a_domain),
		cmocka_unit_test(domain_modules_in_the_config_node),
		cmocka_unit_test(second_config_module_of_a_type),
		cmocka_unit_test(second_config_node),
		cmocka_unit_test(roles_held_once),
		cmocka_unit_test(several_roles_held_twice),
		cmocka_unit_test(one_hardware_domain),
		cmocka_unit_test(boot_domain_least_privilege),
		cmocka_unit_test(boot_domain_no_other_function),
		cmocka_unit_test(domid_duplicate),
		cmocka_unit_test(domid_reserved_range),
		cmocka_unit_test(domid_7ff5_only_for_the_boot_domain),
		cmocka_unit_test(two_boot_domains_same_id),
		cmocka_unit_test(arm64_rules),
		cmocka_unit_test(x86_rules),
		cmocka_unit_test(overlapping_modules),
		cmocka_unit_test(identical_ranges),
		cmocka_unit_test(unknown_nodes_skipped),
		cmocka_unit_test(hypervisor_compatible),
		cmocka_unit_test(no_domains),
		cmocka_unit_test(config_extensions),
		cmocka_unit_test(config_extensions_invalid),
	};

	return cmocka_run_group_tests_name("lcm-rules", tests, NULL, NULL);
}
