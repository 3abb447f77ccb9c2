/*
 * A device's MMIO as the CPU sees it: a node's reg translated through every
 * parent's ranges (Devicetree Specification, 2.3.6 "reg" and 2.3.8
 * "ranges"). Shared by lcm-tool (which devices a domain may be given) and
 * the hypervisor (that a passthrough node's xen,reg is its host device's).
 */
#ifndef HL_FDT_REG_H
#define HL_FDT_REG_H

#include <stdint.h>

/* Up to @max (address, size) pairs of @node's reg with size > 0, as CPU
 * addresses; the number found, or -1 when @node has no reg, its cells are
 * not 1 or 2, or an address is outside its parents' ranges. */
int lcm_fdt_reg(const void *fdt, int node, uint64_t (*out)[2], int max);

#endif /* HL_FDT_REG_H */
