/*
 * lib/fmt: the one formatter of the hypervisor, the guests and the LCM
 * library's messages. fmt.h promises C's snprintf behaviour for what it
 * supports, so most cases run the host's snprintf with the same arguments
 * and compare the whole buffer (bytes past the terminator included, so that
 * a stray write shows) and the return value.
 */
#include "lcm_test.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "fmt/fmt.h"

#define BUF 64

/* fmt_snprintf and snprintf into buffers of @size bytes (at most BUF)
 * pre-filled with '#': the same bytes and the same return value. */
#define SAME(size, ...)                                                                           \
	do {                                                                                      \
		char mine_[BUF], host_[BUF];                                                      \
		memset(mine_, '#', BUF);                                                          \
		memset(host_, '#', BUF);                                                          \
		int rm_ = fmt_snprintf(mine_, (size), __VA_ARGS__);                               \
		int rh_ = snprintf(host_, (size), __VA_ARGS__);                                   \
		if (rm_ != rh_ || memcmp(mine_, host_, BUF) != 0) {                               \
			print_error("%s (size %d): fmt gives %d \"%.*s\", host %d \"%.*s\"\n",    \
				    #__VA_ARGS__, (int)(size), rm_, BUF, mine_, rh_, BUF, host_); \
			fail();                                                                   \
		}                                                                                 \
	} while (0)

/* fmt_snprintf gives exactly @want (and returns its length). */
#define IS(want, ...)                                            \
	do {                                                     \
		char mine_[BUF];                                 \
		int rm_ = fmt_snprintf(mine_, BUF, __VA_ARGS__); \
		assert_string_equal(mine_, (want));              \
		assert_int_equal(rm_, strlen(want));             \
	} while (0)

static void signed_decimal(void **state)
{
	(void)state;

	IS("42 -42 0", "%d %d %d", 42, -42, 0);
	SAME(BUF, "%d", 0);
	SAME(BUF, "%d|%i", -7, 7);
	SAME(BUF, "%d %d", INT_MAX, INT_MIN);
	SAME(BUF, "%ld %ld", LONG_MAX, LONG_MIN);
	SAME(BUF, "%lld %lld", LLONG_MAX, LLONG_MIN);
	SAME(BUF, "%zd", (ssize_t)-5);
}

static void unsigned_conversions(void **state)
{
	(void)state;

	IS("255 ff FF 377", "%u %x %X %o", 255u, 255u, 255u, 255u);
	SAME(BUF, "%u %u", 0u, UINT_MAX);
	SAME(BUF, "%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0xdeadbeefu);
	SAME(BUF, "%lu %lx", ULONG_MAX, ULONG_MAX);
	SAME(BUF, "%llu %llx %llX", ULLONG_MAX, 0x0123456789abcdefull, 0x0123456789abcdefull);
	SAME(BUF, "%llo", ULLONG_MAX);
	SAME(BUF, "%zu %zx", SIZE_MAX, (size_t)4096);
	SAME(BUF, "%x", 0u);
}

static void length_modifiers_h_hh(void **state)
{
	(void)state;

	SAME(BUF, "%hhu %hhx %hhd", 300, 0x1ff, 200);
	SAME(BUF, "%hu %hx %hd", 70000, 0x12345, 40000);
	SAME(BUF, "%hhd %hd", -1, -1);
}

static void chars_strings_percent(void **state)
{
	(void)state;

	IS("x=A", "x=%c", 'A');
	SAME(BUF, "%c%c%c", 'a', 'b', 'c');
	SAME(BUF, "[%s] [%s]", "hello", "");
	SAME(BUF, "100%% %s", "done");
	SAME(BUF, "%3c|%-3c|", 'x', 'y');
	/* A NUL character is output (and counted) like any other. */
	SAME(BUF, "a%cb", '\0');
	const char *volatile null_str = NULL;
	IS("(null)", "%s", null_str);
}

static void pointers(void **state)
{
	int x;
	char want[32];
	(void)state;

	SAME(BUF, "%p", (void *)&x);
	SAME(BUF, "%p", (void *)0x1000);
	snprintf(want, sizeof(want), "0x%lx", (unsigned long)(uintptr_t)&x);
	IS(want, "%p", (void *)&x);
	/* glibc prints "(nil)"; ours stays a number. */
	IS("0x0", "%p", (void *)NULL);
}

static void width_and_flags(void **state)
{
	(void)state;

	IS("   42|42   |00042|-0042", "%5d|%-5d|%05d|%05d", 42, 42, 42, -42);
	SAME(BUF, "[%5d] [%-5d] [%05d]", -42, -42, -42);
	/* '-' wins over '0' (a literal would draw a -Wformat warning). */
	const char *minus_zero = "[%-05d] [%0-5d]";
	SAME(BUF, minus_zero, 42, -42);
	SAME(BUF, "[%08x] [%-8X] [%8o]", 0xbeefu, 0xbeefu, 8u);
	SAME(BUF, "[%016llx]", 0x1234ull);
	SAME(BUF, "[%2d] [%1u]", 12345, 99u);
	SAME(BUF, "[%10s] [%-10s]", "abc", "abc");
	SAME(BUF, "[%2s]", "longer");
	SAME(BUF, "[%*d] [%-*d]", 6, 7, 6, 7);
	/* A negative '*' width is the '-' flag with its absolute value. */
	SAME(BUF, "[%*d] [%*s]", -6, 7, -4, "ab");
	SAME(BUF, "[%20p]", (void *)0x1234);
}

static void string_precision(void **state)
{
	(void)state;

	IS("hel", "%.3s", "hello");
	SAME(BUF, "[%.3s] [%.0s] [%.10s]", "hello", "hello", "hello");
	SAME(BUF, "[%6.2s] [%-6.2s]", "hello", "hello");
	SAME(BUF, "[%.*s] [%.*s]", 2, "hello", 0, "hello");
	/* A negative '*' precision is no precision. */
	SAME(BUF, "[%.*s]", -1, "hello");
	/* Precision bounds the bytes read: the array need not hold a NUL
	 * (C11 7.21.6.1p8); ASan sees a read past it. */
	const char unterminated[2] = { 'a', 'b' };
	IS("ab", "%.2s", unterminated);
}

static void truncation_and_return_value(void **state)
{
	(void)state;

	for (int size = 0; size <= 13; size++) {
		SAME(size, "hello %s", "world");
		SAME(size, "%d-%x", -12345, 0xabcu);
		SAME(size, "%5s|%-4d|", "ab", 9);
	}
	assert_int_equal(fmt_snprintf(NULL, 0, "%s=%d", "cpus", 64), 7);
}

/* Not C: what fmt does with what it does not support. */
static void unsupported_and_lone_percent(void **state)
{
	const char *f;
	(void)state;

	f = "50%"; /* a lone '%' at the end stops output */
	IS("50", f, 0);
	f = "%q%d"; /* unknown conversion: printed as is */
	IS("%q1", f, 1);
}

int run_fmt_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signed_decimal),
		cmocka_unit_test(unsigned_conversions),
		cmocka_unit_test(length_modifiers_h_hh),
		cmocka_unit_test(chars_strings_percent),
		cmocka_unit_test(pointers),
		cmocka_unit_test(width_and_flags),
		cmocka_unit_test(string_precision),
		cmocka_unit_test(truncation_and_return_value),
		cmocka_unit_test(unsupported_and_lone_percent),
	};

	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
