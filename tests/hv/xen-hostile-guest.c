/*
 * A hostile caller of the Xen guest interface (tests/hv/xen-hostile.sh),
 * built by the test with the bare-metal guest runtime (guests/lib). It runs
 * with its MMU off, so its virtual addresses are its guest-physical ones,
 * and makes Xen hypercalls (HVC #0xEA1, number in x16) with pointers
 * outside its RAM, across its end, wrapping around, and with ports,
 * references, vCPUs and sizes out of range. Each check prints one line
 * "xen: NAME: RESULT"; the hypervisor must answer each with an error and
 * stay up. Between them a working event channel (loopback: alloc_unbound
 * to itself, bind_interdomain, send) shows the checks did not just refuse
 * everything. With bootargs "plain" it is a domain without
 * hyperlaunch,xen-interface and makes one call.
 */
#include <hyperlaunch/xen-abi.h>
#include <string.h>

#include "../../guests/lib/guest.h"

static uint8_t shinfo[4096] __attribute__((aligned(4096)));
static uint8_t vinfo[4096] __attribute__((aligned(4096)));

static int64_t xen_hc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	register uint64_t x0 __asm__("x0") = a0;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x16 __asm__("x16") = nr;

	__asm__ volatile("hvc #0xea1" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x16) : : "memory");
	return (int64_t)x0;
}

static void check(const char *name, int64_t r)
{
	gprintf("xen: %s: %lld\n", name, (long long)r);
}

/* The guest runs with its caches off; the hypervisor writes through its
 * cacheable mapping: clean and invalidate the line before reading it. */
static uint64_t read_word(const void *p)
{
	__asm__ volatile("dc civac, %0" : : "r"(p) : "memory");
	__asm__ volatile("dsb sy" ::: "memory");
	return *(volatile const uint64_t *)p;
}

static void bad_pointers(void)
{
	uint64_t end = guest_ram_base() + guest_ram_size();

	check("features outside ram",
	      xen_hc(XEN_HC_XEN_VERSION, XENVER_get_features, 0x10000000, 0));
	check("features across ram end",
	      xen_hc(XEN_HC_XEN_VERSION, XENVER_get_features, end - 4, 0));
	check("features wrapping", xen_hc(XEN_HC_XEN_VERSION, XENVER_get_features, ~0ull - 3, 0));
	check("features in gic", xen_hc(XEN_HC_XEN_VERSION, XENVER_get_features, 0x08000000, 0));
	check("evtchn outside ram", xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_send, 0x1000, 0));
	check("gnttab outside ram", xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_copy, 0x1000, 1));
}

static void map(const char *name, struct gnttab_map_grant_ref *m)
{
	m->status = 99;
	int64_t r = xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_map_grant_ref, (uintptr_t)m, 1);
	gprintf("xen: %s: %lld status %d\n", name, (long long)r, m->status);
}

static void bad_maps(void)
{
	static struct gnttab_map_grant_ref m;
	uint64_t page = (uintptr_t)vinfo;

	m = (struct gnttab_map_grant_ref){
		.host_addr = page, .flags = GNTMAP_host_map, .ref = 8, .dom = 2
	};
	map("map from plain domain", &m);
	m.dom = XEN_DOMID_SELF;
	map("map own grant", &m);
	m.flags = GNTMAP_host_map | GNTMAP_contains_pte;
	map("map with pte", &m);
	m.flags = GNTMAP_host_map;
	m.host_addr = page + 8;
	map("map misaligned", &m);
	check("map 100000 ops",
	      xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_map_grant_ref, (uintptr_t)&m, 100000));
	static struct gnttab_unmap_grant_ref u = { .host_addr = 0x40000000, .handle = 7 };
	xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_unmap_grant_ref, (uintptr_t)&u, 1);
	check("unmap handle 7", u.status);
	/* Past the first page of handles and past the table (XEN_MAX_MAPS). */
	u.handle = 128;
	xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_unmap_grant_ref, (uintptr_t)&u, 1);
	check("unmap handle 128", u.status);
	u.handle = 4096;
	xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_unmap_grant_ref, (uintptr_t)&u, 1);
	check("unmap handle 4096", u.status);
	u.handle = 0xffffffffu;
	xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_unmap_grant_ref, (uintptr_t)&u, 1);
	check("unmap handle 2^32-1", u.status);
	/* Given up, then back: the page is the guest's again. */
	static uint64_t frame;
	frame = (uintptr_t)vinfo >> 12;
	struct xen_memory_reservation r = { .extent_start = (uintptr_t)&frame,
					    .nr_extents = 1,
					    .domid = XEN_DOMID_SELF };
	check("decrease_reservation",
	      xen_hc(XEN_HC_MEMORY_OP, XENMEM_decrease_reservation, (uintptr_t)&r, 0));
	check("populate_physmap",
	      xen_hc(XEN_HC_MEMORY_OP, XENMEM_populate_physmap, (uintptr_t)&r, 0));
	vinfo[0] = 1;
	frame = 0x10000;
	check("decrease_reservation outside ram",
	      xen_hc(XEN_HC_MEMORY_OP, XENMEM_decrease_reservation, (uintptr_t)&r, 0));
	r.extent_order = 9;
	check("decrease_reservation order 9",
	      xen_hc(XEN_HC_MEMORY_OP, XENMEM_decrease_reservation, (uintptr_t)&r, 0));
	r = (struct xen_memory_reservation){ .extent_start = 0x1000,
					     .nr_extents = 1,
					     .domid = XEN_DOMID_SELF };
	check("decrease_reservation list outside ram",
	      xen_hc(XEN_HC_MEMORY_OP, XENMEM_decrease_reservation, (uintptr_t)&r, 0));
}

static void bad_arguments(void)
{
	struct xen_feature_info fi = { .submap_idx = 7 };
	check("features submap 7",
	      xen_hc(XEN_HC_XEN_VERSION, XENVER_get_features, (uintptr_t)&fi, 0));

	struct xen_add_to_physmap x = { .domid = XEN_DOMID_SELF,
					.space = XENMAPSPACE_shared_info,
					.gpfn = 0x10000 };
	check("shared_info outside ram",
	      xen_hc(XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, (uintptr_t)&x, 0));
	x.domid = 3;
	check("shared_info of domain 3",
	      xen_hc(XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, (uintptr_t)&x, 0));
	x = (struct xen_add_to_physmap){ .domid = XEN_DOMID_SELF,
					 .space = XENMAPSPACE_grant_table,
					 .idx = 100,
					 .gpfn = XEN_GUEST_GNTTAB_BASE >> 12 };
	check("grant frame 100", xen_hc(XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, (uintptr_t)&x, 0));
	x.idx = 0;
	x.gpfn = guest_ram_base() >> 12;
	check("grant frame in ram",
	      xen_hc(XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, (uintptr_t)&x, 0));
	x.gpfn = XEN_GUEST_GNTTAB_BASE >> 12;
	check("grant frame 0", xen_hc(XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, (uintptr_t)&x, 0));
	x.idx = 1;
	check("grant frame 1 over 0",
	      xen_hc(XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, (uintptr_t)&x, 0));

	struct vcpu_register_vcpu_info vi = { .mfn = (uintptr_t)vinfo >> 12, .offset = 4090 };
	check("vcpu_info across page",
	      xen_hc(XEN_HC_VCPU_OP, VCPUOP_register_vcpu_info, 0, (uintptr_t)&vi));
	vi.offset = 4;
	check("vcpu_info misaligned",
	      xen_hc(XEN_HC_VCPU_OP, VCPUOP_register_vcpu_info, 0, (uintptr_t)&vi));
	vi.offset = 0;
	check("vcpu_info of vcpu 5",
	      xen_hc(XEN_HC_VCPU_OP, VCPUOP_register_vcpu_info, 5, (uintptr_t)&vi));

	struct evtchn_port_arg p = { .port = 0 };
	check("send port 0", xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_send, (uintptr_t)&p, 0));
	p.port = 0xffffffffu;
	check("send port 2^32-1", xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_send, (uintptr_t)&p, 0));
	p.port = 4000;
	check("close port 4000", xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_close, (uintptr_t)&p, 0));
	check("unmask port 4000",
	      xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_unmask, (uintptr_t)&p, 0));
	struct evtchn_bind_virq bv = { .virq = 99 };
	check("bind virq 99",
	      xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_bind_virq, (uintptr_t)&bv, 0));
	struct evtchn_alloc_unbound au = { .dom = XEN_DOMID_SELF, .remote_dom = 999 };
	check("alloc_unbound for domain 999",
	      xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_alloc_unbound, (uintptr_t)&au, 0));
	au = (struct evtchn_alloc_unbound){ .dom = 2, .remote_dom = XEN_DOMID_SELF };
	check("alloc_unbound in domain 2",
	      xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_alloc_unbound, (uintptr_t)&au, 0));
	struct evtchn_bind_interdomain bi = { .remote_dom = 2, .remote_port = 1 };
	check("bind_interdomain to plain domain",
	      xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_bind_interdomain, (uintptr_t)&bi, 0));
	check("evtchn op 11 (fifo)", xen_hc(XEN_HC_EVENT_CHANNEL_OP, 11, (uintptr_t)&p, 0));

	static struct gnttab_copy gc;
	check("copy 100000 ops",
	      xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_copy, (uintptr_t)&gc, 100000));
	gc = (struct gnttab_copy){ .source = { .u.ref = 9, .domid = 2 },
				   .dest = { .u.gmfn = (uintptr_t)vinfo >> 12,
					     .domid = XEN_DOMID_SELF },
				   .len = 8,
				   .flags = GNTCOPY_source_gref };
	xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_copy, (uintptr_t)&gc, 1);
	check("copy from plain domain", gc.status);
	gc.source.domid = XEN_DOMID_SELF;
	gc.source.u.ref = 100000;
	xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_copy, (uintptr_t)&gc, 1);
	check("copy ref 100000", gc.status);
	gc.len = 5000;
	xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_copy, (uintptr_t)&gc, 1);
	check("copy 5000 bytes", gc.status);
	gc = (struct gnttab_copy){ .source = { .u.gmfn = 0x10000, .domid = XEN_DOMID_SELF },
				   .dest = { .u.gmfn = (uintptr_t)vinfo >> 12,
					     .domid = XEN_DOMID_SELF },
				   .len = 8 };
	xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_copy, (uintptr_t)&gc, 1);
	check("copy from outside ram", gc.status);
	bad_maps();

	struct sched_shutdown sd = { .reason = 77 };
	check("shutdown reason 77", xen_hc(XEN_HC_SCHED_OP, SCHEDOP_shutdown, (uintptr_t)&sd, 0));
	check("hypercall 99", xen_hc(99, 0, 0, 0));
	check("hypercall 2^64-1", xen_hc(~0ull, 0, 0, 0));
	check("memory_op 99", xen_hc(XEN_HC_MEMORY_OP, 99, 0, 0));
	static struct xen_domctl dc = { .cmd = XEN_DOMCTL_getdomaininfo,
					.interface_version = XEN_DOMCTL_INTERFACE_VERSION };
	check("domctl getdomaininfo", xen_hc(XEN_HC_DOMCTL, (uintptr_t)&dc, 0, 0));
	dc.interface_version = 0x14;
	check("domctl version 0x14", xen_hc(XEN_HC_DOMCTL, (uintptr_t)&dc, 0, 0));
	check("hvm set_param", xen_hc(XEN_HC_HVM_OP, HVMOP_set_param, 0, 0));
}

/* A loopback channel: the checks above refused what they had to, not
 * everything. */
static void loopback(void)
{
	struct xen_add_to_physmap x = { .domid = XEN_DOMID_SELF,
					.space = XENMAPSPACE_shared_info,
					.gpfn = (uintptr_t)shinfo >> 12 };
	check("shared_info", xen_hc(XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, (uintptr_t)&x, 0));
	struct evtchn_alloc_unbound au = { .dom = XEN_DOMID_SELF, .remote_dom = XEN_DOMID_SELF };
	check("alloc_unbound self",
	      xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_alloc_unbound, (uintptr_t)&au, 0));
	struct evtchn_bind_interdomain bi = { .remote_dom = XEN_DOMID_SELF,
					      .remote_port = au.port };
	check("bind_interdomain self",
	      xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_bind_interdomain, (uintptr_t)&bi, 0));
	/* Binding raised the new port once; clear it, then send on it: the
	 * event arrives at the other end. */
	memset(shinfo, 0, sizeof(shinfo));
	__asm__ volatile("dc civac, %0" : : "r"(shinfo + XEN_SHINFO_EVTCHN_PENDING) : "memory");
	struct evtchn_port_arg p = { .port = bi.local_port };
	check("send", xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_send, (uintptr_t)&p, 0));
	uint64_t pend = read_word(shinfo + XEN_SHINFO_EVTCHN_PENDING);
	gprintf("xen: ports %u and %u, pending 0x%llx\n", au.port, bi.local_port,
		(unsigned long long)pend);
	struct evtchn_status st = { .dom = XEN_DOMID_SELF, .port = au.port };
	check("status", xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_status, (uintptr_t)&st, 0));
	gprintf("xen: port %u status %u peer port %u\n", au.port, st.status, st.u.interdomain.port);
}

int main(const void *fdt)
{
	(void)fdt;
	if (strcmp(guest_bootargs(), "plain") == 0) {
		check("plain version", xen_hc(XEN_HC_XEN_VERSION, XENVER_version, 0, 0));
		return 0;
	}
	check("version", xen_hc(XEN_HC_XEN_VERSION, XENVER_version, 0, 0));
	bad_pointers();
	bad_arguments();
	loopback();
	gputs("xen: done\n");
	return 0;
}
