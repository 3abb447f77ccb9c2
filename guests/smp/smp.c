/*
 * A multi-vCPU domain: vCPU 0 starts every other vCPU the device tree lists
 * with PSCI CPU_ON; each reports in; vCPU 0 waits for all, then powers off.
 */
#include "guest.h"

#include <string.h>

#include <libfdt.h>

static volatile unsigned online = 1;

void secondary_main(unsigned cpu)
{
	gprintf("smp: vcpu %u up\n", cpu);
	__atomic_add_fetch(&online, 1, __ATOMIC_SEQ_CST);
}

static unsigned count_cpus(const void *fdt)
{
	unsigned n = 0;
	int cpus = fdt_path_offset(fdt, "/cpus");
	int node;

	fdt_for_each_subnode(node, fdt, cpus)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		n += type != NULL && strcmp(type, "cpu") == 0;
	}
	return n;
}

int main(const void *fdt)
{
	unsigned n = count_cpus(fdt);

	gprintf("smp: %u vcpus, psci 0x%x\n", n, psci_version());
	for (unsigned cpu = 1; cpu < n && cpu < GUEST_MAX_VCPUS; cpu++) {
		int64_t r = guest_cpu_on(cpu);
		if (r != 0) {
			gprintf("smp: CPU_ON %u failed: %lld\n", cpu, (long long)r);
		}
	}
	while (online < n) {
		cpu_relax();
	}
	gprintf("smp: all %u vcpus online\n", n);
	return 0;
}
