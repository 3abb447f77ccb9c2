/*
 * The x86 probe: the smallest useful domain, as guests/probe is on arm64.
 * It prints one ready line, reports ready (HL_READY) and powers its domain
 * off.
 */
#include "guest.h"

int main(const void *fdt)
{
	(void)fdt;
	gprintf("probe: ready\n");
	guest_ready();
	return 0;
}
