/*
 * A small freestanding printf: the one formatter of the hypervisor, the guest
 * runtime and the LCM library's error messages. Supports %d %i %u %x %X %o
 * %c %s %p %% with flags '-' '0', a width, a precision for %s (also '*'), and
 * the length modifiers hh h l ll z. Always NUL-terminates when size > 0 and
 * returns the length the full output would have had, like C's snprintf.
 */
#ifndef HL_FMT_H
#define HL_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

int fmt_vsnprintf(char *buf, size_t size, const char *f, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));
/* @n bytes at @d as 2 * @n lowercase hex digits and a NUL, into @out. */
void fmt_hex(char *out, const uint8_t *d, size_t n);

#endif /* HL_FMT_H */
