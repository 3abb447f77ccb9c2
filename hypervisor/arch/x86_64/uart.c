/*
 * The 16550 every x86 domain finds at I/O ports 0x3F8-0x3FF (COM1), the
 * one group of ports it is granted (svm.c): byte-wide IN and OUT. Its
 * interrupt output (16550 datasheet: IER, IIR, MCR OUT2 gating the line as
 * on a PC) is wired to IRQ 4 of a Linux domain's PIC (linuxpc.c); other
 * guests poll it. The transmitter is always empty, so the THR-empty
 * interrupt is pending once enabled or after each byte, until IIR reports
 * it. Output goes
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
#define IIR_THRE  0x02
#define IIR_RDA   0x04
#define IER_RDA   0x01
#define IER_THRE  0x02
#define MCR_OUT2  0x08
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
		return dlab ? &u->dlm : NULL;
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
	case 1: /* IER (DLM with DLAB, above) */
		if (!write) {
			*val = u->ier;
			break;
		}
		if ((*val & IER_THRE) && !(u->ier & IER_THRE)) {
			u->thre = true;
		}
		u->ier = *val & 0x0F;
		break;
	case 0: /* THR, RBR */
		if (write) {
			console_domain_write(d, (const char *)val, 1);
			u->thre = true;
		} else {
			int c = console_domain_getc(d);
			*val = c < 0 ? 0 : (uint8_t)c;
		}
		break;
	case 2: /* FCR on write, IIR on read: the highest interrupt pending */
		if (write) {
			u->fcr = *val;
			break;
		}
		*val = (u->fcr & 1) ? 0xC0 : 0;
		if ((u->ier & IER_RDA) && console_domain_has_input(d)) {
			*val |= IIR_RDA;
		} else if ((u->ier & IER_THRE) && u->thre) {
			*val |= IIR_THRE;
			u->thre = false; /* reading IIR clears it */
		} else {
			*val |= IIR_NONE;
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

bool x86_uart_irq(struct domain *d, struct x86_uart *u)
{
	unsigned long flags = spin_lock_irqsave(&u->lock);
	bool level = (u->mcr & MCR_OUT2) && (((u->ier & IER_RDA) && console_domain_has_input(d)) ||
					     ((u->ier & IER_THRE) && u->thre));

	spin_unlock_irqrestore(&u->lock, flags);
	return level;
}
