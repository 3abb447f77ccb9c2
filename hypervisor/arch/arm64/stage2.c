/*
 * Stage-2 translation: each domain's guest-physical (IPA) space, a 4 KiB
 * granule table tree rooted at level 1 (VTCR_EL2 in sysreg.h: 39-bit IPA,
 * one root table), tagged with the domain's VMID so that CPUs switch
 * domains without flushing TLBs. RAM is mapped normal write-back, inner
 * shareable, read-write, executable, with 1 GiB and 2 MiB blocks where the
 * guest and physical addresses are both aligned (a block descriptor holds
 * only the output address bits above the block's size: Arm ARM DDI 0487,
 * the VMSAv8-64 translation table descriptor formats). Emulated devices
 * are never mapped: their accesses trap. A passed-through device's MMIO is
 * mapped Device-nGnRE, never executable (Arm ARM DDI 0487, "Stage 2 memory
 * region type and attributes"; stage 1 cannot make it cacheable: the
 * stricter of the two stages wins).
 *
 * Tables come from the page allocator (zeroed) and are written through the
 * hypervisor's cacheable mapping, which the walker reads coherently
 * (VTCR_EL2 IRGN0/ORGN0 = write-back). While a domain runs its tables only
 * grow (a window of its RAM mapped at first touch, core/domain.c): an
 * invalid entry becomes valid, which needs no TLB maintenance (a walk that
 * faulted caches nothing), only barriers so that other CPUs' walks see a
 * new table zeroed before the entry pointing to it; and VMIDs are never
 * reused. The one exception is a Xen-aware domain's page given up or
 * granted (core/xen.c, gnttab.c): that page's entry is removed or set,
 * after splitting the block around it break-before-make, with TLB
 * maintenance by IPA for its VMID on every CPU.
 */
#include "arm64.h"
#include "core/console.h"
#include "core/mm.h"
#include "pgtable.h"
#include "sysreg.h"

#define MAX_VMID 255 /* 8-bit VMIDs (ID_AA64MMFR1_EL1.VMIDBits = 0 on a57) */
#define IPA_BITS (64 - VTCR_T0SZ)

#define S2_MEMATTR_WB  (0xfull << 2) /* normal, outer and inner write-back */
#define S2_AP_R        (1ull << 6)
#define S2_AP_RW       (3ull << 6)
#define S2_SH_INNER    (3ull << 8)
#define S2_AF          (1ull << 10)
#define S2_RAM         (S2_MEMATTR_WB | S2_AP_RW | S2_SH_INNER | S2_AF)
#define S2_MEMATTR_DEV (0x1ull << 2) /* Device-nGnRE */
#define S2_XN          (1ull << 54)
#define S2_DEVICE      (S2_MEMATTR_DEV | S2_AP_RW | S2_AF | S2_XN)

struct stage2 {
	uint64_t *root;
	uint64_t vttbr;
};

static struct stage2 spaces[MAX_VMID + 1];

unsigned arch_max_vmid(void)
{
	return MAX_VMID;
}

uint64_t stage2_vttbr(const struct stage2 *s)
{
	return s->vttbr;
}

static uint64_t *new_table(void)
{
	paddr_t p = mm_alloc(PAGE_SIZE, PAGE_SIZE, MM_HV);

	return mm_failed(p) ? NULL : pa_ptr(p);
}

struct stage2 *arch_stage2_create(unsigned vmid)
{
	if (vmid == 0 || vmid > MAX_VMID) {
		return NULL;
	}
	struct stage2 *s = &spaces[vmid];
	s->root = new_table();
	if (s->root == NULL) {
		return NULL;
	}
	s->vttbr = (uint64_t)(uintptr_t)s->root | ((uint64_t)vmid << VTTBR_VMID_SHIFT);
	return s;
}

static int map(struct stage2 *s, ipaddr_t ipa, paddr_t pa, uint64_t size, uint64_t attrs)
{
	uint64_t a = ipa_addr(ipa);

	if (a % PAGE_SIZE != 0 || pa_addr(pa) % PAGE_SIZE != 0 || size % PAGE_SIZE != 0 ||
	    a + size > (1ull << IPA_BITS) || a + size < a) {
		return -1;
	}
	switch (pt_map(s->root, a, pa_addr(pa), size, attrs, new_table)) {
	case PT_OK:
		return 0;
	case PT_CLASH:
		/* The builder and first touches map disjoint ranges, each once. */
		panic("stage2: 0x%llx+0x%llx is already mapped", (unsigned long long)a,
		      (unsigned long long)size);
	case PT_NOMEM:
		break;
	}
	return -1;
}

int arch_stage2_map_page(struct stage2 *s, ipaddr_t ipa, paddr_t pa, bool readonly)
{
	uint64_t a = ipa_addr(ipa);
	uint64_t attrs = readonly ? (S2_RAM & ~S2_AP_RW) | S2_AP_R : S2_RAM;

	if (a % PAGE_SIZE != 0 || pa_addr(pa) % PAGE_SIZE != 0 || a >= (1ull << IPA_BITS)) {
		return -1;
	}
	return pt_map(s->root, a, pa_addr(pa), PAGE_SIZE, attrs, new_table) == PT_OK ? 0 : -1;
}

/* Forget what any CPU's TLBs hold for @ipa of the address space @ctx:
 * by IPA for stage 2, and the combined stage-1+2 entries of its VMID
 * (Arm ARM D8.14, "TLB maintenance"). The TLBI instructions act on the
 * VMID in VTTBR_EL2, so @ctx's is loaded for them and this CPU's put
 * back (it may be in a hypercall of another domain). */
static void invalidate(const void *ctx, uint64_t ipa)
{
	const struct stage2 *s = ctx;
	unsigned long flags = arch_irq_save();
	uint64_t old = read_sysreg(vttbr_el2);

	write_sysreg(vttbr_el2, s->vttbr);
	isb();
	dsb(ishst);
	__asm__ volatile("tlbi ipas2e1is, %0" : : "r"(ipa >> PAGE_SHIFT) : "memory");
	dsb(ish);
	__asm__ volatile("tlbi vmalle1is" ::: "memory");
	dsb(ish);
	write_sysreg(vttbr_el2, old);
	isb();
	arch_irq_restore(flags);
}

int arch_stage2_unmap_page(struct stage2 *s, ipaddr_t ipa)
{
	uint64_t a = ipa_addr(ipa);

	if (a % PAGE_SIZE != 0 || a >= (1ull << IPA_BITS)) {
		return -1;
	}
	return pt_unmap_page(s->root, a, new_table, invalidate, s) == PT_OK ? 0 : -1;
}

int arch_stage2_map(struct stage2 *s, ipaddr_t ipa, paddr_t pa, uint64_t size)
{
	return map(s, ipa, pa, size, S2_RAM);
}

uint64_t arch_guest_ipa_end(void)
{
	return 1ull << IPA_BITS;
}

bool arch_passthrough(void)
{
	return true;
}

int arch_stage2_map_device(struct stage2 *s, ipaddr_t ipa, paddr_t pa, uint64_t size)
{
	return map(s, ipa, pa, size, S2_DEVICE);
}

bool arch_stage2_translate(const struct stage2 *s, ipaddr_t ipa, paddr_t *pa)
{
	uint64_t a = ipa_addr(ipa), out;

	if (a >= (1ull << IPA_BITS) || !pt_lookup(s->root, a, &out)) {
		return false;
	}
	*pa = pa_init(out);
	return true;
}

static void free_table(uint64_t *table)
{
	mm_free(pa_of(table), PAGE_SIZE);
}

void arch_stage2_destroy(struct stage2 *s)
{
	pt_free(s->root, free_table);
	s->root = NULL;
	s->vttbr = 0;
}
