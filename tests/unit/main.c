/*
 * build/tests/unit-lcm: every cmocka group of the LCM library, lib/fmt, the
 * console filter, lib/crypto (against OpenSSL), lib/tcg, lib/bootcfg, the
 * LCM library's Xen split devices, and the x86 ASID bookkeeping, MMIO
 * instruction decoder and virtual local APIC.
 * Each prints "[       OK ] name" or "[  FAILED  ] name" per case, which
 * tests/run.sh counts; the exit status is the number of failed cases.
 */
#include "lcm_test.h"

int main(void)
{
	int failed = 0;

	failed += run_domain_tests();
	failed += run_module_tests();
	failed += run_rule_tests();
	failed += run_blob_tests();
	failed += run_api_tests();
	failed += run_seed_tests();
	failed += run_name_tests();
	failed += run_console_tests();
	failed += run_fmt_tests();
	failed += run_sha256_tests();
	failed += run_policy_tests();
	failed += run_tcg_tests();
	failed += run_bootcfg_tests();
	failed += run_asid_tests();
	failed += run_xendev_tests();
	failed += run_x86decode_tests();
	failed += run_vlapic_tests();
	return failed == 0 ? 0 : 1;
}
