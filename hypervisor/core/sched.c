/*
 * The scheduler. Each physical CPU has a run queue (FIFO) of the vCPUs
 * placed on it and a loop (sched_run) that takes the first, runs it until
 * it yields, is preempted or goes off, and puts it back at the end: round
 * robin. The tick ends a slice when someone else waits, so a vCPU that
 * spins forever only ever delays the others by a slice. A vCPU waiting for
 * an interrupt (WFI) blocks: it leaves the queue until an interrupt is
 * pending for it (sched_wake: the virtual GIC, its virtual timer's
 * deadline), so idle vCPUs cost nothing. A vCPU that cannot take
 * interrupts (its virtual CPU interface is off: a bare-metal guest that
 * polls) only gives its turn away; if it is alone, the CPU sleeps until
 * the next physical interrupt instead of spinning through it. A CPU with
 * nothing to run sleeps in arch_wait_for_irq(): woken by its tick, a timer
 * deadline of a blocked vCPU, or a kick from the CPU that queued work for
 * it.
 *
 * vCPUs never migrate: placement is round-robin over the CPUs at creation,
 * which spreads domains evenly and keeps each vCPU's registers on one CPU.
 * A latency-critical domain's vCPUs are pinned (hyperlaunch,pinned-cpus):
 * each owns its CPU, which round-robin placement skips, so nothing else
 * ever runs there (Xen's null scheduler, Bao's static partitioning).
 *
 * Lock order: each run-queue lock is a leaf. It is taken in interrupt
 * context too (sched_wake from the timer and the console's input), so it is
 * always held with interrupts masked (vcpu_lock saves and restores them).
 * @current, @need_resched, @wfi and @slice_start belong to the queue's own
 * CPU and are only touched by it.
 */
#include "core/arch.h"
#include "core/cpu.h"
#include "core/domain.h"
#include "core/sched.h"
#include "core/spinlock.h"
#include "core/vcpu.h"

struct runqueue {
	struct spinlock lock;
	struct vcpu *head, *tail;
	unsigned queued; /* written under the lock, read by the tick */
	struct vcpu *current;
	bool need_resched;
	bool wfi;
	uint64_t slice_start; /* the CPU's tick count when current started */
};

static struct runqueue rqs[HV_MAX_CPUS];
static unsigned next_place; /* boot CPU only, during the launch */
static uint64_t reserved;   /* CPUs pinned by a domain (sched_reserve) */

void sched_reserve(uint64_t cpus)
{
	reserved |= cpus;
}

bool sched_has_unpinned_cpu(void)
{
	for (unsigned c = 0; c < cpu_count(); c++) {
		if (cpu_is_online(cpu_get(c)) && !(reserved >> c & 1)) {
			return true;
		}
	}
	return false;
}

/* The @n-th CPU (from 0) of the set @cpus. */
static unsigned nth_cpu(uint64_t cpus, unsigned n)
{
	for (unsigned c = 0; c < 64; c++) {
		if ((cpus >> c & 1) && n-- == 0) {
			return c;
		}
	}
	return 0;
}

void sched_place(struct vcpu *v)
{
	unsigned n = cpu_count();

	if (v->dom->pinned != 0) {
		v->cpu = nth_cpu(v->dom->pinned, v->index);
		return;
	}
	v->cpu = 0;
	for (unsigned tries = 0; tries < n; tries++) {
		unsigned c = next_place++ % n;
		if (cpu_is_online(cpu_get(c)) && !(reserved >> c & 1)) {
			v->cpu = c;
			return;
		}
	}
}

struct vcpu_locked vcpu_lock(struct vcpu *v)
{
	unsigned long flags = arch_irq_save();

	spin_lock(&rqs[v->cpu].lock);
	return (struct vcpu_locked){ v, flags };
}

void vcpu_unlock(struct vcpu_locked l)
{
	spin_unlock(&rqs[l.v->cpu].lock);
	arch_irq_restore(l.flags);
}

/* With the queue's lock held. */
static void append(struct runqueue *rq, struct vcpu *v)
{
	v->rq_next = NULL;
	if (rq->tail != NULL) {
		rq->tail->rq_next = v;
	} else {
		rq->head = v;
	}
	rq->tail = v;
	v->on_rq = true;
	__atomic_store_n(&rq->queued, rq->queued + 1, __ATOMIC_RELAXED);
}

void sched_enqueue(struct vcpu_locked l)
{
	struct vcpu *v = l.v;

	if (v->power == VCPU_ON && !v->on_rq && !v->running && !v->blocked &&
	    !__atomic_load_n(&v->dom->paused, __ATOMIC_ACQUIRE)) {
		append(&rqs[v->cpu], v);
	}
}

void sched_kick(struct vcpu *v)
{
	if (v->cpu != arch_this_cpu()->id) {
		arch_cpu_kick(cpu_get(v->cpu));
	}
}

bool sched_block(struct vcpu *v)
{
	struct vcpu_locked l = vcpu_lock(v);
	/* Asked under the lock: an interrupt made pending before a
	 * sched_wake() that finds @v not yet blocked is seen here. */
	bool block = !arch_vcpu_has_interrupt(v);

	v->blocked = block;
	vcpu_unlock(l);
	return block;
}

void sched_wake(struct vcpu *v)
{
	struct vcpu_locked l = vcpu_lock(v);
	bool look = v->running;

	if (v->blocked) {
		v->blocked = false;
		sched_enqueue(l); /* or put_back() queues it, if still running */
		look = true;
	}
	vcpu_unlock(l);
	if (look) {
		sched_kick(v);
	}
}

/* The first powered-on vCPU of the queue, now running; vCPUs that went off
 * while queued are dropped on the way. */
static struct vcpu *pick(struct runqueue *rq, bool *boot, ipaddr_t *entry, uint64_t *arg)
{
	struct vcpu *v;
	unsigned long flags = arch_irq_save();

	spin_lock(&rq->lock);
	while ((v = rq->head) != NULL) {
		rq->head = v->rq_next;
		if (rq->head == NULL) {
			rq->tail = NULL;
		}
		v->rq_next = NULL;
		v->on_rq = false;
		__atomic_store_n(&rq->queued, rq->queued - 1, __ATOMIC_RELAXED);
		if (v->power == VCPU_ON && !__atomic_load_n(&v->dom->paused, __ATOMIC_ACQUIRE)) {
			break;
		}
	}
	if (v != NULL) {
		v->running = true;
		*boot = v->boot_pending;
		*entry = v->boot_entry;
		*arg = v->boot_arg;
		v->boot_pending = false;
	}
	spin_unlock(&rq->lock);
	arch_irq_restore(flags);
	return v;
}

/* @v left its CPU: back at the end of the queue if it is still on. Returns
 * whether it is the only vCPU waiting. */
static bool put_back(struct runqueue *rq, struct vcpu *v)
{
	unsigned long flags = arch_irq_save();

	spin_lock(&rq->lock);
	v->running = false;
	/* A paused domain's vCPUs wait off the queue until domain_resume(). */
	if (v->power == VCPU_ON && !v->on_rq && !v->blocked &&
	    !__atomic_load_n(&v->dom->paused, __ATOMIC_ACQUIRE)) {
		append(rq, v);
	}
	bool alone = rq->head == v && rq->tail == v;
	spin_unlock(&rq->lock);
	arch_irq_restore(flags);
	return alone;
}

/* Sleep until an interrupt, then take it. Called with interrupts masked:
 * an interrupt that arrives between the caller's check and the wait is
 * pending, and WFI returns at once. */
static void idle(void)
{
	arch_wait_for_irq();
	arch_irq_enable();
	arch_irq_disable();
}

noreturn void sched_run(void)
{
	struct cpu *c = arch_this_cpu();
	struct runqueue *rq = &rqs[c->id];

	arch_irq_disable();
	for (;;) {
		bool boot, waiting;
		ipaddr_t entry;
		uint64_t arg;
		/* CPU 0 gives back ended domains' memory here, a few MiB per
		 * turn: out of interrupt context, and never holding the CPU
		 * long from its vCPUs. */
		bool work = c->id == 0 && domains_reclaim_step(&waiting);
		struct vcpu *v = pick(rq, &boot, &entry, &arg);

		if (v == NULL) {
			if (!work) {
				idle();
			}
			continue;
		}
		if (boot) {
			arch_vcpu_reset(v, entry, arg);
		}
		rq->current = v;
		rq->need_resched = false;
		rq->wfi = false;
		rq->slice_start = __atomic_load_n(&c->ticks, __ATOMIC_RELAXED);
		arch_vcpu_run(v);
		rq->current = NULL;
		if (put_back(rq, v) && rq->wfi) {
			idle();
		}
	}
}

bool sched_must_leave(struct vcpu *v)
{
	return __atomic_load_n(&v->power, __ATOMIC_ACQUIRE) != VCPU_ON ||
	       __atomic_load_n(&v->dom->paused, __ATOMIC_ACQUIRE) || rqs[v->cpu].need_resched;
}

void sched_wfi(struct vcpu *v)
{
	rqs[v->cpu].wfi = true;
}

void sched_tick(void)
{
	struct cpu *c = arch_this_cpu();
	struct runqueue *rq = &rqs[c->id];

	if (rq->current != NULL && __atomic_load_n(&rq->queued, __ATOMIC_RELAXED) > 0 &&
	    c->ticks - rq->slice_start >= SCHED_SLICE_TICKS) {
		rq->need_resched = true;
	}
	/* CPU 0's loop gives back ended domains' memory between vCPUs
	 * (sched_run): a vCPU alone on it must let it, a step per tick. */
	if (rq->current != NULL && c->id == 0 && domains_reclaim_pending()) {
		rq->need_resched = true;
	}
}
