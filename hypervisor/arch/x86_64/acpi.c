/*
 * ACPI tables, read-only: the RSDP in the BIOS area (ACPI 6.4, 5.2.5.1:
 * 0xE0000-0xFFFFF on 16-byte boundaries), its RSDT, and a table of the
 * RSDT by signature, each checked for its checksum.
 */
#include <string.h>

#include "x86.h"

static bool sum_ok(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;
	for (uint32_t i = 0; i < n; i++) {
		s = (uint8_t)(s + p[i]);
	}
	return s == 0;
}

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

const uint8_t *acpi_table(const char sig[4], uint32_t *len)
{
	const uint8_t *rsdp = find_rsdp();
	uint32_t rsdt_pa, rsdt_len;

	if (rsdp == NULL) {
		return NULL;
	}
	memcpy(&rsdt_pa, rsdp + 16, 4);
	const uint8_t *rsdt = (const uint8_t *)(uintptr_t)rsdt_pa;
	memcpy(&rsdt_len, rsdt + 4, 4);
	if (memcmp(rsdt, "RSDT", 4) != 0 || rsdt_len < 36 || !sum_ok(rsdt, rsdt_len)) {
		return NULL;
	}
	for (uint32_t off = 36; off + 4 <= rsdt_len; off += 4) {
		uint32_t t_pa;
		memcpy(&t_pa, rsdt + off, 4);
		const uint8_t *t = (const uint8_t *)(uintptr_t)t_pa;
		memcpy(len, t + 4, 4);
		if (memcmp(t, sig, 4) == 0 && *len >= 36 && sum_ok(t, *len)) {
			return t;
		}
	}
	return NULL;
}
