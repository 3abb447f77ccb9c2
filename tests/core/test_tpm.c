/*
 * The TPM driver's words (drivers/tpm2.c, tpm_strerror): response codes by
 * name with what they mean, format-one codes with the parameter, handle or
 * session they are about (TPM 2.0 Part 2, 6.6.3), codes it does not know by
 * number, and its own interface failures with their timeouts.
 */
#include "core_test.h"

#include <string.h>

#include "drivers/tpm_tis.h"

static void words(int err, const char *want)
{
	char buf[160];

	assert_string_equal(tpm_strerror(err, buf, sizeof(buf)), want);
}

static void response_codes(void **state)
{
	(void)state;
	words(0x907, "TPM_RC_LOCALITY (not allowed at this locality)");
	words(0x100, "TPM_RC_INITIALIZE (the TPM was already started)");
	words(0x922, "TPM_RC_RETRY (the TPM was busy: try again)");
	words(0x1C4, "TPM_RC_VALUE (a value out of range, parameter 1)");
	words(0x18B, "TPM_RC_HANDLE (a handle that is not loaded or not allowed, handle 1)");
	words(0x98E, "TPM_RC_AUTH_FAIL (the authorization failed, session 1)");
	words(0x2C3, "TPM_RC_HASH (a hash algorithm the TPM does not support, parameter 2)");
	words(0x1BF, "TPM error 0x1bf (handle 1)");
	words(0x12A, "TPM error 0x12a");
}

static void interface_failures(void **state)
{
	(void)state;
	words(TPM_ENODEV, "no TPM answers (TPM_ACCESS not valid)");
	words(TPM_ELOCALITY, "locality 0 not granted within 750 ms");
	words(TPM_EREADY, "the TPM was not ready for a command within 2000 ms");
	words(TPM_ETIMEOUT, "no response from the TPM within 5000 ms");
	words(TPM_EPROTO, "a malformed response");
}

static void algorithms(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(tpm2_alg_size(0x000B), 32);
	assert_int_equal(tpm2_alg_size(0x0004), 20);
	assert_int_equal(tpm2_alg_size(0x0099), 0);
	assert_string_equal(tpm2_alg_name(0x000C, buf, sizeof(buf)), "sha384");
	assert_string_equal(tpm2_alg_name(0x0099, buf, sizeof(buf)), "alg 0x0099");
}

int run_tpm_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(response_codes),
		cmocka_unit_test(interface_failures),
		cmocka_unit_test(algorithms),
	};
	return cmocka_run_group_tests_name("core: tpm", tests, NULL, NULL);
}
