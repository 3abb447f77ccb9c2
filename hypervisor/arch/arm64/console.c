/*
 * The hypervisor's console on arm64: the PL011 the host DTB names
 * (platform.c, probe_uart), polled (drivers/pl011.c).
 */
#include <lcm/lcm.h>

#include "arm64.h"
#include "drivers/pl011.h"

static paddr_t uart;

void console_early(paddr_t base)
{
	uart = base;
}

void arch_console_init(const struct platform *p)
{
	uart = p->uart;
}

void arch_console_putc(char c)
{
	pl011_putc(uart, c);
}

int arch_console_getc(void)
{
	return pl011_getc(uart);
}

unsigned arch_lcm_arch(void)
{
	return LCM_ARCH_ARM64;
}
