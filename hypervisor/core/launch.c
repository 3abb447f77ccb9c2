/*
 * The launch. Detection and boot modules first (launch_probe):
 * lcm_parse() (lib/lcm) is the one judge of a valid LCM, shared with
 * lcm-tool and the Boot Domain; bootmod.c records and validates every
 * module range (with an LCM, those located by module-addr; in a classic
 * boot, the /chosen multiboot nodes) and owns them until a domain or the
 * reclaim takes them. Then the domains (launch_start): with an
 * LCM every domain node in LCM order, classic: one dom0; each is built
 * (builder.c), all left paused; then the phases of docs/boot-flow.md:
 * preparation when a Boot Domain exists (it alone runs, until HL_BOOT_DONE
 * or its deadline), finalization (console owner, reclaim, unpause the rest
 * except the Recovery Domain), or a launch failure (the Recovery Domain
 * takes over, or the hypervisor reports). When the last domain is off, the
 * LCM's on-all-off decides (launch_all_off).
 *
 * All its state is one structure, L (below), with its rules there.
 *
 * Lock order: L.lock is a leaf (taken with interrupts masked: the boot
 * CPU's tick may fail the launch at the Boot Domain's deadline).
 */
#include <stdarg.h>
#include <libfdt.h>
#include <string.h>

#include <fmt/fmt.h>
#include <lcm/lcm.h>

#include "core/arch.h"
#include "core/bootmod.h"
#include "core/builder.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/domain.h"
#include "core/launch.h"
#include "core/xen.h"
#include "core/measure.h"
#include "core/mm.h"
#include "core/policy.h"
#include "core/sched.h"
#include "core/spinlock.h"
#include "core/timeline.h"
#include <hyperlaunch/hypercall.h>


#define MAX_MODULES 512
#define MAX_DIAGS   16
/* Classic dom0: half the free RAM, at most this, in whole 2 MiB blocks. */
#define DOM0_MAX_MEMORY (256 * MiB)

static struct lcm_domain domains[HV_MAX_DOMAINS];
static struct lcm_module modules[MAX_MODULES];
static struct lcm_diag diags[MAX_DIAGS];

/*
 * The launch's state, all of it, owned by this file. Written by the boot
 * CPU while it probes and builds (before any guest runs); after that by
 * whichever CPU moves the launch on (a hypercall, a fault, the boot CPU's
 * tick): @phase is atomic (release when it changes, acquire to read), and
 * what must happen once (the first failure's report, the hold) is decided
 * under @lock, a leaf taken with interrupts masked.
 */
enum phase { PH_CREATE, PH_PREPARE, PH_FINAL, PH_FAILED };

static struct launch {
	/* The LCM as lcm_parse() judged it (storage: the arrays above). */
	struct lcm_launch lcm;
	int lcm_result;
	bool hyperlaunch; /* an LCM was accepted: roles apply */
	uint8_t on_all_off;
	const struct platform *plat;

	/* The domains of the LCM, by LCM index (NULL: not created). */
	struct domain *initial[HV_MAX_DOMAINS];
	unsigned nr_initial;
	struct domain *bootdom, *recovery;
	/* The Recovery Domain when recovery is all it does: it stands by,
	 * paused, through a successful launch. One that also has other roles
	 * (a dom0, a control domain) starts like any domain and takes over on
	 * a failure. */
	struct domain *standby;

	int phase; /* enum phase, atomic */
	uint64_t t_launch, t_boot_start, boot_deadline;
	bool boot_done;       /* it called HL_BOOT_DONE */
	bool deadline_passed; /* the tick stopped the Boot Domain */
	bool hold_released;
	struct spinlock lock;
	char report[400]; /* the first failure (HL_LAUNCH_STATUS) */
	uint32_t report_domid;
} L = {
	.lcm = {
		.domains = domains, .max_domains = HV_MAX_DOMAINS,
		.modules = modules, .max_modules = MAX_MODULES,
		.diags = diags, .max_diags = MAX_DIAGS,
	},
	.on_all_off = LCM_ALL_OFF_POWEROFF,
	.phase = PH_CREATE,
	.report_domid = HL_NO_DOMID,
};

/* A module named by mb-index is the bootloader's module at that index (x86:
 * the multiboot list, whose module 0 is the LCM); one past the list keeps
 * no range, and bootmod_probe_lcm() refuses it. */
static void locate_mb_modules(const struct platform *p)
{
	for (uint32_t i = 0; i < L.lcm.nr_modules; i++) {
		struct lcm_module *m = &modules[i];
		if ((m->flags & LCM_MODF_INDEX) && m->mb_index < p->nr_boot_mods) {
			m->addr = pa_addr(p->boot_mods[m->mb_index].base);
			m->size = p->boot_mods[m->mb_index].size;
		}
	}
}

unsigned launch_probe(const struct platform *p)
{
	char text[400];

	L.plat = p;
	builder_init(p);
	policy_init();
	/* arch_platform_probe() checked the blob with lcm_fdt_check(). */
	L.lcm_result =
		lcm_parse_checked(&L.lcm, p->fdt, p->fdt_size, (enum lcm_arch)arch_lcm_arch());
	for (uint32_t i = 0; i < L.lcm.nr_diags; i++) {
		lcm_diag_format(&diags[i], text, sizeof(text));
		printk("lcm: %s: %s\n", diags[i].severity == LCM_ERROR ? "error" : "warning", text);
	}
	if (L.lcm.nr_errors > L.lcm.nr_diags) {
		printk("lcm: error: %u more errors not shown\n", L.lcm.nr_errors - L.lcm.nr_diags);
	}
	/* Even a rejected LCM's well-formed modules stay reserved: whatever
	 * runs instead (recovery, the console) must not overwrite them. */
	if (L.lcm_result == LCM_ENOLCM) {
		return bootmod_probe_classic(p);
	}
	locate_mb_modules(p);
	return bootmod_probe_lcm(p, &L.lcm);
}

/* --- the phases (docs/boot-flow.md) ------------------------------------------------ */


/* --- building the domains ---------------------------------------------------- */

static void module_from_lcm(struct module_ref *r, int32_t index)
{
	if (index < 0) {
		return;
	}
	const struct lcm_module *m = &modules[index];
	unsigned users = 0;

	/* A shared module is one range named by several domains' nodes. */
	for (uint32_t i = 0; i < L.lcm.nr_modules; i++) {
		users += modules[i].addr == m->addr && modules[i].size == m->size;
	}
	r->present = true;
	r->addr = pa_init(m->addr);
	r->size = m->size;
	r->range = bootmod_of_lcm((uint32_t)index);
	r->exclusive = users == 1;
	r->has_digest = (m->flags & LCM_MODF_DIGEST) != 0;
	if (r->has_digest) {
		memcpy(r->digest, m->sha256, sizeof(r->digest));
	}
}

/* A module of @ld other than its kernel and ramdisk (which the builder
 * checks) that was refused at probe time: the domain is not built, with
 * the same kind of reason as for a refused kernel. */
static const char *refused_module(const struct lcm_domain *ld, char *why, size_t n)
{
	for (unsigned t = LCM_MOD_DEVICE_TREE; t < LCM_MOD_NR_TYPES; t++) {
		int32_t i = ld->module[t];
		const char *r = i >= 0 ? bootmod_refused(bootmod_of_lcm((uint32_t)i)) : NULL;
		if (r != NULL) {
			fmt_snprintf(why, n, "%s module 0x%llx+0x%llx: %s", lcm_module_type_name(t),
				     (unsigned long long)modules[i].addr,
				     (unsigned long long)modules[i].size, r);
			return why;
		}
	}
	return NULL;
}

/* The hardware domain is built last: it gets every device the others were
 * not given (passthrough.c); they start in LCM order all the same. */
static void build_lcm_domains(void)
{
	L.on_all_off = L.lcm.on_all_off;
	for (uint32_t i = 0; i < L.lcm.nr_domains; i++) {
		sched_reserve(domains[i].pinned); /* before any vCPU is placed */
	}
	for (uint32_t n = 0; n < 2 * L.lcm.nr_domains; n++) {
		uint32_t i = n % L.lcm.nr_domains;
		const struct lcm_domain *ld = &domains[i];
		bool hardware = (ld->permissions & LCM_PERMISSION_HARDWARE) != 0;
		if (hardware != (n >= L.lcm.nr_domains)) {
			continue;
		}
		char why[160];
		struct domain_config c = {
			.name = ld->name,
			.domid = ld->domid,
			.permissions = ld->permissions,
			.functions = ld->functions,
			.vcpus = ld->cpus,
			.memory = ld->memory_kib * KiB,
			.refused = arch_mode_refused(ld->mode),
			.xen = ld->xen,
			.label = ld->security_id,
			.safety = ld->safety,
			.pinned = ld->pinned,
			.hardware = hardware,
		};
		if (c.refused == NULL) {
			c.refused = refused_module(ld, why, sizeof(why));
		}
		xen_config(&c, &L.lcm, ld);
		module_from_lcm(&c.kernel, ld->module[LCM_MOD_KERNEL]);
		module_from_lcm(&c.ramdisk, ld->module[LCM_MOD_RAMDISK]);
		module_from_lcm(&c.devtree, ld->module[LCM_MOD_DEVICE_TREE]);
		if (c.kernel.present) {
			c.bootargs = modules[ld->module[LCM_MOD_KERNEL]].bootargs;
		}
		L.initial[i] = domain_build(&c);
	}
	L.nr_initial = L.lcm.nr_domains;
}

/* The config node's modules (microcode, policy, a launch-wide config) that
 * were refused at probe time: the first one's reason, or NULL. */
static const char *refused_config_module(char *why, size_t n)
{
	for (uint32_t i = L.lcm.first_config_module;
	     i < L.lcm.first_config_module + L.lcm.nr_config_modules; i++) {
		const char *r = bootmod_refused(bootmod_of_lcm(i));
		if (r != NULL) {
			fmt_snprintf(why, n, "the config node's %s module 0x%llx+0x%llx: %s",
				     lcm_module_type_name(modules[i].type),
				     (unsigned long long)modules[i].addr,
				     (unsigned long long)modules[i].size, r);
			return why;
		}
	}
	return NULL;
}

/*
 * The config node's xsm-policy module (docs/policy.md), before any domain
 * is built (their labels are resolved in it): its digest checked, the
 * policy validated and made the label gate's, then every domain's label
 * must be one of its types. NULL when there is none or it is sound; else
 * why the launch fails, and the role policy stays in both gates (what the
 * Recovery Domain, if any, then runs under).
 */
static const char *load_policy(char *why, size_t n)
{
	for (uint32_t i = L.lcm.first_config_module;
	     i < L.lcm.first_config_module + L.lcm.nr_config_modules; i++) {
		const struct lcm_module *m = &modules[i];
		int r = bootmod_of_lcm(i);
		char reason[160];

		/* A refused module is refused_config_module()'s to report. */
		if (m->type != LCM_MOD_XSM_POLICY || r == BOOTMOD_NONE ||
		    bootmod_refused(r) != NULL) {
			continue;
		}
		if ((m->flags & LCM_MODF_DIGEST) &&
		    memcmp(bootmod_digest(r), m->sha256, LCM_SHA256_SIZE) != 0) {
			fmt_snprintf(reason, sizeof(reason),
				     "SHA-256 mismatch with the LCM's digest");
		} else if (policy_load(pa_ptr(pa_init(m->addr)), m->size, reason, sizeof(reason)) ==
			   NULL) {
			break;
		}
		fmt_snprintf(why, n, "xsm-policy module 0x%llx+0x%llx: %s",
			     (unsigned long long)m->addr, (unsigned long long)m->size, reason);
		return why;
	}
	for (uint32_t i = 0; i < L.lcm.nr_domains; i++) {
		if (!policy_label_known(domains[i].security_id)) {
			fmt_snprintf(
				why, n,
				"xsm-policy: domain %s: security-id \"%s\" is not a type of the policy",
				domains[i].name, domains[i].security_id);
			policy_init();
			return why;
		}
	}
	policy_loaded_summary();
	return NULL;
}

/* The config node's microcode modules (their ranges passed the probe's
 * checks) offered to the CPU once their digest matches the LCM's: one line
 * each says whether it was applied (docs/bindings.md). */
static void apply_microcode(void)
{
	for (uint32_t i = L.lcm.first_config_module;
	     i < L.lcm.first_config_module + L.lcm.nr_config_modules; i++) {
		const struct lcm_module *m = &modules[i];
		if (m->type != LCM_MOD_MICROCODE) {
			continue;
		}
		const char *why = "SHA-256 mismatch with the LCM";
		if (!(m->flags & LCM_MODF_DIGEST) ||
		    memcmp(bootmod_digest(bootmod_of_lcm(i)), m->sha256, sizeof(m->sha256)) == 0) {
			why = arch_microcode_apply(pa_ptr(pa_init(m->addr)), m->size);
		}
		if (why == NULL) {
			printk("launch: microcode: %llu bytes applied\n",
			       (unsigned long long)m->size);
		} else {
			printk("launch: microcode: %llu bytes, not applied: %s\n",
			       (unsigned long long)m->size, why);
		}
	}
}

/* The first /chosen node compatible with @compat, as a module. */
static int classic_module(const char *compat, struct module_ref *r)
{
	uint64_t addr, size;
	int node = bootmod_classic(compat, &addr, &size);

	if (node >= 0) {
		r->present = true;
		r->addr = pa_init(addr);
		r->size = size;
		r->range = bootmod_find(addr, size);
		r->exclusive = true;
	}
	return node;
}

/*
 * Classic launch: one domain with every permission and function, as Xen's
 * dom0, from the multiboot,kernel (and multiboot,ramdisk) nodes. Its vCPUs
 * are the online physical CPUs; its memory is half of what is free,
 * at most DOM0_MAX_MEMORY and the longest free run (docs/architecture.md).
 */
static void build_classic(void)
{
	const void *fdt = L.plat->fdt;
	struct domain_config c = {
		.name = "dom0",
		.domid = 0,
		.permissions = LCM_PERMISSION_ALL,
		.functions = LCM_FUNCTION_ALL,
		.label = "dom0_t",
		.safety = LCM_SAFETY_SAFE,
		.hardware = true,
	};
	int kernel = classic_module("multiboot,kernel", &c.kernel);

	if (kernel < 0) {
		printk("launch: classic: no /chosen node compatible with \"multiboot,kernel\": no dom0\n");
		return;
	}
	classic_module("multiboot,ramdisk", &c.ramdisk);
	c.bootargs = fdt_getprop(fdt, kernel, "bootargs", NULL);
	if (c.bootargs == NULL) {
		int chosen = L.plat->fdt_chosen;
		c.bootargs = fdt_getprop(fdt, chosen, "xen,dom0-bootargs", NULL);
	}
	for (unsigned i = 0; i < cpu_count(); i++) {
		c.vcpus += cpu_is_online(cpu_get(i));
	}
	c.memory = align_down(mm_free_bytes() / 2, 2 * MiB);
	if (c.memory > DOM0_MAX_MEMORY) {
		c.memory = DOM0_MAX_MEMORY;
	}
	/* It is the hardware domain: its RAM is at its physical address, in
	 * one piece (builder.c), so no more than the longest run. */
	uint64_t run;
	paddr_t probe = mm_alloc_some(c.memory, 2 * MiB, &run, MM_UNSCRUBBED);
	if (!mm_failed(probe)) {
		mm_free(probe, run);
		c.memory = align_down(run, 2 * MiB);
	}
	if (c.memory < LCM_MIN_MEMORY_KIB * KiB) {
		c.memory = LCM_MIN_MEMORY_KIB * KiB; /* the builder says it does not fit */
	}
	measure_classic(&c);
	L.initial[0] = domain_build(&c);
	L.nr_initial = 1;
}

static void ms_str(char *out, size_t n, uint64_t ns)
{
	fmt_snprintf(out, n, "%llu.%llu ms", (unsigned long long)(ns / 1000000),
		     (unsigned long long)(ns / 100000 % 10));
}

/* The launch's hold on the all-off count (domain.c) is given back once: when
 * the launch will unpause nothing more. */
static void release_hold(void)
{
	bool first;

	unsigned long flags = spin_lock_irqsave(&L.lock);
	first = !L.hold_released;
	L.hold_released = true;
	spin_unlock_irqrestore(&L.lock, flags);
	if (first) {
		domains_launched();
	}
}

bool launch_is_initial(const struct domain *d)
{
	for (unsigned i = 0; i < L.nr_initial; i++) {
		if (L.initial[i] == d) {
			return true;
		}
	}
	return false;
}

bool launch_is_attestation_agent(const struct domain *d)
{
	return L.hyperlaunch && L.lcm.attestation >= 0 && L.initial[L.lcm.attestation] == d;
}

bool launch_boot_active(const struct domain *d)
{
	return d == L.bootdom && __atomic_load_n(&L.phase, __ATOMIC_ACQUIRE) == PH_PREPARE;
}

bool launch_failed(void)
{
	return __atomic_load_n(&L.phase, __ATOMIC_ACQUIRE) == PH_FAILED;
}

static const char *state_name(const struct domain *d)
{
	switch (domain_state(d)) {
	case DOM_NEW:
		return d->nr_vcpus > 0 ? "paused" : "not built";
	case DOM_RUNNING:
		return d->paused ? "paused" : "running";
	case DOM_OFF:
		return "powered off";
	case DOM_STOPPED:
		return "stopped";
	case DOM_DESTROYED:
		return d == L.bootdom ? "done" : "destroyed";
	}
	return "?";
}

/* Without a Recovery Domain the hypervisor is the one to tell. */
static void print_states(void)
{
	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *d = domain_get(i);
		printk("launch: domain %u %s: %s\n", d->domid, d->name, state_name(d));
	}
}

/* Print a failure; the first one is the report (HL_LAUNCH_STATUS). With
 * @fatal the launch has failed (phase FAILED); true for the failure that
 * made it so, whose caller then lets the Recovery Domain take over. */
static bool record_failure(struct domain *d, const char *why, bool fatal)
{
	int was;

	if (d != NULL) {
		printk("launch: FAILED: domain %u %s: %s\n", d->domid, d->name, why);
	} else {
		printk("launch: FAILED: %s\n", why);
	}
	unsigned long flags = spin_lock_irqsave(&L.lock);
	was = L.phase;
	if (L.report[0] == '\0') {
		if (d != NULL) {
			fmt_snprintf(L.report, sizeof(L.report), "domain %u %s: %s", d->domid,
				     d->name, why);
			L.report_domid = d->domid;
		} else {
			fmt_snprintf(L.report, sizeof(L.report), "%s", why);
		}
	}
	if (fatal) {
		__atomic_store_n(&L.phase, PH_FAILED, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&L.lock, flags);
	return fatal && was != PH_FAILED;
}

/* The launch failed: the Recovery Domain takes over, or the hypervisor
 * reports each domain's state and keeps the console. */
static void take_over(void)
{
	/* A Boot Domain still running has nothing left to do: every
	 * preparation operation is refused from now on. */
	if (L.bootdom != NULL && domain_state(L.bootdom) == DOM_RUNNING) {
		domain_destroy(L.bootdom, DOM_DESTROYED, "stopped: the launch failed");
	}
	/* The log ends before the Recovery Domain may read it. */
	if (L.recovery != NULL && domain_state(L.recovery) == DOM_NEW) {
		measure_domain_start(L.recovery);
	}
	measure_launch_end();
	if (L.recovery != NULL && domain_state(L.recovery) == DOM_NEW) {
		printk("launch: starting the Recovery Domain %s\n", L.recovery->name);
		console_input_start(L.recovery);
		domain_start(L.recovery);
	} else if (L.recovery != NULL && domain_state(L.recovery) == DOM_RUNNING) {
		printk("launch: the Recovery Domain %s takes over\n", L.recovery->name);
		console_input_start(L.recovery);
	} else {
		print_states();
		console_input_start(NULL);
	}
	release_hold();
}

static void launch_fail(struct domain *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void launch_fail(struct domain *d, const char *fmt, ...)
{
	char why[240];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (record_failure(d, why, true)) {
		take_over();
	}
}

/* Boot material no domain holds (bootmod.c: not mapped in place): its
 * contents were copied, or belong to no one now that the Boot Domain is
 * gone. Scrubbed, then free memory. Classic boots keep their modules. */
static void reclaim_modules(void)
{
	if (!L.hyperlaunch) {
		return;
	}
	uint64_t total = bootmod_reclaim();
	if (total > 0) {
		printk("launch: reclaim: %llu KiB of boot modules scrubbed and returned\n",
		       (unsigned long long)(total / KiB));
	}
}

/* The ordered convention of docs/boot-flow.md, phase 3. */
static struct domain *console_owner(void)
{
	static const uint32_t functions[] = { LCM_FUNCTION_CONSOLE, LCM_FUNCTION_LEGACY_DOM0 };
	struct domain *hw = NULL, *control = NULL, *first = NULL;

	for (size_t f = 0; f < ARRAY_SIZE(functions); f++) {
		for (unsigned i = 0; i < domain_count(); i++) {
			struct domain *d = domain_get(i);
			if (d != L.bootdom && d->nr_vcpus > 0 && (d->functions & functions[f])) {
				return d;
			}
		}
	}
	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *d = domain_get(i);
		if (d == L.bootdom || d == L.standby || d->nr_vcpus == 0) {
			continue;
		}
		if (control == NULL && (d->permissions & LCM_PERMISSION_CONTROL)) {
			control = d;
		}
		if (hw == NULL && (d->permissions & LCM_PERMISSION_HARDWARE)) {
			hw = d;
		}
		if (first == NULL) {
			first = d;
		}
	}
	return control != NULL ? control : hw != NULL ? hw : first;
}

/* The domains finalize() starts: initial ones only (one a control domain
 * created paused during the preparation phase is its creator's to start). */
static bool finalize_starts(const struct domain *d)
{
	return d != L.standby && d != L.bootdom && d->nr_vcpus > 0 && domain_state(d) == DOM_NEW &&
	       launch_is_initial(d);
}

static void finalize(void)
{
	struct domain *owner = console_owner();
	bool failed = launch_failed();
	unsigned running = 0;
	char t[32];

	/* Their launch parameters, then the end of the launch's measurements,
	 * before the launch says final and the first of them runs: the log is
	 * whole when they read it. No one may configure them any more (the
	 * Boot Domain is gone). */
	for (unsigned i = 0; i < domain_count(); i++) {
		if (finalize_starts(domain_get(i))) {
			measure_domain_start(domain_get(i));
		}
	}
	measure_launch_end();
	if (!failed) {
		__atomic_store_n(&L.phase, PH_FINAL, __ATOMIC_RELEASE);
	}
	console_input_start(owner);
	reclaim_modules();
	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *d = domain_get(i);
		if (!finalize_starts(d)) {
			continue;
		}
		if (xen_waits_for_store(d)) {
			printk("domain %u %s: starts when its store takes it\n", d->domid, d->name);
		} else {
			domain_start(d);
		}
	}
	/* Started, not "running now": a domain the Boot Domain started may
	 * already have powered off, and the line must not depend on timing. */
	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *d = domain_get(i);
		running += d != L.bootdom && __atomic_load_n(&d->has_run, __ATOMIC_ACQUIRE);
	}
	ms_str(t, sizeof(t), arch_time_ns() - L.t_launch);
	printk("launch: %s: %u domain%s started, console to %s, in %s total\n",
	       failed ? "final (with failures)" : "final", running, running == 1 ? "" : "s",
	       owner != NULL ? owner->name : "the hypervisor", t);
	timeline_launch_event(false);
	if (failed) {
		print_states();
	}
	release_hold();
}

void launch_start(void)
{
	unsigned built = 0, failed = 0;
	char t[32], policy_why[240];
	const char *policy_bad = NULL;

	L.t_launch = arch_time_ns();
	switch (L.lcm_result) {
	case LCM_OK:
		printk("launch: LCM with %u domains\n", L.lcm.nr_domains);
		L.hyperlaunch = true;
		/* Measured before use: the policy module too, before it is loaded. */
		measure_launch(&L.lcm, L.plat->fdt);
		policy_bad = load_policy(policy_why, sizeof(policy_why));
		build_lcm_domains();
		break;
	case LCM_ENOLCM:
		printk("launch: classic (no %s)\n", LCM_HYPERVISOR_PATH);
		build_classic();
		break;
	default:
		/* A launch failure with no domain: the hold is kept, so the
		 * machine stays on with the diagnostics (docs/boot-flow.md). */
		printk("launch: FAILED: LCM rejected (%u error%s); the hypervisor keeps the console\n",
		       L.lcm.nr_errors, L.lcm.nr_errors == 1 ? "" : "s");
		console_input_start(NULL);
		return;
	}
	/* Phase 1 is over: every domain is built, paused, before the first
	 * runs, so a build time never includes another domain's run. */
	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *d = domain_get(i);
		if (d->nr_vcpus > 0) {
			built++;
		} else {
			failed++;
		}
	}
	ms_str(t, sizeof(t), arch_time_ns() - L.t_launch);
	printk("launch: create: %u domain%s built, %u failed, in %s\n", built,
	       built == 1 ? "" : "s", failed, t);
	for (unsigned i = 0; i < domain_count(); i++) {
		if (domain_get(i)->nr_vcpus > 0) {
			policy_domain_line(domain_get(i));
		}
	}
	if (L.hyperlaunch && L.lcm.recovery >= 0 && L.initial[L.lcm.recovery] != NULL &&
	    L.initial[L.lcm.recovery]->nr_vcpus > 0) {
		L.recovery = L.initial[L.lcm.recovery];
		if ((L.recovery->functions & ~LCM_FUNCTION_RECOVERY) == 0 &&
		    L.recovery->permissions == 0) {
			L.standby = L.recovery;
		}
	}
	if (L.hyperlaunch && L.lcm.boot >= 0) {
		L.bootdom = L.initial[L.lcm.boot];
	}
	/* Every creation failure is reported before anything acts on the
	 * first. Without a Boot or Recovery Domain the launch goes on with
	 * the others (docs/boot-flow.md: nothing else could decide). */
	bool fatal = L.recovery != NULL || L.bootdom != NULL;
	char why[160];
	for (unsigned i = 0; i < domain_count(); i++) {
		struct domain *d = domain_get(i);
		if (d->nr_vcpus == 0) {
			record_failure(
				d, fatal ? "not started: see its build line above" : "not built",
				fatal);
		}
	}
	if (L.hyperlaunch && refused_config_module(why, sizeof(why)) != NULL) {
		record_failure(NULL, why, fatal);
	} else if (L.hyperlaunch) {
		apply_microcode();
	}
	/* Never a launch under another policy than the LCM's. */
	if (policy_bad != NULL) {
		record_failure(NULL, policy_bad, true);
	}
	if (launch_failed()) {
		take_over();
		return;
	}
	if (L.bootdom != NULL) {
		uint32_t ms = L.lcm.boot_timeout_ms != 0 ? L.lcm.boot_timeout_ms : 10000;
		printk("launch: prepare: %s alone unpaused, %u ms to say done\n", L.bootdom->name,
		       ms);
		console_input_start(L.bootdom);
		/* The deadline before the phase: the tick reads them in the
		 * other order (launch_poll). */
		L.t_boot_start = arch_time_ns();
		L.boot_deadline = L.t_boot_start + (uint64_t)ms * 1000000;
		__atomic_store_n(&L.phase, PH_PREPARE, __ATOMIC_RELEASE);
		domain_start(L.bootdom);
		return;
	}
	finalize();
}

void launch_domain_ended(struct domain *d, enum domain_state how)
{
	int ph = __atomic_load_n(&L.phase, __ATOMIC_ACQUIRE);

	if (d == L.bootdom && ph == PH_PREPARE && L.deadline_passed) {
		launch_fail(d, "the Boot Domain did not say done within %llu ms",
			    (unsigned long long)((L.boot_deadline - L.t_boot_start) / 1000000));
	} else if (d == L.bootdom && ph == PH_PREPARE && how == DOM_DESTROYED && !L.boot_done) {
		/* A control domain may destroy any other domain, this one too. */
		launch_fail(d, "the Boot Domain was destroyed before saying done");
	} else if (d == L.bootdom && ph == PH_PREPARE && how != DOM_DESTROYED) {
		launch_fail(d, "the Boot Domain %s before saying done",
			    how == DOM_OFF ? "powered off" : "was stopped by a fault");
	} else if (ph == PH_PREPARE && how == DOM_STOPPED && launch_is_initial(d)) {
		launch_fail(d, "stopped by a fault before the launch was final");
	}
}

int launch_boot_done(struct domain *d, uint64_t status)
{
	char t[32], why[48];

	unsigned long flags = spin_lock_irqsave(&L.lock);
	bool mine = L.phase == PH_PREPARE && d == L.bootdom;
	spin_unlock_irqrestore(&L.lock, flags);
	if (!mine) {
		return HL_EBUSY;
	}
	L.boot_done = true;
	fmt_snprintf(why, sizeof(why), "done (status %llu)", (unsigned long long)status);
	domain_destroy(d, DOM_DESTROYED, why);
	ms_str(t, sizeof(t), arch_time_ns() - L.t_boot_start);
	if (status != 0) {
		printk("launch: prepare: %s failed in %s\n", d->name, t);
		launch_fail(d, "the Boot Domain said done with status %llu",
			    (unsigned long long)status);
		return HL_OK;
	}
	if (launch_failed()) {
		return HL_OK;
	}
	printk("launch: prepare: %s done in %s\n", d->name, t);
	finalize();
	return HL_OK;
}

void launch_poll(void)
{
	int ph = __atomic_load_n(&L.phase, __ATOMIC_ACQUIRE);

	if (ph == PH_PREPARE && arch_time_ns() > L.boot_deadline) {
		/* launch_domain_ended() reports it, with the reason. */
		L.deadline_passed = true;
		domain_destroy(L.bootdom, DOM_STOPPED, "stopped: did not say done in time");
		domain_give_back(L.bootdom);
	}
}

uint32_t launch_status(char *buf, size_t size, uint32_t *domid, size_t *len)
{
	size_t n = strlen(L.report);

	*domid = L.report_domid;
	*len = n;
	if (size > 0) {
		memcpy(buf, L.report, n < size ? n : size);
	}
	switch (__atomic_load_n(&L.phase, __ATOMIC_ACQUIRE)) {
	case PH_FINAL:
		return HL_LAUNCH_FINAL;
	case PH_FAILED:
		return HL_LAUNCH_FAILED;
	default:
		return HL_LAUNCH_IN_PROGRESS;
	}
}

const struct lcm_launch *launch_lcm(void)
{
	return L.hyperlaunch ? &L.lcm : NULL;
}

const void *launch_lcm_blob(size_t *size)
{
	*size = L.plat->fdt_size;
	return L.plat->fdt;
}

struct domain *launch_initial(unsigned lcm_index)
{
	return lcm_index < L.nr_initial ? L.initial[lcm_index] : NULL;
}

void launch_all_off(void)
{
	struct domain_counts c = domain_counts();
	char detail[128] = "";
	size_t n = 0;
	static const char *const actions[] = {
		[LCM_ALL_OFF_POWEROFF] = "powering off",
		[LCM_ALL_OFF_REBOOT] = "rebooting",
		[LCM_ALL_OFF_STAY] = "staying on (on-all-off = stay)",
	};
	struct {
		unsigned count;
		const char *what;
	} parts[] = {
		{ c.off, "powered off" },
		{ c.stopped, "stopped by a fault" },
		{ c.not_started, "not started" },
		{ c.destroyed, "destroyed or done" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (parts[i].count > 0) {
			n += (size_t)fmt_snprintf(detail + n, sizeof(detail) - n, "%s%u %s",
						  n > 0 ? ", " : "", parts[i].count, parts[i].what);
		}
	}
	timeline_launch_event(true);
	/* Memory of ended domains not given back yet (a Boot Domain's, one
	 * just destroyed): the machine may end now, with nothing of theirs
	 * left in memory. One still leaving a CPU is left as it is. */
	bool waiting;
	while (domains_reclaim_step(&waiting)) {
	}
	policy_summary();
	if (c.total == 0) {
		printk("hyperlaunch: no domains; %s\n", actions[L.on_all_off]);
	} else {
		printk("hyperlaunch: all %u domain%s off (%s); %s\n", c.total,
		       c.total == 1 ? " is" : "s are", detail, actions[L.on_all_off]);
	}
	switch ((enum lcm_on_all_off)L.on_all_off) {
	case LCM_ALL_OFF_POWEROFF:
		arch_power_off();
	case LCM_ALL_OFF_REBOOT:
		arch_reboot();
	case LCM_ALL_OFF_STAY:
		break;
	}
}
