/*
 * The JSON configuration (docs/lcm-tool.md, "Configuration"): read with
 * jansson into struct lt_config. Every problem is reported with the line and
 * column of the key it is about, and loading goes on to find the next one.
 * jansson keeps no positions for values, so lt_json_loc() finds them by
 * walking the (already validated) text again.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <fmt/fmt.h>

#include "lcm-tool.h"

/* --- locating a member in the JSON text ---------------------------------------- */

struct jscan {
	const char *s;
	size_t i;
	int line;
	int col;
};

static void adv(struct jscan *j)
{
	if (j->s[j->i] == '\n') {
		j->line++;
		j->col = 1;
	} else if (((unsigned char)j->s[j->i] & 0xC0) != 0x80) {
		j->col++; /* columns count characters, not UTF-8 bytes */
	}
	j->i++;
}

static void skip_ws(struct jscan *j)
{
	while (j->s[j->i] != '\0' && isspace((unsigned char)j->s[j->i])) {
		adv(j);
	}
}

static void skip_string(struct jscan *j)
{
	adv(j); /* opening quote */
	while (j->s[j->i] != '\0' && j->s[j->i] != '"') {
		if (j->s[j->i] == '\\' && j->s[j->i + 1] != '\0') {
			adv(j);
		}
		adv(j);
	}
	if (j->s[j->i] == '"') {
		adv(j);
	}
}

static void skip_value(struct jscan *j)
{
	skip_ws(j);
	char c = j->s[j->i];
	if (c == '"') {
		skip_string(j);
	} else if (c == '{' || c == '[') {
		int depth = 0;
		do {
			c = j->s[j->i];
			if (c == '"') {
				skip_string(j);
				continue;
			}
			if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				depth--;
			}
			adv(j);
		} while (depth > 0 && j->s[j->i] != '\0');
	} else {
		while (j->s[j->i] != '\0' && strchr(",}] \t\r\n", j->s[j->i]) == NULL) {
			adv(j);
		}
	}
}

/* At a value: descend along @path ("a.1.b"); on success j is at the member's
 * key (objects) or the element (arrays). */
static bool locate(struct jscan *j, const char *path)
{
	skip_ws(j);
	if (*path == '\0') {
		return true;
	}
	const char *dot = strchr(path, '.');
	size_t clen = dot != NULL ? (size_t)(dot - path) : strlen(path);
	const char *rest = dot != NULL ? dot + 1 : "";
	char c = j->s[j->i];

	if (c == '{') {
		adv(j);
		for (;;) {
			skip_ws(j);
			if (j->s[j->i] != '"') {
				return false;
			}
			struct jscan key = *j;
			size_t start = j->i + 1;
			skip_string(j);
			size_t klen = j->i - start - 1;
			bool match = klen == clen && strncmp(j->s + start, path, clen) == 0;
			skip_ws(j);
			if (j->s[j->i] != ':') {
				return false;
			}
			adv(j);
			if (match) {
				if (*rest == '\0') {
					*j = key;
					return true;
				}
				return locate(j, rest);
			}
			skip_value(j);
			skip_ws(j);
			if (j->s[j->i] != ',') {
				return false;
			}
			adv(j);
		}
	}
	if (c == '[') {
		long want = strtol(path, NULL, 10);
		adv(j);
		for (long k = 0;; k++) {
			skip_ws(j);
			if (j->s[j->i] == ']' || j->s[j->i] == '\0') {
				return false;
			}
			if (k == want) {
				return locate(j, rest);
			}
			skip_value(j);
			skip_ws(j);
			if (j->s[j->i] != ',') {
				return false;
			}
			adv(j);
		}
	}
	return false;
}

struct lt_loc lt_json_loc(const struct lt_config *c, const char *path)
{
	struct lt_loc loc = { c->path, 0, 0 };
	char buf[256];

	if (c->text == NULL) {
		return loc;
	}
	/* Try the full path, then each parent. */
	snprintf(buf, sizeof(buf), "%s", path);
	for (;;) {
		struct jscan j = { c->text, 0, 1, 1 };
		if (locate(&j, buf)) {
			loc.line = j.line;
			loc.col = j.col;
			return loc;
		}
		char *dot = strrchr(buf, '.');
		if (dot == NULL) {
			if (buf[0] == '\0') {
				return loc;
			}
			buf[0] = '\0';
		} else {
			*dot = '\0';
		}
	}
}

/* --- loading --------------------------------------------------------------------- */

/* Remember that KEY of domain @d was reported, so that the library's view
 * of the same problem (checked later on a best-effort LCM) is not reported
 * twice. "*" stands for the whole domain. */
static void mark_bad(struct lt_domain *d, const char *key)
{
	if (d == NULL) {
		return;
	}
	size_t n = strlen(d->bad_keys);
	snprintf(d->bad_keys + n, sizeof(d->bad_keys) - n, "%s%s,", n ? "" : ",", key);
}

struct loader {
	struct lt_config *c;
	char dir[PATH_MAX]; /* the JSON file's folder, for relative paths */
	bool read_files;
};

__attribute__((format(printf, 3, 4))) static void jerr(struct loader *ld, const char *path,
						       const char *fmt, ...)
{
	struct lt_loc loc = lt_json_loc(ld->c, path);
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lt_error(&loc, "%s", msg);

	/* Remember "domains.N.KEY" so that the library's view of the same
	 * key (checked later on a best-effort LCM) is not reported twice. */
	size_t idx;
	char key[64];
	if (sscanf(path, "domains.%zu.%63[^.]", &idx, key) == 2 && idx < ld->c->nr_domains) {
		mark_bad(&ld->c->domains[idx], key);
	}
}

static const char *const top_keys[] = { "domains", "config", "machine", NULL };
static const char *const machine_keys[] = { "disk", "disk-pci", "net", NULL };
static const char *const config_keys[] = { "microcode",           "xsm-policy",
					   LCM_PROP_BOOT_TIMEOUT, LCM_PROP_ON_ALL_OFF,
					   "control-domains",     NULL };
static const char *const domain_keys[] = {
	"name",     "domid",     "permissions",       "functions", "mode",        "domain-uuid",
	"cpus",     "memory",    "security-id",       "kernel",    "ramdisk",     "device-tree",
	"config",   "safety",    "attestation-agent", "devices",   "pinned-cpus", "xen-interface",
	"channels", "xen-disks", "xen-nics",          NULL
};
static const char *const disk_keys[] = { "backend", "target", "vdev", "mode", NULL };
static const char *const nic_keys[] = { "backend", "mac", NULL };
static const char *const module_keys[] = { "file", "bootargs", "sha256", NULL };
static const char *const permission_words[] = { "control", "hardware", NULL };
static const char *const function_words[] = { "boot",     "recovery",    "crash", "console",
					      "xenstore", "legacy-dom0", NULL };
static const char *const mode_words[] = { "pv", "device-model", "long", NULL };

static bool check_keys(struct loader *ld, json_t *obj, const char *path, const char *what,
		       const char *const *keys)
{
	const char *key;
	json_t *v;
	bool ok = true;

	json_object_foreach(obj, key, v)
	{
		bool known = false;
		for (size_t i = 0; keys[i] != NULL; i++) {
			known |= strcmp(key, keys[i]) == 0;
		}
		if (known) {
			continue;
		}
		char kpath[256];
		snprintf(kpath, sizeof(kpath), "%s%s%s", path, *path ? "." : "", key);
		const char *hint = lt_suggest(key, keys);
		if (hint != NULL) {
			jerr(ld, kpath, "%s: unknown key \"%s\" (did you mean \"%s\"?)", what, key,
			     hint);
		} else {
			jerr(ld, kpath, "%s: unknown key \"%s\"", what, key);
		}
		ok = false;
	}
	return ok;
}

/* A list of names mapped to bits through @words/@bits. */
static bool name_bits(struct loader *ld, json_t *v, const char *path, const char *what,
		      const char *key, const char *const *words, const uint32_t *bits,
		      uint32_t *out)
{
	if (!json_is_array(v)) {
		jerr(ld, path, "%s: %s: expected a list of names (%s...)", what, key, words[0]);
		return false;
	}
	size_t i;
	json_t *e;
	bool ok = true;
	*out = 0;
	json_array_foreach(v, i, e)
	{
		char epath[256];
		snprintf(epath, sizeof(epath), "%s.%zu", path, i);
		if (!json_is_string(e)) {
			jerr(ld, epath, "%s: %s: expected a name, found a %s", what, key,
			     json_is_integer(e) ? "number" : "non-string value");
			ok = false;
			continue;
		}
		const char *s = json_string_value(e);
		size_t k;
		for (k = 0; words[k] != NULL && strcmp(words[k], s) != 0; k++) {
		}
		if (words[k] == NULL) {
			const char *hint = lt_suggest(s, words);
			char list[256] = "";
			for (size_t w = 0; words[w] != NULL; w++) {
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 w ? ", " : "", words[w]);
			}
			if (hint != NULL) {
				jerr(ld, epath,
				     "%s: %s: unknown name \"%s\" (did you mean \"%s\"?)", what,
				     key, s, hint);
			} else {
				jerr(ld, epath, "%s: %s: unknown name \"%s\" (known: %s)", what,
				     key, s, list);
			}
			ok = false;
			continue;
		}
		if (*out & bits[k]) {
			jerr(ld, epath, "%s: %s: \"%s\" is listed twice", what, key, s);
			ok = false;
		}
		*out |= bits[k];
	}
	return ok;
}

static bool json_u32(struct loader *ld, json_t *v, const char *path, const char *what,
		     const char *key, uint32_t *out)
{
	if (json_is_string(v)) {
		/* Hex ids read better as strings: "0x7FF5". */
		const char *s = json_string_value(v);
		char *end;
		errno = 0;
		unsigned long long n = strtoull(s, &end, 0);
		if (*s != '\0' && *end == '\0' && errno == 0 && n <= UINT32_MAX &&
		    isdigit((unsigned char)*s)) {
			*out = (uint32_t)n;
			return true;
		}
		jerr(ld, path, "%s: %s: \"%s\" is not a number", what, key, s);
		return false;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)UINT32_MAX) {
		jerr(ld, path, "%s: %s: expected a whole number from 0 to 4294967295", what, key);
		return false;
	}
	*out = (uint32_t)json_integer_value(v);
	return true;
}

static bool parse_uuid(const char *s, uint8_t out[LCM_UUID_SIZE])
{
	size_t n = 0;

	for (size_t i = 0; s[i] != '\0'; i++) {
		if (s[i] == '-' && (i == 8 || i == 13 || i == 18 || i == 23)) {
			continue;
		}
		if (!isxdigit((unsigned char)s[i]) || !isxdigit((unsigned char)s[i + 1]) ||
		    n == LCM_UUID_SIZE) {
			return false;
		}
		char byte[3] = { s[i], s[i + 1], '\0' };
		out[n++] = (uint8_t)strtoul(byte, NULL, 16);
		i++;
	}
	return n == LCM_UUID_SIZE;
}

static int add_file(struct loader *ld, const char *rel)
{
	struct lt_config *c = ld->c;
	char path[2 * PATH_MAX + 2];

	if (rel[0] == '/') {
		snprintf(path, sizeof(path), "%s", rel);
	} else {
		snprintf(path, sizeof(path), "%s/%s", ld->dir, rel);
	}
	char real[PATH_MAX];
	const char *key = realpath(path, real) != NULL ? real : path;
	for (size_t i = 0; i < c->nr_files; i++) {
		if (strcmp(c->files[i].path, key) == 0) {
			return (int)i;
		}
	}
	struct lt_file *f = realloc(c->files, (c->nr_files + 1) * sizeof(*f));
	if (f == NULL) {
		lt_fatal_usage("out of memory");
	}
	c->files = f;
	f = &c->files[c->nr_files];
	memset(f, 0, sizeof(*f));
	f->path = strdup(key);
	f->shown = strdup(rel);
	return (int)c->nr_files++;
}

static bool load_module(struct loader *ld, json_t *v, const char *path, const char *what,
			unsigned type, struct lt_module *m)
{
	const char *file = NULL;
	bool ok = true;

	memset(m, 0, sizeof(*m));
	m->loc = lt_json_loc(ld->c, path);
	if (json_is_string(v)) {
		file = json_string_value(v);
	} else if (json_is_object(v)) {
		char mwhat[128];
		snprintf(mwhat, sizeof(mwhat), "%s: %s", what, lcm_module_type_name(type));
		ok = check_keys(ld, v, path, mwhat, module_keys);
		json_t *f = json_object_get(v, "file");
		json_t *b = json_object_get(v, "bootargs");
		json_t *h = json_object_get(v, "sha256");
		char kpath[256];
		if (f == NULL || !json_is_string(f)) {
			jerr(ld, path, "%s: \"file\" is required and must be a path", mwhat);
			ok = false;
		} else {
			file = json_string_value(f);
		}
		if (b != NULL) {
			snprintf(kpath, sizeof(kpath), "%s.bootargs", path);
			if (!json_is_string(b)) {
				jerr(ld, kpath, "%s: bootargs: expected a string", mwhat);
				ok = false;
			} else if (type != LCM_MOD_KERNEL) {
				jerr(ld, kpath, "%s: bootargs: only a kernel takes bootargs",
				     mwhat);
				ok = false;
			} else {
				m->bootargs = strdup(json_string_value(b));
			}
		}
		if (h != NULL) {
			snprintf(kpath, sizeof(kpath), "%s.sha256", path);
			const char *s = json_is_string(h) ? json_string_value(h) : "";
			bool good = strlen(s) == 2 * LCM_SHA256_SIZE;
			for (size_t i = 0; good && i < LCM_SHA256_SIZE; i++) {
				char byte[3] = { s[2 * i], s[2 * i + 1], '\0' };
				good = isxdigit((unsigned char)byte[0]) &&
				       isxdigit((unsigned char)byte[1]);
				m->pin[i] = (uint8_t)strtoul(byte, NULL, 16);
			}
			if (!good) {
				jerr(ld, kpath, "%s: sha256: expected 64 hex digits", mwhat);
				ok = false;
			}
			m->has_pin = good;
		}
	} else {
		jerr(ld, path, "%s: %s: expected a path or {\"file\": PATH, \"bootargs\": STR}",
		     what, lcm_module_type_name(type));
		return false;
	}
	if (file != NULL && file[0] == '\0') {
		jerr(ld, path, "%s: %s: empty path", what, lcm_module_type_name(type));
		ok = false;
	}
	if (file == NULL || file[0] == '\0') {
		return false;
	}
	/* With a usable path the module exists, even if another of its keys
	 * was wrong: later checks then see the domain as it was meant. */
	m->file = add_file(ld, file);
	m->present = true;
	return ok;
}

/* "channels": the domids of the Xen-aware peers (the library checks that
 * they are domains of the launch). */
static void load_channels(struct loader *ld, json_t *v, const char *path, const char *what,
			  struct lt_domain *d)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > LCM_MAX_CHANNELS) {
		jerr(ld, path, "%s: channels: expected a list of 1 to %u domids", what,
		     LCM_MAX_CHANNELS);
		return;
	}
	json_array_foreach(v, i, e)
	{
		char epath[160];
		snprintf(epath, sizeof(epath), "%s.%zu", path, i);
		if (!json_u32(ld, e, epath, what, "channels", &d->channels[i])) {
			return;
		}
	}
	d->nr_channels = json_array_size(v);
}

/* A string member @key of device object @obj, copied; NULL when absent
 * or not a string (reported unless absent and @optional). */
static char *xendev_string(struct loader *ld, json_t *obj, const char *path, const char *what,
			   const char *key, bool optional)
{
	json_t *v = json_object_get(obj, key);
	char kpath[200];

	snprintf(kpath, sizeof(kpath), "%s.%s", path, key);
	if (v == NULL && optional) {
		return NULL;
	}
	if (v == NULL || !json_is_string(v)) {
		jerr(ld, v == NULL ? path : kpath, "%s: %s: %s", what, key,
		     v == NULL ? "missing" : "expected a string");
		return NULL;
	}
	return strdup(json_string_value(v));
}

/* "xen-disks" (@type LCM_XENDEV_VBD) or "xen-nics" (LCM_XENDEV_VIF): a
 * list of device objects; "backend" a domain's name or domid (resolved
 * when every domain is loaded, resolve_backends()). */
static void load_xendevs(struct loader *ld, json_t *v, const char *path, const char *what,
			 struct lt_domain *d, uint8_t type)
{
	const char *key = type == LCM_XENDEV_VBD ? "xen-disks" : "xen-nics";
	size_t i;
	json_t *e;

	if (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > LCM_MAX_XEN_DEVICES) {
		jerr(ld, path, "%s: %s: expected a list of 1 to %u device objects", what, key,
		     LCM_MAX_XEN_DEVICES);
		return;
	}
	struct lt_xendev *x =
		realloc(d->xendevs, (d->nr_xendevs + json_array_size(v)) * sizeof(*x));
	if (x == NULL) {
		lt_fatal_usage("out of memory");
	}
	d->xendevs = x;
	json_array_foreach(v, i, e)
	{
		char epath[160], ewhat[160];
		snprintf(epath, sizeof(epath), "%s.%zu", path, i);
		snprintf(ewhat, sizeof(ewhat), "%s: %s[%zu]", what, key, i);
		x = &d->xendevs[d->nr_xendevs++];
		memset(x, 0, sizeof(*x));
		x->type = type;
		if (!json_is_object(e)) {
			jerr(ld, epath, "%s: expected an object with \"backend\" and %s", ewhat,
			     type == LCM_XENDEV_VBD ? "\"target\", \"vdev\"" : "\"mac\"");
			continue;
		}
		check_keys(ld, e, epath, ewhat, type == LCM_XENDEV_VBD ? disk_keys : nic_keys);
		json_t *b = json_object_get(e, "backend");
		char bpath[200];
		snprintf(bpath, sizeof(bpath), "%s.backend", epath);
		if (json_is_integer(b) && json_integer_value(b) >= 0 &&
		    json_integer_value(b) <= (json_int_t)UINT32_MAX) {
			/* "#N": a domid, resolve_backends() names it. */
			char id[16];
			snprintf(id, sizeof(id), "#%lld", (long long)json_integer_value(b));
			x->backend = strdup(id);
		} else if (json_is_string(b) && json_string_length(b) > 0) {
			x->backend = strdup(json_string_value(b));
		} else {
			jerr(ld, b == NULL ? epath : bpath, "%s: backend: %s", ewhat,
			     b == NULL ? "missing (the name or domid of the domain that serves it)"
				       : "expected a domain's name or domid");
		}
		if (type == LCM_XENDEV_VBD) {
			x->target = xendev_string(ld, e, epath, ewhat, "target", false);
			x->vdev = xendev_string(ld, e, epath, ewhat, "vdev", false);
			x->mode = xendev_string(ld, e, epath, ewhat, "mode", true);
		} else {
			x->mac = xendev_string(ld, e, epath, ewhat, "mac", false);
		}
	}
}

/* A backend given by domid ("#N" from load_xendevs) becomes the name of
 * the domain that asks for that domid. */
static void resolve_backends(struct loader *ld)
{
	struct lt_config *c = ld->c;

	for (size_t i = 0; i < c->nr_domains; i++) {
		struct lt_domain *d = &c->domains[i];
		size_t disks = 0, nics = 0;
		for (size_t k = 0; k < d->nr_xendevs; k++) {
			struct lt_xendev *x = &d->xendevs[k];
			size_t n = x->type == LCM_XENDEV_VBD ? disks++ : nics++;
			if (x->backend == NULL || x->backend[0] != '#') {
				continue;
			}
			uint32_t id = (uint32_t)strtoul(x->backend + 1, NULL, 10);
			size_t j = 0;
			while (j < c->nr_domains && (c->domains[j].domid != id || id == 0)) {
				j++;
			}
			free(x->backend);
			x->backend = NULL;
			if (j < c->nr_domains) {
				x->backend = strdup(c->domains[j].name);
				continue;
			}
			char kpath[200];
			const char *key = x->type == LCM_XENDEV_VBD ? "xen-disks" : "xen-nics";
			snprintf(kpath, sizeof(kpath), "domains.%zu.%s.%zu.backend", i, key, n);
			jerr(ld, kpath,
			     "domain \"%s\": %s[%zu]: backend: no domain has domid %u (give the backend's domid explicitly, or its name)",
			     d->name, key, n, id);
		}
	}
}

/* "pinned-cpus": physical CPU numbers, one per vCPU in vCPU order, kept
 * as a mask: so increasing, as the binding wants (the library checks the
 * count against "cpus"). */
static void load_pinned(struct loader *ld, json_t *v, const char *path, const char *what,
			struct lt_domain *d)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v) || json_array_size(v) == 0) {
		jerr(ld, path, "%s: pinned-cpus: expected a list of physical CPU numbers", what);
		return;
	}
	json_array_foreach(v, i, e)
	{
		json_int_t cpu = json_is_integer(e) ? json_integer_value(e) : -1;
		if (cpu < 0 || cpu >= LCM_MAX_PCPUS || (d->pinned >> cpu) != 0) {
			char epath[160];
			snprintf(epath, sizeof(epath), "%s.%zu", path, i);
			jerr(ld, epath, "%s: pinned-cpus: expected increasing CPU numbers 0 to %u",
			     what, LCM_MAX_PCPUS - 1);
			d->pinned = 0;
			return;
		}
		d->pinned |= 1ull << cpu;
	}
}

/* "devices": a list of host device-tree paths (devices.c checks them). */
static void load_devices(struct loader *ld, json_t *v, const char *path, const char *what,
			 struct lt_domain *d)
{
	size_t i;
	json_t *e;

	d->devices_loc = lt_json_loc(ld->c, path);
	if (!json_is_array(v)) {
		jerr(ld, path, "%s: devices: expected a list of host device-tree paths", what);
		return;
	}
	d->devices = calloc(json_array_size(v) + 1, sizeof(*d->devices));
	json_array_foreach(v, i, e)
	{
		char epath[160];
		snprintf(epath, sizeof(epath), "%s.%zu", path, i);
		if (!json_is_string(e) || json_string_value(e)[0] != '/') {
			jerr(ld, epath,
			     "%s: devices: expected a host device-tree path such as \"/pl061@9030000\"",
			     what);
			continue; /* stays NULL: the others keep their index */
		}
		d->devices[i] = strdup(json_string_value(e));
	}
	d->nr_devices = json_array_size(v);
}

static void load_domain(struct loader *ld, json_t *obj, size_t idx)
{
	struct lt_domain *d = &ld->c->domains[idx];
	char path[64], kpath[128], what[96];
	static const uint32_t perm_bits[] = { LCM_PERMISSION_CONTROL, LCM_PERMISSION_HARDWARE };
	static const uint32_t func_bits[] = { LCM_FUNCTION_BOOT,     LCM_FUNCTION_RECOVERY,
					      LCM_FUNCTION_CRASH,    LCM_FUNCTION_CONSOLE,
					      LCM_FUNCTION_XENSTORE, LCM_FUNCTION_LEGACY_DOM0 };
	static const uint32_t mode_bits[] = { LCM_MODE_PARAVIRTUALIZED,
					      LCM_MODE_ENABLE_DEVICE_MODEL, LCM_MODE_LONG };

	snprintf(path, sizeof(path), "domains.%zu", idx);
	d->loc = lt_json_loc(ld->c, path);
	if (!json_is_object(obj)) {
		jerr(ld, path, "domains[%zu]: expected an object", idx);
		mark_bad(d, "*");
		/* Later steps compare and emit every domain by name. */
		snprintf(what, sizeof(what), "domain%zu", idx);
		d->name = strdup(what);
		return;
	}
	/* The library's name rule (it checks the LCM's node names again),
	 * without the unit address a JSON name has no use for. */
	json_t *name = json_object_get(obj, "name");
	if (name != NULL && json_is_string(name) && lcm_valid_name(json_string_value(name)) &&
	    strchr(json_string_value(name), '@') == NULL) {
		d->name = strdup(json_string_value(name));
	} else {
		char def[32];
		snprintf(def, sizeof(def), "domain%zu", idx);
		d->name = strdup(def);
		if (name != NULL) {
			mark_bad(d, "name");
			snprintf(kpath, sizeof(kpath), "%s.name", path);
			jerr(ld, kpath,
			     "domains[%zu]: name: must be 1-31 letters, digits or \",._+-\", starting with a letter (it becomes the device-tree node name)",
			     idx);
		}
	}
	snprintf(what, sizeof(what), "domain \"%s\"", d->name);
	check_keys(ld, obj, path, what, domain_keys);

	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		snprintf(kpath, sizeof(kpath), "%s.%s", path, key);
		if (strcmp(key, "domid") == 0) {
			json_u32(ld, v, kpath, what, key, &d->domid);
		} else if (strcmp(key, "permissions") == 0) {
			name_bits(ld, v, kpath, what, key, permission_words, perm_bits,
				  &d->permissions);
		} else if (strcmp(key, "functions") == 0) {
			uint32_t f = 0;
			name_bits(ld, v, kpath, what, key, function_words, func_bits, &f);
			d->functions = f;
		} else if (strcmp(key, "mode") == 0) {
			d->has_mode = true;
			if (json_is_integer(v)) {
				json_u32(ld, v, kpath, what, key, &d->mode);
			} else {
				name_bits(ld, v, kpath, what, key, mode_words, mode_bits, &d->mode);
			}
		} else if (strcmp(key, "domain-uuid") == 0) {
			if (!json_is_string(v) || !parse_uuid(json_string_value(v), d->uuid)) {
				jerr(ld, kpath,
				     "%s: domain-uuid: expected a UUID such as \"b3fb98fb-8f9f-67a3-0000-000000000001\"",
				     what);
			} else {
				d->has_uuid = true;
			}
		} else if (strcmp(key, "cpus") == 0) {
			json_u32(ld, v, kpath, what, key, &d->cpus);
			if (json_is_integer(v) && d->cpus == 0) {
				jerr(ld, kpath, "%s: cpus: a domain needs at least one vCPU", what);
			}
		} else if (strcmp(key, "memory") == 0) {
			if (json_is_integer(v) && json_integer_value(v) >= 0) {
				d->memory_kib = (uint64_t)json_integer_value(v);
			} else if (!json_is_string(v) ||
				   !lt_parse_size_kib(json_string_value(v), &d->memory_kib)) {
				jerr(ld, kpath,
				     "%s: memory: %s%s%s is not a size (a number of KiB, or a string such as \"16M\" or \"1G\")",
				     what, json_is_string(v) ? "\"" : "",
				     json_is_string(v) ? json_string_value(v) : "the value",
				     json_is_string(v) ? "\"" : "");
			}
		} else if (strcmp(key, "security-id") == 0) {
			if (!json_is_string(v) || json_string_length(v) == 0) {
				jerr(ld, kpath,
				     "%s: security-id: expected a non-empty label such as \"domU_t\"",
				     what);
			} else {
				d->security_id = strdup(json_string_value(v));
			}
		} else if (strcmp(key, "attestation-agent") == 0) {
			if (!json_is_boolean(v)) {
				jerr(ld, kpath, "%s: attestation-agent: expected true or false",
				     what);
			}
			d->attestation_agent = json_is_true(v);
		} else if (strcmp(key, "safety") == 0) {
			const char *s = json_is_string(v) ? json_string_value(v) : "";
			if (strcmp(s, "safe") != 0 && strcmp(s, "unsafe") != 0) {
				jerr(ld, kpath, "%s: safety: expected \"safe\" or \"unsafe\"",
				     what);
			} else {
				d->safety = strdup(s);
			}
		} else if (strcmp(key, "devices") == 0) {
			load_devices(ld, v, kpath, what, d);
		} else if (strcmp(key, "pinned-cpus") == 0) {
			load_pinned(ld, v, kpath, what, d);
		} else if (strcmp(key, "xen-interface") == 0) {
			if (!json_is_boolean(v)) {
				jerr(ld, kpath, "%s: xen-interface: expected true or false", what);
			} else {
				d->xen = json_is_true(v);
			}
		} else if (strcmp(key, "channels") == 0) {
			load_channels(ld, v, kpath, what, d);
		} else if (strcmp(key, "xen-disks") == 0) {
			load_xendevs(ld, v, kpath, what, d, LCM_XENDEV_VBD);
		} else if (strcmp(key, "xen-nics") == 0) {
			load_xendevs(ld, v, kpath, what, d, LCM_XENDEV_VIF);
		} else if (strcmp(key, "name") == 0) {
			/* handled above */
		} else {
			for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
				if (strcmp(key, lcm_module_type_name(t)) == 0) {
					load_module(ld, v, kpath, what, t, &d->mod[t]);
				}
			}
		}
	}
	if (json_object_get(obj, "memory") == NULL) {
		snprintf(kpath, sizeof(kpath), "%s.memory", path);
		jerr(ld, kpath, "%s: memory: missing (the domain's RAM, e.g. \"128M\")", what);
	}
	bool has_devices = json_object_get(obj, "devices") != NULL;
	if ((d->permissions & LCM_PERMISSION_HARDWARE) &&
	    (has_devices || json_object_get(obj, "device-tree") != NULL)) {
		snprintf(kpath, sizeof(kpath), "%s.%s", path,
			 has_devices ? "devices" : "device-tree");
		jerr(ld, kpath,
		     "%s: %s: the hardware domain gets every device no other domain was given; it takes none by name",
		     what, has_devices ? "devices" : "device-tree");
		mark_bad(d, "devices");
		for (size_t k = 0; k < d->nr_devices; k++) { /* nothing more to say about them */
			free(d->devices[k]);
		}
		d->nr_devices = 0;
	} else if (has_devices && json_object_get(obj, "device-tree") != NULL) {
		snprintf(kpath, sizeof(kpath), "%s.devices", path);
		jerr(ld, kpath,
		     "%s: devices: lcm-tool writes the device-tree module from them; give one or the other",
		     what);
	}
	if (json_object_get(obj, "kernel") == NULL) {
		snprintf(kpath, sizeof(kpath), "%s.kernel", path);
		jerr(ld, kpath, "%s: kernel: missing (every domain boots one kernel image)", what);
	}
}

static void load_config_object(struct loader *ld, json_t *obj)
{
	const char *key;
	json_t *v;
	char kpath[128];

	if (!json_is_object(obj)) {
		jerr(ld, "config", "config: expected an object");
		return;
	}
	check_keys(ld, obj, "config", "config", config_keys);
	json_object_foreach(obj, key, v)
	{
		snprintf(kpath, sizeof(kpath), "config.%s", key);
		if (strcmp(key, "microcode") == 0) {
			load_module(ld, v, kpath, "config", LCM_MOD_MICROCODE,
				    &ld->c->cfgmod[LCM_MOD_MICROCODE]);
		} else if (strcmp(key, "xsm-policy") == 0) {
			load_module(ld, v, kpath, "config", LCM_MOD_XSM_POLICY,
				    &ld->c->cfgmod[LCM_MOD_XSM_POLICY]);
		} else if (strcmp(key, LCM_PROP_BOOT_TIMEOUT) == 0) {
			if (json_u32(ld, v, kpath, "config", key, &ld->c->boot_timeout_ms)) {
				ld->c->has_timeout = true;
			}
		} else if (strcmp(key, "control-domains") == 0) {
			const char *s = json_is_string(v) ? json_string_value(v) : "";
			if (strcmp(s, "one") != 0 && strcmp(s, "several") != 0) {
				jerr(ld, kpath, "config: %s: expected \"one\" or \"several\"", key);
			} else {
				ld->c->control_domains = strdup(s);
			}
		} else if (strcmp(key, LCM_PROP_ON_ALL_OFF) == 0) {
			const char *s = json_is_string(v) ? json_string_value(v) : "";
			if (strcmp(s, "poweroff") != 0 && strcmp(s, "reboot") != 0 &&
			    strcmp(s, "stay") != 0) {
				jerr(ld, kpath,
				     "config: %s: expected \"poweroff\", \"reboot\" or \"stay\"",
				     key);
			} else {
				ld->c->on_all_off = strdup(s);
			}
		}
	}
}

/* A disk image of "machine" (@key), as a path: NULL (reported) when not. */
static char *machine_path(struct loader *ld, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	char path[2 * PATH_MAX + 2], where[32];

	if (v == NULL) {
		return NULL;
	}
	if (!json_is_string(v) || json_string_length(v) == 0) {
		snprintf(where, sizeof(where), "machine.%s", key);
		jerr(ld, where, "machine: %s: expected the path of a disk image", key);
		return NULL;
	}
	const char *d = json_string_value(v);
	snprintf(path, sizeof(path), "%s%s%s", d[0] == '/' ? "" : ld->dir, d[0] == '/' ? "" : "/",
		 d);
	return strdup(path);
}

/* "machine": the devices pack gives QEMU (docs/lcm-tool.md, "Machine"). */
static void load_machine(struct loader *ld, json_t *obj)
{
	json_t *net = json_object_get(obj, "net");

	if (!json_is_object(obj)) {
		jerr(ld, "machine", "machine: expected an object");
		return;
	}
	check_keys(ld, obj, "machine", "machine", machine_keys);
	ld->c->disk = machine_path(ld, obj, "disk");
	ld->c->disk_pci = machine_path(ld, obj, "disk-pci");
	if (net != NULL) {
		if (!json_is_string(net) || strcmp(json_string_value(net), "user") != 0) {
			jerr(ld, "machine.net",
			     "machine: net: expected \"user\" (QEMU's user network)");
		} else {
			ld->c->net = strdup("user");
		}
	}
}

static void read_files(struct loader *ld)
{
	struct lt_config *c = ld->c;

	for (size_t i = 0; i < c->nr_files; i++) {
		struct lt_file *f = &c->files[i];
		size_t size;
		void *data = lt_read_file(f->path, &size);
		if (data == NULL) {
			f->read_errno = errno;
			continue; /* reported per use, below */
		}
		f->present = true;
		f->size = size;
		lt_sha256(data, size, f->sha256);
		free(data);
	}
}

/* Report missing files and pinned digests at each module that uses them. */
static void check_module_files(struct loader *ld, struct lt_domain *d, const struct lt_module *m,
			       const char *owner, unsigned type)
{
	const struct lt_file *f = &ld->c->files[m->file];

	if (!m->present) {
		return;
	}
	if (!f->present) {
		lt_error(&m->loc, "%s: %s: cannot read \"%s\": %s", owner,
			 lcm_module_type_name(type), f->shown,
			 f->read_errno == EISDIR ? "not a regular file" : strerror(f->read_errno));
		mark_bad(d, lcm_module_type_name(type));
		return;
	}
	if (f->size == 0) {
		lt_error(&m->loc, "%s: %s: \"%s\" is empty", owner, lcm_module_type_name(type),
			 f->shown);
		mark_bad(d, lcm_module_type_name(type));
	}
	if (m->has_pin && memcmp(m->pin, f->sha256, LCM_SHA256_SIZE) != 0) {
		char want[65], have[65];
		fmt_hex(want, m->pin, LCM_SHA256_SIZE);
		fmt_hex(have, f->sha256, LCM_SHA256_SIZE);
		lt_error(&m->loc, "%s: %s: sha256 of \"%s\" is %s, the configuration pins %s",
			 owner, lcm_module_type_name(type), f->shown, have, want);
	}
}

/* One file is one module: the domains that share it must use it as the
 * same type (the LCM would name one range as two kinds of module). */
static void check_file_types(struct loader *ld)
{
	struct lt_config *c = ld->c;

	for (size_t i = 0; i < c->nr_domains; i++) {
		for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
			const struct lt_module *m = &c->domains[i].mod[t];
			bool reported = false;
			if (!m->present) {
				continue;
			}
			/* The first earlier use of the file with another type. */
			for (size_t j = 0; j <= i && !reported; j++) {
				for (unsigned u = 0; u < LCM_MOD_NR_TYPES && !reported; u++) {
					const struct lt_module *o = &c->domains[j].mod[u];
					if ((j == i && u >= t) || !o->present ||
					    o->file != m->file || u == t) {
						continue;
					}
					char kpath[64];
					snprintf(kpath, sizeof(kpath), "domains.%zu.%s", i,
						 lcm_module_type_name(t));
					jerr(ld, kpath,
					     "domain \"%s\": %s: \"%s\" is already %s's %s; one file can be only one type of module",
					     c->domains[i].name, lcm_module_type_name(t),
					     c->files[m->file].shown, c->domains[j].name,
					     lcm_module_type_name(u));
					reported = true;
				}
			}
		}
	}
}

bool lt_config_load(struct lt_config *c, const char *path, bool files)
{
	struct loader ld = { .c = c, .read_files = files };
	unsigned errors_before = lt_nr_errors;
	size_t size;

	memset(c, 0, sizeof(*c));
	c->path = path;
	c->text = lt_read_file(path, &size);
	if (c->text == NULL) {
		/* The input itself: a failure of the system (exit 2), as for a
		 * DTB; a missing module file is a problem of the input (1). */
		lt_fatal_usage("cannot read \"%s\": %s", path, strerror(errno));
	}
	char *t = realloc(c->text, size + 1);
	if (t == NULL) {
		lt_fatal_usage("out of memory");
	}
	c->text = t;
	c->text[size] = '\0';

	snprintf(ld.dir, sizeof(ld.dir), "%s", path);
	char *slash = strrchr(ld.dir, '/');
	if (slash != NULL) {
		*slash = '\0';
	} else {
		snprintf(ld.dir, sizeof(ld.dir), ".");
	}

	json_error_t jerror;
	json_t *root = json_loadb(c->text, size, JSON_REJECT_DUPLICATES, &jerror);
	if (root == NULL) {
		struct lt_loc loc = { path, jerror.line, jerror.column };
		lt_error(&loc, "invalid JSON: %s", jerror.text);
		return false;
	}
	if (!json_is_object(root)) {
		jerr(&ld, "", "the configuration must be a JSON object with a \"domains\" list");
		json_decref(root);
		return false;
	}
	check_keys(&ld, root, "", "configuration", top_keys);
	json_t *domains = json_object_get(root, "domains");
	if (!json_is_array(domains) || json_array_size(domains) == 0) {
		jerr(&ld, "domains", "\"domains\" must be a non-empty list of domain objects");
	} else if (json_array_size(domains) > LT_MAX_DOMAINS) {
		jerr(&ld, "domains", "%zu domains: lcm-tool handles at most %d",
		     json_array_size(domains), LT_MAX_DOMAINS);
	} else {
		c->nr_domains = json_array_size(domains);
		c->domains = calloc(c->nr_domains, sizeof(*c->domains));
		for (size_t i = 0; i < c->nr_domains; i++) {
			load_domain(&ld, json_array_get(domains, i), i);
		}
		for (size_t i = 0; i < c->nr_domains; i++) {
			for (size_t j = 0; j < i; j++) {
				if (strcmp(c->domains[i].name, c->domains[j].name) == 0) {
					char kpath[64];
					snprintf(kpath, sizeof(kpath), "domains.%zu.name", i);
					jerr(&ld, kpath,
					     "domain \"%s\": name: already used by domains[%zu]",
					     c->domains[i].name, j);
				}
			}
			if (strcmp(c->domains[i].name, "config") == 0) {
				char kpath[64];
				snprintf(kpath, sizeof(kpath), "domains.%zu.name", i);
				jerr(&ld, kpath,
				     "domain \"config\": name: \"config\" is the config node's name");
			}
		}
		resolve_backends(&ld);
	}
	json_t *config = json_object_get(root, "config");
	if (config != NULL) {
		load_config_object(&ld, config);
	}
	json_t *machine = json_object_get(root, "machine");
	if (machine != NULL) {
		load_machine(&ld, machine);
	}
	check_file_types(&ld);
	json_decref(root);

	if (files) {
		read_files(&ld);
		for (size_t i = 0; i < c->nr_domains; i++) {
			char owner[64];
			snprintf(owner, sizeof(owner), "domain \"%s\"", c->domains[i].name);
			for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
				check_module_files(&ld, &c->domains[i], &c->domains[i].mod[t],
						   owner, t);
			}
		}
		for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
			check_module_files(&ld, NULL, &c->cfgmod[t], "config", t);
		}
		lt_policy_config(c);
	}
	return lt_nr_errors == errors_before;
}

void lt_config_free(struct lt_config *c)
{
	for (size_t i = 0; i < c->nr_domains; i++) {
		struct lt_domain *d = &c->domains[i];
		free(d->name);
		free(d->security_id);
		free(d->safety);
		for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
			free(d->mod[t].bootargs);
		}
		for (size_t k = 0; k < d->nr_devices; k++) {
			free(d->devices[k]);
		}
		free(d->devices);
		for (size_t k = 0; k < d->nr_xendevs; k++) {
			struct lt_xendev *x = &d->xendevs[k];
			free(x->backend);
			free(x->target);
			free(x->vdev);
			free(x->mode);
			free(x->mac);
		}
		free(d->xendevs);
	}
	for (size_t i = 0; i < c->nr_files; i++) {
		free(c->files[i].path);
		free(c->files[i].shown);
		free(c->files[i].data);
		free(c->files[i].made);
	}
	free(c->domains);
	free(c->files);
	free(c->on_all_off);
	free(c->control_domains);
	free(c->disk);
	free(c->disk_pci);
	free(c->net);
	free(c->text);
	memset(c, 0, sizeof(*c));
}
