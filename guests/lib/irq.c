/*
 * Interrupts for bare-metal guests: the GICv3 as Linux's irq-gic-v3 drives
 * it (distributor, this vCPU's redistributor, the ICC system registers),
 * at the addresses its device tree gives (QEMU virt's on Hyperlaunch,
 * others on Xen), and a vector table whose IRQ entry calls the guest's handler with the
 * acknowledged INTID; the runtime ends the interrupt (ICC_EOIR1_EL1, which
 * with EOImode 0 also deactivates it) when the handler returns. Every
 * other exception is reported as start.S's vectors do.
 */
#include <libfdt.h>

#include "guest.h"

#define GICD_CTLR    0x0000
#define CTLR_ARE_G1  0x13u /* ARE_NS | EnableGrp1A | EnableGrp1 */
#define GICR_WAKER   0x0014
#define WAKER_SLEEP  (1u << 1)
#define WAKER_ASLEEP (1u << 2)
#define PRIO_DEFAULT 0xa0u

#define sysreg_read(r)                                      \
	({                                                  \
		uint64_t v_;                                \
		__asm__ volatile("mrs %0, " #r : "=r"(v_)); \
		v_;                                         \
	})
#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

static void (*handler)(unsigned intid);
static uintptr_t gicd = 0x08000000ul, gicr = 0x080a0000ul; /* QEMU virt's, unless the DT says */

bool guest_dt_spi_device(const void *fdt, const char *compatible, uintptr_t *base, unsigned *intid)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, compatible), len, ilen;
	const fdt32_t *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
	const fdt32_t *irq = node >= 0 ? fdt_getprop(fdt, node, "interrupts", &ilen) : NULL;

	if (reg == NULL || len < 16 || irq == NULL || ilen < 8) {
		return false;
	}
	*base = (uintptr_t)((uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]));
	*intid = 32 + fdt32_to_cpu(irq[1]);
	return true;
}

/* The arm,gic-v3 node's first two reg ranges: distributor, redistributors. */
static void find_gic(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3"), len;
	const fdt32_t *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;

	if (reg != NULL && len >= 32) {
		gicd = (uintptr_t)((uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]));
		gicr = (uintptr_t)((uint64_t)fdt32_to_cpu(reg[4]) << 32 | fdt32_to_cpu(reg[5]));
	}
}

/* Single loads and stores without writeback: the hypervisor emulates only
 * accesses whose syndrome it gets (ISV). */
static uint32_t rd32(uintptr_t a)
{
	uint32_t v;
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static void wr32(uintptr_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static void wr64(uintptr_t a, uint64_t v)
{
	__asm__ volatile("str %0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static void wr8(uintptr_t a, uint8_t v)
{
	__asm__ volatile("strb %w0, [%1]" : : "r"((uint32_t)v), "r"(a) : "memory");
}

void guest_irq_dispatch(void);
void guest_irq_dispatch(void)
{
	uint64_t iar = sysreg_read(S3_0_C12_C12_0); /* ICC_IAR1_EL1 */
	unsigned intid = (unsigned)(iar & 0xffffff);

	if (intid >= 1020) {
		return; /* spurious: nothing to end */
	}
	handler(intid);
	sysreg_write(S3_0_C12_C12_1, iar); /* ICC_EOIR1_EL1 */
}

/* IRQ from the current EL with SP_ELx (+0x280) calls the dispatcher with
 * the caller-saved registers kept; everything else is unexpected. */
__asm__("	.text\n"
	"	.balign	0x800\n"
	"guest_irq_vectors:\n"
	"	.rept	5\n"
	"	.balign	0x80\n"
	"	b	irq_bad_vector\n"
	"	.endr\n"
	"	.balign	0x80\n"
	"	sub	sp, sp, #176\n"
	"	stp	x0, x1, [sp, #0]\n"
	"	stp	x2, x3, [sp, #16]\n"
	"	stp	x4, x5, [sp, #32]\n"
	"	stp	x6, x7, [sp, #48]\n"
	"	stp	x8, x9, [sp, #64]\n"
	"	stp	x10, x11, [sp, #80]\n"
	"	stp	x12, x13, [sp, #96]\n"
	"	stp	x14, x15, [sp, #112]\n"
	"	stp	x16, x17, [sp, #128]\n"
	"	stp	x18, x29, [sp, #144]\n"
	"	str	x30, [sp, #160]\n"
	"	bl	guest_irq_dispatch\n"
	"	ldp	x0, x1, [sp, #0]\n"
	"	ldp	x2, x3, [sp, #16]\n"
	"	ldp	x4, x5, [sp, #32]\n"
	"	ldp	x6, x7, [sp, #48]\n"
	"	ldp	x8, x9, [sp, #64]\n"
	"	ldp	x10, x11, [sp, #80]\n"
	"	ldp	x12, x13, [sp, #96]\n"
	"	ldp	x14, x15, [sp, #112]\n"
	"	ldp	x16, x17, [sp, #128]\n"
	"	ldp	x18, x29, [sp, #144]\n"
	"	ldr	x30, [sp, #160]\n"
	"	add	sp, sp, #176\n"
	"	eret\n"
	"	.rept	10\n"
	"	.balign	0x80\n"
	"	b	irq_bad_vector\n"
	"	.endr\n"
	"irq_bad_vector:\n"
	"	mrs	x0, esr_el1\n"
	"	mrs	x1, elr_el1\n"
	"	mrs	x2, far_el1\n"
	"	b	guest_exception\n");
extern char guest_irq_vectors[];

void guest_irq_init(const void *fdt, void (*fn)(unsigned intid))
{
	find_gic(fdt);
	uintptr_t rd = gicr; /* vCPU 0's redistributor */

	handler = fn;
	wr32(gicd + GICD_CTLR, CTLR_ARE_G1);
	wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~WAKER_SLEEP);
	while (rd32(rd + GICR_WAKER) & WAKER_ASLEEP) {
		cpu_relax();
	}
	sysreg_write(vbar_el1, (uintptr_t)guest_irq_vectors);
	sysreg_write(S3_0_C4_C6_0, 0xff); /* ICC_PMR_EL1 */
	sysreg_write(S3_0_C12_C12_3, 0);  /* ICC_BPR1_EL1 */
	sysreg_write(S3_0_C12_C12_7, 1);  /* ICC_IGRPEN1_EL1 */
	__asm__ volatile("isb; msr daifclr, #2; isb" ::: "memory");
}

void guest_irq_enable_spi(unsigned intid)
{
	uint32_t bit = 1u << (intid % 32);

	wr8(gicd + 0x400 + intid, PRIO_DEFAULT); /* IPRIORITYR */
	wr32(gicd + 0x80 + intid / 32 * 4, rd32(gicd + 0x80 + intid / 32 * 4) | bit); /* IGROUPR */
	wr64(gicd + 0x6000 + 8ul * intid, 0);     /* IROUTER: vCPU 0 */
	wr32(gicd + 0x100 + intid / 32 * 4, bit); /* ISENABLER */
}

void guest_irq_enable_ppi(unsigned intid)
{
	uintptr_t sgi = gicr + 0x10000; /* vCPU 0's SGI_base frame */

	wr8(sgi + 0x400 + intid, PRIO_DEFAULT);           /* IPRIORITYR */
	wr32(sgi + 0x80, rd32(sgi + 0x80) | 1u << intid); /* IGROUPR0 */
	wr32(sgi + 0x100, 1u << intid);                   /* ISENABLER0 */
}

void guest_irq_wait(volatile unsigned *counter, unsigned n, uint64_t timeout_us)
{
	uint64_t freq = sysreg_read(cntfrq_el0);
	uint64_t end = sysreg_read(cntvct_el0) + freq / 1000000 * timeout_us;

	while (*counter < n && sysreg_read(cntvct_el0) < end) {
		cpu_relax();
	}
}
