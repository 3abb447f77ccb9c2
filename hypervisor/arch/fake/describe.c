/*
 * How the boot lines name the fake platform (core/arch.h): as arm64 does,
 * since the core tests read the same lines.
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
