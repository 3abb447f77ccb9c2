/*
 * Ticket spinlock on the compiler's __atomic builtins, so it stays
 * architecture-free (TARGET_CFLAGS has -mno-outline-atomics: GCC would
 * otherwise call libgcc helpers that probe the CPU through Linux's auxv).
 * Exclusive accesses need normal cacheable memory on real hardware (Arm
 * ARM, "Synchronization and semaphores": on other memory types they are
 * IMPLEMENTATION DEFINED; with the MMU off every data access is Device):
 * take a lock only once the MMU is on.
 */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include "core/arch.h"

struct spinlock {
	uint32_t next;
	uint32_t owner;
};

static inline void spin_lock(struct spinlock *l)
{
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket) {
		arch_cpu_relax();
	}
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

/* For a lock an interrupt handler (the tick) may take too: held with
 * interrupts masked, so the handler never spins on its own CPU's holder.
 * Returns the mask to give back to spin_unlock_irqrestore(). */
static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = arch_irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}

#endif /* HV_SPINLOCK_H */
