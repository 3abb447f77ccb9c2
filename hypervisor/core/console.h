/*
 * The console: the hypervisor's own printk() of whole lines, and the
 * domains' consoles multiplexed on the one physical UART. Output of a domain
 * is collected a line at a time and printed with its name in front
 * ("[app1] probe: ready"); input goes to one domain at a time, chosen with
 * Ctrl-A three times.
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include "core/spinlock.h"
#include "core/types.h"

struct domain;

#define CONSOLE_LINE_MAX 160            /* a longer line is cut in pieces */
#define CONSOLE_INPUT_MAX 64            /* input a domain has not read yet */

/* The console state of one domain. */
struct domain_console {
	struct spinlock lock;           /* taken before console_lock */
	unsigned len;
	unsigned quiet_ticks;           /* ticks since the domain last wrote */
	uint8_t escape;                 /* where in a terminal escape sequence */
	char line[CONSOLE_LINE_MAX];
	unsigned in_head, in_tail;      /* ring: in_head == in_tail is empty */
	char in[CONSOLE_INPUT_MAX];
};

void console_init(paddr_t uart);
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Output of @d: @n bytes of its console. Dropped once @d is off. */
void console_domain_write(struct domain *d, const char *s, size_t n);
/* Print what is left of @d's current line (it is going off). */
void console_domain_flush(struct domain *d);
/* The next input byte for @d, or -1 when there is none. */
int console_domain_getc(struct domain *d);
bool console_domain_has_input(struct domain *d);

/* Give input to @d (NULL: the hypervisor) and say so: the launch, before
 * it starts the domains. */
void console_input_start(struct domain *d);
/* Read what the physical UART received, and show the focused domain's
 * prompt (called on the boot CPU's tick). */
void console_poll(void);

#endif /* HV_CONSOLE_H */
