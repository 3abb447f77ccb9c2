/*
 * A misbehaving domain: bootargs "fault=KIND" picks what it does wrong. The
 * hypervisor either gives the guest the exception hardware would (the
 * runtime's vectors then print it and power off), or, where the guest
 * cannot take it, stops the domain (and only it) with a line naming the
 * domain, the fault and the address.
 *   ram     read the page just past the end of its RAM: a synchronous
 *           external abort for the guest
 *   write   write at address 0 (no RAM, no device there): the same
 *   vbar    the same write with VBAR_EL1 where there is no RAM: the guest
 *           cannot take the abort, the domain is stopped
 *   vecloop a load where there is no RAM, with VBAR_EL1 on a vector
 *           table whose synchronous entry is that same load: the abort is
 *           delivered once, and the second one, at the vector entry it
 *           would go to again, stops the domain
 *   smc     an SMC to firmware (that is not the guest's to make): a SiP
 *           service call, not PSCI (PSCI over SMC is the guest's to make);
 *           the domain is stopped
 *   undef   a PMU register, which ID_AA64DFR0_EL1 says does not exist: an
 *           undefined instruction for the guest
 *   hvc     an unknown hypercall: must fail with HL_ENOSYS, not kill
 *   lines   write two lines with one HL_CONSOLE_WRITE: the hypervisor takes
 *           one line per call and says how much it took
 *   debug   program a hardware breakpoint: the debug registers are not the
 *           guest's (they would leak to the next domain on the CPU), so the
 *           write is ignored, the read gives 0, and the guest keeps running
 */
#include "guest.h"

#include <string.h>

/* A vector table (2 KiB aligned) whose entry for synchronous exceptions
 * from EL1h (+0x200) is the load of x1 from [x0] that faulted: with the
 * MMU off it runs from where it was written. */
static uint32_t vectors[512] __attribute__((aligned(2048)));

static void vecloop(void)
{
	static const uint32_t ldr_x1_x0 = 0xf9400001u;

	vectors[0x200 / 4] = ldr_x1_x0;
	__asm__ volatile("dsb sy\n\tic iallu\n\tdsb sy\n\tisb\n\t"
			 "msr vbar_el1, %0\n\tisb\n\t"
			 "mov x0, %1\n\tldr x1, [x0]"
			 :
			 : "r"(vectors), "r"(0x30000000ull)
			 : "x0", "x1", "memory");
}

int main(const void *fdt)
{
	char kind[16] = "ram";

	(void)fdt;
	guest_arg("fault", kind, sizeof(kind));
	gprintf("fault: about to fault (%s)\n", kind);
	if (strcmp(kind, "ram") == 0) {
		volatile uint64_t *p = (uint64_t *)(uintptr_t)(guest_ram_base() + guest_ram_size());
		gprintf("fault: read 0x%llx\n", (unsigned long long)*p);
	} else if (strcmp(kind, "write") == 0) {
		*(volatile uint64_t *)0 = 0xdead;
	} else if (strcmp(kind, "vbar") == 0) {
		__asm__ volatile("msr vbar_el1, %0\n\tisb" : : "r"(0x1000ull));
		*(volatile uint64_t *)0 = 0xdead;
	} else if (strcmp(kind, "vecloop") == 0) {
		vecloop();
	} else if (strcmp(kind, "smc") == 0) {
		__asm__ volatile("mov x0, #0xc2000000\n\tsmc #0" ::: "x0", "memory");
	} else if (strcmp(kind, "undef") == 0) {
		uint64_t v;
		/* PMCCNTR_EL0: the PMU is not the guest's. */
		__asm__ volatile("mrs %0, pmccntr_el0" : "=r"(v));
		gprintf("fault: pmccntr 0x%llx\n", (unsigned long long)v);
	} else if (strcmp(kind, "lines") == 0) {
		static const char two[] = "first line\nsecond line\n";
		int64_t took = hvc(HL_CONSOLE_WRITE, (uintptr_t)two, sizeof(two) - 1, 0).x0;
		gprintf("fault: a write of two lines took %lld bytes\n", (long long)took);
		return 0;
	} else if (strcmp(kind, "debug") == 0) {
		uint64_t v;
		__asm__ volatile("msr dbgbvr0_el1, %1\n\tisb\n\tmrs %0, dbgbvr0_el1"
				 : "=r"(v)
				 : "r"(0x40001234ull));
		gprintf("fault: DBGBVR0_EL1 reads 0x%llx after writing 0x40001234\n",
			(unsigned long long)v);
		return 0;
	} else if (strcmp(kind, "hvc") == 0) {
		struct hvc_result r = hvc(HL_CALL(0xFFF), 0, 0, 0);
		gprintf("fault: unknown hypercall returned %lld\n", (long long)r.x0);
		return 0;
	}
	gprintf("fault: still running after the fault\n");
	return 0;
}
