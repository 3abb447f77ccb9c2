/*
 * LCM parser and validator (see lcm.h and docs/bindings.md).
 *
 * One pass over /chosen/hypervisor collects the config node and every domain
 * with its modules; a second pass checks what needs the whole picture (domid
 * assignment, roles held by more than one domain, overlapping modules). The
 * FDT is checked structurally with fdt_check_full() first, so the walks below
 * only meet well-formed tokens; every property is still length-checked before
 * it is read.
 */
#include "lcm.h"

#include <stdarg.h>
#include <string.h>

#include <libfdt.h>

#include "../fmt/fmt.h"

struct parser {
	struct lcm_launch *l;
	enum lcm_arch arch;
	bool quiet; /* reading again what was checked (lcm_xendev): no diagnostics */
};

/* --- diagnostics --------------------------------------------------------- */

/*
 * (lcm.h) Each byte outside printable ASCII 0x20-0x7e, and the backslash, is
 * written as "\xHH". A diagnostic quotes node names and strings of the LCM,
 * which may be hostile, and goes to the hypervisor's console and to a
 * terminal: control functions (ECMA-48 sections 5.2 and 5.3: C0 0x00-0x1f,
 * ESC sequences, C1 0x80-0x9f) and bytes a terminal would decode as UTF-8
 * must not reach them raw. An escape that does not fit is left out whole.
 */
void lcm_printable(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *src != '\0'; src++) {
		unsigned char c = (unsigned char)*src;
		bool plain = c >= 0x20 && c <= 0x7e && c != '\\';
		if (o + (plain ? 1 : 4) >= size) {
			break;
		}
		if (plain) {
			dst[o++] = (char)c;
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0xf];
		}
	}
	if (size > 0) {
		dst[o] = '\0';
	}
}

static void vdiag(struct parser *p, enum lcm_severity sev, int node, const char *prop,
		  const char *f, va_list ap)
{
	struct lcm_launch *l = p->l;

	if (p->quiet) {
		return;
	}
	if (sev == LCM_ERROR) {
		l->nr_errors++;
	} else {
		l->nr_warnings++;
	}
	if (l->nr_diags >= l->max_diags) {
		return;
	}
	struct lcm_diag *d = &l->diags[l->nr_diags++];
	char raw[sizeof(d->msg)];
	d->severity = (uint8_t)sev;
	raw[0] = '\0';
	if (node >= 0 && fdt_get_path(l->fdt, node, raw, sizeof(d->path)) < 0) {
		fmt_snprintf(raw, sizeof(d->path), "(node at offset %d)", node);
	}
	lcm_printable(d->path, sizeof(d->path), raw);
	lcm_printable(d->prop, sizeof(d->prop), prop != NULL ? prop : "");
	fmt_vsnprintf(raw, sizeof(raw), f, ap);
	lcm_printable(d->msg, sizeof(d->msg), raw);
}

__attribute__((format(printf, 4, 5))) static void error(struct parser *p, int node,
							const char *prop, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vdiag(p, LCM_ERROR, node, prop, f, ap);
	va_end(ap);
}

__attribute__((format(printf, 4, 5))) static void warning(struct parser *p, int node,
							  const char *prop, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vdiag(p, LCM_WARNING, node, prop, f, ap);
	va_end(ap);
}

int lcm_diag_format(const struct lcm_diag *d, char *buf, size_t size)
{
	const char *sep1 = d->path[0] != '\0' ? ": " : "";
	const char *sep2 = d->prop[0] != '\0' ? ": " : "";

	return fmt_snprintf(buf, size, "%s%s%s%s%s", d->path, sep1, d->prop, sep2, d->msg);
}

/* --- names --------------------------------------------------------------- */

static const char *const module_type_names[LCM_MOD_NR_TYPES] = {
	[LCM_MOD_KERNEL] = "kernel",           [LCM_MOD_RAMDISK] = "ramdisk",
	[LCM_MOD_DEVICE_TREE] = "device-tree", [LCM_MOD_CONFIG] = "config",
	[LCM_MOD_MICROCODE] = "microcode",     [LCM_MOD_XSM_POLICY] = "xsm-policy",
};

/* "a kernel module", "an xsm-policy module". */
static const char *article(unsigned type)
{
	return type == LCM_MOD_XSM_POLICY ? "an" : "a";
}

const char *lcm_module_type_name(unsigned type)
{
	return type < LCM_MOD_NR_TYPES ? module_type_names[type] : "?";
}

struct bit_name {
	uint32_t bit;
	const char *name;
};

static const struct bit_name permission_names[] = {
	{ LCM_PERMISSION_CONTROL, "control" },
	{ LCM_PERMISSION_HARDWARE, "hardware" },
};

static const struct bit_name function_names[] = {
	{ LCM_FUNCTION_BOOT, "boot" },
	{ LCM_FUNCTION_RECOVERY, "recovery" },
	{ LCM_FUNCTION_CONSOLE, "console" },
	{ LCM_FUNCTION_XENSTORE, "xenstore" },
	{ LCM_FUNCTION_LEGACY_DOM0, "legacy-dom0" },
};

static int bits_str(uint32_t v, const struct bit_name *names, size_t n, char *buf, size_t size)
{
	size_t len = 0;

	if (size > 0) {
		buf[0] = '\0';
	}
	if (v == 0) {
		return fmt_snprintf(buf, size, "none");
	}
	for (size_t i = 0; i < n; i++) {
		if (v & names[i].bit) {
			len += (size_t)fmt_snprintf(buf + (len < size ? len : size),
						    len < size ? size - len : 0, "%s%s",
						    len > 0 ? "," : "", names[i].name);
			v &= ~names[i].bit;
		}
	}
	if (v != 0) {
		len += (size_t)fmt_snprintf(buf + (len < size ? len : size),
					    len < size ? size - len : 0, "%s0x%x",
					    len > 0 ? "," : "", v);
	}
	return (int)len;
}

int lcm_permissions_str(uint32_t perms, char *buf, size_t size)
{
	return bits_str(perms, permission_names,
			sizeof(permission_names) / sizeof(permission_names[0]), buf, size);
}

int lcm_functions_str(uint32_t funcs, char *buf, size_t size)
{
	return bits_str(funcs, function_names, sizeof(function_names) / sizeof(function_names[0]),
			buf, size);
}

/* --- domain names ---------------------------------------------------------- */

/* The Devicetree Specification's node-name characters (section 2.2.1,
 * Table 2.1), without '@', which starts a unit address. ASCII only, and no
 * <ctype.h>: the library is freestanding. */
static bool is_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_name_char(unsigned char c)
{
	return is_letter(c) || (c >= '0' && c <= '9') || c == ',' || c == '.' || c == '_' ||
	       c == '+' || c == '-';
}

bool lcm_valid_name(const char *s)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');

	if (n == 0 || n > LCM_NAME_MAX || !is_letter((unsigned char)s[0]) ||
	    (at != NULL && at[1] == '\0')) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!is_name_char((unsigned char)s[i]) && &s[i] != at) {
			return false;
		}
	}
	return true;
}

#define NAME_RULE \
	"a domain's name is its node name: 1-31 letters, digits or \",._+-\", from a letter, \"@unit\" optional"

/*
 * The domain's name is printed on the hypervisor's console in front of each
 * of its lines and in the launch's own lines, so a name with a line break,
 * an escape sequence or bytes a terminal decodes as control characters could
 * forge console lines. Reported on the pseudo-property "name" (the node's
 * name, as Open Firmware calls it), which lcm-tool maps to the JSON key.
 */
static void check_domain_name(struct parser *p, int node, const char *name)
{
	size_t n = strlen(name);
	const char *at = strchr(name, '@');

	if (n == 0) {
		error(p, node, "name", "empty (" NAME_RULE ")");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (is_name_char(c) || &name[i] == at) {
			continue;
		}
		if (c > 0x20 && c < 0x7f) {
			error(p, node, "name", "'%c' at byte %u is not allowed (" NAME_RULE ")", c,
			      (unsigned)i);
		} else {
			error(p, node, "name", "byte 0x%02x at %u is not allowed (" NAME_RULE ")",
			      c, (unsigned)i);
		}
		return;
	}
	if (!is_letter((unsigned char)name[0])) {
		error(p, node, "name", "starts with '%c', not a letter (" NAME_RULE ")", name[0]);
	} else if (at != NULL && at[1] == '\0') {
		error(p, node, "name", "ends with '@': no unit address (" NAME_RULE ")");
	} else {
		error(p, node, "name", "%u characters, more than %u (" NAME_RULE ")", (unsigned)n,
		      LCM_NAME_MAX);
	}
}

/* --- property readers ----------------------------------------------------- */

/*
 * Each reader returns 1 when the property is present and valid, 0 when it is
 * absent, -1 when it is present but malformed (an error is recorded).
 */

static int prop_u32(struct parser *p, int node, const char *name, uint32_t *out)
{
	int len;
	const fdt32_t *v = fdt_getprop(p->l->fdt, node, name, &len);

	if (v == NULL) {
		return 0;
	}
	if (len != 4) {
		error(p, node, name, "expected one 32-bit cell (4 bytes), found %d bytes", len);
		return -1;
	}
	*out = fdt32_ld(v);
	return 1;
}

/* One or two cells, big-endian, as `memory` is written in the design. */
static int prop_u64(struct parser *p, int node, const char *name, uint64_t *out)
{
	int len;
	const fdt32_t *v = fdt_getprop(p->l->fdt, node, name, &len);

	if (v == NULL) {
		return 0;
	}
	if (len == 4) {
		*out = fdt32_ld(v);
	} else if (len == 8) {
		*out = ((uint64_t)fdt32_ld(&v[0]) << 32) | fdt32_ld(&v[1]);
	} else {
		error(p, node, name, "expected one or two 32-bit cells, found %d bytes", len);
		return -1;
	}
	return 1;
}

/* A single NUL-terminated string of printable characters. */
static int prop_string(struct parser *p, int node, const char *name, const char **out,
		       bool allow_empty)
{
	int len;
	const char *v = fdt_getprop(p->l->fdt, node, name, &len);

	if (v == NULL) {
		return 0;
	}
	if (len == 0 || v[len - 1] != '\0') {
		error(p, node, name, "expected a NUL-terminated string");
		return -1;
	}
	if (strlen(v) != (size_t)len - 1) {
		error(p, node, name, "expected one string, found a list of strings");
		return -1;
	}
	if (!allow_empty && len == 1) {
		error(p, node, name, "must not be empty");
		return -1;
	}
	for (int i = 0; i < len - 1; i++) {
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e) {
			error(p, node, name,
			      "contains a non-printable character (0x%02x) at byte %d",
			      (unsigned char)v[i], i);
			return -1;
		}
	}
	*out = v;
	return 1;
}

/* Is @s one of the strings of the stringlist property @name? */
static bool has_string(const void *fdt, int node, const char *name, const char *s)
{
	return fdt_stringlist_search(fdt, node, name, s) >= 0;
}

/* #address-cells / #size-cells for module-addr: nearest of @parent, then hv. */
static int cells_of(const void *fdt, int node, const char *name)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	if (v == NULL || len != 4) {
		return -1;
	}
	return (int)fdt32_ld(v);
}

static bool bits_ok(struct parser *p, int node, const char *prop, uint32_t v, uint32_t known)
{
	if (v & ~known) {
		error(p, node, prop, "unknown bits 0x%x (known: 0x%x)", v & ~known, known);
		return false;
	}
	return true;
}

/* --- modules ------------------------------------------------------------- */

static bool is_module_node(const void *fdt, int node)
{
	const char *name = fdt_get_name(fdt, node, NULL);

	if (name != NULL && (strcmp(name, "module") == 0 || strncmp(name, "module@", 7) == 0)) {
		return true;
	}
	/* A differently named node that says it is a module is one. */
	int n = fdt_stringlist_count(fdt, node, "compatible");
	for (int i = 0; i < n; i++) {
		const char *c = fdt_stringlist_get(fdt, node, "compatible", i, NULL);
		if (c != NULL &&
		    strncmp(c, LCM_COMPAT_MODULE_PFX, sizeof(LCM_COMPAT_MODULE_PFX) - 1) == 0) {
			return true;
		}
	}
	return false;
}

static bool is_hash_node(const void *fdt, int node)
{
	const char *name = fdt_get_name(fdt, node, NULL);

	return name != NULL && strncmp(name, "hash", 4) == 0 &&
	       (name[4] == '\0' || name[4] == '-' || name[4] == '@');
}

/*
 * The module type from compatible: the first "module,<type>" string.
 * Returns the type, -1 on error (recorded), -2 for an unknown type (warned:
 * a newer LCM may carry module types this version does not know).
 */
static int module_type(struct parser *p, int node)
{
	const void *fdt = p->l->fdt;
	int n = fdt_stringlist_count(fdt, node, "compatible");

	if (n <= 0) {
		error(p, node, "compatible", "missing: a module needs \"module,<type>\"");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *c = fdt_stringlist_get(fdt, node, "compatible", i, NULL);
		if (c == NULL ||
		    strncmp(c, LCM_COMPAT_MODULE_PFX, sizeof(LCM_COMPAT_MODULE_PFX) - 1) != 0) {
			continue;
		}
		const char *t = c + sizeof(LCM_COMPAT_MODULE_PFX) - 1;
		for (unsigned k = 0; k < LCM_MOD_NR_TYPES; k++) {
			if (strcmp(t, module_type_names[k]) == 0) {
				return (int)k;
			}
		}
		warning(p, node, "compatible", "unknown module type \"%s\"; module skipped", t);
		return -2;
	}
	error(p, node, "compatible",
	      "no \"module,<type>\" string (type is one of kernel, ramdisk, device-tree, config, microcode, xsm-policy)");
	return -1;
}

static void parse_hash(struct parser *p, int mnode, struct lcm_module *m)
{
	const void *fdt = p->l->fdt;
	int h;

	fdt_for_each_subnode(h, fdt, mnode)
	{
		if (!is_hash_node(fdt, h)) {
			continue;
		}
		const char *algo = NULL;
		int r = prop_string(p, h, "algo", &algo, false);
		if (r == 0) {
			error(p, h, "algo", "missing: a hash node needs algo = \"sha256\"");
			continue;
		}
		if (r < 0) {
			continue;
		}
		if (strcmp(algo, "sha256") != 0) {
			error(p, h, "algo", "unsupported algorithm \"%s\" (supported: sha256)",
			      algo);
			continue;
		}
		int len;
		const void *v = fdt_getprop(fdt, h, "value", &len);
		if (v == NULL) {
			error(p, h, "value", "missing: a sha256 hash node needs a 32-byte value");
			continue;
		}
		if (len != LCM_SHA256_SIZE) {
			error(p, h, "value", "a sha256 digest is 32 bytes, found %d", len);
			continue;
		}
		if (m->flags & LCM_MODF_DIGEST) {
			error(p, h, NULL, "second sha256 hash node for one module");
			continue;
		}
		memcpy(m->sha256, v, LCM_SHA256_SIZE);
		m->flags |= LCM_MODF_DIGEST;
		m->hash_node = h;
	}
}

/* @parent is the module's parent node: passed in, because libfdt finds a
 * parent by walking the tree from the root (quadratic over many modules). */
static void parse_module_addr(struct parser *p, int parent, int node, struct lcm_module *m)
{
	const void *fdt = p->l->fdt;
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, "module-addr", &len);
	int ac = cells_of(fdt, parent, "#address-cells");
	int sc = cells_of(fdt, parent, "#size-cells");

	if (ac < 0 || sc < 0) {
		ac = cells_of(fdt, p->l->hv_node, "#address-cells");
		sc = cells_of(fdt, p->l->hv_node, "#size-cells");
	}
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		/* No usable cell counts: infer from the length (as the design's
		 * own example, <addr size> in one cell each, is written). */
		if (len == 8) {
			ac = sc = 1;
		} else if (len == 16) {
			ac = sc = 2;
		} else {
			error(p, node, "module-addr",
			      "%d bytes: expected <address size> as 2 or 4 cells, or set #address-cells/#size-cells (1 or 2) on the parent node",
			      len);
			return;
		}
	}
	if (len != (ac + sc) * 4) {
		error(p, node, "module-addr",
		      "%d bytes: expected %d cells (#address-cells %d + #size-cells %d)", len,
		      ac + sc, ac, sc);
		return;
	}
	uint64_t addr = fdt32_ld(&v[0]);
	if (ac == 2) {
		addr = (addr << 32) | fdt32_ld(&v[1]);
	}
	uint64_t size = fdt32_ld(&v[ac]);
	if (sc == 2) {
		size = (size << 32) | fdt32_ld(&v[ac + 1]);
	}
	if (size == 0) {
		error(p, node, "module-addr", "size is 0");
		return;
	}
	if (addr + size < addr) {
		error(p, node, "module-addr",
		      "0x%llx + 0x%llx wraps past the end of the address space",
		      (unsigned long long)addr, (unsigned long long)size);
		return;
	}
	m->addr = addr;
	m->size = size;
	m->flags |= LCM_MODF_ADDR;
}

/*
 * Parse one module node of domain @owner (or of the config node). Returns
 * the module's index, -1 when it was rejected or skipped.
 */
static int parse_module(struct parser *p, int parent, int node, uint16_t owner, int *typep)
{
	struct lcm_launch *l = p->l;
	const void *fdt = l->fdt;
	int type = module_type(p, node);

	/* The type is known even when the module is rejected, so that a bad
	 * kernel is not also reported as a missing one. */
	*typep = type;
	if (type < 0) {
		return -1;
	}
	if (l->nr_modules >= l->max_modules) {
		error(p, node, NULL, "too many modules (this build handles %u)", l->max_modules);
		return -1;
	}
	struct lcm_module *m = &l->modules[l->nr_modules];
	memset(m, 0, sizeof(*m));
	m->node = node;
	m->hash_node = -1;
	m->type = (uint8_t)type;
	m->owner = owner;
	if (has_string(fdt, node, "compatible", LCM_COMPAT_MULTIBOOT)) {
		m->flags |= LCM_MODF_MULTIBOOT;
	}

	bool ok = true;
	bool has_addr = fdt_getprop(fdt, node, "module-addr", NULL) != NULL;
	int r = prop_u32(p, node, "mb-index", &m->mb_index);
	if (r < 0) {
		ok = false;
	} else if (r > 0) {
		if (has_addr) {
			error(p, node, NULL, "both mb-index and module-addr: give exactly one");
			ok = false;
		} else if (m->mb_index == 0) {
			error(p, node, "mb-index", "0 is the LCM itself; modules start at 1");
			ok = false;
		} else if (p->arch == LCM_ARCH_ARM64) {
			error(p, node, "mb-index",
			      "multiboot modules do not exist on Arm: use module-addr");
			ok = false;
		} else {
			m->flags |= LCM_MODF_INDEX;
		}
	} else if (has_addr) {
		if (p->arch == LCM_ARCH_X86) {
			error(p, node, "module-addr",
			      "x86 locates modules in the multiboot2 chain: use mb-index");
			ok = false;
		} else if (m->flags & LCM_MODF_MULTIBOOT) {
			error(p, node, "compatible",
			      p->arch == LCM_ARCH_ARM64
				      ? "\"multiboot,module\" means nothing on Arm (there is no multiboot chain): remove it"
				      : "a \"multiboot,module\" is located by mb-index, not module-addr");
			ok = false;
		} else {
			parse_module_addr(p, parent, node, m);
			ok = (m->flags & LCM_MODF_ADDR) != 0;
		}
	} else {
		error(p, node, NULL, "no location: give mb-index (multiboot) or module-addr");
		ok = false;
	}

	r = prop_string(p, node, "bootargs", &m->bootargs, true);
	if (r < 0) {
		ok = false;
	} else if (r > 0 && m->type != LCM_MOD_KERNEL) {
		warning(p, node, "bootargs",
			"only kernel modules take bootargs; ignored on %s %s module",
			article(m->type), module_type_names[m->type]);
		m->bootargs = NULL;
	}

	unsigned errors_before = l->nr_errors;
	parse_hash(p, node, m);
	if (l->nr_errors != errors_before || !ok) {
		return -1;
	}
	return (int)l->nr_modules++;
}

/* --- config node ---------------------------------------------------------- */

static void parse_config(struct parser *p, int node)
{
	struct lcm_launch *l = p->l;
	const void *fdt = l->fdt;
	int child;
	bool seen[LCM_MOD_NR_TYPES] = { false };

	l->config_node = node;
	l->first_config_module = l->nr_modules;
	fdt_for_each_subnode(child, fdt, node)
	{
		if (!is_module_node(fdt, child)) {
			continue;
		}
		int type;
		int i = parse_module(p, node, child, LCM_OWNER_CONFIG, &type);
		if (i < 0) {
			continue;
		}
		uint8_t t = l->modules[i].type;
		if (t != LCM_MOD_MICROCODE && t != LCM_MOD_XSM_POLICY) {
			error(p, child, "compatible",
			      "%s %s module belongs in a domain node; the config node takes microcode and xsm-policy",
			      article(t), module_type_names[t]);
			l->nr_modules--;
			continue;
		}
		if (seen[t]) {
			error(p, child, "compatible", "second %s module in the config node",
			      module_type_names[t]);
			l->nr_modules--;
			continue;
		}
		seen[t] = true;
	}
	l->nr_config_modules = l->nr_modules - l->first_config_module;

	uint32_t timeout;
	int r = prop_u32(p, node, LCM_PROP_BOOT_TIMEOUT, &timeout);
	if (r > 0) {
		if (timeout == 0) {
			error(p, node, LCM_PROP_BOOT_TIMEOUT,
			      "0 ms leaves the Boot Domain no time at all");
		} else {
			l->boot_timeout_ms = timeout;
		}
	}
	const char *action;
	r = prop_string(p, node, LCM_PROP_ON_ALL_OFF, &action, false);
	if (r > 0) {
		if (strcmp(action, "poweroff") == 0) {
			l->on_all_off = LCM_ALL_OFF_POWEROFF;
		} else if (strcmp(action, "reboot") == 0) {
			l->on_all_off = LCM_ALL_OFF_REBOOT;
		} else if (strcmp(action, "stay") == 0) {
			l->on_all_off = LCM_ALL_OFF_STAY;
		} else {
			error(p, node, LCM_PROP_ON_ALL_OFF,
			      "\"%s\" is not one of poweroff, reboot, stay", action);
		}
	}
	if (prop_string(p, node, LCM_PROP_CONTROL_DOMAINS, &action, false) > 0) {
		if (strcmp(action, "one") == 0 || strcmp(action, "several") == 0) {
			l->one_control = strcmp(action, "one") == 0;
		} else {
			error(p, node, LCM_PROP_CONTROL_DOMAINS,
			      "\"%s\" is not one of one, several", action);
		}
	}
}

/* --- domain nodes ---------------------------------------------------------- */

/* Seed 004: whoever controls other domains affects the whole system. */
static bool is_control(const struct lcm_domain *d)
{
	return (d->permissions & LCM_PERMISSION_CONTROL) ||
	       (d->functions & LCM_FUNCTION_LEGACY_DOM0);
}

/* hyperlaunch,safety: "safe" or "unsafe"; by default a control domain is
 * a SafeVM (seed 004 requires it) and any other an UnsafeVM (being safe is
 * a claim the integrator makes). After permissions and functions. */
static void parse_safety(struct parser *p, int node, struct lcm_domain *d)
{
	const char *s;

	d->safety = is_control(d) ? LCM_SAFETY_SAFE : LCM_SAFETY_UNSAFE;
	if (prop_string(p, node, LCM_PROP_SAFETY, &s, false) > 0) {
		if (strcmp(s, "safe") == 0 || strcmp(s, "unsafe") == 0) {
			d->safety = strcmp(s, "safe") == 0 ? LCM_SAFETY_SAFE : LCM_SAFETY_UNSAFE;
		} else {
			error(p, node, LCM_PROP_SAFETY, "\"%s\" is not one of safe, unsafe", s);
		}
	}
}

static void parse_domain_modules(struct parser *p, int node, uint16_t di)
{
	struct lcm_launch *l = p->l;
	struct lcm_domain *d = &l->domains[di];
	const void *fdt = l->fdt;
	int child;

	bool kernel_seen = false;

	d->first_module = l->nr_modules;
	fdt_for_each_subnode(child, fdt, node)
	{
		if (!is_module_node(fdt, child)) {
			continue;
		}
		int type;
		int i = parse_module(p, node, child, di, &type);
		kernel_seen |= type == LCM_MOD_KERNEL;
		if (i < 0) {
			continue;
		}
		uint8_t t = l->modules[i].type;
		if (t == LCM_MOD_MICROCODE || t == LCM_MOD_XSM_POLICY) {
			error(p, child, "compatible",
			      "%s %s module belongs in the config node, not in a domain",
			      article(t), module_type_names[t]);
			l->nr_modules--;
			continue;
		}
		if (d->module[t] >= 0) {
			error(p, child, "compatible", "second %s module in domain %s",
			      module_type_names[t], d->name);
			l->nr_modules--;
			continue;
		}
		d->module[t] = i;
	}
	d->nr_modules = l->nr_modules - d->first_module;
	if (!kernel_seen) {
		error(p, node, NULL,
		      "no kernel module: every domain needs exactly one \"module,kernel\"");
	}
}

static void parse_uuid(struct parser *p, int node, struct lcm_domain *d)
{
	int len;
	const uint8_t *v = fdt_getprop(p->l->fdt, node, "domain-uuid", &len);

	if (v == NULL) {
		return;
	}
	if (len == 0 || len > (int)LCM_UUID_SIZE) {
		error(p, node, "domain-uuid", "a UUID is 16 bytes, found %d", len);
		return;
	}
	if (len != (int)LCM_UUID_SIZE) {
		warning(p, node, "domain-uuid", "a UUID is 16 bytes, found %d; padded with zeros",
			len);
	}
	memset(d->uuid, 0, sizeof(d->uuid));
	memcpy(d->uuid, v, (size_t)len);
	d->has_uuid = true;
}

/* LCM_PROP_PINNED_CPUS: a cell per vCPU, increasing CPU numbers. */
static void parse_pinned(struct parser *p, int node, struct lcm_domain *d)
{
	int len;
	const fdt32_t *v = fdt_getprop(p->l->fdt, node, LCM_PROP_PINNED_CPUS, &len);

	if (v == NULL) {
		return;
	}
	if (len <= 0 || len % 4 != 0 || (uint32_t)len / 4 != d->cpus) {
		error(p, node, LCM_PROP_PINNED_CPUS, "%d bytes: expected one cell per vCPU (%u)",
		      len, d->cpus);
		return;
	}
	for (int i = 0; i < len / 4; i++) {
		uint32_t cpu = fdt32_ld(&v[i]);
		if (cpu >= LCM_MAX_PCPUS || (i > 0 && cpu <= fdt32_ld(&v[i - 1]))) {
			error(p, node, LCM_PROP_PINNED_CPUS,
			      "CPU %u: expected increasing CPU numbers below %u", cpu,
			      LCM_MAX_PCPUS);
			d->pinned = 0;
			return;
		}
		d->pinned |= 1ull << cpu;
	}
}

/* No physical CPU pinned by two domains. */
static void check_pinned(struct parser *p)
{
	uint64_t taken = 0;

	for (uint32_t i = 0; i < p->l->nr_domains; i++) {
		const struct lcm_domain *d = &p->l->domains[i];
		uint64_t both = taken & d->pinned;
		if (both != 0) {
			error(p, d->node, LCM_PROP_PINNED_CPUS,
			      "CPU %u is pinned by another domain too",
			      (unsigned)__builtin_ctzll(both));
		}
		taken |= d->pinned;
	}
}

/* --- Xen split devices ------------------------------------------------------- */

static const char *const xendev_type_names[] = {
	[LCM_XENDEV_VBD] = "vbd", [LCM_XENDEV_VIF] = "vif"
};

const char *lcm_xendev_type_name(unsigned type)
{
	return type <= LCM_XENDEV_VIF ? xendev_type_names[type] : "?";
}

/* Is @node a split device? Its type in @type. */
static bool is_xendev(const void *fdt, int node, uint8_t *type)
{
	if (has_string(fdt, node, "compatible", LCM_COMPAT_XEN_VBD)) {
		*type = LCM_XENDEV_VBD;
		return true;
	}
	if (has_string(fdt, node, "compatible", LCM_COMPAT_XEN_VIF)) {
		*type = LCM_XENDEV_VIF;
		return true;
	}
	return false;
}

/*
 * Xen's virtual disk numbers (docs/misc/vbd-interface.txt in Xen's tree):
 * xvd<letters> is disk index D, the letters in bijective base 26 (a is 0,
 * z 25, aa 26); its number is 202 << 8 | D << 4 below 16, else the
 * extended form 1 << 28 | D << 8 (D below 2^20). A decimal number is taken
 * as the number itself when it has one of these two forms.
 */
bool lcm_vdev_number(const char *s, uint32_t *out)
{
	uint64_t n = 0;

	if (s[0] >= '0' && s[0] <= '9') {
		if (s[0] == '0') {
			return false;
		}
		for (const char *c = s; *c != '\0'; c++) {
			if (*c < '0' || *c > '9' || n > 0xffffffffull / 10) {
				return false;
			}
			n = n * 10 + (uint64_t)(*c - '0');
		}
		if (n > 0xffffffffull || ((n >> 8) != 202 && (n >> 28) != 1)) {
			return false;
		}
		*out = (uint32_t)n;
		return true;
	}
	if (strncmp(s, "xvd", 3) != 0 || s[3] == '\0' || strlen(s) > 3 + 4) {
		return false;
	}
	for (const char *c = s + 3; *c != '\0'; c++) {
		if (*c < 'a' || *c > 'z') {
			return false;
		}
		n = n * 26 + (uint64_t)(*c - 'a' + 1);
	}
	n--; /* bijective: "a" is 1 there, disk 0 here */
	*out = n < 16 ? (uint32_t)(202u << 8 | n << 4) : (uint32_t)(1u << 28 | n << 8);
	return true;
}

/* "00:16:3e:00:00:02": six hex bytes, a unicast address (bit 0 of the
 * first byte clear: IEEE 802, a group address cannot be an interface's). */
static bool valid_mac(const char *s)
{
	if (strlen(s) != 17) {
		return false;
	}
	for (int i = 0; i < 17; i++) {
		char c = s[i];
		bool hex =
			(c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
		if (i % 3 == 2 ? c != ':' : !hex) {
			return false;
		}
	}
	char c = s[1];
	unsigned low = c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
	return (low & 1) == 0;
}

/* The index of the domain named @name, -1 when none. */
static int32_t domain_named(const struct lcm_launch *l, const char *name)
{
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		if (strcmp(l->domains[i].name, name) == 0) {
			return (int32_t)i;
		}
	}
	return -1;
}

/* One device node's own properties into @x (its backend by name only);
 * false when one is wrong (reported). @vifs: the vifs before it. */
static bool read_xendev(struct parser *p, int node, uint8_t type, uint32_t vifs,
			struct lcm_xendev *x)
{
	bool ok = true;
	const char *mode = "w";

	memset(x, 0, sizeof(*x));
	x->node = node;
	x->type = type;
	x->backend = -1;
	if (prop_string(p, node, LCM_XENDEV_BACKEND, &x->backend_name, false) == 0) {
		error(p, node, LCM_XENDEV_BACKEND,
		      "missing: the name of the domain that serves the device");
	}
	ok &= x->backend_name != NULL;
	if (type == LCM_XENDEV_VIF) {
		x->devid = vifs;
		if (prop_string(p, node, LCM_XENDEV_MAC, &x->mac, false) == 0) {
			error(p, node, LCM_XENDEV_MAC,
			      "missing: the interface's MAC address (\"00:16:3e:00:00:02\")");
		} else if (x->mac != NULL && !valid_mac(x->mac)) {
			error(p, node, LCM_XENDEV_MAC,
			      "\"%s\" is not a unicast MAC address (six hex bytes \"xx:xx:xx:xx:xx:xx\", bit 0 of the first clear)",
			      x->mac);
			x->mac = NULL;
		}
		return ok && x->mac != NULL;
	}
	if (prop_string(p, node, LCM_XENDEV_VDEV, &x->vdev, false) == 0) {
		error(p, node, LCM_XENDEV_VDEV,
		      "missing: the disk's name in the frontend (\"xvda\")");
	} else if (x->vdev != NULL && !lcm_vdev_number(x->vdev, &x->devid)) {
		error(p, node, LCM_XENDEV_VDEV,
		      "\"%s\" is not a Xen virtual disk: xvd followed by 1 to 4 letters, or its number (51712 for xvda)",
		      x->vdev);
		x->vdev = NULL;
	}
	ok &= x->vdev != NULL;
	if (prop_string(p, node, LCM_XENDEV_TARGET, &x->target, true) == 0) {
		error(p, node, LCM_XENDEV_TARGET,
		      "missing: the device path in the backend domain (\"/dev/ram0\")");
	} else if (x->target != NULL) {
		if (x->target[0] != '/') {
			if (x->target[0] == '\0') {
				error(p, node, LCM_XENDEV_TARGET,
				      "empty: the device path in the backend domain (\"/dev/ram0\")");
			} else {
				error(p, node, LCM_XENDEV_TARGET,
				      "\"%s\" is not an absolute path (\"/dev/ram0\")", x->target);
			}
			x->target = NULL;
		} else if (strlen(x->target) > LCM_XEN_TARGET_MAX) {
			error(p, node, LCM_XENDEV_TARGET, "longer than %u bytes",
			      LCM_XEN_TARGET_MAX);
			x->target = NULL;
		}
	}
	ok &= x->target != NULL;
	if (prop_string(p, node, LCM_XENDEV_MODE, &mode, false) < 0) {
		ok = false;
	} else if (strcmp(mode, "r") != 0 && strcmp(mode, "w") != 0) {
		error(p, node, LCM_XENDEV_MODE, "\"%s\" is not r (read-only) or w (read-write)",
		      mode);
		ok = false;
	}
	x->readonly = strcmp(mode, "r") == 0;
	return ok;
}

/* Count and check the split devices of domain @d (what a node says on
 * its own; check_xendevs() the rest). */
static void parse_xendevs(struct parser *p, int node, struct lcm_domain *d)
{
	int child;
	uint32_t vifs = 0;

	fdt_for_each_subnode(child, p->l->fdt, node)
	{
		uint8_t type;
		struct lcm_xendev x;
		if (!is_xendev(p->l->fdt, child, &type)) {
			continue;
		}
		if (d->nr_xendevs == LCM_MAX_XEN_DEVICES) {
			error(p, child, "compatible",
			      "more split devices than the %u a domain may have",
			      LCM_MAX_XEN_DEVICES);
		}
		read_xendev(p, child, type, vifs, &x);
		vifs += type == LCM_XENDEV_VIF;
		d->nr_xendevs++;
	}
}

bool lcm_xendev(const struct lcm_launch *l, const struct lcm_domain *d, uint32_t i,
		struct lcm_xendev *out)
{
	struct parser p = { (struct lcm_launch *)(uintptr_t)l, LCM_ARCH_ANY, true };
	uint32_t n = 0, vifs = 0;
	int child;

	fdt_for_each_subnode(child, l->fdt, d->node)
	{
		uint8_t type;
		if (!is_xendev(l->fdt, child, &type)) {
			continue;
		}
		if (n++ == i) {
			bool ok = read_xendev(&p, child, type, vifs, out);
			out->frontend = (int32_t)(d - l->domains);
			if (out->backend_name != NULL) {
				out->backend = domain_named(l, out->backend_name);
			}
			return ok && out->backend >= 0;
		}
		vifs += type == LCM_XENDEV_VIF;
	}
	return false;
}

/* A split device joins its frontend and its backend, two Xen-aware
 * domains, through the launch's Xen-aware XENSTORE domain; a frontend's
 * disks have distinct numbers. */
static void check_xendevs(struct parser *p)
{
	const struct lcm_launch *l = p->l;
	bool store = l->xenstore >= 0 && l->domains[l->xenstore].xen;

	for (uint32_t i = 0; i < l->nr_domains; i++) {
		const struct lcm_domain *d = &l->domains[i];
		uint32_t seen[LCM_MAX_XEN_DEVICES];
		int seen_node[LCM_MAX_XEN_DEVICES];
		uint32_t nr_seen = 0;

		for (uint32_t k = 0; k < d->nr_xendevs; k++) {
			struct lcm_xendev x;
			lcm_xendev(l, d, k, &x);
			const char *what = lcm_xendev_type_name(x.type);
			if (k == 0 && !d->xen) {
				error(p, x.node, "compatible",
				      "a split device needs %s on its frontend domain %s",
				      LCM_PROP_XEN_INTERFACE, d->name);
			}
			if (k == 0 && !store) {
				error(p, x.node, "compatible",
				      "a split device needs a XENSTORE domain with %s in the launch (its entries are in the store)",
				      LCM_PROP_XEN_INTERFACE);
			}
			/* The store's plan introduces its clients, never the
			 * store itself: it cannot be either end. */
			if (k == 0 && (int)i == l->xenstore) {
				error(p, x.node, "compatible",
				      "%s is the XENSTORE domain: it serves the store, not a split device's frontend",
				      d->name);
			}
			if (x.backend_name != NULL) {
				const struct lcm_domain *b =
					x.backend >= 0 ? &l->domains[x.backend] : NULL;
				if (b == NULL) {
					error(p, x.node, LCM_XENDEV_BACKEND,
					      "\"%s\" is no domain of this launch", x.backend_name);
				} else if (b == d) {
					error(p, x.node, LCM_XENDEV_BACKEND,
					      "%s is the frontend domain itself: a %s joins two domains",
					      b->name, what);
				} else if (!b->xen) {
					error(p, x.node, LCM_XENDEV_BACKEND,
					      "%s (%u) is not Xen-aware (no %s)", b->name, b->domid,
					      LCM_PROP_XEN_INTERFACE);
				} else if (x.backend == l->xenstore) {
					error(p, x.node, LCM_XENDEV_BACKEND,
					      "%s is the XENSTORE domain: it serves the store, not a %s",
					      b->name, what);
				}
			}
			if (x.type != LCM_XENDEV_VBD || x.vdev == NULL) {
				continue;
			}
			for (uint32_t s = 0; s < nr_seen; s++) {
				if (seen[s] == x.devid) {
					char other[64];
					const char *o = fdt_get_name(l->fdt, seen_node[s], NULL);
					lcm_printable(other, sizeof(other), o != NULL ? o : "?");
					error(p, x.node, LCM_XENDEV_VDEV,
					      "%s is disk %u, already the vdev of %s in domain %s",
					      x.vdev, x.devid, other, d->name);
				}
			}
			if (nr_seen < LCM_MAX_XEN_DEVICES) {
				seen_node[nr_seen] = x.node;
				seen[nr_seen++] = x.devid;
			}
		}
	}
}

static void parse_domain(struct parser *p, int node)
{
	struct lcm_launch *l = p->l;
	const void *fdt = l->fdt;

	if (l->nr_domains >= l->max_domains) {
		error(p, node, NULL, "too many domains (this build handles %u)", l->max_domains);
		return;
	}
	uint16_t di = (uint16_t)l->nr_domains++;
	struct lcm_domain *d = &l->domains[di];
	memset(d, 0, sizeof(*d));
	d->node = node;
	d->name = fdt_get_name(fdt, node, NULL);
	if (d->name == NULL) {
		d->name = ""; /* not after fdt_check_full(); never NULL below */
	}
	if (!lcm_valid_name(d->name)) {
		check_domain_name(p, node, d->name);
		/* Even a rejected LCM's description is used (its modules
		 * stay reserved, and are reported by domain name): it never
		 * holds a name that breaks the rule. */
		d->name = LCM_INVALID_NAME;
	}
	d->cpus = LCM_DEFAULT_CPUS;
	d->mode = LCM_MODE_DEFAULT;
	d->security_id = LCM_DEFAULT_SECURITY_ID;
	for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
		d->module[t] = -1;
	}

	int r = prop_u32(p, node, "domid", &d->domid);
	if (r == 0 || (r > 0 && d->domid == LCM_DOMID_AUTO)) {
		d->domid = LCM_DOMID_AUTO;
		d->domid_auto = true;
	} else if (r < 0) {
		d->domid_auto = true;
	}

	if (prop_u32(p, node, "permissions", &d->permissions) > 0) {
		bits_ok(p, node, "permissions", d->permissions, LCM_PERMISSION_ALL);
	}
	if (prop_u32(p, node, "functions", &d->functions) > 0) {
		bits_ok(p, node, "functions", d->functions, LCM_FUNCTION_ALL);
	}
	if (prop_u32(p, node, "mode", &d->mode) > 0 &&
	    bits_ok(p, node, "mode", d->mode, LCM_MODE_ALL) && p->arch == LCM_ARCH_ARM64) {
		if (!(d->mode & LCM_MODE_LONG)) {
			error(p, node, "mode",
			      "0x%x lacks MODE_LONG (1 << 2): arm64 runs 64-bit domains only",
			      d->mode);
		} else if (d->mode & (LCM_MODE_PARAVIRTUALIZED | LCM_MODE_ENABLE_DEVICE_MODEL)) {
			warning(p, node, "mode",
				"PV and device-model bits have no meaning on Arm; ignored");
		}
	}
	parse_uuid(p, node, d);

	r = prop_u32(p, node, "cpus", &d->cpus);
	if (r > 0 && (d->cpus == 0 || d->cpus > LCM_MAX_VCPUS)) {
		error(p, node, "cpus", "%u vCPUs is outside 1..%u", d->cpus, LCM_MAX_VCPUS);
	}

	r = prop_u64(p, node, "memory", &d->memory_kib);
	if (r == 0) {
		error(p, node, "memory", "missing: the domain's memory in KiB is required");
	} else if (r > 0) {
		if (d->memory_kib < LCM_MIN_MEMORY_KIB) {
			error(p, node, "memory", "%llu KiB is below the minimum of %u KiB",
			      (unsigned long long)d->memory_kib, LCM_MIN_MEMORY_KIB);
		} else if (d->memory_kib % 4 != 0) {
			error(p, node, "memory", "%llu KiB is not a multiple of the 4 KiB page",
			      (unsigned long long)d->memory_kib);
		} else if (d->memory_kib >> 40 != 0) {
			error(p, node, "memory", "%llu KiB is beyond any machine (2^40 KiB)",
			      (unsigned long long)d->memory_kib);
		}
	}

	prop_string(p, node, "security-id", &d->security_id, false);
	if (strlen(d->security_id) > LCM_SECURITY_ID_MAX) {
		error(p, node, "security-id", "longer than %u bytes", LCM_SECURITY_ID_MAX);
	}
	/* A user:role:type label stands for its type (docs/policy.md). */
	const char *type = strrchr(d->security_id, ':');
	if (strcmp(type != NULL ? type + 1 : d->security_id, LCM_HYPERVISOR_LABEL) == 0) {
		error(p, node, "security-id", "%s is the hypervisor's own label",
		      LCM_HYPERVISOR_LABEL);
	}
	parse_safety(p, node, d);
	d->attestation_agent =
		fdt_getprop(p->l->fdt, node, LCM_PROP_ATTESTATION_AGENT, NULL) != NULL;
	parse_pinned(p, node, d);

	int len;
	if (fdt_getprop(fdt, node, LCM_PROP_XEN_INTERFACE, &len) != NULL) {
		if (len != 0) {
			error(p, node, LCM_PROP_XEN_INTERFACE,
			      "takes no value (its presence makes the domain Xen-aware)");
		}
		d->xen = true;
	}
	d->channels = fdt_getprop(fdt, node, LCM_PROP_CHANNELS, &len);
	if (d->channels != NULL) {
		if (len == 0 || len % 4 != 0 || (uint32_t)len / 4 > LCM_MAX_CHANNELS) {
			error(p, node, LCM_PROP_CHANNELS,
			      "expected 1 to %u domids (32-bit cells), found %d bytes",
			      LCM_MAX_CHANNELS, len);
		} else {
			d->nr_channels = (uint32_t)len / 4;
		}
	}

	parse_domain_modules(p, node, di);
	parse_xendevs(p, node, d);
}

/* --- whole-launch checks --------------------------------------------------- */

/* Seed 004's rules on the SafeVM classification (docs/policy.md): a control
 * domain is a SafeVM; with control-domains = "one", there is one. */
static void check_safety(struct parser *p)
{
	struct lcm_launch *l = p->l;
	int32_t first = -1;

	for (uint32_t i = 0; i < l->nr_domains; i++) {
		const struct lcm_domain *d = &l->domains[i];
		if (!is_control(d)) {
			continue;
		}
		if (d->safety != LCM_SAFETY_SAFE) {
			error(p, d->node, LCM_PROP_SAFETY,
			      "a control domain must be a SafeVM (it can affect every domain)");
		}
		if (first >= 0 && l->one_control) {
			error(p, d->node, "permissions",
			      "a second control domain (the first is %s), and the config node says %s = \"one\"",
			      l->domains[first].name, LCM_PROP_CONTROL_DOMAINS);
		}
		first = first < 0 ? (int32_t)i : first;
	}
}

struct role {
	uint32_t bit;
	const char *name;
	int32_t *slot;
};

static void check_roles(struct parser *p)
{
	struct lcm_launch *l = p->l;
	const struct role roles[] = {
		{ LCM_FUNCTION_BOOT, "boot", &l->boot },
		{ LCM_FUNCTION_RECOVERY, "recovery", &l->recovery },
		{ LCM_FUNCTION_CONSOLE, "console", &l->console },
		{ LCM_FUNCTION_XENSTORE, "xenstore", &l->xenstore },
		{ LCM_FUNCTION_LEGACY_DOM0, "legacy-dom0", &l->legacy_dom0 },
	};

	for (uint32_t i = 0; i < l->nr_domains; i++) {
		const struct lcm_domain *d = &l->domains[i];

		for (size_t r = 0; r < sizeof(roles) / sizeof(roles[0]); r++) {
			if (!(d->functions & roles[r].bit)) {
				continue;
			}
			if (*roles[r].slot >= 0) {
				error(p, d->node, "functions",
				      "a second %s domain (the first is %s): at most one domain may hold it",
				      roles[r].name, l->domains[*roles[r].slot].name);
			} else {
				*roles[r].slot = (int32_t)i;
			}
		}
		if (d->attestation_agent) {
			if (l->attestation >= 0) {
				error(p, d->node, LCM_PROP_ATTESTATION_AGENT,
				      "a second attestation agent (the first is %s): at most one domain may be",
				      l->domains[l->attestation].name);
			} else if (d->functions & LCM_FUNCTION_BOOT) {
				error(p, d->node, LCM_PROP_ATTESTATION_AGENT,
				      "the boot domain cannot be the attestation agent (it runs with least privilege)");
			} else {
				l->attestation = (int32_t)i;
			}
		}
		if (d->permissions & LCM_PERMISSION_HARDWARE) {
			if (l->hardware >= 0) {
				error(p, d->node, "permissions",
				      "a second hardware domain (the first is %s): devices have one owner",
				      l->domains[l->hardware].name);
			} else {
				l->hardware = (int32_t)i;
			}
		}
		/* The Boot Domain is least privilege by design: it holds no
		 * permission and no other function. */
		if (d->functions & LCM_FUNCTION_BOOT) {
			if (d->permissions != 0) {
				error(p, d->node, "permissions",
				      "the boot domain must hold no permissions (it runs with least privilege)");
			}
			if (d->functions & ~LCM_FUNCTION_BOOT) {
				error(p, d->node, "functions",
				      "the boot domain cannot also be a %s domain",
				      (d->functions & LCM_FUNCTION_RECOVERY)   ? "recovery"
				      : (d->functions & LCM_FUNCTION_CONSOLE)  ? "console"
				      : (d->functions & LCM_FUNCTION_XENSTORE) ? "xenstore"
									       : "legacy-dom0");
			}
		}
	}
}

/* Is @domid held by one of the first @upto domains? (Auto ids are 0 until
 * assigned, and 0 is only ever assigned to the one legacy dom0.) */
static bool domid_taken(const struct lcm_launch *l, uint32_t domid, uint32_t upto)
{
	for (uint32_t i = 0; i < upto; i++) {
		if (l->domains[i].domid == domid) {
			return true;
		}
	}
	return false;
}

/*
 * Requested ids first (checked for range and duplicates), then "next free"
 * in LCM order from 1; dom0 only for LEGACY_DOM0, 0x7FF5 only for BOOT. A
 * rejected request is reported and the domain gets a free id, so that later
 * checks still see one domain per id.
 */
static void assign_domids(struct parser *p)
{
	struct lcm_launch *l = p->l;

	for (uint32_t i = 0; i < l->nr_domains; i++) {
		struct lcm_domain *d = &l->domains[i];
		bool boot = d->functions & LCM_FUNCTION_BOOT;
		bool bad = true;

		if (d->domid_auto) {
			continue;
		}
		if (d->domid == LCM_DOMID_BOOT && !boot) {
			error(p, d->node, "domid", "0x%x is reserved for the boot domain",
			      d->domid);
		} else if (boot && d->domid != LCM_DOMID_BOOT) {
			error(p, d->node, "domid",
			      "the boot domain has the reserved id 0x%x, not 0x%x", LCM_DOMID_BOOT,
			      d->domid);
		} else if (d->domid >= LCM_DOMID_FIRST_RESERVED && !boot) {
			error(p, d->node, "domid", "0x%x is in the reserved range (0x%x and above)",
			      d->domid, LCM_DOMID_FIRST_RESERVED);
		} else if (domid_taken(l, d->domid, i)) {
			const struct lcm_domain *other = lcm_find_domid(l, d->domid);
			error(p, d->node, "domid",
			      d->domid >= LCM_DOMID_FIRST_RESERVED ? "0x%x is also requested by %s"
								   : "%u is also requested by %s",
			      d->domid, other != NULL ? other->name : "another domain");
		} else {
			bad = false;
		}
		if (bad) {
			d->domid = LCM_DOMID_AUTO;
		}
	}

	uint32_t next = 1;
	bool dom0_used = false;
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		struct lcm_domain *d = &l->domains[i];

		if (d->domid != LCM_DOMID_AUTO) {
			continue;
		}
		if (d->functions & LCM_FUNCTION_BOOT) {
			d->domid = LCM_DOMID_BOOT;
		} else if ((d->functions & LCM_FUNCTION_LEGACY_DOM0) && !dom0_used) {
			dom0_used = true; /* stays 0 */
		} else {
			while (domid_taken(l, next, l->nr_domains)) {
				next++;
			}
			d->domid = next++;
		}
	}
}

/*
 * Identical locations are one module shared by several domains (the design's
 * note on bootargs), so they must agree on its type; a partial overlap is a
 * mistake. The same for mb-index on multiboot.
 */
static void check_overlaps(struct parser *p)
{
	struct lcm_launch *l = p->l;

	for (uint32_t i = 0; i < l->nr_modules; i++) {
		const struct lcm_module *a = &l->modules[i];
		for (uint32_t j = i + 1; j < l->nr_modules; j++) {
			const struct lcm_module *b = &l->modules[j];
			bool both_addr = (a->flags & b->flags & LCM_MODF_ADDR) != 0;
			bool both_index = (a->flags & b->flags & LCM_MODF_INDEX) != 0;
			bool same = (both_addr && a->addr == b->addr && a->size == b->size) ||
				    (both_index && a->mb_index == b->mb_index);
			bool overlap = both_addr && a->addr < b->addr + b->size &&
				       b->addr < a->addr + a->size;
			if (!same && !overlap) {
				continue;
			}
			if (same && a->type == b->type) {
				continue; /* shared */
			}
			char other[128];
			if (fdt_get_path(l->fdt, a->node, other, sizeof(other)) < 0) {
				other[0] = '\0';
			}
			if (!same) {
				error(p, b->node, "module-addr",
				      "0x%llx+0x%llx overlaps %s (0x%llx+0x%llx)",
				      (unsigned long long)b->addr, (unsigned long long)b->size,
				      other, (unsigned long long)a->addr,
				      (unsigned long long)a->size);
			} else {
				error(p, b->node, both_index ? "mb-index" : "module-addr",
				      "the same module as %s, which is %s %s module: a shared module has one type",
				      other, article(a->type), module_type_names[a->type]);
			}
		}
	}
}

/* --- entry points ---------------------------------------------------------- */

/* What libfdt's checks found, in words rather than FDT_ERR_ names. */
static const char *fdt_error_words(int err)
{
	switch (-err) {
	case FDT_ERR_TRUNCATED:
		return "it ends before the size its header gives (truncated)";
	case FDT_ERR_BADSTRUCTURE:
		return "its structure block is corrupt";
	case FDT_ERR_BADVERSION:
		return "its version is not one libfdt reads";
	case FDT_ERR_BADLAYOUT:
		return "its blocks overlap or are out of order";
	case FDT_ERR_BADOFFSET:
		return "an offset in it points outside the blob";
	case FDT_ERR_BADMAGIC:
		return "bad magic number";
	default:
		return fdt_strerror(err);
	}
}

/*
 * libfdt 1.6.1's fdt_next_tag() adds a property's length to the offset
 * without checking for overflow: a length near 2^32 leaves the offset where
 * it was (or moves it back), and every walk of the tree, fdt_check_full()
 * first, loops forever (found by tests/fuzz). Walk the tags once, checking
 * that each moves forward; returns the offset of the first that does not
 * (always a property), or -1.
 */
static int stuck_tag(const void *fdt)
{
	int offset, next = 0;
	uint32_t tag;

	do {
		offset = next;
		tag = fdt_next_tag(fdt, offset, &next);
		if (next >= 0 && next <= offset) {
			return offset;
		}
	} while (next >= 0 && tag != FDT_END);
	return -1;
}

const char *lcm_fdt_check(const void *fdt, size_t size)
{
	if (size < sizeof(struct fdt_header) || fdt_magic(fdt) != FDT_MAGIC) {
		return "not a flattened device tree (bad magic or shorter than its header)";
	}
	if (fdt_version(fdt) < 16) {
		return "device tree version before 16 (not supported)";
	}
	if (fdt_check_header(fdt) == 0 && fdt_totalsize(fdt) <= size && stuck_tag(fdt) >= 0) {
		return "a property's length runs past the end of the blob";
	}
	int err = fdt_check_full(fdt, size);
	return err != 0 ? fdt_error_words(err) : NULL;
}

uint32_t lcm_channel(const struct lcm_domain *d, uint32_t i)
{
	return fdt32_ld((const fdt32_t *)d->channels + i);
}

/* A channel joins two Xen-aware domains of this launch. */
static void check_channels(struct parser *p)
{
	const struct lcm_launch *l = p->l;

	for (uint32_t i = 0; i < l->nr_domains; i++) {
		const struct lcm_domain *d = &l->domains[i];
		if (d->nr_channels > 0 && !d->xen) {
			error(p, d->node, LCM_PROP_CHANNELS,
			      "channels need %s on the domain itself", LCM_PROP_XEN_INTERFACE);
		}
		for (uint32_t c = 0; c < d->nr_channels; c++) {
			uint32_t id = lcm_channel(d, c);
			const struct lcm_domain *peer = lcm_find_domid(l, id);
			if (peer == NULL) {
				error(p, d->node, LCM_PROP_CHANNELS,
				      "%u is no domain of this launch", id);
			} else if (peer == d) {
				error(p, d->node, LCM_PROP_CHANNELS,
				      "%u is the domain itself (it needs no channel to itself)",
				      id);
			} else if (!peer->xen) {
				error(p, d->node, LCM_PROP_CHANNELS,
				      "%s (%u) is not Xen-aware (no %s)", peer->name, id,
				      LCM_PROP_XEN_INTERFACE);
			}
			for (uint32_t e = 0; e < c; e++) {
				if (lcm_channel(d, e) == id) {
					error(p, d->node, LCM_PROP_CHANNELS, "%u is listed twice",
					      id);
					break;
				}
			}
		}
	}
}

static int parse(struct lcm_launch *l, const void *fdt, size_t size, enum lcm_arch arch,
		 bool checked)
{
	struct parser p = { l, arch, false };

	l->fdt = fdt;
	l->hv_node = -1;
	l->config_node = -1;
	l->nr_domains = l->nr_modules = 0;
	l->first_config_module = l->nr_config_modules = 0;
	l->boot = l->recovery = l->console = l->xenstore = -1;
	l->legacy_dom0 = l->hardware = l->attestation = -1;
	l->boot_timeout_ms = LCM_DEFAULT_BOOT_TIMEOUT_MS;
	l->on_all_off = LCM_ALL_OFF_POWEROFF;
	l->one_control = false;
	l->nr_diags = l->nr_errors = l->nr_warnings = 0;

	if (checked) {
		goto checked; /* the caller ran lcm_fdt_check() on this blob */
	}
	if (size < sizeof(struct fdt_header) || fdt_magic(fdt) != FDT_MAGIC) {
		error(&p, -1, NULL,
		      "not a flattened device tree (bad magic or shorter than its header)");
		return LCM_EINVAL;
	}
	/* Before version 16 node names were full paths, and libfdt 1.6.1's
	 * fdt_check_full() follows a NULL fdt_get_name() for a root name
	 * without '/' (found by tests/fuzz). dtc and libfdt write 17. */
	if (fdt_version(fdt) < 16) {
		error(&p, -1, NULL,
		      "device tree version %u is not supported (an LCM is version 16 or 17)",
		      fdt_version(fdt));
		return LCM_EINVAL;
	}
	if (fdt_check_header(fdt) == 0 && fdt_totalsize(fdt) <= size) {
		int at = stuck_tag(fdt);
		if (at >= 0) {
			const char *prop = (const char *)fdt + fdt_off_dt_struct(fdt) + at;
			error(&p, -1, NULL,
			      "malformed device tree: the property at byte %u has a length (0x%x) past the end of the blob",
			      fdt_off_dt_struct(fdt) + (unsigned)at,
			      fdt32_ld((const fdt32_t *)(prop + 4)));
			return LCM_EINVAL;
		}
	}
	int err = fdt_check_full(fdt, size);
	if (err != 0) {
		error(&p, -1, NULL, "malformed device tree: %s", fdt_error_words(err));
		return LCM_EINVAL;
	}

checked:;
	int hv = fdt_path_offset(fdt, LCM_HYPERVISOR_PATH);
	if (hv < 0) {
		return LCM_ENOLCM;
	}
	l->hv_node = hv;
	if (!has_string(fdt, hv, "compatible", LCM_COMPAT_HYPERVISOR)) {
		error(&p, hv, "compatible", "must list \"%s\"", LCM_COMPAT_HYPERVISOR);
		return LCM_EINVAL;
	}

	int child;
	fdt_for_each_subnode(child, fdt, hv)
	{
		if (has_string(fdt, child, "compatible", LCM_COMPAT_DOMAIN)) {
			parse_domain(&p, child);
		} else if (has_string(fdt, child, "compatible", LCM_COMPAT_CONFIG)) {
			if (l->config_node >= 0) {
				error(&p, child, NULL, "a second config node");
			} else {
				parse_config(&p, child);
			}
		} else {
			const char *name = fdt_get_name(fdt, child, NULL);
			if (name != NULL &&
			    (strncmp(name, "domain", 6) == 0 || strncmp(name, "config", 6) == 0) &&
			    fdt_getprop(fdt, child, "compatible", NULL) == NULL) {
				warning(&p, child, "compatible",
					"missing: node skipped (a domain needs \"%s\", a config \"%s\")",
					LCM_COMPAT_DOMAIN, LCM_COMPAT_CONFIG);
			}
			/* Anything else belongs to a newer or custom schema; a
			 * "xen," compatible we do not know is likely a typo. */
			const char *compat = fdt_getprop(fdt, child, "compatible", NULL);
			if (compat != NULL && strncmp(compat, "xen,", 4) == 0) {
				warning(&p, child, "compatible",
					"unknown \"%s\": node skipped (a domain is \"%s\", a config \"%s\")",
					compat, LCM_COMPAT_DOMAIN, LCM_COMPAT_CONFIG);
			}
		}
	}
	if (l->nr_domains == 0 && l->nr_errors == 0) {
		error(&p, hv, NULL, "no domain nodes (compatible \"%s\")", LCM_COMPAT_DOMAIN);
	}

	check_roles(&p);
	check_safety(&p);
	assign_domids(&p);
	check_overlaps(&p);
	check_channels(&p);
	check_xendevs(&p);
	check_pinned(&p);
	return l->nr_errors == 0 ? LCM_OK : LCM_EINVAL;
}

const struct lcm_domain *lcm_find_domid(const struct lcm_launch *l, uint32_t domid)
{
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		if (l->domains[i].domid == domid) {
			return &l->domains[i];
		}
	}
	return NULL;
}

int lcm_parse(struct lcm_launch *l, const void *fdt, size_t size, enum lcm_arch arch)
{
	return parse(l, fdt, size, arch, false);
}

int lcm_parse_checked(struct lcm_launch *l, const void *fdt, size_t size, enum lcm_arch arch)
{
	return parse(l, fdt, size, arch, true);
}
