/* Polled output on an Arm PL011 UART (the console of QEMU virt). */
#ifndef HV_PL011_H
#define HV_PL011_H

#include "core/types.h"

void pl011_putc(paddr_t base, char c);

#endif /* HV_PL011_H */
