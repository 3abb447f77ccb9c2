/*
 * The reference Boot Domain's configuration (its `config` module): plain
 * text, one directive a line, `#` to the end of the line a comment
 * (docs/boot-flow.md, "The reference Boot Domain"):
 *
 *   order A B C           start these first, in this order
 *   wait A                wait for A's ready report before the next start
 *   wait-timeout-ms N     how long a wait may take (default 5000)
 *   bootargs A TEXT...    A's bootargs become TEXT
 *   affinity A VCPU CPU   vCPU VCPU of A runs on physical CPU CPU
 *
 * One parser for every reader, so that they agree on every byte: the Boot
 * Domain (guests/bootdom), lcm-tool show (the start plan) and lcm-tool
 * predict (the measured launch). Freestanding, no allocation: the caller
 * gives the structure and the plan's arrays.
 *
 * bootcfg_next() reads one line: `order`, `wait` and `wait-timeout-ms`
 * add to the plan kept in the structure; `bootargs` and `affinity` are
 * handed back, for the caller to apply in line order; a bad line is handed
 * back with its reason, and the configuration is then refused (the Boot
 * Domain applies nothing after it and starts nothing).
 */
#ifndef HL_BOOTCFG_H
#define HL_BOOTCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lcm/lcm.h>

#define BOOTCFG_MAX_SIZE        (16 * 1024) /* the largest config module read */
#define BOOTCFG_LINE_MAX        256         /* a line is shorter, its newline apart */
#define BOOTCFG_SHOWN_LONG      40          /* bytes of a line too long that are shown */
#define BOOTCFG_WAIT_DEFAULT_MS 5000

enum bootcfg_step {
	BOOTCFG_END,      /* no line left: the plan is complete */
	BOOTCFG_PLAN,     /* blank, comment, order, wait or wait-timeout-ms: in the plan */
	BOOTCFG_BOOTARGS, /* domain's bootargs become bootargs */
	BOOTCFG_AFFINITY, /* vCPU vcpu of domain on CPU cpu */
	BOOTCFG_BAD,      /* why; nothing after this line counts */
};

struct bootcfg {
	/* Set by bootcfg_init(). */
	const struct lcm_launch *lcm; /* the domains the names are looked up in */
	const char *text;             /* ends at size bytes or at its first NUL */
	size_t size, at;
	/* The plan so far: domain indexes in start order (the Boot Domain's
	 * own index too, if named), who is waited for, for how long. Both
	 * arrays have lcm->nr_domains entries. */
	int *order;
	unsigned nr_order;
	bool *wait;
	uint64_t wait_timeout_ms;
	/* The line just read: its number (from 1) and text, the comment and
	 * the trailing blanks removed (of a line too long, its first
	 * BOOTCFG_SHOWN_LONG bytes as they are). */
	unsigned no;
	char line[BOOTCFG_LINE_MAX];
	/* What it says. */
	int domain;           /* BOOTCFG_BOOTARGS, BOOTCFG_AFFINITY: an LCM domain index */
	const char *bootargs; /* BOOTCFG_BOOTARGS: in line, NUL-terminated */
	uint64_t vcpu, cpu;   /* BOOTCFG_AFFINITY */
	const char *why;      /* BOOTCFG_BAD: e.g. "unknown directive" */
	bool refused;         /* a bad line was read: bootcfg_next() says BOOTCFG_END */
};

/* Read @size bytes of @text against the domains of @l. @order and @wait
 * have l->nr_domains entries each. */
void bootcfg_init(struct bootcfg *c, const struct lcm_launch *l, const char *text, size_t size,
		  int *order, bool *wait);

/* The next line, as described above. */
enum bootcfg_step bootcfg_next(struct bootcfg *c);

/* After BOOTCFG_BAD: "config line N: WHY: LINE", as the Boot Domain
 * prints it (after "bootdom: "), in @buf (@n bytes, cut when shorter). */
void bootcfg_error(const struct bootcfg *c, char *buf, size_t n);

/* Whether domain index @d is in the plan's order. */
bool bootcfg_ordered(const struct bootcfg *c, int d);

#endif /* HL_BOOTCFG_H */
