/*
 * The role-test guest: tries the privileged operations and prints one line
 * per attempt, "roles: <op> <target>: ok|denied|<error>", so that a test can
 * assert what the policy check allowed for the roles of this domain
 * (docs/boot-flow.md, "Roles and the policy check"). What to try comes
 * from its bootargs:
 *
 *   targets=2,3   domids for info, pause, configure (which
 *                 only a Boot Domain may make) and unpause; one allowed to read
 *                 a target's state first waits for it to report ready
 *   destroy=3     domid to destroy last
 *   create=1      create a domain (domid 100, "created") from the probe
 *                 image carried in this image, start it, wait for it to
 *                 power off, destroy it
 *   report=1      read the launch report (HL_LAUNCH_STATUS) and print it
 *   shutdown=1    end with HL_PLATFORM_SHUTDOWN (power off)
 *   done=1        try HL_BOOT_DONE (a hostile Boot Domain), then everything
 *                 again: a Boot Domain never returns from it
 *   stay=1        wait forever at the end instead of powering off
 */
#include <fmt/fmt.h>
#include <libfdt.h>
#include <string.h>

#include "guest.h"

#define CREATED_DOMID 100

extern const uint8_t probe_image[], probe_image_end[];

static char fragment_buf[4096] __attribute__((aligned(8)));
static char text[512];

static const char *result(int64_t r)
{
	return r == HL_EPERM ? "denied" : hl_strerror(r);
}

static void line(const char *op, const char *target, int64_t r)
{
	gprintf("roles: %s %s: %s\n", op, target, result(r));
}

static void try_target(uint64_t domid)
{
	char t[16];
	static const char args[] = "quiet";

	fmt_snprintf(t, sizeof(t), "%llu", (unsigned long long)domid);
	int64_t r = hvc(HL_DOMAIN_INFO, domid, 0, 0).x0;
	line("info", t, r);
	/* A domain allowed to look waits (a while) for the target to report
	 * ready, so that what follows does not depend on who ran first. */
	/* A Boot Domain, or a Recovery Domain after a failed launch, is the
	 * one to start domains: it must not wait for one that never ran;
	 * anyone else waits for the launch to start it. */
	struct hvc_result ls = hvc(HL_LAUNCH_STATUS, 0, 0, 0);
	bool boot = guest_domid() == 0x7FF5 || (ls.x0 == HL_OK && ls.x1 == HL_LAUNCH_FAILED);
	for (unsigned spins = 0; r == HL_OK && spins < 20000000; spins++) {
		struct hvc_result i = hvc(HL_DOMAIN_INFO, domid, 0, 0);
		uint64_t st = i.x1 & HL_STATE_MASK;
		if ((i.x1 & HL_INFO_READY) || st == HL_STATE_OFF || st == HL_STATE_STOPPED ||
		    st == HL_STATE_DESTROYED ||
		    (boot && st == HL_STATE_PAUSED && !(i.x1 & HL_INFO_HAS_RUN))) {
			break;
		}
		cpu_relax();
	}
	line("pause", t, hvc(HL_DOMAIN_PAUSE, domid, 0, 0).x0);
	/* Before unpause: a Boot Domain may configure only what never ran. */
	line("configure", t, hvc4(HL_BOOT_CONFIGURE, domid, HL_CFG_BOOTARGS,
				  (uintptr_t)args, sizeof(args) - 1).x0);
	line("unpause", t, hvc(HL_DOMAIN_UNPAUSE, domid, 0, 0).x0);
}

static void try_self(void)
{
	line("lcm-read", "self", hvc(HL_BOOT_LCM_READ, (uintptr_t)text, 0, 16).x0);
	line("module-read", "0", hvc4(HL_BOOT_MODULE_READ, 0, 0, (uintptr_t)text, 16).x0);
}

static void report(void)
{
	struct hvc_result r;

	/* A domain the Boot Domain starts runs before the launch is final:
	 * give the launch a moment to end (bounded) so the report is its
	 * outcome, not a snapshot in the middle. */
	for (unsigned tries = 0;; tries++) {
		memset(text, 0, sizeof(text));
		r = hvc(HL_LAUNCH_STATUS, (uintptr_t)text, sizeof(text) - 1, 0);
		if (r.x0 != HL_OK || r.x1 != HL_LAUNCH_IN_PROGRESS || tries == 2000) {
			break;
		}
		for (volatile unsigned i = 0; i < 20000; i++) {
		}
	}
	line("launch-status", "-", r.x0);
	if (r.x0 == HL_OK) {
		static const char *const states[] = { "in progress", "final", "failed" };
		gprintf("roles: launch %s: %s\n", r.x1 < 3 ? states[r.x1] : "?",
			text[0] != '\0' ? text : "no failure");
	}
}

/* A one-domain LCM fragment naming the probe image, at its address in this
 * domain's RAM (docs/boot-flow.md, "Static and Dynamic"). */
static size_t fragment(void)
{
	void *f = fragment_buf;
	uint64_t addr = (uintptr_t)probe_image;
	uint32_t size = (uint32_t)(probe_image_end - probe_image);
	fdt32_t addr_cells[3] = { cpu_to_fdt32((uint32_t)(addr >> 32)),
				  cpu_to_fdt32((uint32_t)addr), cpu_to_fdt32(size) };

	fdt_create(f, sizeof(fragment_buf));
	fdt_finish_reservemap(f);
	fdt_begin_node(f, "");
	fdt_begin_node(f, "chosen");
	fdt_begin_node(f, "hypervisor");
	fdt_property_string(f, "compatible", "hypervisor,xen");
	fdt_property_u32(f, "#address-cells", 2);
	fdt_property_u32(f, "#size-cells", 1);
	fdt_begin_node(f, "created");
	fdt_property_string(f, "compatible", "xen,domain");
	fdt_property_u32(f, "domid", CREATED_DOMID);
	fdt_property_u32(f, "memory", 8192);
	fdt_begin_node(f, "kernel");
	fdt_property_string(f, "compatible", "module,kernel");
	fdt_property(f, "module-addr", addr_cells, sizeof(addr_cells));
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_finish(f);
	return fdt_totalsize(f);
}

static void try_create(void)
{
	size_t n = fragment();
	struct hvc_result r = hvc(HL_DOMAIN_CREATE, (uintptr_t)fragment_buf, n, 0);

	line("create", "created", r.x0);
	if (r.x0 != HL_OK) {
		return;
	}
	line("unpause", "created", hvc(HL_DOMAIN_UNPAUSE, CREATED_DOMID, 0, 0).x0);
	for (;;) {
		r = hvc(HL_DOMAIN_INFO, CREATED_DOMID, 0, 0);
		if (r.x0 != HL_OK || (r.x1 & HL_STATE_MASK) == HL_STATE_OFF) {
			break;
		}
		cpu_relax();
	}
	gprintf("roles: created is off\n");
	line("destroy", "created", hvc(HL_DOMAIN_DESTROY, CREATED_DOMID, 0, 0).x0);
}

static void try_all(void)
{
	char buf[64];

	try_self();
	if (guest_arg("targets", buf, sizeof(buf))) {
		for (const char *p = buf; *p != '\0';) {
			uint64_t v = 0;
			while (*p >= '0' && *p <= '9') {
				v = v * 10 + (uint64_t)(*p++ - '0');
			}
			try_target(v);
			if (*p == ',') {
				p++;
			} else {
				break;
			}
		}
	}
	if (guest_arg("report", buf, sizeof(buf))) {
		report();
	}
	if (guest_arg("create", buf, sizeof(buf))) {
		try_create();
	}
	if (guest_arg("destroy", buf, sizeof(buf))) {
		uint64_t v = 0;
		for (const char *p = buf; *p >= '0' && *p <= '9'; p++) {
			v = v * 10 + (uint64_t)(*p - '0');
		}
		line("destroy", buf, hvc(HL_DOMAIN_DESTROY, v, 0, 0).x0);
	}
}

int main(const void *fdt)
{
	char buf[16];

	(void)fdt;
	gprintf("roles: domid %u\n", guest_domid());
	try_all();
	if (guest_arg("done", buf, sizeof(buf))) {
		struct hvc_result r = hvc(HL_BOOT_DONE, 0, 0, 0);
		/* Only reached when the call was refused. */
		line("boot-done", "self", r.x0);
		try_all();
	}
	gprintf("roles: finished\n");
	guest_ready();
	if (guest_arg("shutdown", buf, sizeof(buf))) {
		int64_t r = hvc(HL_PLATFORM_SHUTDOWN, 0, 0, 0).x0;
		line("shutdown", "-", r);
	}
	if (guest_arg("stay", buf, sizeof(buf))) {
		for (;;) {
			__asm__ volatile("wfi");
		}
	}
	return 0;
}
