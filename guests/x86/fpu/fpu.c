/*
 * The x86 FPU probe: its SSE register XMM0 must survive the turns of
 * other domains on the same CPU (the hypervisor switches each vCPU's
 * x87/SSE state). It puts a value of its own (from its domain id) in XMM0,
 * gives its turn away (HLT with interrupts enabled) again and again, and
 * after each turn reads XMM0 back: "fpu: xmm0 kept over N turns" if it
 * never changed, else the first value it found instead.
 */
#include "guest.h"

#define TURNS      40
#define CR0_EM     (1ull << 2)
#define CR0_TS     (1ull << 3)
#define CR4_OSFXSR (1ull << 9)

/* The guest is built without SSE: XMM0 is only ever used here. */
static void xmm0_write(uint64_t v)
{
	__asm__ volatile("movq %0, %%xmm0" ::"r"(v));
}

static uint64_t xmm0_read(void)
{
	uint64_t v;

	__asm__ volatile("movq %%xmm0, %0" : "=r"(v));
	return v;
}

static void sse_enable(void)
{
	uint64_t cr0, cr4;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0" ::"r"(cr0 & ~(CR0_EM | CR0_TS)));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4 | CR4_OSFXSR));
}

int main(const void *fdt)
{
	(void)fdt;
	uint64_t mine = 0x0123456789ABCDEFull ^ ((uint64_t)guest_domid() * 0x0101010101010101ull);

	sse_enable();
	xmm0_write(mine);
	for (unsigned i = 1; i <= TURNS; i++) {
		guest_idle();
		uint64_t now = xmm0_read();
		if (now != mine) {
			gprintf("fpu: xmm0 0x%llx after turn %u, not 0x%llx\n",
				(unsigned long long)now, i, (unsigned long long)mine);
			return 1;
		}
	}
	gprintf("fpu: xmm0 kept over %u turns\n", TURNS);
	guest_ready();
	return 0;
}
