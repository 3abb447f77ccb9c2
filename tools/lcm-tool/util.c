/*
 * lcm-tool utilities: diagnostics in compiler style (FILE:LINE:COL: error:),
 * files, SHA-256 through OpenSSL's libcrypto, sizes and "did you mean".
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lcm-tool.h"

const char *lt_prog = "lcm-tool";
unsigned lt_nr_errors;

static void vreport(const struct lt_loc *loc, const char *kind, const char *fmt, va_list ap)
{
	if (loc != NULL && loc->file != NULL) {
		if (loc->line > 0) {
			fprintf(stderr, "%s:%d:%d: ", loc->file, loc->line, loc->col);
		} else {
			fprintf(stderr, "%s: ", loc->file);
		}
	} else {
		fprintf(stderr, "%s: ", lt_prog);
	}
	fprintf(stderr, "%s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void lt_error(const struct lt_loc *loc, const char *fmt, ...)
{
	va_list ap;

	lt_nr_errors++;
	va_start(ap, fmt);
	vreport(loc, "error", fmt, ap);
	va_end(ap);
}

void lt_warning(const struct lt_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(loc, "warning", fmt, ap);
	va_end(ap);
}

void lt_fatal_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", lt_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void *lt_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	if (f == NULL) {
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return NULL;
	}
	size_t n = (size_t)st.st_size;
	void *buf = malloc(n > 0 ? n : 1);
	if (buf == NULL || fread(buf, 1, n, f) != n) {
		int e = errno ? errno : EIO;
		free(buf);
		fclose(f);
		errno = e;
		return NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

bool lt_write_file(const char *path, const void *data, size_t size, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0) {
		return false;
	}
	const char *p = data;
	while (size > 0) {
		ssize_t w = write(fd, p, size);
		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			close(fd);
			return false;
		}
		p += w;
		size -= (size_t)w;
	}
	return close(fd) == 0;
}

void lt_sha256(const void *data, size_t size, uint8_t out[LCM_SHA256_SIZE])
{
	unsigned int len = LCM_SHA256_SIZE;

	if (EVP_Digest(data, size, out, &len, EVP_sha256(), NULL) != 1) {
		lt_fatal_usage("libcrypto could not compute SHA-256");
	}
}

/* Parse "<digits><unit>"; unit K/M/G/T with optional "iB"/"B". */
static bool parse_size(const char *s, uint64_t *value, int *shift)
{
	char *end;

	if (!isdigit((unsigned char)s[0])) {
		return false;
	}
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0) {
		return false;
	}
	*shift = -1; /* no unit */
	switch (toupper((unsigned char)*end)) {
	case 'K':
		*shift = 10;
		end++;
		break;
	case 'M':
		*shift = 20;
		end++;
		break;
	case 'G':
		*shift = 30;
		end++;
		break;
	case 'T':
		*shift = 40;
		end++;
		break;
	default:
		break;
	}
	if (*shift >= 0) {
		if (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0) {
			end += strlen(end);
		}
		if (v > (UINT64_MAX >> *shift)) {
			return false;
		}
	}
	if (*end != '\0') {
		return false;
	}
	*value = v;
	return true;
}

bool lt_parse_size_kib(const char *s, uint64_t *kib)
{
	uint64_t v;
	int shift;

	if (!parse_size(s, &v, &shift)) {
		return false;
	}
	if (shift < 0 || shift == 10) {
		*kib = v;
		return true;
	}
	*kib = v << (shift - 10);
	return true;
}

bool lt_parse_size_bytes(const char *s, uint64_t *bytes)
{
	uint64_t v;
	int shift;

	if (!parse_size(s, &v, &shift)) {
		return false;
	}
	*bytes = shift < 0 ? v : v << shift;
	return true;
}

void lt_size_str(uint64_t bytes, char *out, size_t size)
{
	if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0) {
		snprintf(out, size, "%llu GiB", (unsigned long long)(bytes >> 30));
	} else if (bytes >= (1ull << 20) && bytes % (1ull << 20) == 0) {
		snprintf(out, size, "%llu MiB", (unsigned long long)(bytes >> 20));
	} else if (bytes >= 1024 && bytes % 1024 == 0) {
		snprintf(out, size, "%llu KiB", (unsigned long long)(bytes >> 10));
	} else {
		snprintf(out, size, "%llu B", (unsigned long long)bytes);
	}
}

bool lt_is_json(const char *path)
{
	size_t n = strlen(path);

	return n >= 5 && strcmp(path + n - 5, ".json") == 0;
}

/* NN-BASENAME, the basename's bytes other than [A-Za-z0-9._+-] made "_":
 * the name goes unquoted into run-qemu, grub.cfg and boot.cmd. */
void lt_module_name(const struct lt_config *c, size_t i, char *out, size_t size)
{
	const char *base = strrchr(c->files[i].path, '/');

	snprintf(out, size, "%02zu-%s", i, base != NULL ? base + 1 : c->files[i].path);
	for (char *p = out; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && strchr("._+-", *p) == NULL) {
			*p = '_';
		}
	}
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];

	if (lb >= 64) {
		return (size_t)-1;
	}
	for (size_t j = 0; j <= lb; j++) {
		row[j] = j;
	}
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = prev + cost;
			if (row[j] + 1 < best) {
				best = row[j] + 1;
			}
			if (row[j - 1] + 1 < best) {
				best = row[j - 1] + 1;
			}
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

/* The closest of @words (NULL-terminated) to @word, if close enough. */
const char *lt_suggest(const char *word, const char *const *words)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	for (size_t i = 0; words[i] != NULL; i++) {
		size_t d = edit_distance(word, words[i]);
		if (d < best_d) {
			best_d = d;
			best = words[i];
		}
	}
	size_t limit = strlen(word) <= 4 ? 1 : strlen(word) <= 8 ? 2 : 3;
	return best_d <= limit ? best : NULL;
}
