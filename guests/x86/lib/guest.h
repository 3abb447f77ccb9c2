/*
 * The x86 bare-metal guest runtime: start-up (start.S), Hyperlaunch
 * hypercalls by VMMCALL (RAX the call, RDI RSI RDX R10 R8 the arguments,
 * results in RAX RDI RSI RDX), a console through HL_CONSOLE_WRITE, and power
 * off by halting with interrupts masked. A guest defines main(); returning
 * powers the domain off.
 */
#ifndef X86_GUEST_H
#define X86_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hyperlaunch/hypercall.h>

struct hl_result {
	int64_t r0;
	uint64_t r1, r2, r3;
};

int main(const void *fdt);

struct hl_result hypercall4(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gputs(const char *s);
/* Report ready (HL_READY): what a Boot Domain waits for. */
void guest_ready(void);
void guest_power_off(void) __attribute__((noreturn));

#endif /* X86_GUEST_H */
