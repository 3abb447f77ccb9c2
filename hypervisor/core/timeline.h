/*
 * The launch's counters and, for the benchmark (README "Benchmark"), its
 * timeline: when the host DTB's /chosen has "hyperlaunch,timeline", where
 * each build's time went, step by step, and the launch's phases. The
 * builder reports; launch.c says when the launch is final and when every
 * domain is off. Without the property only the counters are kept, and one
 * "mm: ... free after the launch" line is printed.
 */
#ifndef HV_TIMELINE_H
#define HV_TIMELINE_H

#include "core/platform.h"
#include "core/types.h"

/* The steps of a build, as the timeline names them. */
enum tl_step { TL_CREATE, TL_DIGESTS, TL_MEMORY, TL_COPY, TL_DT, TL_VCPUS, TL_NR_STEPS };

/* A build's clock: the time since @mark goes to a step. */
struct tl_build {
	uint64_t mark;
	uint64_t ns[TL_NR_STEPS];
};

/* The launch probes the host DTB (the timeline's zero is QEMU's start). */
void timeline_init(const struct platform *p);
/* A build starts now. */
void timeline_build_start(struct tl_build *t);
/* The time since the last lap (or start) goes to step @s. */
void timeline_lap(struct tl_build *t, enum tl_step s);
/* Back to work after a pause that is not the build's (between steps). */
void timeline_resume(struct tl_build *t);
/* A domain was built in @total ns: @fresh bytes of RAM from the allocator,
 * @mapped bytes of boot modules mapped in place, @hv_data bytes of the
 * hypervisor's own data for it. */
void timeline_built(const struct tl_build *t, uint32_t domid, const char *name, uint64_t total,
		    uint64_t fresh, uint64_t mapped, uint64_t hv_data);
/* The launch is final (@all_off false: every domain that will run was
 * started) or every domain is off (@all_off true). */
void timeline_launch_event(bool all_off);

#endif /* HV_TIMELINE_H */
