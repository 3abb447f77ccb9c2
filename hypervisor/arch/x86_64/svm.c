/*
 * vCPUs on AMD SVM (AMD APM vol. 2, chapter 15). Each vCPU has a VMCB; each
 * domain has an I/O permission map and an MSR permission map with every bit
 * set, so every port and MSR access exits (deny by default, 15.10 and
 * 15.11), and nested page tables (npt.c) that map only its RAM.
 *
 * The exits (arch_vcpu_run):
 *   VMMCALL   a Hyperlaunch hypercall (RAX the call, RDI RSI RDX R10 R8
 *             its arguments, results in RAX RDI RSI RDX: docs/hypercalls.md)
 *   CPUID     the host's answer without SVM, with the hypervisor bit
 *   HLT       with RFLAGS.IF clear nothing can wake the vCPU: it is off (the
 *             last one off powers the domain off); with IF set a Linux
 *             vCPU blocks until its local APIC or PIC has a vector for it
 *             (below, "sleepers"), another gives its turn away
 *   MSR       EFER is emulated (the guest turns long mode on through it;
 *             SVME stays set underneath, as VMRUN requires), and a Linux
 *             vCPU's APIC_BASE (its xAPIC page, fixed); those
 *             VMLOAD/VMSAVE switch do not exit (guest.c); in a Linux
 *             domain the PC platform answers the others or #GP is
 *             injected (linuxpc.c); in other domains any other MSR stops it
 *   IOIO      byte-wide IN and OUT of COM1 (0x3F8-0x3FF) are the emulated
 *             16550 (uart.c); a Linux domain's other ports are its PC
 *             platform (linuxpc.c); in other domains any other port stops it
 *   NPF       a first touch of its RAM (domain_touch), else an access
 *             outside its RAM: the domain stops, except a Linux vCPU's
 *             MOV on its local APIC page, which is emulated (the access
 *             is decoded first, decode.c; the stop names it, or the
 *             instruction's bytes when it is not a MOV/MOVZX)
 *   SHUTDOWN  a triple fault: the domain stops
 *   INVD      done as a no-op (it would drop the hypervisor's dirty lines)
 *   XSETBV    the domain stops: XCR0 is not switched (CPUID hides XSAVE).
 *             QEMU 7.2's SVM does not honour this intercept (checked: the
 *             guest's XSETBV runs), so there XCR0 is shared by the guests
 *   INTR      a physical interrupt: taken, then the scheduler decides
 * Whatever else exits (the SVM instructions, INVLPGA among them: it
 * would drop TLB entries of any ASID, other guests' too; VMEXIT_INVALID)
 * stops the domain too. A stop names the domain, the reason and the RIP; the
 * hypervisor and the other domains go on.
 *
 * Under QEMU's SVM there is no NRIP save nor decode assists (CPUID
 * 0x8000000A EDX): RIP is advanced by the instruction's architectural
 * length (VMMCALL 3, CPUID 2, RDMSR/WRMSR 2, HLT 1); a guest that adds
 * prefixes only confuses itself.
 */
#include <fmt/fmt.h>
#include <stdarg.h>
#include <hyperlaunch/hypercall.h>
#include <string.h>

#include "core/console.h"
#include "core/cpu.h"
#include "core/domain.h"
#include "core/hypercall.h"
#include "core/mm.h"
#include "core/sched.h"
#include "core/vcpu.h"
#include "asid.h"
#include "decode.h"
#include "linuxboot.h"
#include "linuxpc.h"
#include "svm.h"
#include "vlapic.h"
#include "x86.h"

#define MSR_VM_CR       0xC0010114
#define MSR_VM_HSAVE_PA 0xC0010117
#define VM_CR_SVMDIS    (1ull << 4)
#define EFER_GUEST_BITS 0x0D01ull /* SCE, LME, LMA, NXE */
#define RFLAGS_IF       (1ull << 9)

/* Intercept vector 3 (VMCB 0x00C) and 4 (0x010). */
#define I3_INTR        (1u << 0)
#define I3_NMI         (1u << 1)
#define I3_INIT        (1u << 3)
#define I3_CPUID       (1u << 18)
#define I3_INVD        (1u << 22)
#define I3_HLT         (1u << 24)
#define I3_INVLPGA     (1u << 26)
#define I3_IOIO        (1u << 27)
#define I3_MSR         (1u << 28)
#define I3_SHUTDOWN    (1u << 31)
#define I4_SVM_ALL     0x7Fu /* VMRUN VMMCALL VMLOAD VMSAVE STGI CLGI SKINIT */
#define I4_XSETBV      (1u << 13)
#define V_INTR_MASKING (1ull << 24)

/*
 * VMRUN switches none of the x87/SSE state: each vCPU keeps its own in
 * @fpu (the FXSAVE image, SDM vol. 1, 10.5.1; AVX and the rest of XSAVE's
 * state are not offered, CPUID hides XSAVE), loaded for its turn on a CPU
 * and saved at the end of it, so that domains sharing a CPU never see each
 * other's registers. The hypervisor itself never touches them (built with
 * -mgeneral-regs-only).
 */
#define FPU_FCW_INIT   0x037F /* FNINIT's control word */
#define FPU_MXCSR_INIT 0x1F80 /* the reset MXCSR: all exceptions masked */
#define FPU_MXCSR_OFF  24

struct arch_vcpu {
	uint8_t fpu[512] __attribute__((aligned(16)));
	uint8_t *vmcb;
	struct svm_gprs g;
	struct asid_vcpu asid;
	bool blocked;              /* its HLT blocked it (sched_block): sleep */
	bool sleeping;             /* on its CPU's sleeper list */
	uint64_t wake_at;          /* TSC: its PIT's next edge, ~0 for none */
	struct vcpu *next_sleeper; /* the list's next */
	struct vlapic lapic;       /* a Linux vCPU's local APIC (vlapic.c) */
	bool wait_sipi;            /* off, INIT seen: a STARTUP IPI starts it */
};

static bool ready;
/* Per CPU: its guest ASIDs (asid.c). */
static struct asid_cpu asids[HV_MAX_CPUS];
/* Per CPU: the host save area VMRUN uses, and the host state
 * VMSAVE/VMLOAD keep across a guest's run (svm_entry.S). */
static uint8_t hsave[HV_MAX_CPUS][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t host_area[HV_MAX_CPUS][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* FXSAVE/FXRSTOR with the SSE state (CR4.OSFXSR), no trap on the FPU
 * (CR0.EM and CR0.TS clear): what switching guests' state needs. */
#define CR0_EM     (1ull << 2)
#define CR0_TS     (1ull << 3)
#define CR4_OSFXSR (1ull << 9)

static void fpu_enable(void)
{
	uint64_t cr0, cr4;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0" ::"r"(cr0 & ~(CR0_EM | CR0_TS)));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4 | CR4_OSFXSR));
}

bool svm_ready(void)
{
	return ready;
}

void svm_cpu_init(void)
{
	uint32_t r[4];

	cpuid(0x80000000, r);
	uint32_t max_ext = r[0];
	cpuid(0x80000001, r);
	if (max_ext < 0x8000000A || !(r[2] & (1u << 2))) {
		printk("svm: this CPU has no SVM: x86 domains cannot run\n");
		return;
	}
	cpuid(0x8000000A, r);
	if (!(r[3] & 1)) {
		printk("svm: no nested paging: x86 domains cannot run\n");
		return;
	}
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		printk("svm: disabled by the firmware (VM_CR.SVMDIS): x86 domains cannot run\n");
		return;
	}
	unsigned id = arch_this_cpu()->id;
	if (!asid_cpu_init(&asids[id], r[1])) {
		printk("svm: %u ASIDs, none for guests: x86 domains cannot run\n", r[1]);
		return;
	}
	fpu_enable();
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, (uintptr_t)hsave[id]);
	if (id != 0) {
		return; /* the boot CPU's findings hold for all */
	}
	ready = true;
	printk("svm: revision %u, %u ASIDs, nested paging%s%s\n", r[0] & 0xFF, r[1],
	       (r[3] & (1u << 3)) ? ", NRIP save" : "; no NRIP save",
	       (r[3] & (1u << 7)) ? ", decode assists" : ", no decode assists");
}

/* --- VMCB ------------------------------------------------------------------- */

static void seg(uint8_t *vmcb, unsigned off, uint16_t sel, uint16_t attrib, uint32_t limit)
{
	memcpy(vmcb + off, &sel, 2);
	memcpy(vmcb + off + 2, &attrib, 2);
	memcpy(vmcb + off + 4, &limit, 4);
	memset(vmcb + off + 8, 0, 8);
}

int arch_vcpu_init(struct vcpu *v)
{
	paddr_t p = mm_alloc(PAGE_SIZE + sizeof(struct arch_vcpu), PAGE_SIZE, MM_HV);

	if (mm_failed(p)) {
		return -1;
	}
	v->arch = (struct arch_vcpu *)((uint8_t *)pa_ptr(p) + PAGE_SIZE);
	memset(v->arch, 0, sizeof(*v->arch));
	v->arch->vmcb = pa_ptr(p);
	/* Its APIC ID from the start: IPIs (INIT, STARTUP) find it off. */
	vlapic_reset(&v->arch->lapic, v->index, 1);
	return 0;
}

void arch_vcpu_free(struct vcpu *v)
{
	if (v->arch != NULL) {
		mm_free(pa_of(v->arch->vmcb), PAGE_SIZE + sizeof(struct arch_vcpu));
		v->arch = NULL;
	}
}

/*
 * The boot state (docs/architecture.md, x86-64): 32-bit protected mode
 * with paging off and flat 4 GiB segments, RIP @entry, EBX @arg (the
 * domain's device tree), everything else zero; the guest turns on paging
 * and long mode itself, through the nested page tables.
 */
void arch_vcpu_reset(struct vcpu *v, ipaddr_t entry, uint64_t arg)
{
	uint8_t *vmcb = v->arch->vmcb;
	struct domain *d = v->dom;

	memset(vmcb, 0, PAGE_SIZE);
	memset(&v->arch->g, 0, sizeof(v->arch->g));
	*vmcb_u64(vmcb, VMCB_INTERCEPT_3) =
		(uint64_t)(I3_INTR | I3_NMI | I3_INIT | I3_CPUID | I3_INVD | I3_HLT | I3_INVLPGA |
			   I3_IOIO | I3_MSR | I3_SHUTDOWN) |
		(uint64_t)(I4_SVM_ALL | I4_XSETBV) << 32;
	*vmcb_u64(vmcb, VMCB_IOPM_BASE) = x86_domain_iopm(d);
	*vmcb_u64(vmcb, VMCB_MSRPM_BASE) = x86_domain_msrpm(d);
	/* The ASID and TLB_CONTROL are chosen before each VMRUN (asid.c);
	 * none of the vCPU's old TLB entries survive a reset. */
	memset(&v->arch->asid, 0, sizeof(v->arch->asid));
	*vmcb_u64(vmcb, VMCB_INT_CTL) = V_INTR_MASKING;
	*vmcb_u64(vmcb, VMCB_NP_ENABLE) = 1;
	*vmcb_u64(vmcb, VMCB_N_CR3) = npt_root(d->s2);

	seg(vmcb, VMCB_CS, 0x08, 0xC9B, 0xFFFFFFFF);
	static const unsigned data[] = { VMCB_ES, VMCB_SS, VMCB_DS, VMCB_FS, VMCB_GS };
	for (size_t i = 0; i < ARRAY_SIZE(data); i++) {
		seg(vmcb, data[i], 0x10, 0xC93, 0xFFFFFFFF);
	}
	seg(vmcb, VMCB_GDTR, 0, 0, 0xFFFF);
	seg(vmcb, VMCB_IDTR, 0, 0, 0xFFFF);
	seg(vmcb, VMCB_LDTR, 0, 0x82, 0xFFFF);
	seg(vmcb, VMCB_TR, 0, 0x8B, 0xFFFF);
	*vmcb_u64(vmcb, VMCB_EFER) = EFER_SVME;
	*vmcb_u64(vmcb, VMCB_CR0) = 0x31; /* PE, ET, NE */
	*vmcb_u64(vmcb, VMCB_DR6) = 0xFFFF0FF0;
	*vmcb_u64(vmcb, VMCB_DR7) = 0x400;
	*vmcb_u64(vmcb, VMCB_RFLAGS) = 2;
	*vmcb_u64(vmcb, VMCB_RIP) = ipa_addr(entry);
	*vmcb_u64(vmcb, VMCB_G_PAT) = 0x0007040600070406ull; /* the power-on PAT */
	v->arch->g.rbx = arg;
	memset(v->arch->fpu, 0, sizeof(v->arch->fpu));
	uint16_t fcw = FPU_FCW_INIT;
	uint32_t mxcsr = FPU_MXCSR_INIT;
	memcpy(v->arch->fpu, &fcw, sizeof(fcw));
	memcpy(v->arch->fpu + FPU_MXCSR_OFF, &mxcsr, sizeof(mxcsr));
	/* Its APIC timer counts at the TSC's rate (before its divider). */
	vlapic_reset(&v->arch->lapic, v->index, 1);
	if (v->index != 0 && x86_domain_is_linux(d)) {
		/* Started by a STARTUP IPI (lapic_ipi): its vector's page. */
		linux_start_ap(vmcb, (uint8_t)(ipa_addr(entry) >> 12));
		return;
	}
	linux_boot(v, vmcb, &v->arch->g, entry, arg);
}

/* --- exits ------------------------------------------------------------------ */

enum exit_result { EXIT_CONTINUE, EXIT_LEAVE };

static enum exit_result stop(struct vcpu *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static enum exit_result stop(struct vcpu *v, const char *fmt, ...)
{
	char what[176];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	domain_stop(v->dom, "%s at RIP 0x%llx", what,
		    (unsigned long long)*vmcb_u64(v->arch->vmcb, VMCB_RIP));
	return EXIT_LEAVE;
}

static void advance(struct vcpu *v, unsigned len)
{
	*vmcb_u64(v->arch->vmcb, VMCB_RIP) += len;
}

static enum exit_result vmmcall(struct vcpu *v)
{
	uint8_t *vmcb = v->arch->vmcb;
	struct svm_gprs *g = &v->arch->g;
	uint64_t *rax = vmcb_u64(vmcb, VMCB_RAX);
	uint64_t in[6] = { *rax, g->rdi, g->rsi, g->rdx, g->r10, g->r8 }, out[4];

	if (!hypercall_in_range((uint32_t)*rax)) {
		*rax = (uint64_t)(int64_t)HL_ENOSYS;
		advance(v, 3);
		return EXIT_CONTINUE;
	}
	if (!hypercall(v, in, out)) {
		return EXIT_LEAVE; /* not over: made again after a turn */
	}
	*rax = out[0];
	g->rdi = out[1];
	g->rsi = out[2];
	g->rdx = out[3];
	advance(v, 3);
	return EXIT_CONTINUE;
}

static enum exit_result cpuid_exit(struct vcpu *v)
{
	uint64_t *rax = vmcb_u64(v->arch->vmcb, VMCB_RAX);
	struct svm_gprs *g = &v->arch->g;
	uint32_t leaf = (uint32_t)*rax, r[4];

	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"((uint32_t)g->rcx));
	if (leaf == 1) {
		/* A hypervisor is present; no XSAVE (XCR0 is not switched). */
		r[2] = (r[2] | 1u << 31) & ~(1u << 26 | 1u << 27);
	} else if (leaf == 0x80000001) {
		r[2] &= ~(1u << 2); /* no SVM for guests */
	} else if (leaf == 0x8000000A) {
		r[0] = r[1] = r[2] = r[3] = 0;
	}
	if (x86_domain_is_linux(v->dom)) {
		pc_cpuid(leaf, r);
		if (leaf == 1) { /* the initial APIC ID: its local APIC's */
			r[1] = (r[1] & 0x00FFFFFFu) | v->index << 24;
		} else if (leaf == 0xB) { /* its x2APIC ID, the same */
			r[3] = v->index;
		}
	}
	*rax = r[0];
	g->rbx = r[1];
	g->rcx = r[2];
	g->rdx = r[3];
	advance(v, 2);
	return EXIT_CONTINUE;
}

/* #GP(0) on the next VMRUN, the faulting instruction not retired (APM
 * vol. 2, 15.20: EVENTINJ, type 3 exception, error code valid). */
static void inject_gp(uint8_t *vmcb)
{
	*vmcb_u64(vmcb, VMCB_EVENTINJ) = 13 | 3u << 8 | 1u << 11 | 1u << 31;
}

#define APIC_BASE_BSP    (1ull << 8)
#define APIC_BASE_ENABLE (1ull << 11)

static enum exit_result msr_exit(struct vcpu *v)
{
	uint8_t *vmcb = v->arch->vmcb;
	struct svm_gprs *g = &v->arch->g;
	uint64_t *rax = vmcb_u64(vmcb, VMCB_RAX);
	uint32_t msr = (uint32_t)g->rcx;
	bool write = *vmcb_u64(vmcb, VMCB_EXITINFO1) == 1;

	if (msr != MSR_EFER && x86_domain_is_linux(v->dom)) {
		uint64_t val = (g->rdx << 32) | (uint32_t)*rax;
		if (msr == MSR_APIC_BASE) {
			/* xAPIC at its reset base, enabled; the BSP flag on vCPU
			 * 0. Moving it, turning it off or x2APIC mode: #GP. */
			uint64_t base = VLAPIC_BASE | APIC_BASE_ENABLE |
					(v->index == 0 ? APIC_BASE_BSP : 0);
			if (write && val != base) {
				inject_gp(vmcb);
				return EXIT_CONTINUE;
			}
			val = base;
		} else if (!pc_msr(vmcb, msr, write, &val)) {
			inject_gp(vmcb);
			return EXIT_CONTINUE;
		}
		if (!write) {
			*rax = (uint32_t)val;
			g->rdx = val >> 32;
		}
		advance(v, 2);
		return EXIT_CONTINUE;
	}
	if (msr != MSR_EFER) {
		return stop(v, "%s of MSR 0x%x, not granted", write ? "WRMSR" : "RDMSR", msr);
	}
	uint64_t *efer = vmcb_u64(vmcb, VMCB_EFER);
	if (write) {
		uint64_t val = (g->rdx << 32) | (uint32_t)*rax;
		if (val & ~EFER_GUEST_BITS) {
			return stop(v, "WRMSR EFER 0x%llx: reserved or SVM bits",
				    (unsigned long long)val);
		}
		*efer = val | EFER_SVME;
	} else {
		uint64_t val = *efer & ~EFER_SVME;
		*rax = (uint32_t)val;
		g->rdx = val >> 32;
	}
	advance(v, 2);
	return EXIT_CONTINUE;
}

static enum exit_result hlt_exit(struct vcpu *v)
{
	advance(v, 1);
	if (!(*vmcb_u64(v->arch->vmcb, VMCB_RFLAGS) & RFLAGS_IF)) {
		vcpu_off_self(v);
		return EXIT_LEAVE;
	}
	if (x86_domain_is_linux(v->dom)) {
		/* Its PIC's vector wakes it (below, "sleepers"); one already
		 * there is taken at once. */
		if (!sched_block(v)) {
			return EXIT_CONTINUE;
		}
		v->arch->blocked = true;
		return EXIT_LEAVE;
	}
	/* No interrupt controller: a wait gives the turn away. */
	sched_wfi(v);
	return EXIT_LEAVE;
}

/* IOIO EXITINFO1 (APM vol. 2, 15.10.2): direction, string, size, port;
 * EXITINFO2 is the next RIP. Only COM1's byte-wide IN and OUT are
 * emulated (uart.c). */
#define IOIO_IN  (1u << 0)
#define IOIO_STR (1u << 2)
#define IOIO_SZ8 (1u << 4)

/* A port of a Linux domain's PC platform (linuxpc.c): @sz the IOIO
 * size bits (1, 2 or 4 bytes). */
static enum exit_result pc_ioio(struct vcpu *v, uint16_t port, unsigned sz, bool in)
{
	uint8_t *vmcb = v->arch->vmcb;
	uint64_t *rax = vmcb_u64(vmcb, VMCB_RAX);
	unsigned size = sz & 1 ? 1 : sz & 2 ? 2 : 4;
	uint32_t val = (uint32_t)*rax;

	struct pc *pc = x86_domain_pc(v->dom);
	unsigned long flags = spin_lock_irqsave(&pc->lock);
	pc_io(pc, port, size, !in, &val);
	spin_unlock_irqrestore(&pc->lock, flags);
	if (in) {
		uint64_t mask = size == 4 ? 0xFFFFFFFFull : (1ull << (8 * size)) - 1;
		*rax = size == 4 ? val : (*rax & ~mask) | (val & mask);
	}
	*vmcb_u64(vmcb, VMCB_RIP) = *vmcb_u64(vmcb, VMCB_EXITINFO2);
	return EXIT_CONTINUE;
}

static enum exit_result ioio_exit(struct vcpu *v)
{
	uint8_t *vmcb = v->arch->vmcb;
	uint64_t info = *vmcb_u64(vmcb, VMCB_EXITINFO1);
	uint16_t port = (uint16_t)(info >> 16);
	bool in = info & IOIO_IN;

	if (!x86_uart_port(port) && x86_domain_is_linux(v->dom) && !(info & IOIO_STR)) {
		return pc_ioio(v, port, (info >> 4) & 7, in);
	}
	if (!x86_uart_port(port)) {
		return stop(v, "%s of I/O port 0x%x, not granted", in ? "IN" : "OUT", port);
	}
	if ((info & IOIO_STR) || !(info & IOIO_SZ8)) {
		return stop(v, "%s of I/O port 0x%x: only byte-wide IN and OUT are emulated",
			    in ? "IN" : "OUT", port);
	}
	uint64_t *rax = vmcb_u64(vmcb, VMCB_RAX);
	uint8_t val = (uint8_t)*rax;
	x86_uart_access(v->dom, x86_domain_uart(v->dom), port, !in, &val);
	if (in) {
		*rax = (*rax & ~0xFFull) | val;
	}
	*vmcb_u64(vmcb, VMCB_RIP) = *vmcb_u64(vmcb, VMCB_EXITINFO2);
	return EXIT_CONTINUE;
}

/* x86_fetch_insn's reader: the domain's RAM. */
static bool guest_read(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	return domain_read_ram(ctx, ipa_init(gpa), buf, n);
}

/* The VMCB's segment attributes (APM vol. 2, 15.5.1: descriptor bits
 * 40-47 and 52-55 packed into 12 bits): L and D/B of CS. */
#define SEG_ATTR_L  (1u << 9)
#define SEG_ATTR_DB (1u << 10)
#define EFER_LMA    (1ull << 10)

/*
 * The instruction at the vCPU's RIP, fetched through its page tables
 * (decode.c: it ran, so its bytes are there, unless another vCPU changed
 * them meanwhile) and decoded into @m; @bytes and *@n what was fetched.
 * NULL, else why it is not emulated.
 */
static const char *mmio_insn(struct vcpu *v, struct x86_mmio *m, uint8_t bytes[X86_INSN_MAX],
			     unsigned *n)
{
	uint8_t *vmcb = v->arch->vmcb;
	uint16_t cs_attr;
	uint64_t cs_base, rip = *vmcb_u64(vmcb, VMCB_RIP), la;
	struct x86_paging p = {
		.cr0 = *vmcb_u64(vmcb, VMCB_CR0),
		.cr3 = *vmcb_u64(vmcb, VMCB_CR3),
		.cr4 = *vmcb_u64(vmcb, VMCB_CR4),
		.efer = *vmcb_u64(vmcb, VMCB_EFER),
		.cpl = vmcb[VMCB_CPL] & 3,
	};
	enum x86_mode mode;

	memcpy(&cs_attr, vmcb + VMCB_CS + 2, sizeof(cs_attr));
	memcpy(&cs_base, vmcb + VMCB_CS + 8, sizeof(cs_base));
	if ((p.efer & EFER_LMA) && (cs_attr & SEG_ATTR_L)) {
		mode = X86_MODE_64;
		la = rip; /* CS's base is 0 in 64-bit mode */
	} else {
		mode = (cs_attr & SEG_ATTR_DB) ? X86_MODE_32 : X86_MODE_16;
		la = (cs_base + (mode == X86_MODE_32 ? (uint32_t)rip : (uint16_t)rip)) &
		     0xFFFFFFFFull;
	}
	const char *why = x86_fetch_insn(&p, la, guest_read, v->dom, bytes, n);
	return why != NULL ? why : x86_decode_mmio(bytes, *n, mode, m);
}

/* NPF EXITINFO1 (APM vol. 2, 15.25.6): a #PF error code (bit 1 a write,
 * bit 4 an instruction fetch) and bit 33, the fault hit the guest's own
 * page-table walk. */
#define NPF_WRITE   (1ull << 1)
#define NPF_FETCH   (1ull << 4)
#define NPF_IN_WALK (1ull << 33)

/*
 * A Linux domain's data access outside its RAM: decoded, then emulated
 * when it is its local APIC's page (vlapic.c; RIP advances past the
 * instruction, a load's register written as the CPU would), else the
 * domain stops with what it did; an instruction not decoded stops it by
 * name with its bytes.
 */
/*
 * An IPI from @v's local APIC to the vCPUs of its domain whose APIC
 * matches (APIC ID = vCPU index; an ID nobody has matches no one):
 *   fixed        requested in the target's IRR, the target woken or kicked
 *                (sched_wake) so that it sees it now; lowest priority goes
 *                to the first match
 *   INIT         an off vCPU waits for a STARTUP IPI; a running one is
 *                left alone (it is not reset)
 *   STARTUP      a vCPU waiting after INIT starts in real mode at the
 *                vector's page (linux_start_ap); any other STARTUP (a
 *                second one, a storm, to a running vCPU) is ignored, as a
 *                CPU ignores SIPIs outside wait-for-SIPI
 *   NMI, SMI     dropped (not emulated)
 * The target's IRR is set atomically (vlapic_request); the rest of its
 * local APIC is only its own CPU's.
 */
static void lapic_ipi(struct vcpu *v, const struct vlapic_ipi *ipi)
{
	struct domain *d = v->dom;
	uint32_t from = v->arch->lapic.id;

	if (ipi->deassert) {
		return;
	}
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *w = &d->vcpus[i];
		struct arch_vcpu *a = w->arch;
		if (!vlapic_match(&a->lapic, from, ipi)) {
			continue;
		}
		bool off = __atomic_load_n(&w->power, __ATOMIC_ACQUIRE) == VCPU_OFF;
		switch (ipi->mode) {
		case VLAPIC_FIXED:
		case VLAPIC_LOWEST:
			vlapic_request(&a->lapic, ipi->vector);
			sched_wake(w);
			if (ipi->mode == VLAPIC_LOWEST) {
				return;
			}
			break;
		case VLAPIC_INIT:
			if (off && w != v) {
				__atomic_store_n(&a->wait_sipi, true, __ATOMIC_RELEASE);
			}
			break;
		case VLAPIC_SIPI:
			if (off && __atomic_exchange_n(&a->wait_sipi, false, __ATOMIC_ACQ_REL)) {
				vcpu_on(w, ipa_init((uint64_t)ipi->vector << 12), 0);
			}
			break;
		default:
			break;
		}
	}
}

/* The general register @n of the decoder's numbering (RAX 0 ... R15 15). */
static uint64_t *gpr(struct vcpu *v, unsigned n)
{
	struct svm_gprs *g = &v->arch->g;
	uint64_t *regs[16] = {
		vmcb_u64(v->arch->vmcb, VMCB_RAX),
		&g->rcx,
		&g->rdx,
		&g->rbx,
		vmcb_u64(v->arch->vmcb, VMCB_RSP),
		&g->rbp,
		&g->rsi,
		&g->rdi,
		&g->r8,
		&g->r9,
		&g->r10,
		&g->r11,
		&g->r12,
		&g->r13,
		&g->r14,
		&g->r15,
	};

	return regs[n & 15];
}

static enum exit_result mmio_exit(struct vcpu *v, uint64_t gpa, uint64_t info)
{
	struct x86_mmio m;
	uint8_t bytes[X86_INSN_MAX];
	unsigned n;
	const char *why = mmio_insn(v, &m, bytes, &n);
	const char *dir = (info & NPF_WRITE) ? "write" : "read";

	if (why != NULL) {
		char hex[3 * X86_INSN_MAX] = "";
		for (unsigned i = 0, at = 0; i < n; i++) {
			at += (unsigned)fmt_snprintf(hex + at, sizeof(hex) - at, "%s%02x",
						     i ? " " : "", bytes[i]);
		}
		return stop(v, "MMIO %s at 0x%llx, instruction not emulated (%s): %s", dir,
			    (unsigned long long)gpa, why, n ? hex : "none");
	}
	if (m.write != !!(info & NPF_WRITE)) {
		return stop(v,
			    "MMIO %s at 0x%llx: the instruction at RIP is a %s (changed meanwhile)",
			    dir, (unsigned long long)gpa, m.write ? "store" : "load");
	}
	if ((gpa & ~0xFFFull) != VLAPIC_BASE) {
		return stop(v, "MMIO %s of %u bytes at 0x%llx: not its RAM nor an emulated device",
			    dir, m.size, (unsigned long long)gpa);
	}
	/* Its local APIC's page (vlapic.c). */
	struct vlapic *l = &v->arch->lapic;
	unsigned off = gpa & 0xFFF;
	if (m.write) {
		uint32_t val = (uint32_t)x86_mmio_store_value(&m, m.has_imm ? 0 : *gpr(v, m.reg));
		struct vlapic_ipi ipi;
		why = vlapic_write(l, off, m.size, val, rdtsc(), &ipi);
		if (why == NULL && ipi.send) {
			lapic_ipi(v, &ipi);
		}
	} else {
		uint32_t val;
		why = vlapic_read(l, off, m.size, rdtsc(), &val);
		uint64_t *r = gpr(v, m.reg);
		*r = why == NULL ? x86_mmio_load_result(&m, *r, val) : *r;
	}
	if (why != NULL) {
		return stop(v, "local APIC %s of %u bytes at 0x%llx: %s", dir, m.size,
			    (unsigned long long)gpa, why);
	}
	advance(v, m.len);
	return EXIT_CONTINUE;
}

static enum exit_result npf_exit(struct vcpu *v)
{
	uint64_t gpa = *vmcb_u64(v->arch->vmcb, VMCB_EXITINFO2);
	uint64_t info = *vmcb_u64(v->arch->vmcb, VMCB_EXITINFO1);

	if (!(info & 1) && domain_touch(v->dom, ipa_init(gpa))) {
		return EXIT_CONTINUE;
	}
	if (x86_domain_is_linux(v->dom) && !(info & (NPF_FETCH | NPF_IN_WALK))) {
		return mmio_exit(v, gpa, info);
	}
	return stop(v, "nested page fault at 0x%llx (%s, error 0x%llx): not its RAM",
		    (unsigned long long)gpa, (info & 2) ? "write" : "read",
		    (unsigned long long)(info & 0xFFFFFFFF));
}

static enum exit_result handle_exit(struct vcpu *v)
{
	uint8_t *vmcb = v->arch->vmcb;
	uint64_t code = *vmcb_u64(vmcb, VMCB_EXITCODE);

	switch (code) {
	case EXIT_INTR:
	case EXIT_NMI:
		/* Take it now (the tick, a kick), then let the scheduler say. */
		__asm__ volatile("sti; nop; cli" ::: "memory");
		return EXIT_CONTINUE;
	case EXIT_VMMCALL:
		return vmmcall(v);
	case EXIT_CPUID:
		return cpuid_exit(v);
	case EXIT_MSR:
		return msr_exit(v);
	case EXIT_HLT:
		return hlt_exit(v);
	case EXIT_IOIO:
		return ioio_exit(v);
	case EXIT_NPF:
		return npf_exit(v);
	case EXIT_INVD:
		/* INVD drops dirty lines, the hypervisor's too: a WBINVD is
		 * what the guest gets, and its memory is coherent anyway. */
		advance(v, 2);
		return EXIT_CONTINUE;
	case EXIT_XSETBV:
		return stop(v, "XSETBV (no extended state for guests)");
	case EXIT_SHUTDOWN:
		return stop(v, "triple fault (shutdown)");
	case EXIT_INVALID:
		return stop(v, "VMRUN refused the vCPU's state (VMEXIT_INVALID)");
	default:
		if ((code >= EXIT_VMRUN && code <= EXIT_VMRUN + 6) || code == EXIT_INVLPGA) {
			return stop(v, "SVM instruction (exit 0x%llx)", (unsigned long long)code);
		}
		return stop(v, "unexpected exit 0x%llx (info 0x%llx 0x%llx)",
			    (unsigned long long)code,
			    (unsigned long long)*vmcb_u64(vmcb, VMCB_EXITINFO1),
			    (unsigned long long)*vmcb_u64(vmcb, VMCB_EXITINFO2));
	}
}

/*
 * An event the exit interrupted while the CPU delivered it (EXITINTINFO,
 * APM vol. 2, 15.7.2) is injected again on the next VMRUN, as the guest
 * would otherwise lose it: an interrupt, an NMI, an exception. Not a
 * software interrupt (INT n) nor INT3/INTO: without NRIP save RIP still
 * points at the instruction, which runs again and raises it anew.
 */
#define EVENT_VALID     (1ull << 31)
#define EVENT_TYPE(e)   (((e) >> 8) & 7)
#define EVENT_VECTOR(e) ((e)&0xFF)
#define EVENT_EXCEPTION 3

static void reinject(uint8_t *vmcb)
{
	uint64_t e = *vmcb_u64(vmcb, VMCB_EXITINTINFO);
	unsigned type = EVENT_TYPE(e), vector = EVENT_VECTOR(e);

	if (!(e & EVENT_VALID) || type > EVENT_EXCEPTION ||
	    (type == EVENT_EXCEPTION && (vector == 3 || vector == 4))) {
		return;
	}
	*vmcb_u64(vmcb, VMCB_EVENTINJ) = e;
}

/*
 * A Linux domain's next PIC vector, as a virtual interrupt (APM vol. 2,
 * 15.21.4: V_IRQ with its vector and priority, V_IGN_TPR), taken by the
 * vCPU once its RFLAGS.IF allows; one at a time (V_IRQ clears when taken).
 */
#define V_IRQ       (1ull << 8)
#define V_PRIO      (0xFull << 16)
#define V_IGN_TPR   (1ull << 20)
#define V_VECTOR(v) ((uint64_t)(v) << 32)

static void pc_inject(struct vcpu *v)
{
	uint64_t *ctl = vmcb_u64(v->arch->vmcb, VMCB_INT_CTL);

	if (*ctl & V_IRQ) {
		return;
	}
	struct domain *d = v->dom;
	struct vlapic *l = &v->arch->lapic;
	int vec = vlapic_pending(l, rdtsc());
	if (vec >= 0) {
		vlapic_accept(l, (uint8_t)vec);
	} else if (v->index == 0 && vlapic_extint(l)) {
		/* The 8259's INTR on the virtual wire (LINT0, ExtINT). */
		struct pc *pc = x86_domain_pc(d);
		bool uart = x86_uart_irq(d, x86_domain_uart(d));
		unsigned long flags = spin_lock_irqsave(&pc->lock);
		vec = pc_interrupt(pc, uart);
		spin_unlock_irqrestore(&pc->lock, flags);
	}
	if (vec >= 0) {
		*ctl = (*ctl & ~(0xFFull << 32)) | V_IRQ | V_PRIO | V_IGN_TPR | V_VECTOR(vec);
	}
}

/* The vCPU's ASID on this CPU, and the flush its run needs (asid.c). */
static void asid_set(struct vcpu *v, unsigned cpu)
{
	unsigned tlb = asid_assign(&asids[cpu], cpu, &v->arch->asid, npt_epoch(v->dom->s2));

	*vmcb_u64(v->arch->vmcb, VMCB_ASID) = v->arch->asid.asid | (uint64_t)tlb << 32;
}

/*
 * Sleepers: the Linux vCPUs blocked in HLT (sched_block) on each CPU,
 * each with the TSC of its next timer event (its APIC timer; vCPU 0 also
 * its PIT's next edge). That CPU's one-shot timer (timer.c) fires at the
 * first deadline or its next tick, whichever is earlier; every time it
 * fires, each sleeper with a vector now (its APIC timer; for vCPU 0 the
 * PIT's edges and the UART's line: console input) is woken (sched_wake),
 * as is one whose domain ended (so that its memory can be given back:
 * arch_vcpu_sleeping). An IPI wakes its target from any CPU (lapic_ipi);
 * the sleeper then takes itself off its list when it runs again. The list
 * of a CPU is touched only by that CPU with interrupts masked (its run
 * loop, its timer interrupt): no lock.
 */
static struct vcpu *sleepers[HV_MAX_CPUS];

static void unlink_sleeper(struct vcpu *v)
{
	struct vcpu **p = &sleepers[v->cpu];

	while (*p != NULL && *p != v) {
		p = &(*p)->arch->next_sleeper;
	}
	if (*p == v) {
		*p = v->arch->next_sleeper;
	}
	v->arch->next_sleeper = NULL;
	__atomic_store_n(&v->arch->sleeping, false, __ATOMIC_RELEASE);
}


/* Whether its local APIC has a vector for it, or the 8259 on its virtual
 * wire (vCPU 0 only). */
static bool pc_pending(struct vcpu *v)
{
	struct domain *d = v->dom;
	struct vlapic *l = &v->arch->lapic;

	if (vlapic_pending(l, rdtsc()) >= 0) {
		return true;
	}
	if (v->index != 0 || !vlapic_extint(l)) {
		return false;
	}
	struct pc *pc = x86_domain_pc(d);
	bool uart = x86_uart_irq(d, x86_domain_uart(d));
	unsigned long flags = spin_lock_irqsave(&pc->lock);
	bool has = pc_has_interrupt(pc, uart);
	spin_unlock_irqrestore(&pc->lock, flags);
	return has;
}

/*
 * The TSC of its next timer event: its APIC timer, or its PIT (vCPU 0,
 * read under the PIC's lock, as another vCPU may be programming it); not
 * sooner than WAKE_MIN_US from now. A guest whose timer fires every few
 * cycles while its vector is held back (TPR, the 8259's mask, a vector in
 * service) sleeps with nothing to take: without the floor its CPU would
 * do nothing but take timer interrupts for it. Linux's shortest timer is
 * far longer.
 */
#define WAKE_MIN_US 50

static uint64_t wake_time(struct vcpu *v)
{
	uint64_t t = vlapic_next_event(&v->arch->lapic);
	uint64_t floor = rdtsc() + x86_tsc_hz() / 1000000 * WAKE_MIN_US;

	if (v->index == 0) {
		struct pc *pc = x86_domain_pc(v->dom);
		unsigned long flags = spin_lock_irqsave(&pc->lock);
		uint64_t p = pc_next_event(pc);
		spin_unlock_irqrestore(&pc->lock, flags);
		t = p < t ? p : t;
	}
	return t > floor ? t : floor;
}

static void hlt_sleep(struct vcpu *v)
{
	struct arch_vcpu *a = v->arch;

	a->wake_at = wake_time(v);
	a->next_sleeper = sleepers[v->cpu];
	sleepers[v->cpu] = v;
	__atomic_store_n(&a->sleeping, true, __ATOMIC_RELEASE);
	x86_timer_reprogram();
}

uint64_t svm_next_wakeup(void)
{
	uint64_t first = ~0ull;

	for (struct vcpu *v = sleepers[arch_this_cpu()->id]; v != NULL; v = v->arch->next_sleeper) {
		first = v->arch->wake_at < first ? v->arch->wake_at : first;
	}
	return first;
}

void svm_expire(void)
{
	struct vcpu **p = &sleepers[arch_this_cpu()->id];

	while (*p != NULL) {
		struct vcpu *v = *p;
		bool on = __atomic_load_n(&v->power, __ATOMIC_ACQUIRE) == VCPU_ON;
		if (on && !pc_pending(v)) {
			v->arch->wake_at = wake_time(v);
			p = &v->arch->next_sleeper;
			continue;
		}
		*p = v->arch->next_sleeper;
		v->arch->next_sleeper = NULL;
		if (on) {
			sched_wake(v);
		}
		/* Last: once it reads false, the vCPU is no longer this CPU's
		 * and a dead one may be freed (domain_on_cpu). */
		__atomic_store_n(&v->arch->sleeping, false, __ATOMIC_RELEASE);
	}
}

void arch_vcpu_run(struct vcpu *v)
{
	struct arch_vcpu *a = v->arch;
	unsigned cpu = arch_this_cpu()->id;

	if (a->sleeping) {
		unlink_sleeper(v); /* woken otherwise: not by its timer */
	}
	a->blocked = false;
	__asm__ volatile("fxrstor64 %0" ::"m"(a->fpu));
	for (;;) {
		if (x86_domain_is_linux(v->dom)) {
			pc_inject(v);
		}
		asid_set(v, cpu);
		svm_run((uintptr_t)a->vmcb, &a->g, (uintptr_t)host_area[cpu]);
		reinject(a->vmcb);
		if (handle_exit(v) != EXIT_CONTINUE || sched_must_leave(v)) {
			break;
		}
	}
	__asm__ volatile("fxsave64 %0" : "=m"(a->fpu));
	if (a->blocked) {
		hlt_sleep(v);
	}
}

/* Under @v's run-queue lock, from its HLT (sched_block): a vector waiting
 * in V_IRQ, or one its PIC would deliver now. */
bool arch_vcpu_has_interrupt(struct vcpu *v)
{
	if (!x86_domain_is_linux(v->dom)) {
		return false;
	}
	return (*vmcb_u64(v->arch->vmcb, VMCB_INT_CTL) & V_IRQ) || pc_pending(v);
}

bool arch_vcpu_sleeping(const struct vcpu *v)
{
	return __atomic_load_n(&v->arch->sleeping, __ATOMIC_ACQUIRE);
}
