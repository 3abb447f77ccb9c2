/*
 * The launch's counters and timeline (timeline.h). Counters are written by
 * one build at a time (the launch's, or HL_DOMAIN_CREATE's under its lock).
 */
#include <libfdt.h>

#include <fmt/fmt.h>

#include "core/arch.h"
#include "core/console.h"
#include "core/mm.h"
#include "core/timeline.h"

static const char *const step_name[TL_NR_STEPS] = {
	"create", "digests", "memory", "copy", "dt", "vcpus",
};

/* ns since the counter's zero (QEMU's start); bytes. */
static bool timeline;
static uint64_t t_probe, t_first, t_last, step_ns[TL_NR_STEPS];
static unsigned nr_built;
static uint64_t ram_fresh, ram_mapped, hv_data_all;

void timeline_init(const struct platform *p)
{
	int chosen = p->fdt_chosen;

	t_probe = arch_time_ns();
	timeline = chosen >= 0 && fdt_getprop(p->fdt, chosen, "hyperlaunch,timeline", NULL) != NULL;
}

void timeline_build_start(struct tl_build *t)
{
	t->mark = arch_time_ns();
	if (t_first == 0) {
		t_first = t->mark;
	}
}

void timeline_lap(struct tl_build *t, enum tl_step s)
{
	uint64_t now = arch_time_ns();

	t->ns[s] += now - t->mark;
	t->mark = now;
}

void timeline_resume(struct tl_build *t)
{
	t->mark = arch_time_ns();
}

/* "create N us, digests N us, ..." of @ns into @line. */
static void steps_str(char *line, size_t size, const uint64_t *ns)
{
	size_t n = 0;

	line[0] = '\0';
	for (unsigned s = 0; s < TL_NR_STEPS && n < size; s++) {
		n += (size_t)fmt_snprintf(line + n, size - n, "%s %llu us, ", step_name[s],
					  (unsigned long long)(ns[s] / 1000));
	}
}

void timeline_built(const struct tl_build *t, uint32_t domid, const char *name, uint64_t total,
		    uint64_t fresh, uint64_t mapped, uint64_t hv_data)
{
	ram_fresh += fresh;
	ram_mapped += mapped;
	hv_data_all += hv_data;
	nr_built++;
	for (unsigned s = 0; s < TL_NR_STEPS; s++) {
		step_ns[s] += t->ns[s];
	}
	if (timeline) {
		char line[200];
		steps_str(line, sizeof(line), t->ns);
		printk("timeline: domain %u %s: %stotal %llu us\n", domid, name, line,
		       (unsigned long long)(total / 1000));
	}
	t_last = arch_time_ns();
}

void timeline_launch_event(bool all_off)
{
	uint64_t now = arch_time_ns();

	if (all_off) {
		if (timeline) {
			printk("timeline: all domains off at %llu us\n",
			       (unsigned long long)(now / 1000));
		}
		return;
	}
	uint64_t free = mm_free_bytes();
	printk("mm: %llu MiB free after the launch (%llu KiB; %u domains: guest RAM %llu KiB "
	       "allocated + %llu KiB mapped in place, hypervisor data %llu KiB)\n",
	       (unsigned long long)(free / MiB), (unsigned long long)(free / KiB), nr_built,
	       (unsigned long long)(ram_fresh / KiB), (unsigned long long)(ram_mapped / KiB),
	       (unsigned long long)(hv_data_all / KiB));
	if (!timeline) {
		return;
	}
	uint64_t built = 0;
	char line[200];
	for (unsigned s = 0; s < TL_NR_STEPS; s++) {
		built += step_ns[s];
	}
	steps_str(line, sizeof(line), step_ns);
	uint64_t phase = t_last > t_first ? t_last - t_first : 0;
	printk("timeline: build steps of %u domains: %sconsole and other %llu us\n", nr_built, line,
	       (unsigned long long)((phase > built ? phase - built : 0) / 1000));
	printk("timeline: phases: boot %llu us, to first build %llu us, build %llu us, "
	       "to launch final %llu us; final at %llu us\n",
	       (unsigned long long)(t_probe / 1000),
	       (unsigned long long)((t_first > t_probe ? t_first - t_probe : 0) / 1000),
	       (unsigned long long)(phase / 1000),
	       (unsigned long long)((now > t_last ? now - t_last : 0) / 1000),
	       (unsigned long long)(now / 1000));
}
