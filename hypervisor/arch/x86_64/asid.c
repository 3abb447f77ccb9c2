/*
 * ASIDs per vCPU (AMD APM vol. 2, 15.16.1): the TLB tags each entry with
 * the ASID it was made under, so guests with different ASIDs on one CPU
 * need no flush between their turns. Each CPU hands its ASIDs out in
 * generations: within one, an ASID goes to one vCPU at most, so one never
 * used yet in the generation holds no entries (the generation began with
 * a flush of every ASID). A vCPU keeps its ASID while it stays on the CPU
 * and nothing it could have cached went stale; it gets a fresh one
 *   - on its first run, and after a reset (its own old entries, global
 *     pages included, must not survive into the new guest);
 *   - when it comes to another CPU (its entries there may predate changes
 *     to its page tables it made elsewhere: INVLPG and MOV CR3 only flush
 *     the CPU they run on);
 *   - when its domain's nested page tables lost or narrowed a mapping
 *     since its last run (npt.c's epoch);
 *   - when its CPU started a new generation.
 * When a CPU's ASIDs run out, the next generation begins, with a flush of
 * all of them (TLB_CONTROL 1). The ASIDs of vCPUs that are gone (a
 * destroyed domain) are never handed out again in their generation, so
 * their entries are never used.
 */
#include "asid.h"

bool asid_cpu_init(struct asid_cpu *c, uint32_t nr_asids)
{
	if (nr_asids < 2) {
		return false;
	}
	c->limit = nr_asids - 1;
	c->next = c->limit + 1; /* exhausted: the first assignment flushes */
	c->gen = 0;
	return true;
}

unsigned asid_assign(struct asid_cpu *c, unsigned cpu, struct asid_vcpu *a, uint64_t npt_epoch)
{
	unsigned tlb = TLB_CONTROL_NOTHING;

	if (a->gen != 0 && a->gen == c->gen && a->cpu == cpu && a->npt_epoch == npt_epoch) {
		return tlb;
	}
	if (c->next > c->limit) {
		c->gen++;
		c->next = 1;
		tlb = TLB_CONTROL_FLUSH_ALL;
	}
	a->asid = c->next++;
	a->gen = c->gen;
	a->cpu = cpu;
	a->npt_epoch = npt_epoch;
	return tlb;
}
