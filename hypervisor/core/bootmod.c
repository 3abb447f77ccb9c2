/*
 * Boot modules (bootmod.h): one record per distinct memory range a
 * bootloader loaded, whatever number of LCM module nodes name it (a module
 * shared by several domains is one range). A range is in one state at a
 * time, and the state says who owns its memory:
 *
 *   RESERVED  boot material, the launch's: out of the page allocator,
 *             readable by the Boot Domain (HL_BOOT_MODULE_READ), scrubbed
 *             and freed by bootmod_reclaim() when the launch is final
 *   REFUSED   failed validation (below): never read, mapped, hashed or freed
 *   GIVEN     mapped in place as the RAM of a domain that has not run: it is
 *             that domain's memory (domain_reclaim() frees it, never this
 *             file) but still unchanged boot material, so still readable
 *   TAKEN     that domain started, or is being reclaimed: its RAM, which no
 *             one else may read
 *   FREED     returned to the allocator by bootmod_reclaim()
 *
 * Validation happens once, at probe time, before anything reads a module:
 * a range must lie inside one RAM range and clear of the hypervisor's own
 * image, the host device tree, what the firmware reserves, and every other
 * range except an identical one. The LCM cannot know where the hypervisor
 * was loaded, so lcm-tool cannot check this; without it a module could make
 * the hypervisor read device memory or past the end of RAM (a data abort at
 * EL2), hand its own pages to the Boot Domain, or map them into a guest.
 *
 * Lock: bm_lock (taken with interrupts masked) guards the states. Held
 * while a read copies into the reader's RAM, it comes before that domain's
 * touch_lock (the copy may be the first touch of a window) and the
 * allocator's; domain_start() takes it after the domain's cfg_lock.
 * A read copies one chunk under it, so a range cannot be freed, or become a
 * running domain's RAM, in the middle of a copy; bootmod_reclaim() changes
 * a range's state under it before it scrubs and frees outside it.
 */
#include <libfdt.h>
#include <string.h>

#include <crypto/sha256.h>
#include <fmt/fmt.h>
#include <lcm/lcm.h>

#include "core/arch.h"
#include "core/bootmod.h"
#include "core/builder.h"
#include "core/console.h"
#include "core/domain.h"
#include "core/mm.h"
#include "core/spinlock.h"
#include <hyperlaunch/hypercall.h>

/* What one HL_BOOT_MODULE_READ copies at most: the copy runs under bm_lock
 * with interrupts masked. The caller reads on, as with read(2). */
#define READ_CHUNK (64 * KiB)

enum bm_state { BM_RESERVED, BM_REFUSED, BM_GIVEN, BM_TAKEN, BM_FREED };

struct bootmod {
	uint64_t base, size;
	enum bm_state state;
	const char *why;      /* BM_REFUSED: the reason */
	struct domain *owner; /* BM_GIVEN, BM_TAKEN */
	bool hashed;
	uint8_t digest[MODULE_DIGEST_SIZE];
};

static struct bootmod mods[BOOTMOD_MAX];
static unsigned nr_mods;
static int16_t of_lcm[BOOTMOD_MAX]; /* LCM module index -> range */
static uint32_t nr_lcm;
static const struct platform *plat;
static struct spinlock bm_lock;

static bool overlaps(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + asize;
}

static bool in_ram(uint64_t a, uint64_t size)
{
	for (unsigned i = 0; i < plat->nr_ram; i++) {
		uint64_t base = pa_addr(plat->ram[i].base);
		if (a >= base && a + size >= a && a + size <= range_end(&plat->ram[i])) {
			return true;
		}
	}
	return false;
}

/* Why [a, a + size) cannot be a boot module, or NULL. */
static const char *check_range(uint64_t a, uint64_t size)
{
	struct mem_range img = arch_image_range();

	if (size == 0 || !in_ram(a, size)) {
		return "outside RAM";
	}
	if (overlaps(a, size, pa_addr(img.base), img.size)) {
		return "overlaps the hypervisor's own image";
	}
	if (overlaps(a, size, (uintptr_t)plat->fdt, plat->fdt_size)) {
		return "overlaps the host device tree";
	}
	for (unsigned i = 0; i < plat->nr_reserved; i++) {
		if (overlaps(a, size, pa_addr(plat->reserved[i].base), plat->reserved[i].size)) {
			return "overlaps memory the firmware reserved";
		}
	}
	for (unsigned i = 0; i < nr_mods; i++) {
		if (overlaps(a, size, mods[i].base, mods[i].size)) {
			return "overlaps another module";
		}
	}
	return NULL;
}

/* Record [a, a + size) (@what names it in messages); an identical range is
 * the same record. BOOTMOD_NONE when the table is full. */
static int record(uint64_t a, uint64_t size, const char *what)
{
	int found = bootmod_find(a, size);

	if (found != BOOTMOD_NONE) {
		return found;
	}
	if (nr_mods == BOOTMOD_MAX) {
		printk("launch: %s 0x%llx+0x%llx: refused: more than %u boot modules\n", what,
		       (unsigned long long)a, (unsigned long long)size, BOOTMOD_MAX);
		return BOOTMOD_NONE;
	}
	struct bootmod *m = &mods[nr_mods];
	m->base = a;
	m->size = size;
	m->why = check_range(a, size);
	m->state = m->why != NULL ? BM_REFUSED : BM_RESERVED;
	nr_mods++;
	if (m->why == NULL) {
		/* Refused ranges are kept out of the allocator too, for what
		 * of them lies in RAM: whatever is there must live on. */
		printk("mm: reserved 0x%08llx-0x%08llx for %s\n", (unsigned long long)a,
		       (unsigned long long)(a + size), what);
	}
	mm_reserve((struct mem_range){ pa_init(a), size });
	return (int)(m - mods);
}

/* A module named by an mb-index the bootloader did not load: a refused
 * range of its own (nothing to reserve), so that its domain is not built,
 * for this reason. */
static int refuse(const char *what, uint32_t index, unsigned loaded)
{
	if (nr_mods == BOOTMOD_MAX) {
		printk("launch: %s: refused: more than %u boot modules\n", what, BOOTMOD_MAX);
		return BOOTMOD_NONE;
	}
	printk("launch: %s: mb-index %u, but the bootloader loaded %u modules (0 is the LCM)\n",
	       what, index, loaded);
	mods[nr_mods] = (struct bootmod){ .state = BM_REFUSED, .why = "no such multiboot module" };
	return (int)nr_mods++;
}

unsigned bootmod_probe_lcm(const struct platform *p, const struct lcm_launch *l)
{
	plat = p;
	nr_lcm = l->nr_modules < BOOTMOD_MAX ? l->nr_modules : BOOTMOD_MAX;
	for (uint32_t i = 0; i < nr_lcm; i++) {
		const struct lcm_module *m = &l->modules[i];
		char what[96];

		of_lcm[i] = BOOTMOD_NONE;
		if (!(m->flags & (LCM_MODF_ADDR | LCM_MODF_INDEX))) {
			continue;
		}
		const char *owner =
			m->owner == LCM_OWNER_CONFIG ? "config" : l->domains[m->owner].name;
		fmt_snprintf(what, sizeof(what), "the %s module of %s",
			     lcm_module_type_name(m->type), owner);
		if ((m->flags & LCM_MODF_INDEX) && m->mb_index >= p->nr_boot_mods) {
			of_lcm[i] = (int16_t)refuse(what, m->mb_index, p->nr_boot_mods);
			continue;
		}
		of_lcm[i] = (int16_t)record(m->addr, m->size, what);
	}
	return nr_mods;
}

static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++) {
		v = (v << 32) | fdt32_to_cpu(p[i]);
	}
	return v;
}

/* The multiboot bindings Xen on Arm uses (docs/misc/arm/device-tree/
 * booting.txt in Xen): /chosen nodes compatible with one of these. */
static bool is_classic_module(const void *fdt, int node)
{
	static const char *const compat[] = {
		"multiboot,module",
		"multiboot,kernel",
		"multiboot,ramdisk",
	};

	for (size_t i = 0; i < ARRAY_SIZE(compat); i++) {
		if (fdt_node_check_compatible(fdt, node, compat[i]) == 0) {
			return true;
		}
	}
	return false;
}

unsigned bootmod_probe_classic(const struct platform *p)
{
	const void *fdt = p->fdt;
	int chosen = p->fdt_chosen;
	unsigned extra = 0;
	int node;

	plat = p;
	if (chosen < 0) {
		return 0;
	}
	int ac = fdt_address_cells(fdt, chosen);
	int sc = fdt_size_cells(fdt, chosen);
	fdt_for_each_subnode(node, fdt, chosen)
	{
		if (!is_classic_module(fdt, node)) {
			continue;
		}
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		const char *name = fdt_get_name(fdt, node, NULL);
		if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || reg == NULL || len < (ac + sc) * 4) {
			printk("launch: /chosen/%s: no usable reg: module ignored\n", name);
			continue;
		}
		uint64_t a = read_cells(reg, ac), size = read_cells(reg + ac, sc);
		if (nr_mods == BOOTMOD_MAX && bootmod_find(a, size) == BOOTMOD_NONE) {
			extra++; /* one line for them all, below */
			continue;
		}
		char what[96];
		fmt_snprintf(what, sizeof(what), "/chosen/%s", name);
		record(a, size, what);
	}
	if (extra > 0) {
		printk("launch: %u more /chosen modules than the %u supported: ignored\n", extra,
		       BOOTMOD_MAX);
	}
	return nr_mods;
}

bool bootmod_tail_free(int r)
{
	const struct bootmod *m = &mods[r];
	uint64_t end = m->base + m->size;
	uint64_t page = align_down(end, PAGE_SIZE);
	struct mem_range img = arch_image_range();

	if (end % PAGE_SIZE == 0) {
		return true;
	}
	/* What else could share its last page: another module, the
	 * hypervisor, the host DTB, firmware memory. */
	for (unsigned i = 0; i < nr_mods; i++) {
		if ((int)i != r && overlaps(page, PAGE_SIZE, mods[i].base, mods[i].size)) {
			return false;
		}
	}
	if (overlaps(page, PAGE_SIZE, pa_addr(img.base), img.size) ||
	    overlaps(page, PAGE_SIZE, (uintptr_t)plat->fdt, plat->fdt_size)) {
		return false;
	}
	for (unsigned i = 0; i < plat->nr_reserved; i++) {
		if (overlaps(page, PAGE_SIZE, pa_addr(plat->reserved[i].base),
			     plat->reserved[i].size)) {
			return false;
		}
	}
	return true;
}

int bootmod_classic(const char *compat, uint64_t *addr, uint64_t *size)
{
	const void *fdt = plat->fdt;
	int chosen = plat->fdt_chosen;
	int node;

	if (chosen < 0) {
		return -1;
	}
	int ac = fdt_address_cells(fdt, chosen);
	int sc = fdt_size_cells(fdt, chosen);
	fdt_for_each_subnode(node, fdt, chosen)
	{
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		if (fdt_node_check_compatible(fdt, node, compat) != 0 || reg == NULL || ac < 1 ||
		    ac > 2 || sc < 1 || sc > 2 || len < (ac + sc) * 4) {
			continue;
		}
		*addr = read_cells(reg, ac);
		*size = read_cells(reg + ac, sc);
		return node;
	}
	return -1;
}

int bootmod_of_lcm(uint32_t index)
{
	return index < nr_lcm ? of_lcm[index] : BOOTMOD_NONE;
}

int bootmod_find(uint64_t addr, uint64_t size)
{
	for (unsigned i = 0; i < nr_mods; i++) {
		if (mods[i].base == addr && mods[i].size == size) {
			return (int)i;
		}
	}
	return BOOTMOD_NONE;
}

const char *bootmod_refused(int r)
{
	return r >= 0 && (unsigned)r < nr_mods ? mods[r].why : NULL;
}

const uint8_t *bootmod_digest(int r)
{
	struct bootmod *m = &mods[r];

	/* Boot CPU, during the creation phase: no lock needed to fill it. */
	if (!m->hashed) {
		sha256(pa_ptr(pa_init(m->base)), m->size, m->digest);
		m->hashed = true;
	}
	return m->digest;
}

void bootmod_give(int r, struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&bm_lock);

	if (mods[r].state != BM_RESERVED) {
		panic("bootmod: range 0x%llx+0x%llx given to %s is not boot material",
		      (unsigned long long)mods[r].base, (unsigned long long)mods[r].size, d->name);
	}
	mods[r].state = BM_GIVEN;
	mods[r].owner = d;
	spin_unlock_irqrestore(&bm_lock, flags);
}

void bootmod_domain_takes(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&bm_lock);

	for (unsigned i = 0; i < nr_mods; i++) {
		if (mods[i].state == BM_GIVEN && mods[i].owner == d) {
			mods[i].state = BM_TAKEN;
		}
	}
	spin_unlock_irqrestore(&bm_lock, flags);
}

int64_t bootmod_read(int r, uint64_t off, struct domain *to, ipaddr_t ipa, uint64_t n,
		     uint64_t *size)
{
	struct bootmod *m = &mods[r];
	int64_t ret;

	*size = m->size;
	if (off > m->size) {
		return HL_EINVAL;
	}
	if (n > m->size - off) {
		n = m->size - off;
	}
	if (n > READ_CHUNK) {
		n = READ_CHUNK;
	}
	unsigned long flags = spin_lock_irqsave(&bm_lock);
	switch (m->state) {
	case BM_RESERVED:
	case BM_GIVEN:
		ret = domain_write_ram(to, ipa, pa_ptr(pa_init(m->base + off)), n) ? (int64_t)n
										   : HL_EFAULT;
		break;
	case BM_REFUSED:
		ret = HL_ENOENT;
		break;
	default:
		ret = HL_EBUSY;
		break;
	}
	spin_unlock_irqrestore(&bm_lock, flags);
	return ret;
}

uint64_t bootmod_reclaim(void)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < nr_mods; i++) {
		struct bootmod *m = &mods[i];
		unsigned long flags = spin_lock_irqsave(&bm_lock);

		bool mine = m->state == BM_RESERVED;
		if (mine) {
			m->state = BM_FREED;
		}
		spin_unlock_irqrestore(&bm_lock, flags);
		/* Whole pages only: a partial page at either end may share
		 * its page with something else that lives on. */
		uint64_t base = align_up(m->base, PAGE_SIZE);
		uint64_t end = align_down(m->base + m->size, PAGE_SIZE);
		if (!mine || end <= base) {
			continue;
		}
		arch_zero_pages(pa_init(base), end - base, false);
		mm_free(pa_init(base), end - base);
		total += end - base;
	}
	return total;
}
