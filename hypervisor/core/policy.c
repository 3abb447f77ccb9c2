/*
 * The policy check, in the spirit of XSM/FLASK (docs/policy.md): every
 * privileged hypercall passes two gates decided by one engine
 * (lib/policy): the role policy (DAC: permissions and functions), built
 * in, compiled at build time from roles.te; and the label policy (MAC:
 * `security-id` labels), the LCM's xsm-policy module, or the role policy
 * again when there is none. Both must allow; then the SafeVM constraint
 * (seed 004) that no policy lifts: an UnsafeVM may not pause or destroy a
 * SafeVM. What no rule allows is denied.
 *
 * The engine sees each side as a type (the label's, in the label policy)
 * and built-in attributes computed here: the roles, the launch state
 * (launch.c owns it: the Boot Domain "before done", a failed launch), the
 * relation to the subject. Denials are counted per subject, object and
 * operation under denial_lock (a leaf); the first of each is printed.
 */
#include <string.h>

#include <fmt/fmt.h>
#include <lcm/lcm.h>
#include <policy/policy.h>

#include "core/console.h"
#include "core/domain.h"
#include "core/launch.h"
#include "core/mm.h"
#include "core/policy.h"
#include "core/spinlock.h"
#include "core/xen.h"

/* roles.te, compiled by lcm-tool at build time (hypervisor/build.mk). */
extern const unsigned char policy_roles[];
extern const unsigned policy_roles_size;

static struct hl_policy roles; /* DAC */
static struct hl_policy label; /* MAC: the module's, or a copy of roles */
static bool label_loaded;      /* from the xsm-policy module */
/* The module's copy the label policy points into (the launch reclaims the
 * module's own memory); size 0 when none. */
static paddr_t label_copy;
static uint64_t label_copy_size;

/* What each operation is for the engine, and how a denial reads:
 * "policy: denied: app1 (domU_t) may not unpause app2 (domU_t) [role]";
 * the operations on the caller itself or the platform name no object. */
static const struct {
	uint8_t cls;
	uint16_t perm;
	const char *verb;
	bool object;
	const char *name;
} ops[OP_NR] = {
	[OP_INFO] = { HL_CLASS_DOMAIN, HL_PERM_DOMAIN_INFO, "read the state of", true, "info" },
	[OP_BOOT_LCM_READ] = { HL_CLASS_BOOT, HL_PERM_BOOT_LCM_READ, "read the LCM", false,
			       "lcm-read" },
	[OP_BOOT_MODULE_READ] = { HL_CLASS_BOOT, HL_PERM_BOOT_MODULE_READ, "read boot modules",
				  false, "module-read" },
	[OP_BOOT_CONFIGURE] = { HL_CLASS_DOMAIN, HL_PERM_DOMAIN_CONFIGURE, "configure", true,
				"configure" },
	[OP_BOOT_DONE] = { HL_CLASS_BOOT, HL_PERM_BOOT_DONE, "say boot done", false, "boot-done" },
	[OP_UNPAUSE] = { HL_CLASS_DOMAIN, HL_PERM_DOMAIN_UNPAUSE, "unpause", true, "unpause" },
	[OP_PAUSE] = { HL_CLASS_DOMAIN, HL_PERM_DOMAIN_PAUSE, "pause", true, "pause" },
	[OP_DESTROY] = { HL_CLASS_DOMAIN, HL_PERM_DOMAIN_DESTROY, "destroy", true, "destroy" },
	[OP_CREATE] = { HL_CLASS_DOMAIN, HL_PERM_DOMAIN_CREATE, "create domains", false, "create" },
	[OP_SHUTDOWN] = { HL_CLASS_PLATFORM, HL_PERM_PLATFORM_SHUTDOWN, "shut the platform down",
			  false, "shutdown" },
	[OP_LAUNCH_STATUS] = { HL_CLASS_LAUNCH, HL_PERM_LAUNCH_STATUS, "read the launch report",
			       false, "launch-status" },
	[OP_CONSOLE_WRITE] = { HL_CLASS_CONSOLE, HL_PERM_CONSOLE_WRITE, "write to the console",
			       false, "console-write" },
	[OP_EVENT_LOG_READ] = { HL_CLASS_LAUNCH, HL_PERM_LAUNCH_EVENT_LOG, "read the event log",
				false, "event-log" },
	[OP_TPM_QUOTE] = { HL_CLASS_LAUNCH, HL_PERM_LAUNCH_QUOTE, "ask for a TPM quote", false,
			   "tpm-quote" },
	[OP_XEN_EVTCHN] = { HL_CLASS_XEN, HL_PERM_XEN_EVTCHN, "bind an event channel with", true,
			    "xen-evtchn" },
	[OP_XEN_GRANT] = { HL_CLASS_XEN, HL_PERM_XEN_GRANT, "map or copy grants of", true,
			   "xen-grant" },
	[OP_XEN_DOMCTL] = { HL_CLASS_XEN, HL_PERM_XEN_DOMCTL, "read with domctl the state of", true,
			    "xen-domctl" },
};

/* --- the denials --------------------------------------------------------------------- */

#define MAX_DENIALS 256
#define NO_OBJECT   0xFFFFu

enum gate { GATE_ROLE, GATE_LABEL, GATE_SAFEVM };
static const char *const gate_names[] = { "role", "label", "safevm" };

static struct denial {
	uint16_t subject, object; /* domain indexes */
	uint8_t op;
	unsigned count;
} denials[MAX_DENIALS];
static unsigned nr_denials, lost_denials;
static struct spinlock denial_lock;

/* Count one; true when it is the first of its (subject, object, op). */
static bool count_denial(const struct domain *s, const struct domain *o, enum policy_op op)
{
	uint16_t oi = o != NULL ? (uint16_t)o->index : NO_OBJECT;
	bool first = false;

	unsigned long flags = spin_lock_irqsave(&denial_lock);
	unsigned i;
	for (i = 0; i < nr_denials; i++) {
		if (denials[i].subject == s->index && denials[i].object == oi &&
		    denials[i].op == op) {
			break;
		}
	}
	if (i == nr_denials && nr_denials < MAX_DENIALS) {
		denials[nr_denials++] = (struct denial){ (uint16_t)s->index, oi, (uint8_t)op, 0 };
	}
	if (i < nr_denials) {
		first = denials[i].count++ == 0;
	} else {
		lost_denials++;
		first = lost_denials == 1;
	}
	spin_unlock_irqrestore(&denial_lock, flags);
	return first;
}

static void report(const struct domain *s, enum policy_op op, const struct domain *o,
		   const char *new_label, enum gate g)
{
	if (!count_denial(s, ops[op].object ? o : NULL, op)) {
		return;
	}
	if (new_label != NULL) {
		printk("policy: denied: %s (%s) may not create a domain labelled %s [%s]\n",
		       s->name, s->label, new_label, gate_names[g]);
	} else if (!ops[op].object) {
		printk("policy: denied: %s (%s) may not %s [%s]\n", s->name, s->label, ops[op].verb,
		       gate_names[g]);
	} else if (o != NULL) {
		printk("policy: denied: %s (%s) may not %s %s (%s) [%s]\n", s->name, s->label,
		       ops[op].verb, o->name, o->label, gate_names[g]);
	} else {
		printk("policy: denied: %s (%s) may not %s an unknown domain [%s]\n", s->name,
		       s->label, ops[op].verb, gate_names[g]);
	}
}

/* --- the actors ---------------------------------------------------------------------- */

static uint32_t role_attrs(uint32_t permissions, uint32_t functions, uint8_t safety)
{
	uint32_t a = 0;

	if ((permissions & LCM_PERMISSION_CONTROL) || (functions & LCM_FUNCTION_LEGACY_DOM0)) {
		a |= HL_ATTR(HL_ATOM_CONTROL);
	}
	a |= (permissions & LCM_PERMISSION_HARDWARE) ? HL_ATTR(HL_ATOM_HARDWARE) : 0;
	a |= (functions & LCM_FUNCTION_RECOVERY) ? HL_ATTR(HL_ATOM_RECOVERY) : 0;
	a |= (functions & LCM_FUNCTION_CONSOLE) ? HL_ATTR(HL_ATOM_CONSOLE) : 0;
	a |= (functions & LCM_FUNCTION_XENSTORE) ? HL_ATTR(HL_ATOM_XENSTORE) : 0;
	a |= (functions & LCM_FUNCTION_LEGACY_DOM0) ? HL_ATTR(HL_ATOM_LEGACY_DOM0) : 0;
	a |= safety == LCM_SAFETY_SAFE ? HL_ATTR(HL_ATOM_SAFE) : HL_ATTR(HL_ATOM_UNSAFE);
	return a;
}

/* @d's type (in the label gate) and attributes: its roles, and the ones
 * the launch's state gives. */
static struct hl_actor actor(const struct domain *d, bool mac)
{
	struct hl_actor a = { mac ? d->label_type : HL_TYPE_NONE,
			      role_attrs(d->permissions, d->functions, d->safety) };

	if ((d->functions & LCM_FUNCTION_BOOT) && launch_boot_active(d)) {
		a.attrs |= HL_ATTR(HL_ATOM_BOOT);
	}
	if ((d->functions & LCM_FUNCTION_RECOVERY) && launch_failed()) {
		a.attrs |= HL_ATTR(HL_ATOM_RESCUER);
	}
	if (launch_is_attestation_agent(d)) {
		a.attrs |= HL_ATTR(HL_ATOM_ATTESTATION);
	}
	return a;
}

/* @o as the object of @s's operation of class @cls: the hypervisor for
 * the classes that are not about a domain. */
static struct hl_actor object_of(const struct domain *s, const struct domain *o, unsigned cls,
				 bool mac)
{
	if (!hl_policy_class_on_domain(cls)) {
		return (struct hl_actor){ HL_TYPE_NONE, HL_ATTR(HL_ATOM_XEN) };
	}
	struct hl_actor a = actor(o, mac);
	if (o == s) {
		a.attrs |= HL_ATTR(HL_ATOM_SELF);
		return a;
	}
	a.attrs |= HL_ATTR(HL_ATOM_OTHER);
	a.attrs |= xen_channel_declared(s, o) ? HL_ATTR(HL_ATOM_PEER) : 0;
	if (launch_is_initial(o)) {
		a.attrs |= HL_ATTR(HL_ATOM_INITIAL);
		a.attrs |= !__atomic_load_n(&o->has_run, __ATOMIC_ACQUIRE) ? HL_ATTR(HL_ATOM_FRESH)
									   : 0;
	}
	return a;
}

/* --- the decision -------------------------------------------------------------------- */

/* Which gate denies @op of @s on @o (NULL: on some other domain); -1
 * when none does. */
static int decide(struct domain *s, enum policy_op op, struct domain *o)
{
	unsigned cls = ops[op].cls;
	bool any = o == NULL && hl_policy_class_on_domain(cls);
	struct hl_actor sd = actor(s, false), sm = actor(s, true);
	struct hl_actor od, om;

	if (!any) {
		od = object_of(s, o, cls, false);
		om = object_of(s, o, cls, true);
	}
	if (!hl_policy_allows(&roles, &sd, any ? NULL : &od, cls, ops[op].perm)) {
		return GATE_ROLE;
	}
	if (!hl_policy_allows(&label, &sm, any ? NULL : &om, cls, ops[op].perm)) {
		return GATE_LABEL;
	}
	/* Seed 004: an UnsafeVM interferes with no SafeVM. */
	if (!any && cls == HL_CLASS_DOMAIN && s->safety != LCM_SAFETY_SAFE &&
	    o->safety == LCM_SAFETY_SAFE &&
	    (ops[op].perm & (HL_PERM_DOMAIN_PAUSE | HL_PERM_DOMAIN_DESTROY))) {
		return GATE_SAFEVM;
	}
	return -1;
}

bool policy_check(struct domain *subject, enum policy_op op, struct domain *object)
{
	int g = decide(subject, op, object);

	if (g < 0) {
		return true;
	}
	report(subject, op, object, NULL, (enum gate)g);
	return false;
}

bool policy_check_create(struct domain *subject, const char *new_label, uint32_t permissions,
			 uint32_t functions, uint8_t safety)
{
	int type = hl_policy_label_type(&label, new_label);
	struct hl_actor s = actor(subject, false);
	struct hl_actor o = { HL_TYPE_NONE,
			      role_attrs(permissions, functions, safety) | HL_ATTR(HL_ATOM_OTHER) };
	enum gate g = GATE_ROLE;
	bool ok = hl_policy_allows(&roles, &s, &o, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_CREATE);

	if (ok) {
		s = actor(subject, true);
		o.type = type >= 0 ? (uint32_t)type : HL_TYPE_NONE;
		g = GATE_LABEL;
		ok = (type >= 0 || !label_loaded) &&
		     hl_policy_allows(&label, &s, &o, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_CREATE);
	}
	if (!ok) {
		report(subject, OP_CREATE, NULL, new_label, g);
	}
	return ok;
}

/* A line per domain with denials, "policy: app1 denied: pause app2 2,
 * create 1" (several when they do not fit in one). */
void policy_summary(void)
{
	unsigned long flags = spin_lock_irqsave(&denial_lock);
	for (unsigned i = 0; i < domain_count(); i++) {
		char line[200], entry[64];
		size_t n = 0;
		for (unsigned k = 0; k < nr_denials; k++) {
			const struct denial *d = &denials[k];
			if (d->subject != i) {
				continue;
			}
			size_t e = (size_t)fmt_snprintf(
				entry, sizeof(entry), "%s%s%s %u", ops[d->op].name,
				d->object != NO_OBJECT ? " " : "",
				d->object != NO_OBJECT ? domain_get(d->object)->name : "",
				d->count);
			if (n > 0 && n + 2 + e >= sizeof(line)) {
				printk("policy: %s denied: %s\n", domain_get(i)->name, line);
				n = 0;
			}
			n += (size_t)fmt_snprintf(line + n, sizeof(line) - n, "%s%s",
						  n > 0 ? ", " : "", entry);
		}
		if (n > 0) {
			printk("policy: %s denied: %s\n", domain_get(i)->name, line);
		}
	}
	if (lost_denials > 0) {
		printk("policy: %u more denials not told apart (table full)\n", lost_denials);
	}
	spin_unlock_irqrestore(&denial_lock, flags);
}

/* --- the policies ---------------------------------------------------------------------- */

void policy_init(void)
{
	char why[128];

	if (hl_policy_load(&roles, policy_roles, policy_roles_size, why, sizeof(why)) != NULL) {
		panic("policy: the built-in role policy is refused: %s", why);
	}
	label = roles;
	label_loaded = false;
	if (label_copy_size != 0) {
		mm_free(label_copy, label_copy_size);
		label_copy_size = 0;
	}
}

const char *policy_load(const void *blob, size_t size, char *why, size_t n)
{
	/* Validated and used as a copy of its own, made once the size is
	 * sane (a larger one is refused unread). */
	if (size != 0 && size <= HL_POLICY_MAX_SIZE) {
		paddr_t copy = mm_alloc(size, PAGE_SIZE, MM_HV);
		if (mm_failed(copy)) {
			fmt_snprintf(why, n, "no memory for a copy of %u bytes", (unsigned)size);
			return why;
		}
		memcpy(pa_ptr(copy), blob, size);
		blob = pa_ptr(copy);
		label_copy = copy;
		label_copy_size = size;
	}
	const char *bad = hl_policy_load(&label, blob, size, why, n);
	if (bad != NULL) {
		policy_init();
		return bad;
	}
	label_loaded = true;
	return NULL;
}

bool policy_label_known(const char *l)
{
	return !label_loaded || hl_policy_label_type(&label, l) >= 0;
}

void policy_label_domain(struct domain *d, const char *l)
{
	int type = hl_policy_label_type(&label, l);

	fmt_snprintf(d->label, sizeof(d->label), "%s", l);
	d->label_type = type >= 0 ? (uint32_t)type : HL_TYPE_NONE;
}

void policy_domain_line(const struct domain *d)
{
	printk("policy: domain %u %s: label %s, %s\n", d->domid, d->name, d->label,
	       d->safety == LCM_SAFETY_SAFE ? "SafeVM" : "UnsafeVM");
}

void policy_loaded_summary(void)
{
	if (label_loaded) {
		printk("policy: xsm-policy: %u types, %u rules; the roles' and the labels' gates apply\n",
		       label.nr_types, label.nr_rules);
	}
}
