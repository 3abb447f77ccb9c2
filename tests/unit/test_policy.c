/*
 * lib/policy: the binary policy's validation, message by message (each
 * broken field refused with its exact reason), and the decision (types,
 * built-in attributes, "*", the any-domain question). The binaries are
 * written here byte by byte, independently of lcm-tool's compiler, so the
 * format is checked against its header, not against the other side's
 * reading of it.
 */
#include "lcm_test.h"

#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

struct bin {
	uint8_t b[HL_POLICY_MAX_SIZE + 64];
	size_t n;
};

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

/* A policy with @nr_rules rules (subject, object, class, perms) and the
 * type names of @names ("a_t\0b_t\0", @names_size bytes). */
static void mk(struct bin *x, const uint16_t (*rules)[4], uint32_t nr_rules, const char *names,
	       uint32_t nr_types, uint32_t names_size)
{
	memset(x->b, 0, sizeof(x->b));
	memcpy(x->b, HL_POLICY_MAGIC, HL_POLICY_MAGIC_SIZE);
	x->n = HL_POLICY_HEADER_SIZE + nr_rules * HL_POLICY_RULE_SIZE + names_size;
	put32(x->b + HL_POLICY_OFF_VERSION, HL_POLICY_VERSION);
	put32(x->b + HL_POLICY_OFF_SIZE, (uint32_t)x->n);
	put32(x->b + HL_POLICY_OFF_NR_TYPES, nr_types);
	put32(x->b + HL_POLICY_OFF_NR_RULES, nr_rules);
	put32(x->b + HL_POLICY_OFF_NAMES_SIZE, names_size);
	uint8_t *r = x->b + HL_POLICY_HEADER_SIZE;
	for (uint32_t i = 0; i < nr_rules; i++, r += HL_POLICY_RULE_SIZE) {
		r[0] = (uint8_t)rules[i][0];
		r[1] = (uint8_t)(rules[i][0] >> 8);
		r[2] = (uint8_t)rules[i][1];
		r[3] = (uint8_t)(rules[i][1] >> 8);
		r[4] = (uint8_t)rules[i][2];
		r[6] = (uint8_t)rules[i][3];
		r[7] = (uint8_t)(rules[i][3] >> 8);
	}
	memcpy(r, names, names_size);
}

static const uint16_t good_rules[][4] = {
	{ 0, HL_ATOM_SELF, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_INFO },
	{ HL_ATOM_CONTROL, 1, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_PAUSE | HL_PERM_DOMAIN_DESTROY },
	{ HL_ATOM_ANY, HL_ATOM_XEN, HL_CLASS_CONSOLE, HL_PERM_CONSOLE_WRITE },
	{ 1, HL_ATOM_ANY, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_CREATE },
};
static const char good_names[] = "a_t\0b_t";

static struct bin x;
static struct hl_policy p;

static void good(void)
{
	mk(&x, good_rules, 4, good_names, 2, sizeof(good_names));
}

/* @what's policy is refused with @reason. */
static void refused(const char *reason)
{
	char why[160];
	const char *r = hl_policy_load(&p, x.b, x.n, why, sizeof(why));
	if (r == NULL) {
		fail_msg("accepted; expected \"%s\"", reason);
	}
	assert_string_equal(r, reason);
	assert_int_equal(p.nr_rules, 0); /* nothing half-loaded */
}

static void valid(void **state)
{
	(void)state;
	char why[160];

	good();
	assert_null(hl_policy_load(&p, x.b, x.n, why, sizeof(why)));
	assert_int_equal(p.nr_types, 2);
	assert_int_equal(p.nr_rules, 4);
	assert_string_equal(hl_policy_type_name(&p, 1), "b_t");
	assert_null(hl_policy_type_name(&p, 2));
	assert_int_equal(hl_policy_label_type(&p, "a_t"), 0);
	assert_int_equal(hl_policy_label_type(&p, "system_u:system_r:b_t"), 1);
	assert_int_equal(hl_policy_label_type(&p, "c_t"), -1);
	assert_int_equal(hl_policy_label_type(&p, "a_t:"), -1);
}

static void header(void **state)
{
	(void)state;
	good();
	x.n = HL_POLICY_MAX_SIZE + 1;
	refused("65537 bytes, more than the 65536 a policy may have");
	x.n = 31;
	refused("truncated: 31 bytes, shorter than the 32-byte header");
	good();
	x.b[0] = 'X';
	refused("not a Hyperlaunch policy (no \"HLPOLICY\" magic)");
	good();
	put32(x.b + HL_POLICY_OFF_VERSION, 2);
	refused("version 2, this hypervisor reads version 1");
	good();
	x.n -= 1;
	refused("truncated: 71 bytes, the header says 72");
	good();
	x.n += 4;
	refused("trailing bytes: 76 bytes, the header says 72");
	good();
	put32(x.b + HL_POLICY_OFF_FLAGS, 1);
	refused("flags 0x1: no flag is defined");
	good();
	put32(x.b + HL_POLICY_OFF_NR_TYPES, HL_POLICY_MAX_TYPES + 1);
	refused("1025 types, more than 1024");
	good();
	put32(x.b + HL_POLICY_OFF_NR_RULES, 5);
	refused("5 rules and 8 bytes of names do not make 72 bytes");
	good();
	put32(x.b + HL_POLICY_OFF_NR_RULES, 0xFFFFFFFFu);
	refused("4294967295 rules and 8 bytes of names do not make 72 bytes");
}

static void names(void **state)
{
	(void)state;
	mk(&x, good_rules, 1, "a_t\0b_t", 2, 7); /* the last name not terminated */
	refused("type 1: its name runs past the name table");
	mk(&x, good_rules, 1, "a t\0", 1, 4);
	refused("type 0: not a name of 1-63 letters, digits or \"_.-\"");
	mk(&x, good_rules, 1, "\0", 1, 1);
	refused("type 0: not a name of 1-63 letters, digits or \"_.-\"");
	mk(&x, good_rules, 1, "xen_t\0", 1, 6);
	refused("type 0: xen_t is the hypervisor's own label");
	mk(&x, good_rules, 1, "a_t\0a_t\0", 2, 8);
	refused("type 1: a_t is declared twice");
	mk(&x, good_rules, 1, "a_t\0b_t\0", 1, 8);
	refused("4 bytes after the last type name");
}

static void rules(void **state)
{
	(void)state;
	static const struct {
		uint16_t r[1][4];
		uint8_t zero;
		const char *why;
	} cases[] = {
		{ { { 0, 0, 0, 1 } }, 0, "rule 0: unknown class 0" },
		{ { { 0, 0, HL_CLASS_END, 1 } }, 0, "rule 0: unknown class 7" },
		{ { { 0, 0, HL_CLASS_DOMAIN, 1 } }, 7, "rule 0: reserved byte is 0x07, not 0" },
		{ { { 0, 0, HL_CLASS_DOMAIN, 0 } },
		  0,
		  "rule 0: permissions 0x0 are not those of class domain" },
		{ { { 0, 0, HL_CLASS_BOOT, 8 } },
		  0,
		  "rule 0: permissions 0x8 are not those of class boot" },
		{ { { 1, 0, HL_CLASS_DOMAIN, 1 } },
		  0,
		  "rule 0: subject 0x1 is not a type or a subject attribute" },
		{ { { HL_ATOM_SELF, 0, HL_CLASS_DOMAIN, 1 } },
		  0,
		  "rule 0: subject 0xff02 is not a type or a subject attribute" },
		{ { { HL_ATOM_XEN, 0, HL_CLASS_DOMAIN, 1 } },
		  0,
		  "rule 0: subject 0xff01 is not a type or a subject attribute" },
		{ { { 0, HL_ATOM_END, HL_CLASS_DOMAIN, 1 } },
		  0,
		  "rule 0: object 0xff12 is not a type or an attribute" },
		{ { { 0, 0xFEFF, HL_CLASS_DOMAIN, 1 } },
		  0,
		  "rule 0: object 0xfeff is not a type or an attribute" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mk(&x, cases[i].r, 1, "a_t\0", 1, 4);
		x.b[HL_POLICY_HEADER_SIZE + HL_RULE_OFF_ZERO] = cases[i].zero;
		refused(cases[i].why);
	}
}

static bool allows(const struct hl_actor *s, const struct hl_actor *o, unsigned cls, uint32_t perm)
{
	return hl_policy_allows(&p, s, o, cls, perm);
}

static void decisions(void **state)
{
	(void)state;
	char why[160];
	good();
	assert_null(hl_policy_load(&p, x.b, x.n, why, sizeof(why)));

	struct hl_actor a = { 0, 0 }, b = { 1, 0 }, none = { HL_TYPE_NONE, 0 };
	struct hl_actor ctl = { HL_TYPE_NONE, HL_ATTR(HL_ATOM_CONTROL) };
	struct hl_actor a_self = { 0, HL_ATTR(HL_ATOM_SELF) };
	struct hl_actor xen = { HL_TYPE_NONE, HL_ATTR(HL_ATOM_XEN) };

	/* a_t self:domain info: its own state only. */
	assert_true(allows(&a, &a_self, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_INFO));
	assert_false(allows(&a, &a, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_INFO));
	assert_false(allows(&b, &a_self, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_INFO));
	/* role_control b_t:domain { pause destroy }: the attribute and the type. */
	assert_true(allows(&ctl, &b, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_PAUSE));
	assert_true(allows(&ctl, &b, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_DESTROY));
	assert_false(allows(&ctl, &a, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_PAUSE));
	assert_false(allows(&ctl, &b, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_UNPAUSE));
	assert_false(allows(&none, &b, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_PAUSE));
	/* * xen_t:console write: anyone, on the hypervisor only. */
	assert_true(allows(&none, &xen, HL_CLASS_CONSOLE, HL_PERM_CONSOLE_WRITE));
	assert_false(allows(&none, &a, HL_CLASS_CONSOLE, HL_PERM_CONSOLE_WRITE));
	/* b_t *:domain create: any object. */
	assert_true(allows(&b, &none, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_CREATE));
	assert_false(allows(&a, &none, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_CREATE));
	/* On some other domain: rules on self and xen_t do not count. */
	assert_false(allows(&a, NULL, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_INFO));
	assert_true(allows(&ctl, NULL, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_PAUSE));
	assert_true(allows(&b, NULL, HL_CLASS_DOMAIN, HL_PERM_DOMAIN_CREATE));
}

static void tables(void **state)
{
	(void)state;
	assert_string_equal(hl_policy_class_name(HL_CLASS_DOMAIN), "domain");
	assert_null(hl_policy_class_name(0));
	assert_null(hl_policy_class_name(HL_CLASS_END));
	assert_string_equal(hl_policy_perm_name(HL_CLASS_DOMAIN, 5), "destroy");
	assert_null(hl_policy_perm_name(HL_CLASS_DOMAIN, 6));
	assert_int_equal(hl_policy_class_perms(HL_CLASS_DOMAIN), 0x3f);
	assert_int_equal(hl_policy_class_perms(HL_CLASS_BOOT), 0x7);
	assert_int_equal(hl_policy_class_perms(HL_CLASS_XEN), 0x7);
	assert_string_equal(hl_policy_class_name(HL_CLASS_XEN), "xen");
	assert_true(hl_policy_class_on_domain(HL_CLASS_XEN));
	assert_false(hl_policy_class_on_domain(HL_CLASS_LAUNCH));
	assert_string_equal(hl_policy_atom_name(HL_ATOM_RESCUER), "role_rescuer");
	assert_null(hl_policy_atom_name(HL_ATOM_END));
	assert_null(hl_policy_atom_name(3));
	/* Every built-in atom and every class has a name. */
	for (unsigned a = HL_ATOM_FIRST_BUILTIN; a < HL_ATOM_END; a++) {
		assert_non_null(hl_policy_atom_name(a));
	}
	for (unsigned c = 1; c < HL_CLASS_END; c++) {
		assert_non_null(hl_policy_class_name(c));
	}
}

int run_policy_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid), cmocka_unit_test(header),    cmocka_unit_test(names),
		cmocka_unit_test(rules), cmocka_unit_test(decisions), cmocka_unit_test(tables),
	};
	return cmocka_run_group_tests_name("policy: binary format and decision", tests, NULL, NULL);
}
