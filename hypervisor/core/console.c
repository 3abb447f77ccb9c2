/*
 * printk: formats one message with lib/fmt, then writes it to the UART under
 * a lock so that lines from several CPUs never interleave. Callers print
 * whole lines ("...\n"); '\n' goes out as CR LF. Also panic() and the
 * stack-protector hooks libfdt.a needs.
 *
 * Lock order: console_lock is a leaf (nothing is taken while holding it).
 * It is taken with interrupts masked, so an interrupt handler may print.
 */
#include <stdarg.h>

#include <fmt/fmt.h>

#include "core/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/spinlock.h"
#include "drivers/pl011.h"

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
	char buf[256];
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

/*
 * libfdt.a (Debian's build) is compiled with -fstack-protector-strong; the
 * guard is in lib/libc/stack_chk.c, whose weak failure hook this replaces.
 */
noreturn void __stack_chk_fail(void);
noreturn void __stack_chk_fail(void)
{
	panic("stack protector: a libfdt stack frame was overwritten");
}
