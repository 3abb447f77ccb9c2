/*
 * The bare-metal guest runtime: start-up (start.S), a console, PSCI and
 * Hyperlaunch hypercalls. A guest defines main(); returning powers the domain
 * off. The console is the PL011 the device tree names (/chosen stdout-path or
 * the first arm,pl011 / arm,sbsa-uart), so the same image also runs on Xen
 * dom0less and on bare QEMU.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hyperlaunch/hypercall.h>

#define GUEST_MAX_VCPUS 8

struct hvc_result {
	int64_t x0;
	uint64_t x1, x2, x3;
};

/* The guest's entry point. */
int main(const void *fdt);
/* Secondary vCPUs started with guest_cpu_on() run this. */
void secondary_main(unsigned cpu);

struct hvc_result hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

/* Console: whole lines, printf-style (lib/fmt). */
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gputs(const char *s);

/* True when the hypervisor answers the Hyperlaunch UID query. */
bool on_hyperlaunch(void);
/* A Hyperlaunch call with four arguments (x1..x4). */
struct hvc_result hvc4(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);
/* Report ready (HL_READY) when on Hyperlaunch: what a Boot Domain waits for. */
void guest_ready(void);
/* This domain's id (HL_WHOAMI), 0 when not on Hyperlaunch. */
uint32_t guest_domid(void);
/* The name of an HL_E* result ("EPERM"), or "ok" for a non-negative one. */
const char *hl_strerror(int64_t r);

/* PSCI (DEN0022): through the conduit the DTB's /psci names. */
int64_t guest_cpu_on(unsigned cpu); /* start vCPU @cpu at secondary_main */
void guest_cpu_off(void) __attribute__((noreturn));
void guest_power_off(void) __attribute__((noreturn));
void guest_reset(void) __attribute__((noreturn));
uint32_t psci_version(void);

/* /chosen/bootargs, "" when none. */
const char *guest_bootargs(void);
/* The value of "KEY=VALUE" in bootargs, copied into @buf; false if absent. */
bool guest_arg(const char *key, char *buf, size_t size);

/* This guest's RAM as the device tree says (first /memory range). */
uint64_t guest_ram_base(void);
uint64_t guest_ram_size(void);
/* The image itself: from _start to the end of BSS and stacks. */
uintptr_t guest_image_end(void);

/* Wait for an interrupt (WFI); the architecture's LCM flavour for
 * lcm_parse(); milliseconds of the architectural counter. */
void guest_idle(void);
unsigned guest_lcm_arch(void);
uint64_t guest_time_ms(void);
/* Interrupts (irq.c): the GIC @fdt names set up for vCPU 0 with @fn called
 * for each interrupt (the runtime ends it when @fn returns), IRQs unmasked;
 * an SPI enabled, routed to vCPU 0; a wait until *@counter reaches @n or
 * @timeout_us pass. */
void guest_irq_init(const void *fdt, void (*fn)(unsigned intid));
void guest_irq_enable_spi(unsigned intid);
void guest_irq_enable_ppi(unsigned intid); /* vCPU 0's */
void guest_irq_wait(volatile unsigned *counter, unsigned n, uint64_t timeout_us);
/* The first @compatible node of @fdt: its first reg range's address and
 * its first interrupt as an SPI's INTID (GIC binding: 32 + the cell).
 * False when there is none, or it lacks either property. */
bool guest_dt_spi_device(const void *fdt, const char *compatible, uintptr_t *base, unsigned *intid);

static inline void cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

#endif /* GUEST_H */
