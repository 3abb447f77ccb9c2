/*
 * The measured launch (docs/measured-launch.md): every boot material is
 * measured before use into a TCG crypto-agile event log the hypervisor
 * keeps, and extended into the TPM's PCRs when the platform has one. What
 * is measured, in which order and how each event reads is lib/tcg's
 * (launch.h), shared with lcm-tool predict.
 */
#ifndef HV_MEASURE_H
#define HV_MEASURE_H

#include "core/platform.h"
#include "core/types.h"

struct domain;
struct domain_config;
struct lcm_launch;

/* Start the TPM the platform names (Startup, its active banks, capping
 * the banks the hypervisor cannot compute), or say there is none. */
void measure_init(const struct platform *p);
/* Before any domain is built: the LCM (the /chosen/hypervisor node of
 * @fdt), the config node's modules, the policy module, every domain's
 * modules; each boot module is hashed here, once, and the builder's digest
 * check reuses that hash. */
void measure_launch(const struct lcm_launch *l, const void *fdt);
/* A classic launch (no LCM), before dom0 @c is built: its kernel and
 * ramdisk; its launch parameters follow when it starts. */
void measure_classic(const struct domain_config *c);
/* An initial domain starts for the first time (under its configuration
 * lock): its launch parameters as finally applied. Only once per domain;
 * nothing for a domain created at run time. */
void measure_domain_start(struct domain *d);
/* The Boot Domain set @d's bootargs (HL_BOOT_CONFIGURE): what its launch
 * parameters will say. */
void measure_set_bootargs(struct domain *d, const char *args, size_t len);
/* The launch is over (final or failed): a separator in each PCR, the PCRs
 * read back from the TPM and compared with the log. Once. */
void measure_launch_end(void);

/* HL_EVENT_LOG_READ: copy at most @n bytes of the log from @off into @to's
 * RAM at @ipa; *@size is the log's size. Bytes copied or HL_E*. */
int64_t measure_log_read(struct domain *to, ipaddr_t ipa, uint64_t off, uint64_t n, uint64_t *size);

/* HL_TPM_QUOTE for @d: a TPM2_Quote of PCRs 8 and 9 (SHA-256) with the
 * key at persistent handle @key and the qualifying data @nonce (@n bytes);
 * the TPM's answer in @out (at most @size bytes), its size in *@len.
 * HL_OK, HL_ENOENT (no TPM, or it failed), HL_EBUSY (the launch's
 * measurements are not complete), HL_EIO (the TPM refused: the console
 * says why). */
int64_t measure_quote(struct domain *d, uint32_t key, const uint8_t *nonce, unsigned n,
		      uint8_t *out, size_t size, size_t *len);

#endif /* HV_MEASURE_H */
