/*
 * The console: the hypervisor's own printk() of whole lines, and the
 * domains' consoles multiplexed on the one physical UART. Output of a domain
 * is collected a line at a time and printed with its name in front
 * ("[app1] probe: ready"); input goes to one domain at a time, chosen with
 * Ctrl-A three times.
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include "core/spinlock.h"
#include "core/types.h"

struct domain;

#define CONSOLE_LINE_MAX  160 /* a longer line is cut in pieces */
#define CONSOLE_INPUT_MAX 64  /* input a domain has not read yet */

/* Where a UTF-8 decoder is between two bytes: a sequence begun and not
 * finished (a domain's output may be split anywhere between writes). */
struct console_utf8 {
	uint8_t held;   /* bytes of the sequence in buf */
	uint8_t need;   /* continuation bytes still to come */
	uint8_t lo, hi; /* the range the next one must be in */
	uint32_t cp;    /* the code point so far */
	char buf[4];
};

/* The console state of one domain. */
struct domain_console {
	struct spinlock lock; /* taken before console_lock */
	unsigned len;
	unsigned quiet_ticks;     /* ticks since the domain last wrote */
	uint8_t escape;           /* where in a terminal escape sequence */
	struct console_utf8 utf8; /* where in a UTF-8 sequence */
	char line[CONSOLE_LINE_MAX];
	unsigned in_head, in_tail; /* ring: in_head == in_tail is empty */
	char in[CONSOLE_INPUT_MAX];
};
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The one sanitiser for every string a guest (or an LCM) supplies that the
 * hypervisor prints: copies @s, @n bytes or up to a NUL, into @buf (@size
 * bytes, always NUL-terminated when @size > 0) and returns the length
 * written. Valid printable UTF-8 and tab are copied; each character that is
 * not is written as one '.': C0 controls (line breaks and ESC included), DEL,
 * C1 controls as bytes 0x80-0x9f and as UTF-8 (U+0080-U+009F), bidi controls
 * (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), line and paragraph
 * separators (U+2028, U+2029), and each ill-formed UTF-8 subpart. A
 * character is never cut: the copy stops before one that does not fit.
 * Domain console output goes through the same classification (below), which
 * in a stream also ends lines at '\n', drops '\r' and drops whole escape
 * sequences.
 */
size_t console_sanitize(char *buf, size_t size, const char *s, size_t n);

/* Output of @d: @n bytes of its console. Dropped once @d is off. */
void console_domain_write(struct domain *d, const char *s, size_t n);
/* Print what is left of @d's current line (it is going off). */
void console_domain_flush(struct domain *d);
/* The next input byte for @d, or -1 when there is none. */
int console_domain_getc(struct domain *d);
bool console_domain_has_input(struct domain *d);

/* Give input to @d (NULL: the hypervisor) and say so: the launch, before
 * it starts the domains. */
void console_input_start(struct domain *d);
/* Read what the physical UART received, and show the focused domain's
 * prompt (called on the boot CPU's tick). */
void console_poll(void);

#endif /* HV_CONSOLE_H */
