/*
 * Virtual CPUs. A vCPU belongs to one domain and is placed on one physical
 * CPU when it is created (round-robin, sched.c); it never moves, so only that
 * CPU ever loads or saves its registers. Its power state (what PSCI sees) and
 * its place in the run queue are guarded by that CPU's run-queue lock; the
 * lock-witness type struct vcpu_locked says "the caller holds it".
 */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include "core/types.h"

struct domain;
struct arch_vcpu;

enum vcpu_power { VCPU_OFF, VCPU_ON };

/* What AFFINITY_INFO reports (PSCI's numbers). */
enum vcpu_affinity { VCPU_AFF_ON = 0, VCPU_AFF_OFF = 1, VCPU_AFF_ON_PENDING = 2 };

enum vcpu_on_result { VCPU_ON_DONE, VCPU_ON_ALREADY, VCPU_ON_PENDING, VCPU_ON_DENIED };

struct vcpu {
	struct domain *dom;
	unsigned index;         /* in its domain: the MPIDR affinity */
	unsigned cpu;           /* the physical CPU it runs on */
	struct arch_vcpu *arch; /* registers (arch/<arch>/vcpu.c) */

	/* Under the run-queue lock of @cpu. @power is also read without it
	 * (atomically) by the run loop, to notice a stop soon. */
	enum vcpu_power power;
	bool boot_pending; /* reset to boot_entry before it runs */
	ipaddr_t boot_entry;
	uint64_t boot_arg;
	bool on_rq;   /* queued on its CPU */
	bool running; /* its CPU is in arch_vcpu_run() for it */
	bool blocked; /* waits for an interrupt, off the queue */
	struct vcpu *rq_next;
};

/* The witness of a held run-queue lock, with the interrupt mask it saved:
 * the lock is also taken in interrupt context (sched_wake). */
struct vcpu_locked {
	struct vcpu *v;
	unsigned long flags;
};

/* Create the @n vCPUs of @d, placed on the physical CPUs; -1 on no memory. */
int vcpus_create(struct domain *d, unsigned n);
/* vCPU @index of @d, or NULL. */
struct vcpu *vcpu_get(struct domain *d, unsigned index);

/* Power a vCPU on at @entry with @arg (PSCI CPU_ON, and each domain's
 * start); the domain must be running. */
enum vcpu_on_result vcpu_on(struct vcpu *v, ipaddr_t entry, uint64_t arg);
/* The calling vCPU powers itself off (PSCI CPU_OFF); the last one of a
 * domain powers the domain off. */
void vcpu_off_self(struct vcpu *v);
enum vcpu_affinity vcpu_affinity(struct vcpu *v);
/* Whether every vCPU of @d is off or blocked waiting for an interrupt (a
 * shell at its prompt waits for input). A snapshot, read without locks. */
bool vcpus_waiting(struct domain *d);

#endif /* HV_VCPU_H */
