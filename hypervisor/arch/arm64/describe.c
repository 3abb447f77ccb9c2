/*
 * How the boot lines name the arm64 platform (core/arch.h): the host DTB,
 * the GICv3 and the PL011.
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
