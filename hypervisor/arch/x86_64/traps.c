/*
 * The boot CPU's descriptor tables and trap handling: the TSS with its IST
 * stack, the IDT (AMD APM vol. 2, 8.9 and 12.2.5), the per-CPU block FS
 * points at, and the report of an unexpected exception, which stops the
 * machine (the hypervisor takes none on purpose).
 */
#include <fmt/fmt.h>
#include <string.h>

#include "core/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "x86.h"

#define GDT_TSS     0x18
#define IST_STACK   (16 * KiB)
#define GATE_INTR64 0x8E /* present, DPL 0, 64-bit interrupt gate */

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

extern char x86_vector_0[], x86_vector_1[], x86_vector_2[], x86_vector_3[], x86_vector_4[],
	x86_vector_5[], x86_vector_6[], x86_vector_7[], x86_vector_8[], x86_vector_9[],
	x86_vector_10[], x86_vector_11[], x86_vector_12[], x86_vector_13[], x86_vector_14[],
	x86_vector_15[], x86_vector_16[], x86_vector_17[], x86_vector_18[], x86_vector_19[],
	x86_vector_20[], x86_vector_21[], x86_vector_22[], x86_vector_23[], x86_vector_24[],
	x86_vector_25[], x86_vector_26[], x86_vector_27[], x86_vector_28[], x86_vector_29[],
	x86_vector_30[], x86_vector_31[], x86_vector_32[], x86_vector_33[], x86_vector_55[],
	x86_vector_63[], x86_vector_255[];

static const struct {
	uint8_t vector;
	const char *entry;
} vectors[] = {
	{ 0, x86_vector_0 },     { 1, x86_vector_1 },   { 2, x86_vector_2 },
	{ 3, x86_vector_3 },     { 4, x86_vector_4 },   { 5, x86_vector_5 },
	{ 6, x86_vector_6 },     { 7, x86_vector_7 },   { 8, x86_vector_8 },
	{ 9, x86_vector_9 },     { 10, x86_vector_10 }, { 11, x86_vector_11 },
	{ 12, x86_vector_12 },   { 13, x86_vector_13 }, { 14, x86_vector_14 },
	{ 15, x86_vector_15 },   { 16, x86_vector_16 }, { 17, x86_vector_17 },
	{ 18, x86_vector_18 },   { 19, x86_vector_19 }, { 20, x86_vector_20 },
	{ 21, x86_vector_21 },   { 22, x86_vector_22 }, { 23, x86_vector_23 },
	{ 24, x86_vector_24 },   { 25, x86_vector_25 }, { 26, x86_vector_26 },
	{ 27, x86_vector_27 },   { 28, x86_vector_28 }, { 29, x86_vector_29 },
	{ 30, x86_vector_30 },   { 31, x86_vector_31 }, { 32, x86_vector_32 },
	{ 33, x86_vector_33 },   { 55, x86_vector_55 }, { 63, x86_vector_63 },
	{ 255, x86_vector_255 },
};

static const char *const exception_names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor segment overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection",
	"page fault",
	"reserved",
	"x87 floating point",
	"alignment check",
	"machine check",
	"SIMD floating point",
	"virtualization",
	"control protection",
};

/* Each CPU's own descriptor tables: a TSS is busy once loaded, so each
 * CPU has its own, and its own GDT to hold it. */
struct cpu_tables {
	uint64_t gdt[5]; /* null, code 0x08, data 0x10, TSS 0x18 (two slots) */
	struct tss tss;
	struct x86_percpu percpu;
	uint8_t ist_stack[IST_STACK] __attribute__((aligned(16)));
};

static struct idt_gate idt[256] __attribute__((aligned(16)));
static struct cpu_tables tables[HV_MAX_CPUS] __attribute__((aligned(16)));

static void set_gate(uint8_t v, const char *entry)
{
	uint64_t a = (uintptr_t)entry;

	idt[v] = (struct idt_gate){
		.off_lo = (uint16_t)a,
		.sel = 0x08,
		.ist = 1,
		.type = GATE_INTR64,
		.off_mid = (uint16_t)(a >> 16),
		.off_hi = (uint32_t)(a >> 32),
	};
}

/* Load @t's GDT, reload every segment register from it, and its TSS. */
static void load_gdt(struct cpu_tables *t)
{
	struct tss *tss = &t->tss;
	uint64_t base = (uintptr_t)tss, limit = sizeof(*tss) - 1;
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = { sizeof(t->gdt) - 1, (uintptr_t)t->gdt };

	tss->ist[0] = (uintptr_t)(t->ist_stack + IST_STACK);
	tss->iomap_base = sizeof(*tss);    /* no I/O bitmap: ring 0 only */
	t->gdt[1] = 0x00209A0000000000ull; /* 64-bit code, DPL 0 */
	t->gdt[2] = 0x0000920000000000ull; /* data */
	/* A 16-byte system descriptor: available 64-bit TSS (type 9), present. */
	t->gdt[GDT_TSS / 8] = (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 | 0x89ull << 40 |
			      ((limit >> 16) & 0xF) << 48 | ((base >> 24) & 0xFF) << 56;
	t->gdt[GDT_TSS / 8 + 1] = base >> 32;
	__asm__ volatile("lgdt %0\n\t"
			 "pushq $0x08\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\tmovl $0x10, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs"
			 :
			 : "m"(gdtr)
			 : "rax", "memory");
	__asm__ volatile("ltr %w0" : : "r"(GDT_TSS));
}

void x86_idt_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
		set_gate(vectors[i].vector, vectors[i].entry);
	}
}

void x86_cpu_init(struct cpu *c)
{
	struct cpu_tables *t = &tables[c->id];
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uintptr_t)idt };

	load_gdt(t);
	t->percpu.cpu = c;
	t->percpu.stack_canary = 0x9d2c5680f1e3b7a5ull ^ rdtsc();
	wrmsr(MSR_FS_BASE, (uintptr_t)&t->percpu);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

struct cpu *arch_this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("movq %%fs:0x30, %0" : "=r"(c));
	return c;
}

static noreturn void report(const struct x86_frame *f)
{
	const char *name = f->vector < 32 && exception_names[f->vector] != NULL
				   ? exception_names[f->vector]
				   : "reserved";

	printk("x86: cpu%u: %s (vector %llu, error 0x%llx) at rip 0x%llx, cr2 0x%llx\n",
	       arch_this_cpu()->id, name, (unsigned long long)f->vector,
	       (unsigned long long)f->error, (unsigned long long)f->rip,
	       (unsigned long long)read_cr2());
	printk("x86: rax 0x%llx rbx 0x%llx rcx 0x%llx rdx 0x%llx rsi 0x%llx rdi 0x%llx\n",
	       (unsigned long long)f->rax, (unsigned long long)f->rbx, (unsigned long long)f->rcx,
	       (unsigned long long)f->rdx, (unsigned long long)f->rsi, (unsigned long long)f->rdi);
	printk("x86: rbp 0x%llx rsp 0x%llx rflags 0x%llx\n", (unsigned long long)f->rbp,
	       (unsigned long long)f->rsp, (unsigned long long)f->rflags);
	panic("unexpected exception in the hypervisor");
}

void x86_trap(struct x86_frame *f)
{
	switch (f->vector) {
	case X86_TICK_VECTOR:
		x86_timer_interrupt();
		return;
	case X86_KICK_VECTOR:
		x86_lapic_eoi(); /* its work: having made the CPU look again */
		return;
	case X86_PIC_BASE_VECTOR + 7:
	case X86_PIC_BASE_VECTOR + 15:
	case X86_SPURIOUS_VECTOR:
		return; /* spurious: nothing was delivered, nothing to acknowledge */
	default:
		report(f);
	}
}
