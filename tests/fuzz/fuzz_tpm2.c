/*
 * libFuzzer target for the hypervisor's TPM 2.0 response parsing
 * (hypervisor/drivers/tpm2.c): the TIS transport is replaced by one that
 * answers every command with the fuzzer's bytes, as a broken or hostile
 * TPM (or bus interposer) could. The first byte picks the command whose
 * response is parsed; the rest is the response. Nothing may read or write
 * out of bounds, and what the parser returns must fit what it promises: a
 * result is 0, a 12-bit TPM response code or one of the interface's
 * TPM_E* codes, and a count or size within its bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/tpm_tis.h"

static const uint8_t *answer;
static size_t answer_len;

int tpm_tis_transmit(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t size, size_t *rlen)
{
	(void)cmd;
	(void)len;
	/* As the TIS transport does: a response is at least its header and
	 * at most the buffer. */
	if (answer_len < 10 || answer_len > size) {
		return TPM_EPROTO;
	}
	memcpy(rsp, answer, answer_len);
	*rlen = answer_len;
	return 0;
}

static int checked(int r)
{
	if (r < TPM_EPROTO || r > 0xfff) {
		abort();
	}
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t nonce[20];
	uint8_t out[1024], digest[TPM_MAX_DIGEST];
	uint16_t algs[TPM_MAX_BANKS];
	unsigned nr = 0, n = 0;
	size_t len = 0;
	char words[160];

	if (size < 1) {
		return 0;
	}
	answer = data + 1;
	answer_len = size - 1;
	switch (data[0] % 4) {
	case 0:
		if (checked(tpm2_active_banks(algs, &nr)) == 0 && nr > TPM_MAX_BANKS) {
			abort();
		}
		break;
	case 1:
		if (checked(tpm2_pcr_read(9, 0x000B, digest, &n)) == 0 && n > TPM_MAX_DIGEST) {
			abort();
		}
		break;
	case 2:
		checked(tpm2_quote(0x81010002, nonce, sizeof(nonce), 0x000B, 0x300, out,
				   sizeof(out), &len));
		break;
	default:
		tpm_strerror(checked(tpm2_startup()), words, sizeof(words));
		break;
	}
	return 0;
}
