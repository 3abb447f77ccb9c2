/*
 * x86-64 helpers shared by arch/x86_64: port I/O, MSRs, CPUID, control
 * registers, and the per-CPU block FS points at.
 */
#ifndef X86_X86_H
#define X86_X86_H

#include "core/spinlock.h"
#include "core/types.h"

#define MSR_APIC_BASE 0x0000001B
#define MSR_EFER      0xC0000080
#define MSR_FS_BASE   0xC0000100

#define X86_TICK_VECTOR     0x20
#define X86_KICK_VECTOR     0x21
#define X86_PIC_BASE_VECTOR 0x30 /* the legacy PIC, remapped and masked */
#define X86_SPURIOUS_VECTOR 0xFF

struct cpu;

/*
 * What FS points at on each CPU. Debian's libfdt.a is built with the stack
 * protector, which on x86-64 reads its canary at FS:0x28 (the System V
 * psABI's TLS slot); the rest is ours.
 */
struct x86_percpu {
	uint64_t unused[5];
	uint64_t stack_canary; /* at 0x28 */
	struct cpu *cpu;       /* at 0x30 */
};

struct x86_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}
static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

/* acpi.c: the ACPI table with signature @sig (its length in *@len), or
 * NULL. */
const uint8_t *acpi_table(const char sig[4], uint32_t *len);
/* The RSDP the loader handed over (a copy of it, in its information
 * structure), or NULL; @efi: the firmware is UEFI, so there is no BIOS
 * area to look in when it handed none. */
void acpi_set_rsdp(const uint8_t *rsdp, bool efi);
/* Where the RSDP was found, for the boot line ("none" when nowhere). */
const char *acpi_rsdp_source(void);
/* uart.c: the 16550 of a domain at COM1 (ports 0x3F8-0x3FF). */
struct x86_uart {
	struct spinlock lock;
	uint8_t dll, dlm, ier, fcr, lcr, mcr, scr;
	bool thre; /* the THR-empty interrupt is pending */
};
struct domain;
bool x86_uart_port(uint16_t port);
void x86_uart_access(struct domain *d, struct x86_uart *u, uint16_t port, bool write, uint8_t *val);
/* Its interrupt output (to IRQ 4 of a Linux domain's PIC, linuxpc.c). */
bool x86_uart_irq(struct domain *d, struct x86_uart *u);
/* console.c */
void x86_uart_init(void);
/* traps.c: the IDT (once), then each CPU's GDT, TSS, IDT and FS. */
void x86_idt_init(void);
void x86_cpu_init(struct cpu *c);
/* timer.c */
void x86_timer_calibrate(void);
void x86_lapic_init(void);
void x86_lapic_eoi(void);
/* The tick's vector: a tick when it is due, sleepers woken, the one-shot
 * timer programmed again. */
void x86_timer_interrupt(void);
/* Program this CPU's timer for its next tick or first sleeper's deadline. */
void x86_timer_reprogram(void);
uint64_t x86_tsc_hz(void);
/* A fixed interrupt @vector to the CPU whose local APIC id is @apic_id. */
void x86_lapic_ipi(uint32_t apic_id, uint8_t vector);
/* INIT, then two STARTUPs at real-mode page @page (Intel MP spec B.4). */
void x86_lapic_start_ap(uint32_t apic_id, uint8_t page);
/* smp.c; the trampoline's page, below 1 MiB, is platform.c's choice. */
void x86_smp_probe(uint64_t *hwids, unsigned *n, unsigned max);
void x86_smp_set_trampoline(uint32_t page);
/* platform.c: the loader's magic and information structure (head.S). */
void x86_boot_info(uint32_t magic, uint32_t info);

#endif /* X86_X86_H */
