/*
 * printk: formats one message with lib/fmt, then writes it to the UART under
 * a lock so that lines from several CPUs never interleave. Callers print
 * whole lines ("...\n"); '\n' goes out as CR LF. Also panic() and the
 * stack-protector hooks libfdt.a needs.
 *
 * Domain consoles: each domain's output is collected in its own line buffer
 * and printed as one printk line "[name] text" when the line ends or the
 * buffer is full, so lines of different domains never mix. Control
 * characters other than tab are printed as '.': a guest must not be able
 * to move the cursor over, or fake, another domain's or the hypervisor's
 * lines. Input: the physical UART is polled on the boot CPU's tick (no
 * interrupt needed, nothing is lost: QEMU holds back input the UART has no
 * room for); Ctrl-A three times moves the input to the next running domain,
 * after the last one to the hypervisor (which has no commands yet and
 * drops what it gets), then to the first domain again.
 *
 * Lock order: a domain's console lock, then console_lock; console_lock is
 * a leaf. Both are taken with interrupts masked, so the tick may take them.
 */
#include <stdarg.h>

#include <fmt/fmt.h>

#include "core/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/domain.h"
#include "core/spinlock.h"
#include "drivers/pl011.h"

#define CTRL_A          0x01
#define SWITCH_PRESSES  3

static struct spinlock console_lock;
static int lock_holder = -1;            /* CPU id, or -1 */
static paddr_t uart;

void console_init(paddr_t base)
{
	uart = base;
}

static int this_cpu_id(void)
{
	struct cpu *c = arch_this_cpu();

	return c != NULL ? (int)c->id : 0;
}

static void console_write(const char *s, size_t n)
{
	int me = this_cpu_id();
	unsigned long flags = arch_irq_save();
	/* An exception taken while this CPU prints (a fault in printk itself)
	 * must still get its report out, without the lock it already holds. */
	bool nested = __atomic_load_n(&lock_holder, __ATOMIC_RELAXED) == me;

	if (!nested) {
		spin_lock(&console_lock);
		__atomic_store_n(&lock_holder, me, __ATOMIC_RELAXED);
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			pl011_putc(uart, '\r');
		}
		pl011_putc(uart, s[i]);
	}
	if (!nested) {
		__atomic_store_n(&lock_holder, -1, __ATOMIC_RELAXED);
		spin_unlock(&console_lock);
	}
	arch_irq_restore(flags);
}

static int vprintk(const char *fmt, va_list ap)
{
	char buf[384];                  /* a digest mismatch line is ~300 */
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

/* --- domain output ------------------------------------------------------------- */

/* With @c->lock held. */
static void emit_line(struct domain *d)
{
	struct domain_console *c = &d->console;

	printk("[%s] %.*s\n", d->name, (int)c->len, c->line);
	c->len = 0;
}

void console_domain_write(struct domain *d, const char *s, size_t n)
{
	struct domain_console *c = &d->console;
	unsigned long flags = arch_irq_save();

	spin_lock(&c->lock);
	/* Checked under the lock: domain_end() flushes after the state
	 * changed, so nothing of a domain is printed after its end line. */
	if (domain_state(d) == DOM_RUNNING) {
		for (size_t i = 0; i < n; i++) {
			char ch = s[i];
			if (ch == '\n') {
				emit_line(d);
				continue;
			}
			if (ch == '\r') {
				continue;       /* Linux ends lines with CR LF */
			}
			if ((ch < ' ' && ch != '\t') || ch == 0x7f) {
				ch = '.';
			}
			c->line[c->len++] = ch;
			if (c->len == CONSOLE_LINE_MAX) {
				emit_line(d);
			}
		}
	}
	spin_unlock(&c->lock);
	arch_irq_restore(flags);
}

void console_domain_flush(struct domain *d)
{
	struct domain_console *c = &d->console;
	unsigned long flags = arch_irq_save();

	spin_lock(&c->lock);
	if (c->len > 0) {
		emit_line(d);
	}
	spin_unlock(&c->lock);
	arch_irq_restore(flags);
}

/* --- input ------------------------------------------------------------------------ */

static int focus = -1;                  /* domain index, -1: the hypervisor */
static unsigned ctrl_a_run;             /* Ctrl-A pressed so many times in a row */

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
	if (next != c->in_tail) {       /* full: the byte is lost, as on a UART */
		c->in[c->in_head] = ch;
		__atomic_store_n(&c->in_head, next, __ATOMIC_RELAXED);
	}
	spin_unlock(&c->lock);
	arch_irq_restore(flags);
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

void console_poll(void)
{
	int ch;

	while ((ch = pl011_getc(uart)) >= 0) {
		input((char)ch);
	}
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
