/*
 * printk: formats one message with lib/fmt, then writes it to the UART under
 * a lock so that lines from several CPUs never interleave. Callers print
 * whole lines ("...\n"); '\n' goes out as CR LF. Also panic() and the
 * stack-protector hooks libfdt.a needs.
 *
 * Domain consoles: each domain's output is collected in its own line buffer
 * and printed as one printk line "[name] text" when the line ends or the
 * buffer is full, so lines of different domains never mix. Terminal
 * escape sequences are dropped, and every other character that is not
 * printable text is printed as '.' (text_feed: the same classification as
 * console_sanitize, which every other guest-supplied string goes through):
 * a guest must not be able to move the cursor over, or fake, another
 * domain's or the hypervisor's lines. One exception keeps an interactive shell usable: the domain that
 * has the input may leave a line unfinished (a prompt); when it has written
 * nothing for PARTIAL_TICKS ticks and waits for an interrupt (every vCPU
 * blocked: not a line cut short by preemption), what it has is printed
 * without an end of line, and its next output continues that line. Whoever prints next ends
 * the unfinished line first, and the domain then starts a fresh "[name]"
 * line: lines still never mix.
 *
 * Input: the physical UART is polled on the boot CPU's tick (no interrupt
 * needed, nothing is lost: QEMU holds back input the UART has no room
 * for); Ctrl-A three times moves the input to the next running domain,
 * after the last one to the hypervisor (which has no commands yet and
 * drops what it gets), then to the first domain again. A domain's emulated
 * UART is told when its input arrives (vuart_input), after its console
 * lock is released: its receive interrupt may rise.
 *
 * Lock order: a domain's console lock, then console_lock; console_lock is
 * a leaf. Both are taken with interrupts masked, so the tick may take them.
 */
#include <stdarg.h>
#include <string.h>

#include <fmt/fmt.h>

#include "core/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/domain.h"
#include "core/spinlock.h"
#include "core/vcpu.h"
#include "core/vuart.h"

#define CTRL_A         0x01
#define SWITCH_PRESSES 3
#define PARTIAL_TICKS  2 /* quiet time before a prompt is shown */

static struct spinlock console_lock;
static int lock_holder = -1; /* CPU id, or -1 */
static int this_cpu_id(void)
{
	struct cpu *c = arch_this_cpu();

	return c != NULL ? (int)c->id : 0;
}

/* The domain whose unfinished line the UART shows last, or NULL; under
 * console_lock. */
static struct domain *partial;

/* Take console_lock with interrupts masked; false when this CPU already
 * holds it: an exception taken while this CPU prints (a fault in printk
 * itself) must still get its report out, without the lock it holds. */
static bool uart_lock(unsigned long *flags)
{
	int me = this_cpu_id();

	*flags = arch_irq_save();
	if (__atomic_load_n(&lock_holder, __ATOMIC_RELAXED) == me) {
		return false;
	}
	spin_lock(&console_lock);
	__atomic_store_n(&lock_holder, me, __ATOMIC_RELAXED);
	return true;
}

static void uart_unlock(bool locked, unsigned long flags)
{
	if (locked) {
		__atomic_store_n(&lock_holder, -1, __ATOMIC_RELAXED);
		spin_unlock(&console_lock);
	}
	arch_irq_restore(flags);
}

/* With console_lock held. */
static void put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			arch_console_putc('\r');
		}
		arch_console_putc(s[i]);
	}
}

/* With console_lock held: end the unfinished line of a domain, unless
 * @d (which continues it) left it. */
static void end_partial(const struct domain *d)
{
	if (partial != NULL && partial != d) {
		put("\n", 1);
		partial = NULL;
	}
}

static void console_write(const char *s, size_t n)
{
	unsigned long flags;
	bool locked = uart_lock(&flags);

	end_partial(NULL);
	put(s, n);
	uart_unlock(locked, flags);
}

static int vprintk(const char *fmt, va_list ap)
{
	char buf[384]; /* a digest mismatch line is ~300 */
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n >= (int)sizeof(buf)) {
		/* Keep the line a line: end a truncated message visibly. */
		static const char tail[] = "...\n";
		for (size_t i = 0; i < sizeof(tail); i++) {
			buf[sizeof(buf) - sizeof(tail) + i] = tail[i];
		}
		n = (int)sizeof(buf) - 1;
	}
	if (n > 0) {
		console_write(buf, (size_t)n);
	}
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

noreturn void panic(const char *fmt, ...)
{
	char buf[192];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("panic: %s\n", buf);
	arch_power_off();
}

/* --- text a guest supplies ------------------------------------------------------- */

#define REPLACEMENT '.' /* what is printed for a refused character */

/*
 * May this character reach the terminal? Refused:
 * - C0 controls (ECMA-48 5.2: 0x00-0x1f) but tab, and DEL: line breaks and
 *   ESC would end or rewrite a line;
 * - C1 controls U+0080-U+009F (ECMA-48 5.3): CSI (0x9b), OSC (0x9d), NEL
 *   (0x85) act like ESC sequences and line breaks on terminals that take
 *   them, as single bytes or, on many UTF-8 terminals, in UTF-8 form;
 * - the explicit bidirectional formatting characters (Unicode Standard Annex
 *   #9, section 2: LRE, RLE, PDF, LRO, RLO U+202A-U+202E; LRI, RLI, FSI,
 *   PDI U+2066-U+2069) and the implicit marks (ALM U+061C, LRM U+200E, RLM
 *   U+200F): they reorder what follows them, so "[app1]" could be shown
 *   where another name is;
 * - LINE SEPARATOR and PARAGRAPH SEPARATOR (U+2028, U+2029), which the
 *   Unicode Standard (section 5.8) treats as line breaks.
 * Ill-formed UTF-8 never gets here (text_feed).
 */
static bool printable(uint32_t cp)
{
	if (cp < 0x20) {
		return cp == '\t';
	}
	return cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f) && cp != 0x061c && cp != 0x200e &&
	       cp != 0x200f && !(cp >= 0x202a && cp <= 0x202e) && !(cp >= 0x2066 && cp <= 0x2069) &&
	       cp != 0x2028 && cp != 0x2029;
}

/*
 * Feed one byte of guest text to the decoder @u; what may be printed of it
 * goes to @out (at most 5 bytes: a '.' for an abandoned sequence, then one
 * character), and the count is returned; 0 while a sequence is unfinished.
 * Well-formed UTF-8 is what the Unicode Standard's Table 3-7 allows (section
 * 3.9: no overlong forms, no surrogates, nothing above U+10FFFF); a lead
 * byte with the continuation bytes it was given before one that does not fit
 * (a "maximal subpart", section 3.9) is one '.', and the byte that broke it
 * starts afresh. A lone 0x80-0x9f byte, a C1 control in 8-bit form, is
 * ill-formed UTF-8 and so a '.'.
 */
static size_t text_feed(struct console_utf8 *u, unsigned char b, char out[5])
{
	size_t n = 0;

	if (u->need > 0) {
		if (b >= u->lo && b <= u->hi) {
			u->buf[u->held++] = (char)b;
			u->cp = u->cp << 6 | (b & 0x3f);
			u->lo = 0x80;
			u->hi = 0xbf;
			if (--u->need > 0) {
				return 0;
			}
			if (printable(u->cp)) {
				memcpy(out, u->buf, u->held);
				n = u->held;
			} else {
				out[n++] = REPLACEMENT;
			}
			u->held = 0;
			return n;
		}
		out[n++] = REPLACEMENT;
		u->held = u->need = 0;
	}
	if (b < 0x80) {
		out[n++] = printable(b) ? (char)b : REPLACEMENT;
		return n;
	}
	u->lo = 0x80;
	u->hi = 0xbf;
	if (b >= 0xc2 && b <= 0xdf) {
		u->need = 1;
		u->cp = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		u->need = 2;
		u->cp = b & 0x0f;
		if (b == 0xe0) {
			u->lo = 0xa0; /* shorter forms are overlong */
		} else if (b == 0xed) {
			u->hi = 0x9f; /* U+D800-U+DFFF are surrogates */
		}
	} else if (b >= 0xf0 && b <= 0xf4) {
		u->need = 3;
		u->cp = b & 0x07;
		if (b == 0xf0) {
			u->lo = 0x90; /* overlong */
		} else if (b == 0xf4) {
			u->hi = 0x8f; /* above U+10FFFF */
		}
	} else {
		out[n++] = REPLACEMENT; /* 0x80-0xc1, 0xf5-0xff: never a start */
		return n;
	}
	u->buf[0] = (char)b;
	u->held = 1;
	return n;
}

/* The text ends (or an ASCII byte comes): an unfinished sequence is one '.'. */
static size_t text_end(struct console_utf8 *u, char out[1])
{
	if (u->need == 0) {
		return 0;
	}
	u->held = u->need = 0;
	out[0] = REPLACEMENT;
	return 1;
}

size_t console_sanitize(char *buf, size_t size, const char *s, size_t n)
{
	struct console_utf8 u = { 0 };
	size_t len = 0;

	if (size == 0) {
		return 0;
	}
	for (size_t i = 0;; i++) {
		char out[5];
		bool last = i == n || s[i] == '\0';
		size_t k = last ? text_end(&u, out) : text_feed(&u, (unsigned char)s[i], out);
		if (len + k >= size) {
			break; /* never half a character */
		}
		memcpy(buf + len, out, k);
		len += k;
		if (last) {
			break;
		}
	}
	buf[len] = '\0';
	return len;
}

/* --- domain output ------------------------------------------------------------- */

/* With @d's console lock held: print what @d's line buffer holds, as a
 * new "[name] " line or as the rest of @d's unfinished line; @end: the
 * line ends here. */
static void emit(struct domain *d, bool end)
{
	struct domain_console *c = &d->console;
	unsigned long flags;
	bool locked = uart_lock(&flags);

	end_partial(d);
	if (partial != d) {
		put("[", 1);
		put(d->name, strnlen(d->name, sizeof(d->name)));
		put("] ", 2);
	}
	put(c->line, c->len);
	if (end) {
		put("\n", 1);
	}
	partial = end ? NULL : d;
	uart_unlock(locked, flags);
	c->len = 0;
}

static void emit_line(struct domain *d)
{
	emit(d, true);
}

/*
 * Terminal escape sequences are dropped whole (ECMA-48 5.4: ESC, then for a
 * control sequence '[', parameter and intermediate bytes 0x20-0x3f, a final
 * byte 0x40-0x7e; other escapes are ESC and one byte): busybox's shell asks
 * the terminal where its cursor is after each prompt (ESC [ 6 n), and the
 * answer would be typed into the domain; colours and cursor moves would act
 * on the shared console. With @c->lock held; true: @ch is part of one.
 */
static bool in_escape(struct domain_console *c, char ch)
{
	enum { ESC_NONE, ESC_START, ESC_CSI };

	switch (c->escape) {
	case ESC_START:
		c->escape = ch == '[' ? ESC_CSI : ESC_NONE;
		return true;
	case ESC_CSI:
		if (ch < 0x20 || ch > 0x7e) {
			c->escape = ESC_NONE; /* broken: the byte is text */
			return false;
		}
		if (ch >= 0x40) {
			c->escape = ESC_NONE; /* the final byte */
		}
		return true;
	default:
		if (ch == 0x1b) {
			c->escape = ESC_START;
			return true;
		}
		return false;
	}
}

/* With @c->lock held: add @k bytes of checked text (whole characters) to
 * @d's line, printing the line first when they do not fit: a piece of a
 * long line never ends inside a character. */
static void line_add(struct domain *d, const char *t, size_t k)
{
	struct domain_console *c = &d->console;

	if (k == 0) {
		return;
	}
	if (c->len + k > CONSOLE_LINE_MAX) {
		emit_line(d);
	}
	memcpy(c->line + c->len, t, k);
	c->len += (unsigned)k;
	if (c->len == CONSOLE_LINE_MAX) {
		emit_line(d);
	}
}

void console_domain_write(struct domain *d, const char *s, size_t n)
{
	struct domain_console *c = &d->console;
	unsigned long flags = arch_irq_save();

	spin_lock(&c->lock);
	/* Checked under the lock: domain_end() flushes after the state
	 * changed, so nothing of a domain is printed after its end line. */
	if (domain_state(d) == DOM_RUNNING) {
		c->quiet_ticks = 0;
		for (size_t i = 0; i < n; i++) {
			char ch = s[i], out[5];
			/* A sequence may be split between writes (the emulated
			 * UART gets one byte at a time), so the decoder's state
			 * is kept; an ASCII byte ends an unfinished one. */
			if ((unsigned char)ch < 0x80) {
				line_add(d, out, text_end(&c->utf8, out));
			}
			if (ch == '\n') {
				emit_line(d);
				continue;
			}
			if (ch == '\r') {
				continue; /* Linux ends lines with CR LF */
			}
			if (in_escape(c, ch)) {
				continue;
			}
			line_add(d, out, text_feed(&c->utf8, (unsigned char)ch, out));
		}
	}
	spin_unlock(&c->lock);
	arch_irq_restore(flags);
}

void console_domain_flush(struct domain *d)
{
	struct domain_console *c = &d->console;
	unsigned long flags = arch_irq_save();
	char out[1];

	spin_lock(&c->lock);
	line_add(d, out, text_end(&c->utf8, out));
	if (c->len > 0) {
		emit_line(d);
	}
	spin_unlock(&c->lock);
	arch_irq_restore(flags);
}

/* --- input ------------------------------------------------------------------------ */

static int focus = -1;      /* domain index, -1: the hypervisor */
static unsigned ctrl_a_run; /* Ctrl-A pressed so many times in a row */

int console_domain_getc(struct domain *d)
{
	struct domain_console *c = &d->console;
	int ch = -1;
	unsigned long flags = arch_irq_save();

	spin_lock(&c->lock);
	if (c->in_head != c->in_tail) {
		ch = (unsigned char)c->in[c->in_tail];
		c->in_tail = (c->in_tail + 1) % CONSOLE_INPUT_MAX;
	}
	spin_unlock(&c->lock);
	arch_irq_restore(flags);
	return ch;
}

bool console_domain_has_input(struct domain *d)
{
	struct domain_console *c = &d->console;

	return __atomic_load_n(&c->in_head, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&c->in_tail, __ATOMIC_RELAXED);
}

static void announce(void)
{
	if (focus < 0) {
		printk("console: input to the hypervisor (Ctrl-A three times to switch)\n");
	} else {
		printk("console: input to %s (Ctrl-A three times to switch)\n",
		       domain_get((unsigned)focus)->name);
	}
}

/* The next running domain after @from, or -1 (the hypervisor) after the last. */
static int next_running(int from)
{
	for (unsigned i = (unsigned)(from + 1); i < domain_count(); i++) {
		if (domain_state(domain_get(i)) == DOM_RUNNING) {
			return (int)i;
		}
	}
	return -1;
}

void console_input_start(struct domain *d)
{
	focus = d != NULL ? (int)d->index : -1;
	announce();
}

static void deliver(char ch)
{
	struct domain *d = focus >= 0 ? domain_get((unsigned)focus) : NULL;

	if (d == NULL || domain_state(d) != DOM_RUNNING) {
		return;
	}
	struct domain_console *c = &d->console;
	unsigned long flags = arch_irq_save();
	spin_lock(&c->lock);
	unsigned next = (c->in_head + 1) % CONSOLE_INPUT_MAX;
	if (next != c->in_tail) { /* full: the byte is lost, as on a UART */
		c->in[c->in_head] = ch;
		__atomic_store_n(&c->in_head, next, __ATOMIC_RELAXED);
	}
	spin_unlock(&c->lock);
	arch_irq_restore(flags);
	vuart_input(d);
}

static void input(char ch)
{
	if (ch == CTRL_A) {
		if (++ctrl_a_run == SWITCH_PRESSES) {
			ctrl_a_run = 0;
			focus = next_running(focus);
			announce();
		}
		return;
	}
	/* Ctrl-A pressed fewer times is input like any other. */
	for (; ctrl_a_run > 0; ctrl_a_run--) {
		deliver(CTRL_A);
	}
	deliver(ch);
}

/* The focused domain's unfinished line (a prompt), once it is quiet. */
static void show_prompt(void)
{
	struct domain *d = focus >= 0 ? domain_get((unsigned)focus) : NULL;

	if (d == NULL) {
		return;
	}
	struct domain_console *c = &d->console;
	unsigned long flags = arch_irq_save();
	spin_lock(&c->lock);
	if (c->len > 0 && ++c->quiet_ticks >= PARTIAL_TICKS && domain_state(d) == DOM_RUNNING &&
	    vcpus_waiting(d)) {
		emit(d, false);
	}
	spin_unlock(&c->lock);
	arch_irq_restore(flags);
}

void console_poll(void)
{
	int ch;

	while ((ch = arch_console_getc()) >= 0) {
		input((char)ch);
	}
	show_prompt();
}

/*
 * libfdt.a (Debian's build) is compiled with -fstack-protector-strong; the
 * guard is in lib/libc/stack_chk.c, whose weak failure hook this replaces.
 */
noreturn void __stack_chk_fail(void);
noreturn void __stack_chk_fail(void)
{
	panic("stack protector: a libfdt stack frame was overwritten");
}
