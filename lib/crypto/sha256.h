/*
 * SHA-256 (FIPS 180-4) for the freestanding binaries: the hypervisor
 * measures the launch with it and checks module digests against the LCM's,
 * the Boot Domain verifies modules. Host code uses OpenSSL's libcrypto instead, and the host
 * tests cross-check the two. Why not a library here: docs/architecture.md.
 */
#ifndef HL_SHA256_H
#define HL_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE  64

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;                 /* message length so far */
	uint8_t buf[SHA256_BLOCK_SIZE]; /* a partial block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_SIZE]);
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

/* Compress @n whole blocks at @p into the state @h: the portable code, and
 * the hook through which a binary may offer a faster one (false: not here). */
void sha256_blocks(uint32_t h[8], const uint8_t *p, size_t n);
bool sha256_arch_blocks(uint32_t h[8], const uint8_t *p, size_t n);

#endif /* HL_SHA256_H */
