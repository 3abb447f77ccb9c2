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
 *
 * Attacks on the privileged paths (each prints "roles: <what>: <result>"):
 *
 *   mk=N.D.P.F[.L],..  create (never start) a domain named N with domid D
 *                 (0: none given), permissions P and functions F (numbers)
 *                 and, when given, security-id L
 *   digest=1      create "c1" (domid 101) from the probe image with its
 *                 SHA-256, then "c2" (102) from a copy with one byte
 *                 changed that claims the same digest: must be refused
 *   readafter=M   after the targets: wait until domain 1 reports ready,
 *                 then read boot module M (its kernel, mapped in place)
 *   createpaused=1  first of all create "late" (domid 100) and leave it
 *                 paused; after the report, say whether it ever ran
 *   unknown=D     pause, unpause, destroy, configure and read domid D
 *   sleep=1       at the end, arm the virtual timer an hour ahead and wait
 *                 in WFI for good
 *   bigmem=MIB    create "big" (domid 120) with MIB MiB of RAM, then
 *                 destroy it: long work for the hypervisor, in steps
 *   tick=MS       for MS milliseconds, spin reading the virtual counter
 *                 and print the longest gap between two reads (how long
 *                 this vCPU was kept from running)
 *
 * Sequencing, for the attacks that need an order between domains:
 *
 *   start=D       first of all unpause domid D (a Boot Domain starting a
 *                 control domain early), nothing else
 *   kill=D        first of all destroy domid D
 *   earlyready=1  report ready right after start/kill/createpaused
 *   delay=MS      wait MS milliseconds before done, finished and shutdown
 */
#include <crypto/sha256.h>
#include <fmt/fmt.h>
#include <libfdt.h>
#include <string.h>

#include "guest.h"

#define CREATED_DOMID 100

extern const uint8_t probe_image[], probe_image_end[];

static char fragment_buf[4096] __attribute__((aligned(8)));
static char text[512];
/* A copy of the probe image with one byte changed (digest=1). */
static uint8_t tampered[64 * 1024] __attribute__((aligned(4096)));

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
	line("configure", t,
	     hvc4(HL_BOOT_CONFIGURE, domid, HL_CFG_BOOTARGS, (uintptr_t)args, sizeof(args) - 1).x0);
	/* vCPU 2^32: not vCPU 0 with the top bits cut off. */
	line("affinity-2^32", t, hvc4(HL_BOOT_CONFIGURE, domid, HL_CFG_AFFINITY, 1ull << 32, 0).x0);
	line("unpause", t, hvc(HL_DOMAIN_UNPAUSE, domid, 0, 0).x0);
}

static void try_self(void)
{
	line("lcm-read", "self", hvc(HL_BOOT_LCM_READ, (uintptr_t)text, 0, 16).x0);
	line("module-read", "0", hvc4(HL_BOOT_MODULE_READ, 0, 0, (uintptr_t)text, 16).x0);
}

static uint64_t counter(void)
{
	uint64_t t;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
	return t;
}

static void report(void)
{
	struct hvc_result r;

	/* A domain the Boot Domain starts runs before the launch is final:
	 * give the launch a moment to end (bounded) so the report is its
	 * outcome, not a snapshot in the middle. */
	uint64_t t0 = counter(), freq;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	for (;;) {
		memset(text, 0, sizeof(text));
		r = hvc(HL_LAUNCH_STATUS, (uintptr_t)text, sizeof(text) - 1, 0);
		if (r.x0 != HL_OK || r.x1 != HL_LAUNCH_IN_PROGRESS || counter() - t0 > 5 * freq) {
			break;
		}
		cpu_relax();
	}
	line("launch-status", "-", r.x0);
	if (r.x0 == HL_OK) {
		static const char *const states[] = { "in progress", "final", "failed" };
		gprintf("roles: launch %s: %s\n", r.x1 < 3 ? states[r.x1] : "?",
			text[0] != '\0' ? text : "no failure");
	}
}

/* What a created domain is made of (docs/boot-flow.md, "Static and
 * Dynamic"): a one-domain LCM fragment whose kernel is @image in this
 * domain's RAM; @domid 0 leaves domid out; @digest (if any) goes in a
 * sha256 hash node. */
struct creation {
	const char *name;
	uint32_t domid, permissions, functions;
	uint32_t memory_kib; /* 0: 8 MiB */
	const void *image;
	uint32_t size;
	const uint8_t *digest;
	const char *label;    /* security-id; NULL: none */
	const char *bootargs; /* the kernel's; NULL: none */
};

static size_t fragment(const struct creation *c)
{
	void *f = fragment_buf;
	uint64_t addr = (uintptr_t)c->image;
	fdt32_t addr_cells[3] = { cpu_to_fdt32((uint32_t)(addr >> 32)),
				  cpu_to_fdt32((uint32_t)addr), cpu_to_fdt32(c->size) };

	fdt_create(f, sizeof(fragment_buf));
	fdt_finish_reservemap(f);
	fdt_begin_node(f, "");
	fdt_begin_node(f, "chosen");
	fdt_begin_node(f, "hypervisor");
	fdt_property_string(f, "compatible", "hypervisor,xen");
	fdt_property_u32(f, "#address-cells", 2);
	fdt_property_u32(f, "#size-cells", 1);
	fdt_begin_node(f, c->name);
	fdt_property_string(f, "compatible", "xen,domain");
	if (c->domid != 0) {
		fdt_property_u32(f, "domid", c->domid);
	}
	if (c->permissions != 0) {
		fdt_property_u32(f, "permissions", c->permissions);
	}
	if (c->functions != 0) {
		fdt_property_u32(f, "functions", c->functions);
	}
	if (c->label != NULL) {
		fdt_property_string(f, "security-id", c->label);
	}
	fdt_property_u32(f, "memory", c->memory_kib != 0 ? c->memory_kib : 8192);
	fdt_begin_node(f, "kernel");
	fdt_property_string(f, "compatible", "module,kernel");
	fdt_property(f, "module-addr", addr_cells, sizeof(addr_cells));
	if (c->bootargs != NULL) {
		fdt_property_string(f, "bootargs", c->bootargs);
	}
	if (c->digest != NULL) {
		fdt_begin_node(f, "hash");
		fdt_property_string(f, "algo", "sha256");
		fdt_property(f, "value", c->digest, 32);
		fdt_end_node(f);
	}
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_finish(f);
	return fdt_totalsize(f);
}

static struct hvc_result create(const struct creation *c)
{
	size_t n = fragment(c);

	return hvc(HL_DOMAIN_CREATE, (uintptr_t)fragment_buf, n, 0);
}

static uint32_t probe_size(void)
{
	return (uint32_t)(probe_image_end - probe_image);
}

/* create=1: create, start and destroy "created" (the probe). create=clock:
 * the same one second into this domain's life, the probe asked to print
 * its virtual counter at entry, which must start near 0 at the creation
 * (a CNTVOFF per domain), not count this domain's second. */
static void try_create(const char *how)
{
	struct creation c = { "created",   CREATED_DOMID, 0,    0,    0,
			      probe_image, probe_size(),  NULL, NULL, NULL };
	if (strcmp(how, "clock") == 0) {
		uint64_t t0 = guest_time_ms();
		while (guest_time_ms() - t0 < 1000) {
			cpu_relax();
		}
		c.bootargs = "clock=1";
		gprintf("roles: creating created at %llu ms\n",
			(unsigned long long)guest_time_ms());
	}
	struct hvc_result r = create(&c);

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

static uint64_t number(const char **p)
{
	uint64_t v = 0;

	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (uint64_t)(*(*p)++ - '0');
	}
	return v;
}

/* mk=NAME.DOMID.PERMS.FUNCS,...: one creation each, never started. */
static void try_mk(const char *list)
{
	for (const char *p = list; *p != '\0';) {
		char name[32];
		size_t n = 0;
		while (*p != '.' && *p != '\0' && n < sizeof(name) - 1) {
			name[n++] = *p++;
		}
		name[n] = '\0';
		struct creation c = {
			name, 0, 0, 0, 0, probe_image, probe_size(), NULL, NULL, NULL
		};
		p += *p == '.';
		c.domid = (uint32_t)number(&p);
		p += *p == '.';
		c.permissions = (uint32_t)number(&p);
		p += *p == '.';
		c.functions = (uint32_t)number(&p);
		char label[64];
		if (*p == '.') {
			n = 0;
			for (p++; *p != ',' && *p != '\0' && n < sizeof(label) - 1;) {
				label[n++] = *p++;
			}
			label[n] = '\0';
			c.label = label;
		}
		struct hvc_result r = create(&c);
		if (r.x0 == HL_OK) {
			gprintf("roles: mk %s: ok, domid %llu\n", name, (unsigned long long)r.x1);
		} else {
			gprintf("roles: mk %s: %s\n", name, result(r.x0));
		}
		if (*p != ',') {
			break;
		}
		p++;
	}
}

/* Two creations of the same size, one after the other: the second must be
 * checked against its own digest claim, not an answer remembered from the
 * first (whose copy sat in the same pages). */
static void try_digest(void)
{
	uint8_t digest[32];
	uint32_t size = probe_size();

	if (size > sizeof(tampered)) {
		gprintf("roles: digest: probe image too large\n");
		return;
	}
	sha256(probe_image, size, digest);
	struct creation c1 = { "c1", 101, 0, 0, 0, probe_image, size, digest, NULL, NULL };
	line("digest create", "c1", create(&c1).x0);
	memcpy(tampered, probe_image, size);
	tampered[size - 1] ^= 0xff;
	struct creation c2 = { "c2", 102, 0, 0, 0, tampered, size, digest, NULL, NULL };
	line("digest create", "c2", create(&c2).x0);
}

/* Domain 1 has run: its kernel, mapped in place, is its RAM now. */
static void try_read_after(const char *module)
{
	const char *p = module;
	uint64_t m = number(&p);

	for (unsigned spins = 0; spins < 50000000; spins++) {
		struct hvc_result i = hvc(HL_DOMAIN_INFO, 1, 0, 0);
		if (i.x0 != HL_OK || (i.x1 & HL_INFO_READY)) {
			break;
		}
		cpu_relax();
	}
	line("module-read-after", module, hvc4(HL_BOOT_MODULE_READ, m, 0, (uintptr_t)text, 16).x0);
}

static void try_unknown(const char *domid)
{
	const char *p = domid;
	uint64_t d = number(&p);
	static const char args[] = "x";

	line("pause", domid, hvc(HL_DOMAIN_PAUSE, d, 0, 0).x0);
	line("unpause", domid, hvc(HL_DOMAIN_UNPAUSE, d, 0, 0).x0);
	line("destroy", domid, hvc(HL_DOMAIN_DESTROY, d, 0, 0).x0);
	line("info", domid, hvc(HL_DOMAIN_INFO, d, 0, 0).x0);
	line("configure", domid,
	     hvc4(HL_BOOT_CONFIGURE, d, HL_CFG_BOOTARGS, (uintptr_t)args, sizeof(args) - 1).x0);
}

static void try_bigmem(const char *mib)
{
	const char *p = mib;
	struct creation c = { "big",       120,          0,    0,    (uint32_t)number(&p) * 1024,
			      probe_image, probe_size(), NULL, NULL, NULL };

	line("bigmem create", "big", create(&c).x0);
	line("bigmem destroy", "big", hvc(HL_DOMAIN_DESTROY, 120, 0, 0).x0);
}

static void tick(const char *ms)
{
	const char *p = ms;
	uint64_t freq, t0 = counter(), last = t0, gap = 0;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	uint64_t span = number(&p) * freq / 1000;
	for (uint64_t t = t0; t - t0 < span; t = counter()) {
		if (t - last > gap) {
			gap = t - last;
		}
		last = t;
	}
	gprintf("roles: longest gap %llu ms\n", (unsigned long long)(gap * 1000 / freq));
}

static void sleep_forever(void)
{
	uint64_t now, freq;

	__asm__ volatile("mrs %0, cntvct_el0" : "=r"(now));
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	__asm__ volatile("msr cntv_cval_el0, %0" : : "r"(now + 3600 * freq));
	__asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(1ull));
	/* Its virtual CPU interface on (ICC_PMR_EL1, ICC_IGRPEN1_EL1): a WFI
	 * then blocks the vCPU until an interrupt, on its CPU's list of
	 * sleepers with the timer's deadline, instead of only giving its
	 * turn away as a guest that polls does. */
	__asm__ volatile("msr S3_0_C4_C6_0, %0" : : "r"(0xffull));
	__asm__ volatile("msr S3_0_C12_C12_7, %0; isb" : : "r"(1ull));
	gprintf("roles: sleeping\n");
	for (;;) {
		__asm__ volatile("wfi");
	}
}

static void try_all(void)
{
	char buf[256]; /* mk= lists are long */

	if (guest_arg("start", buf, sizeof(buf))) {
		const char *p = buf;
		line("start", buf, hvc(HL_DOMAIN_UNPAUSE, number(&p), 0, 0).x0);
	}
	if (guest_arg("kill", buf, sizeof(buf))) {
		const char *p = buf;
		line("kill", buf, hvc(HL_DOMAIN_DESTROY, number(&p), 0, 0).x0);
	}
	if (guest_arg("createpaused", buf, sizeof(buf))) {
		struct creation c = { "late",      CREATED_DOMID, 0,    0,    0,
				      probe_image, probe_size(),  NULL, NULL, NULL };
		line("create", "late", create(&c).x0);
	}
	if (guest_arg("earlyready", buf, sizeof(buf))) {
		guest_ready();
	}
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
	if (guest_arg("readafter", buf, sizeof(buf))) {
		try_read_after(buf);
	}
	if (guest_arg("report", buf, sizeof(buf))) {
		report();
	}
	if (guest_arg("createpaused", buf, sizeof(buf))) {
		struct hvc_result i = hvc(HL_DOMAIN_INFO, CREATED_DOMID, 0, 0);
		gprintf("roles: late has run: %s\n", i.x0 != HL_OK              ? result(i.x0)
						     : (i.x1 & HL_INFO_HAS_RUN) ? "yes"
										: "no");
	}
	if (guest_arg("mk", buf, sizeof(buf))) {
		try_mk(buf);
	}
	if (guest_arg("digest", buf, sizeof(buf))) {
		try_digest();
	}
	if (guest_arg("unknown", buf, sizeof(buf))) {
		try_unknown(buf);
	}
	if (guest_arg("bigmem", buf, sizeof(buf))) {
		try_bigmem(buf);
	}
	if (guest_arg("tick", buf, sizeof(buf))) {
		tick(buf);
	}
	if (guest_arg("create", buf, sizeof(buf))) {
		try_create(buf);
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
	if (guest_arg("delay", buf, sizeof(buf))) {
		const char *p = buf;
		uint64_t ms = number(&p), t0 = counter(), freq;
		__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
		while (counter() - t0 < ms * freq / 1000) {
			cpu_relax();
		}
	}
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
	if (guest_arg("sleep", buf, sizeof(buf))) {
		sleep_forever();
	}
	if (guest_arg("stay", buf, sizeof(buf))) {
		for (;;) {
			__asm__ volatile("wfi");
		}
	}
	return 0;
}
