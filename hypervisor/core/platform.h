/*
 * What the hypervisor knows about the machine, filled once at boot by the
 * architecture (arch_platform_probe: on arm64 from the host DTB) and read by
 * the architecture-free core. Field meanings are generic; the comments say
 * what they hold on arm64.
 */
#ifndef HV_PLATFORM_H
#define HV_PLATFORM_H

#include "core/types.h"

#define PLAT_MAX_RAM       8
#define PLAT_MAX_CPUS      16
#define PLAT_MAX_RESERVED  64
#define PLAT_MAX_BOOT_MODS 64

enum fw_conduit { FW_CONDUIT_NONE, FW_CONDUIT_SMC, FW_CONDUIT_HVC };

struct platform {
	const void *fdt;   /* the device tree that carries the LCM (arm64: the
			    * host DTB; x86: multiboot module 0) */
	uint64_t fdt_size; /* its totalsize */
	int fdt_chosen;    /* the offset of its /chosen, or -1 */

	struct mem_range ram[PLAT_MAX_RAM];
	unsigned nr_ram;

	/* Memory the firmware keeps (/memreserve/, /reserved-memory). */
	struct mem_range reserved[PLAT_MAX_RESERVED];
	unsigned nr_reserved;

	/* Hardware ids of the CPUs (MPIDR affinity), boot CPU first. */
	uint64_t cpu_hwid[PLAT_MAX_CPUS];
	unsigned nr_cpus;

	paddr_t uart;                 /* console UART (PL011) */
	struct mem_range irqc_dist;   /* interrupt controller (GICv3 distributor) */
	struct mem_range irqc_redist; /* per-CPU part (GICv3 redistributors) */
	unsigned tick_irq;            /* hypervisor timer interrupt (INTID) */
	enum fw_conduit fw_conduit;   /* how to call firmware (PSCI) */
	struct mem_range tpm;         /* TPM, TIS over MMIO (size 0: none); the hypervisor's */

	/* The bootloader's module list, in its order (x86: the multiboot
	 * modules; the LCM is module 0, the others are named by mb-index).
	 * Empty on arm64, where the LCM is in the host DTB and modules are
	 * named by module-addr. */
	struct mem_range boot_mods[PLAT_MAX_BOOT_MODS];
	unsigned nr_boot_mods;
};

#endif /* HV_PLATFORM_H */
