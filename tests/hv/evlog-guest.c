/*
 * The event-log test guest (tests/launch/measure-*.sh), built by the test
 * with the bare-metal guest runtime: reads the hypervisor's TCG event log
 * with HL_EVENT_LOG_READ once the launch is over (HL_LAUNCH_STATUS says
 * final or failed; a domain that may not ask reads at once), in chunks of at most "chunk=N" bytes (default
 * 4096), and prints it for the test to put back together:
 *
 *   evlog: N bytes
 *   evlog: x HEX        32 bytes a line, in order
 *   evlog: end
 *
 * or, when the call is refused, "evlog: read: EPERM" (any error by name).
 * Then it powers its domain off.
 */
#include <fmt/fmt.h>

#include "../../guests/lib/guest.h"

#define LINE 32

static uint8_t buf[256 * 1024] __attribute__((aligned(16)));

int main(const void *fdt)
{
	char arg[16], hex[2 * LINE + 1];
	uint64_t chunk = 4096, size = 0;

	(void)fdt;
	if (guest_arg("chunk", arg, sizeof(arg))) {
		chunk = 0;
		for (const char *p = arg; *p >= '0' && *p <= '9'; p++) {
			chunk = chunk * 10 + (uint64_t)(*p - '0');
		}
	}
	for (;;) {
		struct hvc_result st = hvc(HL_LAUNCH_STATUS, 0, 0, 0);
		if (st.x0 < 0 || st.x1 != HL_LAUNCH_IN_PROGRESS) {
			break;
		}
		cpu_relax();
	}
	for (uint64_t off = 0;;) {
		struct hvc_result r = hvc(HL_EVENT_LOG_READ, (uintptr_t)buf + off, off, chunk);
		if (r.x0 < 0) {
			gprintf("evlog: read: %s\n", hl_strerror(r.x0));
			return 0;
		}
		size = r.x1;
		off += (uint64_t)r.x0;
		if (off >= size || r.x0 == 0 || size > sizeof(buf)) {
			break;
		}
	}
	gprintf("evlog: %llu bytes\n", (unsigned long long)size);
	for (uint64_t at = 0; at < size && size <= sizeof(buf); at += LINE) {
		unsigned n = size - at < LINE ? (unsigned)(size - at) : LINE;
		for (unsigned i = 0; i < n; i++) {
			fmt_snprintf(hex + 2 * i, 3, "%02x", buf[at + i]);
		}
		gprintf("evlog: x %s\n", hex);
	}
	gprintf("evlog: end\n");
	return 0;
}
