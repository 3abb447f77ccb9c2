/*
 * The reference Boot Domain (docs/boot-flow.md, "The reference Boot
 * Domain"). It reads the LCM from the hypervisor and parses it with the
 * same library the hypervisor used (lib/lcm), so both agree on every
 * domain and module; verifies every boot module against its SHA-256
 * digest, reading it in chunks (HL_BOOT_MODULE_READ); applies the plain
 * text configuration of its own `config` module (found by its index in
 * lcm_parse() order, like any module); starts the domains in the order it
 * gives, waiting for HL_INFO_READY where asked; then says done. Any problem
 * is printed and ends in HL_BOOT_DONE with a non-zero status: the launch
 * has failed and the hypervisor takes over (the Recovery Domain).
 */
#include <string.h>

#include <bootcfg/bootcfg.h>
#include <crypto/sha256.h>
#include <lcm/lcm.h>

#include "guest.h"

#define MAX_DOMAINS 64
#define MAX_MODULES 256
#define MAX_DIAGS   8
#define CHUNK       (64 * 1024)
#define CONFIG_MAX  BOOTCFG_MAX_SIZE

static struct lcm_domain domains[MAX_DOMAINS];
static struct lcm_module modules[MAX_MODULES];
static struct lcm_diag diags[MAX_DIAGS];
static struct lcm_launch lcm = {
	.domains = domains,
	.max_domains = MAX_DOMAINS,
	.modules = modules,
	.max_modules = MAX_MODULES,
	.diags = diags,
	.max_diags = MAX_DIAGS,
};

static uint8_t chunk[CHUNK] __attribute__((aligned(16)));
static char config[CONFIG_MAX + 1];

/* The start plan the configuration makes (lib/bootcfg keeps it). */
static int order[MAX_DOMAINS]; /* domain indexes, in start order */
static bool wait_for[MAX_DOMAINS];
static struct bootcfg plan = { .wait_timeout_ms = BOOTCFG_WAIT_DEFAULT_MS };

static __attribute__((noreturn)) void done(uint64_t status)
{
	if (status == 0) {
		gprintf("bootdom: done\n");
	} else {
		gprintf("bootdom: failed, saying done with status %llu\n",
			(unsigned long long)status);
	}
	hvc(HL_BOOT_DONE, status, 0, 0);
	/* HL_BOOT_DONE does not return to a Boot Domain; if it did, the
	 * hypervisor refused it, and the deadline will end us. */
	gprintf("bootdom: HL_BOOT_DONE returned\n");
	for (;;) {
		guest_idle();
	}
}

/* The LCM, in the RAM after this image (the host DTB may be large). */
static uint8_t *read_lcm(size_t *size)
{
	uint8_t *buf = (uint8_t *)((guest_image_end() + 4095) & ~(uintptr_t)4095);
	struct hvc_result r = hvc(HL_BOOT_LCM_READ, (uintptr_t)buf, 0, 0);

	if (r.x0 < 0) {
		gprintf("bootdom: HL_BOOT_LCM_READ: %s\n", hl_strerror(r.x0));
		done(1);
	}
	*size = r.x1;
	uint64_t room = guest_ram_base() + guest_ram_size() - (uintptr_t)buf - 64 * 1024;
	if (*size > room) {
		gprintf("bootdom: the LCM (%zu bytes) does not fit in my RAM\n", *size);
		done(1);
	}
	for (size_t off = 0; off < *size;) {
		r = hvc(HL_BOOT_LCM_READ, (uintptr_t)buf + off, off, *size - off);
		if (r.x0 <= 0) {
			gprintf("bootdom: HL_BOOT_LCM_READ at %zu: %s\n", off, hl_strerror(r.x0));
			done(1);
		}
		off += (size_t)r.x0;
	}
	return buf;
}

static const char *owner_name(const struct lcm_module *m)
{
	return m->owner == LCM_OWNER_CONFIG ? "config" : domains[m->owner].name;
}

/* Stream module @i through SHA-256 (and into @copy, when not NULL); its
 * size, as the hypervisor says (a module located by mb-index has none in
 * the LCM), in *@size. */
static bool read_module(uint32_t i, uint8_t out[SHA256_DIGEST_SIZE], char *copy, size_t max,
			uint64_t *size)
{
	struct sha256 s;

	sha256_init(&s);
	*size = 1; /* until the first read says */
	for (uint64_t off = 0; off < *size;) {
		struct hvc_result r = hvc4(HL_BOOT_MODULE_READ, i, off, (uintptr_t)chunk, CHUNK);
		*size = r.x1;
		if (r.x0 <= 0) {
			gprintf("bootdom: HL_BOOT_MODULE_READ %u at %llu: %s\n", i,
				(unsigned long long)off, hl_strerror(r.x0));
			return false;
		}
		sha256_update(&s, chunk, (size_t)r.x0);
		if (copy != NULL && off < max) {
			size_t n = (size_t)r.x0 < max - off ? (size_t)r.x0 : max - off;
			memcpy(copy + off, chunk, n);
		}
		off += (uint64_t)r.x0;
	}
	sha256_final(&s, out);
	return true;
}

/* Whether two module nodes name the same range: the same module-addr, or
 * the same mb-index. */
static bool same_place(const struct lcm_module *a, const struct lcm_module *b)
{
	if (a->flags & LCM_MODF_INDEX) {
		return (b->flags & LCM_MODF_INDEX) && a->mb_index == b->mb_index;
	}
	return !(b->flags & LCM_MODF_INDEX) && a->addr == b->addr && a->size == b->size;
}

static void verify_all(void)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	unsigned checked = 0;

	for (uint32_t i = 0; i < lcm.nr_modules; i++) {
		const struct lcm_module *m = &modules[i];
		const char *type = lcm_module_type_name(m->type);
		if (!(m->flags & (LCM_MODF_ADDR | LCM_MODF_INDEX))) {
			continue;
		}
		if (!(m->flags & LCM_MODF_DIGEST)) {
			gprintf("bootdom: %s %s: no digest, not checked\n", owner_name(m), type);
			continue;
		}
		/* My own kernel and ramdisk were checked by the hypervisor
		 * before I ran (it starts no domain whose digest fails), and
		 * may be my RAM now, which it no longer serves as a module. */
		if (m->owner == (uint16_t)lcm.boot &&
		    (m->type == LCM_MOD_KERNEL || m->type == LCM_MOD_RAMDISK)) {
			checked++;
			continue;
		}
		/* A module shared by several domains is one range: hashed once. */
		bool seen = false;
		for (uint32_t j = 0; j < i; j++) {
			seen |= (modules[j].flags & LCM_MODF_DIGEST) &&
				same_place(&modules[j], m) &&
				memcmp(modules[j].sha256, m->sha256, sizeof(digest)) == 0;
		}
		if (seen) {
			checked++;
			continue;
		}
		uint64_t size;
		if (!read_module(i, digest, NULL, 0, &size)) {
			done(2);
		}
		if (memcmp(digest, m->sha256, sizeof(digest)) != 0) {
			gprintf("bootdom: %s %s: SHA-256 mismatch\n", owner_name(m), type);
			done(3);
		}
		checked++;
	}
	gprintf("bootdom: verified %u modules (SHA-256)\n", checked);
}

static void configure(const struct lcm_domain *d, uint64_t key, uint64_t a, uint64_t b,
		      const char *what)
{
	struct hvc_result r = hvc4(HL_BOOT_CONFIGURE, d->domid, key, a, b);

	gprintf("bootdom: %s %s: %s\n", what, d->name, hl_strerror(r.x0));
	if (r.x0 < 0) {
		done(5);
	}
}

/* The configuration, line by line (lib/bootcfg): bootargs and affinity are
 * applied as they come (every domain is still paused), order and wait make
 * the plan; the first bad line ends the launch. */
static void apply_config(size_t size)
{
	char msg[BOOTCFG_LINE_MAX + 64];
	enum bootcfg_step step;

	bootcfg_init(&plan, &lcm, config, size, order, wait_for);
	while ((step = bootcfg_next(&plan)) != BOOTCFG_END) {
		switch (step) {
		case BOOTCFG_BAD:
			bootcfg_error(&plan, msg, sizeof(msg));
			gprintf("bootdom: %s\n", msg);
			done(4);
		case BOOTCFG_BOOTARGS:
			configure(&domains[plan.domain], HL_CFG_BOOTARGS, (uintptr_t)plan.bootargs,
				  strlen(plan.bootargs), "bootargs");
			break;
		case BOOTCFG_AFFINITY:
			configure(&domains[plan.domain], HL_CFG_AFFINITY, plan.vcpu, plan.cpu,
				  "affinity");
			break;
		case BOOTCFG_PLAN:
		case BOOTCFG_END:
			break;
		}
	}
}

static void start(int i)
{
	const struct lcm_domain *d = &domains[i];
	struct hvc_result r = hvc(HL_DOMAIN_UNPAUSE, d->domid, 0, 0);

	gprintf("bootdom: start %s: %s\n", d->name, hl_strerror(r.x0));
	if (r.x0 < 0) {
		done(6);
	}
	if (!wait_for[i]) {
		return;
	}
	uint64_t t0 = guest_time_ms();
	for (;;) {
		r = hvc(HL_DOMAIN_INFO, d->domid, 0, 0);
		if (r.x0 == HL_OK && (r.x1 & HL_INFO_READY)) {
			gprintf("bootdom: %s ready\n", d->name);
			return;
		}
		uint64_t st = r.x1 & HL_STATE_MASK;
		if (r.x0 != HL_OK || (st != HL_STATE_RUNNING && st != HL_STATE_PAUSED)) {
			gprintf("bootdom: %s ended before it was ready\n", d->name);
			done(7);
		}
		if (guest_time_ms() - t0 > plan.wait_timeout_ms) {
			gprintf("bootdom: %s not ready within %llu ms\n", d->name,
				(unsigned long long)plan.wait_timeout_ms);
			done(8);
		}
		cpu_relax();
	}
}

int main(const void *fdt)
{
	size_t size;
	char text[400];

	(void)fdt;
	if (!on_hyperlaunch()) {
		gprintf("bootdom: not on Hyperlaunch\n");
		return 1;
	}
	const void *blob = read_lcm(&size);
	if (lcm_parse(&lcm, blob, size, (enum lcm_arch)guest_lcm_arch()) != LCM_OK ||
	    lcm.boot < 0) {
		for (uint32_t i = 0; i < lcm.nr_diags; i++) {
			lcm_diag_format(&diags[i], text, sizeof(text));
			gprintf("bootdom: lcm: %s\n", text);
		}
		gprintf("bootdom: the LCM does not parse, or names no Boot Domain\n");
		done(1);
	}
	gprintf("bootdom: LCM: %u domains, %u modules\n", lcm.nr_domains, lcm.nr_modules);
	verify_all();

	int cfg = domains[lcm.boot].module[LCM_MOD_CONFIG];
	if (cfg >= 0) {
		uint8_t digest[SHA256_DIGEST_SIZE];
		uint64_t size;
		if (!read_module((uint32_t)cfg, digest, config, CONFIG_MAX, &size)) {
			done(2);
		}
		if (size > CONFIG_MAX) {
			gprintf("bootdom: config module larger than %u bytes\n", CONFIG_MAX);
			done(4);
		}
		gprintf("bootdom: config: %llu bytes\n", (unsigned long long)size);
		apply_config((size_t)size);
	} else {
		gprintf("bootdom: no config module: starting every domain in LCM order\n");
	}
	/* The ordered ones first, then the rest in LCM order; a Recovery
	 * Domain that does nothing else stands by unless the configuration
	 * names it (as the hypervisor's finalization does). */
	int standby = -1;
	if (lcm.recovery >= 0 && domains[lcm.recovery].permissions == 0 &&
	    (domains[lcm.recovery].functions & ~LCM_FUNCTION_RECOVERY) == 0) {
		standby = lcm.recovery;
	}
	for (unsigned i = 0; i < plan.nr_order; i++) {
		if (order[i] != lcm.boot) {
			start(order[i]);
		}
	}
	for (uint32_t i = 0; i < lcm.nr_domains; i++) {
		bool ordered = false;
		for (unsigned j = 0; j < plan.nr_order; j++) {
			ordered |= order[j] == (int)i;
		}
		if (ordered || (int)i == lcm.boot || (int)i == standby) {
			continue;
		}
		start((int)i);
	}
	done(0);
}
