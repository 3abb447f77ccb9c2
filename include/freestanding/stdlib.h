/* stdlib.h for the freestanding binaries: only what libfdt needs. */
#ifndef HL_FREESTANDING_STDLIB_H
#define HL_FREESTANDING_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);

#endif
