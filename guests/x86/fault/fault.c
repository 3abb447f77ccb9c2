/*
 * The x86 hostile guest: does the one thing its bootargs name (fault=WHAT),
 * which the hypervisor must answer by stopping this domain and nothing
 * else:
 *   io      OUT to port 0x80 (no port is granted)
 *   msr     RDMSR of MSR_APIC_BASE (no MSR but EFER is emulated)
 *   npf     a load from 512 MiB, outside its RAM (inside its own 1 GiB map) (a nested page fault)
 *   triple  an exception with no IDT: a triple fault (shutdown)
 *   svm     VMLOAD (SVM is not the guest's)
 *   invlpga INVLPGA of ASID 1 (it would drop another guest's TLB entries)
 *   ptr     HL_CONSOLE_WRITE of a buffer outside its RAM: the call fails
 *           with HL_EFAULT and the domain goes on
 *   spin    runs without a pause for 4e9 TSC ticks (about 1.5 s): the
 *           tick must take the CPU from it for the others
 * Anything else prints a line and powers off.
 */
#include <string.h>

#include "guest.h"

static bool is(const char *arg, const char *word)
{
	return strcmp(arg, word) == 0;
}

int main(const void *fdt)
{
	char what[16] = "";

	(void)fdt;
	guest_arg("fault", what, sizeof(what));

	if (is(what, "io")) {
		gprintf("fault: OUT to port 0x80\n");
		__asm__ volatile("outb %%al, $0x80" : : "a"(0));
	} else if (is(what, "msr")) {
		uint32_t lo, hi;
		gprintf("fault: RDMSR 0x1b\n");
		__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1B));
	} else if (is(what, "npf")) {
		gprintf("fault: load from 0x20000000\n");
		(void)*(volatile uint64_t *)0x20000000ull;
	} else if (is(what, "triple")) {
		static const struct {
			uint16_t limit;
			uint64_t base;
		} __attribute__((packed)) none = { 0, 0 };
		gprintf("fault: int3 with no IDT\n");
		__asm__ volatile("lidt %0; int3" : : "m"(none));
	} else if (is(what, "ptr")) {
		struct hvc_result r = hvc(HL_CONSOLE_WRITE, 0x20000000, 16, 0);
		gprintf("fault: console write from 0x20000000: %lld\n", (long long)r.x0);
	} else if (is(what, "spin")) {
		uint32_t lo, hi;
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		uint64_t t0 = (uint64_t)hi << 32 | lo, t = t0;
		while (t - t0 < 4000000000ull) {
			__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
			t = (uint64_t)hi << 32 | lo;
		}
		gprintf("fault: spun\n");
	} else if (is(what, "svm")) {
		gprintf("fault: VMLOAD\n");
		__asm__ volatile("vmload" : : "a"(0));
	} else if (is(what, "invlpga")) {
		gprintf("fault: INVLPGA\n");
		__asm__ volatile("invlpga" : : "a"(0), "c"(1));
	}
	gprintf("fault: returned from \"%s\"\n", what);
	return 0;
}
