/*
 * A domain that never yields: it says so, then spins forever without WFI.
 * The scheduler must still run every other domain (issue: a domain that
 * spins forever cannot starve the others).
 */
#include "guest.h"

int main(const void *fdt)
{
	(void)fdt;
	gprintf("spin: spinning forever\n");
	for (volatile uint64_t n = 0;; n++) {
	}
	return 0;
}
