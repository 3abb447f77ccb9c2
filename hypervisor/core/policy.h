/*
 * The policy check every privileged hypercall asks (docs/policy.md): may
 * domain @subject do @op to @object? Two gates, the roles (built in) and
 * the labels (the LCM's xsm-policy module, else the roles again), both
 * decided by lib/policy; what no rule allows is denied.
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
	OP_CONSOLE_WRITE,
	OP_EVENT_LOG_READ,
	OP_TPM_QUOTE,
	OP_XEN_EVTCHN, /* bind an event channel with a domain (core/evtchn.c) */
	OP_XEN_GRANT,  /* map or copy a grant of a domain (core/gnttab.c) */
	OP_XEN_DOMCTL, /* Xen's domctl on a domain: its state (core/xen.c) */
	OP_NR,
};

/* True when allowed. A denial is counted per (subject, object, op); the
 * first of each is printed, naming the labels and the gate that denied.
 * @object NULL, for an operation on a domain: whether @subject may do @op
 * to some domain other than itself (an unknown domid: it is then told "no
 * such domain"; when not, it learns nothing about which domids exist). */
bool policy_check(struct domain *subject, enum policy_op op, struct domain *object);

/* Print the denial counts ("policy: ..."), for the end-of-boot summary. */
void policy_summary(void);

/* Whether @subject may create a domain labelled @label with these roles
 * (HL_DOMAIN_CREATE, once the fragment is read): `domain:create` on the
 * new domain, in both gates. A denial is counted and printed. */
bool policy_check_create(struct domain *subject, const char *label, uint32_t permissions,
			 uint32_t functions, uint8_t safety);

/* Load the built-in role policy (the label gate starts as a copy of it). */
void policy_init(void);
/* Make the binary policy at @blob the label gate's; NULL when done, else
 * why not (in @why), and the role policy stays in both gates. */
const char *policy_load(const void *blob, size_t size, char *why, size_t n);
/* Whether @label is a type of the label policy (always, without one). */
bool policy_label_known(const char *label);
/* Give @d its label (resolved in the label policy once, here). */
void policy_label_domain(struct domain *d, const char *label);
/* "policy: domain ID NAME: label L, SafeVM|UnsafeVM", once it is built. */
void policy_domain_line(const struct domain *d);
/* "policy: xsm-policy: N types, M rules ..." when a module was loaded. */
void policy_loaded_summary(void);

#endif /* HV_POLICY_H */
