/*
 * The hypervisor's console filter on the host: hypervisor/core/console.c is
 * compiled into this file with stand-ins for the UART and the rest of the
 * hypervisor (what the UART would show is collected in `shown`), so that
 * console_sanitize() and the domain console (console_domain_write) can be
 * fed every byte sequence a hostile guest might write. Both must print the
 * same text for the same input (one classification); valid printable UTF-8
 * passes, everything else shows as '.'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcm_test.h"

/* console.c's stack-protector hook would replace the host C library's. */
#define __stack_chk_fail console_test_stack_chk_fail
#include "../../hypervisor/core/console.c"
#undef __stack_chk_fail

/* --- stand-ins ------------------------------------------------------------------ */

static char shown[8192];
static size_t shown_len;

void arch_console_putc(char c)
{
	if (shown_len < sizeof(shown) - 1) {
		shown[shown_len++] = c;
		shown[shown_len] = '\0';
	}
}

int arch_console_getc(void)
{
	return -1;
}

struct cpu *arch_this_cpu(void)
{
	return NULL;
}

void arch_cpu_relax(void)
{
}

unsigned long arch_irq_save(void)
{
	return 0;
}

void arch_irq_restore(unsigned long flags)
{
	(void)flags;
}

noreturn void arch_power_off(void)
{
	fail_msg("the console powered off");
	abort();
}

static struct domain dom;

unsigned domain_count(void)
{
	return 1;
}

struct domain *domain_get(unsigned index)
{
	return index == 0 ? &dom : NULL;
}

bool vcpus_waiting(struct domain *d)
{
	(void)d;
	return false;
}

void vuart_input(struct domain *d)
{
	(void)d;
}

/* --- helpers ---------------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	memset(&dom, 0, sizeof(dom));
	memcpy(dom.name, "g", 2);
	dom.state = DOM_RUNNING;
	partial = NULL;
	shown_len = 0;
	shown[0] = '\0';
	return 0;
}

/* What console_sanitize makes of @s (@n bytes). */
static const char *sanitized(const char *s, size_t n)
{
	static char buf[512];

	size_t len = console_sanitize(buf, sizeof(buf), s, n);
	assert_int_equal(len, strlen(buf));
	return buf;
}

#define SAN(s) sanitized(s, sizeof(s) - 1)

/* The guest writes @s in pieces of @piece bytes; the UART shows @want (one
 * "[g] ...\r\n" line per line written). */
static void console_shows(const char *s, size_t n, size_t piece, const char *want)
{
	shown_len = 0;
	shown[0] = '\0';
	for (size_t i = 0; i < n; i += piece) {
		console_domain_write(&dom, s + i, n - i < piece ? n - i : piece);
	}
	assert_string_equal(shown, want);
}

/* Every way of splitting @s (a line without '\n') between two writes, and
 * one byte at a time, gives the console the same line, and the sanitiser
 * the same text. */
static void same_everywhere(const char *s, size_t n, const char *want)
{
	char line[600], msg[600];

	snprintf(line, sizeof(line), "[g] %s\r\n", want);
	assert_string_equal(sanitized(s, n), want);
	memcpy(msg, s, n);
	msg[n] = '\n';
	for (size_t cut = 0; cut <= n; cut++) {
		shown_len = 0;
		shown[0] = '\0';
		console_domain_write(&dom, msg, cut);
		console_domain_write(&dom, msg + cut, n + 1 - cut);
		assert_string_equal(shown, line);
	}
	console_shows(msg, n + 1, 1, line);
}

#define SAME(s, want) same_everywhere(s, sizeof(s) - 1, want)

/* --- cases ------------------------------------------------------------------------- */

static void ascii_and_tab_pass(void **state)
{
	(void)state;
	SAME("hello, world ~!@#$%^&*()_+{}|:<>?", "hello, world ~!@#$%^&*()_+{}|:<>?");
	SAME("a\tb", "a\tb");
}

static void c0_and_del(void **state)
{
	(void)state;
	SAME("a\x01"
	     "b\x07"
	     "c\x08"
	     "d\x0b"
	     "e\x0c"
	     "f\x7f"
	     "g",
	     "a.b.c.d.e.f.g");
	/* Line breaks are text to the sanitiser, a line end to the console. */
	assert_string_equal(SAN("a\rb\nc"), "a.b.c");
	assert_string_equal(SAN("a\x1b[2Jb"), "a.[2Jb");
}

static void c1_bytes(void **state)
{
	(void)state;
	SAME("a\x80"
	     "b\x85"
	     "c\x9b"
	     "d\x9d"
	     "e\x9f"
	     "f",
	     "a.b.c.d.e.f");
}

static void c1_in_utf8(void **state)
{
	(void)state;
	SAME("a\xc2\x80"
	     "b\xc2\x85"
	     "c\xc2\x9b"
	     "31md\xc2\x9f"
	     "e",
	     "a.b.c.31md.e");
	/* The first characters after C1: U+00A0 and U+00E9 pass. */
	SAME("a\xc2\xa0"
	     "b\xc3\xa9",
	     "a\xc2\xa0"
	     "b\xc3\xa9");
}

static void bidi_and_separators(void **state)
{
	(void)state;
	SAME("a\xd8\x9c"
	     "b\xe2\x80\x8e"
	     "c\xe2\x80\x8f"
	     "d",
	     "a.b.c.d");
	SAME("\xe2\x80\xaa"
	     "\xe2\x80\xab"
	     "\xe2\x80\xac"
	     "\xe2\x80\xad"
	     "\xe2\x80\xae",
	     ".....");
	SAME("\xe2\x81\xa6"
	     "\xe2\x81\xa7"
	     "\xe2\x81\xa8"
	     "\xe2\x81\xa9",
	     "....");
	SAME("a\xe2\x80\xa8"
	     "b\xe2\x80\xa9"
	     "c",
	     "a.b.c");
	/* Their neighbours pass: U+200D ZWJ, U+202F, U+2065, U+206A. */
	SAME("\xe2\x80\x8d\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa",
	     "\xe2\x80\x8d\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa");
}

static void valid_utf8_passes(void **state)
{
	(void)state;
	SAME("caf\xc3\xa9 \xe2\x9c\x93 \xe6\x97\xa5 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
	     "caf\xc3\xa9 \xe2\x9c\x93 \xe6\x97\xa5 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf");
}

/* Each maximal ill-formed subpart is one '.' (Unicode 3.9, Table 3-7). */
static void ill_formed(void **state)
{
	(void)state;
	SAME("a\xc0\xaf"
	     "b",
	     "a..b"); /* overlong '/' */
	SAME("a\xe0\x80\xaf"
	     "b",
	     "a...b"); /* overlong */
	SAME("a\xed\xa0\x80"
	     "b",
	     "a...b"); /* a surrogate */
	SAME("a\xf4\x90\x80\x80"
	     "b",
	     "a....b"); /* above U+10FFFF */
	SAME("a\xf5\x80"
	     "b\xff"
	     "c\xfe"
	     "d",
	     "a..b.c.d");
	SAME("a\xe2\x82"
	     "b",
	     "a.b"); /* cut short by ASCII */
	SAME("a\xf0\x9f\x98"
	     "b",
	     "a.b");
	SAME("a\xe2\x82\xe2\x82\xac"
	     "b",
	     "a.\xe2\x82\xac"
	     "b");           /* then a new start */
	SAME("a\xe2", "a."); /* cut short by the end */
}

/* An ESC ends an unfinished sequence, and escape sequences are dropped from
 * the console stream whole (the sanitiser shows the ESC as '.'). */
static void escape_sequences(void **state)
{
	const char s[] = "A\x1b[2J\x1b[1;1HB\x1b[31mC\x1b]0;t\x07"
			 "D\xe2\x80\x1b"
			 "cE\r[x] F\n";
	(void)state;

	console_shows(s, sizeof(s) - 1, 1, "[g] ABC0;t.D.E[x] F\r\n");
	console_shows(s, sizeof(s) - 1, 3, "[g] ABC0;t.D.E[x] F\r\n");
	assert_string_equal(SAN("A\x1b[2JB"), "A.[2JB");
}

/* A long line is printed in pieces, never one ending inside a character. */
static void long_line_keeps_characters_whole(void **state)
{
	char s[CONSOLE_LINE_MAX + 8];
	(void)state;

	memset(s, 'x', CONSOLE_LINE_MAX - 1);
	memcpy(s + CONSOLE_LINE_MAX - 1,
	       "\xe2\x9c\x93"
	       "y\n",
	       5);
	char want[CONSOLE_LINE_MAX + 32];
	snprintf(want, sizeof(want), "[g] %.*s\r\n[g] \xe2\x9c\x93y\r\n", CONSOLE_LINE_MAX - 1, s);
	console_shows(s, CONSOLE_LINE_MAX + 4, 1, want);
	console_shows(s, CONSOLE_LINE_MAX + 4, CONSOLE_LINE_MAX + 4, want);
}

/* An unfinished sequence when the domain goes off is one '.'. */
static void flush_ends_sequence(void **state)
{
	(void)state;
	console_domain_write(&dom, "a\xf0\x9f", 3);
	console_domain_flush(&dom);
	assert_string_equal(shown, "[g] a.\r\n");
}

static void sanitize_bounds(void **state)
{
	char buf[6];
	(void)state;

	/* Stops at @n, and at a NUL. */
	assert_string_equal(sanitized("abc", 2), "ab");
	assert_string_equal(sanitized("a\0\x1b", 3), "a");
	/* A character that does not fit is left out whole. */
	assert_int_equal(console_sanitize(buf, sizeof(buf), "abcd\xc3\xa9", 6), 4);
	assert_string_equal(buf, "abcd");
	assert_int_equal(console_sanitize(buf, sizeof(buf), "abc\xc3\xa9z", 6), 5);
	assert_string_equal(buf, "abc\xc3\xa9");
	assert_int_equal(console_sanitize(buf, 1, "abc", 3), 0);
	assert_string_equal(buf, "");
	assert_int_equal(console_sanitize(buf, 0, "abc", 3), 0);
}

int run_console_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(ascii_and_tab_pass, setup),
		cmocka_unit_test_setup(c0_and_del, setup),
		cmocka_unit_test_setup(c1_bytes, setup),
		cmocka_unit_test_setup(c1_in_utf8, setup),
		cmocka_unit_test_setup(bidi_and_separators, setup),
		cmocka_unit_test_setup(valid_utf8_passes, setup),
		cmocka_unit_test_setup(ill_formed, setup),
		cmocka_unit_test_setup(escape_sequences, setup),
		cmocka_unit_test_setup(long_line_keeps_characters_whole, setup),
		cmocka_unit_test_setup(flush_ends_sequence, setup),
		cmocka_unit_test_setup(sanitize_bounds, setup),
	};

	return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
