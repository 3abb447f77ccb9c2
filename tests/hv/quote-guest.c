/*
 * The attestation agent of tests/launch/measure-quote.sh, built by the test
 * with the bare-metal guest runtime: asks the hypervisor for a TPM quote of
 * the launch's PCRs (HL_TPM_QUOTE) with the attestation key at "ak=HANDLE"
 * and the nonce "nonce=HEX" of its bootargs, trying again while the
 * launch's measurements are not complete (HL_EBUSY: said once, then it
 * reports ready), and prints the
 * answer (TPM2B_ATTEST, TPMT_SIGNATURE) for the verifier:
 *
 *   quote: x HEX        32 bytes a line, in order
 *   quote: end N bytes
 *
 * or "quote: EPERM" (any error by name); then, when it may, the event log
 * (HL_EVENT_LOG_READ) the verifier replays against the quoted PCRs:
 *
 *   quote: log HEX      32 bytes a line
 *   quote: log end N bytes
 *
 * or "quote: log: EPERM". Then it powers its domain off.
 */
#include <fmt/fmt.h>

#include "../../guests/lib/guest.h"

#define LINE 32

static uint8_t answer[2048], log[64 * 1024];

/* HL_TPM_QUOTE takes five arguments; the runtime's calls pass four. */
static struct hvc_result quote(uint64_t key, const uint8_t *nonce, unsigned n)
{
	register uint64_t x0 __asm__("x0") = HL_TPM_QUOTE;
	register uint64_t x1 __asm__("x1") = key;
	register uint64_t x2 __asm__("x2") = (uintptr_t)nonce;
	register uint64_t x3 __asm__("x3") = n;
	register uint64_t x4 __asm__("x4") = (uintptr_t)answer;
	register uint64_t x5 __asm__("x5") = sizeof(answer);

	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 : "r"(x4), "r"(x5)
			 : "memory");
	return (struct hvc_result){ (int64_t)x0, x1, x2, x3 };
}

static unsigned digit(char c)
{
	return c >= 'a' ? (unsigned)(c - 'a' + 10) : (unsigned)(c - '0');
}

static void print_hex(const char *tag, const uint8_t *p, uint64_t len)
{
	char hex[2 * LINE + 1];

	for (uint64_t at = 0; at < len; at += LINE) {
		unsigned k = len - at < LINE ? (unsigned)(len - at) : LINE;
		for (unsigned i = 0; i < k; i++) {
			fmt_snprintf(hex + 2 * i, 3, "%02x", p[at + i]);
		}
		gprintf("quote: %s %s\n", tag, hex);
	}
}

static void print_log(void)
{
	uint64_t size = 0;

	for (uint64_t off = 0;;) {
		struct hvc_result r =
			hvc(HL_EVENT_LOG_READ, (uintptr_t)log + off, off, sizeof(log) - off);
		if (r.x0 < 0) {
			gprintf("quote: log: %s\n", hl_strerror(r.x0));
			return;
		}
		size = r.x1;
		off += (uint64_t)r.x0;
		if (off >= size || r.x0 == 0 || off >= sizeof(log)) {
			break;
		}
	}
	print_hex("log", log, size < sizeof(log) ? size : sizeof(log));
	gprintf("quote: log end %llu bytes\n", (unsigned long long)size);
}

int main(const void *fdt)
{
	char arg[2 * HL_QUOTE_NONCE_MAX + 1];
	uint8_t nonce[HL_QUOTE_NONCE_MAX];
	uint64_t key = 0;
	unsigned n = 0;

	(void)fdt;
	if (guest_arg("ak", arg, sizeof(arg))) {
		for (const char *p = arg + 2; *p != '\0'; p++) {
			key = key * 16 + digit(*p);
		}
	}
	if (guest_arg("nonce", arg, sizeof(arg))) {
		for (; arg[2 * n] != '\0' && arg[2 * n + 1] != '\0'; n++) {
			nonce[n] = (uint8_t)(digit(arg[2 * n]) << 4 | digit(arg[2 * n + 1]));
		}
	}
	/* Before the launch's measurements end (separators in PCRs 8 and 9),
	 * a quote would sign PCRs still moving: HL_EBUSY. Said once, then
	 * ready, so that a Boot Domain waiting for this domain can end the
	 * launch. */
	struct hvc_result r;
	bool busy = false;
	for (;;) {
		r = quote(key, nonce, n);
		if (r.x0 != HL_EBUSY) {
			break;
		}
		if (!busy) {
			gprintf("quote: EBUSY: the launch is not final yet\n");
			guest_ready();
			busy = true;
		}
		cpu_relax();
	}
	if (r.x0 < 0) {
		gprintf("quote: %s\n", hl_strerror(r.x0));
		return 0;
	}
	uint64_t len = (uint64_t)r.x0;
	print_hex("x", answer, len);
	gprintf("quote: end %llu bytes\n", (unsigned long long)len);
	print_log();
	return 0;
}
