/*
 * The guest side of the arch interface, before SVM: every kernel is
 * refused with the reason (arch_kernel_probe), so no domain is built and
 * nothing below that needs a vCPU or a nested page table is reached. The
 * launch itself (LCM, modules, roles, the failure report) runs as on arm64.
 */
#include "core/arch.h"
#include "core/console.h"

#define NO_SVM "x86 guests are not supported yet: this build has no SVM vCPUs"

unsigned arch_max_vmid(void)
{
	return 15; /* the ASIDs QEMU's SVM offers (CPUID 0x8000000A EBX = 16), minus 0 */
}

struct stage2 *arch_stage2_create(unsigned vmid)
{
	(void)vmid;
	return NULL;
}

int arch_stage2_map(struct stage2 *s, ipaddr_t ipa, paddr_t pa, uint64_t size)
{
	(void)s;
	(void)ipa;
	(void)pa;
	(void)size;
	return -1;
}

bool arch_stage2_translate(const struct stage2 *s, ipaddr_t ipa, paddr_t *pa)
{
	(void)s;
	(void)ipa;
	(void)pa;
	return false;
}

void arch_stage2_destroy(struct stage2 *s)
{
	(void)s;
}

ipaddr_t arch_guest_ram_base(void)
{
	return ipa_init(0);
}

ipaddr_t arch_guest_uart_base(void)
{
	return ipa_init(0x3F8); /* COM1, an I/O port */
}

const char *arch_kernel_probe(const void *img, uint64_t size, struct kernel_image *k)
{
	(void)img;
	(void)size;
	(void)k;
	return NO_SVM;
}

int arch_guest_dt(void *buf, unsigned size, const struct guest_dt *g)
{
	(void)buf;
	(void)size;
	(void)g;
	return -1;
}

int arch_domain_init(struct domain *d)
{
	(void)d;
	return 0;
}

void arch_domain_free(struct domain *d)
{
	(void)d;
}

void arch_guest_uart_irq(struct domain *d, bool level)
{
	(void)d;
	(void)level;
}

int arch_vcpu_init(struct vcpu *v)
{
	(void)v;
	return 0;
}

void arch_vcpu_free(struct vcpu *v)
{
	(void)v;
}

void arch_vcpu_reset(struct vcpu *v, ipaddr_t entry, uint64_t arg)
{
	(void)v;
	(void)entry;
	(void)arg;
	panic(NO_SVM);
}

void arch_vcpu_run(struct vcpu *v)
{
	(void)v;
	panic(NO_SVM);
}

bool arch_vcpu_has_interrupt(struct vcpu *v)
{
	(void)v;
	return false;
}

bool arch_vcpu_sleeping(const struct vcpu *v)
{
	(void)v;
	return false;
}
