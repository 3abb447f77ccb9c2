/*
 * ACPI tables, read-only: the RSDP (ACPI 6.4, 5.2.5), its XSDT (revision 2
 * and later) or RSDT, and a table of it by signature, each checked for its
 * checksum. The RSDP is the copy the loader handed over when it did (the
 * multiboot2 ACPI tags, 14 for ACPI 1.0's RSDP and 15 for the later one:
 * the only way to it under UEFI, where it is in the EFI configuration
 * table); else, under a BIOS, it is looked for in the BIOS area (5.2.5.1:
 * 0xE0000-0xFFFFF on 16-byte boundaries).
 */
#include <string.h>

#include "x86.h"

#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
/* Tables must be in the first 4 GiB, which the hypervisor maps (head.S). */
#define MAPPED_LIMIT (4ull << 30)

static const uint8_t *loader_rsdp;
static bool loader_efi;

void acpi_set_rsdp(const uint8_t *rsdp, bool efi)
{
	loader_rsdp = rsdp;
	loader_efi = efi;
}

static bool sum_ok(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;
	for (uint32_t i = 0; i < n; i++) {
		s = (uint8_t)(s + p[i]);
	}
	return s == 0;
}

static bool rsdp_ok(const uint8_t *p)
{
	if (memcmp(p, "RSD PTR ", 8) != 0 || !sum_ok(p, RSDP_V1_LEN)) {
		return false;
	}
	return p[15] < 2 || sum_ok(p, RSDP_V2_LEN);
}

static const uint8_t *find_rsdp(void)
{
	if (loader_rsdp != NULL) {
		return rsdp_ok(loader_rsdp) ? loader_rsdp : NULL;
	}
	if (loader_efi) {
		return NULL;
	}
	for (uintptr_t a = 0xE0000; a < 0x100000; a += 16) {
		const uint8_t *p = (const uint8_t *)a;
		if (rsdp_ok(p)) {
			return p;
		}
	}
	return NULL;
}

const char *acpi_rsdp_source(void)
{
	const uint8_t *rsdp = find_rsdp();

	if (rsdp == NULL) {
		return loader_rsdp != NULL ? "the loader's RSDP is invalid" : "none";
	}
	if (rsdp != loader_rsdp) {
		return "BIOS area";
	}
	return rsdp[15] >= 2 ? "the loader's (ACPI 2.0+, XSDT)" : "the loader's (ACPI 1.0, RSDT)";
}

/* The XSDT (8-byte entries) when the RSDP has one in reach, else the RSDT
 * (4-byte entries); NULL when neither checks out. */
static const uint8_t *root_table(const uint8_t *rsdp, uint32_t *len, unsigned *entry)
{
	uint64_t xsdt_pa = 0;
	uint32_t rsdt_pa;

	if (rsdp[15] >= 2) {
		memcpy(&xsdt_pa, rsdp + 24, 8);
	}
	if (xsdt_pa != 0 && xsdt_pa < MAPPED_LIMIT) {
		const uint8_t *x = (const uint8_t *)(uintptr_t)xsdt_pa;
		memcpy(len, x + 4, 4);
		if (memcmp(x, "XSDT", 4) == 0 && *len >= 36 && sum_ok(x, *len)) {
			*entry = 8;
			return x;
		}
	}
	memcpy(&rsdt_pa, rsdp + 16, 4);
	const uint8_t *r = (const uint8_t *)(uintptr_t)rsdt_pa;
	memcpy(len, r + 4, 4);
	if (rsdt_pa == 0 || memcmp(r, "RSDT", 4) != 0 || *len < 36 || !sum_ok(r, *len)) {
		return NULL;
	}
	*entry = 4;
	return r;
}

const uint8_t *acpi_table(const char sig[4], uint32_t *len)
{
	const uint8_t *rsdp = find_rsdp();
	uint32_t root_len;
	unsigned entry;

	if (rsdp == NULL) {
		return NULL;
	}
	const uint8_t *root = root_table(rsdp, &root_len, &entry);
	for (uint32_t off = 36; root != NULL && off + entry <= root_len; off += entry) {
		uint64_t t_pa = 0;
		memcpy(&t_pa, root + off, entry);
		if (t_pa == 0 || t_pa >= MAPPED_LIMIT) {
			continue;
		}
		const uint8_t *t = (const uint8_t *)(uintptr_t)t_pa;
		memcpy(len, t + 4, 4);
		if (memcmp(t, sig, 4) == 0 && *len >= 36 && sum_ok(t, *len)) {
			return t;
		}
	}
	return NULL;
}
