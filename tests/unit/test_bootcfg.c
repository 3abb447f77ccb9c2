/*
 * lib/bootcfg: the reference Boot Domain's config parser, which the Boot
 * Domain, lcm-tool show and lcm-tool predict share. Each case reads a text
 * against four domains and compares the whole transcript of steps (and,
 * for a bad line, the exact message the Boot Domain prints after
 * "bootdom: ", which tests/launch/bootdom-bad-config.sh sees on the
 * console), then the plan.
 */
#include "lcm_test.h"

#include <stdio.h>
#include <string.h>

#include "bootcfg/bootcfg.h"

static struct lcm_domain doms[4] = {
	{ .name = "bootdom" },
	{ .name = "app1" },
	{ .name = "app2" },
	{ .name = "net" },
};
static const struct lcm_launch launch = { .domains = doms, .nr_domains = 4, .boot = 0 };

static struct bootcfg c;
static int order[4];
static bool wait[4];
static char got[2048];

/* The steps of @size bytes of @text, one "; "-ended item each. */
static const char *steps_n(const char *text, size_t size)
{
	enum bootcfg_step s;
	size_t n = 0;
	char msg[BOOTCFG_LINE_MAX + 64];

	got[0] = '\0';
	bootcfg_init(&c, &launch, text, size, order, wait);
	while ((s = bootcfg_next(&c)) != BOOTCFG_END) {
		switch (s) {
		case BOOTCFG_PLAN:
			n += (size_t)snprintf(got + n, sizeof(got) - n, "plan; ");
			break;
		case BOOTCFG_BOOTARGS:
			n += (size_t)snprintf(got + n, sizeof(got) - n, "bootargs %s [%s]; ",
					      doms[c.domain].name, c.bootargs);
			break;
		case BOOTCFG_AFFINITY:
			n += (size_t)snprintf(got + n, sizeof(got) - n, "affinity %s %llu %llu; ",
					      doms[c.domain].name, (unsigned long long)c.vcpu,
					      (unsigned long long)c.cpu);
			break;
		case BOOTCFG_BAD:
			bootcfg_error(&c, msg, sizeof(msg));
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%s; ", msg);
			break;
		case BOOTCFG_END:
			break;
		}
		assert_true(n < sizeof(got));
	}
	/* The end is the end. */
	assert_int_equal(bootcfg_next(&c), BOOTCFG_END);
	return got;
}

static const char *steps(const char *text)
{
	return steps_n(text, strlen(text));
}

/* The plan as "app2 app1 / wait app2 / 5000". */
static const char *plan(void)
{
	static char s[256];
	size_t n = 0;

	for (unsigned i = 0; i < c.nr_order; i++) {
		n += (size_t)snprintf(s + n, sizeof(s) - n, "%s%s", i ? " " : "",
				      doms[order[i]].name);
	}
	n += (size_t)snprintf(s + n, sizeof(s) - n, " / wait");
	for (unsigned i = 0; i < 4; i++) {
		if (wait[i]) {
			n += (size_t)snprintf(s + n, sizeof(s) - n, " %s", doms[i].name);
		}
	}
	snprintf(s + n, sizeof(s) - n, " / %llu", (unsigned long long)c.wait_timeout_ms);
	return s;
}

static void empty_file(void **state)
{
	(void)state;
	assert_string_equal(steps(""), "");
	assert_string_equal(plan(), " / wait / 5000");
	assert_int_equal(c.no, 0);
	assert_string_equal(steps("\n"), "plan; ");
	assert_string_equal(steps("\n\n# nothing\n"), "plan; plan; plan; ");
	assert_string_equal(plan(), " / wait / 5000");
}

static void a_whole_plan(void **state)
{
	(void)state;
	assert_string_equal(steps("# the plan\n"
				  "order app2 app1   # first\n"
				  "wait app2\n"
				  "\twait-timeout-ms  2000 \n"
				  "bootargs app1 console=hvc0 quiet\n"
				  "affinity app1 0 2\n"
				  "order net"),
			    "plan; plan; plan; plan; bootargs app1 [console=hvc0 quiet]; "
			    "affinity app1 0 2; plan; ");
	assert_string_equal(plan(), "app2 app1 net / wait app2 / 2000");
	assert_int_equal(c.no, 7);
	assert_true(bootcfg_ordered(&c, 2));
	assert_false(bootcfg_ordered(&c, 0));
	/* The Boot Domain may name itself: it is in the order (its readers
	 * skip it when they start domains). */
	assert_string_equal(steps("order bootdom app1\nwait-timeout-ms 999999999\n"),
			    "plan; plan; ");
	assert_string_equal(plan(), "bootdom app1 / wait / 999999999");
}

static void blanks_comments_crlf(void **state)
{
	(void)state;
	/* CRLF reads as LF; spaces and tabs separate words; a comment ends
	 * the line, also inside the bootargs text. */
	assert_string_equal(
		steps("order  app1\t app2\r\n"
		      "bootargs app1 \t a  b\t\r\n"
		      "bootargs app2 x=1 # not y=2\r\n"
		      "bootargs net\r\n"
		      "   # indented comment\r\n"),
		"plan; bootargs app1 [a  b]; bootargs app2 [x=1]; bootargs net []; plan; ");
	assert_string_equal(plan(), "app1 app2 / wait / 5000");
	/* A '\r' inside a line is part of a word. */
	assert_string_equal(steps("order app1\r app2\n"),
			    "config line 1: unknown domain: order app1\r app2; ");
	/* Names are whole words: no prefix, no case folding. */
	assert_string_equal(steps("order app\n"), "config line 1: unknown domain: order app; ");
	assert_string_equal(steps("order App1\n"), "config line 1: unknown domain: order App1; ");
	assert_string_equal(steps("Order app1\n"),
			    "config line 1: unknown directive: Order app1; ");
}

/* Each message the Boot Domain prints, for the line shown without its
 * comment and trailing blanks. */
static void every_error(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "start app2", "config line 1: unknown directive: start app2" },
		{ "order", "config line 1: order names no domain: order" },
		{ "order   # none", "config line 1: order names no domain: order" },
		{ "order app1 nope", "config line 1: unknown domain: order app1 nope" },
		{ "order app1 app1", "config line 1: a domain is ordered twice: order app1 app1" },
		{ "order app1\norder net app1",
		  "config line 2: a domain is ordered twice: order net app1" },
		{ "wait", "config line 1: a domain name is missing: wait" },
		{ "wait nope", "config line 1: unknown domain: wait nope" },
		{ "wait app1 app2", "config line 1: wait takes one domain: wait app1 app2" },
		{ "wait-timeout-ms",
		  "config line 1: wait-timeout-ms takes one number: wait-timeout-ms" },
		{ "wait-timeout-ms x",
		  "config line 1: wait-timeout-ms takes one number: wait-timeout-ms x" },
		{ "wait-timeout-ms 1 2",
		  "config line 1: wait-timeout-ms takes one number: wait-timeout-ms 1 2" },
		{ "wait-timeout-ms -1",
		  "config line 1: wait-timeout-ms takes one number: wait-timeout-ms -1" },
		{ "wait-timeout-ms 1234567890",
		  "config line 1: wait-timeout-ms takes one number: wait-timeout-ms 1234567890" },
		{ "bootargs", "config line 1: a domain name is missing: bootargs" },
		{ "bootargs nope console=hvc0",
		  "config line 1: unknown domain: bootargs nope console=hvc0" },
		{ "affinity", "config line 1: a domain name is missing: affinity" },
		{ "affinity nope 0 1", "config line 1: unknown domain: affinity nope 0 1" },
		{ "affinity app1",
		  "config line 1: affinity takes a domain, a vCPU and a CPU: affinity app1" },
		{ "affinity app1 0",
		  "config line 1: affinity takes a domain, a vCPU and a CPU: affinity app1 0" },
		{ "affinity app1 x 1",
		  "config line 1: affinity takes a domain, a vCPU and a CPU: affinity app1 x 1" },
		{ "affinity app1 0 y",
		  "config line 1: affinity takes a domain, a vCPU and a CPU: affinity app1 0 y" },
		{ "affinity app1 0 1 2",
		  "config line 1: affinity takes a domain, a vCPU and a CPU: affinity app1 0 1 2" },
	};
	char want[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(want, sizeof(want), "%s; ", cases[i].want);
		if (strstr(cases[i].text, "\n") != NULL) {
			snprintf(want, sizeof(want), "plan; %s; ", cases[i].want);
		}
		assert_string_equal(steps(cases[i].text), want);
	}
}

/* A bad line ends the configuration: nothing after it is handed back, what
 * came before was (the Boot Domain applied it). */
static void stops_at_the_first_bad_line(void **state)
{
	(void)state;
	assert_string_equal(steps("bootargs app1 first\n"
				  "affinity app1 0 1\n"
				  "\n"
				  "wait app1 app2 # two\n"
				  "bootargs app2 never\n"
				  "frobnicate\n"),
			    "bootargs app1 [first]; affinity app1 0 1; plan; "
			    "config line 4: wait takes one domain: wait app1 app2; ");
	assert_true(c.refused);
	assert_int_equal(c.no, 4);
}

static void long_lines(void **state)
{
	char text[600], want[128];

	(void)state;
	/* 255 bytes and a newline: the longest line. */
	memset(text, 'x', 255);
	memcpy(text, "# ", 2);
	memcpy(text + 255, "\norder app1\n", 13);
	assert_string_equal(steps(text), "plan; plan; ");
	/* 256: too long, shown by its first 40 bytes as they are. */
	memset(text, 'y', 256);
	memcpy(text, "bootargs app1 #\t", 16);
	memcpy(text + 256, "\norder app1\n", 13);
	snprintf(want, sizeof(want), "config line 1: line too long: %.40s; ", text);
	assert_string_equal(steps(text), want);
	/* The last line, without a newline, too. */
	memcpy(text, "order app1\n", 11);
	memset(text + 11, 'z', 500);
	text[511] = '\0';
	snprintf(want, sizeof(want), "plan; config line 2: line too long: %.40s; ", text + 11);
	assert_string_equal(steps(text), want);
}

/* The text ends at its size or its first NUL (the Boot Domain reads a C
 * string); the size alone bounds what is read. */
static void size_and_nul(void **state)
{
	static const char text[] = "order app1\nwait app1\0order app2\n";

	(void)state;
	assert_string_equal(steps_n(text, sizeof(text) - 1), "plan; plan; ");
	assert_string_equal(plan(), "app1 / wait app1 / 5000");
	assert_string_equal(steps_n(text, 8), "config line 1: unknown domain: order ap; ");
	assert_string_equal(steps_n("order app1\nxyz", 11), "plan; ");
}

static void message_fits_its_buffer(void **state)
{
	char small[16];

	(void)state;
	steps("nonsense here");
	memset(small, '#', sizeof(small));
	bootcfg_error(&c, small, sizeof(small));
	assert_string_equal(small, "config line 1: ");
}

int run_bootcfg_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_file),
		cmocka_unit_test(a_whole_plan),
		cmocka_unit_test(blanks_comments_crlf),
		cmocka_unit_test(every_error),
		cmocka_unit_test(stops_at_the_first_bad_line),
		cmocka_unit_test(long_lines),
		cmocka_unit_test(size_and_nul),
		cmocka_unit_test(message_fits_its_buffer),
	};

	return cmocka_run_group_tests_name("bootcfg", tests, NULL, NULL);
}
