/*
 * The arm64 hook of lib/crypto's SHA-256: whole blocks go to the crypto
 * extension (sha256_ce.S) when the CPU has it (ID_AA64ISAR0_EL1.SHA2) and it
 * agrees with the portable code on a known message, checked once; otherwise
 * the portable code does them.
 */
#include <stdbool.h>
#include <string.h>

#include <crypto/sha256.h>

#include "arch/arm64/sysreg.h"

void sha256_ce_blocks(uint32_t h[8], const uint8_t *p, size_t n);

static int ce_ok = -1; /* unknown until the first call */

/* Two blocks of a fixed pattern through both paths: equal states, or the
 * extension is not used (a CPU or emulator bug must not fail every digest). */
static bool ce_agrees(void)
{
	uint8_t msg[2 * SHA256_BLOCK_SIZE];
	uint32_t a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, b[8];

	for (unsigned i = 0; i < sizeof(msg); i++) {
		msg[i] = (uint8_t)(i * 7 + 3);
	}
	memcpy(b, a, sizeof(a));
	sha256_blocks(a, msg, 2);
	sha256_ce_blocks(b, msg, 2);
	return memcmp(a, b, sizeof(a)) == 0;
}

bool sha256_arch_blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
	if (ce_ok < 0) {
		uint64_t sha2 = (read_sysreg(id_aa64isar0_el1) >> 12) & 0xf;
		ce_ok = sha2 != 0 && ce_agrees();
	}
	if (!ce_ok) {
		return false;
	}
	sha256_ce_blocks(h, p, n);
	return true;
}
