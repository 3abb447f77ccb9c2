/*
 * The TCG crypto-agile event log writer (eventlog.h). Layouts: TCG PC Client
 * PFP 10.2.1 (TCG_PCR_EVENT, TCG_EfiSpecIdEvent) and 10.2.2 (TCG_PCR_EVENT2,
 * TPML_DIGEST_VALUES); written field by field, little-endian, so that the
 * bytes are the same on every host.
 */
#include <string.h>

#include <crypto/sha256.h>

#include "tcg/eventlog.h"

_Static_assert(SHA256_DIGEST_SIZE == TCG_SHA256_SIZE, "one SHA-256 size");

const uint8_t tcg_separator_data[4] = { 0, 0, 0, 0 };

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
	return p + 4;
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static uint8_t *put(uint8_t *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return p + n;
}

bool tcg_log_start(struct tcg_log *log, void *buf, size_t size)
{
	static const char signature[16] = "Spec ID Event03";
	static const uint8_t zero_sha1[20];

	log->buf = buf;
	log->size = size;
	log->len = 0;
	log->nr_events = 0;
	log->nr_lost = 0;
	if (size < TCG_HEADER_EVENT_SIZE) {
		return false;
	}
	uint8_t *p = buf;
	p = put32(p, 0);                /* PCRIndex */
	p = put32(p, TCG_EV_NO_ACTION); /* EventType: not extended */
	p = put(p, zero_sha1, sizeof(zero_sha1));
	p = put32(p, TCG_SPEC_ID_EVENT_SIZE); /* EventSize */
	p = put(p, signature, sizeof(signature));
	p = put32(p, 0); /* platformClass: client */
	*p++ = 0;        /* specVersionMinor */
	*p++ = 2;        /* specVersionMajor */
	*p++ = 2;        /* specErrata */
	*p++ = 2;        /* uintnSize: UINT64 */
	p = put32(p, 1); /* numberOfAlgorithms */
	p = put16(p, TCG_ALG_SHA256);
	p = put16(p, TCG_SHA256_SIZE);
	*p++ = 0; /* vendorInfoSize */
	log->len = (size_t)(p - (uint8_t *)buf);
	return true;
}

bool tcg_log_event(struct tcg_log *log, uint32_t pcr, uint32_t type,
		   const uint8_t digest[TCG_SHA256_SIZE], const void *data, uint32_t len)
{
	if (log->len > log->size || log->size - log->len < TCG_EVENT2_FIXED_SIZE ||
	    log->size - log->len - TCG_EVENT2_FIXED_SIZE < len) {
		log->nr_lost++;
		return false;
	}
	uint8_t *p = log->buf + log->len;
	p = put32(p, pcr);
	p = put32(p, type);
	p = put32(p, 1); /* TPML_DIGEST_VALUES.count */
	p = put16(p, TCG_ALG_SHA256);
	p = put(p, digest, TCG_SHA256_SIZE);
	p = put32(p, len);
	p = put(p, data, len);
	log->len = (size_t)(p - log->buf);
	log->nr_events++;
	return true;
}

void tcg_extend(uint8_t pcr[TCG_SHA256_SIZE], const uint8_t digest[TCG_SHA256_SIZE])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, pcr, TCG_SHA256_SIZE);
	sha256_update(&s, digest, TCG_SHA256_SIZE);
	sha256_final(&s, pcr);
}

void tcg_separator_digest(uint8_t out[TCG_SHA256_SIZE])
{
	sha256(tcg_separator_data, sizeof(tcg_separator_data), out);
}
