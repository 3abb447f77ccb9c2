/*
 * lib/crypto/sha256.c (the freestanding SHA-256 of the hypervisor and the
 * Boot Domain) against OpenSSL's libcrypto, which lcm-tool uses to write
 * the digests: the same digest for every length from 0 to 2000 bytes (every
 * padding case: a last block with room for the length, without, exactly
 * full) and a few large inputs, in one call and fed in odd pieces (pieces
 * that cross block boundaries, fill the partial block exactly, or are
 * whole blocks after a partial one).
 */
#include "lcm_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "crypto/sha256.h"

#define SMALL_MAX 2000
#define N_OF(a)   (sizeof(a) / sizeof((a)[0]))

/* Deterministic bytes that are not a pattern with a short period. */
static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)(x >> 11);
	}
}

static void hex(const uint8_t d[SHA256_DIGEST_SIZE], char out[2 * SHA256_DIGEST_SIZE + 1])
{
	for (unsigned i = 0; i < SHA256_DIGEST_SIZE; i++) {
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	}
}

/* Fail with both digests in hex, the length and how it was fed. */
static void same(const uint8_t got[SHA256_DIGEST_SIZE], const uint8_t want[SHA256_DIGEST_SIZE],
		 size_t len, const char *how)
{
	if (memcmp(got, want, SHA256_DIGEST_SIZE) != 0) {
		char g[2 * SHA256_DIGEST_SIZE + 1], w[2 * SHA256_DIGEST_SIZE + 1];
		hex(got, g);
		hex(want, w);
		fail_msg("%zu bytes, %s: ours %s, OpenSSL %s", len, how, g, w);
	}
}

/* Piece sizes, used in turn: odd ones, around the block size, and whole
 * multiples of it (which sha256_update hands to sha256_blocks at once). */
static const size_t pieces[] = { 1, 3, 63, 64, 65, 7, 127, 128, 129, 191, 2, 61, 255, 4096, 5 };

/* Our digest of @p (@len bytes) fed in the pieces of pieces[] from @start. */
static void ours_in_pieces(const uint8_t *p, size_t len, unsigned start,
			   uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256 s;
	unsigned k = start;

	sha256_init(&s);
	for (size_t off = 0; off < len;) {
		size_t n = pieces[k++ % N_OF(pieces)];
		if (n > len - off) {
			n = len - off;
		}
		sha256_update(&s, p + off, n);
		off += n;
	}
	sha256_final(&s, out);
}

/* The FIPS 180-4 example "abc" and the empty message: the reference
 * itself is checked, not only the agreement. */
static void known_answers(void **state)
{
	static const uint8_t abc[SHA256_DIGEST_SIZE] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
		0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
		0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	static const uint8_t empty[SHA256_DIGEST_SIZE] = {
		0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
		0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
		0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
	};
	uint8_t d[SHA256_DIGEST_SIZE];

	(void)state;
	sha256("abc", 3, d);
	same(d, abc, 3, "\"abc\", one call");
	SHA256((const unsigned char *)"abc", 3, d);
	same(d, abc, 3, "\"abc\", OpenSSL itself");
	sha256("", 0, d);
	same(d, empty, 0, "empty, one call");
}

static void one_call_every_small_length(void **state)
{
	static uint8_t buf[SMALL_MAX];
	uint8_t got[SHA256_DIGEST_SIZE], want[SHA256_DIGEST_SIZE];

	(void)state;
	fill(buf, sizeof(buf), 1);
	for (size_t len = 0; len <= SMALL_MAX; len++) {
		sha256(buf, len, got);
		SHA256(buf, len, want);
		same(got, want, len, "one call");
	}
}

static void pieces_every_small_length(void **state)
{
	static uint8_t buf[SMALL_MAX];
	uint8_t got[SHA256_DIGEST_SIZE], want[SHA256_DIGEST_SIZE];

	(void)state;
	fill(buf, sizeof(buf), 2);
	for (size_t len = 0; len <= SMALL_MAX; len++) {
		SHA256(buf, len, want);
		/* Each length with three different cuts. */
		for (unsigned start = 0; start < 3; start++) {
			ours_in_pieces(buf, len, start * 5 + (unsigned)len, got);
			same(got, want, len, "in odd pieces");
		}
	}
}

/* One byte at a time, and an update of nothing between every byte. */
static void byte_by_byte(void **state)
{
	static uint8_t buf[300];
	uint8_t got[SHA256_DIGEST_SIZE], want[SHA256_DIGEST_SIZE];
	struct sha256 s;

	(void)state;
	fill(buf, sizeof(buf), 3);
	sha256_init(&s);
	for (size_t i = 0; i < sizeof(buf); i++) {
		sha256_update(&s, buf + i, 1);
		sha256_update(&s, buf, 0);
	}
	sha256_final(&s, got);
	SHA256(buf, sizeof(buf), want);
	same(got, want, sizeof(buf), "byte by byte");
}

/* A few large inputs (the sizes of small kernels), one call and pieces. */
static void large(void **state)
{
	static const size_t lens[] = {
		1 << 20,
		(1 << 20) + 1,
		3 * (1 << 20) + 63,
		16 * (1 << 20) + 55,
	};
	uint8_t got[SHA256_DIGEST_SIZE], want[SHA256_DIGEST_SIZE];
	size_t max = lens[N_OF(lens) - 1];
	uint8_t *buf = malloc(max);

	(void)state;
	assert_non_null(buf);
	fill(buf, max, 4);
	for (size_t i = 0; i < N_OF(lens); i++) {
		SHA256(buf, lens[i], want);
		sha256(buf, lens[i], got);
		same(got, want, lens[i], "one call");
		ours_in_pieces(buf, lens[i], (unsigned)i, got);
		same(got, want, lens[i], "in odd pieces");
	}
	free(buf);
}

int run_sha256_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_answers),
		cmocka_unit_test(one_call_every_small_length),
		cmocka_unit_test(pieces_every_small_length),
		cmocka_unit_test(byte_by_byte),
		cmocka_unit_test(large),
	};

	return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
