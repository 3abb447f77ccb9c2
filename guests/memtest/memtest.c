/*
 * Memory isolation: fill all of this domain's free RAM with a pattern that
 * is unique to the domain, give the others time to do the same to theirs,
 * then verify every word. A hypervisor that let two domains share a page
 * shows up as a mismatch. bootargs "seed=N" makes the pattern unique where
 * there is no hypercall to ask for the domain id.
 */
#include "guest.h"

static uint64_t pattern(uint64_t seed, uint64_t addr)
{
	uint64_t x = addr ^ (seed * 0x9e3779b97f4a7c15ull);

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 29);
}

int main(const void *fdt)
{
	char arg[24];
	uint64_t seed = 0;

	(void)fdt;
	if (on_hyperlaunch()) {
		seed = hvc(HL_WHOAMI, 0, 0, 0).x1 + 1;
	} else if (guest_arg("seed", arg, sizeof(arg))) {
		for (const char *p = arg; *p >= '0' && *p <= '9'; p++) {
			seed = seed * 10 + (uint64_t)(*p - '0');
		}
	}
	uint64_t start = (guest_image_end() + 4095) & ~4095ull;
	uint64_t end = guest_ram_base() + guest_ram_size();
	gprintf("memtest: filling 0x%llx-0x%llx (seed %llu)\n", (unsigned long long)start,
		(unsigned long long)end, (unsigned long long)seed);
	for (uint64_t a = start; a < end; a += 8) {
		*(volatile uint64_t *)a = pattern(seed, a);
	}
	/* Let the other domains write theirs. */
	for (volatile unsigned long i = 0; i < 2000000; i++) {
	}
	for (uint64_t a = start; a < end; a += 8) {
		uint64_t got = *(volatile uint64_t *)a;
		if (got != pattern(seed, a)) {
			gprintf("memtest: FAIL at 0x%llx: 0x%llx\n", (unsigned long long)a,
				(unsigned long long)got);
			return 1;
		}
	}
	gprintf("memtest: ok, %llu KiB verified\n", (unsigned long long)((end - start) >> 10));
	return 0;
}
