/*
 * The Xen guest interface's core (core/xen.c, evtchn.c, gnttab.c) on the
 * fake architecture, where a guest's virtual address is its guest-physical
 * one and an upcall is a count per vCPU: a real launch builds four domains
 * from an LCM (a, b, c Xen-aware, a declaring a channel with b; p plain),
 * then the test makes their Xen hypercalls itself and reads their memory:
 * the bits an event sets in shared_info and vcpu_info, when the upcall is
 * raised, what closing a port does to its peer, the policy's answers, a
 * grant mapped into the mapper's stage 2 with its in-use flags, and that
 * mapping removed when the granter's memory is given back.
 */
#include "core_test.h"

#include <stdlib.h>
#include <string.h>

#include <hyperlaunch/xen-abi.h>

#include "core/xen.h"

#define ARGS     0x0000ull
#define SHINFO   0x1000ull
#define VINFO    0x2000ull
#define VINFO_AT 64 /* offset of vcpu_info in its page */
#define GRANTED  0x3000ull
#define SPARE    0x4000ull

static uint64_t get64(const char *name, uint64_t off)
{
	uint64_t v;

	test_get(name, off, &v, sizeof(v));
	return v;
}

/* An event-channel operation with its argument @arg (@n bytes) in the
 * caller's memory; the result, with the argument read back. */
static int64_t evtchn(const char *name, unsigned cmd, void *arg, size_t n)
{
	test_put(name, ARGS, arg, n);
	int64_t r = xcall(name, XEN_HC_EVENT_CHANNEL_OP, cmd, test_at(name, ARGS), 0);
	test_get(name, ARGS, arg, n);
	return r;
}

static unsigned upcalls(const char *name)
{
	return vcpu0(name)->arch->xen_upcalls;
}

/* shared_info and vcpu 0's vcpu_info of @name in its test pages. */
static void place(const char *name)
{
	struct xen_add_to_physmap x = { .domid = XEN_DOMID_SELF,
					.space = XENMAPSPACE_shared_info,
					.gpfn = test_at(name, SHINFO) >> 12 };
	test_put(name, ARGS, &x, sizeof(x));
	assert_int_equal(
		xcall(name, XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, test_at(name, ARGS), 0), 0);
	struct vcpu_register_vcpu_info r = { .mfn = test_at(name, VINFO) >> 12,
					     .offset = VINFO_AT };
	test_put(name, ARGS, &r, sizeof(r));
	assert_int_equal(
		xcall(name, XEN_HC_VCPU_OP, VCPUOP_register_vcpu_info, 0, test_at(name, ARGS)), 0);
	/* Once per vCPU. */
	assert_int_equal(
		xcall(name, XEN_HC_VCPU_OP, VCPUOP_register_vcpu_info, 0, test_at(name, ARGS)),
		-XEN_EEXIST);
}

static void clear_events(const char *name)
{
	static const uint8_t zero[64];

	test_put(name, SHINFO + XEN_SHINFO_EVTCHN_PENDING, zero, 8);
	test_put(name, VINFO + VINFO_AT, zero, 16);
}

static int setup(void **state)
{
	(void)state;
	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = { .dom = {
				     { .name = "a", .domid = 1, .xen = true, .channel = 2 },
				     { .name = "b", .domid = 2, .xen = true, .memory_kib = 4096 },
				     { .name = "c", .domid = 3, .xen = true },
				     { .name = "p", .domid = 4 },
			     } };
	assert_stop(fake_boot(host_dtb(&l)), FAKE_IDLE);
	assert_non_null(dom("a")->xen);
	assert_null(dom("p")->xen);
	place("a");
	place("b");
	place("c");
	return 0;
}

/* a offers port 1 to b; b binds it: the bind raises b's new port once. */
static void events(void **state)
{
	(void)state;
	struct evtchn_alloc_unbound au = { .dom = XEN_DOMID_SELF, .remote_dom = 2 };
	assert_int_equal(evtchn("a", EVTCHNOP_alloc_unbound, &au, sizeof(au)), 0);
	assert_int_equal(au.port, 1);
	struct evtchn_bind_interdomain bi = { .remote_dom = 1, .remote_port = 1 };
	assert_int_equal(evtchn("b", EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), 0);
	assert_int_equal(bi.local_port, 1);
	assert_int_equal(get64("b", SHINFO + XEN_SHINFO_EVTCHN_PENDING), 1u << 1);
	assert_int_equal(get64("b", VINFO + VINFO_AT + XEN_VCPU_PENDING_SEL), 1);
	uint8_t up;
	test_get("b", VINFO + VINFO_AT + XEN_VCPU_UPCALL_PENDING, &up, 1);
	assert_int_equal(up, 1);
	assert_int_equal(upcalls("b"), 1);

	/* a sends: b's port pending again, a second upcall (b cleared
	 * upcall_pending, as Linux does before it looks). */
	clear_events("b");
	struct evtchn_port_arg p = { .port = 1 };
	assert_int_equal(evtchn("a", EVTCHNOP_send, &p, sizeof(p)), 0);
	assert_int_equal(get64("b", SHINFO + XEN_SHINFO_EVTCHN_PENDING), 1u << 1);
	assert_int_equal(upcalls("b"), 2);
	/* Still pending: no second upcall. */
	assert_int_equal(evtchn("a", EVTCHNOP_send, &p, sizeof(p)), 0);
	assert_int_equal(upcalls("b"), 2);

	/* Masked: pending, no selector, no upcall; unmask delivers it. */
	clear_events("b");
	uint64_t mask = 1u << 1;
	test_put("b", SHINFO + XEN_SHINFO_EVTCHN_MASK, &mask, 8);
	assert_int_equal(evtchn("a", EVTCHNOP_send, &p, sizeof(p)), 0);
	assert_int_equal(get64("b", SHINFO + XEN_SHINFO_EVTCHN_PENDING), 1u << 1);
	assert_int_equal(get64("b", VINFO + VINFO_AT + XEN_VCPU_PENDING_SEL), 0);
	assert_int_equal(upcalls("b"), 2);
	assert_int_equal(evtchn("b", EVTCHNOP_unmask, &p, sizeof(p)), 0);
	assert_int_equal(get64("b", SHINFO + XEN_SHINFO_EVTCHN_MASK), 0);
	assert_int_equal(upcalls("b"), 3);

	/* b to a: a's port 1. */
	assert_int_equal(evtchn("b", EVTCHNOP_send, &p, sizeof(p)), 0);
	assert_int_equal(get64("a", SHINFO + XEN_SHINFO_EVTCHN_PENDING), 1u << 1);
	assert_int_equal(upcalls("a"), 1);
}

/* Closing b's end leaves a's unbound, waiting for b again. */
static void close_unbinds_peer(void **state)
{
	(void)state;
	struct evtchn_port_arg p = { .port = 1 };
	assert_int_equal(evtchn("b", EVTCHNOP_close, &p, sizeof(p)), 0);
	assert_int_equal(evtchn("b", EVTCHNOP_send, &p, sizeof(p)), -XEN_EINVAL);
	struct evtchn_status st = { .dom = XEN_DOMID_SELF, .port = 1 };
	assert_int_equal(evtchn("a", EVTCHNOP_status, &st, sizeof(st)), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 2);
	unsigned before = upcalls("b");
	assert_int_equal(evtchn("a", EVTCHNOP_send, &p, sizeof(p)), 0);
	assert_int_equal(upcalls("b"), before);
	/* b binds it again. */
	struct evtchn_bind_interdomain bi = { .remote_dom = 1, .remote_port = 1 };
	assert_int_equal(evtchn("b", EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), 0);
	assert_int_equal(bi.local_port, 1);
}

/* c has no channel with a: refused, with one line per operation; a
 * domain that is not Xen-aware, or none, is no peer at all. */
static void channels(void **state)
{
	(void)state;
	struct evtchn_alloc_unbound au = { .dom = XEN_DOMID_SELF, .remote_dom = 1 };
	assert_int_equal(evtchn("c", EVTCHNOP_alloc_unbound, &au, sizeof(au)), -XEN_EPERM);
	struct evtchn_bind_interdomain bi = { .remote_dom = 1, .remote_port = 1 };
	assert_int_equal(evtchn("c", EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -XEN_EPERM);
	assert_line(
		"policy: denied: c (domU_t) may not bind an event channel with a (domU_t) [role]");
	assert_int_equal(
		fake_console_count("policy: denied: c (domU_t) may not bind an event channel"), 1);
	au.remote_dom = 4;
	assert_int_equal(evtchn("a", EVTCHNOP_alloc_unbound, &au, sizeof(au)), -XEN_EPERM);
	assert_line(
		"policy: denied: a (domU_t) may not bind an event channel with an unknown domain [role]");
	/* Loopback needs no channel. */
	au.remote_dom = XEN_DOMID_SELF;
	assert_int_equal(evtchn("c", EVTCHNOP_alloc_unbound, &au, sizeof(au)), 0);
}

/* The dev_bus_addr of the last map(). */
static uint64_t bus_addr;

/* a grants a page to b (entry 8 of its table, frame 0 mapped in the
 * window); b maps it where it gave up a page of its own. */
static int64_t map(const char *name, uint32_t ref, uint16_t granter, uint32_t *handle,
		   int16_t *status)
{
	struct gnttab_map_grant_ref m = { .host_addr = test_at(name, SPARE),
					  .flags = GNTMAP_host_map,
					  .ref = ref,
					  .dom = granter };
	test_put(name, ARGS, &m, sizeof(m));
	int64_t r =
		xcall(name, XEN_HC_GRANT_TABLE_OP, GNTTABOP_map_grant_ref, test_at(name, ARGS), 1);
	test_get(name, ARGS, &m, sizeof(m));
	*handle = m.handle;
	*status = m.status;
	bus_addr = m.dev_bus_addr;
	return r;
}

static struct grant_entry_v1 *a_entry(uint32_t ref)
{
	paddr_t pa;

	assert_true(arch_stage2_translate(dom("a")->s2, ipa_init(XEN_GUEST_GNTTAB_BASE), &pa));
	return (struct grant_entry_v1 *)pa_ptr(pa) + ref;
}

static void give_up_spare(const char *name)
{
	uint64_t frame = test_at(name, SPARE) >> 12;
	test_put(name, ARGS + 64, &frame, sizeof(frame));
	struct xen_memory_reservation r = { .extent_start = test_at(name, ARGS + 64),
					    .nr_extents = 1,
					    .domid = XEN_DOMID_SELF };
	test_put(name, ARGS, &r, sizeof(r));
	assert_int_equal(
		xcall(name, XEN_HC_MEMORY_OP, XENMEM_decrease_reservation, test_at(name, ARGS), 0),
		1);
}

/* Past the first pages of handles: b maps a's entry 8 MANY times, each at
 * a page of its own it gave up (xen-blkback keeps hundreds of grants
 * mapped); every map gets its own handle, the table grows a page at a
 * time, a freed handle is used again, and the entry is in use until the
 * last mapping goes. */
#define MANY     260
#define MANY_OPS 0x8000ull  /* the batch of map or unmap operations */
#define MANY_AT  0x10000ull /* the pages given up for them */
static void grant_table_frame(void)
{
	struct xen_add_to_physmap x = { .domid = XEN_DOMID_SELF,
					.space = XENMAPSPACE_grant_table,
					.gpfn = XEN_GUEST_GNTTAB_BASE >> 12 };
	test_put("a", ARGS, &x, sizeof(x));
	assert_int_equal(xcall("a", XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, test_at("a", ARGS), 0),
			 0);
}

static void many_maps(void **state)
{
	(void)state;
	static struct gnttab_map_grant_ref m[MANY];
	static struct gnttab_unmap_grant_ref u[MANY];
	static uint64_t frames[MANY];

	grant_table_frame();
	*a_entry(8) = (struct grant_entry_v1){ .flags = GTF_permit_access,
					       .domid = 2,
					       .frame = (uint32_t)(test_at("a", GRANTED) >> 12) };
	for (unsigned i = 0; i < MANY; i++) {
		frames[i] = (test_at("b", MANY_AT) >> 12) + i;
	}
	test_put("b", MANY_OPS, frames, sizeof(frames));
	struct xen_memory_reservation r = { .extent_start = test_at("b", MANY_OPS),
					    .nr_extents = MANY,
					    .domid = XEN_DOMID_SELF };
	test_put("b", ARGS, &r, sizeof(r));
	assert_int_equal(
		xcall("b", XEN_HC_MEMORY_OP, XENMEM_decrease_reservation, test_at("b", ARGS), 0),
		MANY);
	for (unsigned i = 0; i < MANY; i++) {
		m[i] = (struct gnttab_map_grant_ref){ .host_addr =
							      test_at("b", MANY_AT) + i * 4096ull,
						      .flags = GNTMAP_host_map,
						      .ref = 8,
						      .dom = 1 };
	}
	test_put("b", MANY_OPS, m, sizeof(m));
	assert_int_equal(xcall("b", XEN_HC_GRANT_TABLE_OP, GNTTABOP_map_grant_ref,
			       test_at("b", MANY_OPS), MANY),
			 0);
	test_get("b", MANY_OPS, m, sizeof(m));
	for (unsigned i = 0; i < MANY; i++) {
		assert_int_equal(m[i].status, GNTST_okay);
		assert_int_equal(m[i].handle, i);
	}
	assert_int_equal(dom("b")->xen->nr_map_pages,
			 (MANY + XEN_MAPS_PER_PAGE - 1) / XEN_MAPS_PER_PAGE);
	assert_int_equal(a_entry(8)->flags, GTF_permit_access | GTF_reading | GTF_writing);

	/* Handle 200 freed, then taken again by the next map. */
	struct gnttab_unmap_grant_ref one = { .host_addr = m[200].host_addr, .handle = 200 };
	test_put("b", ARGS, &one, sizeof(one));
	assert_int_equal(
		xcall("b", XEN_HC_GRANT_TABLE_OP, GNTTABOP_unmap_grant_ref, test_at("b", ARGS), 1),
		0);
	test_get("b", ARGS, &one, sizeof(one));
	assert_int_equal(one.status, GNTST_okay);
	test_put("b", ARGS, &m[200], sizeof(m[200]));
	assert_int_equal(
		xcall("b", XEN_HC_GRANT_TABLE_OP, GNTTABOP_map_grant_ref, test_at("b", ARGS), 1),
		0);
	test_get("b", ARGS, &m[200], sizeof(m[200]));
	assert_int_equal(m[200].status, GNTST_okay);
	assert_int_equal(m[200].handle, 200);
	/* A handle past every page of the table, and one past the table. */
	struct gnttab_unmap_grant_ref bad = { .host_addr = m[0].host_addr, .handle = 3 * 128 + 1 };
	test_put("b", ARGS, &bad, sizeof(bad));
	xcall("b", XEN_HC_GRANT_TABLE_OP, GNTTABOP_unmap_grant_ref, test_at("b", ARGS), 1);
	test_get("b", ARGS, &bad, sizeof(bad));
	assert_int_equal(bad.status, GNTST_bad_handle);
	bad.handle = XEN_MAX_MAPS;
	test_put("b", ARGS, &bad, sizeof(bad));
	xcall("b", XEN_HC_GRANT_TABLE_OP, GNTTABOP_unmap_grant_ref, test_at("b", ARGS), 1);
	test_get("b", ARGS, &bad, sizeof(bad));
	assert_int_equal(bad.status, GNTST_bad_handle);

	/* All unmapped in one batch: the entry is free again, b's pages holes. */
	for (unsigned i = 0; i < MANY; i++) {
		u[i] = (struct gnttab_unmap_grant_ref){ .host_addr = m[i].host_addr, .handle = i };
	}
	test_put("b", MANY_OPS, u, sizeof(u));
	assert_int_equal(xcall("b", XEN_HC_GRANT_TABLE_OP, GNTTABOP_unmap_grant_ref,
			       test_at("b", MANY_OPS), MANY),
			 0);
	test_get("b", MANY_OPS, u, sizeof(u));
	for (unsigned i = 0; i < MANY; i++) {
		assert_int_equal(u[i].status, GNTST_okay);
	}
	assert_int_equal(a_entry(8)->flags, GTF_permit_access);
	paddr_t pa;
	assert_false(arch_stage2_translate(dom("b")->s2, ipa_init(test_at("b", MANY_AT)), &pa));
	*a_entry(8) = (struct grant_entry_v1){ 0 };
}

/* Something of c's address space in the grant-table window (a hardware
 * domain's devices are where the machine has them): the build check says
 * where, and a grant-table frame is refused there (-EBUSY), not mapped
 * over it (a stage-2 clash stops the hypervisor). */
static void window_taken(void **state)
{
	(void)state;
	uint64_t taken;
	assert_true(xen_window_free(dom("c"), &taken));
	uint64_t dev = XEN_GUEST_GNTTAB_BASE + 0x10000;
	assert_int_equal(
		arch_stage2_map_device(dom("c")->s2, ipa_init(dev), pa_init(0x9000000), PAGE_SIZE),
		0);
	assert_false(xen_window_free(dom("c"), &taken));
	assert_int_equal(taken, dev);
	struct xen_add_to_physmap x = { .domid = XEN_DOMID_SELF,
					.space = XENMAPSPACE_grant_table,
					.idx = 0,
					.gpfn = dev >> 12 };
	test_put("c", ARGS, &x, sizeof(x));
	assert_int_equal(xcall("c", XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, test_at("c", ARGS), 0),
			 -XEN_EBUSY);
	/* Elsewhere in the window it goes. */
	x.gpfn = XEN_GUEST_GNTTAB_BASE >> 12;
	test_put("c", ARGS, &x, sizeof(x));
	assert_int_equal(xcall("c", XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, test_at("c", ARGS), 0),
			 0);
}

static void grants(void **state)
{
	(void)state;
	struct xen_add_to_physmap x = { .domid = XEN_DOMID_SELF,
					.space = XENMAPSPACE_grant_table,
					.gpfn = XEN_GUEST_GNTTAB_BASE >> 12 };
	test_put("a", ARGS, &x, sizeof(x));
	assert_int_equal(xcall("a", XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, test_at("a", ARGS), 0),
			 0);
	paddr_t granted;
	assert_true(arch_stage2_translate(dom("a")->s2, ipa_init(test_at("a", GRANTED)), &granted));
	*a_entry(8) = (struct grant_entry_v1){ .flags = GTF_permit_access,
					       .domid = 2,
					       .frame = (uint32_t)(test_at("a", GRANTED) >> 12) };

	uint32_t handle;
	int16_t st;
	/* b has not given the page up: it is mapped, so no grant goes there. */
	assert_int_equal(map("b", 8, 1, &handle, &st), 0);
	assert_int_equal(st, GNTST_bad_virt_addr);
	give_up_spare("b");
	paddr_t pa;
	assert_false(arch_stage2_translate(dom("b")->s2, ipa_init(test_at("b", SPARE)), &pa));
	/* c may not; b may, and then b's page is a's. */
	give_up_spare("c");
	assert_int_equal(map("c", 8, 1, &handle, &st), 0);
	assert_int_equal(st, GNTST_permission_denied);
	assert_line("policy: denied: c (domU_t) may not map or copy grants of a (domU_t) [role]");
	assert_int_equal(map("b", 9, 1, &handle, &st), 0);
	assert_int_equal(st, GNTST_permission_denied); /* entry 9 grants nothing */
	assert_int_equal(map("b", 8, 1, &handle, &st), 0);
	assert_int_equal(st, GNTST_okay);
	assert_true(arch_stage2_translate(dom("b")->s2, ipa_init(test_at("b", SPARE)), &pa));
	assert_int_equal(pa_addr(pa), pa_addr(granted));
	assert_int_equal(bus_addr, 0); /* b is not direct-mapped: no DMA address */
	assert_int_equal(a_entry(8)->flags, GTF_permit_access | GTF_reading | GTF_writing);

	/* a's page in b's frame is not b's RAM: not b's shared_info nor a
	 * vcpu_info (they would outlive a's memory), not given up as b's own
	 * (the mapping's record would stay), not a grant b can make. */
	struct xen_add_to_physmap shared = { .domid = XEN_DOMID_SELF,
					     .space = XENMAPSPACE_shared_info,
					     .gpfn = test_at("b", SPARE) >> 12 };
	test_put("b", ARGS, &shared, sizeof(shared));
	assert_int_equal(xcall("b", XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, test_at("b", ARGS), 0),
			 -XEN_EINVAL);
	struct vcpu_register_vcpu_info vi = { .mfn = test_at("b", SPARE) >> 12 };
	test_put("b", ARGS, &vi, sizeof(vi));
	assert_int_equal(
		xcall("b", XEN_HC_VCPU_OP, VCPUOP_register_vcpu_info, 0, test_at("b", ARGS)),
		-XEN_EINVAL);
	uint64_t spare = test_at("b", SPARE) >> 12;
	test_put("b", ARGS + 64, &spare, sizeof(spare));
	struct xen_memory_reservation r = { .extent_start = test_at("b", ARGS + 64),
					    .nr_extents = 1,
					    .domid = XEN_DOMID_SELF };
	test_put("b", ARGS, &r, sizeof(r));
	assert_int_equal(
		xcall("b", XEN_HC_MEMORY_OP, XENMEM_decrease_reservation, test_at("b", ARGS), 0),
		0);
	assert_true(arch_stage2_translate(dom("b")->s2, ipa_init(test_at("b", SPARE)), &pa));
	assert_int_equal(pa_addr(pa), pa_addr(granted));

	/* Unmapped: the flags go, the page is b's hole again. */
	struct gnttab_unmap_grant_ref u = { .host_addr = test_at("b", SPARE), .handle = handle };
	test_put("b", ARGS, &u, sizeof(u));
	assert_int_equal(
		xcall("b", XEN_HC_GRANT_TABLE_OP, GNTTABOP_unmap_grant_ref, test_at("b", ARGS), 1),
		0);
	test_get("b", ARGS, &u, sizeof(u));
	assert_int_equal(u.status, GNTST_okay);
	assert_int_equal(a_entry(8)->flags, GTF_permit_access);
	assert_false(arch_stage2_translate(dom("b")->s2, ipa_init(test_at("b", SPARE)), &pa));
	/* The handle is spent. */
	test_put("b", ARGS, &u, sizeof(u));
	xcall("b", XEN_HC_GRANT_TABLE_OP, GNTTABOP_unmap_grant_ref, test_at("b", ARGS), 1);
	test_get("b", ARGS, &u, sizeof(u));
	assert_int_equal(u.status, GNTST_bad_handle);

	/* Mapped again, then a's memory is given back: the mapping goes
	 * first, and b's stage 2 no longer reaches a's page. Were b
	 * direct-mapped (the hardware domain), the map would tell it the
	 * granted page's machine address, for its devices' DMA. */
	dom("b")->xen->direct = true;
	assert_int_equal(map("b", 8, 1, &handle, &st), 0);
	dom("b")->xen->direct = false;
	assert_int_equal(st, GNTST_okay);
	assert_int_equal(bus_addr, pa_addr(granted));
	assert_true(domain_destroy(dom("a"), DOM_DESTROYED, "destroyed by the test"));
	bool waiting;
	for (int i = 0; i < 1000 && domains_reclaim_step(&waiting); i++) {
	}
	assert_null(dom("a")->xen);
	assert_false(arch_stage2_translate(dom("b")->s2, ipa_init(test_at("b", SPARE)), &pa));
	/* Its port's peer is gone: b's end is unbound. */
	struct evtchn_status es = { .dom = XEN_DOMID_SELF, .port = 1 };
	assert_int_equal(evtchn("b", EVTCHNOP_status, &es, sizeof(es)), 0);
	assert_int_equal(es.status, EVTCHNSTAT_unbound);
}

static uint32_t features(const char *name)
{
	struct xen_feature_info fi = { .submap_idx = 0 };
	test_put(name, ARGS, &fi, sizeof(fi));
	assert_int_equal(
		xcall(name, XEN_HC_XEN_VERSION, XENVER_get_features, test_at(name, ARGS), 0), 0);
	test_get(name, ARGS, &fi, sizeof(fi));
	return fi.submap;
}

/* A domU is told it is not direct-mapped; the hardware domain (RAM at its
 * physical address) that it is, so that Linux gives its devices the
 * machine addresses of the grants it maps (swiotlb-xen). Its grant-table
 * window is not Xen's domU address (on QEMU virt its PCIe window is
 * there) but the first 2 MiB boundary above the machine's RAM. */
static void direct_mapped(void **state)
{
	(void)state;
	uint32_t f = features("c");
	assert_true(f & 1u << XENFEAT_not_direct_mapped);
	assert_false(f & 1u << XENFEAT_direct_mapped);
	dom("c")->xen->direct = true;
	f = features("c");
	dom("c")->xen->direct = false;
	assert_false(f & 1u << XENFEAT_not_direct_mapped);
	assert_true(f & 1u << XENFEAT_direct_mapped);
	assert_int_equal(XENFEAT_direct_mapped, 17); /* public/features.h */

	assert_int_equal(xen_area(false), XEN_GUEST_GNTTAB_BASE);
	struct mem_range ram = fake_ram();
	uint64_t end = pa_addr(ram.base) + ram.size;
	assert_true(xen_area(true) >= end);
	assert_true(xen_area(true) < end + 2 * MiB);
	assert_int_equal(xen_area(true) % (2 * MiB), 0);
	assert_int_equal(dom("c")->xen->area, XEN_GUEST_GNTTAB_BASE);
}

int run_xen_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(events),       cmocka_unit_test(close_unbinds_peer),
		cmocka_unit_test(channels),     cmocka_unit_test(many_maps),
		cmocka_unit_test(window_taken), cmocka_unit_test(direct_mapped),
		cmocka_unit_test(grants),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}

/* --- a label policy over the declared channels --------------------------------------- */

/* a and b declare a channel (the role gate allows it); the label policy
 * lets a_t bind with b_t but not b_t with a_t: the label gate (MAC) has
 * the last word, as for every other operation. */
static const char xen_policy[] = "type a_t;\n"
				 "type b_t;\n"
				 "allow * self:domain info;\n"
				 "allow * xen_t:console write;\n"
				 "allow * self:xen { evtchn grant };\n"
				 "allow a_t b_t:xen evtchn;\n";

static int label_setup(void **state)
{
	(void)state;
	size_t size;
	uint8_t *bin = compile_policy(xen_policy, &size);

	fake_init(128 * MiB, 1);
	fake_bug_fails_test();
	struct tlaunch l = { .dom = {
				     { .name = "a", .domid = 1, .xen = true, .channel = 2,
				       .label = "a_t" },
				     { .name = "b", .domid = 2, .xen = true, .label = "b_t" },
			     },
			     .policy = bin,
			     .policy_size = size };
	assert_stop(fake_boot(host_dtb(&l)), FAKE_IDLE);
	free(bin);
	place("a");
	place("b");
	return 0;
}

static void label_denies_channel(void **state)
{
	(void)state;
	struct evtchn_alloc_unbound au = { .dom = XEN_DOMID_SELF, .remote_dom = 2 };
	assert_int_equal(evtchn("a", EVTCHNOP_alloc_unbound, &au, sizeof(au)), 0);
	struct evtchn_bind_interdomain bi = { .remote_dom = 1, .remote_port = au.port };
	assert_int_equal(evtchn("b", EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -XEN_EPERM);
	assert_line("policy: denied: b (b_t) may not bind an event channel with a (a_t) [label]");
	int16_t status;
	uint32_t handle;
	assert_int_equal(map("a", 8, 2, &handle, &status), 0);
	assert_int_equal(status, GNTST_permission_denied);
	assert_line("policy: denied: a (a_t) may not map or copy grants of b (b_t) [label]");
}

int run_xen_label_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(label_denies_channel),
	};
	return cmocka_run_group_tests(tests, label_setup, NULL);
}
