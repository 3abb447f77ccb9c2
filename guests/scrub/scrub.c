/*
 * Scrubbing, seen from a guest (tests/security/ram-zeroed.sh and
 * reclaim-scrubbed.sh). bootargs, in this order:
 *
 *   check=1       every word of this domain's RAM past its image, but its
 *                 device tree, must read zero: the hypervisor zeroes guest
 *                 RAM before the guest gets it, whatever was there
 *   mark=WORD     fill that RAM with WORD spelled backwards, over and over
 *                 (backwards: WORD itself is in the LCM and the guest's
 *                 device tree, so only this fill puts the reversed form in
 *                 memory, and a test can look for it in a dump)
 *   hold=MS       then wait MS milliseconds (a test dumps memory meanwhile)
 *   done=1        then say HL_BOOT_DONE (as a Boot Domain)
 *   past=1        then the end of RAM: an HL_CONSOLE_WRITE of 8 bytes of
 *                 which 4 lie past it (must fail, HL_EFAULT), then a read
 *                 of the first word past it (must fault: the guest's
 *                 exception handler reports it and powers off)
 *
 * Else it powers off.
 */
#include <libfdt.h>

#include "guest.h"

static uint64_t counter(void)
{
	uint64_t t;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
	return t;
}

static uint64_t number(const char *p)
{
	uint64_t n = 0;

	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (uint64_t)(*p - '0');
	}
	return n;
}

/* This domain's RAM past its image, in at most two ranges: the device
 * tree (which the runtime reads bootargs from) is left out. */
struct span {
	uint64_t start, end;
};

static unsigned free_ram(const void *fdt, struct span out[2])
{
	uint64_t start = (guest_image_end() + 4095) & ~4095ull;
	uint64_t end = guest_ram_base() + guest_ram_size();
	uint64_t dt = (uintptr_t)fdt & ~4095ull;
	uint64_t dt_end = ((uintptr_t)fdt + fdt_totalsize(fdt) + 4095) & ~4095ull;
	unsigned n = 0;

	if (dt >= end || dt_end <= start) {
		out[n++] = (struct span){ start, end };
		return n;
	}
	if (dt > start) {
		out[n++] = (struct span){ start, dt };
	}
	if (dt_end < end) {
		out[n++] = (struct span){ dt_end, end };
	}
	return n;
}

int main(const void *fdt)
{
	char arg[40];
	struct span ram[2];
	unsigned nr = free_ram(fdt, ram);
	uint64_t kib = 0;

	for (unsigned r = 0; r < nr; r++) {
		kib += (ram[r].end - ram[r].start) >> 10;
	}
	if (guest_arg("check", arg, sizeof(arg))) {
		uint64_t bad = 0, first = 0, value = 0;
		for (unsigned r = 0; r < nr; r++) {
			for (uint64_t a = ram[r].start; a < ram[r].end; a += 8) {
				uint64_t got = *(volatile uint64_t *)a;
				if (got != 0 && bad++ == 0) {
					first = a;
					value = got;
				}
			}
		}
		if (bad == 0) {
			gprintf("scrub: %llu KiB read zero\n", (unsigned long long)kib);
		} else {
			gprintf("scrub: FAIL: %llu words of %llu KiB are not zero, the first at 0x%llx: 0x%llx\n",
				(unsigned long long)bad, (unsigned long long)kib,
				(unsigned long long)first, (unsigned long long)value);
		}
	}
	if (guest_arg("mark", arg, sizeof(arg)) && arg[0] != '\0') {
		/* 64 bytes of the reversed word, repeated: written a word at a
		 * time, the block is the same at every 64-byte boundary. */
		union {
			uint8_t b[64];
			uint64_t w[8];
		} block;
		size_t n = 0, i;
		while (arg[n] != '\0') {
			n++;
		}
		for (i = 0; i < sizeof(block.b); i++) {
			block.b[i] = (uint8_t)arg[n - 1 - i % n];
		}
		for (unsigned r = 0; r < nr; r++) {
			for (uint64_t a = ram[r].start; a + 64 <= ram[r].end; a += 64) {
				for (i = 0; i < 8; i++) {
					((volatile uint64_t *)a)[i] = block.w[i];
				}
			}
		}
		gprintf("scrub: filled %llu KiB with the mark\n", (unsigned long long)kib);
		gprintf("scrub: holding\n");
	}
	if (guest_arg("hold", arg, sizeof(arg))) {
		uint64_t ms = number(arg), t0 = counter(), freq;
		__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
		while (counter() - t0 < ms * freq / 1000) {
			cpu_relax();
		}
	}
	if (guest_arg("done", arg, sizeof(arg))) {
		struct hvc_result r = hvc(HL_BOOT_DONE, 0, 0, 0);
		gprintf("scrub: boot done refused: %s\n", hl_strerror(r.x0));
	}
	if (guest_arg("past", arg, sizeof(arg))) {
		uint64_t ram_end = guest_ram_base() + guest_ram_size();
		struct hvc_result r = hvc(HL_CONSOLE_WRITE, ram_end - 4, 8, 0);
		gprintf("scrub: console write across the end of RAM: %s\n", hl_strerror(r.x0));
		gprintf("scrub: reading 0x%llx, past the end of RAM\n",
			(unsigned long long)ram_end);
		uint64_t got = *(volatile uint64_t *)ram_end;
		gprintf("scrub: FAIL: read 0x%llx past the end of RAM\n", (unsigned long long)got);
	}
	return 0;
}
