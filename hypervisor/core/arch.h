/*
 * The architecture interface: everything the architecture-free core needs
 * from arch/<arch>/, and the core entry points an architecture calls. The
 * core includes only this header; an x86-64 port implements it in its own
 * arch/ folder.
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include "core/platform.h"
#include "core/types.h"

struct cpu;
struct domain;
struct vcpu;
struct stage2; /* a domain's guest-physical address space */
struct pt_assign;
struct lcm_launch;

/* --- implemented by arch/<arch>/ ------------------------------------------- */

const char *arch_name(void);
/* The hypervisor's own footprint in memory: image, BSS, boot stack, tables. */
struct mem_range arch_image_range(void);

/* Fill @p from the firmware's description (arm64: the host DTB at @fdt;
 * x86: the multiboot information structure). The device tree that carries
 * the LCM (arm64: that DTB; x86: multiboot module 0) is checked with
 * lcm_fdt_check() before any walk. Prints the reason and returns -1 when
 * the description is unusable. */
int arch_platform_probe(const void *fdt, struct platform *p);
/* What the firmware's description is called in messages ("DTB",
 * "multiboot info"), and the platform's devices for the boot line
 * (interrupt controller, console) as text in @buf. */
const char *arch_boot_info_name(void);
void arch_platform_describe(const struct platform *p, char *buf, size_t size);

/* Add identity mappings to the hypervisor's address space (first mapping of
 * a page wins: existing mappings, such as the image's, are kept). */
void arch_map_ram(struct mem_range r);
void arch_map_device(struct mem_range r);

/* The hypervisor's console (arm64: the PL011 the platform names): bytes
 * out, polled; a received byte, or -1 when none is waiting. */
void arch_console_init(const struct platform *p);
void arch_console_putc(char c);
int arch_console_getc(void);

/* The LCM bindings' flavour of this architecture (enum lcm_arch of
 * lib/lcm: how modules are located, which modes a domain may have). */
unsigned arch_lcm_arch(void);

/* Interrupt controller named by the probed platform: its global part and
 * this (boot) CPU's part. Secondary CPUs initialise their own part before
 * calling hv_secondary_main(). */
void arch_irq_init(void);

/* Start CPU @c at the architecture's secondary entry on the stack whose top
 * is @stack_top; it ends in hv_secondary_main(). 0 or a firmware error. */
int arch_cpu_start(struct cpu *c, paddr_t stack_top);
/* Interrupt CPU @c (it leaves its guest or its idle wait and looks at its
 * run queue again). */
void arch_cpu_kick(const struct cpu *c);

/* A periodic tick on this CPU: hv_tick() is called from its interrupt,
 * the first time at once, then every 1/@hz s. */
void arch_timer_start(unsigned hz);
uint64_t arch_time_ns(void);

struct cpu *arch_this_cpu(void);
void arch_cpu_relax(void);
/* Sleep until an interrupt is pending (taken first if unmasked). */
void arch_wait_for_irq(void);
void arch_irq_enable(void);
void arch_irq_disable(void);
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);

noreturn void arch_power_off(void);
noreturn void arch_reboot(void);

/* Make what the hypervisor wrote at [pa, pa + size) visible to a guest
 * that runs with its caches off (the boot protocol's entry state). */
/* Zero [pa, pa + size) (page aligned) through the hypervisor's mapping, the
 * fastest way the architecture has (arm64: DC ZVA); with @clean, also clean
 * it to the point of coherency, for a guest that starts with caches off and
 * must see the zeros, not what was in memory before. */
void arch_zero_pages(paddr_t pa, uint64_t size, bool clean);

/* The hypervisor is built without FP/SIMD, but libfdt (a Debian build) uses
 * those registers, which may hold the calling guest's values while the
 * hypervisor serves it: code that calls libfdt after launch keeps them aside
 * in @save between arch_simd_begin() and arch_simd_end(). */
struct arch_simd_save {
	uint64_t words[66]; /* arm64: V0-V31, FPSR, FPCR */
} __attribute__((aligned(16)));
void arch_simd_begin(struct arch_simd_save *save);
void arch_simd_end(const struct arch_simd_save *save);

/* A vCPU that sleeps in WFI on its CPU's timer list: still the CPU's to
 * touch, so its domain's memory cannot be reclaimed yet. */
bool arch_vcpu_sleeping(const struct vcpu *v);
void arch_dcache_clean(paddr_t pa, uint64_t size);

/* --- guest memory (stage 2) ----------------------------------------------- */

/* Address-space ids available to domains: 1..arch_max_vmid(). */
unsigned arch_max_vmid(void);
/* An empty address space with id @vmid; NULL when out of memory. */
struct stage2 *arch_stage2_create(unsigned vmid);
/* Map [ipa, ipa + size) to RAM at @pa (page aligned, largest blocks where
 * both sides allow). -1 when out of memory for page tables. */
int arch_stage2_map(struct stage2 *s, ipaddr_t ipa, paddr_t pa, uint64_t size);
/* Map one page at @ipa (where nothing is mapped) to @pa, read-only for the
 * guest with @readonly; -1 when out of memory for page tables. */
int arch_stage2_map_page(struct stage2 *s, ipaddr_t ipa, paddr_t pa, bool readonly);
/* Unmap the page at @ipa, with the TLB maintenance of every CPU (the
 * domain may be running); a larger block around it is split first, the
 * rest of it staying mapped. 0 also when nothing was mapped; -1 when out
 * of memory for the split. */
int arch_stage2_unmap_page(struct stage2 *s, ipaddr_t ipa);
/* The physical address behind @ipa; false when nothing is mapped there. */
bool arch_stage2_translate(const struct stage2 *s, ipaddr_t ipa, paddr_t *pa);
/* Free the page tables (not the memory they map). */
void arch_stage2_destroy(struct stage2 *s);
/* The end of the guest-physical address space: what stage 2 can map. */
uint64_t arch_guest_ipa_end(void);
/* Whether this architecture passes devices through (core/passthrough.h):
 * without it, a device-tree module is refused and the hardware domain is
 * built as any other domain. */
bool arch_passthrough(void);
/* Map [ipa, ipa + size) to a passed-through device's MMIO at @pa (page
 * aligned): device memory, never executable. -1 when out of memory. */
int arch_stage2_map_device(struct stage2 *s, ipaddr_t ipa, paddr_t pa, uint64_t size);

/* Route the physical interrupt @intid (an SPI, edge- or level-triggered)
 * to @d as a hardware interrupt of the same number: the guest's end of
 * interrupt ends the physical one. -1 when this architecture cannot (an
 * INTID its virtual interrupt controller does not have). Enabled from now
 * on, until arch_irq_release(). */
int arch_irq_assign(struct domain *d, unsigned intid, bool edge);
void arch_irq_release(struct domain *d, unsigned intid);

/* --- the machine a guest sees (its boot protocol and virtual platform) ---- */

/* Where guest RAM and the emulated console UART sit in every domain. */
ipaddr_t arch_guest_ram_base(void);
ipaddr_t arch_guest_uart_base(void);

struct kernel_image {
	uint64_t load_offset; /* from the RAM base: where it must sit */
	uint64_t image_size;  /* bytes that must be free from there */
};

/* Check that @img (@size bytes) is a kernel this architecture boots and
 * fill @k; otherwise return why not (a static string). */
const char *arch_kernel_probe(const void *img, uint64_t size, struct kernel_image *k);

struct guest_dt {
	unsigned nr_vcpus;
	ipaddr_t ram_base;
	uint64_t ram_size;
	const char *bootargs; /* NULL: none */
	bool has_initrd;
	ipaddr_t initrd_start, initrd_end;
	bool xen;          /* a Xen-aware domain: the /hypervisor node (core/xen.h) */
	uint64_t xen_area; /* its grant-table window (core/xen.h: xen_area) */
	const struct lcm_launch *xs_plan;    /* the XENSTORE domain: its plan
					   * (xen_plan_write), else NULL */
	const struct pt_assign *passthrough; /* its devices (core/passthrough.h), or NULL */
};

/* Write the device tree of a domain into @buf; its size, or -1 when @size
 * bytes are not enough. Uses libfdt: boot CPU, before guests run only. */
int arch_guest_dt(void *buf, unsigned size, const struct guest_dt *g);

/* Apply the CPU microcode update of the LCM's config node (@size bytes at
 * @p, its LCM digest already checked). NULL when applied, else why not (a
 * static string); the launch goes on either way. */
const char *arch_microcode_apply(const void *p, uint64_t size);

/* --- domains ----------------------------------------------------------------- */

/* Why this architecture cannot run a domain of LCM @mode (LCM_MODE_* bits,
 * already checked by lib/lcm), or NULL when it can (x86: classic PV). */
const char *arch_mode_refused(uint32_t mode);

/* The architecture's part of a new domain (arm64: its virtual interrupt
 * distributor and its virtual counter offset), in d->arch; -1 when out of
 * memory. Boot CPU, during the launch. */
int arch_domain_init(struct domain *d);
void arch_domain_free(struct domain *d);

/* The emulated UART of @d raised (@level) or lowered its interrupt output.
 * Any CPU, any context (the console's input arrives on the tick). */
void arch_guest_uart_irq(struct domain *d, bool level);

/* --- vCPUs ------------------------------------------------------------------ */

/* Allocate @v's register context; -1 when out of memory. */
int arch_vcpu_init(struct vcpu *v);
void arch_vcpu_free(struct vcpu *v);
/* The boot state of @v: entry at @entry with @arg as first argument,
 * caches and MMU off, everything else reset. Only on @v's own CPU. */
void arch_vcpu_reset(struct vcpu *v, ipaddr_t entry, uint64_t arg);
/* Run @v on this CPU until sched_must_leave() says so or it waits for an
 * interrupt (then sched_block() or sched_wfi() was called). Interrupts
 * masked. */
void arch_vcpu_run(struct vcpu *v);
/* Whether @v, loaded on this CPU, has an interrupt to take (pending for it,
 * or in its virtual CPU interface): sched_block() asks, under @v's
 * run-queue lock, before it lets @v sleep. */
bool arch_vcpu_has_interrupt(struct vcpu *v);

/* --- the Xen guest interface (core/xen.c) ----------------------------------- */

/* Whether this architecture gives domains the Xen guest interface: without
 * it, a Xen-aware domain (hyperlaunch,xen-interface) is refused and the
 * functions below are never called. */
bool arch_xen(void);

/* The guest-physical address that virtual address @va of @v (loaded on
 * this CPU, in a hypercall) translates to through its own stage 1, for a
 * read, or a write with @write; false when it does not. */
bool arch_guest_va_to_ipa(struct vcpu *v, uint64_t va, bool write, ipaddr_t *ipa);
/* Make the event-channel upcall interrupt pending for @v; any CPU. */
void arch_xen_upcall(struct vcpu *v);

/* --- implemented by the core, called by the architecture ------------------- */

/* The boot CPU, with the MMU on and the early console usable; @fdt is the
 * firmware's description (arch_platform_probe). */
noreturn void hv_main(paddr_t fdt);
/* A secondary CPU, with the MMU, exceptions and its interrupt part set up. */
noreturn void hv_secondary_main(void);
/* The hypervisor timer fired on this CPU (interrupt context). */
void hv_tick(void);

#endif /* HV_ARCH_H */
