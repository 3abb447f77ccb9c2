/*
 * lcm-tool predict: the TCG event log and the final PCR values a correct
 * launch of a configuration produces (docs/measured-launch.md). The events
 * are described by lib/tcg, the hypervisor's own code, with the LCM's
 * digests where the hypervisor has the modules' measured ones; the start
 * order of the domains (each one's launch parameters are measured as it
 * starts) is the hypervisor's finalization order, or, with a Boot Domain,
 * the reference Boot Domain's plan (guests/bootdom: its config module's
 * "order" first, then the rest in LCM order; "bootargs" changes), read
 * with the Boot Domain's own parser (lib/bootcfg). A config the Boot Domain
 * refuses is predicted as the launch that follows: the bootargs of the
 * lines before the bad one, then the failure path (docs/lcm-tool.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bootcfg/bootcfg.h>
#include <crypto/sha256.h>
#include <tcg/launch.h>

#include <fmt/fmt.h>

#include "lcm-tool.h"

static const char predict_help[] =
	"usage: lcm-tool predict [--memory SIZE] [-o LOG] CONFIG.json|LCM.dtb\n"
	"\n"
	"Print the TCG event log (SHA-256) and the final values of PCRs 8 and 9 that\n"
	"the hypervisor's measured launch of this configuration produces when every\n"
	"module matches its digest and every domain starts. With a Boot Domain, its\n"
	"changes are those of the reference Boot Domain's config module (JSON only: a\n"
	".dtb does not carry module contents); a config it refuses is predicted as\n"
	"the failed launch that follows, with a note naming the line.\n"
	"\n"
	"  -o, --output LOG  also write the expected log, byte for byte, to LOG\n"
	"  --memory SIZE     JSON: the machine RAM the layout is made for (as pack)\n"
	"  -h, --help        this text\n"
	"\n"
	"Exit status: 0 predicted, 1 invalid input, 2 usage error.\n";

#define MAX_DOMAINS LT_MAX_DOMAINS

/* The start plan: domain indexes in start order, and bootargs changes;
 * refused: the Boot Domain refuses its config (it says done with a
 * failure status after the lines before the bad one). */
struct plan {
	int order[MAX_DOMAINS];
	unsigned nr;
	char *bootargs[MAX_DOMAINS];
	bool refused;
};

struct predict {
	struct tcg_log log;
	uint8_t pcr[TCG_NR_PCRS][TCG_SHA256_SIZE];
};

static void event(struct predict *p, uint32_t pcr, uint32_t type,
		  const uint8_t digest[TCG_SHA256_SIZE], const void *data, uint32_t len)
{
	if (!tcg_log_event(&p->log, pcr, type, digest, data, len)) {
		lt_fatal_usage("the predicted log is larger than %zu bytes", p->log.size);
	}
	tcg_extend(p->pcr[pcr], digest);
}

static bool planned(const struct plan *pl, int d)
{
	for (unsigned i = 0; i < pl->nr; i++) {
		if (pl->order[i] == d) {
			return true;
		}
	}
	return false;
}

/* The reference Boot Domain's configuration (its syntax: docs/boot-flow.md,
 * "The reference Boot Domain"), as it reads it: its `order`, then the
 * bootargs it applies; up to a line it refuses, if one. */
static void plan_config(const struct lcm_launch *l, struct plan *pl, const struct lt_file *file)
{
	static int order[MAX_DOMAINS];
	static bool wait[MAX_DOMAINS];
	static struct bootcfg c;
	char msg[BOOTCFG_LINE_MAX + 64], shown[4 * sizeof(msg)];
	enum bootcfg_step step = BOOTCFG_END;
	size_t size;
	char *text = lt_read_file(file->path, &size);

	if (text == NULL) {
		lt_fatal_usage("cannot read \"%s\": %s", file->path, strerror(errno));
	}
	if (size > BOOTCFG_MAX_SIZE) {
		snprintf(msg, sizeof(msg), "config module larger than %u bytes", BOOTCFG_MAX_SIZE);
		pl->refused = true;
	} else {
		bootcfg_init(&c, l, text, size, order, wait);
	}
	while (!pl->refused && (step = bootcfg_next(&c)) != BOOTCFG_END) {
		if (step == BOOTCFG_BOOTARGS) {
			free(pl->bootargs[c.domain]);
			pl->bootargs[c.domain] = strdup(c.bootargs);
		} else if (step == BOOTCFG_BAD) {
			bootcfg_error(&c, msg, sizeof(msg));
			pl->refused = true;
		}
	}
	free(text);
	if (pl->refused) {
		lcm_printable(shown, sizeof(shown), msg);
		fprintf(stderr,
			"lcm-tool: note: the Boot Domain refuses %s: %s: predicted the failed "
			"launch that follows (the bootargs of the lines before it applied; %s%s "
			"started)\n",
			file->shown, shown,
			l->recovery >= 0 ? "the Recovery Domain " : "no other domain",
			l->recovery >= 0 ? l->domains[l->recovery].name : "");
		return;
	}
	for (unsigned i = 0; i < c.nr_order; i++) {
		if (order[i] != l->boot && !planned(pl, order[i])) {
			pl->order[pl->nr++] = order[i];
		}
	}
}

/* Who starts, in which order: the Boot Domain first, then its plan; the
 * finalization starts the rest in LCM order; a Recovery Domain that only
 * recovers stands by. When the Boot Domain refuses its config, the launch
 * fails after it: the Recovery Domain, if there is one, is the only other
 * domain that starts (the hypervisor measures it before the separators). */
static void make_plan(const struct lcm_launch *l, const struct lt_config *c, struct plan *pl)
{
	int standby = -1;

	if (l->recovery >= 0 && l->domains[l->recovery].permissions == 0 &&
	    (l->domains[l->recovery].functions & ~LCM_FUNCTION_RECOVERY) == 0) {
		standby = l->recovery;
	}
	if (l->boot >= 0) {
		pl->order[pl->nr++] = l->boot;
		/* A JSON configuration's domains are the LCM's, in order. */
		const struct lt_module *m = c->nr_domains == l->nr_domains
						    ? &c->domains[l->boot].mod[LCM_MOD_CONFIG]
						    : NULL;
		if (m != NULL && m->present) {
			plan_config(l, pl, &c->files[m->file]);
		} else if (l->domains[l->boot].module[LCM_MOD_CONFIG] >= 0) {
			fprintf(stderr,
				"lcm-tool: note: the Boot Domain's config module is not in a .dtb: "
				"predicted as if it changed nothing\n");
		}
	}
	if (pl->refused) {
		if (l->recovery >= 0 && l->recovery != l->boot) {
			pl->order[pl->nr++] = l->recovery;
		}
		return;
	}
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		if ((int)i != standby && !planned(pl, (int)i)) {
			pl->order[pl->nr++] = (int)i;
		}
	}
}

static void predict(const struct lcm_launch *l, const struct lt_config *c, const void *fdt,
		    struct predict *p)
{
	static uint32_t order[LT_MAX_MODULES];
	static char text[TCG_EVENT_TEXT_MAX];
	uint8_t digest[TCG_SHA256_SIZE];
	struct plan pl = { .nr = 0 };

	tcg_lcm_digest(fdt, l->hv_node, digest);
	event(p, TCG_PCR_MATERIAL, TCG_EV_IPL, digest, TCG_LCM_TEXT, sizeof(TCG_LCM_TEXT));
	uint32_t nr = tcg_module_order(l, order, LT_MAX_MODULES);
	for (uint32_t n = 0; n < nr; n++) {
		const struct lcm_module *m = &l->modules[order[n]];
		/* What the arm64 hypervisor measures: modules it finds by address. */
		if (!(m->flags & LCM_MODF_ADDR)) {
			continue;
		}
		if (!(m->flags & LCM_MODF_DIGEST)) {
			tcg_module_text(l, order[n], text, sizeof(text));
			lt_fatal_usage(
				"%s: the module has no digest: its measurement cannot be predicted",
				text);
		}
		uint32_t len = tcg_module_text(l, order[n], text, sizeof(text));
		event(p, TCG_PCR_MATERIAL, TCG_EV_IPL, m->sha256, text, len);
	}
	make_plan(l, c, &pl);
	for (unsigned i = 0; i < pl.nr; i++) {
		struct tcg_params tp;
		tcg_params_of(l, (uint32_t)pl.order[i], &tp);
		if (pl.bootargs[pl.order[i]] != NULL) {
			tp.bootargs = pl.bootargs[pl.order[i]];
			tp.bootargs_len = strlen(tp.bootargs);
		}
		uint32_t len = tcg_params_text(&tp, text, sizeof(text));
		tcg_params_digest(text, len, digest);
		event(p, TCG_PCR_PARAMS, TCG_EV_IPL, digest, text, len);
	}
	tcg_separator_digest(digest);
	event(p, TCG_PCR_PARAMS, TCG_EV_SEPARATOR, digest, tcg_separator_data,
	      sizeof(tcg_separator_data));
	event(p, TCG_PCR_MATERIAL, TCG_EV_SEPARATOR, digest, tcg_separator_data,
	      sizeof(tcg_separator_data));
	for (unsigned i = 0; i < MAX_DOMAINS; i++) {
		free(pl.bootargs[i]);
	}
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* The log, one event a line, then the PCRs. */
static void print(const char *in, const struct predict *p)
{
	const uint8_t *b = p->log.buf + TCG_HEADER_EVENT_SIZE;
	char hex[2 * TCG_SHA256_SIZE + 1], data[4 * TCG_EVENT_TEXT_MAX + 1],
		raw[TCG_EVENT_TEXT_MAX + 1];

	printf("%s: %u events, %zu bytes of event log (SHA-256)\n", in, p->log.nr_events,
	       p->log.len);
	for (unsigned i = 0; i < p->log.nr_events; i++) {
		uint32_t pcr = le32(b), type = le32(b + 4), len = le32(b + 46);
		fmt_hex(hex, b + 14, TCG_SHA256_SIZE);
		if (type == TCG_EV_SEPARATOR) {
			snprintf(data, sizeof(data), "separator");
		} else {
			memcpy(raw, b + 50, len);
			raw[len] = '\0';
			lcm_printable(data, sizeof(data), raw);
		}
		printf("%3u  PCR %u  %-12s %s  %s\n", i + 1, pcr,
		       type == TCG_EV_SEPARATOR ? "EV_SEPARATOR" : "EV_IPL", hex, data);
		b += 50 + len;
	}
	for (unsigned pcr = TCG_PCR_PARAMS; pcr <= TCG_PCR_MATERIAL; pcr++) {
		fmt_hex(hex, p->pcr[pcr], TCG_SHA256_SIZE);
		printf("PCR %u sha256 %s\n", pcr, hex);
	}
}

int lt_cmd_predict(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "memory", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	uint64_t memory = 0;
	int opt;

	while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'm':
			memory = lt_machine_memory(optarg);
			break;
		case 'h':
			fputs(predict_help, stdout);
			return 0;
		default:
			fputs(predict_help, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(predict_help, stderr);
		return 2;
	}
	const char *in = argv[optind];
	struct lcm_launch l;
	struct lt_config cfg = { 0 };
	void *fdt = lt_is_json(in) ? lt_config_to_lcm(&cfg, in, LCM_ARCH_ARM64, true, memory, &l)
				   : lt_dtb_load(in, LCM_ARCH_ARM64, &l);
	if (fdt == NULL || lt_nr_errors != 0) {
		fprintf(stderr, "%s: invalid: %u error%s; nothing predicted\n", in, lt_nr_errors,
			lt_nr_errors == 1 ? "" : "s");
		free(fdt);
		lt_config_free(&cfg);
		return 1;
	}
	static struct predict p;
	size_t size =
		64 * 1024 + (size_t)l.nr_domains * (TCG_EVENT2_FIXED_SIZE * 6 + TCG_EVENT_TEXT_MAX);
	tcg_log_start(&p.log, malloc(size), size);
	predict(&l, &cfg, fdt, &p);
	print(in, &p);
	if (out != NULL && !lt_write_file(out, p.log.buf, p.log.len, 0644)) {
		lt_fatal_usage("cannot write \"%s\": %s", out, strerror(errno));
	}
	free(p.log.buf);
	free(fdt);
	lt_config_free(&cfg);
	return 0;
}
