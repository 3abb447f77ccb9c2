/*
 * HL_DOMAIN_CREATE (docs/hypercalls.md): the fragment is validated by the
 * same LCM library as the launch's LCM, then checked against what already
 * runs (create_refusal); its modules are copied out of the caller's RAM
 * into pages of the hypervisor (the builder takes physical ranges) and the
 * same builder builds the domain, paused; then the copies are freed.
 *
 * A creation is long (a 768 MiB domain is 768 MiB to scrub, a Linux kernel
 * 30 MiB to copy and hash), and the calling CPU serves other vCPUs too. So
 * it is a job that lives across hypercalls: each call does one bounded step
 * (a few MiB) and answers CREATE_AGAIN; the architecture makes the caller
 * execute the same call again after the other vCPUs of its CPU had their
 * turn (Xen's hypercall continuations work the same way). To the guest it
 * is one call that returns when the domain is built.
 *
 * One creation at a time (the builder's device-tree buffer is shared): a
 * call from anyone else meanwhile is HL_EBUSY, unless the job's caller has
 * ended, in which case the job is abandoned first (also done at once by
 * create_caller_ended). A call by the same vCPU with other arguments
 * abandons the job and starts a new one.
 *
 * Lock: create_lock, taken for one step; then the allocator's, the
 * console's and bootmod's locks (all leaves).
 */
#include <string.h>

#include <fmt/fmt.h>
#include <lcm/lcm.h>

#include "core/arch.h"
#include "core/bootmod.h"
#include "core/builder.h"
#include "core/console.h"
#include "core/create.h"
#include "core/launch.h"
#include "core/xen.h"
#include "core/domain.h"
#include "core/launch.h"
#include "core/policy.h"
#include "core/mm.h"
#include "core/spinlock.h"
#include "core/vcpu.h"
#include <hyperlaunch/hypercall.h>

#define FRAGMENT_MAX (64 * KiB) /* an HL_DOMAIN_CREATE fragment */
#define FETCH_STEP   (4 * MiB)  /* copied from the caller per step */

enum job_stage { JOB_FETCH_KERNEL, JOB_FETCH_RAMDISK, JOB_BUILD };

/* The creation under way; caller NULL when none. */
static struct job {
	struct vcpu *caller;
	uint64_t ipa, size; /* the call's arguments */
	paddr_t fragment;   /* its copy: names and bootargs point in */
	struct domain_config c;
	uint64_t src[2]; /* kernel, ramdisk: IPAs in the caller's RAM */
	enum job_stage stage;
	uint64_t at; /* bytes fetched of the current module */
	struct build *b;
} job;
static struct spinlock create_lock;

static struct lcm_domain c_domains[1];
static struct lcm_module c_modules[8];
static struct lcm_diag c_diags[4];

static struct domain *find_name(const char *name)
{
	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *d = domain_get(i);
		if (strncmp(d->name, name, sizeof(d->name)) == 0) {
			return d;
		}
	}
	return NULL;
}

/* The lowest domid no domain of this boot has had (ids are never reused). */
static uint32_t free_domid(void)
{
	for (uint32_t id = 1; id <= LCM_DOMID_MAX; id++) {
		if (domain_find(id) == NULL) {
			return id;
		}
	}
	return LCM_DOMID_AUTO;
}

/* A one-per-system role (docs/bindings.md) @want asks for that a domain
 * still alive holds; NULL when none. */
static const char *held_role(const struct lcm_domain *want, const struct domain **holder)
{
	static const struct {
		bool perm;
		uint32_t bit;
		const char *name;
	} roles[] = {
		{ true, LCM_PERMISSION_HARDWARE, "hardware" },
		{ false, LCM_FUNCTION_CONSOLE, "console" },
		{ false, LCM_FUNCTION_XENSTORE, "xenstore" },
		{ false, LCM_FUNCTION_RECOVERY, "recovery" },
		{ false, LCM_FUNCTION_LEGACY_DOM0, "legacy dom0" },
	};

	for (size_t r = 0; r < ARRAY_SIZE(roles); r++) {
		if (!((roles[r].perm ? want->permissions : want->functions) & roles[r].bit)) {
			continue;
		}
		for (unsigned i = 0; i < domain_count(); i++) {
			const struct domain *d = domain_get(i);
			if (((roles[r].perm ? d->permissions : d->functions) & roles[r].bit) &&
			    d->nr_vcpus > 0 && domain_state(d) != DOM_DESTROYED) {
				*holder = d;
				return roles[r].name;
			}
		}
	}
	return NULL;
}

/*
 * What HL_DOMAIN_CREATE refuses in a valid fragment, with a line naming the
 * caller, the domain and the reason; HL_OK when none (the fragment's domid
 * resolved). The LCM library already refuses BOOT and the reserved domids
 * in a fragment; the checks here are a second line of defence for them.
 */
static int64_t create_refusal(struct domain *caller, struct lcm_domain *ld)
{
	const struct domain *other = NULL;
	const char *role;
	/* A legacy dom0 holds every permission (docs/boot-flow.md). */
	uint32_t perms = caller->permissions |
			 ((caller->functions & LCM_FUNCTION_LEGACY_DOM0) ? LCM_PERMISSION_ALL : 0);

	if (ld->domid_auto && !(ld->functions & LCM_FUNCTION_LEGACY_DOM0)) {
		ld->domid = free_domid();
	}
	if ((ld->functions & LCM_FUNCTION_BOOT) || ld->domid == LCM_DOMID_BOOT ||
	    ld->domid > LCM_DOMID_MAX) {
		printk("create: %s: %s: domid %u and the boot function are the Boot Domain's\n",
		       caller->name, ld->name, ld->domid);
		return HL_EINVAL;
	}
	/* Seed 002: to delegate a permission, a domain must have it. */
	if ((ld->permissions & ~perms) != 0 || (ld->functions & ~caller->functions) != 0) {
		char p[64], f[96];
		lcm_permissions_str(ld->permissions & ~perms, p, sizeof(p));
		lcm_functions_str(ld->functions & ~caller->functions, f, sizeof(f));
		printk("create: %s: %s: may not give what it does not hold (permissions %s, functions %s)\n",
		       caller->name, ld->name, p, f);
		return HL_EPERM;
	}
	if ((other = domain_find(ld->domid)) != NULL) {
		printk("create: %s: %s: domid %u is %s's (ids are never reused in a boot)\n",
		       caller->name, ld->name, ld->domid, other->name);
		return HL_EBUSY;
	}
	if ((other = find_name(ld->name)) != NULL) {
		printk("create: %s: %s: the name is domain %u's\n", caller->name, ld->name,
		       other->domid);
		return HL_EBUSY;
	}
	if ((role = held_role(ld, &other)) != NULL) {
		printk("create: %s: %s: %s is one per system and %s holds it\n", caller->name,
		       ld->name, role, other->name);
		return HL_EBUSY;
	}
	/* Seed 004's profile: the caller is the one control domain there is. */
	const struct lcm_launch *l = launch_lcm();
	if (l != NULL && l->one_control && (ld->permissions & LCM_PERMISSION_CONTROL)) {
		printk("create: %s: %s: control is one per system (%s = \"one\") and %s holds it\n",
		       caller->name, ld->name, LCM_PROP_CONTROL_DOMAINS, caller->name);
		return HL_EBUSY;
	}
	/* Seed 002: the label too is delegated, by the policy's domain:create. */
	if (!policy_check_create(caller, ld->security_id, ld->permissions, ld->functions,
				 ld->safety)) {
		printk("create: %s: %s: the policy does not let %s create a domain labelled %s\n",
		       caller->name, ld->name, caller->label, ld->security_id);
		return HL_EPERM;
	}
	return HL_OK;
}

static void module_ref(const struct lcm_module *m, struct module_ref *r)
{
	r->present = true;
	r->size = m->size;
	r->exclusive = false; /* copied again by the builder: the copy is ours to free */
	r->range = BOOTMOD_NONE;
	r->has_digest = (m->flags & LCM_MODF_DIGEST) != 0;
	if (r->has_digest) {
		memcpy(r->digest, m->sha256, sizeof(r->digest));
	}
}

/* With create_lock: give back everything the job holds; a build under way
 * ends as "not started: its build was abandoned". */
static void job_end(void)
{
	struct module_ref *mods[2] = { &job.c.kernel, &job.c.ramdisk };

	if (job.b != NULL) {
		build_end(job.b);
	}
	for (unsigned i = 0; i < 2; i++) {
		if (mods[i]->present && !mm_failed(mods[i]->addr)) {
			mm_free(mods[i]->addr, mods[i]->size);
		}
	}
	if (job.size != 0) {
		mm_free(job.fragment, job.size);
	}
	memset(&job, 0, sizeof(job));
}

/* With create_lock: read, parse and check the fragment; set up the job. */
static int64_t job_start(struct vcpu *v, uint64_t ipa, uint64_t size)
{
	struct lcm_launch l = {
		.domains = c_domains,
		.max_domains = 1,
		.modules = c_modules,
		.max_modules = 8,
		.diags = c_diags,
		.max_diags = 4,
	};
	int64_t r;

	if (size == 0 || size > FRAGMENT_MAX) {
		return HL_EINVAL;
	}
	paddr_t frag = mm_alloc(size, PAGE_SIZE, MM_HV);
	if (mm_failed(frag)) {
		return HL_ENOMEM;
	}
	if (!domain_read_ram(v->dom, ipa_init(ipa), pa_ptr(frag), size)) {
		mm_free(frag, size);
		return HL_EFAULT;
	}
	if (lcm_parse(&l, pa_ptr(frag), size, (enum lcm_arch)arch_lcm_arch()) != LCM_OK ||
	    l.nr_domains != 1 || c_domains[0].module[LCM_MOD_KERNEL] < 0) {
		char text[400];
		for (uint32_t i = 0; i < l.nr_diags; i++) {
			lcm_diag_format(&c_diags[i], text, sizeof(text));
			printk("create: %s: %s\n", v->dom->name, text);
		}
		mm_free(frag, size);
		return HL_EINVAL;
	}
	if ((r = create_refusal(v->dom, &c_domains[0])) != HL_OK) {
		mm_free(frag, size);
		return r;
	}
	const struct lcm_domain *ld = &c_domains[0];
	const struct lcm_module *k = &c_modules[ld->module[LCM_MOD_KERNEL]];
	const struct lcm_module *rd =
		ld->module[LCM_MOD_RAMDISK] >= 0 ? &c_modules[ld->module[LCM_MOD_RAMDISK]] : NULL;
	job = (struct job){
		.caller = v, .ipa = ipa, .size = size, .fragment = frag,
		.c = {
			.name = ld->name, .domid = ld->domid,
			.permissions = ld->permissions, .functions = ld->functions,
			.vcpus = ld->cpus, .memory = ld->memory_kib * KiB,
			.bootargs = k->bootargs,
			.label = ld->security_id, .safety = ld->safety, .xen = ld->xen,
		},
	};
	xen_config(&job.c, launch_lcm(), ld);
	struct module_ref *mods[2] = { &job.c.kernel, &job.c.ramdisk };
	const struct lcm_module *from[2] = { k, rd };
	for (unsigned i = 0; i < 2; i++) {
		if (from[i] == NULL) {
			continue;
		}
		module_ref(from[i], mods[i]);
		job.src[i] = from[i]->addr;
		/* Unscrubbed: every byte of it is overwritten from the caller's
		 * RAM before use, and a copy that fails is freed unused. */
		mods[i]->addr = mm_alloc(from[i]->size, PAGE_SIZE, MM_UNSCRUBBED);
		if (mm_failed(mods[i]->addr)) {
			printk("create: %s: %s: no memory for a copy of its %s\n", v->dom->name,
			       ld->name, i == 0 ? "kernel" : "ramdisk");
			job_end();
			return HL_ENOMEM;
		}
	}
	return HL_OK;
}

/* One module copied from the caller's RAM, a step at a time; true when
 * it is all here. */
static bool fetch_step(struct vcpu *v, unsigned i, int64_t *r)
{
	struct module_ref *m = i == 0 ? &job.c.kernel : &job.c.ramdisk;
	uint64_t n = m->size - job.at < FETCH_STEP ? m->size - job.at : FETCH_STEP;

	if (!m->present) {
		return true;
	}
	if (!domain_read_ram(v->dom, ipa_init(job.src[i] + job.at),
			     (uint8_t *)pa_ptr(m->addr) + job.at, n)) {
		*r = HL_EFAULT;
		return true;
	}
	job.at += n;
	return job.at == m->size;
}

/* With create_lock: one step of the job; HL_OK (done, domid in *@domid),
 * an error, or CREATE_AGAIN. */
static int64_t job_step(struct vcpu *v, uint64_t *domid)
{
	int64_t r = CREATE_AGAIN;

	switch (job.stage) {
	case JOB_FETCH_KERNEL:
	case JOB_FETCH_RAMDISK:
		if (fetch_step(v, job.stage == JOB_FETCH_KERNEL ? 0 : 1, &r)) {
			job.stage++;
			job.at = 0;
		}
		if (r == HL_EFAULT || job.stage != JOB_BUILD) {
			break;
		}
		job.b = build_begin(&job.c);
		r = job.b != NULL ? CREATE_AGAIN : HL_ENOMEM;
		break;
	case JOB_BUILD:
		if (!build_step(job.b)) {
			break;
		}
		struct domain *d = build_end(job.b);
		job.b = NULL;
		if (d->nr_vcpus == 0) {
			r = HL_ENOMEM; /* its line says why */
			break;
		}
		*domid = d->domid;
		printk("domain %u %s: created by %s, paused\n", d->domid, d->name, v->dom->name);
		policy_domain_line(d);
		r = HL_OK;
		break;
	}
	if (r != CREATE_AGAIN) {
		job_end();
	}
	return r;
}

/* Whether the job's caller can still come back for it. */
static bool caller_alive(void)
{
	return domain_state(job.caller->dom) == DOM_RUNNING &&
	       __atomic_load_n(&job.caller->power, __ATOMIC_ACQUIRE) == VCPU_ON;
}

int64_t create_call(struct vcpu *v, uint64_t ipa, uint64_t size, uint64_t *domid)
{
	int64_t r = HL_OK;
	unsigned long flags = spin_lock_irqsave(&create_lock);
	if (job.caller != NULL && job.caller != v && caller_alive()) {
		r = HL_EBUSY;
	} else {
		if (job.caller != NULL && (job.caller != v || job.ipa != ipa || job.size != size)) {
			job_end(); /* its caller is gone, or made another call */
		}
		if (job.caller == NULL) {
			r = job_start(v, ipa, size);
		}
		if (r == HL_OK) {
			r = job_step(v, domid);
		}
	}
	spin_unlock_irqrestore(&create_lock, flags);
	return r;
}

void create_caller_ended(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&create_lock);

	if (job.caller != NULL && job.caller->dom == d) {
		job_end();
	}
	spin_unlock_irqrestore(&create_lock, flags);
}
