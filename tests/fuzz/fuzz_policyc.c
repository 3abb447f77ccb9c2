/*
 * libFuzzer target: arbitrary bytes as policy text for lcm-tool's compiler
 * (tools/lcm-tool/policyc.c), which reads files its user names. No input
 * may crash it, read outside the text, or loop; what it accepts, the
 * hypervisor's loader must accept too (the compiler checks that itself,
 * and it is checked again here), and compiling the same text twice gives
 * the same bytes. Its diagnostics go to stderr: run with -close_fd_mask=2.
 *
 * Built by tests/build.mk as build/fuzz/fuzz-policyc; tests/fuzz/smoke.sh
 * runs it briefly on tests/fuzz/corpus-policyc.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "../../tools/lcm-tool/policyc.h"

static struct hl_policy p;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[160];
	size_t n, n2;
	char *text = malloc(size != 0 ? size : 1);

	memcpy(text, data, size);
	uint8_t *bin = lt_policy_compile("fuzz.te", text, size, &n);
	if (bin != NULL) {
		if (hl_policy_load(&p, bin, n, why, sizeof(why)) != NULL) {
			abort();
		}
		uint8_t *again = lt_policy_compile("fuzz.te", text, size, &n2);
		if (again == NULL || n2 != n || memcmp(again, bin, n) != 0) {
			abort();
		}
		free(again);
	}
	free(bin);
	free(text);
	return 0;
}
