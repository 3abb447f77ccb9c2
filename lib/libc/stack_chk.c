/*
 * Debian's libfdt.a is built with -fstack-protector: it reads the canary
 * from __stack_chk_guard and calls __stack_chk_fail on a smashed frame. Our
 * own code is built without the protector. The failure hook is weak: the
 * hypervisor replaces it with a panic, guests with a report.
 */
#include <stdint.h>

uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ull;

__attribute__((weak, noreturn)) void __stack_chk_fail(void)
{
	for (;;) {
		__asm__ volatile("wfi");
	}
}
