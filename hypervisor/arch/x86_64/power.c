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

static bool sum_ok(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;
	for (uint32_t i = 0; i < n; i++) {
		s = (uint8_t)(s + p[i]);
	}
	return s == 0;
}

/* The RSDP in the BIOS area (ACPI 6.4, 5.2.5.1): 0xE0000-0xFFFFF, 16-byte
 * steps. */
static const uint8_t *find_rsdp(void)
{
	for (uintptr_t a = 0xE0000; a < 0x100000; a += 16) {
		const uint8_t *p = (const uint8_t *)a;
		if (memcmp(p, "RSD PTR ", 8) == 0 && sum_ok(p, 20)) {
			return p;
		}
	}
	return NULL;
}

/* The FADT's PM1a_CNT_BLK (offset 64), through the RSDT; 0 when missing. */
static uint16_t pm1a_control(void)
{
	const uint8_t *rsdp = find_rsdp();
	uint32_t rsdt_pa, len;

	if (rsdp == NULL) {
		return 0;
	}
	memcpy(&rsdt_pa, rsdp + 16, 4);
	const uint8_t *rsdt = (const uint8_t *)(uintptr_t)rsdt_pa;
	memcpy(&len, rsdt + 4, 4);
	if (memcmp(rsdt, "RSDT", 4) != 0 || len < 36 || !sum_ok(rsdt, len)) {
		return 0;
	}
	for (uint32_t off = 36; off + 4 <= len; off += 4) {
		uint32_t t_pa, t_len, blk;
		memcpy(&t_pa, rsdt + off, 4);
		const uint8_t *t = (const uint8_t *)(uintptr_t)t_pa;
		memcpy(&t_len, t + 4, 4);
		if (memcmp(t, "FACP", 4) == 0 && t_len >= 68) {
			memcpy(&blk, t + 64, 4);
			return (uint16_t)blk;
		}
	}
	return 0;
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
