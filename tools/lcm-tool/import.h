/*
 * lcm-tool import: what a Xen dom0less device tree (import-dtb.c) or an
 * ImageBuilder configuration (import-ib.c) is read into, before import.c
 * names the module files and writes the JSON configuration of
 * docs/lcm-tool.md. Readers report every problem through imp_error() and
 * imp_warning(), naming the node and property (or the variable and line).
 */
#ifndef LCM_TOOL_IMPORT_H
#define LCM_TOOL_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lcm-tool.h"

#define IMP_MAX_DOMAINS LT_MAX_DOMAINS

struct imp_module {
	bool present;
	bool has_reg; /* device tree: located by reg */
	uint64_t addr;
	uint64_t size;
	char *file;      /* the file as the input names it; NULL: not named */
	char *bootargs;  /* kernel only; NULL when none */
	char where[160]; /* node path or variable, for messages */
	int line;        /* ImageBuilder: the variable's line */
};

struct imp_domain {
	char name[LCM_NAME_MAX + 1];
	char where[128]; /* node path or variable, for messages */
	int line;
	uint32_t permissions;
	uint32_t functions;
	uint32_t cpus;
	uint64_t memory_kib;
	bool xen; /* "xen-interface" (Xen's xen,enhanced) */
	struct imp_module mod[LCM_MOD_NR_TYPES];
};

struct imp {
	const char *input; /* the file named on the command line, for messages */
	struct imp_domain *domains;
	size_t nr_domains;
	size_t max_domains; /* allocated */
	unsigned nr_warnings;
};

/* Diagnostics: "INPUT[:LINE:1]: error: WHERE: MSG" (line 0: none). */
void imp_error(const struct imp *im, int line, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void imp_warning(struct imp *im, int line, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A new domain at the end of the list (NULL, reported, when full). */
struct imp_domain *imp_add_domain(struct imp *im, const char *name, const char *where, int line);
void imp_free(struct imp *im);
/* strdup, or exit 2 when out of memory. */
char *imp_strdup(const char *s);

/* Xen's command line: take dom0_mem= and dom0_max_vcpus= for @dom0 (may be
 * NULL), warn about the rest, which has no equivalent. Returns which of the
 * two it found. */
#define IMP_SEEN_DOM0_MEM   1u
#define IMP_SEEN_DOM0_VCPUS 2u
unsigned imp_xen_cmdline(struct imp *im, int line, const char *where, const char *cmdline,
			 struct imp_domain *dom0);

/* At most one hardware and one xenstore domain, as on Xen; a classic dom0
 * (domains[0] when @has_dom0) leaves xenstore to a domain that claims it. */
void imp_check_roles(struct imp *im, bool has_dom0);

/* The readers: false when the input has errors (reported). */
bool imp_read_dtb(struct imp *im, const void *fdt, size_t size);
bool imp_read_imagebuilder(struct imp *im, const char *text, size_t size);

/* The JSON configuration for @im (module paths as their file says, which
 * import.c has made relative to the output). Returns a new jansson object. */
struct json_t;
struct json_t *imp_to_json(const struct imp *im);

#endif /* LCM_TOOL_IMPORT_H */
