/*
 * The emulated PL011 (Arm PrimeCell UART, TRM DDI 0183, section 3.2), one
 * per domain, described by a table of registers: what a read returns and
 * what a write does. Enough for Linux's amba-pl011 driver and earlycon and
 * for the bare-metal guests: transmit is always ready (FR.TXFE, never TXFF
 * or BUSY: the console path spins on BUSY, the tty path writes until TXFF),
 * receive shows what the console gave this domain. The configuration
 * registers store what is written and read it back (Linux's console setup
 * divides by IBRD/FBRD when CR.UARTEN reads 1). Offsets not in the table
 * read as zero and ignore writes, as reserved PL011 registers do.
 *
 * Interrupts (TRM 3.4): the receive and receive-timeout interrupts are
 * raised while input waits (the receive FIFO is never below its trigger
 * level for long here: the guest drains it in one go), the transmit
 * interrupt always (the transmitter is always empty); IMSC masks them, MIS
 * shows what is left, and the line (UARTINTR) is high while MIS is not 0.
 * Nothing latches, so ICR has nothing to clear: reading DR until FR.RXFE is
 * what lowers the receive interrupts, as Linux's amba-pl011 driver does.
 * After every access, and when input arrives, the line's level is given to
 * the architecture's interrupt controller if it changed.
 *
 * Lock order: the UART's lock, then the domain's console lock (DR reads and
 * writes), and the interrupt controller's locks (arch_guest_uart_irq). The
 * lock orders a guest's register accesses against input arriving on the
 * tick, so the level given last is the level now. Taken with interrupts
 * masked.
 */
#include "core/arch.h"
#include "core/console.h"
#include "core/domain.h"
#include "core/vuart.h"

#define FR_RXFE (1u << 4)
#define FR_TXFE (1u << 7)
#define INT_RX  (1u << 4) /* RIS/MIS/IMSC/ICR bits */
#define INT_TX  (1u << 5)
#define INT_RT  (1u << 6)

enum vuart_kind {
	VU_DATA,  /* DR: read pops input, write prints */
	VU_FLAGS, /* FR: computed */
	VU_STORE, /* read back what was written (masked) */
	VU_RIS,   /* raw interrupt status: computed */
	VU_MIS,   /* masked interrupt status: computed */
	VU_ZERO,  /* reads 0, writes ignored (RSR/ECR, ICR) */
	VU_ID,    /* read-only identification byte */
};

struct vuart_reg {
	uint16_t offset;
	uint8_t kind;   /* enum vuart_kind */
	uint8_t field;  /* VU_STORE: index into struct vuart */
	uint32_t value; /* VU_STORE: writable bits; VU_ID: the byte */
};

/* struct vuart_regs as an array, for VU_STORE's field index. */
enum { F_ILPR, F_IBRD, F_FBRD, F_LCRH, F_CR, F_IFLS, F_IMSC, F_DMACR };
static_assert(sizeof(struct vuart_regs) == 8 * sizeof(uint32_t), "vuart fields");

static const struct vuart_reg regs[] = {
	{ 0x000, VU_DATA, 0, 0 },            /* UARTDR */
	{ 0x004, VU_ZERO, 0, 0 },            /* UARTRSR/ECR: no errors */
	{ 0x018, VU_FLAGS, 0, 0 },           /* UARTFR */
	{ 0x020, VU_STORE, F_ILPR, 0xff },   /* UARTILPR */
	{ 0x024, VU_STORE, F_IBRD, 0xffff }, /* UARTIBRD */
	{ 0x028, VU_STORE, F_FBRD, 0x3f },   /* UARTFBRD */
	{ 0x02c, VU_STORE, F_LCRH, 0xff },   /* UARTLCR_H */
	{ 0x030, VU_STORE, F_CR, 0xffff },   /* UARTCR */
	{ 0x034, VU_STORE, F_IFLS, 0x3f },   /* UARTIFLS */
	{ 0x038, VU_STORE, F_IMSC, 0x7ff },  /* UARTIMSC */
	{ 0x03c, VU_RIS, 0, 0 },             /* UARTRIS */
	{ 0x040, VU_MIS, 0, 0 },             /* UARTMIS */
	{ 0x044, VU_ZERO, 0, 0 },            /* UARTICR: nothing latches */
	{ 0x048, VU_STORE, F_DMACR, 0x7 },   /* UARTDMACR */
	/* PL011 r1p5 identification, as QEMU's own PL011 (amba bus probing). */
	{ 0xfe0, VU_ID, 0, 0x11 },
	{ 0xfe4, VU_ID, 0, 0x10 },
	{ 0xfe8, VU_ID, 0, 0x14 },
	{ 0xfec, VU_ID, 0, 0x00 },
	{ 0xff0, VU_ID, 0, 0x0d },
	{ 0xff4, VU_ID, 0, 0xf0 },
	{ 0xff8, VU_ID, 0, 0x05 },
	{ 0xffc, VU_ID, 0, 0xb1 },
};

void vuart_init(struct vuart *u)
{
	/* Reset values (TRM 3.2): transmit and receive enabled, FIFO level
	 * half way, every interrupt masked. */
	*u = (struct vuart){ .r = { .cr = 0x300, .ifls = 0x12 } };
}

static uint32_t *field(struct vuart *u, unsigned f)
{
	return &((uint32_t *)&u->r)[f];
}

static uint32_t raw_status(struct domain *d)
{
	return INT_TX | (console_domain_has_input(d) ? INT_RX | INT_RT : 0);
}

/* With the UART's lock held. */
static void update_irq(struct domain *d)
{
	bool level = (raw_status(d) & d->vuart.r.imsc) != 0;

	if (level != d->vuart.irq) {
		d->vuart.irq = level;
		arch_guest_uart_irq(d, level);
	}
}

static uint32_t reg_read(struct domain *d, const struct vuart_reg *r)
{
	switch ((enum vuart_kind)r->kind) {
	case VU_DATA: {
		int ch = console_domain_getc(d);
		return ch < 0 ? 0 : (uint32_t)ch;
	}
	case VU_FLAGS:
		return FR_TXFE | (console_domain_has_input(d) ? 0 : FR_RXFE);
	case VU_STORE:
		return *field(&d->vuart, r->field);
	case VU_RIS:
		return raw_status(d);
	case VU_MIS:
		return raw_status(d) & d->vuart.r.imsc;
	case VU_ZERO:
		return 0;
	case VU_ID:
		return r->value;
	}
	return 0;
}

static void reg_write(struct domain *d, const struct vuart_reg *r, uint32_t v)
{
	switch ((enum vuart_kind)r->kind) {
	case VU_DATA: {
		char ch = (char)(v & 0xff);
		console_domain_write(d, &ch, 1);
		break;
	}
	case VU_STORE:
		*field(&d->vuart, r->field) = v & r->value;
		break;
	case VU_FLAGS:
	case VU_RIS:
	case VU_MIS:
	case VU_ZERO:
	case VU_ID:
		break; /* read-only or nothing to do */
	}
}

void vuart_access(struct domain *d, uint64_t offset, unsigned size, bool write, uint64_t *val)
{
	/* Registers are 32 bits wide at word offsets; a narrower access reads
	 * or writes the low bytes (Linux uses 8-bit and 32-bit accesses). */
	uint64_t reg = offset & ~3ull;
	unsigned shift = (unsigned)(offset & 3) * 8;
	unsigned long flags = arch_irq_save();

	if (!write) {
		*val = 0;
	}
	spin_lock(&d->vuart.lock);
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
		if (regs[i].offset != reg) {
			continue;
		}
		if (write) {
			reg_write(d, &regs[i], (uint32_t)(*val << shift));
		} else {
			uint64_t v = reg_read(d, &regs[i]) >> shift;
			*val = size >= 4 ? v : v & ((1ull << (size * 8)) - 1);
		}
		break;
	}
	update_irq(d);
	spin_unlock(&d->vuart.lock);
	arch_irq_restore(flags);
}

void vuart_input(struct domain *d)
{
	unsigned long flags = arch_irq_save();

	spin_lock(&d->vuart.lock);
	update_irq(d);
	spin_unlock(&d->vuart.lock);
	arch_irq_restore(flags);
}
