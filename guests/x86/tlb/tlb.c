/*
 * The x86 TLB probe: two of them on one CPU run the same image at the same
 * guest-physical (and, identity-mapped, guest-virtual) addresses, which
 * nested paging maps to different memory. Each fills a few pages with a
 * value of its own (from its domain id), then again and again reads them
 * all (so their translations are in the TLB), gives its turn away (HLT
 * with interrupts enabled) and reads them back: "tlb: N pages kept over M
 * turns" if it only ever saw its own value, else the first other value it
 * found. A translation left from the other domain's turn (the same ASID
 * without a flush) would show the other's pages.
 */
#include "guest.h"

#define TURNS 60
#define PAGES 8
#define WORDS (PAGES * 4096 / 8)

static uint64_t cells[WORDS] __attribute__((aligned(4096)));

/* The first word of @cells that is not @mine, or WORDS. */
static unsigned first_other(uint64_t mine)
{
	volatile uint64_t *c = cells;

	for (unsigned i = 0; i < WORDS; i++) {
		if (c[i] != mine) {
			return i;
		}
	}
	return WORDS;
}

int main(const void *fdt)
{
	(void)fdt;
	uint64_t mine = 0x7AB1E000000000ull | guest_domid();

	for (unsigned i = 0; i < WORDS; i++) {
		cells[i] = mine;
	}
	for (unsigned turn = 1; turn <= TURNS; turn++) {
		unsigned at = first_other(mine);
		if (at == WORDS) {
			guest_idle();
			at = first_other(mine);
		}
		if (at != WORDS) {
			gprintf("tlb: page %u word %u is 0x%llx after turn %u, not 0x%llx\n",
				at / 512, at % 512, (unsigned long long)cells[at], turn,
				(unsigned long long)mine);
			return 1;
		}
	}
	gprintf("tlb: %u pages kept over %u turns\n", PAGES, TURNS);
	guest_ready();
	return 0;
}
