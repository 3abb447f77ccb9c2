/*
 * The physical console of the fake architecture, replacing
 * hypervisor/drivers/pl011.c: what the core prints is kept in a buffer the
 * test reads (CRs dropped, so lines compare as written), and input comes
 * from a queue the test fills.
 */
#include <string.h>

#include "arch/fake/fake.h"
#include "drivers/pl011.h"

static char out[1 << 20];
static size_t out_len;
static char in[4096];
static size_t in_head, in_tail;

void pl011_putc(paddr_t base, char c)
{
	(void)base;
	if (c == '\r') {
		return;
	}
	if (out_len + 1 >= sizeof(out)) {
		fake_bug("the fake console buffer is full (clear it between steps)");
	}
	out[out_len++] = c;
	out[out_len] = '\0';
}

int pl011_getc(paddr_t base)
{
	(void)base;
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
