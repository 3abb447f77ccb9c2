/*
 * Xen split devices of the LCM (hyperlaunch,xen-vbd / xen-vif children of a
 * frontend domain, docs/bindings.md): Xen's virtual disk numbers, the
 * devices lcm_xendev() reads back, and each refusal with its exact text.
 */
#include <stdio.h>
#include <string.h>

#include "lcm_test.h"
#include "tcg/launch.h"

#define XS_FUNC 0x40000000u /* FUNCTION_XENSTORE */

/* A Xen-aware domain, left open. */
static void xen_domain(struct tb *t, const char *name, uint32_t domid, uint32_t functions)
{
	tb_domain(t, name);
	tb_u32(t, "domid", domid);
	if (functions != 0) {
		tb_u32(t, "functions", functions);
	}
	tb_raw(t, LCM_PROP_XEN_INTERFACE, NULL, 0);
	tb_cells(t, "memory", 1, 0x4000);
	tb_kernel(t);
}

static void vbd(struct tb *t, const char *node, const char *backend, const char *vdev,
		const char *target, const char *mode)
{
	tb_begin(t, node);
	tb_str(t, "compatible", LCM_COMPAT_XEN_VBD);
	if (backend != NULL) {
		tb_str(t, LCM_XENDEV_BACKEND, backend);
	}
	if (vdev != NULL) {
		tb_str(t, LCM_XENDEV_VDEV, vdev);
	}
	if (target != NULL) {
		tb_str(t, LCM_XENDEV_TARGET, target);
	}
	if (mode != NULL) {
		tb_str(t, LCM_XENDEV_MODE, mode);
	}
	tb_end(t);
}

static void vif(struct tb *t, const char *node, const char *backend, const char *mac)
{
	tb_begin(t, node);
	tb_str(t, "compatible", LCM_COMPAT_XEN_VIF);
	tb_str(t, LCM_XENDEV_BACKEND, backend);
	if (mac != NULL) {
		tb_str(t, LCM_XENDEV_MAC, mac);
	}
	tb_end(t);
}

/* The store (1) and the backend (3), with the frontend (2) open. */
static void launch(struct tb *t)
{
	tb_init(t);
	xen_domain(t, "xs", 1, XS_FUNC);
	tb_end(t);
	xen_domain(t, "back", 3, 0);
	tb_end(t);
	xen_domain(t, "front", 2, 0);
}

static void vdev_numbers(void **state)
{
	uint32_t n = 0;
	(void)state;

	assert_true(lcm_vdev_number("xvda", &n));
	assert_int_equal(n, 51712); /* 202 << 8 */
	assert_true(lcm_vdev_number("xvdb", &n));
	assert_int_equal(n, 51728);
	assert_true(lcm_vdev_number("xvdp", &n));
	assert_int_equal(n, 202u << 8 | 15u << 4);
	assert_true(lcm_vdev_number("xvdq", &n)); /* disk 16: the extended form */
	assert_int_equal(n, 1u << 28 | 16u << 8);
	assert_true(lcm_vdev_number("xvdaa", &n)); /* bijective base 26: disk 26 */
	assert_int_equal(n, 1u << 28 | 26u << 8);
	assert_true(lcm_vdev_number("51712", &n));
	assert_int_equal(n, 51712);
	assert_true(lcm_vdev_number("268439552", &n));
	assert_int_equal(n, 1u << 28 | 16u << 8);
	const char *bad[] = { "",       "xvd",         "hda",       "sda",    "xvdA",
			      "xvda1",  "xvdzzzzz",    "0",         "051712", "2049",
			      "51712x", "99999999999", "4294967296" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 7;
		assert_false(lcm_vdev_number(bad[i], &n));
		assert_int_equal(n, 7);
	}
}

static void devices_read_back(void **state)
{
	struct tb t;
	struct lp p;
	struct lcm_xendev x;
	(void)state;

	launch(&t);
	vbd(&t, "xen-vbd@0", "back", "xvda", "/dev/ram0", NULL);
	vif(&t, "xen-vif@0", "back", "00:16:3e:00:00:02");
	vbd(&t, "xen-vbd@1", "back", "51728", "/dev/ram1", "r");
	vif(&t, "xen-vif@1", "back", "02:00:00:00:00:0A");
	assert_int_equal(lp_parse(&p, tb_done(&t), LCM_ARCH_ANY), LCM_OK);
	expect_no_diags(&p);
	const struct lcm_domain *f = lp_domain(&p, "front");
	assert_int_equal(f->nr_xendevs, 4);
	assert_int_equal(lp_domain(&p, "back")->nr_xendevs, 0);

	assert_true(lcm_xendev(&p.l, f, 0, &x));
	assert_int_equal(x.type, LCM_XENDEV_VBD);
	assert_ptr_equal(&p.l.domains[x.frontend], f);
	assert_ptr_equal(&p.l.domains[x.backend], lp_domain(&p, "back"));
	assert_string_equal(x.backend_name, "back");
	assert_int_equal(x.devid, 51712);
	assert_string_equal(x.vdev, "xvda");
	assert_string_equal(x.target, "/dev/ram0");
	assert_false(x.readonly); /* mode "w" by default */

	assert_true(lcm_xendev(&p.l, f, 1, &x));
	assert_int_equal(x.type, LCM_XENDEV_VIF);
	assert_int_equal(x.devid, 0); /* the first vif */
	assert_string_equal(x.mac, "00:16:3e:00:00:02");

	assert_true(lcm_xendev(&p.l, f, 2, &x));
	assert_int_equal(x.devid, 51728);
	assert_true(x.readonly);

	assert_true(lcm_xendev(&p.l, f, 3, &x));
	assert_int_equal(x.devid, 1); /* the second vif */
	assert_ptr_equal(&p.l.domains[x.backend], lp_domain(&p, "back"));

	assert_false(lcm_xendev(&p.l, f, 4, &x));

	/* Its backends are its peers in its measured launch parameters, once
	 * each (the hypervisor's channels, xen_config()). */
	struct tcg_params tp;
	char text[512];
	tcg_params_of(&p.l, (uint32_t)(f - p.l.domains), &tp);
	tcg_params_text(&tp, text, sizeof(text));
	assert_string_equal(
		text,
		"domain_launch: domid=2 name=front permissions=0x0 functions=0x0 label=domU_t memory=16384KiB vcpus=1 xen=1 channels=3 bootargs=");
	assert_string_equal(lcm_xendev_type_name(LCM_XENDEV_VBD), "vbd");
	assert_string_equal(lcm_xendev_type_name(LCM_XENDEV_VIF), "vif");
	assert_string_equal(lcm_xendev_type_name(9), "?");
}

static void backend_refused(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	tb_init(&t);
	xen_domain(&t, "xs", 1, XS_FUNC);
	tb_end(&t);
	tb_simple_domain(&t, "plain");
	tb_domain(&t, "front");
	tb_u32(&t, "domid", 2);
	tb_raw(&t, LCM_PROP_XEN_INTERFACE, NULL, 0);
	tb_cells(&t, "memory", 1, 0x4000);
	tb_kernel(&t);
	vbd(&t, "xen-vbd@0", "nobody", "xvda", "/dev/ram0", NULL);
	vbd(&t, "xen-vbd@1", "front", "xvdb", "/dev/ram0", NULL);
	vbd(&t, "xen-vbd@2", "plain", "xvdc", "/dev/ram0", NULL);
	vbd(&t, "xen-vbd@3", NULL, "xvdd", "/dev/ram0", NULL);
	assert_int_equal(lp_parse(&p, tb_done(&t), LCM_ARCH_ANY), LCM_EINVAL);
	expect_diags(
		&p,
		"error: " HV
		"/front/xen-vbd@3: backend: missing: the name of the domain that serves the device",
		"error: " HV "/front/xen-vbd@0: backend: \"nobody\" is no domain of this launch",
		"error: " HV
		"/front/xen-vbd@1: backend: front is the frontend domain itself: a vbd joins two domains",
		"error: " HV
		"/front/xen-vbd@2: backend: plain (3) is not Xen-aware (no hyperlaunch,xen-interface)");
}

static void frontend_and_store_refused(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	/* No XENSTORE domain; a frontend that is not Xen-aware. */
	tb_init(&t);
	xen_domain(&t, "back", 3, 0);
	tb_end(&t);
	tb_domain(&t, "front");
	tb_cells(&t, "memory", 1, 0x4000);
	tb_kernel(&t);
	vif(&t, "xen-vif@0", "back", "00:16:3e:00:00:02");
	vif(&t, "xen-vif@1", "back", "00:16:3e:00:00:03");
	assert_int_equal(lp_parse(&p, tb_done(&t), LCM_ARCH_ANY), LCM_EINVAL);
	expect_diags(
		&p,
		"error: " HV
		"/front/xen-vif@0: compatible: a split device needs hyperlaunch,xen-interface on its frontend domain front",
		"error: " HV
		"/front/xen-vif@0: compatible: a split device needs a XENSTORE domain with hyperlaunch,xen-interface in the launch (its entries are in the store)");

	/* A store that is not Xen-aware is no store for them either. */
	tb_init(&t);
	tb_domain(&t, "xs");
	tb_u32(&t, "functions", XS_FUNC);
	tb_cells(&t, "memory", 1, 0x4000);
	tb_kernel(&t);
	tb_end(&t);
	xen_domain(&t, "back", 3, 0);
	tb_end(&t);
	xen_domain(&t, "front", 2, 0);
	vif(&t, "xen-vif@0", "back", "00:16:3e:00:00:02");
	assert_int_equal(lp_parse(&p, tb_done(&t), LCM_ARCH_ANY), LCM_EINVAL);
	expect_diags(
		&p,
		"error: " HV
		"/front/xen-vif@0: compatible: a split device needs a XENSTORE domain with hyperlaunch,xen-interface in the launch (its entries are in the store)");
}

static void values_refused(void **state)
{
	struct tb t;
	struct lp p;
	(void)state;

	launch(&t);
	vbd(&t, "xen-vbd@0", "back", "hda", "/dev/ram0", "rw");
	vbd(&t, "xen-vbd@1", "back", "xvda", "", NULL);
	vbd(&t, "xen-vbd@2", "back", "51712", "dev/ram0", NULL);
	vbd(&t, "xen-vbd@3", "back", NULL, NULL, NULL);
	vif(&t, "xen-vif@0", "back", "01:00:5e:00:00:01");
	vif(&t, "xen-vif@1", "back", NULL);
	assert_int_equal(lp_parse(&p, tb_done(&t), LCM_ARCH_ANY), LCM_EINVAL);
	expect_diags(
		&p,
		"error: " HV
		"/front/xen-vbd@0: vdev: \"hda\" is not a Xen virtual disk: xvd followed by 1 to 4 letters, or its number (51712 for xvda)",
		"error: " HV
		"/front/xen-vbd@0: mode: \"rw\" is not r (read-only) or w (read-write)",
		"error: " HV
		"/front/xen-vbd@1: target: empty: the device path in the backend domain (\"/dev/ram0\")",
		"error: " HV
		"/front/xen-vbd@2: target: \"dev/ram0\" is not an absolute path (\"/dev/ram0\")",
		"error: " HV
		"/front/xen-vbd@3: vdev: missing: the disk's name in the frontend (\"xvda\")",
		"error: " HV
		"/front/xen-vbd@3: target: missing: the device path in the backend domain (\"/dev/ram0\")",
		"error: " HV
		"/front/xen-vif@0: mac: \"01:00:5e:00:00:01\" is not a unicast MAC address (six hex bytes \"xx:xx:xx:xx:xx:xx\", bit 0 of the first clear)",
		"error: " HV
		"/front/xen-vif@1: mac: missing: the interface's MAC address (\"00:16:3e:00:00:02\")",
		"error: " HV
		"/front/xen-vbd@2: vdev: 51712 is disk 51712, already the vdev of xen-vbd@1 in domain front");
}

static void too_many(void **state)
{
	struct tb t;
	struct lp p;
	char name[32];
	(void)state;

	launch(&t);
	for (unsigned i = 0; i <= LCM_MAX_XEN_DEVICES; i++) {
		snprintf(name, sizeof(name), "xen-vif@%x", i);
		vif(&t, name, "back", "00:16:3e:00:00:02");
	}
	assert_int_equal(lp_parse(&p, tb_done(&t), LCM_ARCH_ANY), LCM_EINVAL);
	expect_diags(
		&p,
		"error: " HV
		"/front/xen-vif@8: compatible: more split devices than the 8 a domain may have");
}

int run_xendev_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vdev_numbers),    cmocka_unit_test(devices_read_back),
		cmocka_unit_test(backend_refused), cmocka_unit_test(frontend_and_store_refused),
		cmocka_unit_test(values_refused),  cmocka_unit_test(too_many),
	};

	return cmocka_run_group_tests_name("lcm-xendev", tests, NULL, NULL);
}
