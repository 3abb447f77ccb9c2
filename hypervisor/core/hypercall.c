/*
 * The Hyperlaunch hypercalls, in the SMCCC "Vendor Specific Hypervisor
 * Service" range (owning entity 6; DEN0028, section 6); docs/hypercalls.md
 * is the reference for guests. One table (calls[]) names every call: its
 * function id, the policy operation it is, how its object domain is found
 * (none, the caller, the domid in x1) and its handler. The dispatcher
 * (hypercall) resolves the object, asks policy_check() once, and only then
 * calls the handler: a call without an entry does not exist (HL_ENOSYS,
 * SMCCC's NOT_SUPPORTED, and the guest goes on), and a handler is never
 * reached unchecked. Guest buffers are IPAs, translated through the
 * caller's own stage-2 tables: a buffer that is not all the caller's RAM is
 * HL_EFAULT.
 */
#include <hyperlaunch/hypercall.h>

#include "core/console.h"
#include "core/domain.h"
#include "core/hypercall.h"
#include <string.h>

#include <fmt/fmt.h>
#include <lcm/lcm.h>

#include "core/arch.h"
#include "core/bootmod.h"
#include "core/builder.h"
#include "core/cpu.h"
#include "core/create.h"
#include "core/dtpatch.h"
#include "core/launch.h"
#include "core/measure.h"
#include "core/mm.h"
#include "core/policy.h"
#include "core/spinlock.h"
#include "core/vcpu.h"

#define DT_ROOM_MAX (64 * KiB)

#define SMCCC_FAST           0x80000000u
#define SMCCC_OEN(fid)       (((fid) >> 24) & 0x3f)
#define SMCCC_OEN_VENDOR_HYP 6u

bool hypercall_in_range(uint32_t fid)
{
	return (fid & SMCCC_FAST) && SMCCC_OEN(fid) == SMCCC_OEN_VENDOR_HYP;
}

static int64_t console_write(struct vcpu *v, struct domain *o, const uint64_t in[6],
			     uint64_t out[4])
{
	char buf[HL_CONSOLE_WRITE_MAX];
	uint64_t ipa = in[1], len = in[2];

	(void)o;
	(void)out;
	/* Like write(2): a longer buffer is written in part, and the count
	 * says how much. */
	if (len > HL_CONSOLE_WRITE_MAX) {
		len = HL_CONSOLE_WRITE_MAX;
	}
	if (!domain_read_ram(v->dom, ipa_init(ipa), buf, len)) {
		return HL_EFAULT;
	}
	/* At most one line per call: each line goes out to the UART with
	 * interrupts masked, so a buffer of newlines would hold this CPU (and
	 * the domains sharing it) for a thousand lines. The guest calls again
	 * for the rest, as write(2) callers do. */
	const char *nl = memchr(buf, '\n', len);
	if (nl != NULL) {
		len = (size_t)(nl - buf) + 1;
	}
	console_domain_write(v->dom, buf, len);
	return (int64_t)len;
}

/* Copy @n bytes from hypervisor memory @src into the caller's RAM at @ipa. */
static bool to_guest(struct domain *d, uint64_t ipa, const void *src, size_t n)
{
	return domain_write_ram(d, ipa_init(ipa), src, n);
}

static uint64_t info_flags(const struct domain *o)
{
	uint64_t st;

	switch (domain_state(o)) {
	case DOM_NEW:
		st = o->nr_vcpus > 0 ? HL_STATE_PAUSED : HL_STATE_NONE;
		break;
	case DOM_RUNNING:
		st = o->paused ? HL_STATE_PAUSED : HL_STATE_RUNNING;
		break;
	case DOM_OFF:
		st = HL_STATE_OFF;
		break;
	case DOM_STOPPED:
		st = HL_STATE_STOPPED;
		break;
	default:
		st = HL_STATE_DESTROYED;
		break;
	}
	return st | (o->has_run ? HL_INFO_HAS_RUN : 0) |
	       (__atomic_load_n(&o->ready, __ATOMIC_ACQUIRE) ? HL_INFO_READY : 0);
}

static int64_t boot_lcm_read(struct vcpu *v, struct domain *o, const uint64_t in[6],
			     uint64_t out[4])
{
	size_t size;
	const uint8_t *blob = launch_lcm_blob(&size);

	(void)o;
	out[1] = size;
	uint64_t off = in[2], n = in[3];
	if (off > size) {
		return HL_EINVAL;
	}
	if (n > size - off) {
		n = size - off;
	}
	return to_guest(v->dom, in[1], blob + off, n) ? (int64_t)n : HL_EFAULT;
}

static int64_t boot_module_read(struct vcpu *v, struct domain *o, const uint64_t in[6],
				uint64_t out[4])
{
	const struct lcm_launch *l = launch_lcm();

	(void)o;
	/* A module refused at boot (outside RAM, over the hypervisor, an
	 * mb-index the bootloader did not load) is never read. */
	int r = l != NULL && in[1] < l->nr_modules ? bootmod_of_lcm((uint32_t)in[1]) : BOOTMOD_NONE;
	if (r == BOOTMOD_NONE) {
		return HL_ENOENT;
	}
	return bootmod_read(r, in[2], v->dom, ipa_init(in[3]), in[4], &out[1]);
}

/* Rewrite /chosen/bootargs of a domain that never ran, in the device tree
 * the builder left in its RAM (d->dt): it may grow into the room the
 * builder left after it (dt_room). */
static int64_t set_bootargs(struct vcpu *v, struct domain *o, uint64_t ipa, uint64_t len)
{
	char args[HL_CONSOLE_WRITE_MAX];
	uint64_t dt = ipa_addr(o->dt);
	uint64_t room = o->dt_room;
	int64_t r = HL_OK;

	if (len >= sizeof(args)) {
		return HL_EINVAL;
	}
	if (!domain_read_ram(v->dom, ipa_init(ipa), args, len)) {
		return HL_EFAULT;
	}
	if (memchr(args, 0, len) != NULL) {
		return HL_EINVAL;
	}
	if (room > DT_ROOM_MAX) {
		room = DT_ROOM_MAX;
	}
	/* Pages for the work copy only while it is needed: the hypervisor's
	 * image stays small. */
	paddr_t work = mm_alloc(DT_ROOM_MAX, PAGE_SIZE, MM_HV);
	if (mm_failed(work)) {
		return HL_ENOMEM;
	}
	uint8_t *dt_work = pa_ptr(work);
	if (!domain_read_ram(o, ipa_init(dt), dt_work, room)) {
		r = HL_EFAULT;
	} else {
		long n = dt_set_string(dt_work, room, "chosen", "bootargs", args, len);
		if (n < 0) {
			r = HL_ENOMEM;
		} else if (!domain_write_ram(o, ipa_init(dt), dt_work, (size_t)n)) {
			r = HL_EFAULT;
		}
	}
	mm_free(work, DT_ROOM_MAX);
	if (r == HL_OK) {
		measure_set_bootargs(o, args, len);
		char shown[256]; /* a printk line is at most 384 bytes */
		console_sanitize(shown, sizeof(shown), args, len);
		printk("launch: prepare: %s configures %s: bootargs \"%s\"\n", v->dom->name,
		       o->name, shown);
	}
	return r;
}

static int64_t configure_locked(struct vcpu *v, struct domain *o, const uint64_t in[6])
{
	switch (in[2]) {
	case HL_CFG_BOOTARGS:
		return set_bootargs(v, o, in[3], in[4]);
	case HL_CFG_AFFINITY: {
		/* A vCPU that never ran is on no queue: moving it is only
		 * changing the CPU it will be queued on. */
		struct vcpu *t = in[3] < o->nr_vcpus ? vcpu_get(o, (unsigned)in[3]) : NULL;
		if (t == NULL || in[4] >= cpu_count() || !cpu_is_online(cpu_get((unsigned)in[4]))) {
			return HL_EINVAL;
		}
		t->cpu = (unsigned)in[4];
		printk("launch: prepare: %s configures %s: vCPU %u on CPU %u\n", v->dom->name,
		       o->name, t->index, t->cpu);
		return HL_OK;
	}
	default:
		return HL_EINVAL;
	}
}

static int64_t boot_configure(struct vcpu *v, struct domain *o, const uint64_t in[6],
			      uint64_t out[4])
{
	int64_t r;

	(void)out;
	if (o->nr_vcpus == 0) {
		return HL_ENOENT;
	}
	/* The policy saw it never ran; under its configuration lock that
	 * stays true until the change is made (domain_start takes it). */
	unsigned long flags = spin_lock_irqsave(&o->cfg_lock);
	r = __atomic_load_n(&o->has_run, __ATOMIC_ACQUIRE) ? HL_EPERM : configure_locked(v, o, in);
	spin_unlock_irqrestore(&o->cfg_lock, flags);
	return r;
}

static int64_t domain_unpause(struct vcpu *v, struct domain *o, const uint64_t in[6],
			      uint64_t out[4])
{
	(void)in;
	(void)out;
	if (o->nr_vcpus == 0) {
		return HL_ENOENT;
	}
	if (domain_start(o)) {
		printk("domain %u %s: unpaused by %s\n", o->domid, o->name, v->dom->name);
		return HL_OK;
	}
	if (domain_state(o) == DOM_RUNNING && o->paused) {
		domain_resume(o);
		return HL_OK;
	}
	return HL_EBUSY;
}

static int64_t domain_pause_call(struct vcpu *v, struct domain *o, const uint64_t in[6],
				 uint64_t out[4])
{
	(void)v;
	(void)in;
	(void)out;
	if (o->nr_vcpus == 0) {
		return HL_ENOENT;
	}
	if (domain_state(o) != DOM_RUNNING || o->paused) {
		return HL_EBUSY;
	}
	domain_pause(o);
	return HL_OK;
}

static int64_t domain_destroy_call(struct vcpu *v, struct domain *o, const uint64_t in[6],
				   uint64_t out[4])
{
	char why[64];

	(void)in;
	(void)out;
	if (o->nr_vcpus == 0) {
		return HL_ENOENT;
	}
	fmt_snprintf(why, sizeof(why), "destroyed by %s", v->dom->name);
	return domain_destroy(o, DOM_DESTROYED, why) ? HL_OK : HL_EBUSY;
}

static int64_t launch_status_call(struct vcpu *v, struct domain *o, const uint64_t in[6],
				  uint64_t out[4])
{
	char buf[400];
	uint32_t domid;
	size_t len;

	(void)o;
	out[1] = launch_status(buf, sizeof(buf), &domid, &len);
	out[2] = domid;
	out[3] = len;
	size_t n = in[2] < len ? in[2] : len;
	if (n > 0 && !to_guest(v->dom, in[1], buf, n)) {
		return HL_EFAULT;
	}
	return HL_OK;
}

static int64_t event_log_read(struct vcpu *v, struct domain *o, const uint64_t in[6],
			      uint64_t out[4])
{
	(void)o;
	return measure_log_read(v->dom, ipa_init(in[1]), in[2], in[3], &out[1]);
}

/* Persistent objects (TPM 2.0 Part 2, 7.5: TPM_HT_PERSISTENT). */
#define TPM_PERSISTENT_FIRST 0x81000000u
#define TPM_PERSISTENT_LAST  0x81FFFFFFu
#define QUOTE_MAX            1024

static int64_t tpm_quote(struct vcpu *v, struct domain *o, const uint64_t in[6], uint64_t out[4])
{
	uint8_t nonce[HL_QUOTE_NONCE_MAX], answer[QUOTE_MAX];
	size_t len;

	(void)o;
	if (in[1] < TPM_PERSISTENT_FIRST || in[1] > TPM_PERSISTENT_LAST ||
	    in[3] > HL_QUOTE_NONCE_MAX) {
		return HL_EINVAL;
	}
	if (!domain_read_ram(v->dom, ipa_init(in[2]), nonce, in[3])) {
		return HL_EFAULT;
	}
	int64_t r = measure_quote(v->dom, (uint32_t)in[1], nonce, (unsigned)in[3], answer,
				  sizeof(answer), &len);
	if (r != HL_OK) {
		return r;
	}
	size_t n = len < in[5] ? len : in[5];
	n = n < sizeof(answer) ? n : sizeof(answer);
	out[1] = len;
	return to_guest(v->dom, in[4], answer, n) ? (int64_t)n : HL_EFAULT;
}

static int64_t domain_info(struct vcpu *v, struct domain *o, const uint64_t in[6], uint64_t out[4])
{
	(void)v;
	(void)in;
	out[1] = info_flags(o);
	out[2] = o->functions;
	out[3] = o->permissions;
	return HL_OK;
}

static int64_t uid(struct vcpu *v, struct domain *o, const uint64_t in[6], uint64_t out[4])
{
	(void)v;
	(void)o;
	(void)in;
	out[1] = HL_UID_1;
	out[2] = HL_UID_2;
	out[3] = HL_UID_3;
	return HL_UID_0;
}

static int64_t revision(struct vcpu *v, struct domain *o, const uint64_t in[6], uint64_t out[4])
{
	(void)v;
	(void)o;
	(void)in;
	out[1] = HL_REVISION_MINOR;
	return HL_REVISION_MAJOR;
}

static int64_t whoami(struct vcpu *v, struct domain *o, const uint64_t in[6], uint64_t out[4])
{
	(void)o;
	(void)in;
	out[1] = v->dom->domid;
	out[2] = v->index;
	out[3] = v->dom->nr_vcpus;
	return HL_OK;
}

static int64_t ready(struct vcpu *v, struct domain *o, const uint64_t in[6], uint64_t out[4])
{
	(void)o;
	(void)in;
	(void)out;
	__atomic_store_n(&v->dom->ready, true, __ATOMIC_RELEASE);
	return HL_OK;
}

static int64_t boot_done(struct vcpu *v, struct domain *o, const uint64_t in[6], uint64_t out[4])
{
	(void)o;
	(void)out;
	return launch_boot_done(v->dom, in[1]);
}

/* The answer that means "call again" (create.c's CREATE_AGAIN). */
#define AGAIN CREATE_AGAIN

static int64_t domain_create_call(struct vcpu *v, struct domain *o, const uint64_t in[6],
				  uint64_t out[4])
{
	/* libfdt (lcm_parse, the builder's device tree) uses FP/SIMD
	 * registers, which hold the calling guest's values. */
	struct arch_simd_save fp;

	(void)o;
	arch_simd_begin(&fp);
	int64_t r = create_call(v, in[1], in[2], &out[1]);
	arch_simd_end(&fp);
	return r;
}

static int64_t shutdown(struct vcpu *v, struct domain *o, const uint64_t in[6], uint64_t out[4])
{
	(void)o;
	(void)out;
	printk("hyperlaunch: %s asks to %s the platform\n", v->dom->name,
	       in[1] == 1 ? "reboot" : "power off");
	policy_summary();
	if (in[1] == 1) {
		arch_reboot();
	}
	arch_power_off();
}

/* How a call's object domain is found. */
enum object {
	OBJ_NONE,  /* the platform, or nothing */
	OBJ_SELF,  /* the caller's own domain */
	OBJ_DOMID, /* the domain whose domid is in x1 */
};

/* The operation of a call any domain may make on itself: no policy check. */
#define OP_OWN OP_NR

struct call {
	uint32_t fid;
	enum policy_op op;
	enum object object;
	int64_t (*handler)(struct vcpu *v, struct domain *o, const uint64_t in[6], uint64_t out[4]);
};

/* Every hypercall there is (docs/hypercalls.md, "Who may call"). */
static const struct call calls[] = {
	{ HL_CALL_UID, OP_OWN, OBJ_NONE, uid },
	{ HL_CALL_REVISION, OP_OWN, OBJ_NONE, revision },
	{ HL_CONSOLE_WRITE, OP_CONSOLE_WRITE, OBJ_SELF, console_write },
	{ HL_WHOAMI, OP_OWN, OBJ_SELF, whoami },
	{ HL_READY, OP_OWN, OBJ_SELF, ready },
	{ HL_DOMAIN_INFO, OP_INFO, OBJ_DOMID, domain_info },
	{ HL_BOOT_LCM_READ, OP_BOOT_LCM_READ, OBJ_SELF, boot_lcm_read },
	{ HL_BOOT_MODULE_READ, OP_BOOT_MODULE_READ, OBJ_SELF, boot_module_read },
	{ HL_BOOT_CONFIGURE, OP_BOOT_CONFIGURE, OBJ_DOMID, boot_configure },
	{ HL_BOOT_DONE, OP_BOOT_DONE, OBJ_SELF, boot_done },
	{ HL_DOMAIN_UNPAUSE, OP_UNPAUSE, OBJ_DOMID, domain_unpause },
	{ HL_DOMAIN_PAUSE, OP_PAUSE, OBJ_DOMID, domain_pause_call },
	{ HL_DOMAIN_DESTROY, OP_DESTROY, OBJ_DOMID, domain_destroy_call },
	{ HL_DOMAIN_CREATE, OP_CREATE, OBJ_NONE, domain_create_call },
	{ HL_PLATFORM_SHUTDOWN, OP_SHUTDOWN, OBJ_NONE, shutdown },
	{ HL_LAUNCH_STATUS, OP_LAUNCH_STATUS, OBJ_NONE, launch_status_call },
	{ HL_EVENT_LOG_READ, OP_EVENT_LOG_READ, OBJ_NONE, event_log_read },
	{ HL_TPM_QUOTE, OP_TPM_QUOTE, OBJ_NONE, tpm_quote },
};

/* The one gate: the object, then the policy, then the handler. */
static int64_t dispatch(const struct call *c, struct vcpu *v, const uint64_t in[6], uint64_t out[4])
{
	struct domain *o = NULL;

	switch (c->object) {
	case OBJ_NONE:
		break;
	case OBJ_SELF:
		o = v->dom;
		break;
	case OBJ_DOMID:
		o = domain_find(in[1]);
		if (o == NULL) {
			/* HL_ENOENT for a caller that may do this to some
			 * domain; for anyone else a denial, so that it learns
			 * nothing about which domids exist. */
			return policy_check(v->dom, c->op, NULL) ? HL_ENOENT : HL_EPERM;
		}
		break;
	}
	if (c->op != OP_OWN && !policy_check(v->dom, c->op, o)) {
		return HL_EPERM;
	}
	return c->handler(v, o, in, out);
}

bool hypercall(struct vcpu *v, const uint64_t in[6], uint64_t out[4])
{
	uint32_t fid = (uint32_t)in[0];

	out[0] = (uint64_t)(int64_t)HL_ENOSYS;
	out[1] = out[2] = out[3] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		if (calls[i].fid == fid) {
			int64_t r = dispatch(&calls[i], v, in, out);
			if (r == AGAIN) {
				return false;
			}
			out[0] = (uint64_t)r;
			break;
		}
	}
	return true;
}
