/*
 * guest_arg(): one "key=value" word of the domain's bootargs, for the arm64
 * and the x86 runtimes alike (each gives its bootargs by guest_bootargs()
 * and declares this in its own guest.h).
 */
#include <string.h>

#include "guest.h"

bool guest_arg(const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	for (const char *p = guest_bootargs(); *p != '\0';) {
		while (*p == ' ') {
			p++;
		}
		const char *end = p;
		while (*end != '\0' && *end != ' ') {
			end++;
		}
		if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t n = (size_t)(end - p) - klen - 1;
			n = n < size - 1 ? n : size - 1;
			memcpy(buf, p + klen + 1, n);
			buf[n] = '\0';
			return true;
		}
		p = end;
	}
	return false;
}
