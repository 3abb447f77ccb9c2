/* Polled output and input on an Arm PL011 UART (the console of QEMU virt). */
#ifndef HV_PL011_H
#define HV_PL011_H

#include "core/types.h"

void pl011_putc(paddr_t base, char c);
/* A received byte, or -1 when the receive FIFO is empty. */
int pl011_getc(paddr_t base);

#endif /* HV_PL011_H */
