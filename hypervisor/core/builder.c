/*
 * The domain builder. For one domain, in this order (each step can refuse,
 * and a refused domain gives back all it took, prints why, and is not
 * started; the launch goes on with the next):
 *
 *  1. check its modules before using them: not refused when the launch
 *     found them (bootmod.c: inside RAM, clear of the hypervisor), SHA-256
 *     digest equal to the LCM's (each boot module hashed once, however many
 *     domains share it), the kernel one the architecture boots (arm64: an
 *     Image);
 *  2. lay out its guest-physical memory: RAM at arch_guest_ram_base(), the
 *     kernel at the boot protocol's place (arm64: a 2 MiB aligned base, here
 *     the RAM base, plus text_offset, with image_size free), the device tree
 *     right after it and the ramdisk after the device tree;
 *  3. back its RAM: a module that no other domain uses and that covers whole
 *     pages is mapped in place (no copy: its pages become the domain's);
 *     everything else comes from the page allocator, placed so that guest
 *     and physical addresses agree modulo 2 MiB (then stage 2 can use 2 MiB
 *     blocks), and is scrubbed (zeroed, cleaned to the point of coherency)
 *     and mapped a 2 MiB window at a time when first touched, by the guest
 *     or by the copies below (domain_touch): what a domain never touches
 *     costs nothing, and it can never read what was there before;
 *  4. copy what was not mapped, write the device tree, create the vCPUs.
 *
 * The work is done in bounded steps (build_step: a few MiB hashed or
 * copied; scrubbing on first touch is per 2 MiB window), so that
 * HL_DOMAIN_CREATE can let a CPU's other vCPUs run in between; the launch runs the steps back to back (domain_build), on the
 * boot CPU before any guest runs. The device tree is written with libfdt,
 * whose SIMD registers the caller keeps aside when a guest owns them.
 *
 * Its counters and the benchmark's timeline are timeline.c's.
 */
#include <libfdt.h>
#include <stdarg.h>
#include <string.h>

#include <crypto/sha256.h>
#include <hyperlaunch/lcm-abi.h>
#include <fmt/fmt.h>

#include "core/arch.h"
#include "core/bootmod.h"
#include "core/builder.h"
#include "core/xen.h"
#include "core/console.h"
#include "core/domain.h"
#include "core/mm.h"
#include "core/policy.h"
#include "core/passthrough.h"
#include "core/sched.h"
#include "core/cpu.h"
#include "core/timeline.h"
#include "core/vcpu.h"

#define BLOCK_SIZE  (2 * MiB) /* stage-2 block: worth aligning for */
#define DT_BUF_SIZE (64 * KiB)
#define BUILD_STEP  (4 * MiB)  /* hashed, scrubbed or copied per step */
#define DT_GROW     (64 * KiB) /* after the device tree: HL_BOOT_CONFIGURE's room */

/* The stages of a build, in order; each step of a build does a bounded
 * amount of one stage (BUILD_STEP bytes of hashing, scrubbing or copying). */
enum stage {
	ST_CHECK_KERNEL,
	ST_CHECK_RAMDISK,
	ST_CHECK_DEVTREE,
	ST_LAYOUT,
	ST_COPY_KERNEL,
	ST_COPY_RAMDISK,
	ST_FINISH,
	ST_DONE,
};

/* The working state of one build (in pages of its own: a build for
 * HL_DOMAIN_CREATE lives across hypercalls). */
struct build {
	struct domain_config c;
	struct domain *d;
	char why[240]; /* the reason it failed */
	bool failed;
	enum stage stage;
	uint64_t at;       /* progress in the stage: bytes */
	struct sha256 sha; /* a module hashed in steps */
	struct kernel_image k;
	ipaddr_t kernel_ipa, ramdisk_ipa, dt_ipa;
	int dt_size;
	bool kernel_mapped, ramdisk_mapped;
	bool direct; /* the hardware domain: its RAM at its physical address */
	uint64_t t0, free0;
	struct tl_build tl; /* where its time went */
};

static const struct platform *plat;
static uint8_t dt_buf[DT_BUF_SIZE] __attribute__((aligned(8)));

void builder_init(const struct platform *p)
{
	plat = p;
	timeline_init(p);
	xen_init(p);
}

static bool fail(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct build *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(b->why, sizeof(b->why), fmt, ap);
	va_end(ap);
	b->failed = true;
	return false;
}

static bool digest_matches(struct build *b, const struct module_ref *m, const char *what,
			   const uint8_t *got)
{
	if (memcmp(got, m->digest, MODULE_DIGEST_SIZE) != 0) {
		char want_hex[2 * MODULE_DIGEST_SIZE + 1], got_hex[2 * MODULE_DIGEST_SIZE + 1];
		fmt_hex(want_hex, m->digest, MODULE_DIGEST_SIZE);
		fmt_hex(got_hex, got, MODULE_DIGEST_SIZE);
		return fail(b,
			    "%s module 0x%llx+0x%llx: SHA-256 mismatch: LCM has %s, module has %s",
			    what, (unsigned long long)pa_addr(m->addr), (unsigned long long)m->size,
			    want_hex, got_hex);
	}
	return true;
}

/*
 * Stage 1 for one module, one step: where it is (checked once, when the
 * launch found it), and that it is what the LCM says. A boot module's
 * digest is computed once however many domains share it (bootmod.c); a
 * copy HL_DOMAIN_CREATE made is hashed in steps, every time: its pages are
 * reused by the next one, so no remembered digest may answer for it.
 * True when the module is done with.
 */
static bool check_module_step(struct build *b, const struct module_ref *m, const char *what)
{
	const char *refused = m->range != BOOTMOD_NONE ? bootmod_refused(m->range) : NULL;

	if (!m->present) {
		return true;
	}
	if (refused != NULL) {
		return !fail(b, "%s module 0x%llx+0x%llx: %s", what,
			     (unsigned long long)pa_addr(m->addr), (unsigned long long)m->size,
			     refused);
	}
	if (!m->has_digest) {
		return true;
	}
	if (m->range != BOOTMOD_NONE) {
		digest_matches(b, m, what, bootmod_digest(m->range));
		return true;
	}
	if (b->at == 0) {
		sha256_init(&b->sha);
	}
	uint64_t n = m->size - b->at < BUILD_STEP ? m->size - b->at : BUILD_STEP;
	sha256_update(&b->sha, (const uint8_t *)pa_ptr(m->addr) + b->at, n);
	b->at += n;
	if (b->at < m->size) {
		return false;
	}
	uint8_t got[MODULE_DIGEST_SIZE];
	sha256_final(&b->sha, got);
	digest_matches(b, m, what, got);
	return true;
}

/* Whole pages used by this domain only: its pages can become guest RAM. */
/* A boot module used by this domain only, from a page boundary: its pages
 * can become guest RAM. A last page it fills only in part is taken too
 * when nothing else lies in it (bootmod_tail_free); the rest of that page
 * is zeroed first (a Linux Image is never a whole number of pages: copying
 * 30 MiB to spare a few bytes would cost more than the whole launch). */
static bool mappable(const struct module_ref *m, ipaddr_t ipa)
{
	return m->exclusive && m->range != BOOTMOD_NONE && pa_addr(m->addr) % PAGE_SIZE == 0 &&
	       ipa_addr(ipa) % PAGE_SIZE == 0 &&
	       (m->size % PAGE_SIZE == 0 || bootmod_tail_free(m->range));
}

/* The pages of an in-place module, its last one's tail zeroed. */
static uint64_t in_place_size(const struct module_ref *m)
{
	uint64_t size = align_up(m->size, PAGE_SIZE);

	if (size != m->size) {
		memset((uint8_t *)pa_ptr(m->addr) + m->size, 0, size - m->size);
		arch_dcache_clean(pa_add(m->addr, m->size), size - m->size);
	}
	return size;
}

static int write_dt(struct build *b)
{
	const struct domain_config *c = &b->c;
	struct guest_dt g = {
		.nr_vcpus = c->vcpus,
		.ram_base = b->d->ram_base,
		.ram_size = c->memory,
		.bootargs = c->bootargs,
		.has_initrd = c->ramdisk.present,
		.initrd_start = b->ramdisk_ipa,
		.initrd_end = ipa_init(ipa_addr(b->ramdisk_ipa) + c->ramdisk.size),
		.xen = c->xen,
		.xen_area = b->d->xen != NULL ? b->d->xen->area : 0,
		.xs_plan = c->xs_plan,
		.passthrough = b->d->pt,
	};
	return arch_guest_dt(dt_buf, sizeof(dt_buf), &g);
}

/* Its devices (passthrough.c), kept with the domain: the hardware domain
 * gets every one no other domain has; another domain, those of its
 * device-tree module. */
static bool find_devices(struct build *b)
{
	const struct module_ref *m = &b->c.devtree;
	paddr_t p = mm_alloc(sizeof(struct pt_assign), PAGE_SIZE, MM_HV);
	char why[200];

	if (mm_failed(p)) {
		return fail(b, "no memory for its devices");
	}
	b->d->pt = pa_ptr(p);
	if (b->direct) {
		pt_hardware(plat, b->d, b->d->pt);
		return true;
	}
	if (pt_parse(pa_ptr(m->addr), m->size, plat, b->d, b->d->pt, why, sizeof(why)) != 0) {
		return fail(b, "device-tree module 0x%llx+0x%llx: %s",
			    (unsigned long long)pa_addr(m->addr), (unsigned long long)m->size, why);
	}
	return true;
}

/*
 * Step 2: from the RAM base up, the kernel (at its load offset, with its
 * image size free), its device tree (with room for a Boot Domain's longer
 * bootargs, DT_GROW), then the ramdisk. Kept together at the bottom, a
 * small guest's kernel and device tree share one 2 MiB window, the only
 * one the build has to scrub (RAM is scrubbed a window at a time, on first
 * touch).
 */
static bool layout(struct build *b)
{
	const struct domain_config *c = &b->c;
	uint64_t base = ipa_addr(b->d->ram_base);
	/* The device tree's room does not depend on its size (at most the
	 * buffer, plus what a Boot Domain may add): the tree is written once,
	 * with the ramdisk's final address in it. */
	const uint64_t room = DT_BUF_SIZE + DT_GROW;

	/* image_size comes from the guest's Image header: compare sizes, never
	 * form an end address from it before it is known to fit (it could
	 * wrap). */
	uint64_t need = b->k.image_size > c->kernel.size ? b->k.image_size : c->kernel.size;
	uint64_t after = c->memory > b->k.load_offset ? c->memory - b->k.load_offset : 0;
	if (need > after || room > after - align_up(need, PAGE_SIZE) ||
	    c->ramdisk.size > after - align_up(need, PAGE_SIZE) - room) {
		return fail(
			b,
			"kernel (0x%llx bytes at +0x%llx)%s and device tree do not fit in %llu KiB",
			(unsigned long long)need, (unsigned long long)b->k.load_offset,
			c->ramdisk.present ? ", ramdisk" : "",
			(unsigned long long)(c->memory / KiB));
	}
	uint64_t kernel = base + b->k.load_offset;
	uint64_t dt = kernel + align_up(need, PAGE_SIZE);
	b->kernel_ipa = ipa_init(kernel);
	b->dt_ipa = ipa_init(dt);
	b->ramdisk_ipa = ipa_init(dt + room);
	b->d->dt_room = room;
	if ((c->devtree.present || b->direct) && !find_devices(b)) {
		return false;
	}
	b->dt_size = write_dt(b);
	if (b->dt_size < 0) {
		return fail(b, "its device tree needs more than %llu KiB",
			    (unsigned long long)(DT_BUF_SIZE / KiB));
	}
	return true;
}

static bool add_piece(struct build *b, ipaddr_t ipa, paddr_t pa, uint64_t size, bool owned)
{
	struct domain *d = b->d;

	if (d->nr_mem == DOMAIN_MAX_MEM) {
		return fail(b, "its RAM is in more than %u pieces", DOMAIN_MAX_MEM);
	}
	/* Fresh RAM is mapped (and scrubbed) a 2 MiB window at a time, when
	 * first touched (domain_touch); a module mapped in place is its
	 * contents, mapped now. */
	d->mem[d->nr_mem++] = (struct domain_mem){ ipa, pa, size, owned, owned };
	if (!owned && arch_stage2_map(d->s2, ipa, pa, size) != 0) {
		return fail(b, "no memory for its stage-2 page tables");
	}
	return true;
}

/* Fresh RAM for [ipa, ipa + size): in one run if there is one, congruent to
 * @ipa modulo BLOCK_SIZE when it is big enough to gain blocks from it;
 * else in the longest runs left (boot modules and the hypervisor cut RAM
 * into pieces), 2 MiB multiples while more is to come. */
static bool alloc_piece(struct build *b, ipaddr_t ipa, uint64_t size)
{
	uint64_t phase = ipa_addr(ipa) % BLOCK_SIZE;
	uint64_t got = size;
	paddr_t pa;

	if (b->d->nr_mem == DOMAIN_MAX_MEM) {
		return fail(b, "its RAM is in more than %u pieces", DOMAIN_MAX_MEM);
	}
	if (size + phase >= BLOCK_SIZE) {
		pa = mm_alloc(size + phase, BLOCK_SIZE, MM_UNSCRUBBED);
		if (!mm_failed(pa) && phase != 0) {
			mm_free(pa, phase);
			pa = pa_add(pa, phase);
		}
	} else {
		pa = mm_alloc(size, PAGE_SIZE, MM_UNSCRUBBED);
	}
	if (mm_failed(pa)) {
		pa = mm_alloc_some(size, BLOCK_SIZE, &got, MM_UNSCRUBBED);
		if (!mm_failed(pa) && got < size && got > BLOCK_SIZE && got % BLOCK_SIZE != 0) {
			uint64_t keep = align_down(got, BLOCK_SIZE);
			mm_free(pa_add(pa, keep), got - keep);
			got = keep;
		}
	}
	if (mm_failed(pa) || got == 0) {
		return fail(b, "no memory for %llu KiB of RAM (%llu KiB free)",
			    (unsigned long long)(size / KiB),
			    (unsigned long long)(mm_free_bytes() / KiB));
	}
	if (!add_piece(b, ipa, pa, got, true)) {
		return false;
	}
	return got == size || alloc_piece(b, ipa_init(ipa_addr(ipa) + got), size - got);
}

/* Step 3: RAM is the in-place modules plus fresh memory around them. */
static bool back_ram(struct build *b)
{
	const struct domain_config *c = &b->c;
	struct domain *d = b->d;
	struct {
		uint64_t ipa;
		const struct module_ref *m;
	} holes[2];
	unsigned nr_holes = 0;

	d->s2 = arch_stage2_create(d->index + 1);
	if (d->s2 == NULL) {
		return fail(b, "no memory for its stage-2 page tables");
	}
	if (domain_touch_init(d) != 0) {
		return fail(b, "no memory for its RAM's bookkeeping");
	}
	if (b->direct) {
		return true; /* its one piece is there (place_direct), modules are copied */
	}
	b->kernel_mapped = mappable(&c->kernel, b->kernel_ipa);
	b->ramdisk_mapped = c->ramdisk.present && mappable(&c->ramdisk, b->ramdisk_ipa);
	if (b->kernel_mapped) {
		holes[nr_holes++] = (typeof(holes[0])){ ipa_addr(b->kernel_ipa), &c->kernel };
	}
	if (b->ramdisk_mapped) {
		holes[nr_holes++] = (typeof(holes[0])){ ipa_addr(b->ramdisk_ipa), &c->ramdisk };
	}
	uint64_t fresh = c->memory;
	for (unsigned i = 0; i < nr_holes; i++) {
		fresh -= align_up(holes[i].m->size, PAGE_SIZE);
	}
	if (fresh > mm_free_bytes()) {
		return fail(b, "not enough memory: %llu KiB of RAM to allocate, %llu KiB free",
			    (unsigned long long)(fresh / KiB),
			    (unsigned long long)(mm_free_bytes() / KiB));
	}
	/* The kernel sits below the ramdisk (layout()): holes are in order. */
	uint64_t at = ipa_addr(d->ram_base);
	uint64_t end = at + c->memory;
	for (unsigned i = 0; i <= nr_holes; i++) {
		uint64_t next = i < nr_holes ? holes[i].ipa : end;
		if (next > at && !alloc_piece(b, ipa_init(at), next - at)) {
			return false;
		}
		if (i < nr_holes) {
			const struct module_ref *m = holes[i].m;
			uint64_t size = in_place_size(m);
			if (!add_piece(b, ipa_init(next), m->addr, size, false)) {
				return false;
			}
			at = next + size;
		}
	}
	return true;
}


/* Copy up to BUILD_STEP bytes of module @m into @d's RAM at @ipa, from
 * b->at on; true when it is all there. */
static bool copy_step(struct build *b, const struct module_ref *m, ipaddr_t ipa)
{
	uint64_t n = m->size - b->at < BUILD_STEP ? m->size - b->at : BUILD_STEP;

	if (!domain_write_ram(b->d, ipa_init(ipa_addr(ipa) + b->at),
			      (const uint8_t *)pa_ptr(m->addr) + b->at, n)) {
		return !fail(b, "its modules do not fit in its RAM");
	}
	b->at += n;
	return b->at == m->size;
}

/* Where its vCPUs can run: its pinned CPUs online, or some CPU that no
 * domain pinned. */
static bool cpus_for_vcpus(struct build *b)
{
	uint64_t pinned = b->c.pinned;

	for (unsigned cpu = 0; cpu < 64; cpu++) {
		if ((pinned >> cpu & 1) && (cpu >= cpu_count() || !cpu_is_online(cpu_get(cpu)))) {
			return fail(b, "hyperlaunch,pinned-cpus: CPU %u is not online", cpu);
		}
	}
	if (pinned == 0 && !sched_has_unpinned_cpu()) {
		return fail(b, "every online CPU is pinned by another domain");
	}
	return true;
}

/* The last stage: the device tree and the vCPUs. */
static void finish(struct build *b)
{
	const struct domain_config *c = &b->c;
	struct domain *d = b->d;

	/* Written in the buffer by layout(); no other build ran since. */
	if (!domain_write_ram(d, b->dt_ipa, dt_buf, (uint64_t)b->dt_size)) {
		fail(b, "its device tree does not fit in its RAM");
		return;
	}
	timeline_lap(&b->tl, TL_DT);
	if (!cpus_for_vcpus(b)) {
		return;
	}
	if (vcpus_create(d, c->vcpus) != 0) {
		fail(b, "no memory for %u vCPUs", c->vcpus);
		return;
	}
	timeline_lap(&b->tl, TL_VCPUS);
	uint64_t taken;
	if (d->xen != NULL && !xen_window_free(d, &taken)) {
		fail(b,
		     "%s: its address space has 0x%llx (a device or RAM) where Xen's grant-table "
		     "window (0x%llx, %llu MiB) and store page (0x%llx) go",
		     LCM_PROP_XEN_INTERFACE, (unsigned long long)taken,
		     (unsigned long long)d->xen->area,
		     (unsigned long long)(XEN_GUEST_GNTTAB_SIZE / MiB),
		     (unsigned long long)(d->xen->area + XEN_GUEST_GNTTAB_SIZE));
		return;
	}
	if (d->xen != NULL && d->xen->direct) {
		printk("domain %u %s: Xen grant-table window 0x%llx, store page 0x%llx: above the "
		       "machine's RAM\n",
		       d->domid, d->name, (unsigned long long)d->xen->area,
		       (unsigned long long)(d->xen->area + XEN_GUEST_GNTTAB_SIZE));
	}
	if (d->xen != NULL && xen_domain_built(d) != 0) {
		fail(b, "no memory for its store ring");
		return;
	}
	d->entry = b->kernel_ipa;
	d->dt = b->dt_ipa;
	/* The boot protocol's argument: arm64 Linux takes its device tree's
	 * address in x0 (Documentation/arm64/booting.rst). */
	d->entry_arg = ipa_addr(b->dt_ipa);
}

/*
 * The hardware domain's RAM is at its physical address (guest-physical =
 * physical, as Xen maps dom0 on Arm): the devices it drives do DMA to the
 * addresses its kernel gives them, with no IOMMU to translate. One run of
 * fresh memory, 2 MiB aligned (the kernel's base), scrubbed and mapped on
 * first touch like any domain's.
 */
static bool place_direct(struct build *b)
{
	uint64_t size = b->c.memory;
	paddr_t pa = mm_alloc(size, BLOCK_SIZE, MM_UNSCRUBBED);

	if (mm_failed(pa)) {
		return fail(b, "no %llu KiB of RAM in one piece for its 1:1 memory (%llu KiB free)",
			    (unsigned long long)(size / KiB),
			    (unsigned long long)(mm_free_bytes() / KiB));
	}
	b->d->ram_base = ipa_init(pa_addr(pa));
	return add_piece(b, b->d->ram_base, pa, size, true);
}

/* Checks, then layout and RAM: all small but the digests. */
static void layout_and_ram(struct build *b)
{
	const struct domain_config *c = &b->c;
	const char *bad = arch_kernel_probe(pa_ptr(c->kernel.addr), c->kernel.size, &b->k);

	if (bad != NULL) {
		fail(b, "kernel module 0x%llx+0x%llx: %s",
		     (unsigned long long)pa_addr(c->kernel.addr),
		     (unsigned long long)c->kernel.size, bad);
		return;
	}
	if ((b->direct && !place_direct(b)) || !layout(b)) {
		return;
	}
	timeline_lap(&b->tl, TL_DT); /* layout() is mostly sizing the device tree */
	if (back_ram(b) && b->d->pt != NULL) {
		char why[200];
		if (pt_claim(b->d, b->d->pt, why, sizeof(why)) != 0) {
			fail(b, "its devices: %s", why);
		}
	}
	timeline_lap(&b->tl, TL_MEMORY);
}

/* Leave stage b->stage for the next one. */
static void next_stage(struct build *b)
{
	b->stage++;
	b->at = 0;
}

struct build *build_begin(const struct domain_config *c)
{
	paddr_t p = mm_alloc(sizeof(struct build), PAGE_SIZE, MM_HV);

	if (mm_failed(p)) {
		printk("domain %u %s: not started: no memory to build it\n", c->domid, c->name);
		return NULL;
	}
	struct build *b = pa_ptr(p);
	b->c = *c;
	b->t0 = arch_time_ns();
	b->free0 = mm_free_bytes();
	timeline_build_start(&b->tl);
	b->d = domain_create(c->name, c->domid);
	if (b->d == NULL) {
		printk("domain %u %s: not started: no domain slot or address-space id left\n",
		       c->domid, c->name);
		mm_free(p, sizeof(struct build));
		return NULL;
	}
	timeline_lap(&b->tl, TL_CREATE);
	b->d->permissions = c->permissions;
	b->d->functions = c->functions;
	b->d->safety = c->safety;
	policy_label_domain(b->d, c->label != NULL ? c->label : LCM_DEFAULT_SECURITY_ID);
	b->d->ram_size = c->memory;
	b->d->pinned = c->pinned;
	b->direct = c->hardware && arch_passthrough();
	if (c->refused != NULL) {
		fail(b, "%s", c->refused);
	} else if (c->devtree.present && !arch_passthrough()) {
		fail(b, "device-tree module: this architecture passes no devices through");
	} else if (b->direct && c->devtree.present) {
		fail(b, "device-tree module: the hardware domain gets every device no other domain "
			"got; it takes no device-tree module");
	} else if (c->xen && !arch_xen()) {
		fail(b, "%s: this architecture has no Xen guest interface", LCM_PROP_XEN_INTERFACE);
	} else if (c->xen && xen_domain_init(b->d, c) != 0) {
		fail(b, "no memory for its Xen interface");
	}
	return b;
}

bool build_step(struct build *b)
{
	const struct domain_config *c = &b->c;

	timeline_resume(&b->tl); /* time between steps is not the build's */
	if (b->failed) {
		return true;
	}
	switch (b->stage) {
	case ST_CHECK_KERNEL:
		if (check_module_step(b, &c->kernel, "kernel")) {
			next_stage(b);
		}
		timeline_lap(&b->tl, TL_DIGESTS);
		break;
	case ST_CHECK_RAMDISK:
		if (check_module_step(b, &c->ramdisk, "ramdisk")) {
			next_stage(b);
		}
		timeline_lap(&b->tl, TL_DIGESTS);
		break;
	case ST_CHECK_DEVTREE:
		if (check_module_step(b, &c->devtree, "device-tree")) {
			next_stage(b);
		}
		timeline_lap(&b->tl, TL_DIGESTS);
		break;
	case ST_LAYOUT:
		layout_and_ram(b);
		next_stage(b);
		break;
	case ST_COPY_KERNEL:
		if (b->kernel_mapped || copy_step(b, &c->kernel, b->kernel_ipa)) {
			next_stage(b);
		}
		timeline_lap(&b->tl, TL_COPY);
		break;
	case ST_COPY_RAMDISK:
		if (!c->ramdisk.present || b->ramdisk_mapped ||
		    copy_step(b, &c->ramdisk, b->ramdisk_ipa)) {
			next_stage(b);
		}
		timeline_lap(&b->tl, TL_COPY);
		break;
	case ST_FINISH:
		finish(b);
		next_stage(b);
		break;
	case ST_DONE:
		break;
	}
	return b->failed || b->stage == ST_DONE;
}

static void size_str(char *out, size_t n, uint64_t bytes)
{
	if (bytes % MiB == 0) {
		fmt_snprintf(out, n, "%llu MiB", (unsigned long long)(bytes / MiB));
	} else {
		fmt_snprintf(out, n, "%llu KiB", (unsigned long long)(bytes / KiB));
	}
}

/* A built domain's line, the launch's counters and its timeline line. */
static void report_built(struct build *b)
{
	const struct domain_config *c = &b->c;
	uint64_t ns = arch_time_ns() - b->t0;
	char mem[32], rd[24] = "";

	size_str(mem, sizeof(mem), c->memory);
	if (c->ramdisk.present) {
		fmt_snprintf(rd, sizeof(rd), ", ramdisk %s",
			     b->ramdisk_mapped ? "mapped" : "copied");
	}
	printk("domain %u %s: %s, %u vCPU%s, kernel %s%s, built in %llu.%02llu ms\n", c->domid,
	       c->name, mem, c->vcpus, c->vcpus == 1 ? "" : "s",
	       b->kernel_mapped ? "mapped" : "copied", rd, (unsigned long long)(ns / 1000000),
	       (unsigned long long)(ns / 10000 % 100));

	/* What the domain took: its RAM (fresh or boot modules mapped in
	 * place) and the hypervisor's data for it (the rest of what left the
	 * allocator: its page, vGIC, stage-2 tables, vCPUs). */
	uint64_t fresh = 0, mapped = 0;
	for (unsigned i = 0; i < b->d->nr_mem; i++) {
		*(b->d->mem[i].owned ? &fresh : &mapped) += b->d->mem[i].size;
	}
	uint64_t free1 = mm_free_bytes();
	uint64_t took = b->free0 > free1 ? b->free0 - free1 : 0; /* others may free meanwhile */
	timeline_built(&b->tl, c->domid, c->name, ns, fresh, mapped,
		       took > fresh ? took - fresh : 0);
}

struct domain *build_end(struct build *b)
{
	struct domain *d = b->d;
	const struct domain_config *c = &b->c;

	if (!b->failed && b->stage != ST_DONE) {
		fail(b, "its build was abandoned");
	}
	if (b->failed) {
		domain_release(d);
		printk("domain %u %s: not started: %s\n", c->domid, c->name, b->why);
	} else {
		/* Modules mapped in place are its RAM from now on (freed once,
		 * with the domain). */
		if (b->kernel_mapped && c->kernel.range != BOOTMOD_NONE) {
			bootmod_give(c->kernel.range, d);
		}
		if (b->ramdisk_mapped && c->ramdisk.range != BOOTMOD_NONE) {
			bootmod_give(c->ramdisk.range, d);
		}
		report_built(b);
		if (d->pt != NULL && d->pt->nr != 0) {
			printk("domain %u %s: %u device%s passed through%s\n", c->domid, c->name,
			       d->pt->nr, d->pt->nr == 1 ? "" : "s",
			       b->direct ? ", RAM at its physical address" : "");
		}
	}
	mm_free(pa_of(b), sizeof(struct build));
	domain_publish(d);
	return d;
}

struct domain *domain_build(const struct domain_config *c)
{
	struct build *b = build_begin(c);

	if (b == NULL) {
		return NULL;
	}
	while (!build_step(b)) {
	}
	return build_end(b);
}
