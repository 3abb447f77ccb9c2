/*
 * The policy compiler: the text language of docs/policy.md (FLASK-style
 * `type`, `attribute` and `allow` statements) into the binary format of
 * <hyperlaunch/xsm-policy.h>. Two passes over the tokens: declarations
 * first (so that rules may name types declared later), then the rules,
 * expanded (attributes and sets become one rule per subject and object)
 * and merged. Every problem is reported as FILE:LINE:COL, then the binary
 * is checked by the same hl_policy_load() the hypervisor runs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcm-tool.h"
#include "policy/policy.h"

#define MAX_ATTRS 256
#define MAX_RULES ((HL_POLICY_MAX_SIZE - HL_POLICY_HEADER_SIZE) / HL_POLICY_RULE_SIZE)
#define MAX_ERRS  20 /* reported per compilation, in file order; the rest are counted */
#define KEPT_ERRS 64 /* kept to be sorted (the passes find them out of order) */

enum tok_kind { T_NAME, T_STAR, T_LBRACE, T_RBRACE, T_SEMI, T_COLON, T_COMMA, T_EOF };

struct tok {
	enum tok_kind kind;
	const char *s;
	size_t len;
	int line, col;
};

struct rule {
	uint16_t s, o;
	uint8_t cls;
	uint16_t perms;
};

struct err {
	int line, col;
	char msg[200];
};

struct pc {
	const char *file;
	struct err errs[KEPT_ERRS];
	struct tok *toks;
	size_t nr_toks, at;
	unsigned errors;
	/* Declarations. */
	const struct tok *types[HL_POLICY_MAX_TYPES];
	uint32_t nr_types;
	const struct tok *attrs[MAX_ATTRS];
	uint8_t (*member)[HL_POLICY_MAX_TYPES]; /* [attr][type] */
	uint32_t nr_attrs;
	struct rule *rules;
	size_t nr_rules;
	bool too_many;
};

static void pc_error(struct pc *c, const struct tok *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void pc_error(struct pc *c, const struct tok *t, const char *fmt, ...)
{
	va_list ap;

	if (c->errors < KEPT_ERRS) {
		struct err *e = &c->errs[c->errors];
		e->line = t->line;
		e->col = t->col;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	c->errors++;
}

static int by_position(const void *a, const void *b)
{
	const struct err *x = a, *y = b;
	return x->line != y->line ? (x->line > y->line) - (x->line < y->line)
				  : (x->col > y->col) - (x->col < y->col);
}

/* Every error counts; the first MAX_ERRS in file order are shown. */
static void report_errors(struct pc *c)
{
	unsigned kept = c->errors < KEPT_ERRS ? c->errors : KEPT_ERRS;

	qsort(c->errs, kept, sizeof(c->errs[0]), by_position);
	for (unsigned i = 0; i < c->errors; i++) {
		if (i < kept && i < MAX_ERRS) {
			struct lt_loc loc = { c->file, c->errs[i].line, c->errs[i].col };
			lt_error(&loc, "%s", c->errs[i].msg);
		} else {
			lt_nr_errors++;
		}
	}
	if (c->errors > MAX_ERRS) {
		struct lt_loc loc = { c->file, 0, 0 };
		lt_warning(&loc, "%u more errors not shown", c->errors - MAX_ERRS);
	}
}

/* --- tokens -------------------------------------------------------------------------- */

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '.' || ch == '-';
}

static void tokenize(struct pc *c, const char *text, size_t size)
{
	int line = 1, col = 1;
	size_t i = 0;

	/* At most one token per byte, plus the end. */
	c->toks = calloc(size + 1, sizeof(*c->toks));
	if (c->toks == NULL) {
		lt_fatal_usage("out of memory");
	}
	while (i < size) {
		char ch = text[i];
		struct tok t = { T_EOF, text + i, 1, line, col };
		if (ch == '\n') {
			line++;
			col = 1;
			i++;
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\r') {
			i++;
			col++;
			continue;
		}
		if (ch == '#') {
			while (i < size && text[i] != '\n') {
				i++;
			}
			continue;
		}
		if (name_char(ch)) {
			t.kind = T_NAME;
			while (i + t.len < size && name_char(text[i + t.len])) {
				t.len++;
			}
		} else {
			static const char punct[] = "*{};:,";
			const char *p = memchr(punct, ch, sizeof(punct) - 1);
			if (p == NULL) {
				if (ch >= 0x20 && ch < 0x7f) {
					pc_error(c, &t, "unexpected character '%c'", ch);
				} else {
					pc_error(c, &t, "unexpected byte 0x%02x",
						 (unsigned)(unsigned char)ch);
				}
				i++;
				col++;
				continue;
			}
			t.kind = (enum tok_kind)(T_STAR + (p - punct));
		}
		c->toks[c->nr_toks++] = t;
		i += t.len;
		col += (int)t.len;
	}
	c->toks[c->nr_toks] = (struct tok){ T_EOF, text + size, 0, line, col };
}

static const struct tok *peek(struct pc *c)
{
	return &c->toks[c->at];
}

static const struct tok *next(struct pc *c)
{
	const struct tok *t = &c->toks[c->at];
	if (t->kind != T_EOF) {
		c->at++;
	}
	return t;
}

static bool is(const struct tok *t, const char *word)
{
	return t->kind == T_NAME && t->len == strlen(word) && memcmp(t->s, word, t->len) == 0;
}

static const char *kind_name(const struct tok *t)
{
	static const char *const names[] = { "a name", "\"*\"", "\"{\"", "\"}\"",
					     "\";\"",  "\":\"", "\",\"", "the end of the file" };
	return names[t->kind];
}

/* Skip to just after the next ';' (after an error). */
static void skip_statement(struct pc *c)
{
	const struct tok *t;
	do {
		t = next(c);
	} while (t->kind != T_SEMI && t->kind != T_EOF);
}

static bool expect(struct pc *c, enum tok_kind kind, const char *what)
{
	const struct tok *t = peek(c);
	if (t->kind != kind) {
		pc_error(c, t, "expected %s, found %s%s%.*s%s", what, kind_name(t),
			 t->kind == T_NAME ? " \"" : "", t->kind == T_NAME ? (int)t->len : 0, t->s,
			 t->kind == T_NAME ? "\"" : "");
		return false;
	}
	next(c);
	return true;
}

/* --- names --------------------------------------------------------------------------- */

static bool same(const struct tok *a, const struct tok *b)
{
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

static int find(const struct tok *const *list, uint32_t n, const struct tok *t)
{
	for (uint32_t i = 0; i < n; i++) {
		if (same(list[i], t)) {
			return (int)i;
		}
	}
	return -1;
}

static int builtin(const struct tok *t)
{
	for (unsigned a = HL_ATOM_FIRST_BUILTIN; a < HL_ATOM_END; a++) {
		if (is(t, hl_policy_atom_name(a))) {
			return (int)a;
		}
	}
	return -1;
}

/* A name a declaration may give: new, not a keyword or a built-in. */
static bool new_name(struct pc *c, const struct tok *t)
{
	if (t->kind != T_NAME) {
		pc_error(c, t, "expected a name, found %s", kind_name(t));
		return false;
	}
	if (!hl_policy_valid_name(t->s, t->len)) {
		pc_error(c, t, "\"%.*s\" is longer than %u characters", (int)t->len, t->s,
			 HL_POLICY_NAME_MAX);
		return false;
	}
	if (is(t, "type") || is(t, "attribute") || is(t, "allow") || builtin(t) >= 0) {
		pc_error(c, t, "\"%.*s\" is a reserved word", (int)t->len, t->s);
		return false;
	}
	int ty = find(c->types, c->nr_types, t), at = find(c->attrs, c->nr_attrs, t);
	if (ty >= 0 || at >= 0) {
		const struct tok *first = ty >= 0 ? c->types[ty] : c->attrs[at];
		pc_error(c, t, "\"%.*s\" is already declared at %d:%d", (int)t->len, t->s,
			 first->line, first->col);
		return false;
	}
	return true;
}

/* attribute NAME ; */
static void declare_attribute(struct pc *c)
{
	const struct tok *t = next(c);

	if (!new_name(c, t)) {
		skip_statement(c);
		return;
	}
	if (c->nr_attrs == MAX_ATTRS) {
		pc_error(c, t, "more than %u attributes", MAX_ATTRS);
		skip_statement(c);
		return;
	}
	c->attrs[c->nr_attrs++] = t;
	if (!expect(c, T_SEMI, "\";\"")) {
		skip_statement(c);
	}
}

/* type NAME [, ATTRIBUTE]... ; */
static void declare_type(struct pc *c)
{
	const struct tok *t = next(c);

	if (!new_name(c, t)) {
		skip_statement(c);
		return;
	}
	if (c->nr_types == HL_POLICY_MAX_TYPES) {
		pc_error(c, t, "more than %u types", HL_POLICY_MAX_TYPES);
		skip_statement(c);
		return;
	}
	uint32_t type = c->nr_types++;
	c->types[type] = t;
	while (peek(c)->kind == T_COMMA) {
		next(c);
		const struct tok *a = next(c);
		int at = a->kind == T_NAME ? find(c->attrs, c->nr_attrs, a) : -1;
		if (at < 0) {
			pc_error(c, a, "\"%.*s\" is not a declared attribute", (int)a->len, a->s);
			skip_statement(c);
			return;
		}
		c->member[at][type] = 1;
	}
	if (!expect(c, T_SEMI, "\",\" or \";\"")) {
		skip_statement(c);
	}
}

/* --- rules --------------------------------------------------------------------------- */

struct atoms {
	uint16_t v[HL_POLICY_MAX_TYPES + (HL_ATOM_END - HL_ATOM_FIRST_BUILTIN)];
	size_t n;
};

static void add_atom(struct atoms *s, uint32_t a)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i] == a) {
			return;
		}
	}
	s->v[s->n++] = (uint16_t)a;
}

/* One name of a subject or object list into @s. */
static bool name_atoms(struct pc *c, const struct tok *t, bool subject, struct atoms *s)
{
	int i;

	if (t->kind == T_STAR) {
		add_atom(s, HL_ATOM_ANY);
		return true;
	}
	if (t->kind != T_NAME) {
		pc_error(c, t, "expected a type, an attribute or \"*\", found %s", kind_name(t));
		return false;
	}
	if ((i = find(c->types, c->nr_types, t)) >= 0) {
		add_atom(s, (uint32_t)i);
		return true;
	}
	if ((i = find(c->attrs, c->nr_attrs, t)) >= 0) {
		for (uint32_t ty = 0; ty < c->nr_types; ty++) {
			if (c->member[i][ty]) {
				add_atom(s, ty);
			}
		}
		return true;
	}
	if ((i = builtin(t)) >= 0) {
		if (subject && hl_policy_object_only((unsigned)i)) {
			pc_error(c, t, "\"%.*s\" is an object, not a subject", (int)t->len, t->s);
			return false;
		}
		add_atom(s, (uint32_t)i);
		return true;
	}
	pc_error(c, t, "unknown type or attribute \"%.*s\"", (int)t->len, t->s);
	return false;
}

/* NAME | * | { NAME... } */
static bool atom_list(struct pc *c, bool subject, struct atoms *s)
{
	bool ok = true;

	s->n = 0;
	if (peek(c)->kind != T_LBRACE) {
		return name_atoms(c, next(c), subject, s);
	}
	next(c);
	while (peek(c)->kind != T_RBRACE) {
		if (peek(c)->kind == T_SEMI || peek(c)->kind == T_EOF) {
			return expect(c, T_RBRACE, "\"}\"");
		}
		ok &= name_atoms(c, next(c), subject, s);
	}
	next(c);
	if (ok && s->n == 0) {
		pc_error(c, &c->toks[c->at - 1], "an empty set");
		return false;
	}
	return ok;
}

/* One permission name (or "*") of class @cls into *@perms. */
static bool perm_name(struct pc *c, const struct tok *t, unsigned cls, uint32_t *perms)
{
	if (t->kind == T_STAR) {
		*perms |= hl_policy_class_perms(cls);
		return true;
	}
	for (unsigned b = 0; t->kind == T_NAME && hl_policy_perm_name(cls, b) != NULL; b++) {
		if (is(t, hl_policy_perm_name(cls, b))) {
			*perms |= 1u << b;
			return true;
		}
	}
	if (t->kind != T_NAME) {
		pc_error(c, t, "expected a permission, found %s", kind_name(t));
	} else {
		pc_error(c, t, "class %s has no permission \"%.*s\"", hl_policy_class_name(cls),
			 (int)t->len, t->s);
	}
	return false;
}

static bool perm_list(struct pc *c, unsigned cls, uint32_t *perms)
{
	bool ok = true;

	*perms = 0;
	if (peek(c)->kind != T_LBRACE) {
		return perm_name(c, next(c), cls, perms);
	}
	next(c);
	while (peek(c)->kind != T_RBRACE) {
		if (peek(c)->kind == T_SEMI || peek(c)->kind == T_EOF) {
			return expect(c, T_RBRACE, "\"}\"");
		}
		ok &= perm_name(c, next(c), cls, perms);
	}
	next(c);
	return ok;
}

static void add_rule(struct pc *c, const struct tok *at, uint16_t s, uint16_t o, uint8_t cls,
		     uint16_t perms)
{
	for (size_t i = 0; i < c->nr_rules; i++) {
		struct rule *r = &c->rules[i];
		if (r->s == s && r->o == o && r->cls == cls) {
			r->perms |= perms;
			return;
		}
	}
	if (c->nr_rules == MAX_RULES) {
		if (!c->too_many) {
			pc_error(c, at, "the policy expands to more than %u rules",
				 (unsigned)MAX_RULES);
		}
		c->too_many = true;
		return;
	}
	c->rules[c->nr_rules++] = (struct rule){ s, o, cls, perms };
}

/* A rule that could never match is a mistake: the object of a domain
 * operation is a domain, the object of the other classes the hypervisor. */
static bool objects_fit(struct pc *c, const struct tok *ct, unsigned cls, const struct atoms *obj)
{
	for (size_t i = 0; i < obj->n; i++) {
		uint32_t a = obj->v[i];
		if (a == HL_ATOM_ANY || hl_policy_class_on_domain(cls) != (a == HL_ATOM_XEN)) {
			continue;
		}
		const char *name = a < HL_ATOM_FIRST_BUILTIN ? "a type" : hl_policy_atom_name(a);
		pc_error(c, ct, "the object of class %s is %s, not %s", hl_policy_class_name(cls),
			 hl_policy_class_on_domain(cls) ? "a domain" : "xen_t (the hypervisor)",
			 name);
		return false;
	}
	return true;
}

/* allow SUBJECTS OBJECTS : CLASS PERMISSIONS ; */
static void allow(struct pc *c)
{
	static struct atoms subj, obj;
	const struct tok *start = &c->toks[c->at - 1];
	uint32_t perms;
	unsigned cls = 0;

	if (!atom_list(c, true, &subj) || !atom_list(c, false, &obj) ||
	    !expect(c, T_COLON, "\":\" before the class")) {
		skip_statement(c);
		return;
	}
	const struct tok *ct = next(c);
	for (unsigned k = 1; k < HL_CLASS_END; k++) {
		cls = is(ct, hl_policy_class_name(k)) ? k : cls;
	}
	if (cls == 0) {
		pc_error(c, ct, "unknown class \"%.*s\"", (int)ct->len, ct->s);
		skip_statement(c);
		return;
	}
	if (!perm_list(c, cls, &perms) || !expect(c, T_SEMI, "\";\"")) {
		skip_statement(c);
		return;
	}
	if (!objects_fit(c, ct, cls, &obj)) {
		return;
	}
	for (size_t i = 0; i < subj.n && !c->too_many; i++) {
		for (size_t j = 0; j < obj.n && !c->too_many; j++) {
			add_rule(c, start, subj.v[i], obj.v[j], (uint8_t)cls, (uint16_t)perms);
		}
	}
}

/* Pass 1 takes the declarations, pass 2 the rules; each skips the others. */
static void pass(struct pc *c, bool rules)
{
	c->at = 0;
	while (peek(c)->kind != T_EOF) {
		const struct tok *kw = next(c);
		if (is(kw, "type") && !rules) {
			declare_type(c);
		} else if (is(kw, "attribute") && !rules) {
			declare_attribute(c);
		} else if (is(kw, "allow") && rules) {
			allow(c);
		} else if (is(kw, "type") || is(kw, "attribute") || is(kw, "allow")) {
			skip_statement(c);
		} else {
			if (!rules) {
				pc_error(
					c, kw,
					"expected \"type\", \"attribute\" or \"allow\", found %s%s%.*s%s",
					kind_name(kw), kw->kind == T_NAME ? " \"" : "",
					kw->kind == T_NAME ? (int)kw->len : 0, kw->s,
					kw->kind == T_NAME ? "\"" : "");
			}
			skip_statement(c);
		}
	}
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static uint8_t *emit(const struct pc *c, size_t *size)
{
	size_t names = 0;

	for (uint32_t t = 0; t < c->nr_types; t++) {
		names += c->types[t]->len + 1;
	}
	*size = HL_POLICY_HEADER_SIZE + c->nr_rules * HL_POLICY_RULE_SIZE + names;
	uint8_t *b = calloc(1, *size);
	if (b == NULL) {
		lt_fatal_usage("out of memory");
	}
	memcpy(b, HL_POLICY_MAGIC, HL_POLICY_MAGIC_SIZE);
	put32(b + HL_POLICY_OFF_VERSION, HL_POLICY_VERSION);
	put32(b + HL_POLICY_OFF_SIZE, (uint32_t)*size);
	put32(b + HL_POLICY_OFF_NR_TYPES, c->nr_types);
	put32(b + HL_POLICY_OFF_NR_RULES, (uint32_t)c->nr_rules);
	put32(b + HL_POLICY_OFF_NAMES_SIZE, (uint32_t)names);
	uint8_t *r = b + HL_POLICY_HEADER_SIZE;
	for (size_t i = 0; i < c->nr_rules; i++, r += HL_POLICY_RULE_SIZE) {
		put16(r + HL_RULE_OFF_SUBJECT, c->rules[i].s);
		put16(r + HL_RULE_OFF_OBJECT, c->rules[i].o);
		r[HL_RULE_OFF_CLASS] = c->rules[i].cls;
		put16(r + HL_RULE_OFF_PERMS, c->rules[i].perms);
	}
	for (uint32_t t = 0; t < c->nr_types; t++) {
		memcpy(r, c->types[t]->s, c->types[t]->len);
		r += c->types[t]->len + 1;
	}
	return b;
}

uint8_t *lt_policy_compile(const char *file, const char *text, size_t size, size_t *out_size)
{
	struct pc c = { .file = file };
	uint8_t *out = NULL;

	c.member = calloc(MAX_ATTRS, sizeof(*c.member));
	c.rules = calloc(MAX_RULES, sizeof(*c.rules));
	if (c.member == NULL || c.rules == NULL) {
		lt_fatal_usage("out of memory");
	}
	/* A stray byte is reported and skipped: the statements still are read. */
	tokenize(&c, text, size);
	pass(&c, false);
	pass(&c, true);
	report_errors(&c);
	if (c.errors == 0) {
		out = emit(&c, out_size);
		static struct hl_policy check;
		char why[160];
		if (hl_policy_load(&check, out, *out_size, why, sizeof(why)) != NULL) {
			struct lt_loc loc = { file, 0, 0 };
			lt_error(&loc, "the compiled policy is refused: %s", why);
			free(out);
			out = NULL;
		}
	}
	free(c.toks);
	free(c.member);
	free(c.rules);
	return out;
}
