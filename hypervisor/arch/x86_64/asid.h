/*
 * Address-space ids of guests (AMD APM vol. 2, 15.16): which ASID a vCPU
 * runs with on a CPU, and when the TLB must be flushed for it. Pure
 * bookkeeping (no hardware access), so host unit tests run it
 * (tests/unit/test_asid.c); svm.c calls asid_assign() before each VMRUN.
 */
#ifndef X86_ASID_H
#define X86_ASID_H

#include <stdbool.h>
#include <stdint.h>

/* VMCB TLB_CONTROL values (APM vol. 2, Appendix B, Table B-1): 1 flushes
 * every ASID's entries; the per-ASID flushes (3, 7) need FlushByASID,
 * which QEMU's SVM does not have, so a fresh ASID does their work. */
#define TLB_CONTROL_NOTHING   0
#define TLB_CONTROL_FLUSH_ALL 1

/* One physical CPU's ASIDs: 1..@limit (0 is the host's); @next the next
 * one never handed out in generation @gen. */
struct asid_cpu {
	uint32_t next, limit;
	uint64_t gen;
};

/* What a vCPU last ran with: @asid on CPU @cpu in that CPU's generation
 * @gen, its domain's nested page tables at @npt_epoch. gen 0: none. */
struct asid_vcpu {
	uint32_t asid;
	unsigned cpu;
	uint64_t gen;
	uint64_t npt_epoch;
};

/* A CPU with @nr_asids ASIDs (CPUID 0x8000000A EBX, the host's included);
 * false when it has none for guests. Its first assignment flushes. */
bool asid_cpu_init(struct asid_cpu *c, uint32_t nr_asids);
/* The ASID for @a's next VMRUN on CPU @cpu (whose state is @c), its domain's
 * nested page tables now at @npt_epoch: written to @a->asid; the
 * TLB_CONTROL value that run needs is returned. */
unsigned asid_assign(struct asid_cpu *c, unsigned cpu, struct asid_vcpu *a, uint64_t npt_epoch);

#endif /* X86_ASID_H */
