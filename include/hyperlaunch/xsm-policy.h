/*
 * The binary access-control policy (the LCM's `module,xsm-policy`), as
 * `lcm-tool policy` writes it and the hypervisor loads it. docs/policy.md
 * describes the language it is compiled from and how it is decided.
 *
 * Layout, every field little-endian, no padding between the parts:
 *
 *   header   struct hl_policy_header (32 bytes)
 *   rules    nr_rules x struct hl_policy_rule (8 bytes each)
 *   names    nr_types type names, each NUL-terminated, back to back
 *            (names_size bytes in all): type i is the i-th name
 *
 * A rule allows @perms (bits of its class) to a subject matching @subject
 * on an object matching @object. A subject or object is an atom: below
 * HL_ATOM_FIRST_BUILTIN the index of a type (a `security-id` label), from
 * it one of the built-in attributes the hypervisor computes when it
 * decides (a role, a launch state, the relation to the subject).
 * Shared by the hypervisor, lcm-tool and the tests.
 */
#ifndef HYPERLAUNCH_XSM_POLICY_H
#define HYPERLAUNCH_XSM_POLICY_H

#define HL_POLICY_MAGIC       "HLPOLICY" /* 8 bytes, no NUL */
#define HL_POLICY_MAGIC_SIZE  8u
#define HL_POLICY_VERSION     1u
#define HL_POLICY_HEADER_SIZE 32u
#define HL_POLICY_RULE_SIZE   8u
#define HL_POLICY_MAX_SIZE    (64u * 1024u) /* bytes of a whole policy */
#define HL_POLICY_MAX_TYPES   1024u
#define HL_POLICY_NAME_MAX    63u /* = LCM_SECURITY_ID_MAX */

/* Byte offsets of the header's fields (u32 each after the magic). */
#define HL_POLICY_OFF_MAGIC      0u
#define HL_POLICY_OFF_VERSION    8u
#define HL_POLICY_OFF_SIZE       12u /* the whole policy, in bytes */
#define HL_POLICY_OFF_NR_TYPES   16u
#define HL_POLICY_OFF_NR_RULES   20u
#define HL_POLICY_OFF_NAMES_SIZE 24u
#define HL_POLICY_OFF_FLAGS      28u /* must be 0 */

/* A rule: u16 subject atom, u16 object atom, u8 class, u8 zero, u16 perms. */
#define HL_RULE_OFF_SUBJECT 0u
#define HL_RULE_OFF_OBJECT  2u
#define HL_RULE_OFF_CLASS   4u
#define HL_RULE_OFF_ZERO    5u
#define HL_RULE_OFF_PERMS   6u

/* Built-in attributes (atoms from HL_ATOM_FIRST_BUILTIN; docs/policy.md).
 * Append new ones at the end: the numbers are part of the format. */
#define HL_ATOM_FIRST_BUILTIN 0xFF00u
enum hl_atom {
	HL_ATOM_ANY = HL_ATOM_FIRST_BUILTIN, /* "*": any subject or object */
	HL_ATOM_XEN,                         /* xen_t: the hypervisor itself */
	HL_ATOM_SELF,                        /* object only: the subject itself */
	HL_ATOM_OTHER,                       /* object only: a domain but the subject */
	HL_ATOM_INITIAL,                     /* object only: an LCM domain, not the subject */
	HL_ATOM_FRESH,                       /* object only: an LCM domain that never ran */
	HL_ATOM_CONTROL,                     /* PERMISSION_CONTROL or FUNCTION_LEGACY_DOM0 */
	HL_ATOM_HARDWARE,
	HL_ATOM_BOOT, /* FUNCTION_BOOT, while the preparation phase lasts */
	HL_ATOM_RECOVERY,
	HL_ATOM_RESCUER, /* FUNCTION_RECOVERY, after a failed launch */
	HL_ATOM_CONSOLE,
	HL_ATOM_XENSTORE,
	HL_ATOM_LEGACY_DOM0,
	HL_ATOM_SAFE,        /* a SafeVM (docs/policy.md, "SafeVM") */
	HL_ATOM_UNSAFE,      /* an UnsafeVM */
	HL_ATOM_ATTESTATION, /* the LCM's attestation agent (docs/measured-launch.md) */
	HL_ATOM_PEER,        /* object only: a Xen channel peer (docs/xen-interface.md) */
	HL_ATOM_END,
};

/* Classes and their permissions. Append only: the numbers are part of the
 * format. A new kind of object (event channels, grants, devices) is a new
 * class here, its names in lib/policy/policy.c's table, and a policy_op
 * mapped to it in the hypervisor (docs/policy.md, "Adding an operation"). */
enum hl_class {
	HL_CLASS_DOMAIN = 1, /* object: a domain (for create: the new one) */
	HL_CLASS_BOOT,       /* object: xen_t */
	HL_CLASS_LAUNCH,     /* object: xen_t */
	HL_CLASS_PLATFORM,   /* object: xen_t */
	HL_CLASS_CONSOLE,    /* object: xen_t */
	HL_CLASS_XEN,        /* object: a domain (the Xen guest interface's peer) */
	HL_CLASS_END,
};

#define HL_PERM_DOMAIN_INFO      (1u << 0)
#define HL_PERM_DOMAIN_CREATE    (1u << 1)
#define HL_PERM_DOMAIN_CONFIGURE (1u << 2)
#define HL_PERM_DOMAIN_UNPAUSE   (1u << 3)
#define HL_PERM_DOMAIN_PAUSE     (1u << 4)
#define HL_PERM_DOMAIN_DESTROY   (1u << 5)

#define HL_PERM_BOOT_LCM_READ    (1u << 0)
#define HL_PERM_BOOT_MODULE_READ (1u << 1)
#define HL_PERM_BOOT_DONE        (1u << 2)

#define HL_PERM_LAUNCH_STATUS    (1u << 0)
#define HL_PERM_LAUNCH_EVENT_LOG (1u << 1) /* the measured launch's event log */
#define HL_PERM_LAUNCH_QUOTE     (1u << 2) /* a TPM quote of the launch's PCRs */

#define HL_PERM_PLATFORM_SHUTDOWN (1u << 0)

#define HL_PERM_CONSOLE_WRITE (1u << 0)

#define HL_PERM_XEN_EVTCHN (1u << 0) /* bind an event channel with the object */
#define HL_PERM_XEN_GRANT  (1u << 1) /* map or copy the object's grants */
#define HL_PERM_XEN_DOMCTL (1u << 2) /* read the object's state with Xen's domctl */

#endif /* HYPERLAUNCH_XSM_POLICY_H */
