/*
 * Shared helpers of the LCM unit tests: a small device-tree builder on
 * libfdt's sequential-write API (so nodes come out in the order written, as
 * dtc would put them), a parse fixture with caller-provided arrays, and an
 * assertion that compares every diagnostic with its exact text.
 *
 * Each test file defines one cmocka group and a run_*_tests() entry point
 * that main.c calls; all of them link with lib/lcm/lcm.c and lib/fmt/fmt.c.
 */
#ifndef LCM_TEST_H
#define LCM_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lcm/lcm.h"

#define HV LCM_HYPERVISOR_PATH

/* --- tree builder ----------------------------------------------------------- */

#define TB_SIZE 16384

struct tb {
	_Alignas(8) char buf[TB_SIZE];
	unsigned depth;      /* open nodes */
	uint32_t next_index; /* next automatic mb-index */
};

/* An empty tree with only the root node open. */
void tb_init_bare(struct tb *t);
/* The usual start: root, /chosen and /chosen/hypervisor (with compatible
 * "hypervisor,xen") open; what follows goes inside the hypervisor node. */
void tb_init(struct tb *t);

void tb_begin(struct tb *t, const char *name);
void tb_end(struct tb *t);
void tb_str(struct tb *t, const char *prop, const char *s);
/* A string list: NULL-terminated arguments. */
void tb_strs(struct tb *t, const char *prop, ...);
void tb_u32(struct tb *t, const char *prop, uint32_t v);
/* @n big-endian cells. */
void tb_cells(struct tb *t, const char *prop, int n, ...);
void tb_raw(struct tb *t, const char *prop, const void *data, int len);
/* Closes every open node and finishes the blob. */
const void *tb_done(struct tb *t);

/* Begin a node with compatible "xen,domain" (left open). */
void tb_domain(struct tb *t, const char *name);
/* Begin a node with compatible "xen,config" (left open). */
void tb_config(struct tb *t);
/* A complete module node located by module-addr <addr size>, one cell each. */
void tb_mod_addr(struct tb *t, const char *name, const char *type, uint32_t addr, uint32_t size);
/* A complete "multiboot,module" node with an explicit mb-index. */
void tb_mod_idx(struct tb *t, const char *name, const char *type, uint32_t index);
/* A kernel module "kernel" with the next automatic mb-index (from 1). */
void tb_kernel(struct tb *t);
/* A complete domain: 16 MiB, an automatic-index kernel, nothing else. */
void tb_simple_domain(struct tb *t, const char *name);

/* --- parsing ------------------------------------------------------------------ */

#define LP_DOMAINS 16
#define LP_MODULES 32
#define LP_DIAGS   32

struct lp {
	struct lcm_launch l;
	struct lcm_domain dom[LP_DOMAINS];
	struct lcm_module mod[LP_MODULES];
	struct lcm_diag diag[LP_DIAGS];
	int rc;
};

/* lcm_parse() of a blob from tb_done() (its totalsize) with full arrays. */
int lp_parse(struct lp *p, const void *fdt, enum lcm_arch arch);
/* The same with an explicit size and array capacities (at most LP_*). */
int lp_parse_ex(struct lp *p, const void *fdt, size_t size, enum lcm_arch arch,
		uint32_t max_domains, uint32_t max_modules, uint32_t max_diags);

/* Diagnostic @i as "error: PATH: PROP: MSG" or "warning: ...". */
const char *lp_diag(const struct lp *p, uint32_t i);

/*
 * Assert that the recorded diagnostics are exactly the NULL-terminated list
 * of "error: ..."/"warning: ..." strings, in order, and that nr_errors and
 * nr_warnings count them. expect_diags(p, "error: ...", ...) adds the NULL.
 */
void expect_diags_at(const char *file, int line, const struct lp *p, ...);
#define expect_diags(p, ...) expect_diags_at(__FILE__, __LINE__, (p), __VA_ARGS__, NULL)
#define expect_no_diags(p)   expect_diags_at(__FILE__, __LINE__, (p), NULL)

/* Index of the domain named @name; fails the test when there is none. */
const struct lcm_domain *lp_domain(const struct lp *p, const char *name);

/* --- groups (one per file) ---------------------------------------------------------- */

int run_domain_tests(void);
int run_module_tests(void);
int run_rule_tests(void);
int run_blob_tests(void);
int run_api_tests(void);
int run_fmt_tests(void);
int run_seed_tests(void);
int run_name_tests(void);
int run_console_tests(void);
int run_sha256_tests(void);
int run_policy_tests(void);
int run_tcg_tests(void);
int run_bootcfg_tests(void);
int run_asid_tests(void);
int run_xendev_tests(void);
int run_x86decode_tests(void);
int run_vlapic_tests(void);

#endif /* LCM_TEST_H */
