/*
 * The x86 UART test guest: its console through the emulated 16550 at COM1
 * (ports 0x3F8-0x3FF) instead of the hypercall. It sets the line up as a
 * driver does (divisor latch, 8N1, FIFOs), checks that the scratch and
 * divisor registers read back, writes its lines polling LSR.THRE, then
 * tries a string OUT (rep outsb), which only byte-wide IN and OUT may do:
 * the hypervisor stops it there.
 */
#include "guest.h"

#define COM1 0x3F8

static void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void com1_puts(const char *s)
{
	for (; *s != '\0'; s++) {
		while (!(inb(COM1 + 5) & 0x20)) {
			cpu_relax();
		}
		outb(COM1, (uint8_t)*s);
	}
}

int main(const void *fdt)
{
	(void)fdt;
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01);
	outb(COM1 + 1, 0x00);
	bool divisor = inb(COM1 + 0) == 0x01;
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0x07);
	outb(COM1 + 7, 0x5A);
	bool scratch = inb(COM1 + 7) == 0x5A;
	com1_puts("uart: hello through COM1\n");
	com1_puts(divisor && scratch ? "uart: registers ok\n" : "uart: registers WRONG\n");
	char outs[4];
	if (guest_arg("outs", outs, sizeof(outs))) {
		static const char msg[] = "abcd";
		__asm__ volatile("rep outsb" : : "S"(msg), "c"(4), "d"(COM1) : "memory");
		com1_puts("uart: rep outsb went through\n");
	}
	return 0;
}
