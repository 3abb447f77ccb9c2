/*
 * The fake architecture: hypervisor/core/arch.h implemented on the host, so
 * that the real core (every file of hypervisor/core/) runs in unit tests (tests/core/).
 * This header is what a test sees of it.
 *
 * The machine it fakes:
 *  - physical memory is one big host buffer (fake_init); the core maps RAM
 *    1:1 (pa_ptr() is the identity), so host pointers into it are the
 *    "physical" addresses the core hands around;
 *  - the clock is a number the test sets (fake_time_set/advance);
 *  - CPUs: arch_this_cpu() is whichever CPU the test acts as (fake_cpu_set);
 *    there is one host thread, so CPUs take turns: fake_run_cpu() runs one
 *    CPU's scheduler loop until it has nothing to run;
 *  - a vCPU "runs" by calling the guest script registered for its domain
 *    (fake_guest_set), once per guest exit;
 *  - stage 2 is a list of (ipa, pa, size) mappings;
 *  - the PL011 is a buffer of what was printed and a queue of input.
 *
 * What never returns on hardware (arch_power_off, arch_reboot, and so
 * panic()) longjmp()s back to the innermost fake_call() with the reason; so
 * does a CPU that goes idle with interrupts masked (the scheduler's WFI: it
 * would sleep until the test delivers an interrupt). The state of the core
 * is left as it was at that instant: after FAKE_OFF the machine is off, and
 * a test only looks at it.
 */
#ifndef HV_FAKE_H
#define HV_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arch.h"

struct vcpu;
struct domain;

/* --- the machine ---------------------------------------------------------- */

/* @ram_bytes of RAM (2 MiB aligned) and @nr_cpus CPUs (the platform probe
 * reports them); the clock at 0, CPU 0 current, consoles empty. Once per
 * process: the core's own state (domain table, allocator, launch) is
 * global too, so a test binary runs each scenario in a fresh process. */
void fake_init(uint64_t ram_bytes, unsigned nr_cpus);
struct mem_range fake_ram(void);
/* Carve @size bytes (@align aligned) from the bottom of fake RAM, for
 * boot modules the test places before the boot (as a boot loader does). */
void *fake_ram_place(uint64_t size, uint64_t align);
/* The fake platform probe (arch_platform_probe) fails: a test of the panic. */
void fake_platform_fail(bool fail);
/* CPU @id refuses to start (arch_cpu_start returns an error). */
void fake_cpu_refuse(unsigned id);
/* Mark CPUs 0..@n-1 online without a boot (tests of the core's parts that
 * need no launch; cpus_init() must have run). */
void fake_cpus_online(unsigned n);

/* --- time, CPUs, interrupts -------------------------------------------------- */

void fake_time_set(uint64_t ns);
void fake_time_advance(uint64_t ns);
uint64_t fake_time(void);

void fake_cpu_set(unsigned id);
unsigned fake_cpu(void);
bool fake_irqs_enabled(unsigned cpu);
/* arch_cpu_kick() calls per CPU. */
unsigned fake_kicks(unsigned cpu);

/* --- running ----------------------------------------------------------------- */

enum fake_stop {
	FAKE_RETURNED, /* the function returned */
	FAKE_IDLE,     /* a CPU waited for an interrupt with them masked */
	FAKE_OFF,      /* arch_power_off() (also panic()) */
	FAKE_REBOOT,   /* arch_reboot() */
};

/* Call @fn(@arg) and catch what would not return (see the top). */
enum fake_stop fake_call(void (*fn)(void *), void *arg);
/* hv_main() with @fdt as the host DTB: the whole boot, until CPU 0's
 * scheduler has nothing left to run (FAKE_IDLE) or the machine ends. */
enum fake_stop fake_boot(const void *fdt);
/* CPU @cpu's scheduler loop (sched_run()) until it idles. */
enum fake_stop fake_run_cpu(unsigned cpu);
/* Every CPU in turn until none runs anything any more. */
enum fake_stop fake_run_all(void);
/* The hypervisor timer fires on @cpu (hv_tick(), in interrupt context). */
enum fake_stop fake_tick(unsigned cpu);
/* Bytes arch_zero_pages() scrubbed in interrupt context (a tick) so far:
 * work that holds a CPU with interrupts masked. */
uint64_t fake_zeroed_in_irq(void);
/* Bytes arch_zero_pages() scrubbed so far, in any context. */
uint64_t fake_zeroed(void);
/* The test leaves every fake_call() it is in at once, without their
 * return (a failed assertion longjmps to the test framework): forget them. */
void fake_abandon(void);
/* Why a fake_call() ended, as text. */
const char *fake_stop_name(enum fake_stop s);

/* --- guests --------------------------------------------------------------- */

/* What a guest script asks for when it returns (one guest exit each). */
enum fake_exit {
	FAKE_CONTINUE, /* a trap handled: run on (unless told to leave) */
	FAKE_PREEMPT,  /* the CPU is taken back (a tick, a kick) */
	FAKE_WFI,      /* WFI with interrupts it can take: sched_block() */
	FAKE_WFI_POLL, /* WFI with its interrupt controller off: sched_wfi() */
};

/* A guest: called for each exit of vCPU @v, @step counting from 0 since
 * its last reset (its boot). */
typedef enum fake_exit fake_guest_fn(struct vcpu *v, unsigned step);

/* The script of the domain named @name (NULL: every domain without one). */
void fake_guest_set(const char *name, fake_guest_fn *fn);
/* A guest that waits for interrupts forever (the default script). */
enum fake_exit fake_guest_idle(struct vcpu *v, unsigned step);

/* A hypercall from @v: x0 = @fid, x1..x5; @out (may be NULL) gets x0..x3.
 * Returns x0 as the signed result.
 *
 * A call that is not over (hypercall() returns false: HL_DOMAIN_CREATE in
 * steps) is made again, as arm64 does by putting the guest's PC back on
 * the HVC:
 *  - from a guest script (inside arch_vcpu_run), the vCPU yields and the
 *    same step of the script runs again on its next turn; a script sees one
 *    call that returns once the work is over, but whatever its step does
 *    before the call is done again on each turn (unlike a real guest, which
 *    only executes the HVC again), so it must be harmless to repeat;
 *  - from a test acting as @v outside any run, fake_hvc() repeats the call
 *    itself, calling the hook set with fake_hvc_between() in between (what
 *    the CPU's other vCPUs do meanwhile), and returns FAKE_HVC_GONE if @v
 *    may no longer run (off, its domain ended or paused): it would never
 *    make the call again. */
#define FAKE_HVC_GONE INT64_MIN
int64_t fake_hvc(struct vcpu *v, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		 uint64_t a5, uint64_t out[4]);
/* How many times a hypercall answered "not over" so far (each one a repeat
 * of the call). */
unsigned fake_hvc_again(void);
/* @fn(@v, fake_hvc_again()) between a test's call and its repeat; NULL:
 * none. */
void fake_hvc_between(void (*fn)(struct vcpu *v, unsigned again));

/* The fake's part of a vCPU and a domain (arch_vcpu_init, arch_domain_init). */
struct arch_vcpu {
	struct vcpu *v;
	bool used;
	unsigned step; /* exits since the last reset */
	unsigned resets;
	ipaddr_t entry; /* from the last arch_vcpu_reset() */
	uint64_t arg;
	bool interrupt;       /* arch_vcpu_has_interrupt() answers this */
	bool sleeping;        /* arch_vcpu_sleeping() answers this */
	unsigned runs;        /* arch_vcpu_run() calls */
	unsigned xen_upcalls; /* arch_xen_upcall() calls */
};

struct arch_domain {
	bool used;
	bool uart_irq; /* the level arch_guest_uart_irq() gave */
};

/* The order vCPUs ran in: "name.index@cpu " per arch_vcpu_run(). */
const char *fake_trace(void);
void fake_trace_clear(void);
unsigned fake_total_runs(void);

/* --- console ------------------------------------------------------------------ */

/* Everything printed on the physical UART so far, CRs dropped. */
const char *fake_console(void);
void fake_console_clear(void);
/* How many times @needle occurs in fake_console(). */
unsigned fake_console_count(const char *needle);
/* Bytes the physical UART receives (read by the console's poll). */
void fake_console_input(const char *s, size_t n);

/* --- stage 2 -------------------------------------------------------------------- */

/* Mappings of @s, for checks. */
/* Whether @ipa is mapped as a device (arch_stage2_map_device). */
bool fake_stage2_is_device(const struct stage2 *s, ipaddr_t ipa);
/* The domain physical interrupt @intid is routed to (arch_irq_assign). */
const struct domain *fake_irq_owner(unsigned intid);
unsigned fake_stage2_count(const struct stage2 *s);
unsigned fake_stage2_live(void); /* address spaces not destroyed */

/* --- fake kernels ------------------------------------------------------------ */

/* The fake's kernel format (arch_kernel_probe): this header at offset 0. */
#define FAKE_KERNEL_MAGIC "HLFAKEK"
struct fake_kernel {
	char magic[8];        /* FAKE_KERNEL_MAGIC, NUL included */
	uint64_t load_offset; /* page multiple below 2 MiB */
	uint64_t image_size;  /* 0: the file's size */
};

/* Called when the fake meets what must never happen (a power off nobody
 * catches, a lock that would spin forever, a bad stage-2 mapping); the
 * default prints @what and aborts. */
extern void (*fake_bug)(const char *what);

#endif /* HV_FAKE_H */
