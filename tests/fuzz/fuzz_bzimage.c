/*
 * libFuzzer target: arbitrary bytes as a Linux bzImage
 * (hypervisor/arch/x86_64/bzimage.c), which comes from an LCM module. No
 * input may crash it or read outside the bytes; an accepted image must
 * keep the promises of bzimage.h (its protected-mode part inside the file
 * and at or below 16 MiB, a page-aligned load offset, room for the whole
 * file), which abort here when broken.
 *
 * Built by tests/build.mk as build/fuzz/fuzz-bzimage; tests/fuzz/smoke.sh
 * runs it briefly on tests/fuzz/corpus-bzimage.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly @size bytes: ASan sees any read past them. */
	uint8_t *img = malloc(size != 0 ? size : 1);
	struct bzimage bz;

	memcpy(img, data, size);
	const char *why = bzimage_probe(img, size, &bz);
	if (why == NULL && (bz.setup_size >= size || bz.load_offset % 4096 != 0 ||
			    bz.load_offset + bz.setup_size > BZ_PM_ADDR ||
			    bz.image_size < size - bz.setup_size + (BZ_PM_ADDR - bz.load_offset))) {
		abort();
	}
	if (why != NULL && strlen(why) == 0) {
		abort();
	}
	free(img);
	return 0;
}
