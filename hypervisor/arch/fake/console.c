/*
 * The physical console of the fake architecture (arch_console_*): what the core prints is kept in a buffer the
 * test reads (CRs dropped, so lines compare as written), and input comes
 * from a queue the test fills.
 */
#include <string.h>

#include "arch/fake/fake.h"
#include <lcm/lcm.h>

static char out[1 << 20];
static size_t out_len;
static char in[4096];
static size_t in_head, in_tail;

void arch_console_init(const struct platform *p)
{
	(void)p;
}

unsigned arch_lcm_arch(void)
{
	return LCM_ARCH_ARM64; /* the LCMs of the tests are arm64's */
}

void arch_console_putc(char c)
{
	if (c == '\r') {
		return;
	}
	if (out_len + 1 >= sizeof(out)) {
		fake_bug("the fake console buffer is full (clear it between steps)");
	}
	out[out_len++] = c;
	out[out_len] = '\0';
}

int arch_console_getc(void)
{
	if (in_tail == in_head) {
		return -1;
	}
	return (unsigned char)in[in_tail++ % sizeof(in)];
}

const char *fake_console(void)
{
	return out;
}

void fake_console_clear(void)
{
	out_len = 0;
	out[0] = '\0';
}

unsigned fake_console_count(const char *needle)
{
	unsigned n = 0;
	size_t len = strlen(needle);

	for (const char *p = out; len > 0 && (p = strstr(p, needle)) != NULL; p += len) {
		n++;
	}
	return n;
}

void fake_console_input(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (in_head - in_tail == sizeof(in)) {
			fake_bug("the fake console's input queue is full");
		}
		in[in_head++ % sizeof(in)] = s[i];
	}
}
