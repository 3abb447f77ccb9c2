/*
 * The console forgery test guest (tests/hv/console-forgery.sh), built by the
 * test itself with the bare-metal guest runtime (guests/lib). It writes what
 * a hostile domain would write to fake or hide console lines: C1 control
 * bytes, C1 controls and bidi controls in UTF-8, escape sequences, a fake
 * "[other] ..." line after a CR with no LF, ill-formed UTF-8, and the same
 * sequences split between writes. Each case is one line starting "NAME:", so
 * the test can compare the line the console shows. The guest's text goes
 * through its emulated PL011 a byte at a time (the runtime's console), and
 * through HL_CONSOLE_WRITE in pieces chosen here (raw_write).
 *
 * Then it asks HL_DOMAIN_CREATE (it holds PERMISSION_CONTROL) for a domain
 * whose name carries an escape sequence and a line break: the fragment is
 * refused and the hypervisor's diagnostic shows the name escaped.
 */
#include <string.h>

#include <fmt/fmt.h>
#include <libfdt.h>

#include "../../guests/lib/guest.h"

/* One HL_CONSOLE_WRITE of exactly these bytes (the hypervisor takes at most
 * one line per call; none of the pieces below has more). */
static void raw_write(const char *s, size_t n)
{
	hvc(HL_CONSOLE_WRITE, (uintptr_t)s, n, 0);
}

#define RAW(s) raw_write(s, sizeof(s) - 1)

static char fragment_buf[2048] __attribute__((aligned(8)));

/* A one-domain LCM fragment (docs/hypercalls.md) named @name. */
static size_t fragment(const char *name)
{
	void *f = fragment_buf;
	fdt32_t kernel[3] = { cpu_to_fdt32(0), cpu_to_fdt32((uint32_t)guest_ram_base()),
			      cpu_to_fdt32(0x1000) };

	fdt_create(f, sizeof(fragment_buf));
	fdt_finish_reservemap(f);
	fdt_begin_node(f, "");
	fdt_begin_node(f, "chosen");
	fdt_begin_node(f, "hypervisor");
	fdt_property_string(f, "compatible", "hypervisor,xen");
	fdt_property_u32(f, "#address-cells", 2);
	fdt_property_u32(f, "#size-cells", 1);
	fdt_begin_node(f, name);
	fdt_property_string(f, "compatible", "xen,domain");
	fdt_property_u32(f, "domid", 9);
	fdt_property_u32(f, "memory", 8192);
	fdt_begin_node(f, "kernel");
	fdt_property_string(f, "compatible", "module,kernel");
	fdt_property(f, "module-addr", kernel, sizeof(kernel));
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_finish(f);
	return fdt_totalsize(f);
}

int main(const void *fdt)
{
	(void)fdt;

	/* Through the emulated PL011, one byte per write. */
	gputs("c1: A\x85"
	      "B\x9b"
	      "C\x9d"
	      "D\x90"
	      "E\x9f"
	      "F\x80"
	      "G\n");
	gputs("utf8-c1: A\xc2\x85"
	      "B\xc2\x9b"
	      "31mC\xc2\x9d"
	      "D\xc2\x80"
	      "E\xc2\x9f"
	      "F\n");
	gputs("bidi: A\xe2\x80\xae"
	      "B\xe2\x80\xaa"
	      "C\xe2\x81\xa6"
	      "D\xe2\x81\xa9"
	      "E\xd8\x9c"
	      "F\xe2\x80\x8e"
	      "G\xe2\x80\x8f"
	      "H\xe2\x80\xac"
	      "I\n");
	gputs("esc: A\x1b[2J\x1b[1;1HB\x1b[31mC\x1b]0;title\x07"
	      "D\x1b"
	      "cE\n");
	gputs("cr: x\r[other] fake\n");
	gputs("cr-clear: x\r\x1b[K[other] fake\n");
	gputs("nel: x\xc2\x85[other] fake\n");
	gputs("ls: x\xe2\x80\xa8[other] fake\n");
	gputs("controls: A\x01"
	      "B\x08"
	      "C\x7f"
	      "D\x0b"
	      "E\x0c"
	      "F\x07"
	      "G\tH\n");
	gputs("bad: A\xc0\xaf"
	      "B\xed\xa0\x80"
	      "C\xf4\x90\x80\x80"
	      "D\xe2\x82"
	      "E\xff"
	      "F\xf8\x88\x80\x80\x80"
	      "G\n");
	gputs("ok: caf\xc3\xa9 \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80\n");

	/* Through HL_CONSOLE_WRITE, each sequence split between two calls. */
	RAW("split: A\xc2");
	RAW("\x85"
	    "B\xe2\x80");
	RAW("\xae"
	    "C\xe2");
	RAW("\x81\xa6"
	    "D\xc3");
	RAW("\xa9"
	    "E\xf0\x9f");
	RAW("\x98\x80"
	    "F\n");
	/* An unfinished sequence when the line ends. */
	RAW("end: A\xe2\x80");
	RAW("\n");

	size_t n = fragment("evil\x1b[2J\r\n[other] fake");
	struct hvc_result r = hvc(HL_DOMAIN_CREATE, (uintptr_t)fragment_buf, n, 0);
	gprintf("forge: create: %s\n", hl_strerror(r.x0));
	gputs("forge: done\n");
	return 0;
}
