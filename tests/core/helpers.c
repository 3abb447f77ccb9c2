/*
 * The core tests' helpers (core_test.h): the host DTB with an LCM, written
 * with libfdt's sequential-write API; lookups of the core's domains;
 * console assertions.
 */
#include "core_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <crypto/sha256.h>

#include "../../tools/lcm-tool/policyc.h"
#include "core/xen.h"

#define DTB_SIZE (64 * 1024)

static void ok(int err, const char *what)
{
	if (err < 0) {
		print_error("host DTB: %s: %s\n", what, fdt_strerror(err));
		fail();
	}
}

void fake_kernel_page(void *page, const char *tag, uint8_t digest[32])
{
	struct fake_kernel k = { .magic = FAKE_KERNEL_MAGIC,
				 .load_offset = 0,
				 .image_size = 64 * 1024 };
	uint8_t *p = page;

	memset(p, 0, PAGE_SIZE);
	memcpy(p, &k, sizeof(k));
	snprintf((char *)p + sizeof(k), 64, "kernel of %s", tag);
	sha256(p, PAGE_SIZE, digest);
}

/* A fake kernel page, different for each domain (its name in it), so that
 * no two domains share a module and each is mapped in place. */
static void *place_kernel(const char *name, uint8_t digest[32])
{
	uint8_t *p = fake_ram_place(PAGE_SIZE, PAGE_SIZE);

	fake_kernel_page(p, name, digest);
	return p;
}

size_t fragment(void *buf, size_t size, const char *name, uint32_t domid, uint64_t kernel_ipa,
		uint64_t kernel_size, const uint8_t digest[32])
{
	return fragment_mem(buf, size, name, domid, 2048, kernel_ipa, kernel_size, digest);
}

size_t fragment_mem(void *buf, size_t size, const char *name, uint32_t domid, uint32_t memory_kib,
		    uint64_t kernel_ipa, uint64_t kernel_size, const uint8_t digest[32])
{
	struct tdom d = { .name = name, .domid = domid, .memory_kib = memory_kib };

	return fragment_of(buf, size, &d, kernel_ipa, kernel_size, digest);
}

size_t fragment_of(void *buf, size_t size, const struct tdom *d, uint64_t kernel_ipa,
		   uint64_t kernel_size, const uint8_t digest[32])
{
	const char *name = d->name;
	uint32_t domid = d->domid, memory_kib = d->memory_kib != 0 ? d->memory_kib : 2048;

	ok(fdt_create(buf, (int)size), "create");
	ok(fdt_finish_reservemap(buf), "reservemap");
	ok(fdt_begin_node(buf, ""), "root");
	ok(fdt_begin_node(buf, "chosen"), "chosen");
	ok(fdt_begin_node(buf, "hypervisor"), "hypervisor");
	ok(fdt_property_string(buf, "compatible", LCM_COMPAT_HYPERVISOR), "compatible");
	ok(fdt_begin_node(buf, name), name);
	ok(fdt_property_string(buf, "compatible", LCM_COMPAT_DOMAIN), "compatible");
	if (domid != 0) {
		ok(fdt_property_u32(buf, "domid", domid), "domid");
	}
	if (d->permissions != 0) {
		ok(fdt_property_u32(buf, "permissions", d->permissions), "permissions");
	}
	if (d->functions != 0) {
		ok(fdt_property_u32(buf, "functions", d->functions), "functions");
	}
	if (d->label != NULL) {
		ok(fdt_property_string(buf, "security-id", d->label), "security-id");
	}
	if (d->safety != NULL) {
		ok(fdt_property_string(buf, LCM_PROP_SAFETY, d->safety), "safety");
	}
	ok(fdt_property_u32(buf, "memory", memory_kib), "memory");
	ok(fdt_begin_node(buf, "kernel"), "kernel");
	ok(fdt_property_string(buf, "compatible", "module,kernel"), "compatible");
	fdt64_t reg[2] = { cpu_to_fdt64(kernel_ipa), cpu_to_fdt64(kernel_size) };
	ok(fdt_property(buf, "module-addr", reg, sizeof(reg)), "module-addr");
	ok(fdt_begin_node(buf, "hash"), "hash");
	ok(fdt_property_string(buf, "algo", "sha256"), "algo");
	ok(fdt_property(buf, "value", digest, 32), "value");
	ok(fdt_end_node(buf), "hash");
	ok(fdt_end_node(buf), "kernel");
	ok(fdt_end_node(buf), name);
	ok(fdt_end_node(buf), "hypervisor");
	ok(fdt_end_node(buf), "chosen");
	ok(fdt_end_node(buf), "root");
	ok(fdt_finish(buf), "finish");
	return fdt_totalsize(buf);
}

/* The config node's xsm-policy module: @l's policy copied into fake RAM. */
static void policy_module(void *b, const struct tlaunch *l)
{
	uint64_t room = (l->policy_size + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
	uint8_t *p = fake_ram_place(room != 0 ? room : PAGE_SIZE, PAGE_SIZE);
	uint8_t digest[32];

	memcpy(p, l->policy, l->policy_size);
	sha256(p, l->policy_size, digest);
	digest[0] ^= l->policy_bad_digest ? 0xff : 0;
	ok(fdt_begin_node(b, "policy"), "policy");
	ok(fdt_property_string(b, "compatible", "module,xsm-policy"), "compatible");
	fdt64_t reg[2] = { cpu_to_fdt64((uintptr_t)p), cpu_to_fdt64(l->policy_size) };
	ok(fdt_property(b, "module-addr", reg, sizeof(reg)), "module-addr");
	ok(fdt_begin_node(b, "hash"), "hash");
	ok(fdt_property_string(b, "algo", "sha256"), "algo");
	ok(fdt_property(b, "value", digest, sizeof(digest)), "value");
	ok(fdt_end_node(b), "hash");
	ok(fdt_end_node(b), "policy");
}

uint8_t *compile_policy(const char *text, size_t *size)
{
	uint8_t *bin = lt_policy_compile("test.te", text, strlen(text), size);

	if (bin == NULL) {
		print_error("the test's policy does not compile\n");
		fail();
	}
	return bin;
}

const void *host_dtb(const struct tlaunch *l)
{
	static char *buf;
	char *b;

	if (buf == NULL) {
		buf = aligned_alloc(8, DTB_SIZE); /* kept: the core points into it */
	}
	b = buf;
	ok(fdt_create(b, DTB_SIZE), "create");
	ok(fdt_finish_reservemap(b), "reservemap");
	ok(fdt_begin_node(b, ""), "root");
	ok(fdt_property_u32(b, "#address-cells", 2), "cells");
	ok(fdt_property_u32(b, "#size-cells", 2), "cells");
	ok(fdt_begin_node(b, "chosen"), "chosen");
	ok(fdt_begin_node(b, "hypervisor"), "hypervisor");
	ok(fdt_property_string(b, "compatible", LCM_COMPAT_HYPERVISOR), "compatible");
	if (l->boot_timeout_ms != 0 || l->on_all_off != NULL || l->policy != NULL ||
	    l->control_domains != NULL) {
		ok(fdt_begin_node(b, "config"), "config");
		ok(fdt_property_string(b, "compatible", LCM_COMPAT_CONFIG), "compatible");
		if (l->boot_timeout_ms != 0) {
			ok(fdt_property_u32(b, LCM_PROP_BOOT_TIMEOUT, l->boot_timeout_ms),
			   "timeout");
		}
		if (l->on_all_off != NULL) {
			ok(fdt_property_string(b, LCM_PROP_ON_ALL_OFF, l->on_all_off),
			   "on-all-off");
		}
		if (l->control_domains != NULL) {
			ok(fdt_property_string(b, LCM_PROP_CONTROL_DOMAINS, l->control_domains),
			   "control-domains");
		}
		if (l->policy != NULL) {
			policy_module(b, l);
		}
		ok(fdt_end_node(b), "config");
	}
	for (unsigned i = 0; i < TL_MAX_DOMAINS && l->dom[i].name != NULL; i++) {
		const struct tdom *d = &l->dom[i];
		uint8_t digest[32];
		void *k = place_kernel(d->name, digest);

		ok(fdt_begin_node(b, d->name), d->name);
		ok(fdt_property_string(b, "compatible", LCM_COMPAT_DOMAIN), "compatible");
		if (d->domid != 0) {
			ok(fdt_property_u32(b, "domid", d->domid), "domid");
		}
		if (d->functions != 0) {
			ok(fdt_property_u32(b, "functions", d->functions), "functions");
		}
		if (d->permissions != 0) {
			ok(fdt_property_u32(b, "permissions", d->permissions), "permissions");
		}
		if (d->label != NULL) {
			ok(fdt_property_string(b, "security-id", d->label), "security-id");
		}
		if (d->safety != NULL) {
			ok(fdt_property_string(b, LCM_PROP_SAFETY, d->safety), "safety");
		}
		ok(fdt_property_u32(b, "cpus", d->cpus != 0 ? d->cpus : 1), "cpus");
		ok(fdt_property_u32(b, "memory", d->memory_kib != 0 ? d->memory_kib : 2048),
		   "memory");
		if (d->xen) {
			ok(fdt_property(b, LCM_PROP_XEN_INTERFACE, NULL, 0), "xen");
		}
		if (d->channel != 0) {
			ok(fdt_property_u32(b, LCM_PROP_CHANNELS, d->channel), "channels");
		}
		if (d->vbd_backend != NULL) {
			ok(fdt_begin_node(b, "xen-vbd@0"), "xen-vbd");
			ok(fdt_property_string(b, "compatible", LCM_COMPAT_XEN_VBD), "compatible");
			ok(fdt_property_string(b, LCM_XENDEV_BACKEND, d->vbd_backend), "backend");
			ok(fdt_property_string(b, LCM_XENDEV_VDEV, "xvda"), "vdev");
			ok(fdt_property_string(b, LCM_XENDEV_TARGET, "/dev/ram0"), "target");
			ok(fdt_end_node(b), "xen-vbd");
		}
		if (d->vif_backend != NULL) {
			ok(fdt_begin_node(b, "xen-vif@0"), "xen-vif");
			ok(fdt_property_string(b, "compatible", LCM_COMPAT_XEN_VIF), "compatible");
			ok(fdt_property_string(b, LCM_XENDEV_BACKEND, d->vif_backend), "backend");
			ok(fdt_property_string(b, LCM_XENDEV_MAC, "00:16:3e:00:00:02"), "mac");
			ok(fdt_end_node(b), "xen-vif");
		}
		ok(fdt_begin_node(b, "kernel"), "kernel");
		ok(fdt_property_string(b, "compatible", "module,kernel"), "compatible");
		fdt64_t reg[2] = { cpu_to_fdt64((uintptr_t)k), cpu_to_fdt64(PAGE_SIZE) };
		ok(fdt_property(b, "module-addr", reg, sizeof(reg)), "module-addr");
		if (d->bootargs != NULL) {
			ok(fdt_property_string(b, "bootargs", d->bootargs), "bootargs");
		}
		if (d->bad_digest) {
			digest[0] ^= 0xff;
		}
		ok(fdt_begin_node(b, "hash"), "hash");
		ok(fdt_property_string(b, "algo", "sha256"), "algo");
		ok(fdt_property(b, "value", digest, sizeof(digest)), "value");
		ok(fdt_end_node(b), "hash");
		ok(fdt_end_node(b), "kernel");
		ok(fdt_end_node(b), d->name);
	}
	ok(fdt_end_node(b), "hypervisor");
	ok(fdt_end_node(b), "chosen");
	ok(fdt_end_node(b), "root");
	ok(fdt_finish(b), "finish");
	return b;
}

struct domain *dom(const char *name)
{
	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *d = domain_get(i);
		if (strcmp(d->name, name) == 0) {
			return d;
		}
	}
	print_error("no domain named %s\n", name);
	fail();
	return NULL;
}

struct vcpu *vcpu0(const char *name)
{
	struct vcpu *v = vcpu_get(dom(name), 0);

	assert_non_null(v);
	return v;
}

uint32_t domid(const char *name)
{
	return dom(name)->domid;
}

bool console_has_line(const char *line)
{
	const char *c = fake_console();
	size_t n = strlen(line);

	for (const char *p = c; (p = strstr(p, line)) != NULL; p++) {
		if ((p == c || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0')) {
			return true;
		}
	}
	return false;
}

void assert_line_at(const char *file, int line, const char *text)
{
	if (!console_has_line(text)) {
		/* cmocka's own printer cuts long text: the console goes out whole. */
		fprintf(stderr, "%s:%d: the console has no line \"%s\"; it has:\n%s\n", file, line,
			text, fake_console());
		fail_msg("no console line \"%s\"", text);
	}
}

void assert_no_line_at(const char *file, int line, const char *text)
{
	if (console_has_line(text)) {
		print_error("%s:%d: the console has the line \"%s\"\n", file, line, text);
		fail();
	}
}

void assert_stop_at(const char *file, int line, enum fake_stop got, enum fake_stop want)
{
	if (got != want) {
		fprintf(stderr,
			"%s:%d: the fake machine stopped for \"%s\", not \"%s\"; console:\n%s\n",
			file, line, fake_stop_name(got), fake_stop_name(want), fake_console());
		fail_msg("stopped for \"%s\", not \"%s\"", fake_stop_name(got),
			 fake_stop_name(want));
	}
}

uint64_t guest_put(struct vcpu *v, uint64_t offset, const void *s, size_t n)
{
	uint64_t ipa = ipa_addr(v->dom->ram_base) + offset;

	assert_true(domain_write_ram(v->dom, ipa_init(ipa), s, n));
	return ipa;
}

uint64_t test_at(const char *name, uint64_t off)
{
	return ipa_addr(dom(name)->ram_base) + TEST_AREA + off;
}

void test_put(const char *name, uint64_t off, const void *s, size_t n)
{
	assert_true(domain_write_ram(dom(name), ipa_init(test_at(name, off)), s, n));
}

void test_get(const char *name, uint64_t off, void *s, size_t n)
{
	assert_true(domain_read_ram(dom(name), ipa_init(test_at(name, off)), s, n));
}

int64_t xcall(const char *name, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t a[5] = { a0, a1, a2, 0, 0 };
	enum xen_next next;

	return xen_hypercall(vcpu0(name), nr, a, &next);
}

static void bug_fails(const char *what)
{
	print_error("fake arch: %s\n", what);
	fake_abandon(); /* fail() leaves through the fake's run */
	fail();
}

void fake_bug_fails_test(void)
{
	fake_bug = bug_fails;
}
