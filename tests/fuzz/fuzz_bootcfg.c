/*
 * libFuzzer target: arbitrary bytes as the reference Boot Domain's config
 * module (lib/bootcfg, which the Boot Domain, lcm-tool show and lcm-tool
 * predict share), read against four domains. No input may crash the
 * parser or read outside the text; what it hands back must keep the
 * promises its callers rely on: a domain index in range, bootargs inside
 * the line and shorter than a line, a reason for a bad line and nothing
 * after it, line numbers that count the lines, an order without a domain
 * twice.
 *
 * Built by tests/build.mk as build/fuzz/fuzz-bootcfg; tests/fuzz/smoke.sh
 * runs it briefly on tests/fuzz/corpus-bootcfg.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg/bootcfg.h"

static struct lcm_domain doms[4] = {
	{ .name = "bootdom" },
	{ .name = "app1" },
	{ .name = "app2" },
	{ .name = "net" },
};
static const struct lcm_launch launch = { .domains = doms, .nr_domains = 4, .boot = 0 };

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bootcfg c;
	int order[4];
	bool wait[4];
	char msg[BOOTCFG_LINE_MAX + 64];
	/* A copy of exactly @size bytes, so that ASan sees any read past it. */
	char *text = malloc(size != 0 ? size : 1);
	enum bootcfg_step s;
	unsigned lines = 0, bad = 0;

	memcpy(text, data, size);
	bootcfg_init(&c, &launch, text, size, order, wait);
	while ((s = bootcfg_next(&c)) != BOOTCFG_END) {
		check(bad == 0);
		check(c.no == ++lines && lines <= size);
		check(strlen(c.line) < BOOTCFG_LINE_MAX);
		switch (s) {
		case BOOTCFG_BOOTARGS:
			check(c.domain >= 0 && c.domain < 4);
			check(c.bootargs >= c.line && c.bootargs <= c.line + strlen(c.line));
			check(strchr(c.bootargs, '#') == NULL);
			break;
		case BOOTCFG_AFFINITY:
			check(c.domain >= 0 && c.domain < 4);
			check(c.vcpu <= 999999999 && c.cpu <= 999999999);
			break;
		case BOOTCFG_BAD:
			check(c.why != NULL && c.refused);
			bootcfg_error(&c, msg, sizeof(msg));
			check(strlen(msg) < sizeof(msg));
			bad++;
			break;
		case BOOTCFG_PLAN:
		case BOOTCFG_END:
			break;
		}
	}
	check(c.nr_order <= 4);
	for (unsigned i = 0; i < c.nr_order; i++) {
		check(order[i] >= 0 && order[i] < 4);
		for (unsigned j = 0; j < i; j++) {
			check(order[i] != order[j]);
		}
	}
	check(bad > 0 || c.wait_timeout_ms <= 999999999);
	free(text);
	return 0;
}
