/*
 * The reference Boot Domain's configuration, line by line (bootcfg.h).
 * Words are separated by spaces and tabs; a line ends at '\n', its
 * comment at '#'; blanks and a '\r' at its end do not count (a CRLF file
 * reads as the same file with LF). The text ends at its size or at its
 * first NUL byte, whichever comes first (the Boot Domain reads it as a C
 * string).
 */
#include <string.h>

#include <fmt/fmt.h>

#include "bootcfg.h"

void bootcfg_init(struct bootcfg *c, const struct lcm_launch *l, const char *text, size_t size,
		  int *order, bool *wait)
{
	memset(c, 0, sizeof(*c));
	c->lcm = l;
	c->text = text;
	const char *nul = memchr(text, '\0', size);
	c->size = nul != NULL ? (size_t)(nul - text) : size;
	c->order = order;
	c->wait = wait;
	memset(wait, 0, l->nr_domains * sizeof(*wait));
	c->wait_timeout_ms = BOOTCFG_WAIT_DEFAULT_MS;
	c->domain = -1;
}

bool bootcfg_ordered(const struct bootcfg *c, int d)
{
	for (unsigned i = 0; i < c->nr_order; i++) {
		if (c->order[i] == d) {
			return true;
		}
	}
	return false;
}

/* The next word of *@p: its start (NULL when there is none), length in *@n. */
static const char *word(const char **p, size_t *n)
{
	const char *s = *p;

	while (*s == ' ' || *s == '\t') {
		s++;
	}
	const char *e = s;
	while (*e != '\0' && *e != ' ' && *e != '\t') {
		e++;
	}
	*n = (size_t)(e - s);
	*p = e;
	return *n > 0 ? s : NULL;
}

/* A decimal number of 1 to 9 digits. */
static bool number(const char *s, size_t n, uint64_t *v)
{
	*v = 0;
	if (n == 0 || n > 9) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return true;
}

static bool is(const char *w, size_t n, const char *name)
{
	return n == strlen(name) && memcmp(w, name, n) == 0;
}

static enum bootcfg_step bad(struct bootcfg *c, const char *why)
{
	c->why = why;
	c->refused = true;
	return BOOTCFG_BAD;
}

/* The domain named by the next word of *@p, or -1 with c->why. */
static int domain_word(struct bootcfg *c, const char **p)
{
	size_t n;
	const char *w = word(p, &n);

	if (w == NULL) {
		c->why = "a domain name is missing";
		return -1;
	}
	for (uint32_t i = 0; i < c->lcm->nr_domains; i++) {
		const char *name = c->lcm->domains[i].name;
		if (strlen(name) == n && memcmp(name, w, n) == 0) {
			return (int)i;
		}
	}
	c->why = "unknown domain";
	return -1;
}

static enum bootcfg_step order_line(struct bootcfg *c, const char *p)
{
	const char *q = p;
	size_t n;

	if (word(&q, &n) == NULL) {
		return bad(c, "order names no domain");
	}
	while ((q = p, word(&q, &n)) != NULL) {
		int d = domain_word(c, &p);
		if (d < 0) {
			return bad(c, c->why);
		}
		if (bootcfg_ordered(c, d)) {
			return bad(c, "a domain is ordered twice");
		}
		c->order[c->nr_order++] = d;
	}
	return BOOTCFG_PLAN;
}

static enum bootcfg_step parse_line(struct bootcfg *c)
{
	char *line = c->line;
	char *hash = strchr(line, '#');
	if (hash != NULL) {
		*hash = '\0';
	}
	size_t len = strlen(line);
	while (len > 0 &&
	       (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r')) {
		line[--len] = '\0';
	}
	const char *p = line;
	size_t n;
	const char *w = word(&p, &n);
	if (w == NULL) {
		return BOOTCFG_PLAN;
	}
	if (is(w, n, "order")) {
		return order_line(c, p);
	}
	if (is(w, n, "wait")) {
		int d = domain_word(c, &p);
		if (d < 0) {
			return bad(c, c->why);
		}
		if (word(&p, &n) != NULL) {
			return bad(c, "wait takes one domain");
		}
		c->wait[d] = true;
		return BOOTCFG_PLAN;
	}
	if (is(w, n, "wait-timeout-ms")) {
		uint64_t ms;
		w = word(&p, &n);
		if (w == NULL || !number(w, n, &ms) || word(&p, &n) != NULL) {
			return bad(c, "wait-timeout-ms takes one number");
		}
		c->wait_timeout_ms = ms;
		return BOOTCFG_PLAN;
	}
	if (is(w, n, "bootargs")) {
		c->domain = domain_word(c, &p);
		if (c->domain < 0) {
			return bad(c, c->why);
		}
		while (*p == ' ' || *p == '\t') {
			p++;
		}
		c->bootargs = p;
		return BOOTCFG_BOOTARGS;
	}
	if (is(w, n, "affinity")) {
		c->domain = domain_word(c, &p);
		if (c->domain < 0) {
			return bad(c, c->why);
		}
		const char *v = word(&p, &n);
		if (v == NULL || !number(v, n, &c->vcpu)) {
			return bad(c, "affinity takes a domain, a vCPU and a CPU");
		}
		v = word(&p, &n);
		if (v == NULL || !number(v, n, &c->cpu) || word(&p, &n) != NULL) {
			return bad(c, "affinity takes a domain, a vCPU and a CPU");
		}
		return BOOTCFG_AFFINITY;
	}
	return bad(c, "unknown directive");
}

enum bootcfg_step bootcfg_next(struct bootcfg *c)
{
	if (c->refused || c->at >= c->size) {
		return BOOTCFG_END;
	}
	const char *p = c->text + c->at;
	size_t left = c->size - c->at;
	const char *e = memchr(p, '\n', left);
	size_t n = e != NULL ? (size_t)(e - p) : left;

	c->no++;
	c->domain = -1;
	c->bootargs = NULL;
	c->vcpu = c->cpu = 0;
	c->why = NULL;
	if (n >= sizeof(c->line)) {
		memcpy(c->line, p, BOOTCFG_SHOWN_LONG);
		c->line[BOOTCFG_SHOWN_LONG] = '\0';
		return bad(c, "line too long");
	}
	memcpy(c->line, p, n);
	c->line[n] = '\0';
	c->at += n + (e != NULL);
	return parse_line(c);
}

void bootcfg_error(const struct bootcfg *c, char *buf, size_t n)
{
	fmt_snprintf(buf, n, "config line %u: %s: %s", c->no, c->why != NULL ? c->why : "?",
		     c->line);
}
