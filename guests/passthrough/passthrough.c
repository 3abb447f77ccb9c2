/*
 * A bare-metal domain that drives a device passed through to it: the
 * PL061 GPIO its device tree names (compatible "arm,pl061", with its SPI).
 * It makes pin 0 an output whose level raises the PL061's level-sensitive
 * interrupt (QEMU's pl061_update computes the interrupt state from every
 * pin, outputs included), and takes that interrupt ROUNDS times. The first
 * time its handler leaves the line high: a level-sensitive interrupt must
 * come again after the end of interrupt (the hypervisor forwards it as a
 * hardware interrupt, whose deactivation the guest's EOI does), and the
 * handler clears it then. Lines:
 *
 *   passthrough: pl061 at 0xADDR, SPI N
 *   passthrough: N interrupts, the level one taken again: ok
 *   passthrough: no interrupt (... ) / no arm,pl061 in the device tree
 *
 * With bootargs "touch=0xADDR" it only reads that address (a device it was
 * not given: the hypervisor gives it an external abort, which the
 * runtime's vectors print, and it powers off).
 */
#include <stdlib.h>

#include "guest.h"

#define GPIODATA_PIN0 0x004 /* the masked data address of pin 0 */
#define GPIODIR       0x400
#define GPIOIS        0x404
#define GPIOIEV       0x40c
#define GPIOIE        0x410
#define GPIOMIS       0x418
#define GPIOIC        0x41c
#define ROUNDS        10
#define TIMEOUT_US    2000000

static uintptr_t gpio;
static unsigned intid;
static volatile unsigned taken, again, unexpected;

static uint32_t rd32(uintptr_t a)
{
	uint32_t v;
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static void wr32(uintptr_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static void on_irq(unsigned n)
{
	if (n != intid || (rd32(gpio + GPIOMIS) & 1) == 0) {
		unexpected++;
		return;
	}
	if (taken++ == 0) {
		return; /* the line stays high: it must come again */
	}
	if (taken == 2) {
		again = 1;
	}
	wr32(gpio + GPIODATA_PIN0, 0);
	wr32(gpio + GPIOIC, 1);
}


/* Raise the pin-0 interrupt: output high, level-sensitive, high active. */
static void raise(void)
{
	wr32(gpio + GPIODATA_PIN0, 1);
}

int main(const void *fdt)
{
	char arg[24];

	if (guest_arg("touch", arg, sizeof(arg))) {
		uintptr_t a = (uintptr_t)strtoul(arg, NULL, 0);
		gprintf("passthrough: reading 0x%llx\n", (unsigned long long)a);
		gprintf("passthrough: read 0x%x\n", rd32(a));
		return 0;
	}
	if (!guest_dt_spi_device(fdt, "arm,pl061", &gpio, &intid)) {
		gputs("passthrough: no arm,pl061 in the device tree\n");
		return 0;
	}
	gprintf("passthrough: pl061 at 0x%llx, SPI %u\n", (unsigned long long)gpio, intid - 32);
	/* Interrupt on high level of pin 0 (IEV before IS, or it latches at
	 * once), cleared, enabled; pin 0 an output. */
	wr32(gpio + GPIODIR, 1);
	wr32(gpio + GPIOIEV, 1);
	wr32(gpio + GPIOIS, 1);
	wr32(gpio + GPIOIC, 0xff);
	wr32(gpio + GPIOIE, 1);
	guest_irq_init(fdt, on_irq);
	guest_irq_enable_spi(intid);
	for (unsigned i = 0; i < ROUNDS - 1; i++) {
		unsigned want = i + 2; /* the first one comes twice */
		raise();
		guest_irq_wait(&taken, want, TIMEOUT_US);
		if (taken < want) {
			gprintf("passthrough: no interrupt (%u of %u taken)\n", taken, ROUNDS);
			return 0;
		}
	}
	gprintf("passthrough: %u interrupts, the level one taken again: %s\n", taken,
		again && unexpected == 0 ? "ok" : "FAILED");
	return 0;
}
