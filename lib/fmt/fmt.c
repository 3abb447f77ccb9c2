/*
 * Freestanding snprintf (see fmt.h). No floating point, no locale, no
 * allocation: safe at EL2 before the MMU is on.
 */
#include "fmt.h"

#include <stdint.h>
#include <stdbool.h>

struct out {
	char *buf;
	size_t size;
	size_t len; /* characters the full output has so far */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size) {
		o->buf[o->len] = c;
	}
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0) {
		put(o, c);
	}
}

struct spec {
	bool left;
	bool zero;
	int width;
	int prec; /* -1: none */
};

static void put_str(struct out *o, const struct spec *s, const char *str)
{
	size_t n = 0;

	if (str == NULL) {
		str = "(null)";
	}
	while ((s->prec < 0 || n < (size_t)s->prec) && str[n] != '\0') {
		n++;
	}
	if (!s->left) {
		pad(o, ' ', s->width - (int)n);
	}
	for (size_t i = 0; i < n; i++) {
		put(o, str[i]);
	}
	if (s->left) {
		pad(o, ' ', s->width - (int)n);
	}
}

static void put_num(struct out *o, const struct spec *s, uint64_t v, bool neg, unsigned base,
		    bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	int plen = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	if (neg) {
		prefix = "-";
	}
	if (prefix != NULL) {
		while (prefix[plen] != '\0') {
			plen++;
		}
	}
	int fill = s->width - n - plen;
	if (!s->left && !s->zero) {
		pad(o, ' ', fill);
	}
	for (int i = 0; i < plen; i++) {
		put(o, prefix[i]);
	}
	if (!s->left && s->zero) {
		pad(o, '0', fill);
	}
	while (n > 0) {
		put(o, tmp[--n]);
	}
	if (s->left) {
		pad(o, ' ', fill);
	}
}

int fmt_vsnprintf(char *buf, size_t size, const char *f, va_list ap)
{
	struct out o = { buf, size, 0 };

	while (*f != '\0') {
		if (*f != '%') {
			put(&o, *f++);
			continue;
		}
		f++;
		struct spec s = { false, false, 0, -1 };
		for (;; f++) {
			if (*f == '-') {
				s.left = true;
			} else if (*f == '0') {
				s.zero = true;
			} else {
				break;
			}
		}
		if (*f == '*') {
			s.width = va_arg(ap, int);
			if (s.width < 0) { /* C11 7.21.6.1p5 */
				s.left = true;
				s.width = -s.width;
			}
			f++;
		}
		while (*f >= '0' && *f <= '9') {
			s.width = s.width * 10 + (*f++ - '0');
		}
		if (*f == '.') {
			f++;
			s.prec = 0;
			if (*f == '*') {
				s.prec = va_arg(ap, int);
				f++;
			}
			while (*f >= '0' && *f <= '9') {
				s.prec = s.prec * 10 + (*f++ - '0');
			}
		}
		int lng = 0;  /* 0 int, 1 long, 2 long long, 3 size_t */
		int shrt = 0; /* 1 h (short), 2 hh (char) */
		while (*f == 'l' || *f == 'h' || *f == 'z') {
			if (*f == 'l') {
				lng++;
			} else if (*f == 'h') {
				shrt++;
			} else {
				lng = 3;
			}
			f++;
		}
		char c = *f++;
		uint64_t u;
		int64_t i;
		switch (c) {
		case 'd':
		case 'i':
			i = lng == 0   ? va_arg(ap, int)
			    : lng == 1 ? va_arg(ap, long)
			    : lng == 3 ? (int64_t)va_arg(ap, size_t)
				       : va_arg(ap, long long);
			if (shrt != 0 && lng == 0) {
				i = shrt == 1 ? (short)i : (signed char)i;
			}
			put_num(&o, &s, i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i, i < 0, 10,
				false, NULL);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng == 0   ? va_arg(ap, unsigned int)
			    : lng == 1 ? va_arg(ap, unsigned long)
			    : lng == 3 ? va_arg(ap, size_t)
				       : va_arg(ap, unsigned long long);
			if (shrt != 0 && lng == 0) {
				u = shrt == 1 ? (unsigned short)u : (unsigned char)u;
			}
			put_num(&o, &s, u, false,
				c == 'u'   ? 10
				: c == 'o' ? 8
					   : 16,
				c == 'X', NULL);
			break;
		case 'p':
			put_num(&o, &s, (uintptr_t)va_arg(ap, void *), false, 16, false, "0x");
			break;
		case 'c':
			/* Not through put_str: a NUL character is output too. */
			if (!s.left) {
				pad(&o, ' ', s.width - 1);
			}
			put(&o, (char)va_arg(ap, int));
			if (s.left) {
				pad(&o, ' ', s.width - 1);
			}
			break;
		case 's':
			put_str(&o, &s, va_arg(ap, const char *));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--; /* a lone '%' at the end: stop */
			break;
		default:
			put(&o, '%');
			put(&o, c);
			break;
		}
	}
	if (size > 0) {
		buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	int n = fmt_vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n;
}

void fmt_hex(char *out, const uint8_t *d, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}
