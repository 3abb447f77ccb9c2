/*
 * lcm-tool import: a Xen dom0less device tree or an ImageBuilder
 * configuration in, the equivalent JSON configuration out (docs/lcm-tool.md,
 * "import"). The readers (import-dtb.c, import-ib.c) fill struct imp; this
 * file parses the command line, names the module files (a device tree holds
 * addresses, not file names), turns paths relative to the output, and writes
 * the JSON. Nothing is written when the input has an error.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <libfdt.h>

#include "import.h"

static const char import_help[] =
	"usage: lcm-tool import [-o OUT.json] [--module ADDR=FILE]... [-d DIR] FILE\n"
	"\n"
	"Turn FILE, a Xen dom0less device tree (.dtb with xen,domain nodes under\n"
	"/chosen) or an ImageBuilder configuration (read as data, never run), into\n"
	"the equivalent JSON configuration. What has no equivalent yet is named in a\n"
	"warning and left out; what cannot be expressed is an error, and then\n"
	"nothing is written.\n"
	"\n"
	"A device tree gives each module's address and size, not its file: name the\n"
	"files with --module (the address as in reg); a module with xen,uefi-binary\n"
	"is that file beside FILE; any other module is written as\n"
	"\"module-ADDR.bin\" beside OUT.json, with a warning.\n"
	"\n"
	"  -o, --output FILE   where to write the JSON (default: standard output)\n"
	"  --module ADDR=FILE  the file loaded at ADDR (repeat for each module)\n"
	"  -d, --dir DIR       ImageBuilder: the folder its paths are relative to\n"
	"                      (uboot-script-gen -d; default: FILE's folder)\n"
	"  -h, --help          this text\n"
	"\n"
	"Exit status: 0 written (warnings may have been printed), 1 FILE has\n"
	"something that cannot be expressed (every problem is listed), 2 usage\n"
	"error, or FILE or OUT.json cannot be read or written.\n";

/* --- diagnostics ------------------------------------------------------------- */

static void report(const struct imp *im, bool error, int line, const char *where, const char *fmt,
		   va_list ap)
{
	struct lt_loc loc = { im->input, line, line > 0 ? 1 : 0 };
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (error) {
		lt_error(&loc, "%s%s%s", where, *where ? ": " : "", msg);
	} else {
		lt_warning(&loc, "%s%s%s", where, *where ? ": " : "", msg);
	}
}

void imp_error(const struct imp *im, int line, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(im, true, line, where, fmt, ap);
	va_end(ap);
}

void imp_warning(struct imp *im, int line, const char *where, const char *fmt, ...)
{
	va_list ap;

	im->nr_warnings++;
	va_start(ap, fmt);
	report(im, false, line, where, fmt, ap);
	va_end(ap);
}

/* --- the model --------------------------------------------------------------- */

struct imp_domain *imp_add_domain(struct imp *im, const char *name, const char *where, int line)
{
	if (im->nr_domains == IMP_MAX_DOMAINS) {
		imp_error(im, line, where, "more than %d domains", IMP_MAX_DOMAINS);
		return NULL;
	}
	if (im->nr_domains == im->max_domains) {
		size_t max = im->max_domains != 0 ? 2 * im->max_domains : 8;
		struct imp_domain *d = realloc(im->domains, max * sizeof(*d));
		if (d == NULL) {
			lt_fatal_usage("out of memory");
		}
		im->domains = d;
		im->max_domains = max;
	}
	struct imp_domain *d = &im->domains[im->nr_domains++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->where, sizeof(d->where), "%s", where);
	d->line = line;
	d->cpus = LCM_DEFAULT_CPUS;
	return d;
}

char *imp_strdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL) {
		lt_fatal_usage("out of memory");
	}
	return d;
}

void imp_free(struct imp *im)
{
	for (size_t i = 0; i < im->nr_domains; i++) {
		for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
			free(im->domains[i].mod[t].file);
			free(im->domains[i].mod[t].bootargs);
		}
	}
	free(im->domains);
	im->domains = NULL;
	im->nr_domains = 0;
	im->max_domains = 0;
}

/*
 * The roles Xen gives one domain at most: hardware, xenstore. A classic
 * dom0 runs xenstore unless a domU has the capability (Xen 4.21's
 * disaggregated xenstore); two claims are an error, as on Xen.
 */
void imp_check_roles(struct imp *im, bool has_dom0)
{
	struct imp_domain *dom0 = has_dom0 ? &im->domains[0] : NULL;
	static const struct {
		bool function;
		uint32_t bit;
		const char *name;
	} roles[] = {
		{ false, LCM_PERMISSION_HARDWARE, "hardware" },
		{ true, LCM_FUNCTION_XENSTORE, "xenstore" },
	};

	for (size_t r = 0; r < sizeof(roles) / sizeof(roles[0]); r++) {
		const struct imp_domain *first = NULL;
		for (size_t i = 0; i < im->nr_domains; i++) {
			struct imp_domain *d = &im->domains[i];
			uint32_t *bits = roles[r].function ? &d->functions : &d->permissions;
			if (!(*bits & roles[r].bit)) {
				continue;
			}
			if (first == dom0 && first != NULL && roles[r].function) {
				dom0->functions &= ~roles[r].bit;
			} else if (first != NULL) {
				imp_error(
					im, 0, d->where,
					"capabilities: a second %s domain (the first is %s): Xen allows one",
					roles[r].name, first->where);
				continue;
			}
			first = d;
		}
	}
}

/* dom0_max_vcpus=N or =MIN-MAX: the largest. */
static bool parse_vcpus(const char *s, uint32_t *out)
{
	const char *dash = strchr(s, '-');
	char *end;

	errno = 0;
	unsigned long n = strtoul(dash != NULL ? dash + 1 : s, &end, 10);
	if (*end != '\0' || errno != 0 || n == 0 || n > LCM_MAX_VCPUS) {
		return false;
	}
	*out = (uint32_t)n;
	return true;
}

unsigned imp_xen_cmdline(struct imp *im, int line, const char *where, const char *cmdline,
			 struct imp_domain *dom0)
{
	unsigned seen = 0;
	char *copy = imp_strdup(cmdline);
	char ignored[1024] = "";
	char *save = NULL;

	for (char *w = strtok_r(copy, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		if (dom0 != NULL && strncmp(w, "dom0_mem=", 9) == 0) {
			seen |= IMP_SEEN_DOM0_MEM;
			/* Xen's size syntax: a number with K, M, G or T; a
			 * bare number is KiB, as lt_parse_size_kib reads it. */
			if (!lt_parse_size_kib(w + 9, &dom0->memory_kib)) {
				imp_error(
					im, line, where,
					"%s: only a single size (such as dom0_mem=512M) has an equivalent",
					w);
			}
		} else if (dom0 != NULL && strncmp(w, "dom0_max_vcpus=", 15) == 0) {
			seen |= IMP_SEEN_DOM0_VCPUS;
			if (!parse_vcpus(w + 15, &dom0->cpus)) {
				imp_error(im, line, where, "%s: not a vCPU count from 1 to %u", w,
					  LCM_MAX_VCPUS);
			}
		} else {
			size_t n = strlen(ignored);
			snprintf(ignored + n, sizeof(ignored) - n, "%s%s", n ? " " : "", w);
		}
	}
	free(copy);
	if (ignored[0] != '\0') {
		imp_warning(
			im, line, where,
			"Xen's command line has no equivalent (Hyperlaunch takes none): \"%s\" ignored",
			ignored);
	}
	return seen;
}

/* --- module files -------------------------------------------------------------- */

struct module_map {
	uint64_t addr;
	const char *file;
	bool used;
};

static struct module_map *maps;
static size_t nr_maps;

static void add_map(const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *end;

	errno = 0;
	uint64_t addr = eq != NULL ? strtoull(arg, &end, 0) : 0;
	if (eq == NULL || end != eq || eq == arg || eq[1] == '\0' || errno != 0) {
		lt_fatal_usage("--module: \"%s\" is not ADDR=FILE (such as 0x48200000=Image)", arg);
	}
	for (size_t i = 0; i < nr_maps; i++) {
		if (maps[i].addr == addr) {
			lt_fatal_usage("--module: 0x%llx is given twice", (unsigned long long)addr);
		}
	}
	maps = realloc(maps, (nr_maps + 1) * sizeof(*maps));
	if (maps == NULL) {
		lt_fatal_usage("out of memory");
	}
	maps[nr_maps++] = (struct module_map){ addr, eq + 1, false };
}

/* snprintf's result checked: a path too long for PATH_MAX is a usage error. */
static void fit(int n, size_t size, const char *p)
{
	if (n < 0 || (size_t)n >= size) {
		lt_fatal_usage("path too long: \"%s\"", p);
	}
}

/* An absolute path for @p (relative to @dir, itself absolute, when it is
 * not absolute), with "." and ".." resolved by name: symbolic links are
 * kept, so that the JSON names the files the way the user does. */
static void absolute(const char *p, const char *dir, char *out, size_t size)
{
	char joined[2 * PATH_MAX + 2];
	size_t n = 0;

	if (p[0] == '/') {
		fit(snprintf(joined, sizeof(joined), "%s", p), sizeof(joined), p);
	} else {
		fit(snprintf(joined, sizeof(joined), "%s/%s", dir, p), sizeof(joined), p);
	}
	for (char *c = joined; *c != '\0';) {
		char *next = strchr(c, '/');
		size_t len = next != NULL ? (size_t)(next - c) : strlen(c);
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (n > 0 && out[--n] != '/') {
			}
		} else if (len != 0 && !(len == 1 && c[0] == '.')) {
			fit(n + 1 + len < size ? 0 : -1, size, p);
			out[n++] = '/';
			memcpy(out + n, c, len);
			n += len;
		}
		c += len + (next != NULL ? 1 : 0);
	}
	if (n == 0) {
		out[n++] = '/';
	}
	out[n] = '\0';
}

/* @target (absolute) as seen from folder @base (absolute, normalized). */
static char *relative_to(const char *target, const char *base)
{
	size_t common = 0;
	char out[3 * PATH_MAX];
	size_t n = 0;

	if (strcmp(base, "/") == 0) {
		base = "";
	}

	/* The longest prefix of whole components. */
	for (size_t i = 0;; i++) {
		bool tend = target[i] == '\0' || target[i] == '/';
		bool bend = base[i] == '\0' || base[i] == '/';
		if (tend && bend) {
			common = i;
			if (target[i] == '\0' || base[i] == '\0') {
				break;
			}
		}
		if (target[i] != base[i] || target[i] == '\0') {
			break;
		}
	}
	for (const char *p = base + common; *p != '\0'; p++) {
		if (*p == '/' && n + 4 < sizeof(out)) {
			memcpy(out + n, "../", 3);
			n += 3;
		}
	}
	const char *rest = target + common;
	if (*rest == '/') {
		rest++;
	}
	snprintf(out + n, sizeof(out) - n, "%s", rest);
	return imp_strdup(out[0] ? out : ".");
}

static void dirname_of(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		snprintf(out, size, ".");
	} else if (slash == path) {
		snprintf(out, size, "/");
	} else {
		snprintf(out, size, "%.*s", (int)(slash - path), path);
	}
}

/*
 * Give every module its path in the JSON: the file the input names (an
 * ImageBuilder path relative to @files_dir, an xen,uefi-binary beside the
 * device tree, or what --module says for its address), relative to
 * @out_dir; a module with no file gets "module-ADDR.bin" and a warning.
 */
static void name_files(struct imp *im, bool is_dtb, const char *files_dir, const char *out_dir)
{
	char cwd[PATH_MAX];

	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		lt_fatal_usage("cannot find the current folder: %s", strerror(errno));
	}
	for (size_t i = 0; i < im->nr_domains; i++) {
		for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
			struct imp_module *m = &im->domains[i].mod[t];
			const char *dir = files_dir;
			if (!m->present) {
				continue;
			}
			for (size_t k = 0; is_dtb && m->has_reg && k < nr_maps; k++) {
				if (maps[k].addr == m->addr) {
					maps[k].used = true;
					free(m->file);
					m->file = imp_strdup(maps[k].file);
					dir = cwd;
				}
			}
			if (m->file == NULL) {
				char name[64];
				snprintf(name, sizeof(name), "module-%llx.bin",
					 (unsigned long long)m->addr);
				m->file = imp_strdup(name);
				imp_warning(
					im, m->line, m->where,
					"no file for the %s at 0x%llx (%llu bytes): written as \"%s\" (give --module 0x%llx=FILE)",
					lcm_module_type_name(t), (unsigned long long)m->addr,
					(unsigned long long)m->size, name,
					(unsigned long long)m->addr);
				continue;
			}
			char abs[PATH_MAX + 2];
			struct stat st;
			absolute(m->file, dir, abs, sizeof(abs));
			if (stat(abs, &st) != 0) {
				imp_warning(im, m->line, m->where, "\"%s\": %s", m->file,
					    strerror(errno));
			} else if (m->has_reg && (uint64_t)st.st_size != m->size) {
				imp_error(im, m->line, m->where,
					  "\"%s\" has %llu bytes, but reg says the %s has %llu",
					  m->file, (unsigned long long)st.st_size,
					  lcm_module_type_name(t), (unsigned long long)m->size);
			}
			free(m->file);
			m->file = relative_to(abs, out_dir);
		}
	}
	for (size_t k = 0; k < nr_maps; k++) {
		if (!maps[k].used) {
			imp_error(im, 0, "",
				  "--module 0x%llx=%s: no module of the device tree is at 0x%llx",
				  (unsigned long long)maps[k].addr, maps[k].file,
				  (unsigned long long)maps[k].addr);
		}
	}
}

/* --- JSON -------------------------------------------------------------------------- */

static void set_new(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0) {
		lt_fatal_usage("out of memory");
	}
}

static json_t *bits_json(uint32_t bits, const uint32_t *values, const char *const *names, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++) {
		if (bits & values[i]) {
			json_array_append_new(a, json_string(names[i]));
		}
	}
	return a;
}

static json_t *memory_json(uint64_t kib)
{
	char s[32];

	if (kib != 0 && kib % (1024 * 1024) == 0) {
		snprintf(s, sizeof(s), "%lluG", (unsigned long long)(kib >> 20));
	} else if (kib != 0 && kib % 1024 == 0) {
		snprintf(s, sizeof(s), "%lluM", (unsigned long long)(kib >> 10));
	} else {
		return json_integer((json_int_t)kib);
	}
	return json_string(s);
}

json_t *imp_to_json(const struct imp *im)
{
	static const uint32_t perm_bits[] = { LCM_PERMISSION_CONTROL, LCM_PERMISSION_HARDWARE };
	static const char *const perm_names[] = { "control", "hardware" };
	static const uint32_t func_bits[] = { LCM_FUNCTION_CONSOLE, LCM_FUNCTION_XENSTORE,
					      LCM_FUNCTION_LEGACY_DOM0 };
	static const char *const func_names[] = { "console", "xenstore", "legacy-dom0" };
	json_t *root = json_object();
	json_t *doms = json_array();

	if (root == NULL || doms == NULL) {
		lt_fatal_usage("out of memory");
	}
	for (size_t i = 0; i < im->nr_domains; i++) {
		const struct imp_domain *d = &im->domains[i];
		json_t *o = json_object();
		if (o == NULL) {
			lt_fatal_usage("out of memory");
		}
		set_new(o, "name", json_string(d->name));
		if (d->permissions != 0) {
			set_new(o, "permissions",
				bits_json(d->permissions, perm_bits, perm_names, 2));
		}
		if (d->functions != 0) {
			set_new(o, "functions", bits_json(d->functions, func_bits, func_names, 3));
		}
		set_new(o, "cpus", json_integer(d->cpus));
		set_new(o, "memory", memory_json(d->memory_kib));
		if (d->xen) {
			set_new(o, "xen-interface", json_true());
		}
		for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
			const struct imp_module *m = &d->mod[t];
			if (!m->present) {
				continue;
			}
			json_t *v = json_string(m->file);
			if (m->bootargs != NULL) {
				json_t *f = json_object();
				if (f == NULL) {
					lt_fatal_usage("out of memory");
				}
				set_new(f, "file", v);
				set_new(f, "bootargs", json_string(m->bootargs));
				v = f;
			}
			set_new(o, lcm_module_type_name(t), v);
		}
		if (json_array_append_new(doms, o) != 0) {
			lt_fatal_usage("out of memory");
		}
	}
	set_new(root, "domains", doms);
	return root;
}

/* --- the command -------------------------------------------------------------------- */

int lt_cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "module", required_argument, NULL, 'm' },
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *dir = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "o:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'm':
			add_map(optarg);
			break;
		case 'd':
			dir = optarg;
			break;
		case 'h':
			fputs(import_help, stdout);
			return 0;
		default:
			fputs(import_help, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(import_help, stderr);
		return 2;
	}
	const char *in = argv[optind];
	size_t size;
	char *data = lt_read_file(in, &size);
	if (data == NULL) {
		lt_fatal_usage("cannot read \"%s\": %s", in, strerror(errno));
	}
	bool is_dtb = size >= 4 && fdt_magic(data) == FDT_MAGIC;
	if (is_dtb && dir != NULL) {
		lt_fatal_usage("import: --dir is for an ImageBuilder configuration");
	}
	if (!is_dtb && nr_maps != 0) {
		lt_fatal_usage(
			"import: --module is for a device tree (an ImageBuilder configuration names its files)");
	}

	struct imp im = { .input = in };
	bool ok = is_dtb ? imp_read_dtb(&im, data, size) : imp_read_imagebuilder(&im, data, size);
	char files_dir[PATH_MAX], out_dir[PATH_MAX], cwd[PATH_MAX];
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		lt_fatal_usage("cannot find the current folder: %s", strerror(errno));
	}
	dirname_of(in, files_dir, sizeof(files_dir));
	if (dir != NULL) {
		fit(snprintf(files_dir, sizeof(files_dir), "%s", dir), sizeof(files_dir), dir);
	}
	char tmp[PATH_MAX];
	absolute(files_dir, cwd, tmp, sizeof(tmp));
	memcpy(files_dir, tmp, sizeof(tmp));
	if (out != NULL) {
		dirname_of(out, tmp, sizeof(tmp));
		absolute(tmp, cwd, out_dir, sizeof(out_dir));
	} else {
		snprintf(out_dir, sizeof(out_dir), "%s", cwd);
	}
	if (ok) {
		name_files(&im, is_dtb, files_dir, out_dir);
	}
	free(data);
	if (!ok || lt_nr_errors != 0) {
		fprintf(stderr, "%s: %u error%s; nothing written\n", in, lt_nr_errors,
			lt_nr_errors == 1 ? "" : "s");
		imp_free(&im);
		free(maps);
		return 1;
	}

	json_t *root = imp_to_json(&im);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL) {
		lt_fatal_usage("out of memory");
	}
	size_t n = strlen(text);
	text[n] = '\n'; /* json_dumps ends without one; its NUL is ours */
	if (out == NULL) {
		fwrite(text, 1, n + 1, stdout);
	} else if (!lt_write_file(out, text, n + 1, 0644)) {
		lt_fatal_usage("cannot write \"%s\": %s", out, strerror(errno));
	} else {
		printf("%s: %zu domain%s from %s, %u warning%s\n", out, im.nr_domains,
		       im.nr_domains == 1 ? "" : "s", in, im.nr_warnings,
		       im.nr_warnings == 1 ? "" : "s");
	}
	free(text);
	imp_free(&im);
	free(maps);
	return 0;
}
