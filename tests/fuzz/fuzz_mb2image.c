/*
 * libFuzzer target: arbitrary bytes as an x86 guest image
 * (hypervisor/arch/x86_64/mb2image.c), which comes from an LCM module. No
 * input may crash it or read outside the bytes; an accepted image must
 * keep the promises of mb2image.h (a page-aligned load address, at least
 * the file's size), which abort here when broken.
 *
 * Built by tests/build.mk as build/fuzz/fuzz-mb2image; tests/fuzz/smoke.sh
 * runs it briefly on tests/fuzz/corpus-mb2image.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mb2image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly @size bytes: ASan sees any read past them. */
	uint8_t *img = malloc(size != 0 ? size : 1);
	uint64_t load = 1, need = 0;

	memcpy(img, data, size);
	const char *why = mb2_image_probe(img, size, &load, &need);
	if (why == NULL && (load % 4096 != 0 || need < size)) {
		abort();
	}
	if (why != NULL && strlen(why) == 0) {
		abort();
	}
	free(img);
	return 0;
}
