/*
 * The hypervisor console: printk() of whole lines, atomically with respect
 * to other CPUs, and panic().
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include "core/types.h"

void console_init(paddr_t uart);
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* HV_CONSOLE_H */
