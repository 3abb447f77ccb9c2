/*
 * vCPU creation and power states, the semantics behind PSCI CPU_ON, CPU_OFF
 * and AFFINITY_INFO (arch/arm64/vpsci.c decodes the calls). A vCPU that is
 * powered on gets boot_pending: its own CPU resets its registers to the
 * entry point just before running it (sched.c), so no other CPU ever writes
 * a context that may still be loaded.
 *
 * Lock order: the run-queue lock of the vCPU's CPU (vcpu_lock) is a leaf;
 * domain_power_off() is called after it is released.
 */
#include "core/arch.h"
#include "core/domain.h"
#include "core/mm.h"
#include "core/sched.h"
#include "core/vcpu.h"

int vcpus_create(struct domain *d, unsigned n)
{
	paddr_t p = mm_alloc(n * sizeof(struct vcpu), PAGE_SIZE, MM_HV);

	if (mm_failed(p)) {
		return -1;
	}
	d->vcpus = pa_ptr(p);
	for (unsigned i = 0; i < n; i++) {
		struct vcpu *v = &d->vcpus[i];
		v->dom = d;
		v->index = i;
		v->power = VCPU_OFF;
		if (arch_vcpu_init(v) != 0) {
			for (unsigned j = 0; j < i; j++) {
				arch_vcpu_free(&d->vcpus[j]);
			}
			mm_free(p, n * sizeof(struct vcpu));
			d->vcpus = NULL;
			return -1;
		}
		sched_place(v);
	}
	d->nr_vcpus = n;
	return 0;
}

struct vcpu *vcpu_get(struct domain *d, unsigned index)
{
	return index < d->nr_vcpus ? &d->vcpus[index] : NULL;
}

enum vcpu_on_result vcpu_on(struct vcpu *v, ipaddr_t entry, uint64_t arg)
{
	enum vcpu_on_result r;
	struct vcpu_locked l = vcpu_lock(v);

	/* Read under the lock: domain_end() marks the domain before it takes
	 * each vCPU's lock, so a domain being stopped cannot be revived. */
	if (domain_state(v->dom) != DOM_RUNNING) {
		r = VCPU_ON_DENIED;
	} else if (v->power == VCPU_ON) {
		r = v->boot_pending ? VCPU_ON_PENDING : VCPU_ON_ALREADY;
	} else {
		v->boot_entry = entry;
		v->boot_arg = arg;
		v->boot_pending = true;
		v->blocked = false;
		__atomic_store_n(&v->power, VCPU_ON, __ATOMIC_RELEASE);
		sched_enqueue(l);
		r = VCPU_ON_DONE;
	}
	vcpu_unlock(l);
	if (r == VCPU_ON_DONE) {
		sched_kick(v);
	}
	return r;
}

void vcpu_off_self(struct vcpu *v)
{
	struct domain *d = v->dom;
	unsigned on = 0;

	struct vcpu_locked l = vcpu_lock(v);
	__atomic_store_n(&v->power, VCPU_OFF, __ATOMIC_RELEASE);
	vcpu_unlock(l);
	/* PSCI leaves a system with every CPU off undefined; for a domain it
	 * means nothing will ever run again, so it counts as powered off. */
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		on += __atomic_load_n(&d->vcpus[i].power, __ATOMIC_ACQUIRE) == VCPU_ON;
	}
	if (on == 0) {
		domain_power_off(d, "its last vCPU called CPU_OFF");
	}
}

enum vcpu_affinity vcpu_affinity(struct vcpu *v)
{
	enum vcpu_affinity a;
	struct vcpu_locked l = vcpu_lock(v);

	if (v->power == VCPU_OFF) {
		a = VCPU_AFF_OFF;
	} else {
		a = v->boot_pending ? VCPU_AFF_ON_PENDING : VCPU_AFF_ON;
	}
	vcpu_unlock(l);
	return a;
}

bool vcpus_waiting(struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = &d->vcpus[i];
		if (__atomic_load_n(&v->power, __ATOMIC_RELAXED) == VCPU_ON &&
		    !__atomic_load_n(&v->blocked, __ATOMIC_RELAXED)) {
			return false;
		}
	}
	return true;
}
