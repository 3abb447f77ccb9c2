/*
 * The measured launch (measure.h, docs/measured-launch.md). Every event goes
 * to the event log the hypervisor keeps (lib/tcg), to its own replay of the
 * PCRs (what the log says they must be), and, when the platform has a TPM,
 * to the TPM (drivers/tpm2.c): one PCR_Extend per event, with the SHA-256
 * digest the log holds. The TPM's other active banks, whose algorithms the
 * hypervisor does not compute, are capped once at start: PCRs 8 and 9 of
 * those banks are extended with a digest of all ones, a value no honest
 * sequence of measurements starts from, so a quote over those banks never
 * vouches for a launch (the log lists SHA-256 only).
 *
 * Lock order: a domain's cfg_lock (domain_start) before M.lock, a leaf
 * taken with interrupts masked: events come from the boot CPU during the
 * creation phase and from whichever CPU starts a domain afterwards.
 */
#include <libfdt.h>
#include <string.h>

#include <crypto/sha256.h>
#include <fmt/fmt.h>
#include <hyperlaunch/hypercall.h>
#include <lcm/lcm.h>
#include <tcg/launch.h>

#include "core/arch.h"
#include "core/bootmod.h"
#include "core/builder.h"
#include "core/console.h"
#include "core/domain.h"
#include "core/launch.h"
#include "core/measure.h"
#include "core/mm.h"
#include "core/spinlock.h"
#include "drivers/tpm_tis.h"

#define MAX_ORDER   512        /* modules of an LCM the launch accepts */
#define READ_CHUNK  (64 * KiB) /* what one HL_EVENT_LOG_READ copies at most */
#define TPM_RETRIES 3

static const unsigned launch_pcrs[] = { TCG_PCR_PARAMS, TCG_PCR_MATERIAL };

static struct {
	struct spinlock lock;
	struct tcg_log log;
	paddr_t log_pages;
	uint64_t log_alloc;
	bool started, ended;
	bool tpm;                                  /* extends go to the TPM */
	bool had_tpm;                              /* the platform has one (it may have failed) */
	bool full_said;                            /* "event log full" printed */
	bool dump;                                 /* print the log (hyperlaunch,event-log) */
	unsigned extends;                          /* PCR_Extend commands that succeeded */
	uint64_t tpm_ns;                           /* time spent in them */
	uint8_t pcr[TCG_NR_PCRS][TCG_SHA256_SIZE]; /* what the log says */
	bool params_done[HV_MAX_DOMAINS];
	bool classic;                   /* a classic launch: dom0 is domain 0 */
	struct tcg_params dom0;         /* its parameters */
	char *bootargs[HV_MAX_DOMAINS]; /* set by the Boot Domain (a page each) */
	size_t bootargs_len[HV_MAX_DOMAINS];
	char text[TCG_EVENT_TEXT_MAX]; /* an event's data, under lock */
	uint32_t order[MAX_ORDER];
} M;

/* The TPM could not start the command now: the same command again. */
static bool again(int r)
{
	return r == TPM_RC_YIELDED || r == TPM_RC_TESTING || r == TPM_RC_RETRY;
}

static int extend(unsigned pcr, const struct tpm_digest *d, unsigned n)
{
	int r;
	unsigned tries = 0;

	do {
		r = tpm2_pcr_extend(pcr, d, n);
	} while (again(r) && ++tries < TPM_RETRIES);
	return r;
}

/* The TPM failed: said once, and it is left alone from then on. */
static void tpm_lost(const char *what, int r)
{
	char why[160];

	M.tpm = false;
	printk("tpm: %s: %s; nothing more is extended (the TPM no longer matches the log)\n", what,
	       tpm_strerror(r, why, sizeof(why)));
}

/* Cap the PCRs of the launch in every active bank but SHA-256 (one of an
 * algorithm this driver does not know the size of cannot be, and is named). */
static void cap_banks(const uint16_t *algs, unsigned nr)
{
	char capped[96] = "", unknown[96] = "", buf[16];
	size_t at = 0, un = 0;
	bool sha256 = false;

	for (unsigned i = 0; i < nr && M.tpm; i++) {
		struct tpm_digest d = { .alg = algs[i], .size = (uint16_t)tpm2_alg_size(algs[i]) };
		const char *name = tpm2_alg_name(algs[i], buf, sizeof(buf));
		if (algs[i] == TCG_ALG_SHA256) {
			sha256 = true;
			continue;
		}
		if (d.size == 0) {
			un += (size_t)fmt_snprintf(unknown + un, sizeof(unknown) - un, "%s%s",
						   un > 0 ? ", " : "", name);
			continue;
		}
		memset(d.bytes, 0xff, sizeof(d.bytes));
		for (size_t p = 0; p < ARRAY_SIZE(launch_pcrs); p++) {
			int r = extend(launch_pcrs[p], &d, 1);
			if (r != 0) {
				tpm_lost("capping a bank", r);
				return;
			}
		}
		at += (size_t)fmt_snprintf(capped + at, sizeof(capped) - at, "%s%s",
					   at > 0 ? ", " : "", name);
	}
	if (at > 0) {
		printk("tpm: banks %s are not computed by the hypervisor: PCRs %u and %u capped in them\n",
		       capped, TCG_PCR_PARAMS, TCG_PCR_MATERIAL);
	}
	if (un > 0) {
		printk("tpm: banks %s have an algorithm the hypervisor does not know: not capped\n",
		       unknown);
	}
	if (!sha256) {
		printk("tpm: no active sha256 bank: nothing is extended\n");
		M.tpm = false;
	}
}

void measure_init(const struct platform *p)
{
	uint16_t algs[TPM_MAX_BANKS];
	unsigned nr;
	uint32_t id;
	char why[160];
	int r;

	/* Like hyperlaunch,timeline: a property of the host DTB's /chosen
	 * that the LCM's measurement does not cover. */
	M.dump = p->fdt_chosen >= 0 &&
		 fdt_getprop(p->fdt, p->fdt_chosen, "hyperlaunch,event-log", NULL) != NULL;
	if (p->tpm.size == 0) {
		return; /* said once, when the launch's measurements end */
	}
	M.had_tpm = true;
	unsigned long long base = pa_addr(p->tpm.base);
	r = tpm_tis_init(p->tpm.base, &id);
	if (r == 0) {
		r = tpm2_startup();
		r = r == (int)TPM_RC_INITIALIZE ? 0 : r;
	}
	if (r == 0) {
		r = tpm2_active_banks(algs, &nr);
	}
	if (r != 0) {
		printk("tpm: TIS at 0x%08llx: %s: nothing will be extended\n", base,
		       tpm_strerror(r, why, sizeof(why)));
		return;
	}
	M.tpm = true;
	printk("tpm: TIS at 0x%08llx, vendor 0x%04x device 0x%04x, started, %u active bank%s\n",
	       base, id & 0xffff, id >> 16, nr, nr == 1 ? "" : "s");
	cap_banks(algs, nr);
}

/* One event: logged, replayed, extended. Under M.lock. */
static void event(uint32_t pcr, uint32_t type, const uint8_t digest[TCG_SHA256_SIZE],
		  const void *data, uint32_t len)
{
	if (!tcg_log_event(&M.log, pcr, type, digest, data, len) && !M.full_said) {
		M.full_said = true;
		printk("measure: event log full (%llu bytes): later events are extended but not logged\n",
		       (unsigned long long)M.log.size);
	}
	tcg_extend(M.pcr[pcr], digest);
	if (M.tpm) {
		struct tpm_digest d = { .alg = TCG_ALG_SHA256, .size = TCG_SHA256_SIZE };
		memcpy(d.bytes, digest, TCG_SHA256_SIZE);
		uint64_t t0 = arch_time_ns();
		int r = extend(pcr, &d, 1);
		M.tpm_ns += arch_time_ns() - t0;
		if (r == 0) {
			M.extends++;
		} else {
			tpm_lost("PCR_Extend", r);
		}
	}
}

/* Room for every event this launch can log: the modules', the LCM's and
 * each domain's parameters exactly as the LCM gives them, plus, when a Boot
 * Domain may change bootargs, the longest it may set; two separators. */
static uint64_t log_size(const struct lcm_launch *l, uint32_t nr)
{
	uint64_t size = TCG_HEADER_EVENT_SIZE + TCG_EVENT2_FIXED_SIZE + sizeof(TCG_LCM_TEXT);
	struct tcg_params p;

	for (uint32_t i = 0; i < nr; i++) {
		size += TCG_EVENT2_FIXED_SIZE +
			tcg_module_text(l, M.order[i], M.text, sizeof(M.text));
	}
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		tcg_params_of(l, i, &p);
		size += TCG_EVENT2_FIXED_SIZE + tcg_params_text(&p, M.text, sizeof(M.text));
		size += l->boot >= 0 ? HL_CONSOLE_WRITE_MAX : 0; /* HL_BOOT_CONFIGURE's limit */
	}
	size += 2 * (TCG_EVENT2_FIXED_SIZE + sizeof(tcg_separator_data));
	return align_up(size, PAGE_SIZE);
}

/* The log, in pages of its own; false (said) when there is no memory. */
static bool start_log(uint64_t size)
{
	M.log_alloc = size;
	M.log_pages = mm_alloc(M.log_alloc, PAGE_SIZE, MM_HV);
	if (mm_failed(M.log_pages)) {
		printk("measure: no memory for a %llu KiB event log: the launch is not measured\n",
		       (unsigned long long)(M.log_alloc / KiB));
		return false;
	}
	tcg_log_start(&M.log, pa_ptr(M.log_pages), M.log_alloc);
	M.started = true;
	return true;
}

void measure_launch(const struct lcm_launch *l, const void *fdt)
{
	uint8_t digest[TCG_SHA256_SIZE];
	uint64_t t0 = arch_time_ns();
	uint32_t nr = tcg_module_order(l, M.order, MAX_ORDER), measured = 0;

	if (!start_log(log_size(l, nr))) {
		return;
	}

	unsigned long flags = spin_lock_irqsave(&M.lock);
	tcg_lcm_digest(fdt, l->hv_node, digest);
	event(TCG_PCR_MATERIAL, TCG_EV_IPL, digest, TCG_LCM_TEXT, sizeof(TCG_LCM_TEXT));
	for (uint32_t n = 0; n < nr; n++) {
		uint32_t i = M.order[n];
		int r = bootmod_of_lcm(i);
		/* A module refused at probe time is never read, and never
		 * used: its domain (or the launch) fails with the reason. */
		if (r == BOOTMOD_NONE || bootmod_refused(r) != NULL) {
			continue;
		}
		uint32_t len = tcg_module_text(l, i, M.text, sizeof(M.text));
		event(TCG_PCR_MATERIAL, TCG_EV_IPL, bootmod_digest(r), M.text, len);
		measured++;
	}
	spin_unlock_irqrestore(&M.lock, flags);
	/* The modules' hashes are the builder's digest check's, paid here. */
	uint64_t ns = arch_time_ns() - t0;
	printk("measure: the LCM and %u modules measured in %llu.%03llu ms (TPM %llu.%03llu ms)\n",
	       measured, (unsigned long long)(ns / 1000000), (unsigned long long)(ns / 1000 % 1000),
	       (unsigned long long)(M.tpm_ns / 1000000),
	       (unsigned long long)(M.tpm_ns / 1000 % 1000));
}

/* A classic module (no LCM names it): "classic: kernel". Under M.lock. */
static void classic_module(const struct module_ref *m, const char *what)
{
	int len = fmt_snprintf(M.text, sizeof(M.text), "classic: %s", what);

	if (m->present && m->range != BOOTMOD_NONE && bootmod_refused(m->range) == NULL) {
		event(TCG_PCR_MATERIAL, TCG_EV_IPL, bootmod_digest(m->range), M.text,
		      (uint32_t)len + 1);
	}
}

void measure_classic(const struct domain_config *c)
{
	uint64_t size = TCG_HEADER_EVENT_SIZE + 3 * TCG_EVENT2_FIXED_SIZE + 64 +
			TCG_EVENT_TEXT_MAX +
			2 * (TCG_EVENT2_FIXED_SIZE + sizeof(tcg_separator_data));

	if (!start_log(align_up(size, PAGE_SIZE))) {
		return;
	}
	unsigned long flags = spin_lock_irqsave(&M.lock);
	classic_module(&c->kernel, "kernel");
	classic_module(&c->ramdisk, "ramdisk");
	M.classic = true;
	M.dom0 = (struct tcg_params){
		.domid = c->domid,
		.name = c->name,
		.permissions = c->permissions,
		.functions = c->functions,
		.label = c->label,
		.memory_kib = c->memory / KiB,
		.vcpus = c->vcpus,
		.bootargs = c->bootargs,
		.bootargs_len = c->bootargs != NULL ? strlen(c->bootargs) : 0,
	};
	spin_unlock_irqrestore(&M.lock, flags);
}

static int lcm_index(const struct domain *d)
{
	const struct lcm_launch *l = launch_lcm();

	for (uint32_t i = 0; l != NULL && i < l->nr_domains; i++) {
		if (launch_initial(i) == d) {
			return (int)i;
		}
	}
	return -1;
}

/* @d's launch parameters as the launch gives them: the LCM's, or a
 * classic dom0's; false for a domain created at run time. */
static bool params_of(const struct domain *d, struct tcg_params *p)
{
	int i;

	if (M.classic) {
		*p = M.dom0;
		return launch_initial(0) == d;
	}
	i = lcm_index(d);
	if (i >= 0) {
		tcg_params_of(launch_lcm(), (uint32_t)i, p);
	}
	return i >= 0;
}

void measure_domain_start(struct domain *d)
{
	struct tcg_params p;
	uint8_t digest[TCG_SHA256_SIZE];

	if (!M.started || !params_of(d, &p)) {
		return;
	}
	unsigned long flags = spin_lock_irqsave(&M.lock);
	if (!M.params_done[d->index]) {
		M.params_done[d->index] = true;
		if (M.bootargs[d->index] != NULL) {
			p.bootargs = M.bootargs[d->index];
			p.bootargs_len = M.bootargs_len[d->index];
		}
		uint32_t len = tcg_params_text(&p, M.text, sizeof(M.text));
		tcg_params_digest(M.text, len, digest);
		event(TCG_PCR_PARAMS, TCG_EV_IPL, digest, M.text, len);
	}
	spin_unlock_irqrestore(&M.lock, flags);
}

void measure_set_bootargs(struct domain *d, const char *args, size_t len)
{
	if (len > PAGE_SIZE) {
		return; /* HL_BOOT_CONFIGURE takes less than 1 KiB */
	}
	unsigned long flags = spin_lock_irqsave(&M.lock);
	if (M.bootargs[d->index] == NULL) {
		paddr_t p = mm_alloc(PAGE_SIZE, PAGE_SIZE, MM_HV);
		M.bootargs[d->index] = mm_failed(p) ? NULL : pa_ptr(p);
	}
	if (M.bootargs[d->index] != NULL) {
		memcpy(M.bootargs[d->index], args, len);
		M.bootargs_len[d->index] = len;
	}
	spin_unlock_irqrestore(&M.lock, flags);
}

/* The whole log on the console, for a verifier without a domain that
 * reads it: "event-log: HEX" lines of 64 bytes, then "event-log: end". */
static void dump_log(void)
{
	char line[2 * 64 + 1];

	for (size_t at = 0; at < M.log.len; at += 64) {
		size_t n = M.log.len - at < 64 ? M.log.len - at : 64;
		fmt_hex(line, M.log.buf + at, n);
		printk("event-log: %s\n", line);
	}
	printk("event-log: end (%llu bytes)\n", (unsigned long long)M.log.len);
}

/* PCRs 8 and 9 from the TPM, against the log's replay. Under M.lock. */
static void read_back(void)
{
	char got[2 * TPM_MAX_DIGEST + 1], why[160];

	for (size_t i = 0; i < ARRAY_SIZE(launch_pcrs) && M.tpm; i++) {
		unsigned pcr = launch_pcrs[i], size;
		uint8_t v[TPM_MAX_DIGEST];
		int r = tpm2_pcr_read(pcr, TCG_ALG_SHA256, v, &size);
		if (r != 0) {
			printk("tpm: PCR_Read of PCR %u: %s\n", pcr,
			       tpm_strerror(r, why, sizeof(why)));
			continue;
		}
		fmt_hex(got, v, size);
		bool same = size == TCG_SHA256_SIZE && memcmp(v, M.pcr[pcr], size) == 0;
		printk("tpm: PCR %u sha256 %s (read back: %s)\n", pcr, got,
		       same ? "as the log says" : "NOT what the log says");
	}
}

void measure_launch_end(void)
{
	uint8_t sep[TCG_SHA256_SIZE];
	char v[2 * TCG_SHA256_SIZE + 1];

	if (!M.started) {
		return;
	}
	unsigned long flags = spin_lock_irqsave(&M.lock);
	if (M.ended) {
		spin_unlock_irqrestore(&M.lock, flags);
		return;
	}
	M.ended = true;
	tcg_separator_digest(sep);
	for (size_t i = 0; i < ARRAY_SIZE(launch_pcrs); i++) {
		event(launch_pcrs[i], TCG_EV_SEPARATOR, sep, tcg_separator_data,
		      sizeof(tcg_separator_data));
	}
	if (M.dump) {
		dump_log();
	}
	for (size_t i = 0; i < ARRAY_SIZE(launch_pcrs); i++) {
		fmt_hex(v, M.pcr[launch_pcrs[i]], TCG_SHA256_SIZE);
		printk("measure: PCR %u sha256 %s (the log's)\n", launch_pcrs[i], v);
	}
	if (M.tpm) {
		printk("measure: %u events in %llu bytes of event log, %u extended in %llu.%03llu ms\n",
		       M.log.nr_events, (unsigned long long)M.log.len, M.extends,
		       (unsigned long long)(M.tpm_ns / 1000000),
		       (unsigned long long)(M.tpm_ns / 1000 % 1000));
		read_back();
	} else if (M.extends == 0) {
		printk("measure: %u events in %llu bytes of event log; %s: nothing was extended\n",
		       M.log.nr_events, (unsigned long long)M.log.len,
		       M.had_tpm ? "the TPM failed" : "no TPM");
	} else {
		printk("measure: %u events in %llu bytes of event log; the TPM failed after %u extends\n",
		       M.log.nr_events, (unsigned long long)M.log.len, M.extends);
	}
	spin_unlock_irqrestore(&M.lock, flags);
}

int64_t measure_log_read(struct domain *to, ipaddr_t ipa, uint64_t off, uint64_t n, uint64_t *size)
{
	int64_t r;

	unsigned long flags = spin_lock_irqsave(&M.lock);
	*size = M.log.len;
	if (off > M.log.len) {
		r = HL_EINVAL;
	} else {
		n = n < M.log.len - off ? n : M.log.len - off;
		n = n < READ_CHUNK ? n : READ_CHUNK;
		r = n == 0 || domain_write_ram(to, ipa, M.log.buf + off, n) ? (int64_t)n
									    : HL_EFAULT;
	}
	spin_unlock_irqrestore(&M.lock, flags);
	return r;
}

int64_t measure_quote(struct domain *d, uint32_t key, const uint8_t *nonce, unsigned n,
		      uint8_t *out, size_t size, size_t *len)
{
	uint32_t mask = 1u << TCG_PCR_PARAMS | 1u << TCG_PCR_MATERIAL;
	char why[160];
	int64_t r = HL_OK;

	unsigned long flags = spin_lock_irqsave(&M.lock);
	if (!M.tpm) {
		r = HL_ENOENT;
	} else if (!M.ended) {
		r = HL_EBUSY;
	} else {
		int e;
		unsigned tries = 0;
		do {
			e = tpm2_quote(key, nonce, n, TCG_ALG_SHA256, mask, out, size, len);
		} while (again(e) && ++tries < TPM_RETRIES);
		if (e != 0) {
			printk("tpm: TPM2_Quote for %s with key 0x%08x: %s\n", d->name, key,
			       tpm_strerror(e, why, sizeof(why)));
			r = HL_EIO;
		}
	}
	spin_unlock_irqrestore(&M.lock, flags);
	return r;
}
