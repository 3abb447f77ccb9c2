/*
 * The other CPUs: found in the ACPI MADT (ACPI 6.4, 5.2.12.2: processor
 * local APIC entries, enabled ones), started with INIT and two STARTUP IPIs
 * at the real-mode trampoline (trampoline.S), copied to a page below 1 MiB
 * that platform.c chose and keeps out of the allocator. Each sets up its own
 * descriptor tables, local APIC and SVM, then joins the core.
 */
#include <string.h>

#include "core/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "svm.h"
#include "x86.h"

#define MADT_LAPIC         0
#define MADT_LAPIC_ENABLED 1u

struct trampoline_data {
	uint64_t cr3, stack, cpu, entry;
	uint32_t jmp32;
	uint16_t sel32, pad32;
	uint32_t jmp64;
	uint16_t sel64, pad64;
};
_Static_assert(sizeof(struct trampoline_data) == 48, "trampoline.S's data");

extern char x86_trampoline[], x86_trampoline_data[], x86_trampoline_end[];
extern char x86_tr32[], x86_tr64[], x86_tr_gdt[], x86_tr_gdt_ptr[];
extern char boot_pml4[];

/* The page below 1 MiB the other CPUs start in (platform.c chose it). */
static uint32_t trampoline_page;

void x86_smp_set_trampoline(uint32_t page)
{
	trampoline_page = page;
}

void x86_smp_probe(uint64_t *hwids, unsigned *n, unsigned max)
{
	uint32_t len, r[4];
	const uint8_t *madt = acpi_table("APIC", &len);

	cpuid(1, r);
	hwids[0] = r[1] >> 24; /* the boot CPU first */
	*n = 1;
	for (uint32_t off = 44; madt != NULL && off + 2 <= len;) {
		uint8_t type = madt[off], elen = madt[off + 1];
		if (elen < 2 || off + elen > len) {
			break;
		}
		if (type == MADT_LAPIC && elen >= 8) {
			uint32_t flags;
			memcpy(&flags, madt + off + 4, 4);
			uint8_t id = madt[off + 3];
			if ((flags & MADT_LAPIC_ENABLED) && id != hwids[0]) {
				if (*n == max) {
					printk("platform: more than %u CPUs: APIC id %u ignored\n",
					       max, id);
				} else {
					hwids[(*n)++] = id;
				}
			}
		}
		off += elen;
	}
}

noreturn void x86_secondary_entry(struct cpu *c);
noreturn void x86_secondary_entry(struct cpu *c)
{
	x86_cpu_init(c);
	x86_lapic_init();
	svm_cpu_init();
	hv_secondary_main();
}

int arch_cpu_start(struct cpu *c, paddr_t stack_top)
{
	uint8_t *page = (uint8_t *)(uintptr_t)trampoline_page;
	size_t size = (size_t)(x86_trampoline_end - x86_trampoline);
	uint32_t gdt = trampoline_page + (uint32_t)(x86_tr_gdt - x86_trampoline);
	struct trampoline_data d = {
		.cr3 = (uintptr_t)boot_pml4,
		.stack = pa_addr(stack_top),
		.cpu = (uintptr_t)c,
		.entry = (uintptr_t)x86_secondary_entry,
		.jmp32 = trampoline_page + (uint32_t)(x86_tr32 - x86_trampoline),
		.sel32 = 0x08,
		.jmp64 = trampoline_page + (uint32_t)(x86_tr64 - x86_trampoline),
		.sel64 = 0x18,
	};

	if (trampoline_page == 0) {
		return -1;
	}
	memcpy(page, x86_trampoline, size);
	memcpy(page + (x86_tr_gdt_ptr - x86_trampoline) + 2, &gdt, sizeof(gdt));
	memcpy(page + (x86_trampoline_data - x86_trampoline), &d, sizeof(d));
	x86_lapic_start_ap((uint32_t)c->hwid, trampoline_page >> 12);
	return 0;
}

void arch_cpu_kick(const struct cpu *c)
{
	x86_lapic_ipi((uint32_t)c->hwid, X86_KICK_VECTOR);
}
