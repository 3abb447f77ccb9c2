/*
 * libFuzzer target: arbitrary bytes as a binary policy (the LCM's
 * xsm-policy module, which the hypervisor validates before use). No input
 * may crash hl_policy_load() or read outside the blob; one it accepts must
 * keep the promises the decision relies on (every name a valid label,
 * every type found by its name), and deciding with it, for actors taken
 * from the input's last bytes, must not read outside it either.
 *
 * Built by tests/build.mk as build/fuzz/fuzz-policy; tests/fuzz/smoke.sh
 * runs it briefly on tests/fuzz/corpus-policy.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

static struct hl_policy p;

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[160], small[8];
	/* A copy of exactly @size bytes, so that ASan sees any read past it. */
	uint8_t *blob = malloc(size != 0 ? size : 1);

	memcpy(blob, data, size);
	const char *r = hl_policy_load(&p, blob, size, why, sizeof(why));
	check(r == NULL || (r == why && strlen(why) < sizeof(why)));
	check(hl_policy_load(&p, blob, size, small, sizeof(small)) == (r == NULL ? NULL : small));
	if (hl_policy_load(&p, blob, size, why, sizeof(why)) == NULL) {
		for (uint32_t t = 0; t < p.nr_types; t++) {
			const char *name = hl_policy_type_name(&p, t);
			check(hl_policy_valid_name(name, strlen(name)));
			check(hl_policy_label_type(&p, name) == (int)t);
		}
		uint32_t seed = size >= 4 ? (uint32_t)data[size - 1] << 8 | data[size - 2] : 0;
		struct hl_actor s = { seed % (p.nr_types + 1), seed * 2654435761u };
		struct hl_actor o = { (seed >> 3) % (p.nr_types + 1), ~s.attrs };
		for (unsigned cls = 0; cls <= HL_CLASS_END; cls++) {
			for (uint32_t perm = 1; perm != 0 && perm <= 0x8000; perm <<= 1) {
				hl_policy_allows(&p, &s, &o, cls, perm);
				hl_policy_allows(&p, &s, NULL, cls, perm);
			}
		}
	}
	free(blob);
	return 0;
}
