/*
 * The x86 bare-metal guest runtime (guest.h).
 */
#include <stdarg.h>
#include <string.h>

#include <fmt/fmt.h>

#include "guest.h"

void guest_start(const void *fdt);

struct hl_result hypercall4(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	register uint64_t r10 __asm__("r10") = a4;
	struct hl_result r;

	__asm__ volatile("vmmcall"
			 : "=a"(r.r0), "=D"(r.r1), "=S"(r.r2), "=d"(r.r3), "+r"(r10)
			 : "a"(fn), "D"(a1), "S"(a2), "d"(a3)
			 : "memory", "rcx", "r8", "r9", "r11");
	return r;
}

void gputs(const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		struct hl_result r = hypercall4(HL_CONSOLE_WRITE, (uintptr_t)s, n, 0, 0);
		if (r.r0 <= 0) {
			return;
		}
		s += r.r0;
		n -= (size_t)r.r0;
	}
}

void gprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	gputs(buf);
}

void guest_ready(void)
{
	hypercall4(HL_READY, 0, 0, 0, 0);
}

void guest_power_off(void)
{
	for (;;) {
		__asm__ volatile("cli; hlt");
	}
}

void guest_start(const void *fdt)
{
	main(fdt);
	guest_power_off();
}

/* Debian's libfdt.a is built with the stack protector (its canary at
 * FS:0x28, guest-physical 0x28 here, as FS's base is 0). */
void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
	gputs("guest: stack smashed\n");
	guest_power_off();
}
