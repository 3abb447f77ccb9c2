/*
 * The hypervisor's own stage-1 translation (EL2): an identity map with a
 * 4 KiB granule, built by the boot CPU and shared by every CPU (one
 * TTBR0_EL2). At boot, with the MMU off, it maps only what the first steps
 * touch: the image (text read-only + executable, rodata read-only, data and
 * BSS read-write, never executable), the DTB and QEMU's UART; the core then
 * adds RAM and the devices the DTB names. Mappings are only ever added into
 * empty slots and the first mapping of a page wins, so the image keeps its
 * permissions inside the RAM block around it and no live entry is ever
 * rewritten (no break-before-make needed). Page tables come from a static
 * pool: the page allocator does not exist yet when they are made.
 */
#include <string.h>

#include "arm64.h"
#include "pgtable.h"
#include "core/console.h"
#include "sysreg.h"

#define PT_POOL_PAGES 32
#define FDT_MAGIC_BE  0xd00dfeedu
#define FDT_MAX_SIZE  (2 * MiB) /* booting.rst: the DTB is at most 2 MiB */

#define PTE_ATTR(i)  ((uint64_t)(i) << 2)
#define PTE_AP1      (1ull << 6) /* RES1 in the EL2 regime */
#define PTE_RO       (1ull << 7)
#define PTE_SH_INNER (3ull << 8)
#define PTE_AF       (1ull << 10)
#define PTE_XN       (1ull << 54)

#define ATTR_NORMAL 0 /* MAIR_EL2 attr0 */
#define ATTR_DEVICE 1 /* MAIR_EL2 attr1 */
#define PROT_NORMAL (PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_AP1)
#define PROT_TEXT   (PROT_NORMAL | PTE_RO)
#define PROT_RODATA (PROT_NORMAL | PTE_RO | PTE_XN)
#define PROT_RAM    (PROT_NORMAL | PTE_XN)
#define PROT_DEVICE (PTE_ATTR(ATTR_DEVICE) | PTE_AF | PTE_AP1 | PTE_XN)

static uint64_t pt_pool[PT_POOL_PAGES][PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static unsigned pt_used = 1; /* pt_pool[0] is the root (level 1) */
static bool dtb_mapped;

/* Read by secondary_entry with the MMU off (head.S). */
struct mmu_regs mmu_regs;

static uint64_t *pt_alloc(void)
{
	if (pt_used == PT_POOL_PAGES) {
		panic("mmu: all %u page-table pages used", PT_POOL_PAGES);
	}
	return pt_pool[pt_used++]; /* zero: in BSS, never freed */
}

static void map(paddr_t pa, uint64_t size, uint64_t prot)
{
	uint64_t base = align_down(pa_addr(pa), PAGE_SIZE);
	uint64_t end = align_up(pa_addr(pa) + size, PAGE_SIZE);

	if (end > (1ull << TCR_VA_BITS) || end < base) {
		printk("mmu: 0x%llx-0x%llx is beyond the %u-bit address space: not mapped\n",
		       (unsigned long long)base, (unsigned long long)end, TCR_VA_BITS);
		return;
	}
	/* Identity: the virtual address is the physical one. */
	vaddr_t va = va_init(base);
	/* First mapping of a page wins (PT_CLASH is expected: the image's
	 * own mappings lie inside RAM). New entries only filled empty slots,
	 * which no TLB caches: the walker's barrier is all that is needed. */
	pt_map(pt_pool[0], va_addr(va), base, end - base, prot, pt_alloc);
	isb();
}

void arch_map_ram(struct mem_range r)
{
	map(r.base, r.size, PROT_RAM);
}

void arch_map_device(struct mem_range r)
{
	map(r.base, r.size, PROT_DEVICE);
}

bool mmu_dtb_mapped(void)
{
	return dtb_mapped;
}

static uint64_t dcache_line(void)
{
	return 4ull << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

void dcache_clean(const void *p, uint64_t size)
{
	uint64_t line = dcache_line();
	uintptr_t a = align_down((uintptr_t)p, line), end = (uintptr_t)p + size;

	/* Eight lines an iteration: launch cleans every domain's RAM, and the
	 * loop's own instructions were most of the cost. */
	for (; a + 8 * line <= end; a += 8 * line) {
		__asm__ volatile("dc cvac, %0\n\tdc cvac, %1\n\tdc cvac, %2\n\tdc cvac, %3\n\t"
				 "dc cvac, %4\n\tdc cvac, %5\n\tdc cvac, %6\n\tdc cvac, %7"
				 :
				 : "r"(a), "r"(a + line), "r"(a + 2 * line), "r"(a + 3 * line),
				   "r"(a + 4 * line), "r"(a + 5 * line), "r"(a + 6 * line),
				   "r"(a + 7 * line)
				 : "memory");
	}
	for (; a < end; a += line) {
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	}
	dsb(ish);
}

/*
 * DC ZVA zeroes a whole block (DCZID_EL0.BS, 64 bytes on cortex-a57) per
 * instruction: an eighth of the stores of a memset, which matters when every
 * domain's RAM is zeroed at launch (and much more under TCG, where each
 * instruction costs the same whatever it does).
 */
void arch_zero_pages(paddr_t pa, uint64_t size, bool clean)
{
	uint64_t dczid = read_sysreg(dczid_el0);
	uint64_t block = 4ull << (dczid & 0xf);
	char *p = pa_ptr(pa);

	if (dczid & (1u << 4)) { /* DZP: DC ZVA prohibited */
		memset(p, 0, size);
	} else {
		char *b = p, *end = p + size;
		for (; b + 4 * block <= end; b += 4 * block) {
			__asm__ volatile("dc zva, %0\n\tdc zva, %1\n\tdc zva, %2\n\tdc zva, %3"
					 :
					 : "r"(b), "r"(b + block), "r"(b + 2 * block),
					   "r"(b + 3 * block)
					 : "memory");
		}
		for (; b < end; b += block) {
			__asm__ volatile("dc zva, %0" : : "r"(b) : "memory");
		}
	}
	if (clean) {
		dcache_clean(p, size);
	}
}

void arch_dcache_clean(paddr_t pa, uint64_t size)
{
	dcache_clean(pa_ptr(pa), size);
}

static void dcache_invalidate(const void *p, uint64_t size)
{
	uint64_t line = dcache_line();

	for (uint64_t a = (uintptr_t)p; a < (uintptr_t)p + size; a += line) {
		__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
	}
	dsb(ish);
}

/* The DTB's size, read with the MMU off (aligned 32-bit loads only). */
static uint64_t fdt_size_early(paddr_t dtb)
{
	const volatile uint32_t *h = pa_ptr(dtb);

	if (pa_addr(dtb) == 0 || (pa_addr(dtb) & 7) != 0 ||
	    __builtin_bswap32(h[0]) != FDT_MAGIC_BE) {
		return 0;
	}
	uint64_t size = __builtin_bswap32(h[1]);
	return size <= FDT_MAX_SIZE ? size : 0;
}

void mmu_boot(paddr_t dtb)
{
	paddr_t img = pa_of(__image_start);

	map(img, (uintptr_t)__text_end - pa_addr(img), PROT_TEXT);
	map(pa_of(__text_end), (uintptr_t)(__rodata_end - __text_end), PROT_RODATA);
	map(pa_of(__rodata_end), (uintptr_t)(__image_end - __rodata_end), PROT_RAM);
	uint64_t fdt_size = fdt_size_early(dtb);
	if (fdt_size != 0) {
		map(dtb, fdt_size, PROT_RAM);
		dtb_mapped = true;
	}
	map(pa_init(QEMU_UART), PAGE_SIZE, PROT_DEVICE);

	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	if (parange > 5) {
		parange = 5; /* 52-bit output needs FEAT_LPA2 with 4 KiB pages */
	}
	mmu_regs.mair = MAIR_EL2_VALUE;
	mmu_regs.tcr = TCR_EL2_BASE | (parange << TCR_PS_SHIFT);
	mmu_regs.ttbr = (uintptr_t)pt_pool[0];
	mmu_regs.sctlr = SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I | SCTLR_WXN;

	/* Everything so far was written with the caches off, straight to
	 * memory; drop any stale lines of the image (the loader cleaned it to
	 * PoC, booting.rst) so they cannot shadow it once caches are on. */
	dcache_invalidate(__image_start, (uintptr_t)(__image_end - __image_start));
	mmu_enable(&mmu_regs);
}
