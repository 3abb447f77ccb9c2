/*
 * The probe: the smallest useful domain. It prints one ready line and powers
 * its domain off. It finds its UART in the device tree, so the same image
 * runs on Hyperlaunch, on Xen dom0less and on bare QEMU (the benchmark
 * compares the three). On Hyperlaunch it also reports ready (HL_READY).
 */
#include "guest.h"

int main(const void *fdt)
{
	char buf[4];

	(void)fdt;
	/* clock=1: the virtual counter at entry (tests/hv/vtimer-offset.sh). */
	if (guest_arg("clock", buf, sizeof(buf))) {
		gprintf("probe: counter at entry: %llu ms\n", (unsigned long long)guest_time_ms());
	}
	gprintf("probe: ready\n");
	/* What a Boot Domain's "wait" waits for; a no-op elsewhere. */
	guest_ready();
	return 0;
}
