/*
 * The 16550 every x86 domain finds at I/O ports 0x3F8-0x3FF (COM1), the
 * one group of ports it is granted (svm.c): byte-wide IN and OUT, polled
 * (no interrupt: there is no virtual interrupt controller yet). Output goes
 * to the domain's console line, input comes from what the console gave the
 * domain. Registers as in the 16550 datasheet; with LCR.DLAB set, offsets 0
 * and 1 are the divisor latch.
 */
#include "core/console.h"
#include "core/domain.h"
#include "x86.h"

#define COM1      0x3F8
#define LCR_DLAB  0x80
#define LSR_DR    0x01
#define LSR_THRE  0x20
#define LSR_TEMT  0x40
#define IIR_NONE  0x01
#define MSR_LINES 0xB0 /* DCD, DSR, CTS: a line always ready */

bool x86_uart_port(uint16_t port)
{
	return port >= COM1 && port < COM1 + 8;
}

/* The registers that only hold what the guest wrote, at @off; NULL for
 * the others. */
static uint8_t *plain_reg(struct x86_uart *u, unsigned off)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (off) {
	case 0:
		return dlab ? &u->dll : NULL;
	case 1:
		return dlab ? &u->dlm : &u->ier;
	case 3:
		return &u->lcr;
	case 4:
		return &u->mcr;
	case 7:
		return &u->scr;
	default:
		return NULL;
	}
}

static void access(struct domain *d, struct x86_uart *u, unsigned off, bool write, uint8_t *val)
{
	uint8_t *r = plain_reg(u, off);

	if (r != NULL) {
		if (write) {
			*r = *val;
		} else {
			*val = *r;
		}
		return;
	}
	switch (off) {
	case 0: /* THR, RBR */
		if (write) {
			console_domain_write(d, (const char *)val, 1);
		} else {
			int c = console_domain_getc(d);
			*val = c < 0 ? 0 : (uint8_t)c;
		}
		break;
	case 2: /* FCR on write, IIR on read: no interrupt pending */
		if (write) {
			u->fcr = *val;
		} else {
			*val = IIR_NONE | ((u->fcr & 1) ? 0xC0 : 0);
		}
		break;
	case 5: /* LSR: the transmitter is always ready */
		if (!write) {
			*val = LSR_THRE | LSR_TEMT | (console_domain_has_input(d) ? LSR_DR : 0);
		}
		break;
	default: /* 6: MSR */
		if (!write) {
			*val = MSR_LINES;
		}
		break;
	}
}

void x86_uart_access(struct domain *d, struct x86_uart *u, uint16_t port, bool write, uint8_t *val)
{
	unsigned long flags = spin_lock_irqsave(&u->lock);

	access(d, u, port - COM1, write, val);
	spin_unlock_irqrestore(&u->lock, flags);
}
