/*
 * Polled PL011 output and input. The UART is used as the firmware left it (baud rate
 * and enables): the hypervisor only waits for room in the FIFO and writes.
 * Register offsets: Arm PL011 TRM (DDI 0183), section 3.2.
 */
#include "drivers/pl011.h"

#define UARTDR  0x000
#define UARTFR  0x018
#define FR_TXFF (1u << 5) /* transmit FIFO full */
#define FR_RXFE (1u << 4) /* receive FIFO empty */

static inline uint32_t rd(paddr_t base, unsigned off)
{
	return *(volatile uint32_t *)pa_ptr(pa_add(base, off));
}

void pl011_putc(paddr_t base, char c)
{
	while (rd(base, UARTFR) & FR_TXFF) {
	}
	*(volatile uint32_t *)pa_ptr(pa_add(base, UARTDR)) = (uint8_t)c;
}

int pl011_getc(paddr_t base)
{
	if (rd(base, UARTFR) & FR_RXFE) {
		return -1;
	}
	return (int)(rd(base, UARTDR) & 0xff);
}
