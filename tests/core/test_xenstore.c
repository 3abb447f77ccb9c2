/*
 * The store of Xen-aware domains on the fake architecture
 * (docs/xen-interface.md, "The store of the other domains"): a real launch
 * of a XENSTORE domain xs (1), a frontend a (2) with a vbd and a vif served
 * by b (3), c (4) with no device and p (5) not Xen-aware. What the builder
 * seeds for a client (its ring at Xen's GUEST_MAGIC_BASE, port 1 unbound
 * for the store, grant entry 1 granting the ring to the store, the HVM
 * parameters), that the store gets none of it, that a client waits until
 * the store maps its grant entry 1, that a split device joins its frontend
 * and backend as a channel does, and the plan written for the store
 * (/xenstore-plan). A second group: no store, no ring.
 */
#include "core_test.h"

#include <libfdt.h>
#include <string.h>

#include <hyperlaunch/xen-abi.h>

#include "core/launch.h"
#include "core/xen.h"

#define ARGS  0x0000ull
#define SPARE 0x4000ull
#define GFN   (XEN_GUEST_MAGIC_BASE >> 12)

/* HVMOP_get_param @index of @name for itself. */
static uint64_t param(const char *name, uint32_t index)
{
	struct xen_hvm_param p = { .domid = XEN_DOMID_SELF, .index = index };
	test_put(name, ARGS, &p, sizeof(p));
	assert_int_equal(xcall(name, XEN_HC_HVM_OP, HVMOP_get_param, test_at(name, ARGS), 0), 0);
	test_get(name, ARGS, &p, sizeof(p));
	return p.value;
}

static struct evtchn_status port_status(const char *name, uint32_t port)
{
	struct evtchn_status s = { .dom = XEN_DOMID_SELF, .port = port };
	test_put(name, ARGS, &s, sizeof(s));
	assert_int_equal(
		xcall(name, XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_status, test_at(name, ARGS), 0), 0);
	test_get(name, ARGS, &s, sizeof(s));
	return s;
}

static int store_setup(void **state)
{
	(void)state;
	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = { .dom = {
				     { .name = "xs",
				       .domid = 1,
				       .xen = true,
				       .functions = LCM_FUNCTION_XENSTORE },
				     { .name = "a",
				       .domid = 2,
				       .xen = true,
				       .vbd_backend = "b",
				       .vif_backend = "b" },
				     { .name = "b", .domid = 3, .xen = true },
				     { .name = "c", .domid = 4, .xen = true },
				     { .name = "p", .domid = 5 },
			     } };
	assert_stop(fake_boot(host_dtb(&l)), FAKE_IDLE);
	return 0;
}

/* Each client's ring, port and grant entry 1, as Xen's domain builder
 * seeds them; the store's own and a plain domain's: nothing. */
static void seeded(void **state)
{
	(void)state;
	const char *clients[] = { "a", "b", "c" };
	for (size_t i = 0; i < ARRAY_SIZE(clients); i++) {
		struct xen_domain *x = dom(clients[i])->xen;
		assert_true(x->has_store);
		assert_int_equal(x->store_domid, 1);
		/* The ring is a hypervisor page at GUEST_MAGIC_BASE, zeroed but
		 * for "reconnect": the store sets "connected". */
		paddr_t pa;
		assert_true(arch_stage2_translate(dom(clients[i])->s2,
						  ipa_init(XEN_GUEST_MAGIC_BASE), &pa));
		assert_int_equal(pa_addr(pa), pa_addr(x->store));
		const uint8_t *ring = pa_ptr(pa);
		for (unsigned b = 0; b < PAGE_SIZE; b++) {
			if (b < XENSTORE_RING_CONNECTION || b >= XENSTORE_RING_CONNECTION + 4) {
				assert_int_equal(ring[b], 0);
			}
		}
		uint32_t connection;
		memcpy(&connection, ring + XENSTORE_RING_CONNECTION, 4);
		assert_int_equal(connection, XENSTORE_RECONNECT);
		/* Port 1, unbound for the store. */
		struct evtchn_status s = port_status(clients[i], XEN_STORE_PORT);
		assert_int_equal(s.status, EVTCHNSTAT_unbound);
		assert_int_equal(s.u.unbound.dom, 1);
		/* Grant entry 1 (GNTTAB_RESERVED_XENSTORE): the ring, to the store. */
		assert_true(x->nr_gnt >= 1);
		const struct grant_entry_v1 *e = pa_ptr(x->gnt[0]);
		assert_int_equal(e[GNTTAB_RESERVED_XENSTORE].flags, GTF_permit_access);
		assert_int_equal(e[GNTTAB_RESERVED_XENSTORE].domid, 1);
		assert_int_equal(e[GNTTAB_RESERVED_XENSTORE].frame, GFN);
		assert_int_equal(param(clients[i], HVM_PARAM_STORE_PFN), GFN);
		assert_int_equal(param(clients[i], HVM_PARAM_STORE_EVTCHN), XEN_STORE_PORT);
	}
	/* The store serves itself locally (Linux makes its own ring). */
	assert_false(dom("xs")->xen->has_store);
	assert_int_equal(param("xs", HVM_PARAM_STORE_PFN), 0);
	assert_int_equal(param("xs", HVM_PARAM_STORE_EVTCHN), 0);
	assert_int_equal(port_status("xs", XEN_STORE_PORT).status, EVTCHNSTAT_closed);
	paddr_t pa;
	assert_false(arch_stage2_translate(dom("xs")->s2, ipa_init(XEN_GUEST_MAGIC_BASE), &pa));
	assert_null(dom("p")->xen);
}

/* A client waits for its store: started once the store maps its grant
 * entry 1 (what xenstored does on XS_INTRODUCE), and only then. */
static void waits_for_store(void **state)
{
	(void)state;
	assert_line("domain 2 a: starts when its store takes it");
	assert_line("domain 4 c: starts when its store takes it");
	assert_true(xen_waits_for_store(dom("a")));
	assert_true(xen_waits_for_store(dom("c")));
	assert_false(xen_waits_for_store(dom("xs")));
	assert_false(xen_waits_for_store(dom("p")));
	assert_int_equal(domain_state(dom("a")), DOM_NEW);
	assert_int_equal(domain_state(dom("xs")), DOM_RUNNING);

	/* xs gives up a page and maps a's entry 1 there: a's ring. */
	uint64_t frame = test_at("xs", SPARE) >> 12;
	test_put("xs", ARGS + 64, &frame, sizeof(frame));
	struct xen_memory_reservation r = { .extent_start = test_at("xs", ARGS + 64),
					    .nr_extents = 1,
					    .domid = XEN_DOMID_SELF };
	test_put("xs", ARGS, &r, sizeof(r));
	assert_int_equal(
		xcall("xs", XEN_HC_MEMORY_OP, XENMEM_decrease_reservation, test_at("xs", ARGS), 0),
		1);
	struct gnttab_map_grant_ref m = { .host_addr = test_at("xs", SPARE),
					  .flags = GNTMAP_host_map,
					  .ref = GNTTAB_RESERVED_XENSTORE,
					  .dom = 2 };
	test_put("xs", ARGS, &m, sizeof(m));
	assert_int_equal(
		xcall("xs", XEN_HC_GRANT_TABLE_OP, GNTTABOP_map_grant_ref, test_at("xs", ARGS), 1),
		0);
	test_get("xs", ARGS, &m, sizeof(m));
	assert_int_equal(m.status, GNTST_okay);
	paddr_t pa;
	assert_true(arch_stage2_translate(dom("xs")->s2, ipa_init(test_at("xs", SPARE)), &pa));
	assert_int_equal(pa_addr(pa), pa_addr(dom("a")->xen->store));
	assert_line("domain 2 a: started: its store xs took it");
	assert_false(xen_waits_for_store(dom("a")));
	assert_int_equal(domain_state(dom("a")), DOM_RUNNING);
	/* c was not introduced: still held. */
	assert_true(xen_waits_for_store(dom("c")));
	assert_int_equal(domain_state(dom("c")), DOM_NEW);
}

/* A split device joins its frontend and its backend (in both directions)
 * as a declared channel does; c shares nothing with a. */
static void devices_are_channels(void **state)
{
	(void)state;
	assert_true(xen_channel_declared(dom("a"), dom("b")));
	assert_true(xen_channel_declared(dom("b"), dom("a")));
	assert_false(xen_channel_declared(dom("a"), dom("c")));
	assert_false(xen_channel_declared(dom("c"), dom("b")));
	/* The store's role joins it with everyone. */
	assert_true(xen_channel_declared(dom("c"), dom("xs")));
}

static uint32_t u32_of(const void *fdt, int node, const char *prop)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, prop, &len);
	assert_non_null(v);
	assert_int_equal(len, 4);
	return fdt32_to_cpu(*v);
}

static const char *str_of(const void *fdt, int node, const char *prop)
{
	const char *s = fdt_getprop(fdt, node, prop, NULL);
	assert_non_null(s);
	return s;
}

/* The store's plan as its device tree carries it: the clients with their
 * ring and port (not the store, not p), then the devices. */
static void plan(void **state)
{
	(void)state;
	static uint8_t gdt[8192];
	struct guest_dt g = { .nr_vcpus = 1,
			      .ram_base = ipa_init(0x40000000),
			      .ram_size = 16 * MiB,
			      .xs_plan = launch_lcm() };
	assert_true(arch_guest_dt(gdt, sizeof(gdt), &g) > 0);
	int root = fdt_path_offset(gdt, "/" XEN_PLAN_NODE);
	assert_true(root >= 0);
	assert_string_equal(str_of(gdt, root, "compatible"), XEN_PLAN_COMPAT);

	const char *names[] = { "a", "b", "c" };
	int n;
	unsigned i = 0;
	fdt_for_each_subnode(n, gdt, root)
	{
		const char *node = fdt_get_name(gdt, n, NULL);
		if (strncmp(node, "domain@", 7) != 0) {
			continue;
		}
		assert_true(i < ARRAY_SIZE(names));
		assert_int_equal(u32_of(gdt, n, "domid"), i + 2);
		assert_string_equal(str_of(gdt, n, "name"), names[i]);
		int len;
		const void *gfn = fdt_getprop(gdt, n, "store-gfn", &len);
		fdt64_t cell;
		assert_int_equal(len, 8);
		memcpy(&cell, gfn, sizeof(cell)); /* properties are 4-byte aligned */
		assert_int_equal(fdt64_to_cpu(cell), GFN);
		assert_int_equal(u32_of(gdt, n, "store-port"), XEN_STORE_PORT);
		i++;
	}
	assert_int_equal(i, 3);

	int vbd = fdt_subnode_offset(gdt, root, "vbd@0");
	assert_true(vbd >= 0);
	assert_int_equal(u32_of(gdt, vbd, "frontend"), 2);
	assert_int_equal(u32_of(gdt, vbd, "backend"), 3);
	assert_int_equal(u32_of(gdt, vbd, "devid"), 51712);
	assert_string_equal(str_of(gdt, vbd, "vdev"), "xvda");
	assert_string_equal(str_of(gdt, vbd, "target"), "/dev/ram0");
	assert_string_equal(str_of(gdt, vbd, "mode"), "w");
	int vif = fdt_subnode_offset(gdt, root, "vif@1");
	assert_true(vif >= 0);
	assert_int_equal(u32_of(gdt, vif, "frontend"), 2);
	assert_int_equal(u32_of(gdt, vif, "backend"), 3);
	assert_int_equal(u32_of(gdt, vif, "devid"), 0);
	assert_string_equal(str_of(gdt, vif, "mac"), "00:16:3e:00:00:02");
	assert_true(fdt_subnode_offset(gdt, root, "vbd@2") < 0);
	assert_true(fdt_subnode_offset(gdt, root, "vif@2") < 0);

	/* Only the store's device tree has it. */
	g.xs_plan = NULL;
	assert_true(arch_guest_dt(gdt, sizeof(gdt), &g) > 0);
	assert_true(fdt_path_offset(gdt, "/" XEN_PLAN_NODE) < 0);
}

int run_xenstore_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seeded),
		cmocka_unit_test(waits_for_store),
		cmocka_unit_test(devices_are_channels),
		cmocka_unit_test(plan),
	};
	return cmocka_run_group_tests(tests, store_setup, NULL);
}

/* --- no store ----------------------------------------------------------------------- */

static int nostore_setup(void **state)
{
	(void)state;
	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = { .dom = {
				     { .name = "a", .domid = 1, .xen = true, .channel = 2 },
				     { .name = "b", .domid = 2, .xen = true },
			     } };
	assert_stop(fake_boot(host_dtb(&l)), FAKE_IDLE);
	return 0;
}

/* Without a XENSTORE domain nobody waits and nothing is seeded. */
static void no_ring(void **state)
{
	(void)state;
	const char *names[] = { "a", "b" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		assert_false(dom(names[i])->xen->has_store);
		assert_false(xen_waits_for_store(dom(names[i])));
		assert_int_equal(domain_state(dom(names[i])), DOM_RUNNING);
		assert_int_equal(param(names[i], HVM_PARAM_STORE_PFN), 0);
		assert_int_equal(param(names[i], HVM_PARAM_STORE_EVTCHN), 0);
		assert_int_equal(port_status(names[i], XEN_STORE_PORT).status, EVTCHNSTAT_closed);
		paddr_t pa;
		assert_false(arch_stage2_translate(dom(names[i])->s2,
						   ipa_init(XEN_GUEST_MAGIC_BASE), &pa));
	}
	assert_no_line("domain 1 a: starts when its store takes it");
}

int run_xenstore_none_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_ring),
	};
	return cmocka_run_group_tests(tests, nostore_setup, NULL);
}
