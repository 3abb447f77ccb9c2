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

#include <crypto/sha256.h>
#include <lcm/lcm.h>

#include "guest.h"

#define MAX_DOMAINS     64
#define MAX_MODULES     256
#define MAX_DIAGS       8
#define CHUNK           (64 * 1024)
#define CONFIG_MAX      (16 * 1024)
#define LINE_MAX        256
#define WAIT_DEFAULT_MS 5000

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

/* The start plan the configuration makes. */
static int order[MAX_DOMAINS]; /* domain indexes, in start order */
static unsigned nr_order;
static bool wait_for[MAX_DOMAINS];
static uint64_t wait_timeout_ms = WAIT_DEFAULT_MS;

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

static int find_domain(const char *name, size_t n)
{
	for (uint32_t i = 0; i < lcm.nr_domains; i++) {
		if (strlen(domains[i].name) == n && memcmp(domains[i].name, name, n) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/* The next space-separated word of *@p: its start, length in *@n. */
static const char *word(const char **p, size_t *n)
{
	const char *s = *p;

	while (*s == ' ' || *s == '\t') {
		s++;
	}
	const char *e = s;
	while (*e != '\0' && *e != ' ' && *e != '\t') {
		e++;
	}
	*n = (size_t)(e - s);
	*p = e;
	return *n > 0 ? s : NULL;
}

static bool number(const char *s, size_t n, uint64_t *v)
{
	*v = 0;
	if (n == 0 || n > 9) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return true;
}

static __attribute__((noreturn)) void bad_line(unsigned no, const char *line, const char *why)
{
	gprintf("bootdom: config line %u: %s: %s\n", no, why, line);
	done(4);
}

/* A domain name word of @line, or the line is bad. */
static int domain_word(unsigned no, const char *line, const char **p)
{
	size_t n;
	const char *w = word(p, &n);
	if (w == NULL) {
		bad_line(no, line, "a domain name is missing");
	}
	int d = find_domain(w, n);
	if (d < 0) {
		bad_line(no, line, "unknown domain");
	}
	return d;
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

static void apply_line(unsigned no, char *line)
{
	char *hash = strchr(line, '#');
	if (hash != NULL) {
		*hash = '\0';
	}
	size_t len = strlen(line);
	while (len > 0 &&
	       (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r')) {
		line[--len] = '\0';
	}
	const char *p = line;
	size_t n;
	const char *w = word(&p, &n);
	if (w == NULL) {
		return;
	}
	if (n == 5 && memcmp(w, "order", 5) == 0) {
		const char *q = p;
		size_t m;
		if (word(&q, &m) == NULL) {
			bad_line(no, line, "order names no domain");
		}
		while ((q = p, word(&q, &m)) != NULL) {
			int d = domain_word(no, line, &p);
			for (unsigned i = 0; i < nr_order; i++) {
				if (order[i] == d) {
					bad_line(no, line, "a domain is ordered twice");
				}
			}
			order[nr_order++] = d;
		}
	} else if (n == 4 && memcmp(w, "wait", 4) == 0) {
		wait_for[domain_word(no, line, &p)] = true;
		if (word(&p, &n) != NULL) {
			bad_line(no, line, "wait takes one domain");
		}
	} else if (n == 15 && memcmp(w, "wait-timeout-ms", 15) == 0) {
		w = word(&p, &n);
		if (w == NULL || !number(w, n, &wait_timeout_ms) || word(&p, &n) != NULL) {
			bad_line(no, line, "wait-timeout-ms takes one number");
		}
	} else if (n == 8 && memcmp(w, "bootargs", 8) == 0) {
		int d = domain_word(no, line, &p);
		while (*p == ' ' || *p == '\t') {
			p++;
		}
		configure(&domains[d], HL_CFG_BOOTARGS, (uintptr_t)p, strlen(p), "bootargs");
	} else if (n == 8 && memcmp(w, "affinity", 8) == 0) {
		int d = domain_word(no, line, &p);
		uint64_t vcpu, cpu;
		const char *a = word(&p, &n);
		if (a == NULL || !number(a, n, &vcpu)) {
			bad_line(no, line, "affinity takes a domain, a vCPU and a CPU");
		}
		const char *b = word(&p, &n);
		if (b == NULL || !number(b, n, &cpu) || word(&p, &n) != NULL) {
			bad_line(no, line, "affinity takes a domain, a vCPU and a CPU");
		}
		configure(&domains[d], HL_CFG_AFFINITY, vcpu, cpu, "affinity");
	} else {
		bad_line(no, line, "unknown directive");
	}
}

/* The configuration, line by line: bootargs and affinity are applied as
 * they come (every domain is still paused), order and wait make the plan. */
static void apply_config(size_t size)
{
	char line[LINE_MAX];
	unsigned no = 0;

	config[size] = '\0';
	for (const char *p = config; *p != '\0';) {
		const char *e = strchr(p, '\n');
		size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
		no++;
		if (n >= sizeof(line)) {
			memcpy(line, p, 40);
			line[40] = '\0';
			bad_line(no, line, "line too long");
		}
		memcpy(line, p, n);
		line[n] = '\0';
		apply_line(no, line);
		p += n + (e != NULL);
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
		if (guest_time_ms() - t0 > wait_timeout_ms) {
			gprintf("bootdom: %s not ready within %llu ms\n", d->name,
				(unsigned long long)wait_timeout_ms);
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
	for (unsigned i = 0; i < nr_order; i++) {
		if (order[i] != lcm.boot) {
			start(order[i]);
		}
	}
	for (uint32_t i = 0; i < lcm.nr_domains; i++) {
		bool ordered = false;
		for (unsigned j = 0; j < nr_order; j++) {
			ordered |= order[j] == (int)i;
		}
		if (ordered || (int)i == lcm.boot || (int)i == standby) {
			continue;
		}
		start((int)i);
	}
	done(0);
}
