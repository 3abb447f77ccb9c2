/*
 * Linux guests through the 64-bit boot protocol (linuxboot.c).
 */
#ifndef X86_LINUXBOOT_H
#define X86_LINUXBOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arch.h"
#include "svm.h"

/* When @entry holds a bzImage, the boot state Linux expects instead of the
 * Multiboot2 guests' one: its tables in the domain's low RAM, @vmcb and @g
 * in long mode at its 64-bit entry; true (the domain stopped, with the
 * reason, if its device tree @arg is unusable). False for other images. */
bool linux_boot(struct vcpu *v, uint8_t *vmcb, struct svm_gprs *g, ipaddr_t entry, uint64_t arg);

/* A Linux domain's secondary vCPU after INIT and STARTUP with @vector:
 * real mode at @vector << 12 (its MP table lists it: linux_boot). */
void linux_start_ap(uint8_t *vmcb, uint8_t vector);

#endif /* X86_LINUXBOOT_H */
