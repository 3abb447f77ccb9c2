/*
 * The access-control policy engine: validates a binary policy
 * (<hyperlaunch/xsm-policy.h>) before anything uses it, and decides with
 * it. Freestanding (no allocation; the caller provides the structure), so
 * the hypervisor, lcm-tool and the host tests run the same code: a policy
 * lcm-tool accepts is one the hypervisor accepts, byte for byte.
 *
 * Two gates use this one engine in the hypervisor (docs/policy.md): the
 * role policy compiled in (DAC: permissions and functions) and the label
 * policy (MAC: the LCM's xsm-policy module, or the role policy again when
 * there is none).
 */
#ifndef HL_POLICY_H
#define HL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hyperlaunch/xsm-policy.h>

struct hl_policy {
	const uint8_t *rules; /* nr_rules x HL_POLICY_RULE_SIZE bytes */
	uint32_t nr_rules;
	uint32_t nr_types;
	const char *names;                      /* the name table */
	uint16_t name_off[HL_POLICY_MAX_TYPES]; /* type i's name: names + name_off[i] */
};

/*
 * Check @size bytes at @blob against the format and fill @p (which then
 * points into @blob). NULL when the policy is sound; else the reason,
 * written into @why (@n bytes), e.g. "truncated: 100 bytes, the header
 * says 4096". Work is bounded by @size.
 */
const char *hl_policy_load(struct hl_policy *p, const void *blob, size_t size, char *why, size_t n);

/* The type a `security-id` label stands for: the whole label, or for a
 * FLASK-style "user:role:type" its last part. -1 when the policy has none. */
int hl_policy_label_type(const struct hl_policy *p, const char *label);
const char *hl_policy_type_name(const struct hl_policy *p, uint32_t type);

/* Whether @s is a valid type name: 1-63 ASCII letters, digits or "_.-". */
bool hl_policy_valid_name(const char *s, size_t len);

/* One side of a decision: its type (HL_TYPE_NONE when its label is no
 * type of the policy) and the built-in attributes it holds, one bit each
 * (HL_ATTR). */
#define HL_TYPE_NONE  0xFFFFFFFFu
#define HL_ATTR(atom) (1u << ((unsigned)(atom)-HL_ATOM_FIRST_BUILTIN))
struct hl_actor {
	uint32_t type;
	uint32_t attrs;
};

/*
 * Whether some rule of @p allows permission bit @perm of class @cls to
 * subject @s on object @o. With @o NULL: whether it does on some domain
 * other than the subject itself (rules whose object is `self`, `peer` or `xen_t`
 * do not count), for a domid that names no domain.
 */
bool hl_policy_allows(const struct hl_policy *p, const struct hl_actor *s, const struct hl_actor *o,
		      unsigned cls, uint32_t perm);

/* Rule @i (below p->nr_rules) of a loaded policy, decoded. */
struct hl_rule {
	uint32_t subject, object; /* atoms */
	uint32_t cls, perms;
};
void hl_policy_rule(const struct hl_policy *p, uint32_t i, struct hl_rule *r);

/* Whether built-in @atom names a relation to the subject or the
 * hypervisor, so may only be an object (xen_t, self, other, initial, fresh,
 * peer). */
bool hl_policy_object_only(unsigned atom);
/* Whether the objects of class @cls are domains (else the hypervisor). */
bool hl_policy_class_on_domain(unsigned cls);

/* Names, for the compiler, the hypervisor's lines and lcm-tool. NULL when
 * out of range. */
const char *hl_policy_class_name(unsigned cls);
const char *hl_policy_perm_name(unsigned cls, unsigned bit);
const char *hl_policy_atom_name(unsigned atom); /* built-ins only */
/* The bits of class @cls that have a name. */
uint32_t hl_policy_class_perms(unsigned cls);

#endif /* HL_POLICY_H */
