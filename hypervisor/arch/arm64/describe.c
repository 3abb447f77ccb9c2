/*
 * How the boot lines name the arm64 platform (core/arch.h): the host DTB,
 * the GICv3 and the PL011; the domain modes it runs and its microcode.
 */
#include <fmt/fmt.h>

#include "core/arch.h"

const char *arch_boot_info_name(void)
{
	return "DTB";
}

void arch_platform_describe(const struct platform *p, char *buf, size_t size)
{
	fmt_snprintf(buf, size, "GICv3 dist 0x%08llx redist 0x%08llx, uart 0x%08llx",
		     (unsigned long long)pa_addr(p->irqc_dist.base),
		     (unsigned long long)pa_addr(p->irqc_redist.base),
		     (unsigned long long)pa_addr(p->uart));
}

/* lib/lcm already refuses a 32-bit domain on arm64 and ignores the PV and
 * device-model bits there: every mode it accepts runs. */
const char *arch_mode_refused(uint32_t mode)
{
	(void)mode;
	return NULL;
}

/* lib/lcm accepts a microcode module on any architecture; Arm CPUs take
 * none from the hypervisor. */
const char *arch_microcode_apply(const void *p, uint64_t size)
{
	(void)p;
	(void)size;
	return "Arm CPUs take no microcode from the hypervisor";
}
