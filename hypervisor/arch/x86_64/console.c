/*
 * The hypervisor's console: the 16550 UART at I/O port 0x3F8 (COM1),
 * 115200 8N1, polled.
 */
#include "core/arch.h"
#include "x86.h"

#define COM1     0x3F8
#define UART_THR 0 /* transmit holding (write), receive buffer (read) */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LCR_DLAB 0x80
#define LCR_8N1  0x03
#define LSR_DR   0x01 /* a byte was received */
#define LSR_THRE 0x20 /* the transmit holding register is empty */

void x86_uart_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + 0, 1); /* divisor 1: 115200 baud */
	outb(COM1 + 1, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0x07); /* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

void arch_console_init(const struct platform *p)
{
	(void)p; /* set up before the banner (x86_main) */
}

void arch_console_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE)) {
	}
	outb(COM1 + UART_THR, (uint8_t)c);
}

int arch_console_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DR)) {
		return -1;
	}
	return inb(COM1 + UART_THR);
}
