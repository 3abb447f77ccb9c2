/*
 * The x86 guest image format (mb2image.c).
 */
#ifndef X86_MB2IMAGE_H
#define X86_MB2IMAGE_H

#include <stdbool.h>
#include <stdint.h>

/* Check that @img (@size bytes) is an x86 guest image; on success its load
 * address (page aligned, also its entry) in *@load and the bytes it needs
 * from there (file and BSS, at least @size) in *@image_size and NULL, else
 * why not (a static string). */
const char *mb2_image_probe(const void *img, uint64_t size, uint64_t *load, uint64_t *image_size);

#endif /* X86_MB2IMAGE_H */
