/*
 * The policy check every privileged hypercall asks (docs/boot-flow.md,
 * "Roles and the policy check"): may domain @subject do @op to @object?
 * The rules are the roles of the LCM; what no rule allows is denied.
 */
#ifndef HV_POLICY_H
#define HV_POLICY_H

#include "core/types.h"

struct domain;

/* The closed list of operations the check knows. */
enum policy_op {
	OP_INFO, /* read a domain's state */
	OP_BOOT_LCM_READ,
	OP_BOOT_MODULE_READ,
	OP_BOOT_CONFIGURE,
	OP_BOOT_DONE,
	OP_UNPAUSE,
	OP_PAUSE,
	OP_DESTROY,
	OP_CREATE,
	OP_SHUTDOWN,
	OP_LAUNCH_STATUS,
	OP_XEN_EVTCHN, /* bind an event channel with a domain (core/evtchn.c) */
	OP_XEN_GRANT,  /* map or copy a grant of a domain (core/gnttab.c) */
	OP_XEN_DOMCTL, /* Xen's domctl on a domain: its state (core/xen.c) */
	OP_NR,
};

/* True when allowed. A denial is counted per (subject, op); the first of
 * each is printed. @object may be NULL (no such domain, or none). */
bool policy_check(struct domain *subject, enum policy_op op, struct domain *object);

/* For an object that does not exist: whether @subject may do @op to some
 * domain (then it is told "no such domain"). When not, the call is a
 * denial like policy_check()'s, counted and printed, and the subject learns
 * nothing about which domids exist. */
bool policy_check_any(struct domain *subject, enum policy_op op);

/* Print the denial counts ("policy: ..."), for the end-of-boot summary. */
void policy_summary(void);

#endif /* HV_POLICY_H */
