/*
 * The TPM 2.0 commands the hypervisor sends (TPM 2.0 Library, Part 3:
 * Startup 9.3, Quote 18.4, PCR_Extend 22.2, PCR_Read 22.4, GetCapability
 * 30.2), with
 * their structures from Part 2 (all big-endian), over the TIS interface
 * (tpm_tis.c); and response codes in words (Part 2, 6.6).
 */
#include <string.h>

#include <fmt/fmt.h>

#include "drivers/tpm_tis.h"

#define TPM_ST_NO_SESSIONS 0x8001u
#define TPM_ST_SESSIONS    0x8002u
#define TPM_CC_STARTUP     0x144u
#define TPM_CC_GET_CAP     0x17Au
#define TPM_CC_PCR_READ    0x17Eu
#define TPM_CC_PCR_EXTEND  0x182u
#define TPM_CC_QUOTE       0x158u
#define TPM_ALG_NULL       0x0010u
#define TPM_SU_CLEAR       0x0000u
#define TPM_CAP_PCRS       5u
#define TPM_RS_PW          0x40000009u /* the password session, empty auth */
#define PCR_SELECT_BYTES   3           /* 24 PCRs */
#define BUF_SIZE           1024

/* A command or response being built or read, big-endian. */
struct buf {
	uint8_t b[BUF_SIZE];
	size_t len, at;
	bool bad; /* read past the end */
};

static struct buf cmd, rsp;

static void put(struct buf *c, uint32_t v, unsigned bytes)
{
	while (bytes-- > 0) {
		c->b[c->len++] = (uint8_t)(v >> (8 * bytes));
	}
}

static uint32_t get(struct buf *r, unsigned bytes)
{
	uint32_t v = 0;

	if (r->at + bytes > r->len) {
		r->bad = true;
		return 0;
	}
	while (bytes-- > 0) {
		v = v << 8 | r->b[r->at++];
	}
	return v;
}

static void begin(uint16_t tag, uint32_t cc)
{
	cmd.len = 0;
	put(&cmd, tag, 2);
	put(&cmd, 0, 4); /* commandSize, set by run() */
	put(&cmd, cc, 4);
}

/* The password session with the empty password (Part 1, 19.6.13). */
static void password_session(void)
{
	put(&cmd, 9, 4);         /* authorizationSize */
	put(&cmd, TPM_RS_PW, 4); /* sessionHandle */
	put(&cmd, 0, 2);         /* nonce: empty */
	put(&cmd, 0, 1);         /* sessionAttributes */
	put(&cmd, 0, 2);         /* hmac: the empty password */
}

/* Send cmd, read rsp up to its parameters: 0, a TPM rc or TPM_E*. */
static int run(void)
{
	cmd.b[2] = (uint8_t)(cmd.len >> 24);
	cmd.b[3] = (uint8_t)(cmd.len >> 16);
	cmd.b[4] = (uint8_t)(cmd.len >> 8);
	cmd.b[5] = (uint8_t)cmd.len;
	rsp.at = 0;
	rsp.bad = false;
	int r = tpm_tis_transmit(cmd.b, cmd.len, rsp.b, sizeof(rsp.b), &rsp.len);
	if (r != 0) {
		return r;
	}
	get(&rsp, 2); /* tag */
	get(&rsp, 4); /* responseSize, checked by the transport */
	uint32_t rc = get(&rsp, 4);
	/* Response codes are 12 bits (Part 2, 6.6.3): more is no TPM's. */
	return rsp.bad || rc > 0xfff ? TPM_EPROTO : (int)rc;
}

int tpm2_startup(void)
{
	begin(TPM_ST_NO_SESSIONS, TPM_CC_STARTUP);
	put(&cmd, TPM_SU_CLEAR, 2);
	return run();
}

int tpm2_active_banks(uint16_t algs[TPM_MAX_BANKS], unsigned *nr)
{
	begin(TPM_ST_NO_SESSIONS, TPM_CC_GET_CAP);
	put(&cmd, TPM_CAP_PCRS, 4);
	put(&cmd, 0, 4); /* property */
	put(&cmd, 1, 4); /* propertyCount */
	int r = run();
	if (r != 0) {
		return r;
	}
	get(&rsp, 1); /* moreData */
	if (get(&rsp, 4) != TPM_CAP_PCRS) {
		return TPM_EPROTO;
	}
	uint32_t count = get(&rsp, 4);
	*nr = 0;
	for (uint32_t i = 0; i < count && !rsp.bad; i++) {
		uint16_t alg = (uint16_t)get(&rsp, 2);
		unsigned size = get(&rsp, 1);
		bool active = false;
		for (unsigned j = 0; j < size; j++) {
			active |= get(&rsp, 1) != 0;
		}
		if (active && *nr < TPM_MAX_BANKS) {
			algs[(*nr)++] = alg;
		}
	}
	return rsp.bad ? TPM_EPROTO : 0;
}

int tpm2_pcr_extend(unsigned pcr, const struct tpm_digest *d, unsigned n)
{
	begin(TPM_ST_SESSIONS, TPM_CC_PCR_EXTEND);
	put(&cmd, pcr, 4); /* pcrHandle: the PCR's index */
	password_session();
	put(&cmd, n, 4); /* TPML_DIGEST_VALUES */
	for (unsigned i = 0; i < n; i++) {
		put(&cmd, d[i].alg, 2);
		memcpy(cmd.b + cmd.len, d[i].bytes, d[i].size);
		cmd.len += d[i].size;
	}
	return run();
}

int tpm2_pcr_read(unsigned pcr, uint16_t alg, uint8_t out[TPM_MAX_DIGEST], unsigned *size)
{
	begin(TPM_ST_NO_SESSIONS, TPM_CC_PCR_READ);
	put(&cmd, 1, 4); /* TPML_PCR_SELECTION: one bank */
	put(&cmd, alg, 2);
	put(&cmd, PCR_SELECT_BYTES, 1);
	for (unsigned i = 0; i < PCR_SELECT_BYTES; i++) {
		put(&cmd, i == pcr / 8 ? 1u << (pcr % 8) : 0, 1);
	}
	int r = run();
	if (r != 0) {
		return r;
	}
	get(&rsp, 4); /* pcrUpdateCounter */
	uint32_t banks = get(&rsp, 4);
	for (uint32_t i = 0; i < banks && !rsp.bad; i++) {
		get(&rsp, 2);
		unsigned n = get(&rsp, 1);
		for (unsigned j = 0; j < n; j++) {
			get(&rsp, 1);
		}
	}
	uint32_t digests = get(&rsp, 4);
	*size = get(&rsp, 2);
	if (rsp.bad || digests != 1 || *size > TPM_MAX_DIGEST || rsp.at + *size > rsp.len) {
		return TPM_EPROTO;
	}
	memcpy(out, rsp.b + rsp.at, *size);
	return 0;
}

int tpm2_quote(uint32_t key, const uint8_t *nonce, unsigned n, uint16_t alg, uint32_t pcr_mask,
	       uint8_t *out, size_t size, size_t *len)
{
	begin(TPM_ST_SESSIONS, TPM_CC_QUOTE);
	put(&cmd, key, 4); /* signHandle */
	password_session();
	put(&cmd, n, 2); /* qualifyingData */
	memcpy(cmd.b + cmd.len, nonce, n);
	cmd.len += n;
	put(&cmd, TPM_ALG_NULL, 2); /* inScheme: the key's own */
	put(&cmd, 1, 4);            /* TPML_PCR_SELECTION: one bank */
	put(&cmd, alg, 2);
	put(&cmd, PCR_SELECT_BYTES, 1);
	for (unsigned i = 0; i < PCR_SELECT_BYTES; i++) {
		put(&cmd, (pcr_mask >> (8 * i)) & 0xff, 1);
	}
	int r = run();
	if (r != 0) {
		return r;
	}
	uint32_t params = get(&rsp, 4); /* parameterSize */
	if (rsp.bad || params > rsp.len - rsp.at) {
		return TPM_EPROTO;
	}
	*len = params;
	memcpy(out, rsp.b + rsp.at, params < size ? params : size);
	return 0;
}

static const struct {
	uint16_t alg, size;
	const char *name;
} algs[] = {
	{ 0x0004, 20, "sha1" },   { 0x000B, 32, "sha256" },  { 0x000C, 48, "sha384" },
	{ 0x000D, 64, "sha512" }, { 0x0012, 32, "sm3_256" },
};

unsigned tpm2_alg_size(uint16_t alg)
{
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++) {
		if (algs[i].alg == alg) {
			return algs[i].size;
		}
	}
	return 0;
}

const char *tpm2_alg_name(uint16_t alg, char *buf, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++) {
		if (algs[i].alg == alg) {
			return algs[i].name;
		}
	}
	fmt_snprintf(buf, n, "alg 0x%04x", alg);
	return buf;
}

/* Response codes (Part 2, 6.6.3): format-zero errors and warnings by
 * value; format-one errors by their number, with the parameter, handle
 * or session they are about. */
static const struct {
	uint16_t rc;
	const char *name, *words;
} rcs[] = {
	{ 0x100, "TPM_RC_INITIALIZE", "the TPM was already started" },
	{ 0x101, "TPM_RC_FAILURE", "the TPM is in failure mode" },
	{ 0x120, "TPM_RC_DISABLED", "the command is disabled" },
	{ 0x127, "TPM_RC_PCR", "a PCR selection the TPM does not support" },
	{ 0x128, "TPM_RC_PCR_CHANGED", "PCRs changed during the command" },
	{ 0x130, "TPM_RC_REBOOT", "the TPM needs a reset" },
	{ 0x142, "TPM_RC_COMMAND_SIZE", "the command's size is wrong" },
	{ 0x143, "TPM_RC_COMMAND_CODE", "the TPM does not know the command" },
	{ 0x144, "TPM_RC_AUTHSIZE", "the authorization area's size is wrong" },
	{ 0x907, "TPM_RC_LOCALITY", "not allowed at this locality" },
	{ 0x908, "TPM_RC_YIELDED", "the TPM yielded: try again" },
	{ 0x909, "TPM_RC_CANCELED", "the command was cancelled" },
	{ 0x90A, "TPM_RC_TESTING", "the TPM is running its self test" },
	{ 0x921, "TPM_RC_LOCKOUT", "the TPM is in lockout" },
	{ 0x922, "TPM_RC_RETRY", "the TPM was busy: try again" },
	{ 0x923, "TPM_RC_NV_UNAVAILABLE", "NV memory is not available" },
};

static const struct {
	uint8_t num;
	const char *name, *words;
} rcs_fmt1[] = {
	{ 0x02, "TPM_RC_ATTRIBUTES", "wrong attributes" },
	{ 0x03, "TPM_RC_HASH", "a hash algorithm the TPM does not support" },
	{ 0x04, "TPM_RC_VALUE", "a value out of range" },
	{ 0x0B, "TPM_RC_HANDLE", "a handle that is not loaded or not allowed" },
	{ 0x0E, "TPM_RC_AUTH_FAIL", "the authorization failed" },
	{ 0x15, "TPM_RC_SIZE", "a size out of range" },
	{ 0x17, "TPM_RC_TAG", "a tag that is not allowed" },
	{ 0x1A, "TPM_RC_INSUFFICIENT", "a structure too short" },
	{ 0x22, "TPM_RC_BAD_AUTH", "the authorization is wrong" },
};

const char *tpm_strerror(int err, char *buf, size_t n)
{
	static const char *const local[] = {
		[-TPM_ENODEV] = "no TPM answers (TPM_ACCESS not valid)",
		[-TPM_ELOCALITY] = "locality 0 not granted within 750 ms",
		[-TPM_EREADY] = "the TPM was not ready for a command within 2000 ms",
		[-TPM_EEXPECT] = "the TPM took a different number of bytes than the command has",
		[-TPM_ETIMEOUT] = "no response from the TPM within 5000 ms",
		[-TPM_EPROTO] = "a malformed response",
	};
	uint32_t rc = (uint32_t)err;

	if (err < 0) {
		uint32_t e = 0u - rc;
		return e < ARRAY_SIZE(local) ? local[e] : "unknown interface error";
	}
	if (rc & 0x80) {
		/* Format one: bits 0-5 the error, bit 6 parameter (else
		 * handle or session, bit 11), bits 8-11 which. */
		unsigned which = (rc >> 8) & (rc & 0x40 ? 0xf : 0x7);
		const char *about = rc & 0x40 ? "parameter" : rc & 0x800 ? "session" : "handle";
		for (size_t i = 0; i < ARRAY_SIZE(rcs_fmt1); i++) {
			if (rcs_fmt1[i].num == (rc & 0x3f)) {
				fmt_snprintf(buf, n, "%s (%s, %s %u)", rcs_fmt1[i].name,
					     rcs_fmt1[i].words, about, which);
				return buf;
			}
		}
		fmt_snprintf(buf, n, "TPM error 0x%03x (%s %u)", rc, about, which);
		return buf;
	}
	for (size_t i = 0; i < ARRAY_SIZE(rcs); i++) {
		if (rcs[i].rc == rc) {
			fmt_snprintf(buf, n, "%s (%s)", rcs[i].name, rcs[i].words);
			return buf;
		}
	}
	fmt_snprintf(buf, n, "TPM error 0x%03x", rc);
	return buf;
}
