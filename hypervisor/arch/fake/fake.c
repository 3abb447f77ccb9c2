/*
 * The fake architecture's machine: memory, clock, CPUs, interrupts, power,
 * and the run control that lets a single-threaded test drive the core's
 * noreturn loops (see fake.h). Host code: it uses libc freely.
 *
 * Why longjmp: hv_main(), sched_run(), arch_power_off() and panic() never
 * return on hardware, and the core is tested unchanged. A CPU whose
 * scheduler waits for an interrupt with interrupts masked would sleep until
 * one arrives; in a test nothing arrives unless the test delivers it, so the
 * wait hands control back to the test instead. That happens only in the
 * scheduler's idle(), where no lock is held and no vCPU is current, so the
 * core's state is consistent and the loop can be entered again later.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <libfdt.h>
#include <lcm/lcm.h>
#include <string.h>
#include <sys/mman.h>

#include "arch/fake/fake.h"
#include "core/cpu.h"
#include "core/domain.h"
#include "core/hypercall.h"
#include "core/sched.h"
#include "core/vcpu.h"

#define FAKE_TICK_NS     (1000000000ull / HV_TICK_HZ)
#define RUN_BUDGET       100000u   /* vCPU runs per process: a runaway guard */
#define SPIN_LIMIT       10000000u /* arch_cpu_relax() calls: a lock never freed */
#define HVC_REPEAT_LIMIT 1000000u  /* repeats of one fake_hvc(): a job never over */

static void default_bug(const char *what)
{
	fprintf(stderr, "fake arch: %s\n", what);
	fflush(NULL);
	abort();
}

void (*fake_bug)(const char *what) = default_bug;

/* --- the machine ---------------------------------------------------------- */

static struct {
	uint8_t *ram;
	uint64_t ram_size;
	uint64_t placed; /* bytes given by fake_ram_place() */
	unsigned nr_cpus;
	bool platform_fail;
	bool refuse[PLAT_MAX_CPUS];
	uint64_t now;
	unsigned cpu;
	bool irqs[PLAT_MAX_CPUS];
	unsigned kicks[PLAT_MAX_CPUS];
	unsigned spins;
	bool in_irq;         /* in hv_tick(), as from the timer interrupt */
	uint64_t irq_zeroed; /* bytes arch_zero_pages() cleared in it */
	uint64_t zeroed;     /* bytes arch_zero_pages() cleared in all */
	unsigned hvc_again;  /* hypercall() answers "not over" */
	void (*between)(struct vcpu *v, unsigned again);
} m;

/* The hypervisor's "image": a few pages the allocator must never hand out. */
static uint8_t image[64 * 1024] __attribute__((aligned(4096)));

void fake_init(uint64_t ram_bytes, unsigned nr_cpus)
{
	uint64_t align = 2 * MiB;
	uint8_t *p = mmap(NULL, ram_bytes + align, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED || nr_cpus == 0 || nr_cpus > PLAT_MAX_CPUS) {
		fake_bug("fake_init: no memory for the fake RAM, or a bad CPU count");
	}
	/* Never unmapped: the core keeps pointers into it to the end. */
	m.ram = (uint8_t *)align_up((uintptr_t)p, align);
	m.ram_size = ram_bytes;
	m.nr_cpus = nr_cpus;
	m.cpu = 0;
	m.now = 0;
}

struct mem_range fake_ram(void)
{
	return (struct mem_range){ pa_of(m.ram), m.ram_size };
}

void *fake_ram_place(uint64_t size, uint64_t align)
{
	uint64_t at = align_up(m.placed, align);

	if (at + size > m.ram_size) {
		fake_bug("fake_ram_place: the fake RAM is full");
	}
	m.placed = at + size;
	return m.ram + at;
}

void fake_platform_fail(bool fail)
{
	m.platform_fail = fail;
}

void fake_cpu_refuse(unsigned id)
{
	m.refuse[id] = true;
}

void fake_cpus_online(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		__atomic_store_n(&cpu_get(i)->online, true, __ATOMIC_RELEASE);
	}
}

const char *arch_name(void)
{
	return "fake";
}

struct mem_range arch_image_range(void)
{
	return (struct mem_range){ pa_of(image), sizeof(image) };
}

int arch_platform_probe(const void *fdt, struct platform *p)
{
	if (m.platform_fail) {
		return -1;
	}
	memset(p, 0, sizeof(*p));
	p->fdt = fdt;
	/* The header's totalsize, big-endian at offset 4 (an FDT). */
	const uint8_t *h = fdt;
	p->fdt_size = (uint64_t)h[4] << 24 | (uint64_t)h[5] << 16 | (uint64_t)h[6] << 8 | h[7];
	/* The contract of arch.h: the blob is checked before any walk. */
	const char *why = lcm_fdt_check(fdt, p->fdt_size);
	if (why != NULL) {
		printk("platform: malformed device tree: %s\n", why);
		return -1;
	}
	p->fdt_chosen = fdt_path_offset(fdt, "/chosen");
	p->ram[0] = fake_ram();
	p->nr_ram = 1;
	p->nr_cpus = m.nr_cpus;
	for (unsigned i = 0; i < m.nr_cpus; i++) {
		p->cpu_hwid[i] = i;
	}
	p->uart = pa_init(0x09000000);
	p->tick_irq = 26;
	p->fw_conduit = FW_CONDUIT_NONE;
	return 0;
}

void arch_map_ram(struct mem_range r)
{
	(void)r;
}

void arch_map_device(struct mem_range r)
{
	(void)r;
}

void arch_irq_init(void)
{
}

/* A secondary CPU reports in at once (the real one ends in
 * hv_secondary_main(), whose loop a test runs with fake_run_cpu()). */
int arch_cpu_start(struct cpu *c, paddr_t stack_top)
{
	(void)stack_top;
	if (m.refuse[c->id]) {
		return -2;
	}
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	return 0;
}

void arch_cpu_kick(const struct cpu *c)
{
	m.kicks[c->id]++;
}

unsigned fake_kicks(unsigned cpu)
{
	return m.kicks[cpu];
}

void arch_timer_start(unsigned hz)
{
	(void)hz;
}

uint64_t arch_time_ns(void)
{
	return m.now;
}

void fake_time_set(uint64_t ns)
{
	m.now = ns;
}

void fake_time_advance(uint64_t ns)
{
	m.now += ns;
}

uint64_t fake_time(void)
{
	return m.now;
}

struct cpu *arch_this_cpu(void)
{
	return cpu_get(m.cpu);
}

void fake_cpu_set(unsigned id)
{
	m.cpu = id;
}

unsigned fake_cpu(void)
{
	return m.cpu;
}

/* One thread: a lock that is taken is never given back while we spin. */
void arch_cpu_relax(void)
{
	if (++m.spins > SPIN_LIMIT) {
		fake_bug("a CPU spins forever (a lock taken twice?)");
	}
}

void arch_irq_enable(void)
{
	m.irqs[m.cpu] = true;
}

void arch_irq_disable(void)
{
	m.irqs[m.cpu] = false;
}

unsigned long arch_irq_save(void)
{
	unsigned long was = m.irqs[m.cpu];

	m.irqs[m.cpu] = false;
	return was;
}

void arch_irq_restore(unsigned long flags)
{
	m.irqs[m.cpu] = flags != 0;
}

bool fake_irqs_enabled(unsigned cpu)
{
	return m.irqs[cpu];
}

/* --- run control ----------------------------------------------------------------- */

static jmp_buf *catcher;
/* Where fake_hvc() leaves a guest script whose call is not over, and for
 * which vCPU: set only while that script runs. */
static jmp_buf *hvc_again_at;
static struct vcpu *hvc_again_vcpu;

static noreturn void escape(enum fake_stop why)
{
	if (catcher == NULL) {
		fake_bug(why == FAKE_IDLE ? "a CPU went idle outside fake_call()"
					  : "the machine went off outside fake_call()");
	}
	longjmp(*catcher, (int)why);
}

void fake_abandon(void)
{
	catcher = NULL;
	hvc_again_at = NULL;
	m.in_irq = false;
}

enum fake_stop fake_call(void (*fn)(void *), void *arg)
{
	jmp_buf here;
	jmp_buf *outer = catcher;
	unsigned cpu = m.cpu;
	/* volatile: read after longjmp. */
	volatile enum fake_stop why = FAKE_RETURNED;

	catcher = &here;
	int r = setjmp(here);
	if (r == 0) {
		fn(arg);
	} else {
		why = (enum fake_stop)r;
		hvc_again_at = NULL; /* the script it pointed into is gone */
	}
	catcher = outer;
	m.cpu = cpu;
	return why;
}

const char *fake_stop_name(enum fake_stop s)
{
	static const char *const names[] = {
		[FAKE_RETURNED] = "returned",
		[FAKE_IDLE] = "idle",
		[FAKE_OFF] = "power off",
		[FAKE_REBOOT] = "reboot",
	};
	return s <= FAKE_REBOOT ? names[s] : "?";
}

noreturn void arch_power_off(void)
{
	escape(FAKE_OFF);
}

noreturn void arch_reboot(void)
{
	escape(FAKE_REBOOT);
}

/* With interrupts enabled (the boot CPU waiting for every CPU's first
 * ticks), time passes: one tick on every online CPU. With them masked
 * (the scheduler's idle loop), the CPU sleeps until the test acts. */
void arch_wait_for_irq(void)
{
	if (!m.irqs[m.cpu]) {
		escape(FAKE_IDLE);
	}
	unsigned me = m.cpu;
	m.now += FAKE_TICK_NS;
	for (unsigned i = 0; i < cpu_count(); i++) {
		if (cpu_is_online(cpu_get(i))) {
			m.cpu = i;
			m.in_irq = true;
			hv_tick();
			m.in_irq = false;
		}
	}
	m.cpu = me;
}

static void boot(void *fdt)
{
	hv_main(pa_of(fdt));
}

enum fake_stop fake_boot(const void *fdt)
{
	m.cpu = 0;
	return fake_call(boot, (void *)(uintptr_t)fdt);
}

static void run(void *arg)
{
	(void)arg;
	sched_run();
}

enum fake_stop fake_run_cpu(unsigned cpu)
{
	unsigned me = m.cpu;

	m.cpu = cpu;
	enum fake_stop s = fake_call(run, NULL);
	m.cpu = me;
	return s;
}

static unsigned total_runs;

enum fake_stop fake_run_all(void)
{
	unsigned before;

	do {
		before = total_runs;
		for (unsigned i = 0; i < cpu_count(); i++) {
			if (!cpu_is_online(cpu_get(i))) {
				continue;
			}
			enum fake_stop s = fake_run_cpu(i);
			if (s != FAKE_IDLE) {
				return s;
			}
		}
	} while (total_runs != before);
	return FAKE_IDLE;
}

static void tick(void *arg)
{
	(void)arg;
	m.in_irq = true;
	hv_tick();
	m.in_irq = false;
}

enum fake_stop fake_tick(unsigned cpu)
{
	unsigned me = m.cpu;

	m.cpu = cpu;
	enum fake_stop s = fake_call(tick, NULL);
	m.cpu = me;
	m.in_irq = false; /* also when the tick powered off */
	return s;
}

/* --- memory helpers of the core ------------------------------------------------- */

void arch_zero_pages(paddr_t pa, uint64_t size, bool clean)
{
	(void)clean;
	if (pa_addr(pa) % PAGE_SIZE != 0 || size % PAGE_SIZE != 0) {
		fake_bug("arch_zero_pages: not whole pages");
	}
	memset(pa_ptr(pa), 0, size);
	m.zeroed += size;
	if (m.in_irq) {
		m.irq_zeroed += size;
	}
}

uint64_t fake_zeroed_in_irq(void)
{
	return m.irq_zeroed;
}

uint64_t fake_zeroed(void)
{
	return m.zeroed;
}

unsigned fake_hvc_again(void)
{
	return m.hvc_again;
}

void fake_hvc_between(void (*fn)(struct vcpu *v, unsigned again))
{
	m.between = fn;
}

void arch_dcache_clean(paddr_t pa, uint64_t size)
{
	(void)pa;
	(void)size;
}

static unsigned simd_depth;

void arch_simd_begin(struct arch_simd_save *save)
{
	(void)save;
	simd_depth++;
}

void arch_simd_end(const struct arch_simd_save *save)
{
	(void)save;
	if (simd_depth-- == 0) {
		fake_bug("arch_simd_end without arch_simd_begin");
	}
}

/* --- domains and vCPUs -------------------------------------------------------------- */

#define MAX_ARCH_DOMAINS 256
#define MAX_ARCH_VCPUS   1024

/* Static pools, not malloc: the core keeps these pointers in fake RAM,
 * which LeakSanitizer does not scan. */
static struct arch_domain arch_domains[MAX_ARCH_DOMAINS];
static struct arch_vcpu arch_vcpus[MAX_ARCH_VCPUS];

int arch_domain_init(struct domain *d)
{
	for (unsigned i = 0; i < MAX_ARCH_DOMAINS; i++) {
		if (!arch_domains[i].used) {
			arch_domains[i] = (struct arch_domain){ .used = true };
			d->arch = &arch_domains[i];
			return 0;
		}
	}
	return -1;
}

void arch_domain_free(struct domain *d)
{
	if (d->arch != NULL) {
		d->arch->used = false;
		d->arch = NULL;
	}
}

void arch_guest_uart_irq(struct domain *d, bool level)
{
	d->arch->uart_irq = level;
}

/* Guests of the fake machine run with their MMU off: a virtual address is
 * the guest-physical one. */
bool arch_guest_va_to_ipa(struct vcpu *v, uint64_t va, bool write, ipaddr_t *ipa)
{
	(void)v;
	(void)write;
	*ipa = ipa_init(va);
	return true;
}

bool arch_xen(void)
{
	return true;
}

void arch_xen_upcall(struct vcpu *v)
{
	v->arch->xen_upcalls++;
}

int arch_vcpu_init(struct vcpu *v)
{
	for (unsigned i = 0; i < MAX_ARCH_VCPUS; i++) {
		if (!arch_vcpus[i].used) {
			arch_vcpus[i] = (struct arch_vcpu){ .used = true, .v = v };
			v->arch = &arch_vcpus[i];
			return 0;
		}
	}
	return -1;
}

void arch_vcpu_free(struct vcpu *v)
{
	if (v->arch != NULL) {
		v->arch->used = false;
		v->arch = NULL;
	}
}

void arch_vcpu_reset(struct vcpu *v, ipaddr_t entry, uint64_t arg)
{
	if (v->cpu != m.cpu) {
		fake_bug("arch_vcpu_reset on another CPU than the vCPU's");
	}
	v->arch->entry = entry;
	v->arch->arg = arg;
	v->arch->step = 0;
	v->arch->resets++;
}

bool arch_vcpu_has_interrupt(struct vcpu *v)
{
	return v->arch->interrupt;
}

bool arch_vcpu_sleeping(const struct vcpu *v)
{
	return v->arch != NULL && v->arch->sleeping;
}

/* --- guests ---------------------------------------------------------------------- */

#define MAX_SCRIPTS 32

static struct {
	const char *name;
	fake_guest_fn *fn;
} scripts[MAX_SCRIPTS];
static fake_guest_fn *default_script = fake_guest_idle;
static char trace[16384];
static size_t trace_len;

void fake_guest_set(const char *name, fake_guest_fn *fn)
{
	if (name == NULL) {
		default_script = fn;
		return;
	}
	for (unsigned i = 0; i < MAX_SCRIPTS; i++) {
		if (scripts[i].name == NULL || strcmp(scripts[i].name, name) == 0) {
			scripts[i].name = name;
			scripts[i].fn = fn;
			return;
		}
	}
	fake_bug("fake_guest_set: too many scripts");
}

static fake_guest_fn *script_of(const struct domain *d)
{
	for (unsigned i = 0; i < MAX_SCRIPTS && scripts[i].name != NULL; i++) {
		if (strcmp(scripts[i].name, d->name) == 0) {
			return scripts[i].fn;
		}
	}
	return default_script;
}

enum fake_exit fake_guest_idle(struct vcpu *v, unsigned step)
{
	(void)v;
	(void)step;
	return FAKE_WFI;
}

/* The arm64 run loop's shape (arch/arm64/vcpu.c), with the guest's
 * instructions replaced by one call of its script per exit. */
void arch_vcpu_run(struct vcpu *v)
{
	struct arch_vcpu *a = v->arch;
	fake_guest_fn *fn = script_of(v->dom);
	int n;

	if (m.irqs[m.cpu]) {
		fake_bug("arch_vcpu_run with interrupts unmasked");
	}
	if (++total_runs > RUN_BUDGET) {
		fake_bug("more vCPU runs than any test needs: a guest that never stops?");
	}
	a->runs++;
	n = snprintf(trace + trace_len, sizeof(trace) - trace_len, "%s.%u@%u ", v->dom->name,
		     v->index, v->cpu);
	if (n > 0 && (size_t)n < sizeof(trace) - trace_len) {
		trace_len += (size_t)n;
	}
	for (;;) {
		jmp_buf again;
		/* volatile: read after longjmp. */
		volatile unsigned step = a->step;

		/* A hypercall that is not over (fake_hvc) comes back here: the
		 * guest's PC goes back onto the HVC, so the script's step is
		 * made again next time, and the vCPU yields (arm64's
		 * TRAP_YIELD) so that its CPU's other vCPUs run first. */
		if (setjmp(again) != 0) {
			hvc_again_at = NULL;
			a->step = step;
			break;
		}
		hvc_again_at = &again;
		hvc_again_vcpu = v;
		enum fake_exit e = fn(v, a->step++);
		hvc_again_at = NULL;
		if (e == FAKE_WFI_POLL) {
			sched_wfi(v);
			break;
		}
		if (e == FAKE_WFI) {
			if (sched_block(v)) {
				break;
			}
			e = FAKE_CONTINUE; /* an interrupt is there: take it */
		}
		if (e != FAKE_CONTINUE || sched_must_leave(v)) {
			break;
		}
	}
}

const char *fake_trace(void)
{
	return trace;
}

void fake_trace_clear(void)
{
	trace_len = 0;
	trace[0] = '\0';
}

unsigned fake_total_runs(void)
{
	return total_runs;
}

int64_t fake_hvc(struct vcpu *v, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		 uint64_t a5, uint64_t out[4])
{
	uint64_t in[6] = { fid, a1, a2, a3, a4, a5 };
	uint64_t res[4] = { 0 };
	unsigned repeats = 0;

	if (!hypercall_in_range((uint32_t)fid)) {
		fake_bug("fake_hvc: not a Hyperlaunch function id");
	}
	while (!hypercall(v, in, res)) {
		/* Not over (a creation in steps): the guest makes the same
		 * call again after the other vCPUs of its CPU ran. */
		m.hvc_again++;
		if (hvc_again_at != NULL && hvc_again_vcpu == v) {
			longjmp(*hvc_again_at, 1);
		}
		/* The test plays the guest, outside any vCPU run: what the
		 * other vCPUs would do meanwhile is the test's hook. */
		if (m.between != NULL) {
			m.between(v, m.hvc_again);
		}
		/* A vCPU that may not run any more never makes the call
		 * again: the guest never sees an answer. */
		if (__atomic_load_n(&v->power, __ATOMIC_ACQUIRE) != VCPU_ON ||
		    domain_state(v->dom) != DOM_RUNNING ||
		    __atomic_load_n(&v->dom->paused, __ATOMIC_ACQUIRE)) {
			return FAKE_HVC_GONE;
		}
		if (++repeats > HVC_REPEAT_LIMIT) {
			fake_bug("fake_hvc: a call that is never over");
			return FAKE_HVC_GONE;
		}
	}
	if (out != NULL) {
		memcpy(out, res, sizeof(res));
	}
	return (int64_t)res[0];
}
