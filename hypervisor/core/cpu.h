/*
 * Per-CPU data of the core. Each physical CPU finds its own struct cpu
 * through arch_this_cpu() (arm64: TPIDR_EL2). The boot CPU is cpu0; the
 * others are numbered in the order the platform lists them. Once up, every
 * CPU runs the scheduler's loop (sched.c).
 */
#ifndef HV_CPU_H
#define HV_CPU_H

#include "core/platform.h"
#include "core/types.h"

#define HV_MAX_CPUS   PLAT_MAX_CPUS
#define HV_STACK_SIZE (16 * KiB)
#define HV_TICK_HZ    100

struct cpu {
	unsigned id;
	uint64_t hwid;  /* arm64: MPIDR affinity */
	bool online;    /* set by the CPU itself (atomic) */
	uint64_t ticks; /* timer interrupts taken (atomic) */
};

void cpus_init(const struct platform *p);
struct cpu *cpu_get(unsigned id);
unsigned cpu_count(void);
bool cpu_is_online(const struct cpu *c);

/* Start every secondary CPU; returns the number of CPUs online. */
unsigned smp_boot(void);
/* Wait until every online CPU has taken @n ticks; false on timeout. */
bool cpus_wait_ticks(uint64_t n, uint64_t timeout_ns);

#endif /* HV_CPU_H */
