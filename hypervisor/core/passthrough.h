/*
 * Device passthrough: the host devices a domain's device-tree module gives
 * it (docs/bindings.md, "Device passthrough"). The builder parses and
 * checks the module (untrusted input, like every module: each refusal
 * names the node and the property), claims what it gives (a host page or
 * an SPI has one owner among the live domains), maps the MMIO into the
 * domain's stage 2 with device attributes and routes the SPIs to it as
 * hardware interrupts (the architecture's part); the guest device tree
 * writer copies the nodes; domain_release() gives it all back.
 */
#ifndef HV_PASSTHROUGH_H
#define HV_PASSTHROUGH_H

#include "core/platform.h"
#include "core/types.h"

struct domain;

#define PT_MAX_DEVICES 64
#define PT_MAX_REGS    8
#define PT_MAX_IRQS    8

struct pt_region {
	paddr_t pa;
	ipaddr_t ipa;
	uint64_t size;
};

struct pt_device {
	int node;      /* its offset in the partial device tree */
	char name[48]; /* its node name, printable ASCII (lcm_printable) */
	struct pt_region reg[PT_MAX_REGS];
	unsigned nr_reg;
	unsigned intid[PT_MAX_IRQS]; /* physical = virtual */
	bool edge[PT_MAX_IRQS];      /* from the host device tree */
	unsigned nr_irq;
	bool pci; /* a PCI host bridge: its ranges and interrupt-map are rewritten */
};

/* What a domain was given; in pages of its own, freed with the domain. */
struct pt_assign {
	const void *fdt; /* the partial device tree (the module, still in memory) */
	struct pt_device dev[PT_MAX_DEVICES];
	unsigned nr;
	bool claimed; /* its pages and SPIs are in the owner table */
};

/*
 * Parse and check the partial device tree @fdt (@size bytes) given to
 * domain @d (its RAM and its emulated devices, d->mmio, already set up)
 * against the host platform @p: fills @a (whose fdt points into @fdt), or
 * returns -1 with the reason in @why ("/passthrough/pl061@9030000:
 * xen,reg: ..."). Claims nothing.
 */
int pt_parse(const void *fdt, uint64_t size, const struct platform *p, const struct domain *d,
	     struct pt_assign *a, char *why, size_t n);

/*
 * The hardware domain's devices: every device of the host device tree (a
 * top-level node with MMIO registers) that the hypervisor does not keep
 * and no live domain has claimed, at its host address, with its SPIs;
 * fills @a (whose fdt is the host's) and returns how many. A PCI host
 * bridge comes with its ECAM, the windows of its ranges that end below
 * arch_guest_ipa_end() and the SPIs of its interrupt-map (INTx). Claims
 * nothing.
 */
int pt_hardware(const struct platform *p, const struct domain *d, struct pt_assign *a);

/* Take ownership of @a's host pages and SPIs for @d, map its MMIO in @d's
 * stage 2 and route its SPIs to @d; -1 with @why when another live domain
 * owns one of them, or the architecture refuses (all undone then). */
int pt_claim(struct domain *d, struct pt_assign *a, char *why, size_t n);

/* Give back what @d was given (its SPIs first: disabled, deactivated). */
void pt_release(struct domain *d);

/* Write @a's device nodes into a device tree being written with libfdt's
 * sequential-write functions (at the current node), with @gic_phandle as
 * interrupt parent and @clk_phandle as a PrimeCell's apb_pclk. 0 or a
 * libfdt error. */
int pt_write_nodes(void *fdt, const struct pt_assign *a, uint32_t gic_phandle,
		   uint32_t clk_phandle);

#endif /* HV_PASSTHROUGH_H */
