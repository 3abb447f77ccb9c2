/*
 * Three Xen-aware bare-metal domains and the channels the launch declares
 * (tests/hv/xen-channels.sh), built by the test with the bare-metal guest
 * runtime (guests/lib). Bootargs "role=a", "role=b", "role=c": the LCM
 * declares a channel between a (domid 1) and b (domid 2), none for c.
 *
 *   a  offers: an unbound port for b, a page granted to b (grant ref 8,
 *      its grant table's frame 0 mapped where the device tree says); waits
 *      for b's event, answers with one, waits for b's word in the page.
 *   b  binds a's port, copies the granted page (GNTTABOP_copy; writing
 *      into the read-only grant 9 of the same page is refused), gives up a
 *      page of its RAM and maps the grant there (map_grant_ref), reads a's
 *      word through it, writes its own, unmaps, sends an event, waits for
 *      a's.
 *   c  tries the same with a: every call is refused (-EPERM, or the grant
 *      status GNTST_permission_denied).
 *
 * Each step prints "xen: ROLE: STEP: RESULT". The guests run with their MMU
 * off (virtual addresses are guest-physical) and poll with SCHEDOP_yield.
 */
#include <hyperlaunch/xen-abi.h>
#include <string.h>

#include "../../guests/lib/guest.h"

#define DOMID_A  1
#define DOMID_B  2
#define GREF     8 /* the first ref Linux would use too */
#define WORD_A   0x6120746f2062ull
#define WORD_B   0x6220746f2061ull
#define PATIENCE 2000000

static uint8_t shinfo[4096] __attribute__((aligned(4096)));
static uint8_t granted[4096] __attribute__((aligned(4096)));
static uint8_t copy[4096] __attribute__((aligned(4096)));
static uint8_t window[4096] __attribute__((aligned(4096)));
static char role;

static int64_t xen_hc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	register uint64_t x0 __asm__("x0") = a0;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x16 __asm__("x16") = nr;

	__asm__ volatile("hvc #0xea1" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x16) : : "memory");
	return (int64_t)x0;
}

static void say(const char *step, long long r)
{
	gprintf("xen: %c: %s: %lld\n", role, step, r);
}

static void yield(void)
{
	xen_hc(XEN_HC_SCHED_OP, SCHEDOP_yield, 0, 0);
}

static volatile uint64_t *word(uint8_t *page)
{
	return (volatile uint64_t *)page;
}

static bool pending(unsigned port)
{
	volatile uint64_t *p = (volatile uint64_t *)(shinfo + XEN_SHINFO_EVTCHN_PENDING);
	return (p[port / 64] >> (port % 64)) & 1;
}

static bool wait_pending(unsigned port)
{
	for (unsigned i = 0; i < PATIENCE && !pending(port); i++) {
		yield();
	}
	return pending(port);
}

static int64_t place_shared_info(void)
{
	struct xen_add_to_physmap x = { .domid = XEN_DOMID_SELF,
					.space = XENMAPSPACE_shared_info,
					.gpfn = (uintptr_t)shinfo >> 12 };
	return xen_hc(XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, (uintptr_t)&x, 0);
}

static int64_t send(unsigned port)
{
	struct evtchn_port_arg p = { .port = port };
	return xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_send, (uintptr_t)&p, 0);
}

static int64_t bind(uint16_t dom, unsigned port, unsigned *local)
{
	struct evtchn_bind_interdomain b = { .remote_dom = dom, .remote_port = port };
	int64_t r = xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_bind_interdomain, (uintptr_t)&b, 0);
	*local = b.local_port;
	return r;
}

static int copy_grant(uint16_t dom)
{
	static struct gnttab_copy c;
	c = (struct gnttab_copy){ .source = { .u.ref = GREF, .domid = dom },
				  .dest = { .u.gmfn = (uintptr_t)copy >> 12,
					    .domid = XEN_DOMID_SELF },
				  .len = 8,
				  .flags = GNTCOPY_source_gref };
	int64_t r = xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_copy, (uintptr_t)&c, 1);
	return r != 0 ? (int)r : c.status;
}

static int map_grant(uint16_t dom, uint32_t *handle)
{
	static struct gnttab_map_grant_ref m;
	m = (struct gnttab_map_grant_ref){
		.host_addr = (uintptr_t)window, .flags = GNTMAP_host_map, .ref = GREF, .dom = dom
	};
	int64_t r = xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_map_grant_ref, (uintptr_t)&m, 1);
	*handle = m.handle;
	return r != 0 ? (int)r : m.status;
}

static void run_a(void)
{
	say("shared_info", place_shared_info());
	struct evtchn_alloc_unbound au = { .dom = XEN_DOMID_SELF, .remote_dom = DOMID_B };
	say("alloc_unbound for b",
	    xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_alloc_unbound, (uintptr_t)&au, 0));
	say("port", au.port);
	/* Its grant table's frame 0 where the device tree's window starts;
	 * entry 8 grants b the page "granted", writable. */
	struct xen_add_to_physmap x = { .domid = XEN_DOMID_SELF,
					.space = XENMAPSPACE_grant_table,
					.idx = 0,
					.gpfn = XEN_GUEST_GNTTAB_BASE >> 12 };
	say("grant frame", xen_hc(XEN_HC_MEMORY_OP, XENMEM_add_to_physmap, (uintptr_t)&x, 0));
	*word(granted) = WORD_A;
	volatile struct grant_entry_v1 *e =
		(volatile struct grant_entry_v1 *)(uintptr_t)XEN_GUEST_GNTTAB_BASE + GREF;
	e->frame = (uint32_t)((uintptr_t)granted >> 12);
	e->domid = DOMID_B;
	__asm__ volatile("dmb sy" ::: "memory");
	e->flags = GTF_permit_access;
	/* Entry 9: the same page, read-only for b. */
	e[1].frame = e->frame;
	e[1].domid = DOMID_B;
	__asm__ volatile("dmb sy" ::: "memory");
	e[1].flags = GTF_permit_access | GTF_readonly;
	say("event from b", wait_pending(au.port));
	say("send to b", send(au.port));
	for (unsigned i = 0; i < PATIENCE && *word(granted) != WORD_B; i++) {
		yield();
	}
	say("word from b", *word(granted) == WORD_B);
	/* b unmapped it: the hypervisor's in-use flags are gone. */
	for (unsigned i = 0; i < PATIENCE && (e->flags & (GTF_reading | GTF_writing)); i++) {
		yield();
	}
	say("grant flags", e->flags);
}

static void run_b(void)
{
	unsigned port = 0;
	uint32_t handle = 0;
	int64_t r = -1;
	int st = -1;

	say("shared_info", place_shared_info());
	for (unsigned i = 0; i < PATIENCE && r != 0; i++) {
		r = bind(DOMID_A, 1, &port);
		if (r != 0) {
			yield();
		}
	}
	say("bind a's port 1", r);
	say("port", port);
	/* Binding raised the new port once (a may have sent before): start
	 * from nothing pending. */
	((volatile uint64_t *)(shinfo + XEN_SHINFO_EVTCHN_PENDING))[0] = 0;
	for (unsigned i = 0; i < PATIENCE && st != GNTST_okay; i++) {
		st = copy_grant(DOMID_A);
		if (st != GNTST_okay) {
			yield();
		}
	}
	say("copy", st);
	say("copied word", *word(copy) == WORD_A);
	static struct gnttab_copy w;
	w = (struct gnttab_copy){ .source = { .u.gmfn = (uintptr_t)copy >> 12,
					      .domid = XEN_DOMID_SELF },
				  .dest = { .u.ref = GREF + 1, .domid = DOMID_A },
				  .len = 8,
				  .flags = GNTCOPY_dest_gref };
	xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_copy, (uintptr_t)&w, 1);
	say("copy into read-only grant", w.status);
	uint64_t frame = (uintptr_t)window >> 12;
	struct xen_memory_reservation res = { .extent_start = (uintptr_t)&frame,
					      .nr_extents = 1,
					      .domid = XEN_DOMID_SELF };
	say("decrease_reservation",
	    xen_hc(XEN_HC_MEMORY_OP, XENMEM_decrease_reservation, (uintptr_t)&res, 0));
	say("map", map_grant(DOMID_A, &handle));
	say("mapped word", *word(window) == WORD_A);
	*word(window) = WORD_B;
	static struct gnttab_unmap_grant_ref u;
	u = (struct gnttab_unmap_grant_ref){ .host_addr = (uintptr_t)window, .handle = handle };
	xen_hc(XEN_HC_GRANT_TABLE_OP, GNTTABOP_unmap_grant_ref, (uintptr_t)&u, 1);
	say("unmap", u.status);
	say("populate_physmap",
	    xen_hc(XEN_HC_MEMORY_OP, XENMEM_populate_physmap, (uintptr_t)&res, 0));
	say("own page back", *word(window) != WORD_B);
	say("send to a", send(port));
	say("event from a", wait_pending(port));
}

static void run_c(void)
{
	unsigned port = 0;
	uint32_t handle = 0;

	say("shared_info", place_shared_info());
	struct evtchn_alloc_unbound au = { .dom = XEN_DOMID_SELF, .remote_dom = DOMID_A };
	say("alloc_unbound for a",
	    xen_hc(XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_alloc_unbound, (uintptr_t)&au, 0));
	say("bind a's port 1", bind(DOMID_A, 1, &port));
	say("copy", copy_grant(DOMID_A));
	uint64_t frame = (uintptr_t)window >> 12;
	struct xen_memory_reservation res = { .extent_start = (uintptr_t)&frame,
					      .nr_extents = 1,
					      .domid = XEN_DOMID_SELF };
	xen_hc(XEN_HC_MEMORY_OP, XENMEM_decrease_reservation, (uintptr_t)&res, 0);
	say("map", map_grant(DOMID_A, &handle));
	say("bind domain 9", bind(9, 1, &port));
}

int main(const void *fdt)
{
	char r[4];

	(void)fdt;
	role = guest_arg("role", r, sizeof(r)) ? r[0] : '?';
	switch (role) {
	case 'a':
		run_a();
		break;
	case 'b':
		run_b();
		break;
	default:
		run_c();
		break;
	}
	gprintf("xen: %c: done\n", role);
	return 0;
}
