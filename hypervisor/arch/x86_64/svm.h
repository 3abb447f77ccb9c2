/*
 * AMD SVM (AMD APM vol. 2, chapter 15): the VMCB layout this backend uses,
 * and what svm.c, npt.c and guest.c share.
 */
#ifndef X86_SVM_H
#define X86_SVM_H

#include "core/arch.h"

struct domain;

/* VMCB control area (APM vol. 2, Appendix B, Table B-1). */
#define VMCB_INTERCEPT_EXC 0x008
#define VMCB_INTERCEPT_3   0x00C
#define VMCB_INTERCEPT_4   0x010
#define VMCB_IOPM_BASE     0x040
#define VMCB_MSRPM_BASE    0x048
#define VMCB_ASID          0x058
#define VMCB_TLB_CONTROL   0x05C
#define VMCB_INT_CTL       0x060
#define VMCB_EXITCODE      0x070
#define VMCB_EXITINFO1     0x078
#define VMCB_EXITINFO2     0x080
#define VMCB_EXITINTINFO   0x088
#define VMCB_NP_ENABLE     0x090
#define VMCB_EVENTINJ      0x0A8
#define VMCB_N_CR3         0x0B0
/* State save area (Table B-2), at 0x400. */
#define VMCB_ES     0x400
#define VMCB_CS     0x410
#define VMCB_SS     0x420
#define VMCB_DS     0x430
#define VMCB_FS     0x440
#define VMCB_GS     0x450
#define VMCB_GDTR   0x460
#define VMCB_LDTR   0x470
#define VMCB_IDTR   0x480
#define VMCB_TR     0x490
#define VMCB_CPL    0x4CB
#define VMCB_EFER   0x4D0
#define VMCB_CR4    0x548
#define VMCB_CR3    0x550
#define VMCB_CR0    0x558
#define VMCB_DR7    0x560
#define VMCB_DR6    0x568
#define VMCB_RFLAGS 0x570
#define VMCB_RIP    0x578
#define VMCB_RSP    0x5D8
#define VMCB_RAX    0x5F8
#define VMCB_G_PAT  0x668

/* Exit codes (Table C-1). */
#define EXIT_INTR     0x060
#define EXIT_NMI      0x061
#define EXIT_CPUID    0x072
#define EXIT_INVD     0x076
#define EXIT_HLT      0x078
#define EXIT_INVLPGA  0x07A
#define EXIT_IOIO     0x07B
#define EXIT_MSR      0x07C
#define EXIT_SHUTDOWN 0x07F
#define EXIT_VMRUN    0x080
#define EXIT_VMMCALL  0x081
#define EXIT_XSETBV   0x08D
#define EXIT_NPF      0x400
#define EXIT_INVALID  ((uint64_t)-1)

#define EFER_SVME (1ull << 12)

/* The general registers VMRUN neither loads nor saves (RAX and RSP are in
 * the VMCB), in svm_entry.S's order. */
struct svm_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/* svm_entry.S: run the guest of @vmcb until its next #VMEXIT; @host is
 * this CPU's area for the host state VMSAVE/VMLOAD keep (FS, GS, TR...). */
void svm_run(uint64_t vmcb, struct svm_gprs *g, uint64_t host);

/* svm.c */
bool svm_ready(void);
void svm_cpu_init(void);
/* The TSC of the first deadline of the vCPUs sleeping on this CPU (~0 for
 * none), and the timer interrupt's look at them (those with a vector now
 * are woken). */
uint64_t svm_next_wakeup(void);
void svm_expire(void);
/* guest.c: the permission maps of a domain (physical addresses). */
uint64_t x86_domain_iopm(const struct domain *d);
uint64_t x86_domain_msrpm(const struct domain *d);
struct x86_uart *x86_domain_uart(struct domain *d);
/* Whether @d's kernel is Linux (a bzImage): it sees the PC platform. */
bool x86_domain_is_linux(const struct domain *d);
void x86_domain_set_linux(struct domain *d);
struct pc *x86_domain_pc(struct domain *d);
/* npt.c: N_CR3 of an address space; its epoch, which changes whenever a
 * mapping is removed or narrowed (a vCPU then needs a fresh ASID: asid.c). */
uint64_t npt_root(const struct stage2 *s);
uint64_t npt_epoch(const struct stage2 *s);

static inline uint64_t *vmcb_u64(void *vmcb, unsigned off)
{
	return (uint64_t *)((uint8_t *)vmcb + off);
}

#endif /* X86_SVM_H */
