/*
 * The TCG "crypto agile" event log (TCG PC Client Platform Firmware Profile,
 * PFP, section 10): a Spec ID event first, in the legacy SHA-1 record layout
 * (TCG_PCR_EVENT), then one TCG_PCR_EVENT2 record per measurement. All fields
 * are little-endian. Freestanding: the hypervisor writes the log it keeps,
 * lcm-tool writes the log it predicts, with this same code.
 *
 * The log lists exactly the banks it carries digests for (Linux and
 * tpm2_eventlog require every record to hold one digest per listed bank):
 * SHA-256 only. What happens to other active banks of a TPM is the
 * measurement service's business (docs/measured-launch.md).
 */
#ifndef HL_TCG_EVENTLOG_H
#define HL_TCG_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Event types (PFP 10.4.1). */
#define TCG_EV_NO_ACTION 0x00000003u
#define TCG_EV_SEPARATOR 0x00000004u
#define TCG_EV_IPL       0x0000000Du

/* Algorithm ids (TCG Algorithm Registry). */
#define TCG_ALG_SHA1    0x0004u
#define TCG_ALG_SHA256  0x000Bu
#define TCG_ALG_SHA384  0x000Cu
#define TCG_ALG_SHA512  0x000Du
#define TCG_ALG_SM3_256 0x0012u

#define TCG_SHA256_SIZE 32
#define TCG_NR_PCRS     24

/* Sizes of the fixed parts (PFP 10.2.1, 10.2.2), for static_assert and readers. */
#define TCG_SPEC_ID_EVENT_SIZE \
	33u /* signature 16, class 4, versions 4, count 4, 1 alg 4, vendor 1 */
#define TCG_HEADER_EVENT_SIZE (32u + TCG_SPEC_ID_EVENT_SIZE)
#define TCG_EVENT2_FIXED_SIZE (4u + 4u + 4u + 2u + TCG_SHA256_SIZE + 4u)

struct tcg_log {
	uint8_t *buf;
	size_t size;        /* of buf */
	size_t len;         /* bytes written */
	unsigned nr_events; /* TCG_PCR_EVENT2 records, the header not counted */
	unsigned nr_lost;   /* events that did not fit */
};

/* Start a log in @buf (@size bytes) with its Spec ID event. False when
 * even that does not fit. */
bool tcg_log_start(struct tcg_log *log, void *buf, size_t size);
/* Append one event: PCR @pcr, type @type, SHA-256 @digest, event data
 * @data (@len bytes). False (and counted in nr_lost) when it does not fit. */
bool tcg_log_event(struct tcg_log *log, uint32_t pcr, uint32_t type,
		   const uint8_t digest[TCG_SHA256_SIZE], const void *data, uint32_t len);

/* PCR := SHA-256(PCR || digest), the TPM's extend (TPM 2.0 Part 1, 17.2). */
void tcg_extend(uint8_t pcr[TCG_SHA256_SIZE], const uint8_t digest[TCG_SHA256_SIZE]);

/* The PFP's separator event data (4 zero bytes) and the digest that goes with it. */
extern const uint8_t tcg_separator_data[4];
void tcg_separator_digest(uint8_t out[TCG_SHA256_SIZE]);

#endif /* HL_TCG_EVENTLOG_H */
