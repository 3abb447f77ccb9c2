/*
 * Guest runtime: C start-up, console, PSCI and hypercalls (see guest.h).
 * Runs with the MMU off, as the boot protocol leaves it: every access is to
 * Device memory, which is fine for these small programs and keeps them free
 * of page tables.
 */
#include "guest.h"

#include <stdarg.h>
#include <string.h>

#include <libfdt.h>

#include "fmt/fmt.h"
#include <lcm/lcm.h>

#define PSCI_VERSION      0x84000000u
#define PSCI_CPU_OFF      0x84000002u
#define PSCI_CPU_ON       0xC4000003u
#define PSCI_SYSTEM_OFF   0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u

#define PL011_DR      0x00
#define PL011_FR      0x18
#define PL011_FR_TXFF (1u << 5)

extern char _start[];
extern char __image_end[];
extern void secondary_entry(void);

static volatile uint8_t *uart;
static bool psci_smc;
static uint64_t ram_base, ram_size;
static const char *bootargs = "";
static volatile int console_lock;
static int hyperlaunch = -1; /* unknown until asked */

/* One SMC Calling Convention call (DEN0028): function id in x0, arguments
 * in x1-x4, results in x0-x3; x4-x17 may be clobbered. Through the
 * hypervisor (HVC) or the firmware (SMC). */
static struct hvc_result smccc(bool smc, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3,
			       uint64_t a4)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	register uint64_t x4 __asm__("x4") = a4;

#define SMCCC_REGS "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)
#define SMCCC_CLOBBERS                                                                        \
	"x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", \
		"memory"
	if (smc) {
		__asm__ volatile("smc #0" : SMCCC_REGS : : SMCCC_CLOBBERS);
	} else {
		__asm__ volatile("hvc #0" : SMCCC_REGS : : SMCCC_CLOBBERS);
	}
	return (struct hvc_result){ (int64_t)x0, x1, x2, x3 };
}

struct hvc_result hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return smccc(false, fn, a1, a2, a3, 0);
}

struct hvc_result hvc4(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	return smccc(false, fn, a1, a2, a3, a4);
}

static int64_t psci(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return smccc(psci_smc, fn, a1, a2, a3, 0).x0;
}

__attribute__((noinline)) bool on_hyperlaunch(void)
{
	if (hyperlaunch < 0) {
		struct hvc_result r = hvc(HL_CALL_UID, 0, 0, 0);
		hyperlaunch = (uint32_t)r.x0 == HL_UID_0 && r.x1 == HL_UID_1 && r.x2 == HL_UID_2 &&
			      r.x3 == HL_UID_3;
	}
	return hyperlaunch;
}


void guest_ready(void)
{
	if (on_hyperlaunch()) {
		hvc(HL_READY, 0, 0, 0);
	}
}

uint32_t guest_domid(void)
{
	return on_hyperlaunch() ? (uint32_t)hvc(HL_WHOAMI, 0, 0, 0).x1 : 0;
}

const char *hl_strerror(int64_t r)
{
	static const char *const names[] = {
		"ok", "ENOSYS", "EPERM", "EINVAL", "EFAULT", "ENOENT", "EBUSY", "ENOMEM", "EIO",
	};

	if (r >= 0) {
		return "ok";
	}
	return -r < (int64_t)(sizeof(names) / sizeof(names[0])) ? names[-r] : "error";
}

/* --- console ------------------------------------------------------------------ */

static void lock(void)
{
	while (__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE) != 0) {
		cpu_relax();
	}
}

static void unlock(void)
{
	__atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE);
}

static void uart_putc(char c)
{
	while (*(volatile uint32_t *)(uart + PL011_FR) & PL011_FR_TXFF) {
		cpu_relax();
	}
	*(volatile uint32_t *)(uart + PL011_DR) = (uint8_t)c;
}

static void write_line(const char *s, size_t n)
{
	lock();
	if (uart != NULL) {
		for (size_t i = 0; i < n; i++) {
			uart_putc(s[i]);
		}
	} else if (on_hyperlaunch()) {
		/* The hypervisor takes one line per call (docs/hypercalls.md). */
		while (n > 0) {
			int64_t done = hvc(HL_CONSOLE_WRITE, (uintptr_t)s, n, 0).x0;
			if (done <= 0) {
				break;
			}
			s += done;
			n -= (size_t)done;
		}
	}
	unlock();
}

void gputs(const char *s)
{
	write_line(s, strlen(s));
}

void gprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	write_line(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* --- the device tree ------------------------------------------------------------ */

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++) {
		v = v << 32 | fdt32_ld(&p[i]);
	}
	return v;
}

/* First (base, size) of @node's reg, in its parent's cells. */
static bool reg_of(const void *fdt, int node, uint64_t *base, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (reg == NULL || ac < 1 || ac > 2 || sc < 0 || sc > 2 || len < (ac + sc) * 4) {
		return false;
	}
	*base = read_cells(reg, ac);
	*size = read_cells(reg + ac, sc);
	return true;
}

static int find_uart(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *path = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", NULL) : NULL;

	if (path != NULL) {
		int len = (int)(strchr(path, ':') != NULL ? strchr(path, ':') - path
							  : (long)strlen(path));
		int node =
			path[0] == '/'
				? fdt_path_offset_namelen(fdt, path, len)
				: fdt_path_offset(fdt, fdt_get_alias_namelen(fdt, path, len) ?: "");
		if (node >= 0) {
			return node;
		}
	}
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
	return node >= 0 ? node : fdt_node_offset_by_compatible(fdt, -1, "arm,sbsa-uart");
}

static void read_fdt(const void *fdt)
{
	uint64_t base, size;

	if (fdt == NULL || fdt_check_header(fdt) != 0) {
		return;
	}
	int node = find_uart(fdt);
	if (node >= 0 && reg_of(fdt, node, &base, &size)) {
		uart = (volatile uint8_t *)(uintptr_t)base;
	}
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
	if (args != NULL) {
		bootargs = args;
	}
	node = fdt_path_offset(fdt, "/psci");
	const char *method = node >= 0 ? fdt_getprop(fdt, node, "method", NULL) : NULL;
	psci_smc = method != NULL && strcmp(method, "smc") == 0;
	node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", sizeof("memory"));
	if (node >= 0 && reg_of(fdt, node, &base, &size)) {
		ram_base = base;
		ram_size = size;
	}
}

/* --- start-up and PSCI ------------------------------------------------------------ */

void guest_start(const void *fdt);
void guest_secondary_start(unsigned cpu);
void guest_exception(uint64_t esr, uint64_t elr, uint64_t far);

void guest_start(const void *fdt)
{
	read_fdt(fdt);
	main(fdt);
	guest_power_off();
}

void guest_secondary_start(unsigned cpu)
{
	secondary_main(cpu);
	guest_cpu_off();
}

__attribute__((weak)) void secondary_main(unsigned cpu)
{
	(void)cpu;
}

void guest_exception(uint64_t esr, uint64_t elr, uint64_t far)
{
	gprintf("guest: unexpected exception: ESR 0x%llx ELR 0x%llx FAR 0x%llx\n",
		(unsigned long long)esr, (unsigned long long)elr, (unsigned long long)far);
	guest_power_off();
}

int64_t guest_cpu_on(unsigned cpu)
{
	if (cpu == 0 || cpu >= GUEST_MAX_VCPUS) {
		return HL_EINVAL;
	}
	/* QEMU virt and our hypervisor both give vCPU n the MPIDR affinity n. */
	return psci(PSCI_CPU_ON, cpu, (uintptr_t)secondary_entry, cpu);
}

void guest_cpu_off(void)
{
	psci(PSCI_CPU_OFF, 0, 0, 0);
	for (;;) {
		__asm__ volatile("wfi");
	}
}

void guest_power_off(void)
{
	psci(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;) {
		__asm__ volatile("wfi");
	}
}

void guest_reset(void)
{
	psci(PSCI_SYSTEM_RESET, 0, 0, 0);
	for (;;) {
		__asm__ volatile("wfi");
	}
}

uint32_t psci_version(void)
{
	return (uint32_t)psci(PSCI_VERSION, 0, 0, 0);
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
	return (uintptr_t)__image_end;
}

void guest_idle(void)
{
	__asm__ volatile("wfi");
}

unsigned guest_lcm_arch(void)
{
	return LCM_ARCH_ARM64;
}

uint64_t guest_time_ms(void)
{
	uint64_t cnt, frq;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(cnt));
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));
	return cnt / (frq / 1000);
}
