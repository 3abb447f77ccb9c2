/*
 * Power off and reset. Power off is the ACPI sleep state S5: SLP_TYPa and
 * SLP_EN written to the PM1a control block the FADT names (ACPI 6.4,
 * 4.8.3.2.1 and 5.2.9). SLP_TYPa is the \_S5 package's first value, which
 * lives in AML the hypervisor does not interpret: it is 0 on the QEMU PC
 * machines this port runs on. Reset is the PCI reset control register at
 * 0xCF9 (PIIX3/ICH), then a triple fault.
 */
#include <string.h>

#include "core/arch.h"
#include "core/console.h"
#include "x86.h"

#define SLP_EN            (1u << 13)
#define S5_SLP_TYP        0
#define RESET_CONTROL     0xCF9
#define POWER_OFF_WAIT_NS (1000ull * 1000 * 1000)

/* The FADT's PM1a_CNT_BLK (offset 64); 0 when there is none. */
static uint16_t pm1a_control(void)
{
	uint32_t len, blk;
	const uint8_t *fadt = acpi_table("FACP", &len);

	if (fadt == NULL || len < 68) {
		return 0;
	}
	memcpy(&blk, fadt + 64, 4);
	return (uint16_t)blk;
}

noreturn void arch_power_off(void)
{
	uint16_t pm1a = pm1a_control();

	arch_irq_disable();
	if (pm1a != 0) {
		outw(pm1a, S5_SLP_TYP << 10 | SLP_EN);
		/* The chipset takes a moment to act on it. */
		uint64_t deadline = arch_time_ns() + POWER_OFF_WAIT_NS;
		while (arch_time_ns() < deadline) {
			arch_cpu_relax();
		}
	}
	printk("x86: power off did not happen (PM1a control block 0x%x): halted\n", pm1a);
	for (;;) {
		__asm__ volatile("hlt");
	}
}

noreturn void arch_reboot(void)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) no_idt = { 0, 0 };

	arch_irq_disable();
	outb(RESET_CONTROL, 0x02);
	outb(RESET_CONTROL, 0x06);
	/* No IDT: the next exception is a triple fault, which resets. */
	__asm__ volatile("lidt %0; int3" : : "m"(no_idt));
	for (;;) {
	}
}
