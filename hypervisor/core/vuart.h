/*
 * The emulated PL011 UART every domain finds at arch_guest_uart_base(): its
 * output goes to the domain's console line buffer, its input comes from
 * what the console gave this domain, and its interrupt output (receive,
 * receive timeout, transmit; masked by IMSC) drives the interrupt line the
 * architecture gives it (arch_guest_uart_irq: SPI 1, INTID 33, on arm64).
 */
#ifndef HV_VUART_H
#define HV_VUART_H

#include "core/spinlock.h"
#include "core/types.h"

struct domain;

#define VUART_SIZE 0x1000

/* The registers a guest may write and read back (PL011 TRM, 3.2). */
struct vuart_regs {
	uint32_t ilpr, ibrd, fbrd, lcrh, cr, ifls, imsc, dmacr;
};

struct vuart {
	struct spinlock lock; /* taken before the domain's console lock */
	struct vuart_regs r;
	bool irq; /* the level last given to the interrupt line */
};

void vuart_init(struct vuart *u);
/* A guest access at @offset of the UART page: @size bytes (1, 2, 4, 8);
 * on a read *@val is filled, on a write it is the value. */
void vuart_access(struct domain *d, uint64_t offset, unsigned size, bool write, uint64_t *val);
/* The console gave @d input (any context): the receive interrupt may rise. */
void vuart_input(struct domain *d);

#endif /* HV_VUART_H */
