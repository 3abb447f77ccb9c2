/*
 * Per-CPU data, secondary CPU bring-up and the tick count. The boot CPU
 * starts each secondary through the architecture (PSCI CPU_ON on arm64) on
 * a fresh stack from the page allocator; the secondary reports in itself
 * and then enters the scheduler, which idles it (taking its timer tick)
 * until the launch places vCPUs on it.
 */
#include "core/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/launch.h"
#include "core/mm.h"
#include "core/sched.h"

#define CPU_START_TIMEOUT_NS (1000ull * 1000 * 1000)

static struct cpu cpus[HV_MAX_CPUS];
static unsigned nr_cpus = 1; /* cpu0 exists before cpus_init() */

void cpus_init(const struct platform *p)
{
	nr_cpus = p->nr_cpus;
	for (unsigned i = 0; i < nr_cpus; i++) {
		cpus[i].id = i;
		cpus[i].hwid = p->cpu_hwid[i];
	}
	__atomic_store_n(&cpus[0].online, true, __ATOMIC_RELEASE);
}

struct cpu *cpu_get(unsigned id)
{
	return id < HV_MAX_CPUS ? &cpus[id] : NULL;
}

unsigned cpu_count(void)
{
	return nr_cpus;
}

bool cpu_is_online(const struct cpu *c)
{
	return __atomic_load_n(&c->online, __ATOMIC_ACQUIRE);
}

static bool start_one(struct cpu *c)
{
	paddr_t stack = mm_alloc(HV_STACK_SIZE, PAGE_SIZE, MM_HV);

	if (mm_failed(stack)) {
		printk("smp: cpu%u: no memory for its stack\n", c->id);
		return false;
	}
	int err = arch_cpu_start(c, pa_add(stack, HV_STACK_SIZE));
	if (err != 0) {
		printk("smp: cpu%u (mpidr 0x%llx): firmware refused to start it (%d)\n", c->id,
		       (unsigned long long)c->hwid, err);
		mm_free(stack, HV_STACK_SIZE);
		return false;
	}
	uint64_t deadline = arch_time_ns() + CPU_START_TIMEOUT_NS;
	while (!cpu_is_online(c)) {
		if (arch_time_ns() > deadline) {
			/* Its stack stays allocated: the CPU may still be using it. */
			printk("smp: cpu%u (mpidr 0x%llx) did not report in\n", c->id,
			       (unsigned long long)c->hwid);
			return false;
		}
		arch_cpu_relax();
	}
	return true;
}

unsigned smp_boot(void)
{
	unsigned online = 1;

	/* One at a time: bring-up output stays in CPU order. */
	for (unsigned i = 1; i < nr_cpus; i++) {
		if (start_one(&cpus[i])) {
			online++;
		}
	}
	return online;
}

noreturn void hv_secondary_main(void)
{
	struct cpu *c = arch_this_cpu();

	printk("cpu%u up (mpidr 0x%llx)\n", c->id, (unsigned long long)c->hwid);
	arch_timer_start(HV_TICK_HZ);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	sched_run();
}

void hv_tick(void)
{
	struct cpu *c = arch_this_cpu();

	__atomic_fetch_add(&c->ticks, 1, __ATOMIC_RELAXED);
	sched_tick();
	/* The physical UART's input is polled, on one CPU (docs/architecture.md). */
	if (c->id == 0) {
		console_poll();
		launch_poll();
	}
}

bool cpus_wait_ticks(uint64_t n, uint64_t timeout_ns)
{
	uint64_t deadline = arch_time_ns() + timeout_ns;

	for (;;) {
		bool all = true;
		for (unsigned i = 0; i < nr_cpus; i++) {
			if (cpu_is_online(&cpus[i]) &&
			    __atomic_load_n(&cpus[i].ticks, __ATOMIC_RELAXED) < n) {
				all = false;
			}
		}
		if (all) {
			return true;
		}
		if (arch_time_ns() > deadline) {
			return false;
		}
		arch_wait_for_irq();
	}
}
