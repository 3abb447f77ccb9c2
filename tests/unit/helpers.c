/*
 * The unit tests' tree builder, parse fixture and diagnostic assertion
 * (see lcm_test.h). A libfdt failure while building is a broken test, so it
 * fails the test at once with the libfdt error.
 */
#include "lcm_test.h"

#include <stdio.h>
#include <string.h>

#include <libfdt.h>

static void ok(int err, const char *what)
{
	if (err < 0) {
		print_error("tree builder: %s: %s\n", what, fdt_strerror(err));
		fail();
	}
}

void tb_init_bare(struct tb *t)
{
	t->depth = 0;
	t->next_index = 1;
	ok(fdt_create(t->buf, sizeof(t->buf)), "fdt_create");
	ok(fdt_finish_reservemap(t->buf), "fdt_finish_reservemap");
	tb_begin(t, "");
}

void tb_init(struct tb *t)
{
	tb_init_bare(t);
	tb_begin(t, "chosen");
	tb_begin(t, "hypervisor");
	tb_str(t, "compatible", LCM_COMPAT_HYPERVISOR);
}

void tb_begin(struct tb *t, const char *name)
{
	ok(fdt_begin_node(t->buf, name), name);
	t->depth++;
}

void tb_end(struct tb *t)
{
	assert_true(t->depth > 0);
	ok(fdt_end_node(t->buf), "fdt_end_node");
	t->depth--;
}

void tb_str(struct tb *t, const char *prop, const char *s)
{
	ok(fdt_property(t->buf, prop, s, (int)strlen(s) + 1), prop);
}

void tb_strs(struct tb *t, const char *prop, ...)
{
	char list[512];
	size_t len = 0;
	va_list ap;

	va_start(ap, prop);
	for (const char *s = va_arg(ap, const char *); s != NULL; s = va_arg(ap, const char *)) {
		size_t n = strlen(s) + 1;
		assert_true(len + n <= sizeof(list));
		memcpy(list + len, s, n);
		len += n;
	}
	va_end(ap);
	ok(fdt_property(t->buf, prop, list, (int)len), prop);
}

void tb_u32(struct tb *t, const char *prop, uint32_t v)
{
	ok(fdt_property_u32(t->buf, prop, v), prop);
}

void tb_cells(struct tb *t, const char *prop, int n, ...)
{
	fdt32_t cells[16];
	va_list ap;

	assert_true(n >= 0 && n <= 16);
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		cells[i] = cpu_to_fdt32(va_arg(ap, uint32_t));
	}
	va_end(ap);
	ok(fdt_property(t->buf, prop, cells, n * 4), prop);
}

void tb_raw(struct tb *t, const char *prop, const void *data, int len)
{
	ok(fdt_property(t->buf, prop, data, len), prop);
}

const void *tb_done(struct tb *t)
{
	while (t->depth > 0) {
		tb_end(t);
	}
	ok(fdt_finish(t->buf), "fdt_finish");
	return t->buf;
}

void tb_domain(struct tb *t, const char *name)
{
	tb_begin(t, name);
	tb_str(t, "compatible", LCM_COMPAT_DOMAIN);
}

void tb_config(struct tb *t)
{
	tb_begin(t, "config");
	tb_str(t, "compatible", LCM_COMPAT_CONFIG);
}

void tb_mod_addr(struct tb *t, const char *name, const char *type, uint32_t addr, uint32_t size)
{
	char compat[64];

	snprintf(compat, sizeof(compat), "module,%s", type);
	tb_begin(t, name);
	tb_str(t, "compatible", compat);
	tb_cells(t, "module-addr", 2, addr, size);
	tb_end(t);
}

void tb_mod_idx(struct tb *t, const char *name, const char *type, uint32_t index)
{
	char compat[64];

	snprintf(compat, sizeof(compat), "module,%s", type);
	tb_begin(t, name);
	tb_strs(t, "compatible", compat, LCM_COMPAT_MULTIBOOT, NULL);
	tb_u32(t, "mb-index", index);
	tb_end(t);
}

void tb_kernel(struct tb *t)
{
	tb_mod_idx(t, "kernel", "kernel", t->next_index++);
}

void tb_simple_domain(struct tb *t, const char *name)
{
	tb_domain(t, name);
	tb_u32(t, "memory", 16384);
	tb_kernel(t);
	tb_end(t);
}

int lp_parse_ex(struct lp *p, const void *fdt, size_t size, enum lcm_arch arch,
		uint32_t max_domains, uint32_t max_modules, uint32_t max_diags)
{
	assert_true(max_domains <= LP_DOMAINS && max_modules <= LP_MODULES &&
		    max_diags <= LP_DIAGS);
	/* Poison everything the parser is meant to fill. */
	memset(p, 0xA5, sizeof(*p));
	p->l.domains = p->dom;
	p->l.max_domains = max_domains;
	p->l.modules = p->mod;
	p->l.max_modules = max_modules;
	p->l.diags = p->diag;
	p->l.max_diags = max_diags;
	p->rc = lcm_parse(&p->l, fdt, size, arch);
	return p->rc;
}

int lp_parse(struct lp *p, const void *fdt, enum lcm_arch arch)
{
	return lp_parse_ex(p, fdt, fdt_totalsize(fdt), arch, LP_DOMAINS, LP_MODULES, LP_DIAGS);
}

const char *lp_diag(const struct lp *p, uint32_t i)
{
	static char text[LP_DIAGS][512];
	char body[400];

	assert_true(i < LP_DIAGS);
	lcm_diag_format(&p->diag[i], body, sizeof(body));
	snprintf(text[i], sizeof(text[i]), "%s: %s",
		 p->diag[i].severity == LCM_ERROR ? "error" : "warning", body);
	return text[i];
}

static void dump(const struct lp *p)
{
	print_error("recorded %u diagnostics (%u errors, %u warnings), rc %d:\n", p->l.nr_diags,
		    p->l.nr_errors, p->l.nr_warnings, p->rc);
	for (uint32_t i = 0; i < p->l.nr_diags && i < LP_DIAGS; i++) {
		print_error("  \"%s\"\n", lp_diag(p, i));
	}
}

void expect_diags_at(const char *file, int line, const struct lp *p, ...)
{
	const char *want[LP_DIAGS + 1];
	uint32_t n = 0, errors = 0, warnings = 0;
	va_list ap;

	va_start(ap, p);
	for (const char *s = va_arg(ap, const char *); s != NULL; s = va_arg(ap, const char *)) {
		if (n < LP_DIAGS) {
			want[n] = s;
		}
		n++;
		if (strncmp(s, "error: ", 7) == 0) {
			errors++;
		} else if (strncmp(s, "warning: ", 9) == 0) {
			warnings++;
		} else {
			print_error(
				"expected diagnostic without \"error: \" or \"warning: \": %s\n",
				s);
			_fail(file, line);
		}
	}
	va_end(ap);

	if (p->l.nr_diags != n || p->l.nr_errors != errors || p->l.nr_warnings != warnings) {
		print_error("expected %u diagnostics (%u errors, %u warnings)\n", n, errors,
			    warnings);
		dump(p);
		_fail(file, line);
	}
	for (uint32_t i = 0; i < n; i++) {
		if (strcmp(lp_diag(p, i), want[i]) != 0) {
			print_error("diagnostic %u differs:\n  want \"%s\"\n  have \"%s\"\n", i,
				    want[i], lp_diag(p, i));
			dump(p);
			_fail(file, line);
		}
	}
	/* An error makes the result LCM_EINVAL; warnings alone do not. */
	if (p->rc != LCM_ENOLCM && p->rc != (errors ? LCM_EINVAL : LCM_OK)) {
		print_error("lcm_parse returned %d with %u errors\n", p->rc, errors);
		_fail(file, line);
	}
}

const struct lcm_domain *lp_domain(const struct lp *p, const char *name)
{
	for (uint32_t i = 0; i < p->l.nr_domains; i++) {
		if (strcmp(p->dom[i].name, name) == 0) {
			return &p->dom[i];
		}
	}
	print_error("no domain named \"%s\"\n", name);
	fail();
	return NULL;
}
