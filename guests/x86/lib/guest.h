/*
 * The x86 bare-metal guest runtime: start-up (start.S), Hyperlaunch calls
 * by VMMCALL (RAX the call, RDI RSI RDX R10 R8 the arguments, results in
 * RAX RDI RSI RDX), a console through HL_CONSOLE_WRITE, what the device
 * tree says (bootargs, RAM, the TSC's rate), and power off by halting with
 * interrupts masked. The same API as the arm64 runtime (guests/lib/guest.h)
 * where both have it, so a guest such as the Boot Domain builds for both.
 * A guest defines main(); returning powers the domain off.
 */
#ifndef X86_GUEST_H
#define X86_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hyperlaunch/hypercall.h>

/* A Hyperlaunch call's results, named as on arm64 (x0..x3: RAX RDI RSI
 * RDX). */
struct hvc_result {
	int64_t x0;
	uint64_t x1, x2, x3;
};

int main(const void *fdt);

/* A Hyperlaunch call with three or four arguments. */
struct hvc_result hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
struct hvc_result hvc4(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);

void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gputs(const char *s);

/* True when the hypervisor answers the Hyperlaunch UID query. */
bool on_hyperlaunch(void);
/* Report ready (HL_READY): what a Boot Domain waits for. */
void guest_ready(void);
/* This domain's id (HL_WHOAMI). */
uint32_t guest_domid(void);
/* The name of an HL_E* result ("EPERM"), or "ok" for a non-negative one. */
const char *hl_strerror(int64_t r);
void guest_power_off(void) __attribute__((noreturn));

/* /chosen/bootargs, "" when none; the value of "KEY=VALUE" in them. */
const char *guest_bootargs(void);
bool guest_arg(const char *key, char *buf, size_t size);
/* This guest's RAM as the device tree says, and the image's end. */
uint64_t guest_ram_base(void);
uint64_t guest_ram_size(void);
uintptr_t guest_image_end(void);

/* Wait with interrupts enabled (HLT: the vCPU gives its turn away); the
 * LCM flavour for lcm_parse(); milliseconds of the TSC (its rate from
 * /cpus/tsc-frequency). */
void guest_idle(void);
unsigned guest_lcm_arch(void);
uint64_t guest_time_ms(void);

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

#endif /* X86_GUEST_H */
