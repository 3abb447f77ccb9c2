/*
 * The x86 bare-metal guest runtime (guest.h).
 */
#include <libfdt.h>
#include <stdarg.h>
#include <string.h>

#include <fmt/fmt.h>
#include <lcm/lcm.h>

#include "guest.h"

void guest_start(const void *fdt);
extern char _bss_end[];

static const char *bootargs = "";
static uint64_t ram_base, ram_size, tsc_hz;

struct hvc_result hvc4(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	register uint64_t r10 __asm__("r10") = a4;
	struct hvc_result r;

	__asm__ volatile("vmmcall"
			 : "=a"(r.x0), "=D"(r.x1), "=S"(r.x2), "=d"(r.x3), "+r"(r10)
			 : "a"(fn), "D"(a1), "S"(a2), "d"(a3)
			 : "memory", "rcx", "r8", "r9", "r11");
	return r;
}

struct hvc_result hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return hvc4(fn, a1, a2, a3, 0);
}

bool on_hyperlaunch(void)
{
	struct hvc_result r = hvc(HL_CALL_UID, 0, 0, 0);

	return (uint32_t)r.x0 == HL_UID_0 && r.x1 == HL_UID_1 && r.x2 == HL_UID_2 &&
	       r.x3 == HL_UID_3;
}

void gputs(const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		struct hvc_result r = hvc(HL_CONSOLE_WRITE, (uintptr_t)s, n, 0);
		if (r.x0 <= 0) {
			return;
		}
		s += r.x0;
		n -= (size_t)r.x0;
	}
}

void gprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	gputs(buf);
}

void guest_ready(void)
{
	hvc(HL_READY, 0, 0, 0);
}

uint32_t guest_domid(void)
{
	return (uint32_t)hvc(HL_WHOAMI, 0, 0, 0).x1;
}

const char *hl_strerror(int64_t r)
{
	static const char *const names[] = {
		"ok", "ENOSYS", "EPERM", "EINVAL", "EFAULT", "ENOENT", "EBUSY", "ENOMEM",
	};

	if (r >= 0) {
		return "ok";
	}
	return -r < (int64_t)(sizeof(names) / sizeof(names[0])) ? names[-r] : "error";
}

void guest_power_off(void)
{
	for (;;) {
		__asm__ volatile("cli; hlt");
	}
}

const char *guest_bootargs(void)
{
	return bootargs;
}

uint64_t guest_ram_base(void)
{
	return ram_base;
}

uint64_t guest_ram_size(void)
{
	return ram_size;
}

uintptr_t guest_image_end(void)
{
	return (uintptr_t)_bss_end;
}

void guest_idle(void)
{
	__asm__ volatile("sti; hlt; cli");
}

unsigned guest_lcm_arch(void)
{
	return LCM_ARCH_X86;
}

uint64_t guest_time_ms(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return tsc_hz >= 1000 ? ((uint64_t)hi << 32 | lo) / (tsc_hz / 1000) : 0;
}

static uint64_t be64(const void *p)
{
	return fdt64_to_cpu(*(const fdt64_t *)p);
}

/* What the hypervisor's device tree says (hypervisor/arch/x86_64/guest.c). */
static void read_fdt(const void *fdt)
{
	int len;
	int node = fdt_path_offset(fdt, "/chosen");
	const char *args = node >= 0 ? fdt_getprop(fdt, node, "bootargs", NULL) : NULL;

	if (args != NULL) {
		bootargs = args;
	}
	node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", sizeof("memory"));
	const void *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
	if (reg != NULL && len == 16) {
		ram_base = be64(reg);
		ram_size = be64((const uint8_t *)reg + 8);
	}
	node = fdt_path_offset(fdt, "/cpus");
	const void *f = node >= 0 ? fdt_getprop(fdt, node, "tsc-frequency", &len) : NULL;
	if (f != NULL && len == 8) {
		tsc_hz = be64(f);
	}
}

void guest_start(const void *fdt)
{
	read_fdt(fdt);
	main(fdt);
	guest_power_off();
}

/* Debian's libfdt.a is built with the stack protector (its canary at
 * FS:0x28, guest-physical 0x28 here, as FS's base is 0). */
void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
	gputs("guest: stack smashed\n");
	guest_power_off();
}
