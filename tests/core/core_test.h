/*
 * Shared helpers of the core's unit tests (build/tests/unit-core): the real
 * hypervisor/core/ on the fake architecture (hypervisor/arch/fake/fake.h).
 *
 * The core keeps its state in globals (the domain table, the allocator, the
 * launch phase), as a hypervisor does, so one process holds one machine:
 * main.c runs each group in a forked process of its own, and the tests of a
 * group run in order on that group's machine (a launch group's tests are the
 * launch's steps, one after the other).
 */
#ifndef CORE_TEST_H
#define CORE_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <hyperlaunch/hypercall.h>
#include <hyperlaunch/lcm-abi.h>

#include "arch/fake/fake.h"
#include "core/domain.h"
#include "core/vcpu.h"

/* --- an LCM in a host device tree ------------------------------------------ */

struct tdom {
	const char *name;
	uint32_t functions;
	uint32_t permissions;
	uint32_t domid;      /* 0: automatic */
	unsigned cpus;       /* 0: 1 */
	unsigned memory_kib; /* 0: 2048 */
	const char *bootargs;
	bool bad_digest;         /* the LCM's digest is not the module's */
	const char *label;       /* security-id; NULL: none (domU_t) */
	const char *safety;      /* hyperlaunch,safety; NULL: none */
	bool xen;                /* hyperlaunch,xen-interface */
	uint32_t channel;        /* hyperlaunch,channels = <channel> (0: none) */
	const char *vbd_backend; /* a xen-vbd (xvda, /dev/ram0) served by it; NULL: none */
	const char *vif_backend; /* a xen-vif (00:16:3e:00:00:02) served by it */
};

#define TL_MAX_DOMAINS 16

struct tlaunch {
	struct tdom dom[TL_MAX_DOMAINS];
	uint32_t boot_timeout_ms; /* 0: the default */
	const char *on_all_off;   /* NULL: the default (poweroff) */
	const void *policy;       /* an xsm-policy module (NULL: none) */
	size_t policy_size;
	bool policy_bad_digest;      /* its digest in the LCM is not its own */
	const char *control_domains; /* hyperlaunch,control-domains; NULL: none */
};

/* The policy text @text compiled by lcm-tool's compiler (the test fails
 * when it does not compile); malloc'd, its size in *@size. */
uint8_t *compile_policy(const char *text, size_t *size);

/* A host DTB holding the LCM @l, each domain's kernel a fake kernel page
 * placed in fake RAM (with its SHA-256 in the LCM); the blob stays valid
 * for the process. */
const void *host_dtb(const struct tlaunch *l);

/* A one-domain LCM fragment for HL_DOMAIN_CREATE in @buf (@size bytes):
 * domain @name (@domid, 0: automatic, 2048 KiB, 1 vCPU) whose kernel is
 * @kernel_size bytes at guest address @kernel_ipa with SHA-256 @digest.
 * Returns its size. */
size_t fragment(void *buf, size_t size, const char *name, uint32_t domid, uint64_t kernel_ipa,
		uint64_t kernel_size, const uint8_t digest[32]);
/* The same with @memory_kib KiB of RAM. */
size_t fragment_mem(void *buf, size_t size, const char *name, uint32_t domid, uint32_t memory_kib,
		    uint64_t kernel_ipa, uint64_t kernel_size, const uint8_t digest[32]);
/* The same for the domain @d (name, domid, memory, roles, label, safety). */
size_t fragment_of(void *buf, size_t size, const struct tdom *d, uint64_t kernel_ipa,
		   uint64_t kernel_size, const uint8_t digest[32]);
/* A fake kernel page in @page whose contents depend on @tag; its digest. */
void fake_kernel_page(void *page, const char *tag, uint8_t digest[32]);

/* --- the core's objects ---------------------------------------------------------- */

/* The domain named @name (fails the test when there is none). */
struct domain *dom(const char *name);
struct vcpu *vcpu0(const char *name);
uint32_t domid(const char *name);

/* Whether the console shows @line as a whole line. */
bool console_has_line(const char *line);
/* Fail with the console's contents when it does not show @line. */
#define assert_line(line) assert_line_at(__FILE__, __LINE__, (line))
void assert_line_at(const char *file, int line, const char *text);
#define assert_no_line(line) assert_no_line_at(__FILE__, __LINE__, (line))
void assert_no_line_at(const char *file, int line, const char *text);
/* Fail unless the fake stopped for @want. */
#define assert_stop(got, want) assert_stop_at(__FILE__, __LINE__, (got), (want))
void assert_stop_at(const char *file, int line, enum fake_stop got, enum fake_stop want);

/* Write @s into @v's domain's RAM at the RAM base + @offset and return its
 * guest address (a hypercall argument). */
uint64_t guest_put(struct vcpu *v, uint64_t offset, const void *s, size_t n);

/* The pages a test uses in domain @name's RAM, at its RAM base +
 * TEST_AREA + @off: their guest address, and copies in and out. */
#define TEST_AREA 0x100000ull
uint64_t test_at(const char *name, uint64_t off);
void test_put(const char *name, uint64_t off, const void *s, size_t n);
void test_get(const char *name, uint64_t off, void *s, size_t n);
/* Xen hypercall @nr with arguments @a0-@a2 from vCPU 0 of domain @name. */
int64_t xcall(const char *name, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2);

/* A fake arch bug fails the running test instead of aborting. */
void fake_bug_fails_test(void);

/* --- the groups, each run in its own process (main.c) -------------------------- */

int run_mm_tests(void);
int run_sched_tests(void);
int run_policy_tests(void);
int run_policy_failed_tests(void);
int run_label_tests(void);
int run_label_console_tests(void);
int run_policy_truncated_tests(void);
int run_policy_bad_version_tests(void);
int run_policy_huge_tests(void);
int run_policy_unknown_label_tests(void);
int run_policy_bad_digest_tests(void);
int run_safevm_tests(void);
int run_safevm_one_tests(void);
int run_safevm_rescue_tests(void);
int run_launch_tests(void);
int run_deadline_tests(void);
int run_hostile_tests(void);
int run_bootdom_off_tests(void);
int run_boot_tests(void);
int run_xenstore_tests(void);
int run_xenstore_none_tests(void);
int run_panic_tests(void);
int run_fault_tests(void);
int run_classic_tests(void);
int run_dynamic_tests(void);
int run_reclaim_tests(void);
int run_create_step_tests(void);
int run_bootmod_tests(void);
int run_xen_tests(void);
int run_xen_label_tests(void);
int run_measure_tests(void);
int run_tpm_tests(void);
int run_passthrough_tests(void);

#endif /* CORE_TEST_H */
