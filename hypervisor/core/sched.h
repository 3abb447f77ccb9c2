/*
 * The scheduler: one run queue per physical CPU, round-robin time slices of
 * one hypervisor tick, vCPUs placed round-robin over the CPUs when created.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include "core/vcpu.h"

/* One hypervisor tick: the longest a vCPU runs while others wait. */
#define SCHED_SLICE_TICKS 1

/* Choose @v's physical CPU: its own when its domain pins its vCPUs (the
 * i-th of d->pinned for vCPU i), else the next one, round-robin over those
 * online and not reserved. */
void sched_place(struct vcpu *v);
/* CPUs that pinned vCPUs own: no other vCPU is placed there (the launch,
 * before it builds any domain). */
void sched_reserve(uint64_t cpus);
/* Whether an online CPU is left for vCPUs that are not pinned. */
bool sched_has_unpinned_cpu(void);

/* The run-queue lock of @v's CPU, which guards its power state too. */
struct vcpu_locked vcpu_lock(struct vcpu *v);
void vcpu_unlock(struct vcpu_locked l);

/* Queue a powered-on vCPU that is neither queued nor running. */
void sched_enqueue(struct vcpu_locked l);
/* Make @v's CPU look at its run queue and at @v soon (no lock needed). */
void sched_kick(struct vcpu *v);

/* For the architecture's run loop, after each exit of @v: true when @v must
 * give its CPU back (it is off, or its slice is over and others wait). */
bool sched_must_leave(struct vcpu *v);
/* @v waits for an interrupt (WFI) but cannot take any (its virtual
 * interrupt controller is off: a guest that polls): let others run, or
 * sleep until the next physical interrupt if nobody else is waiting. */
void sched_wfi(struct vcpu *v);
/* @v waits for an interrupt (WFI) it can take: unless
 * arch_vcpu_has_interrupt() says one is already there (false: run on), it
 * leaves the run queue until sched_wake(). Its own CPU, in its run loop. */
bool sched_block(struct vcpu *v);
/* An interrupt became pending for @v: a blocked @v is queued again, and
 * its CPU, if another, is kicked so that it sees the interrupt now (it
 * leaves its guest or its idle wait). Any CPU, any context. */
void sched_wake(struct vcpu *v);

/* Called on every tick of this CPU. */
void sched_tick(void);
/* This CPU's scheduling loop: runs vCPUs, idles when there are none. */
noreturn void sched_run(void);

#endif /* HV_SCHED_H */
