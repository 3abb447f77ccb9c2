/*
 * The policy check, in the spirit of XSM/FLASK: one function decides every
 * privileged hypercall from the subject's and object's roles. The default
 * rules are the roles table of docs/boot-flow.md; an operation no rule
 * allows is denied. The launch state (the Boot Domain "before done":
 * launch_boot_active(); a failed launch: launch_failed()) comes from
 * launch.c, which owns it.
 *
 * Counts are per domain index and operation; the table is written from any
 * CPU, so the updates are atomic, and "first denial" is the count going
 * from 0 to 1.
 */
#include <fmt/fmt.h>
#include <lcm/lcm.h>

#include "core/console.h"
#include "core/domain.h"
#include "core/launch.h"
#include "core/policy.h"
#include "core/xen.h"


static unsigned denials[HV_MAX_DOMAINS][OP_NR];

/* How a denial reads: "policy: denied: app1 may not unpause app2"; the
 * operations on the caller itself or the platform name no object. */
static const struct {
	const char *verb;
	bool object;
	const char *name;
} ops[OP_NR] = {
	[OP_INFO] = { "read the state of", true, "info" },
	[OP_BOOT_LCM_READ] = { "read the LCM", false, "lcm-read" },
	[OP_BOOT_MODULE_READ] = { "read boot modules", false, "module-read" },
	[OP_BOOT_CONFIGURE] = { "configure", true, "configure" },
	[OP_BOOT_DONE] = { "say boot done", false, "boot-done" },
	[OP_UNPAUSE] = { "unpause", true, "unpause" },
	[OP_PAUSE] = { "pause", true, "pause" },
	[OP_DESTROY] = { "destroy", true, "destroy" },
	[OP_CREATE] = { "create domains", false, "create" },
	[OP_SHUTDOWN] = { "shut the platform down", false, "shutdown" },
	[OP_LAUNCH_STATUS] = { "read the launch report", false, "launch-status" },
	[OP_XEN_EVTCHN] = { "bind an event channel with", true, "xen-evtchn" },
	[OP_XEN_GRANT] = { "map or copy grants of", true, "xen-grant" },
	[OP_XEN_DOMCTL] = { "read with domctl the state of", true, "xen-domctl" },
};

static bool is_control(const struct domain *d)
{
	return (d->permissions & LCM_PERMISSION_CONTROL) ||
	       (d->functions & LCM_FUNCTION_LEGACY_DOM0);
}

/* The Boot Domain, while the preparation phase lasts. */
static bool is_active_boot(const struct domain *d)
{
	return (d->functions & LCM_FUNCTION_BOOT) && launch_boot_active(d);
}

static bool allowed(struct domain *s, enum policy_op op, struct domain *o)
{
	bool self = o == s;
	bool boot = is_active_boot(s);
	bool control = is_control(s);
	/* RECOVERY, after a failed launch: complete or abandon it. */
	bool rescue = (s->functions & LCM_FUNCTION_RECOVERY) && launch_failed();

	switch (op) {
	case OP_INFO:
		return self || boot || control || (s->functions & LCM_FUNCTION_RECOVERY);
	case OP_BOOT_LCM_READ:
	case OP_BOOT_MODULE_READ:
	case OP_BOOT_DONE:
		return boot && self;
	case OP_BOOT_CONFIGURE:
		/* Only initial domains that have never run. */
		return boot && o != NULL && !self && launch_is_initial(o) && !o->has_run;
	case OP_UNPAUSE:
		if (o == NULL || self) {
			return false;
		}
		if (boot) {
			return launch_is_initial(o) && !o->has_run;
		}
		return control || (rescue && launch_is_initial(o));
	case OP_DESTROY:
		if (o == NULL || self) {
			return false;
		}
		return control || (rescue && launch_is_initial(o));
	case OP_PAUSE:
		return o != NULL && !self && control;
	case OP_CREATE:
	case OP_SHUTDOWN:
		return control;
	case OP_LAUNCH_STATUS:
		return control || (s->functions & LCM_FUNCTION_RECOVERY);
	case OP_XEN_EVTCHN:
	case OP_XEN_GRANT:
		/* The channels the launch declares (docs/xen-interface.md). */
		return o != NULL && (self || xen_channel_declared(s, o));
	case OP_XEN_DOMCTL:
		/* xenstored asks for every domain it serves. */
		return o != NULL && (s->functions & LCM_FUNCTION_XENSTORE);
	case OP_NR:
		break;
	}
	return false;
}

bool policy_check(struct domain *subject, enum policy_op op, struct domain *object)
{
	if (allowed(subject, op, object)) {
		return true;
	}
	if (__atomic_fetch_add(&denials[subject->index][op], 1, __ATOMIC_RELAXED) == 0) {
		if (!ops[op].object) {
			printk("policy: denied: %s may not %s\n", subject->name, ops[op].verb);
		} else {
			printk("policy: denied: %s may not %s %s\n", subject->name, ops[op].verb,
			       object != NULL ? object->name : "an unknown domain");
		}
	}
	return false;
}

bool policy_check_any(struct domain *subject, enum policy_op op)
{
	bool rescue = (subject->functions & LCM_FUNCTION_RECOVERY) && launch_failed();
	bool may;

	switch (op) {
	case OP_INFO:
		may = is_active_boot(subject) || is_control(subject) ||
		      (subject->functions & LCM_FUNCTION_RECOVERY);
		break;
	case OP_BOOT_CONFIGURE:
		may = is_active_boot(subject);
		break;
	case OP_UNPAUSE:
		may = is_active_boot(subject) || is_control(subject) || rescue;
		break;
	case OP_DESTROY:
		may = is_control(subject) || rescue;
		break;
	case OP_PAUSE:
		may = is_control(subject);
		break;
	case OP_XEN_DOMCTL:
		may = subject->functions & LCM_FUNCTION_XENSTORE;
		break;
	default:
		may = false;
		break;
	}
	return may || policy_check(subject, op, NULL);
}

/* One line per domain with denials: "policy: app1 denied: pause 2, info 1". */
void policy_summary(void)
{
	for (unsigned i = 0; i < domain_count(); i++) {
		char line[256];
		size_t n = 0;
		for (unsigned op = 0; op < OP_NR; op++) {
			unsigned c = __atomic_load_n(&denials[i][op], __ATOMIC_RELAXED);
			if (c > 0 && n < sizeof(line)) {
				n += (size_t)fmt_snprintf(line + n, sizeof(line) - n, "%s%s %u",
							  n > 0 ? ", " : "", ops[op].name, c);
			}
		}
		if (n > 0) {
			printk("policy: %s denied: %s\n", domain_get(i)->name, line);
		}
	}
}
