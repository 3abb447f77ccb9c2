/*
 * The devices of a domain's address space: one registry per domain of the
 * regions a guest access traps to ({base, size, handler, arg}), filled when
 * the domain is created (the architecture's interrupt controller, the
 * core's console UART; passthrough and channels later) and read by the
 * architecture's data-abort handler with one lookup.
 */
#ifndef HV_MMIO_H
#define HV_MMIO_H

#include "core/types.h"

struct domain;
struct vcpu;

#define DOMAIN_MAX_MMIO 8

/* Emulate an access of @size bytes at @offset in the region (*@val: what
 * a write stores, or what a read returns). False: nothing answers there
 * (the guest gets an external abort). */
typedef bool (*mmio_handler)(struct vcpu *v, void *arg, uint64_t offset, unsigned size, bool write,
			     uint64_t *val);

struct mmio_region {
	ipaddr_t base;
	uint64_t size;
	mmio_handler handler;
	void *arg;
	const char *name; /* for messages: "GICD", "PL011" */
};

/* Add a region to @d; -1 (with a line naming the domain and the region)
 * when the table is full or it overlaps a region already there. */
int mmio_register(struct domain *d, ipaddr_t base, uint64_t size, mmio_handler handler, void *arg,
		  const char *name);
/* The region of @d that holds @ipa, or NULL. */
const struct mmio_region *mmio_find(const struct domain *d, ipaddr_t ipa);
/* A guest access at @ipa by @v: emulated (true), or no device (false). A
 * read fills *@val (zero when the handler leaves it). */
bool mmio_access(struct vcpu *v, ipaddr_t ipa, unsigned size, bool write, uint64_t *val);

#endif /* HV_MMIO_H */
