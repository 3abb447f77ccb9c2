/*
 * A TPM 2.0 behind the TIS FIFO interface over MMIO (TCG PC Client Platform
 * TPM Profile, PTP, 6.5: QEMU's tpm-tis-device, "tcg,tpm-tis-mmio"), and
 * the TPM 2.0 commands the hypervisor sends (TPM 2.0 Library, Part 3). The
 * TPM is the hypervisor's: its MMIO is mapped in the hypervisor only.
 * Polled, one command at a time (the caller serialises), locality 0.
 *
 * Results: 0; a TPM response code (positive, TPM 2.0 Part 2, 6.6); or a
 * negative TPM_E* when the interface itself failed. tpm_strerror() says
 * either in words.
 */
#ifndef HV_TPM_TIS_H
#define HV_TPM_TIS_H

#include "core/types.h"

#define TPM_ENODEV    (-1) /* no TPM answers at that address */
#define TPM_ELOCALITY (-2) /* locality 0 was not granted in time */
#define TPM_EREADY    (-3) /* the TPM did not become ready for a command in time */
#define TPM_EEXPECT   (-4) /* the TPM's byte count disagrees with the command's */
#define TPM_ETIMEOUT  (-5) /* no response in time */
#define TPM_EPROTO    (-6) /* a response too short, too long or malformed */

#define TPM_MAX_BANKS     8
#define TPM_MAX_DIGEST    64
#define TPM_RC_INITIALIZE 0x100u /* TPM2_Startup: already started */
#define TPM_RC_YIELDED    0x908  /* warnings: the same command again */
#define TPM_RC_TESTING    0x90A
#define TPM_RC_RETRY      0x922

struct tpm_digest {
	uint16_t alg; /* TPM_ALG_ID */
	uint16_t size;
	uint8_t bytes[TPM_MAX_DIGEST];
};

/* Claim locality 0 of the TPM whose TIS registers are at @base; *@vid_did
 * gets its TPM_DID_VID register. */
int tpm_tis_init(paddr_t base, uint32_t *vid_did);
/* One command of @len bytes; its response in @rsp (at most @size bytes,
 * *@rlen of them). 0 or TPM_E* (the response code is the caller's to read). */
int tpm_tis_transmit(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t size, size_t *rlen);

/* TPM2_Startup(TPM_SU_CLEAR); TPM_RC_INITIALIZE when it was started already. */
int tpm2_startup(void);
/* TPM2_GetCapability(TPM_CAP_PCRS): the banks with at least one PCR
 * allocated, in the TPM's order. */
int tpm2_active_banks(uint16_t algs[TPM_MAX_BANKS], unsigned *nr);
/* TPM2_PCR_Extend of PCR @pcr with one digest per bank (@n of them). */
int tpm2_pcr_extend(unsigned pcr, const struct tpm_digest *d, unsigned n);
/* TPM2_PCR_Read of PCR @pcr in bank @alg into @out (its size in *@size). */
int tpm2_pcr_read(unsigned pcr, uint16_t alg, uint8_t out[TPM_MAX_DIGEST], unsigned *size);

/* TPM2_Quote (Part 3, 18.4) with the key at handle @key (empty
 * authorization, its own signing scheme), qualifying data @nonce (@n
 * bytes), of the PCRs in @pcr_mask (bit N: PCR N, N < 24) of bank @alg:
 * the response's parameters (TPM2B_ATTEST, TPMT_SIGNATURE) into @out, at
 * most @size bytes; their whole size in *@len. */
int tpm2_quote(uint32_t key, const uint8_t *nonce, unsigned n, uint16_t alg, uint32_t pcr_mask,
	       uint8_t *out, size_t size, size_t *len);

/* The digest size of algorithm @alg, 0 for one this driver does not know. */
unsigned tpm2_alg_size(uint16_t alg);
/* Its name ("sha256"), or "alg 0xNNNN" in @buf. */
const char *tpm2_alg_name(uint16_t alg, char *buf, size_t n);
/* A result in words: "TPM_RC_LOCALITY (a command at a locality the TPM does
 * not allow)", "no response from the TPM within 5000 ms" ... */
const char *tpm_strerror(int err, char *buf, size_t n);

#endif /* HV_TPM_TIS_H */
