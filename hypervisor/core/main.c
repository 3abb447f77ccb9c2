/*
 * The boot sequence of the boot CPU, architecture-free: platform discovery,
 * address space, page allocator and boot modules, interrupts and timer, the
 * other CPUs, then the launch, after which the boot CPU schedules vCPUs like
 * every other. Each step prints one grep-able line (the tests in tests/hv/
 * assert them); a step that cannot continue panics, which prints
 * "panic: <reason>" and powers the machine off.
 */
#include <fmt/fmt.h>

#include "core/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/launch.h"
#include "core/measure.h"
#include "core/mm.h"
#include "core/sched.h"

#define TICK_WAIT_NS (2000ull * 1000 * 1000)

static struct platform platform;

static void map_platform(const struct platform *p)
{
	for (unsigned i = 0; i < p->nr_ram; i++) {
		arch_map_ram(p->ram[i]);
	}
	arch_map_device((struct mem_range){ p->uart, PAGE_SIZE });
	arch_map_device(p->irqc_dist);
	arch_map_device(p->irqc_redist);
	if (p->tpm.size != 0) {
		arch_map_device(p->tpm);
	}
}

static void print_platform(const struct platform *p)
{
	char ram[160], devices[160];
	size_t n = 0;
	uint64_t total = 0;

	ram[0] = '\0';
	for (unsigned i = 0; i < p->nr_ram && n < sizeof(ram); i++) {
		n += (size_t)fmt_snprintf(ram + n, sizeof(ram) - n, "%s0x%08llx-0x%08llx",
					  i > 0 ? ", " : "",
					  (unsigned long long)pa_addr(p->ram[i].base),
					  (unsigned long long)range_end(&p->ram[i]));
		total += p->ram[i].size;
	}
	arch_platform_describe(p, devices, sizeof(devices));
	printk("platform: %u CPUs, RAM %s (%llu MiB), %s\n", p->nr_cpus, ram,
	       (unsigned long long)(total / MiB), devices);
}

static void mm_setup(const struct platform *p)
{
	for (unsigned i = 0; i < p->nr_ram; i++) {
		mm_add_ram(p->ram[i]);
	}
	mm_keep(arch_image_range());
	mm_keep((struct mem_range){ pa_of(p->fdt), p->fdt_size });
	for (unsigned i = 0; i < p->nr_reserved; i++) {
		mm_keep(p->reserved[i]);
	}
	unsigned modules = launch_probe(p);
	printk("mm: %llu MiB free after reserving hypervisor, DTB and %u modules\n",
	       (unsigned long long)(mm_free_bytes() / MiB), modules);
}

noreturn void hv_main(paddr_t fdt)
{
	struct platform *p = &platform;

	printk("Hyperlaunch " HL_VERSION " (%s) at 0x%08llx, %s 0x%08llx\n", arch_name(),
	       (unsigned long long)pa_addr(arch_image_range().base), arch_boot_info_name(),
	       (unsigned long long)pa_addr(fdt));
	if (arch_platform_probe(pa_ptr(fdt), p) != 0) {
		panic("no usable platform description in the %s at 0x%llx", arch_boot_info_name(),
		      (unsigned long long)pa_addr(fdt));
	}
	map_platform(p);
	arch_console_init(p);
	print_platform(p);
	cpus_init(p);
	measure_init(p);
	mm_setup(p);

	arch_irq_init();
	unsigned online = smp_boot();
	if (online == cpu_count()) {
		printk("smp: %u CPUs online\n", online);
	} else {
		printk("smp: %u of %u CPUs online\n", online, cpu_count());
	}

	arch_timer_start(HV_TICK_HZ);
	arch_irq_enable();
	/* One tick on every CPU (the first comes at once) shows each timer's
	 * interrupt reaches the hypervisor, without holding the launch for a
	 * tick period. */
	if (!cpus_wait_ticks(1, TICK_WAIT_NS)) {
		panic("timer: a CPU took no tick within 2 s (INTID %u)", p->tick_irq);
	}
	printk("timer: tick on all CPUs (INTID %u, %u Hz)\n", p->tick_irq, HV_TICK_HZ);

	launch_start();
	sched_run();
}
