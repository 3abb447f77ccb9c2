/*
 * The emulated PL011 UART every domain finds at arch_guest_uart_base(): its
 * output goes to the domain's console line buffer, its input comes from
 * what the console gave this domain. No interrupts yet (the virtual
 * interrupt controller comes later): guests poll FR.
 */
#ifndef HV_VUART_H
#define HV_VUART_H

#include "core/types.h"

struct domain;

#define VUART_SIZE 0x1000

/* The registers a guest may write and read back (PL011 TRM, 3.2). */
struct vuart {
	uint32_t ilpr, ibrd, fbrd, lcrh, cr, ifls, imsc, dmacr;
};

void vuart_init(struct vuart *u);
/* A guest access at @offset of the UART page: @size bytes (1, 2, 4, 8);
 * on a read *@val is filled, on a write it is the value. */
void vuart_access(struct domain *d, uint64_t offset, unsigned size, bool write,
		  uint64_t *val);

#endif /* HV_VUART_H */
