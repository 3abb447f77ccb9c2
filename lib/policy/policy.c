/*
 * The policy engine (policy.h): the binary format's validation, its names,
 * and the decision. Every offset the decision reads was bounded by
 * hl_policy_load(), which reads the blob byte by byte (it may be unaligned
 * and is little-endian on every host and target).
 */
#include "policy.h"

#include <stdarg.h>
#include <string.h>

#include "../fmt/fmt.h"

static uint32_t rd16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) | rd16(p + 2) << 16;
}

/* --- names ---------------------------------------------------------------------- */

static const char *const atom_names[HL_ATOM_END - HL_ATOM_FIRST_BUILTIN] = {
	[HL_ATOM_ANY - HL_ATOM_FIRST_BUILTIN] = "*",
	[HL_ATOM_XEN - HL_ATOM_FIRST_BUILTIN] = "xen_t",
	[HL_ATOM_SELF - HL_ATOM_FIRST_BUILTIN] = "self",
	[HL_ATOM_OTHER - HL_ATOM_FIRST_BUILTIN] = "other",
	[HL_ATOM_INITIAL - HL_ATOM_FIRST_BUILTIN] = "initial",
	[HL_ATOM_FRESH - HL_ATOM_FIRST_BUILTIN] = "fresh",
	[HL_ATOM_CONTROL - HL_ATOM_FIRST_BUILTIN] = "role_control",
	[HL_ATOM_HARDWARE - HL_ATOM_FIRST_BUILTIN] = "role_hardware",
	[HL_ATOM_BOOT - HL_ATOM_FIRST_BUILTIN] = "role_boot",
	[HL_ATOM_RECOVERY - HL_ATOM_FIRST_BUILTIN] = "role_recovery",
	[HL_ATOM_RESCUER - HL_ATOM_FIRST_BUILTIN] = "role_rescuer",
	[HL_ATOM_CONSOLE - HL_ATOM_FIRST_BUILTIN] = "role_console",
	[HL_ATOM_XENSTORE - HL_ATOM_FIRST_BUILTIN] = "role_xenstore",
	[HL_ATOM_LEGACY_DOM0 - HL_ATOM_FIRST_BUILTIN] = "role_legacy_dom0",
	[HL_ATOM_SAFE - HL_ATOM_FIRST_BUILTIN] = "safe",
	[HL_ATOM_UNSAFE - HL_ATOM_FIRST_BUILTIN] = "unsafe",
	[HL_ATOM_ATTESTATION - HL_ATOM_FIRST_BUILTIN] = "role_attestation",
	[HL_ATOM_PEER - HL_ATOM_FIRST_BUILTIN] = "peer",
};

#define MAX_PERMS 16
static const struct {
	const char *name;
	const char *perms[MAX_PERMS];
} classes[HL_CLASS_END] = {
	[HL_CLASS_DOMAIN] = { "domain",
			      { "info", "create", "configure", "unpause", "pause", "destroy" } },
	[HL_CLASS_BOOT] = { "boot", { "lcm_read", "module_read", "done" } },
	[HL_CLASS_LAUNCH] = { "launch", { "status", "event_log", "quote" } },
	[HL_CLASS_PLATFORM] = { "platform", { "shutdown" } },
	[HL_CLASS_CONSOLE] = { "console", { "write" } },
	[HL_CLASS_XEN] = { "xen", { "evtchn", "grant", "domctl" } },
};

bool hl_policy_class_on_domain(unsigned cls)
{
	return cls == HL_CLASS_DOMAIN || cls == HL_CLASS_XEN;
}

const char *hl_policy_class_name(unsigned cls)
{
	return cls > 0 && cls < HL_CLASS_END ? classes[cls].name : NULL;
}

const char *hl_policy_perm_name(unsigned cls, unsigned bit)
{
	return cls > 0 && cls < HL_CLASS_END && bit < MAX_PERMS ? classes[cls].perms[bit] : NULL;
}

uint32_t hl_policy_class_perms(unsigned cls)
{
	uint32_t mask = 0;

	for (unsigned b = 0; b < MAX_PERMS; b++) {
		mask |= hl_policy_perm_name(cls, b) != NULL ? 1u << b : 0;
	}
	return mask;
}

const char *hl_policy_atom_name(unsigned atom)
{
	return atom >= HL_ATOM_FIRST_BUILTIN && atom < HL_ATOM_END
		       ? atom_names[atom - HL_ATOM_FIRST_BUILTIN]
		       : NULL;
}

bool hl_policy_valid_name(const char *s, size_t len)
{
	if (len == 0 || len > HL_POLICY_NAME_MAX) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
		if (!ok) {
			return false;
		}
	}
	return true;
}

/* --- validation ------------------------------------------------------------------- */

static const char *say(char *why, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static const char *say(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return why;
}

bool hl_policy_object_only(unsigned atom)
{
	return atom == HL_ATOM_XEN || atom == HL_ATOM_SELF || atom == HL_ATOM_OTHER ||
	       atom == HL_ATOM_INITIAL || atom == HL_ATOM_FRESH || atom == HL_ATOM_PEER;
}

static bool atom_ok(uint32_t atom, uint32_t nr_types, bool subject)
{
	if (atom < HL_ATOM_FIRST_BUILTIN) {
		return atom < nr_types;
	}
	return atom < HL_ATOM_END && !(subject && hl_policy_object_only(atom));
}

void hl_policy_rule(const struct hl_policy *p, uint32_t i, struct hl_rule *r)
{
	const uint8_t *b = p->rules + i * HL_POLICY_RULE_SIZE;

	r->subject = rd16(b + HL_RULE_OFF_SUBJECT);
	r->object = rd16(b + HL_RULE_OFF_OBJECT);
	r->cls = b[HL_RULE_OFF_CLASS];
	r->perms = rd16(b + HL_RULE_OFF_PERMS);
}

static const char *check_rules(struct hl_policy *p, char *why, size_t n)
{
	for (uint32_t i = 0; i < p->nr_rules; i++) {
		uint8_t zero = p->rules[i * HL_POLICY_RULE_SIZE + HL_RULE_OFF_ZERO];
		struct hl_rule r;

		hl_policy_rule(p, i, &r);
		if (hl_policy_class_name(r.cls) == NULL) {
			return say(why, n, "rule %u: unknown class %u", i, r.cls);
		}
		if (zero != 0) {
			return say(why, n, "rule %u: reserved byte is 0x%02x, not 0", i, zero);
		}
		if (r.perms == 0 || (r.perms & ~hl_policy_class_perms(r.cls)) != 0) {
			return say(why, n, "rule %u: permissions 0x%x are not those of class %s", i,
				   r.perms, hl_policy_class_name(r.cls));
		}
		if (!atom_ok(r.subject, p->nr_types, true)) {
			return say(why, n,
				   "rule %u: subject 0x%x is not a type or a subject attribute", i,
				   r.subject);
		}
		if (!atom_ok(r.object, p->nr_types, false)) {
			return say(why, n, "rule %u: object 0x%x is not a type or an attribute", i,
				   r.object);
		}
	}
	return NULL;
}

static const char *check_names(struct hl_policy *p, uint32_t names_size, char *why, size_t n)
{
	uint32_t at = 0;

	for (uint32_t t = 0; t < p->nr_types; t++) {
		const char *name = p->names + at;
		const char *end = memchr(name, '\0', names_size - at);
		if (end == NULL) {
			return say(why, n, "type %u: its name runs past the name table", t);
		}
		if (!hl_policy_valid_name(name, (size_t)(end - name))) {
			return say(why, n, "type %u: not a name of 1-%u letters, digits or \"_.-\"",
				   t, HL_POLICY_NAME_MAX);
		}
		if (strcmp(name, hl_policy_atom_name(HL_ATOM_XEN)) == 0) {
			return say(why, n, "type %u: %s is the hypervisor's own label", t, name);
		}
		p->name_off[t] = (uint16_t)at;
		for (uint32_t u = 0; u < t; u++) {
			if (strcmp(p->names + p->name_off[u], name) == 0) {
				return say(why, n, "type %u: %s is declared twice", t, name);
			}
		}
		at += (uint32_t)(end - name) + 1;
	}
	if (at != names_size) {
		return say(why, n, "%u bytes after the last type name", names_size - at);
	}
	return NULL;
}

const char *hl_policy_load(struct hl_policy *p, const void *blob, size_t size, char *why, size_t n)
{
	const uint8_t *b = blob;

	memset(p, 0, sizeof(*p));
	if (size > HL_POLICY_MAX_SIZE) {
		return say(why, n, "%llu bytes, more than the %u a policy may have",
			   (unsigned long long)size, HL_POLICY_MAX_SIZE);
	}
	if (size < HL_POLICY_HEADER_SIZE) {
		return say(why, n, "truncated: %u bytes, shorter than the %u-byte header",
			   (unsigned)size, HL_POLICY_HEADER_SIZE);
	}
	if (memcmp(b, HL_POLICY_MAGIC, HL_POLICY_MAGIC_SIZE) != 0) {
		return say(why, n, "not a Hyperlaunch policy (no \"%s\" magic)", HL_POLICY_MAGIC);
	}
	uint32_t version = rd32(b + HL_POLICY_OFF_VERSION);
	if (version != HL_POLICY_VERSION) {
		return say(why, n, "version %u, this hypervisor reads version %u", version,
			   HL_POLICY_VERSION);
	}
	uint32_t total = rd32(b + HL_POLICY_OFF_SIZE);
	if (total != size) {
		return say(why, n, "%s: %u bytes, the header says %u",
			   total > size ? "truncated" : "trailing bytes", (unsigned)size, total);
	}
	if (rd32(b + HL_POLICY_OFF_FLAGS) != 0) {
		return say(why, n, "flags 0x%x: no flag is defined", rd32(b + HL_POLICY_OFF_FLAGS));
	}
	uint32_t nr_types = rd32(b + HL_POLICY_OFF_NR_TYPES);
	uint32_t nr_rules = rd32(b + HL_POLICY_OFF_NR_RULES);
	uint32_t names_size = rd32(b + HL_POLICY_OFF_NAMES_SIZE);
	if (nr_types > HL_POLICY_MAX_TYPES) {
		return say(why, n, "%u types, more than %u", nr_types, HL_POLICY_MAX_TYPES);
	}
	if (HL_POLICY_HEADER_SIZE + (uint64_t)nr_rules * HL_POLICY_RULE_SIZE + names_size != size) {
		return say(why, n, "%u rules and %u bytes of names do not make %u bytes", nr_rules,
			   names_size, (unsigned)size);
	}
	p->nr_types = nr_types;
	p->nr_rules = nr_rules;
	p->rules = b + HL_POLICY_HEADER_SIZE;
	p->names = (const char *)p->rules + p->nr_rules * HL_POLICY_RULE_SIZE;
	const char *bad = check_names(p, names_size, why, n);
	if (bad == NULL) {
		bad = check_rules(p, why, n);
	}
	if (bad != NULL) {
		memset(p, 0, sizeof(*p));
	}
	return bad;
}

/* --- lookups and the decision ------------------------------------------------------- */

int hl_policy_label_type(const struct hl_policy *p, const char *label)
{
	const char *type = strrchr(label, ':');

	type = type != NULL ? type + 1 : label;
	for (uint32_t t = 0; t < p->nr_types; t++) {
		if (strcmp(p->names + p->name_off[t], type) == 0) {
			return (int)t;
		}
	}
	return -1;
}

const char *hl_policy_type_name(const struct hl_policy *p, uint32_t type)
{
	return type < p->nr_types ? p->names + p->name_off[type] : NULL;
}

static bool matches(uint32_t atom, const struct hl_actor *a)
{
	if (atom < HL_ATOM_FIRST_BUILTIN) {
		return atom == a->type;
	}
	return atom == HL_ATOM_ANY || (a->attrs & HL_ATTR(atom)) != 0;
}

bool hl_policy_allows(const struct hl_policy *p, const struct hl_actor *s, const struct hl_actor *o,
		      unsigned cls, uint32_t perm)
{
	for (uint32_t i = 0; i < p->nr_rules; i++) {
		struct hl_rule r;
		hl_policy_rule(p, i, &r);
		if (r.cls != cls || !(r.perms & perm) || !matches(r.subject, s)) {
			continue;
		}
		if (o != NULL ? matches(r.object, o)
			      : r.object != HL_ATOM_SELF && r.object != HL_ATOM_PEER &&
					r.object != HL_ATOM_XEN) {
			return true;
		}
	}
	return false;
}
