/*
 * lcm-tool show --format dot|svg|json: the launch as a picture (Graphviz)
 * or as data for scripts (docs/lcm-tool.md, "show"). Both come from one
 * description: the domains with their roles, label, memory and vCPUs, and
 * the start plan, which is what the reference Boot Domain does with its
 * config module's `order` and `wait` lines (docs/boot-flow.md, "The
 * reference Boot Domain"), or what launch finalization does without a Boot
 * Domain. svg is dot's rendering of the dot text ($DOT, default "dot").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <bootcfg/bootcfg.h>
#include <fmt/fmt.h>

#include "lcm-tool.h"

/* Who starts the domains, in which order, and which are waited for. */
struct plan {
	bool by_bootdom;
	bool known;                     /* false: not readable here, or refused */
	char why[6 * BOOTCFG_LINE_MAX]; /* when not known */
	int order[LT_MAX_DOMAINS];      /* domain indexes in start order */
	bool wait[LT_MAX_DOMAINS];      /* by domain index */
	unsigned nr;
	uint64_t wait_timeout_ms;
};

/* --- the start plan ------------------------------------------------------------ */

static bool ordered(const struct plan *p, int d)
{
	for (unsigned i = 0; i < p->nr; i++) {
		if (p->order[i] == d) {
			return true;
		}
	}
	return false;
}

/* The Boot Domain's config text, read as it reads it (lib/bootcfg): `order`
 * and `wait` make the plan; `bootargs` and `affinity` configure domains and
 * do not change it. A line the Boot Domain refuses makes it start nothing
 * (it says done with a failure status): the plan is then unknown, with the
 * Boot Domain's own message as the reason. */
static void read_plan_text(const struct lcm_launch *l, const char *text, size_t size,
			   const char *file, struct plan *p)
{
	static int order[LT_MAX_DOMAINS];
	static struct bootcfg c;
	char msg[BOOTCFG_LINE_MAX + 64], shown[4 * sizeof(msg)];
	enum bootcfg_step step;

	if (size > BOOTCFG_MAX_SIZE) {
		snprintf(msg, sizeof(msg), "config module larger than %u bytes", BOOTCFG_MAX_SIZE);
		step = BOOTCFG_BAD;
	} else {
		bootcfg_init(&c, l, text, size, order, p->wait);
		while ((step = bootcfg_next(&c)) != BOOTCFG_END && step != BOOTCFG_BAD) {
			/* bootargs and affinity do not change the plan */
		}
		bootcfg_error(&c, msg, sizeof(msg));
	}
	if (step == BOOTCFG_BAD) {
		lcm_printable(shown, sizeof(shown), msg);
		snprintf(p->why, sizeof(p->why),
			 "%s: %s (the Boot Domain refuses it and starts nothing: the launch fails)",
			 file, shown);
		p->known = false;
		return;
	}
	for (unsigned i = 0; i < c.nr_order; i++) {
		if (order[i] != l->boot) {
			p->order[p->nr++] = order[i];
		}
	}
	p->wait_timeout_ms = c.wait_timeout_ms;
}

/* A Recovery Domain with no other role stands by: neither the Boot Domain
 * nor launch finalization starts it. */
static int standby(const struct lcm_launch *l)
{
	if (l->recovery < 0) {
		return -1;
	}
	const struct lcm_domain *d = &l->domains[l->recovery];
	if (d->permissions == 0 && (d->functions & ~LCM_FUNCTION_RECOVERY) == 0) {
		return l->recovery;
	}
	return -1;
}

/* @config: the Boot Domain's config file, NULL when it has none or the
 * input does not hold its text (an LCM holds its address). */
static void make_plan(const struct lcm_launch *l, const struct lt_file *config, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->known = true;
	p->by_bootdom = l->boot >= 0;
	p->wait_timeout_ms = BOOTCFG_WAIT_DEFAULT_MS;
	int skip = standby(l);

	if (p->by_bootdom && config == NULL && l->domains[l->boot].module[LCM_MOD_CONFIG] >= 0) {
		p->known = false;
		snprintf(p->why, sizeof(p->why),
			 "the Boot Domain's config module is in memory, not in this file");
		return;
	}
	if (p->by_bootdom && config != NULL) {
		size_t size;
		char *text = lt_read_file(config->path, &size);
		if (text == NULL) {
			p->known = false;
			snprintf(p->why, sizeof(p->why), "cannot read %s", config->shown);
			return;
		}
		read_plan_text(l, text, size, config->shown, p);
		free(text);
		if (!p->known) {
			return;
		}
	}
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		if ((int)i != l->boot && (int)i != skip && !ordered(p, (int)i)) {
			p->order[p->nr++] = (int)i;
		}
	}
}

/* --- names ----------------------------------------------------------------------- */

static const uint32_t perm_bits[] = { LCM_PERMISSION_CONTROL, LCM_PERMISSION_HARDWARE };
static const char *const perm_names[] = { "control", "hardware" };
static const uint32_t func_bits[] = { LCM_FUNCTION_BOOT, LCM_FUNCTION_RECOVERY,
				      LCM_FUNCTION_CONSOLE, LCM_FUNCTION_XENSTORE,
				      LCM_FUNCTION_LEGACY_DOM0 };
static const char *const func_names[] = { "boot", "recovery", "console", "xenstore",
					  "legacy-dom0" };
static const uint32_t mode_bits[] = { LCM_MODE_PARAVIRTUALIZED, LCM_MODE_ENABLE_DEVICE_MODEL,
				      LCM_MODE_LONG };
static const char *const mode_names[] = { "pv", "device-model", "long" };

#define NR(a) (sizeof(a) / sizeof((a)[0]))

/* "control, console" or "no role". */
static void roles_str(const struct lcm_domain *d, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < NR(perm_bits); i++) {
		if (d->permissions & perm_bits[i]) {
			n += (size_t)snprintf(out + n, size - n, "%s%s", n ? ", " : "",
					      perm_names[i]);
		}
	}
	for (size_t i = 0; i < NR(func_bits) && n < size; i++) {
		if (d->functions & func_bits[i]) {
			n += (size_t)snprintf(out + n, size - n, "%s%s", n ? ", " : "",
					      func_names[i]);
		}
	}
	if (n == 0) {
		snprintf(out, size, "no role");
	}
}

static void domid_str(uint32_t domid, char *out, size_t size)
{
	snprintf(out, size, domid >= LCM_DOMID_FIRST_RESERVED ? "0x%x" : "%u", domid);
}

static const char *on_all_off_str(const struct lcm_launch *l)
{
	return l->on_all_off == LCM_ALL_OFF_POWEROFF ? "poweroff"
	       : l->on_all_off == LCM_ALL_OFF_REBOOT ? "reboot"
						     : "stay";
}

/* --- dot ---------------------------------------------------------------------------- */

/* A string inside a dot "...": quotes and backslashes escaped. Names are
 * restricted already; labels (security-id) are printable ASCII. */
static void dot_escaped(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\') {
			fputc('\\', f);
		}
		fputc(*s, f);
	}
}

/* The fill colour of a domain: its most privileged role. */
static const char *dot_colour(const struct lcm_domain *d)
{
	if (d->functions & LCM_FUNCTION_BOOT) {
		return "#fde9c9";
	}
	if (d->permissions & LCM_PERMISSION_CONTROL) {
		return "#f8d7da";
	}
	if (d->permissions & LCM_PERMISSION_HARDWARE) {
		return "#d6e4f5";
	}
	if (d->functions & LCM_FUNCTION_RECOVERY) {
		return "#e8e8e8";
	}
	if (d->functions & (LCM_FUNCTION_CONSOLE | LCM_FUNCTION_XENSTORE)) {
		return "#dff0d8";
	}
	return "#ffffff";
}

static void dot_domain(FILE *f, const struct lcm_launch *l, uint32_t i, bool stands_by)
{
	const struct lcm_domain *d = &l->domains[i];
	char roles[128], mem[32], id[16];

	roles_str(d, roles, sizeof(roles));
	lt_size_str(d->memory_kib * 1024, mem, sizeof(mem));
	domid_str(d->domid, id, sizeof(id));
	fprintf(f, "\td%u [label=\"%s\\ndomid %s: %s\\nlabel ", i, d->name, id, roles);
	dot_escaped(f, d->security_id);
	fprintf(f, "\\n%s, %u vCPU%s\", fillcolor=\"%s\"%s];\n", mem, d->cpus,
		d->cpus == 1 ? "" : "s", dot_colour(d),
		stands_by ? ", style=\"rounded,filled,dashed\"" : "");
}

static void write_dot(FILE *f, const struct lcm_launch *l, const struct plan *p, const char *in)
{
	int skip = standby(l);

	fprintf(f, "digraph launch {\n");
	fprintf(f, "\tgraph [rankdir=LR, labelloc=t, fontname=\"Helvetica\", label=\"");
	dot_escaped(f, in);
	fprintf(f, ": %u domain%s", l->nr_domains, l->nr_domains == 1 ? "" : "s");
	if (l->boot >= 0) {
		fprintf(f, ", boot timeout %u ms", l->boot_timeout_ms);
	}
	fprintf(f, ", when all are off: %s\"];\n", on_all_off_str(l));
	fprintf(f, "\tnode [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n");
	fprintf(f, "\tedge [fontname=\"Helvetica\", fontsize=10];\n");
	fprintf(f, "\thypervisor [shape=oval, fillcolor=\"#ffffff\"];\n");
	/* Declared in start order (dot keeps it from top to bottom), the Boot
	 * Domain first, the others after. */
	if (l->boot >= 0) {
		dot_domain(f, l, (uint32_t)l->boot, false);
	}
	for (unsigned k = 0; p->known && k < p->nr; k++) {
		dot_domain(f, l, (uint32_t)p->order[k], false);
	}
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		if ((int)i != l->boot && !(p->known && ordered(p, (int)i))) {
			dot_domain(f, l, i, (int)i == skip);
		}
	}

	/* The launch: the Boot Domain alone first, then its plan. */
	const char *starter = "hypervisor";
	char bootdom[16];
	if (p->by_bootdom) {
		snprintf(bootdom, sizeof(bootdom), "d%d", l->boot);
		starter = bootdom;
		fprintf(f, "\thypervisor -> %s [label=\"prepare: started alone\", style=bold];\n",
			bootdom);
	}
	if (!p->known) {
		fprintf(f, "\tplan [shape=note, label=\"start order unknown: ");
		dot_escaped(f, p->why);
		fprintf(f, "\"];\n\t%s -> plan [style=dotted];\n", starter);
	}
	for (unsigned k = 0; p->known && k < p->nr; k++) {
		int d = p->order[k];
		fprintf(f, "\t%s -> d%d [label=\"%u. start%s\"];\n", starter, d, k + 1,
			p->by_bootdom && p->wait[d] ? ", wait ready" : "");
	}
	if (skip >= 0) {
		fprintf(f, "\thypervisor -> d%d [label=\"on a launch failure\", style=dashed];\n",
			skip);
	}
	/* The Xen channels each domain declares (hyperlaunch,channels);
	 * device assignments go here too once the configuration has them. */
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		for (uint32_t c = 0; c < l->domains[i].nr_channels; c++) {
			const struct lcm_domain *peer =
				lcm_find_domid(l, lcm_channel(&l->domains[i], c));
			fprintf(f,
				"\td%u -> d%d [label=\"Xen channel\", dir=both, style=dotted];\n",
				i, (int)(peer - l->domains));
		}
	}
	/* Their split devices, from the frontend to its backend. */
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		for (uint32_t k = 0; k < l->domains[i].nr_xendevs; k++) {
			struct lcm_xendev x;
			if (lcm_xendev(l, &l->domains[i], k, &x)) {
				fprintf(f, "\td%u -> d%d [label=\"Xen %s %s\", style=dotted];\n", i,
					x.backend, lcm_xendev_type_name(x.type),
					x.type == LCM_XENDEV_VBD ? x.vdev : x.mac);
			}
		}
	}
	fprintf(f, "}\n");
}

/* dot -Tsvg on the dot text (lt_run, the tool's one way to run a program),
 * in a folder of its own that is removed however the run ends. */
static char svg_dir[] = "/tmp/lcm-tool-svg-XXXXXX";

static void svg_cleanup(void)
{
	char path[sizeof(svg_dir) + 16];

	for (const char *const *f =
		     (const char *const[]){ "launch.dot", "launch.svg", ".run.log", NULL };
	     *f; f++) {
		snprintf(path, sizeof(path), "%s/%s", svg_dir, *f);
		unlink(path);
	}
	rmdir(svg_dir);
}

static int write_svg(const struct lcm_launch *l, const struct plan *p, const char *in)
{
	const char *dot = getenv("DOT") != NULL ? getenv("DOT") : "dot";
	char dot_file[sizeof(svg_dir) + 16], svg_file[sizeof(svg_dir) + 16];
	size_t size;

	if (mkdtemp(svg_dir) == NULL) {
		lt_fatal_usage("cannot make a folder in /tmp: %s", strerror(errno));
	}
	atexit(svg_cleanup);
	snprintf(dot_file, sizeof(dot_file), "%s/launch.dot", svg_dir);
	snprintf(svg_file, sizeof(svg_file), "%s/launch.svg", svg_dir);
	FILE *f = fopen(dot_file, "w");
	if (f == NULL) {
		lt_fatal_usage("cannot write \"%s\": %s", dot_file, strerror(errno));
	}
	write_dot(f, l, p, in);
	if (fclose(f) != 0) {
		lt_fatal_usage("cannot write \"%s\": %s", dot_file, strerror(errno));
	}
	char *argv[] = { (char *)dot, "-Tsvg", "-o", svg_file, NULL };
	lt_run(argv, "graphviz", svg_dir, dot_file);
	char *svg = lt_read_file(svg_file, &size);
	if (svg == NULL) {
		lt_fatal_usage("cannot read \"%s\": %s", svg_file, strerror(errno));
	}
	fwrite(svg, 1, size, stdout);
	free(svg);
	return 0;
}

/* --- json ---------------------------------------------------------------------------- */

static json_t *names_json(uint32_t bits, const uint32_t *values, const char *const *names, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		if (bits & values[i]) {
			json_array_append_new(a, json_string(names[i]));
		}
	}
	return a;
}

static json_t *module_json(const struct lcm_launch *l, uint32_t k)
{
	const struct lcm_module *m = &l->modules[k];
	char digest[2 * LCM_SHA256_SIZE + 1];
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string(lcm_module_type_name(m->type)));
	if (m->flags & LCM_MODF_ADDR) {
		json_object_set_new(o, "module-addr", json_integer((json_int_t)m->addr));
		json_object_set_new(o, "size", json_integer((json_int_t)m->size));
	} else {
		json_object_set_new(o, "mb-index", json_integer(m->mb_index));
	}
	if (m->flags & LCM_MODF_DIGEST) {
		fmt_hex(digest, m->sha256, LCM_SHA256_SIZE);
		json_object_set_new(o, "sha256", json_string(digest));
	} else {
		json_object_set_new(o, "sha256", json_null());
	}
	json_object_set_new(o, "bootargs",
			    m->bootargs != NULL ? json_string(m->bootargs) : json_null());
	return o;
}

static json_t *domain_json(const struct lcm_launch *l, uint32_t i)
{
	const struct lcm_domain *d = &l->domains[i];
	json_t *o = json_object(), *mods = json_array();
	char uuid[40];

	json_object_set_new(o, "name", json_string(d->name));
	json_object_set_new(o, "domid", json_integer(d->domid));
	json_object_set_new(o, "permissions",
			    names_json(d->permissions, perm_bits, perm_names, NR(perm_bits)));
	json_object_set_new(o, "functions",
			    names_json(d->functions, func_bits, func_names, NR(func_bits)));
	json_object_set_new(o, "mode", names_json(d->mode, mode_bits, mode_names, NR(mode_bits)));
	json_object_set_new(o, "cpus", json_integer(d->cpus));
	json_object_set_new(o, "memory-kib", json_integer((json_int_t)d->memory_kib));
	json_object_set_new(o, "security-id", json_string(d->security_id));
	json_object_set_new(o, "xen-interface", json_boolean(d->xen));
	if (d->has_uuid) {
		const uint8_t *u = d->uuid;
		snprintf(uuid, sizeof(uuid),
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
			 u[12], u[13], u[14], u[15]);
		json_object_set_new(o, "domain-uuid", json_string(uuid));
	} else {
		json_object_set_new(o, "domain-uuid", json_null());
	}
	for (uint32_t k = d->first_module; k < d->first_module + d->nr_modules; k++) {
		json_array_append_new(mods, module_json(l, k));
	}
	json_object_set_new(o, "modules", mods);
	return o;
}

static json_t *start_json(const struct lcm_launch *l, const struct plan *p)
{
	json_t *o = json_object();
	int skip = standby(l);

	json_object_set_new(o, "by",
			    json_string(p->by_bootdom ? l->domains[l->boot].name : "hypervisor"));
	if (!p->known) {
		json_object_set_new(o, "order", json_null());
		json_object_set_new(o, "unknown-because", json_string(p->why));
	} else {
		json_t *order = json_array();
		for (unsigned k = 0; k < p->nr; k++) {
			json_t *s = json_object();
			json_object_set_new(s, "domain", json_string(l->domains[p->order[k]].name));
			json_object_set_new(s, "wait-ready",
					    json_boolean(p->by_bootdom && p->wait[p->order[k]]));
			json_array_append_new(order, s);
		}
		json_object_set_new(o, "order", order);
	}
	if (p->by_bootdom) {
		json_object_set_new(o, "wait-timeout-ms",
				    json_integer((json_int_t)p->wait_timeout_ms));
	}
	json_object_set_new(o, "stands-by",
			    skip >= 0 ? json_string(l->domains[skip].name) : json_null());
	return o;
}

/* The Xen channels, one {"from", "to"} per declaration (hyperlaunch,channels
 * of "from"). */
static json_t *channels_json(const struct lcm_launch *l)
{
	json_t *a = json_array();

	for (uint32_t i = 0; i < l->nr_domains; i++) {
		const struct lcm_domain *d = &l->domains[i];
		for (uint32_t c = 0; c < d->nr_channels; c++) {
			const struct lcm_domain *peer = lcm_find_domid(l, lcm_channel(d, c));
			json_t *o = json_object();
			json_object_set_new(o, "from", json_string(d->name));
			json_object_set_new(o, "to", json_string(peer->name));
			json_array_append_new(a, o);
		}
	}
	return a;
}

/* The Xen split devices, one object per device in LCM order: "type"
 * ("vbd", "vif"), "frontend", "backend" (names), "devid", then a vbd's
 * "vdev", "target", "mode" or a vif's "mac". */
static json_t *xendevs_json(const struct lcm_launch *l)
{
	json_t *a = json_array();

	for (uint32_t i = 0; i < l->nr_domains; i++) {
		const struct lcm_domain *d = &l->domains[i];
		for (uint32_t k = 0; k < d->nr_xendevs; k++) {
			struct lcm_xendev x;
			if (!lcm_xendev(l, d, k, &x)) {
				continue;
			}
			json_t *o = json_object();
			json_object_set_new(o, "type", json_string(lcm_xendev_type_name(x.type)));
			json_object_set_new(o, "frontend", json_string(d->name));
			json_object_set_new(o, "backend", json_string(l->domains[x.backend].name));
			json_object_set_new(o, "devid", json_integer(x.devid));
			if (x.type == LCM_XENDEV_VBD) {
				json_object_set_new(o, "vdev", json_string(x.vdev));
				json_object_set_new(o, "target", json_string(x.target));
				json_object_set_new(o, "mode", json_string(x.readonly ? "r" : "w"));
			} else {
				json_object_set_new(o, "mac", json_string(x.mac));
			}
			json_array_append_new(a, o);
		}
	}
	return a;
}

static int write_json(const struct lcm_launch *l, const struct plan *p, const char *in)
{
	json_t *root = json_object(), *doms = json_array(), *cfg = json_array();

	json_object_set_new(root, "source", json_string(in));
	json_object_set_new(root, "boot-timeout-ms", json_integer(l->boot_timeout_ms));
	json_object_set_new(root, "on-all-off", json_string(on_all_off_str(l)));
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		json_array_append_new(doms, domain_json(l, i));
	}
	json_object_set_new(root, "domains", doms);
	for (uint32_t k = l->first_config_module; k < l->first_config_module + l->nr_config_modules;
	     k++) {
		json_array_append_new(cfg, module_json(l, k));
	}
	json_object_set_new(root, "config-modules", cfg);
	json_object_set_new(root, "start", start_json(l, p));
	json_object_set_new(root, "channels", channels_json(l));
	json_object_set_new(root, "xen-devices", xendevs_json(l));
	/* Filled once the configuration describes them. */
	json_object_set_new(root, "devices", json_array());
	if (json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
		lt_fatal_usage("cannot write the JSON");
	}
	putchar('\n');
	json_decref(root);
	return 0;
}

/* --- entry -------------------------------------------------------------------------- */

bool lt_show_format(const char *s, enum lt_show_format *f)
{
	static const char *const names[] = { "table", "dot", "svg", "json" };

	for (size_t i = 0; i < NR(names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*f = (enum lt_show_format)i;
			return true;
		}
	}
	return false;
}

int lt_show_picture(const struct lcm_launch *l, const char *in, const struct lt_file *config,
		    enum lt_show_format f)
{
	static struct plan p;

	make_plan(l, config, &p);
	switch (f) {
	case LT_SHOW_DOT:
		write_dot(stdout, l, &p, in);
		return 0;
	case LT_SHOW_SVG:
		return write_svg(l, &p, in);
	case LT_SHOW_JSON:
		return write_json(l, &p, in);
	case LT_SHOW_TABLE:
		break;
	}
	return 2;
}
