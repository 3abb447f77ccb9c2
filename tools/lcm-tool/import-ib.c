/*
 * lcm-tool import of an ImageBuilder configuration (the shell-variable file
 * uboot-script-gen reads: MEMORY_START, XEN, DOM0_KERNEL, NUM_DOMUS,
 * DOMU_KERNEL[n], ...). It is read as data, never run: each line is empty,
 * a comment, or NAME=VALUE / NAME[n]=VALUE with VALUE one word, quoted or
 * not; anything a shell would expand or execute is an error. As in a
 * shell, a later assignment of a variable replaces an earlier one.
 * ImageBuilder's defaults apply (DOMU_MEM 512 MB, DOMU_VCPUS 1, DOMU_CMD
 * "console=ttyAMA0"), and domain n is named domUn, the node ImageBuilder
 * writes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

#define IB_MAX_INDEX   IMP_MAX_DOMAINS
#define IB_DOMU_MEM_MB 512u
#define IB_DOM0_MEM_MB 1024u
#define IB_DOMU_CMD    "console=ttyAMA0"
#define IB_VALUE_MAX   4096
#define IB_MAX_VARS    8192 /* real configurations have a few dozen */

struct var {
	char name[48];
	int index; /* -1: none */
	char *value;
	int line;
	bool replaced; /* a later line assigns it again */
};

struct ib {
	struct imp *im;
	struct var *vars;
	size_t nr;
	size_t max; /* allocated */
};

/* --- reading the lines ------------------------------------------------------------- */

/* VALUE: one shell word of quoted and unquoted parts, without expansions. */
static bool parse_value(struct ib *b, int line, const char *name, const char **pp, char *out)
{
	const char *p = *pp;
	size_t n = 0;

	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r') {
		char c = *p++;
		if (c == '\'') {
			while (*p != '\0' && *p != '\'' && n < IB_VALUE_MAX - 1) {
				out[n++] = *p++;
			}
			if (*p++ != '\'') {
				imp_error(b->im, line, name, "a ' that is not closed on its line");
				return false;
			}
			continue;
		}
		if (c == '"') {
			while (*p != '\0' && *p != '"' && n < IB_VALUE_MAX - 1) {
				if (*p == '\\' && p[1] != '\0' && strchr("\"\\$`", p[1]) != NULL) {
					p++;
				} else if (*p == '$' || *p == '`') {
					imp_error(
						b->im, line, name,
						"\"%c\" would be expanded by a shell: not supported (the configuration is read as data)",
						*p);
					return false;
				}
				out[n++] = *p++;
			}
			if (*p++ != '"') {
				imp_error(b->im, line, name, "a \" that is not closed on its line");
				return false;
			}
			continue;
		}
		if (strchr("$`\\;&|<>()*?[]{}~", c) != NULL) {
			imp_error(
				b->im, line, name,
				"\"%c\" means something to a shell: quote the value (the configuration is read as data)",
				c);
			return false;
		}
		if (n < IB_VALUE_MAX - 1) {
			out[n++] = c;
		}
	}
	out[n] = '\0';
	/* What goes into the JSON and onto a command line: printable ASCII. */
	for (size_t i = 0; i < n; i++) {
		if (out[i] < 0x20 || out[i] > 0x7e) {
			imp_error(b->im, line, name, "byte 0x%02x at %zu is not printable ASCII",
				  (unsigned char)out[i], i);
			return false;
		}
	}
	*pp = p;
	return true;
}

static void add_var(struct ib *b, const char *name, int index, const char *value, int line)
{
	for (size_t i = 0; i < b->nr; i++) {
		if (!b->vars[i].replaced && b->vars[i].index == index &&
		    strcmp(b->vars[i].name, name) == 0) {
			b->vars[i].replaced = true;
		}
	}
	if (b->nr == IB_MAX_VARS) {
		imp_error(b->im, line, name, "more than %d assignments", IB_MAX_VARS);
		return;
	}
	if (b->nr == b->max) {
		size_t max = b->max != 0 ? 2 * b->max : 16;
		struct var *v = realloc(b->vars, max * sizeof(*v));
		if (v == NULL) {
			lt_fatal_usage("out of memory");
		}
		b->vars = v;
		b->max = max;
	}
	struct var *v = &b->vars[b->nr++];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->index = index;
	v->value = imp_strdup(value);
	v->line = line;
}

static void parse_line(struct ib *b, int line, const char *p)
{
	char name[48], where[64];
	size_t n = 0;
	int index = -1;
	static char value[IB_VALUE_MAX];

	while (*p == ' ' || *p == '\t') {
		p++;
	}
	if (*p == '\0' || *p == '#' || *p == '\r') {
		return;
	}
	if (strlen(p) >= IB_VALUE_MAX) {
		imp_error(b->im, line, "", "a line longer than %d bytes", IB_VALUE_MAX - 1);
		return;
	}
	while ((isalnum((unsigned char)*p) || *p == '_') && n < sizeof(name) - 1) {
		name[n++] = *p++;
	}
	name[n] = '\0';
	if (*p == '[') {
		char *end;
		errno = 0;
		long i = strtol(p + 1, &end, 10);
		if (!isdigit((unsigned char)p[1]) || *end != ']' || errno != 0 ||
		    i >= IB_MAX_INDEX) {
			imp_error(b->im, line, name, "the index must be a number from 0 to %d",
				  IB_MAX_INDEX - 1);
			return;
		}
		index = (int)i;
		p = end + 1;
	}
	if (n == 0 || isdigit((unsigned char)name[0]) || *p != '=') {
		imp_error(
			b->im, line, "",
			"not an assignment NAME=VALUE or NAME[n]=VALUE (the configuration is read as data, never run)");
		return;
	}
	p++;
	if (index >= 0) {
		snprintf(where, sizeof(where), "%s[%d]", name, index);
	} else {
		snprintf(where, sizeof(where), "%s", name);
	}
	if (!parse_value(b, line, where, &p, value)) {
		return;
	}
	while (*p == ' ' || *p == '\t' || *p == '\r') {
		p++;
	}
	if (*p != '\0' && *p != '#') {
		imp_error(b->im, line, where, "more than one word after \"=\": quote the value");
		return;
	}
	add_var(b, name, index, value, line);
}

/* --- what each variable means --------------------------------------------------------- */

enum use {
	USE_DOM0,   /* DOM0_KERNEL, DOM0_RAMDISK, DOM0_CMD, DOM0_MEM, DOM0_VCPUS */
	USE_DOMU,   /* DOMU_*[n] read into domain n */
	USE_READ,   /* read elsewhere: NUM_DOMUS, XEN_CMD */
	USE_IGNORE, /* no equivalent: a warning with the reason */
	USE_ERROR,  /* cannot be expressed */
};

static const struct {
	const char *name;
	enum use use;
	const char *why;
} vars[] = {
	{ "NUM_DOMUS", USE_READ, NULL },
	{ "XEN_CMD", USE_READ, NULL },
	{ "DOM0_KERNEL", USE_DOM0, NULL },
	{ "DOM0_RAMDISK", USE_DOM0, NULL },
	{ "DOM0_CMD", USE_DOM0, NULL },
	{ "DOM0_MEM", USE_DOM0, NULL },
	{ "DOM0_VCPUS", USE_DOM0, NULL },
	{ "DOMU_KERNEL", USE_DOMU, NULL },
	{ "DOMU_RAMDISK", USE_DOMU, NULL },
	{ "DOMU_CMD", USE_DOMU, NULL },
	{ "DOMU_MEM", USE_DOMU, NULL },
	{ "DOMU_VCPUS", USE_DOMU, NULL },
	{ "DOMU_PASSTHROUGH_DTB", USE_DOMU, NULL },
	{ "DOMU_CAPS", USE_DOMU, NULL },
	{ "DOMU_NOBOOT", USE_DOMU, NULL },
	{ "MEMORY_START", USE_IGNORE, "the machine's RAM is lcm-tool pack's --memory: ignored" },
	{ "MEMORY_END", USE_IGNORE, "the machine's RAM is lcm-tool pack's --memory: ignored" },
	{ "DEVICE_TREE", USE_IGNORE,
	  "the host device tree is the machine's own (lcm-tool pack adds the LCM to it): ignored" },
	{ "XEN", USE_IGNORE,
	  "the hypervisor is Hyperlaunch (lcm-tool pack --hypervisor): ignored" },
	{ "DOMU_ENHANCED", USE_IGNORE,
	  "the Xen PV interfaces (xenstore, grant tables, event channels) have no equivalent yet: ignored" },
	{ "DOMU_STATIC_MEM", USE_IGNORE,
	  "memory at fixed host addresses has no equivalent: the domain's memory comes from the hypervisor's allocator" },
	{ "DOMU_DIRECT_MAP", USE_IGNORE, "1:1 guest memory has no equivalent yet: ignored" },
	{ "DOMU_PASSTHROUGH_PATHS", USE_IGNORE,
	  "device assignment by host path has no equivalent yet: ignored" },
	{ "PASSTHROUGH_DTS_REPO", USE_IGNORE, "partial device trees are not built here: ignored" },
	{ "LOPPER_PATH", USE_IGNORE, "partial device trees are not built here: ignored" },
	{ "LOPPER_CMD", USE_IGNORE, "partial device trees are not built here: ignored" },
	{ "DOMU_COLORS", USE_IGNORE, "cache colouring has no equivalent: ignored" },
	{ "DOM0_COLORS", USE_IGNORE, "cache colouring has no equivalent: ignored" },
	{ "XEN_COLORS", USE_IGNORE, "cache colouring has no equivalent: ignored" },
	{ "DOMU_CPUPOOL", USE_IGNORE, "CPU pools have no equivalent: ignored" },
	{ "CPUPOOL", USE_IGNORE, "CPU pools have no equivalent: ignored" },
	{ "NUM_CPUPOOLS", USE_IGNORE, "CPU pools have no equivalent: ignored" },
	{ "DOMU_DRIVER_DOMAIN", USE_IGNORE, "an xl setting (disk_image): ignored" },
	{ "DOMU_ROOTFS", USE_IGNORE, "a disk partition (disk_image): ignored" },
	{ "DOM0_ROOTFS", USE_IGNORE, "a disk partition (disk_image): ignored" },
	{ "NUM_DT_OVERLAY", USE_IGNORE, "host device-tree overlays have no equivalent: ignored" },
	{ "DT_OVERLAY", USE_IGNORE, "host device-tree overlays have no equivalent: ignored" },
	{ "LOAD_CMD", USE_IGNORE, "a U-Boot script setting: ignored" },
	{ "BOOT_CMD", USE_IGNORE, "a U-Boot script setting: ignored" },
	{ "UBOOT_SOURCE", USE_IGNORE, "a U-Boot script setting: ignored" },
	{ "UBOOT_SCRIPT", USE_IGNORE, "a U-Boot script setting: ignored" },
	{ "APPEND_EXTRA_CMDS", USE_IGNORE, "a U-Boot script setting: ignored" },
	{ "FDTEDIT", USE_IGNORE, "a U-Boot script setting: ignored" },
	{ "FIT", USE_IGNORE, "a U-Boot script setting: ignored" },
	{ "FIT_ENC_KEY_DIR", USE_IGNORE, "a U-Boot script setting: ignored" },
	{ "FIT_ENC_UB_DTB", USE_IGNORE, "a U-Boot script setting: ignored" },
	{ "BITSTREAM", USE_IGNORE, "an FPGA bitstream loaded by U-Boot: ignored" },
	{ "NUM_BOOT_AUX_FILE", USE_IGNORE, "a file of the boot partition (disk_image): ignored" },
	{ "BOOT_AUX_FILE", USE_IGNORE, "a file of the boot partition (disk_image): ignored" },
	{ "GPT", USE_IGNORE, "a disk_image setting: ignored" },
	{ "LINUX", USE_ERROR, "a Linux boot without a hypervisor cannot be expressed" },
	{ "LINUX_CMD", USE_ERROR, "a Linux boot without a hypervisor cannot be expressed" },
	{ "LINUX_RAMDISK", USE_ERROR, "a Linux boot without a hypervisor cannot be expressed" },
};

#define NR_VARS (sizeof(vars) / sizeof(vars[0]))

static int known(const char *name)
{
	for (size_t i = 0; i < NR_VARS; i++) {
		if (strcmp(vars[i].name, name) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/* The value in force of NAME[index] (index -1: none), or NULL. */
static const struct var *get(const struct ib *b, const char *name, int index)
{
	for (size_t i = 0; i < b->nr; i++) {
		const struct var *v = &b->vars[i];
		if (!v->replaced && v->index == index && strcmp(v->name, name) == 0) {
			return v;
		}
	}
	return NULL;
}

static void var_where(const struct var *v, char *out, size_t size)
{
	if (v->index >= 0) {
		snprintf(out, size, "%s[%d]", v->name, v->index);
	} else {
		snprintf(out, size, "%s", v->name);
	}
}

/* A whole number from @min to @max (decimal, or 0x hexadecimal). */
static bool number(struct ib *b, const struct var *v, unsigned long min, unsigned long max,
		   unsigned long *out)
{
	char where[64], *end;

	errno = 0;
	unsigned long n = strtoul(v->value, &end, 0);
	if (!isdigit((unsigned char)v->value[0]) || *end != '\0' || errno != 0 || n < min ||
	    n > max) {
		var_where(v, where, sizeof(where));
		imp_error(b->im, v->line, where, "\"%s\" is not a number from %lu to %lu", v->value,
			  min, max);
		return false;
	}
	*out = n;
	return true;
}

/* The module of @d named by variable @name[@index], if set. */
static void module(struct ib *b, struct imp_domain *d, unsigned type, const char *name, int index)
{
	const struct var *v = get(b, name, index);
	struct imp_module *m = &d->mod[type];

	if (v == NULL) {
		return;
	}
	m->present = true;
	m->file = imp_strdup(v->value);
	m->line = v->line;
	var_where(v, m->where, sizeof(m->where));
}

/* Kernel command lines: Xen's PV console has no equivalent. */
static void bootargs(struct ib *b, struct imp_domain *d, const struct var *v, const char *def)
{
	struct imp_module *k = &d->mod[LCM_MOD_KERNEL];
	const char *s = v != NULL ? v->value : def;
	char where[64];

	if (s == NULL || !k->present) {
		return;
	}
	k->bootargs = imp_strdup(s);
	if (v != NULL && strstr(s, "console=hvc0") != NULL) {
		var_where(v, where, sizeof(where));
		imp_warning(
			b->im, v->line, where,
			"console=hvc0 is Xen's PV console: on Hyperlaunch a domain's console is its PL011, ttyAMA0");
	}
}

/* DOMU_CAPS: "control|hardware|xenstore", "dom0", "none", or Xen's bits. */
static void capabilities(struct ib *b, struct imp_domain *d, const struct var *v)
{
	char where[64], copy[IB_VALUE_MAX], *save = NULL;
	unsigned long bits = 0;

	var_where(v, where, sizeof(where));
	if (isdigit((unsigned char)v->value[0])) {
		if (!number(b, v, 0, 7, &bits)) {
			return;
		}
	} else {
		snprintf(copy, sizeof(copy), "%s", v->value);
		for (char *w = strtok_r(copy, "|", &save); w != NULL;
		     w = strtok_r(NULL, "|", &save)) {
			if (strcmp(w, "control") == 0) {
				bits |= 1;
			} else if (strcmp(w, "hardware") == 0) {
				bits |= 2;
			} else if (strcmp(w, "xenstore") == 0) {
				bits |= 4;
			} else if (strcmp(w, "dom0") == 0) {
				bits |= 7;
			} else if (strcmp(w, "none") != 0) {
				imp_error(
					b->im, v->line, where,
					"\"%s\" is not one of control, hardware, xenstore, dom0, none",
					w);
				return;
			}
		}
	}
	d->permissions |= (bits & 1) ? LCM_PERMISSION_CONTROL : 0;
	d->permissions |= (bits & 2) ? LCM_PERMISSION_HARDWARE : 0;
	d->functions |= (bits & 4) ? LCM_FUNCTION_XENSTORE : 0;
}

static void read_dom0(struct ib *b, struct imp_domain *d, unsigned seen)
{
	const struct var *v;
	unsigned long n;

	module(b, d, LCM_MOD_KERNEL, "DOM0_KERNEL", -1);
	module(b, d, LCM_MOD_RAMDISK, "DOM0_RAMDISK", -1);
	d->permissions = LCM_PERMISSION_CONTROL | LCM_PERMISSION_HARDWARE;
	d->functions = LCM_FUNCTION_CONSOLE | LCM_FUNCTION_XENSTORE | LCM_FUNCTION_LEGACY_DOM0;
	if (!(seen & IMP_SEEN_DOM0_MEM)) {
		d->memory_kib = IB_DOM0_MEM_MB * 1024ull;
		if ((v = get(b, "DOM0_MEM", -1)) != NULL && number(b, v, 1, 1u << 20, &n)) {
			d->memory_kib = n * 1024;
		}
	}
	if (!(seen & IMP_SEEN_DOM0_VCPUS) && (v = get(b, "DOM0_VCPUS", -1)) != NULL &&
	    number(b, v, 1, LCM_MAX_VCPUS, &n)) {
		d->cpus = (uint32_t)n;
	}
	v = get(b, "DOM0_CMD", -1);
	if (v == NULL) {
		imp_warning(
			b->im, d->line, "DOM0_KERNEL",
			"no DOM0_CMD: ImageBuilder's default is for Xen's PV console; dom0 gets no bootargs");
	}
	bootargs(b, d, v, NULL);
}

static void read_domu(struct ib *b, struct imp_domain *d, int i, unsigned long nr_domus)
{
	const struct var *v;
	unsigned long n;

	module(b, d, LCM_MOD_KERNEL, "DOMU_KERNEL", i);
	module(b, d, LCM_MOD_RAMDISK, "DOMU_RAMDISK", i);
	module(b, d, LCM_MOD_DEVICE_TREE, "DOMU_PASSTHROUGH_DTB", i);
	d->memory_kib = IB_DOMU_MEM_MB * 1024ull;
	if ((v = get(b, "DOMU_MEM", i)) != NULL && number(b, v, 1, 1u << 20, &n)) {
		d->memory_kib = n * 1024;
	}
	if ((v = get(b, "DOMU_VCPUS", i)) != NULL && number(b, v, 1, LCM_MAX_VCPUS, &n)) {
		d->cpus = (uint32_t)n;
	}
	if ((v = get(b, "DOMU_CAPS", i)) != NULL) {
		capabilities(b, d, v);
	}
	bootargs(b, d, get(b, "DOMU_CMD", i), IB_DOMU_CMD);
	if (d->mod[LCM_MOD_DEVICE_TREE].present) {
		imp_warning(
			b->im, d->mod[LCM_MOD_DEVICE_TREE].line, d->mod[LCM_MOD_DEVICE_TREE].where,
			"the passthrough device tree becomes the domain's device-tree module; device assignment from it does not exist yet");
	}
	if (!d->mod[LCM_MOD_KERNEL].present) {
		char where[32];
		snprintf(where, sizeof(where), "DOMU_KERNEL[%d]", i);
		imp_error(b->im, d->line, where, "missing (NUM_DOMUS is %lu)", nr_domus);
	}
}

/* Every assignment in force, in line order: what it is, or why it is left out. */
static void check_vars(struct ib *b, unsigned long nr_domus)
{
	for (size_t i = 0; i < b->nr; i++) {
		const struct var *v = &b->vars[i];
		char where[64];
		int k = known(v->name);
		if (v->replaced) {
			continue;
		}
		var_where(v, where, sizeof(where));
		if (k < 0) {
			const char *names[NR_VARS + 1];
			for (size_t j = 0; j < NR_VARS; j++) {
				names[j] = vars[j].name;
			}
			names[NR_VARS] = NULL;
			const char *hint = lt_suggest(v->name, names);
			if (hint != NULL) {
				imp_warning(b->im, v->line, where,
					    "unknown variable (did you mean %s?): ignored", hint);
			} else {
				imp_warning(b->im, v->line, where, "unknown variable: ignored");
			}
			continue;
		}
		bool indexed =
			strncmp(v->name, "DOMU_", 5) == 0 || strcmp(v->name, "CPUPOOL") == 0 ||
			strcmp(v->name, "DT_OVERLAY") == 0 || strcmp(v->name, "BOOT_AUX_FILE") == 0;
		if (indexed != (v->index >= 0)) {
			imp_error(b->im, v->line, where, "%s",
				  indexed ? "needs an index, as in NAME[0]" : "takes no index");
			continue;
		}
		if (vars[k].use == USE_IGNORE) {
			imp_warning(b->im, v->line, where, "%s", vars[k].why);
		} else if (vars[k].use == USE_ERROR) {
			imp_error(b->im, v->line, where, "%s", vars[k].why);
		} else if (vars[k].use == USE_DOMU && (unsigned long)v->index >= nr_domus) {
			imp_warning(b->im, v->line, where, "beyond NUM_DOMUS (%lu): ignored",
				    nr_domus);
		}
	}
}

bool imp_read_imagebuilder(struct imp *im, const char *text, size_t size)
{
	struct ib b = { im, NULL, 0, 0 };
	unsigned errors = lt_nr_errors;
	int line = 1;

	if (memchr(text, '\0', size) != NULL) {
		imp_error(im, 0, "",
			  "neither a device tree nor an ImageBuilder configuration (binary data)");
		return false;
	}
	for (size_t i = 0; i < size;) {
		const char *nl = memchr(text + i, '\n', size - i);
		size_t len = nl != NULL ? (size_t)(nl - (text + i)) : size - i;
		char *l = malloc(len + 1);
		if (l == NULL) {
			lt_fatal_usage("out of memory");
		}
		memcpy(l, text + i, len);
		l[len] = '\0';
		parse_line(&b, line++, l);
		free(l);
		i += len + 1;
	}

	unsigned long nr_domus = 0;
	const struct var *num = get(&b, "NUM_DOMUS", -1);
	if (num != NULL && !number(&b, num, 0, IMP_MAX_DOMAINS, &nr_domus)) {
		nr_domus = 0;
	}
	check_vars(&b, nr_domus);

	const struct var *dom0k = get(&b, "DOM0_KERNEL", -1);
	struct imp_domain *dom0 = NULL;
	unsigned seen = 0;
	if (dom0k != NULL) {
		dom0 = imp_add_domain(im, "dom0", "DOM0_KERNEL", dom0k->line);
	}
	const struct var *xen = get(&b, "XEN_CMD", -1);
	if (xen != NULL) {
		seen = imp_xen_cmdline(im, xen->line, "XEN_CMD", xen->value, dom0);
	}
	if (dom0 != NULL) {
		read_dom0(&b, dom0, seen);
	}
	for (unsigned long i = 0; i < nr_domus; i++) {
		const struct var *noboot = get(&b, "DOMU_NOBOOT", (int)i);
		const struct var *k = get(&b, "DOMU_KERNEL", (int)i);
		char name[32];
		snprintf(name, sizeof(name), "domU%lu", i);
		if (noboot != NULL) {
			char where[64];
			var_where(noboot, where, sizeof(where));
			imp_warning(
				im, noboot->line, where,
				"%s is not started at boot on Xen: left out (create it at run time)",
				name);
			continue;
		}
		struct imp_domain *d =
			imp_add_domain(im, name, name, k != NULL ? k->line : num->line);
		if (d == NULL) {
			break;
		}
		read_domu(&b, d, (int)i, nr_domus);
	}
	imp_check_roles(im, dom0 != NULL);
	if (im->nr_domains == 0 && lt_nr_errors == errors) {
		imp_error(im, 0, "", "no DOM0_KERNEL and no DOMU_KERNEL: nothing to import");
	}
	for (size_t i = 0; i < b.nr; i++) {
		free(b.vars[i].value);
	}
	free(b.vars);
	return lt_nr_errors == errors;
}
