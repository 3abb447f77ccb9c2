/*
 * Boot modules: the memory ranges a bootloader loaded for the launch (the
 * module-addr ranges of an LCM, or the /chosen multiboot nodes of a classic
 * boot). Each is validated once, when the launch probes the host DTB, and
 * has exactly one owner at a time, so that its memory is read only while it
 * is boot material and given back exactly once.
 */
#ifndef HV_BOOTMOD_H
#define HV_BOOTMOD_H

#include "core/platform.h"
#include "core/types.h"

struct domain;
struct lcm_launch;

#define BOOTMOD_NONE (-1) /* not a boot module (a copy, or absent) */
#define BOOTMOD_MAX  512  /* distinct ranges */

/* Record and validate every module-addr range of the accepted (or
 * rejected: its well-formed modules stay reserved) LCM @l, keeping each
 * out of the page allocator. Returns the number of ranges. */
unsigned bootmod_probe_lcm(const struct platform *p, const struct lcm_launch *l);
/* The same for the /chosen multiboot,* nodes of a classic boot; past
 * BOOTMOD_MAX nodes the rest are refused with a message. */
unsigned bootmod_probe_classic(const struct platform *p);

/* Classic boot: the first /chosen node compatible with @compat with a
 * usable reg (its range in *@addr, *@size), or -1. */
int bootmod_classic(const char *compat, uint64_t *addr, uint64_t *size);

/* The range of LCM module @index (lcm_parse() order); BOOTMOD_NONE for a
 * module located by mb-index, or when there is no such module. */
int bootmod_of_lcm(uint32_t index);
/* The range recorded for exactly [addr, addr + size), or BOOTMOD_NONE. */
int bootmod_find(uint64_t addr, uint64_t size);
/* Why range @r was refused at probe time (outside RAM, over the
 * hypervisor, ...), or NULL when it is usable. */
const char *bootmod_refused(int r);
/* The SHA-256 of range @r, computed the first time it is asked for: a
 * range shared by several domains is hashed once. Only for a range that is
 * still boot material (never freed meanwhile: its handle is never reused). */
const uint8_t *bootmod_digest(int r);

/* Whether the rest of the page range @r ends in is used by nothing else
 * (no other module, nor the hypervisor, the host DTB or firmware memory):
 * then that whole page may become guest RAM with the range. */
bool bootmod_tail_free(int r);
/* The builder mapped range @r in place as @d's RAM: from now on it is
 * @d's memory, freed (once) by domain_reclaim(), never by bootmod_reclaim(). */
void bootmod_give(int r, struct domain *d);
/* @d starts running, or its memory is being given back: the ranges it was
 * given stop being boot material (no more HL_BOOT_MODULE_READ of them). */
void bootmod_domain_takes(struct domain *d);

/* HL_BOOT_MODULE_READ: copy at most a chunk of range @r, from @off, into
 * @to's RAM at @ipa (at most @n bytes); *@size is the range's size.
 * Returns the bytes copied or an HL_E* code: HL_ENOENT refused at boot,
 * HL_EBUSY no longer boot material (a started domain's RAM, or reclaimed),
 * HL_EINVAL offset past the end, HL_EFAULT. */
int64_t bootmod_read(int r, uint64_t off, struct domain *to, ipaddr_t ipa, uint64_t n,
		     uint64_t *size);

/* Launch finalization: scrub and return every range still held as boot
 * material (validated, not given to a domain). Returns the bytes freed. */
uint64_t bootmod_reclaim(void);

#endif /* HV_BOOTMOD_H */
