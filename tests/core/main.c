/*
 * build/tests/unit-core: the hypervisor's architecture-free core on the fake
 * architecture. Each group runs in a process of its own (fork), because the
 * core's state is global and a launch happens once per machine; inside a
 * group the tests run in order on one machine. A group's process prints
 * cmocka's "[       OK ] name" / "[  FAILED  ] name" lines, which
 * tests/run.sh counts; a process that dies (a signal, a sanitizer report)
 * is one more "[  FAILED  ]" line for its group. The exit status is 1 when
 * anything failed. "unit-core GROUP..." runs only those groups (a group
 * marked by_name only runs so: tests of known bugs not fixed yet, none
 * today); with UNIT_CORE_CONSOLE=1 each group's console follows its
 * results.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core_test.h"

static const struct {
	const char *name;
	int (*run)(void);
	bool by_name; /* only when named: tests of bugs not fixed yet */
} groups[] = {
	{ "mm", run_mm_tests, false },
	{ "sched", run_sched_tests, false },
	{ "policy", run_policy_tests, false },
	{ "policy-failed", run_policy_failed_tests, false },
	{ "launch", run_launch_tests, false },
	{ "deadline", run_deadline_tests, false },
	{ "hostile", run_hostile_tests, false },
	{ "bootdom-off", run_bootdom_off_tests, false },
	{ "static", run_boot_tests, false },
	{ "panic", run_panic_tests, false },
	{ "fault", run_fault_tests, false },
	{ "classic", run_classic_tests, false },
	{ "dynamic", run_dynamic_tests, false },
	{ "reclaim", run_reclaim_tests, false },
	{ "create-steps", run_create_step_tests, false },
	{ "bootmod", run_bootmod_tests, false },
	{ "xen", run_xen_tests, false },
	{ "xen-labels", run_xen_label_tests, false },
	{ "xen-store", run_xenstore_tests, false },
	{ "xen-nostore", run_xenstore_none_tests, false },
	{ "labels", run_label_tests, false },
	{ "labels-console", run_label_console_tests, false },
	{ "policy-truncated", run_policy_truncated_tests, false },
	{ "policy-bad-version", run_policy_bad_version_tests, false },
	{ "policy-huge", run_policy_huge_tests, false },
	{ "policy-unknown-label", run_policy_unknown_label_tests, false },
	{ "policy-bad-digest", run_policy_bad_digest_tests, false },
	{ "safevm", run_safevm_tests, false },
	{ "safevm-one", run_safevm_one_tests, false },
	{ "safevm-rescue", run_safevm_rescue_tests, false },
	{ "measure", run_measure_tests, false },
	{ "tpm", run_tpm_tests, false },
	{ "passthrough", run_passthrough_tests, false },
};

int main(int argc, char **argv)
{
	int failed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
		/* "unit-core NAME...": only those groups. */
		bool wanted = argc < 2 && !groups[i].by_name;
		for (int a = 1; a < argc; a++) {
			wanted |= strcmp(argv[a], groups[i].name) == 0;
		}
		if (!wanted) {
			continue;
		}
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			int r = groups[i].run();
			/* UNIT_CORE_CONSOLE=1: what the hypervisor printed, to read. */
			if (getenv("UNIT_CORE_CONSOLE") != NULL) {
				fprintf(stderr, "--- console of %s ---\n%s", groups[i].name,
					fake_console());
			}
			exit(r == 0 ? 0 : 1);
		}
		int status;
		if (waitpid(pid, &status, 0) != pid) {
			perror("waitpid");
			return 1;
		}
		if (WIFSIGNALED(status)) {
			printf("[  FAILED  ] %s: its process died of signal %d\n", groups[i].name,
			       WTERMSIG(status));
			failed++;
		} else if (WEXITSTATUS(status) == 1) {
			failed++; /* cmocka named the failed tests */
		} else if (WEXITSTATUS(status) != 0) {
			printf("[  FAILED  ] %s: its process exited with status %d (a sanitizer report?)\n",
			       groups[i].name, WEXITSTATUS(status));
			failed++;
		}
	}
	fflush(NULL);
	return failed == 0 ? 0 : 1;
}
