/*
 * A tiny test guest, assembled by the tests themselves (like boot-stub.S):
 * an arm64 Image whose code is all PC-relative, so `objcopy -O binary` of
 * the object is the image. It prints through the HL_CONSOLE_WRITE hypercall.
 *
 *   default  PSCI and hypercall checks (two vCPUs, checks numbered 1-19):
 *            each result is compared with what docs/hypercalls.md and PSCI
 *            0.2 say. At the first mismatch it prints "test: check N failed
 *            (x0 low byte 0xXX)" and powers off; when all hold it prints
 *            "psci: all checks passed" and makes the call FINAL (default
 *            SYSTEM_OFF; -DFINAL=0x84000009: SYSTEM_RESET).
 *   -DECHO   echo: prints "echo: ready", then copies every byte its PL011
 *            receives back to it, waiting with WFI between polls.
 *   -DCONTEXT  context switch: fills V0-V31, FPCR and a few EL1/EL0
 *            registers with values of its own (from its domain id), then 64
 *            times gives the CPU away with WFI and checks them all; prints
 *            "context: ok" or "test: check N failed (...)", then FINAL.
 *   -DTAIL   an image that ends inside a page (not padded): reads the rest
 *            of that page, which the hypervisor must have zeroed when it
 *            mapped the module in place; prints "tail: zero" or "test:
 *            check 1 failed (x0 low byte 0xXX)" (the first byte that is
 *            not), then FINAL.
 */
#define HL_CONSOLE_WRITE  0xc6000000
#define HL_WHOAMI         0xc6000001
#define HL_UNKNOWN        0xc6000077
#define HL_CALL_UID       0x8600ff01
#define HL_CALL_REVISION  0x8600ff03
#define HL_UID_0          0x6e75616c
#define HL_EFAULT         -4

#define PSCI_VERSION      0x84000000
#define PSCI_CPU_SUSPEND  0xc4000001
#define PSCI_CPU_OFF      0x84000002
#define PSCI_CPU_ON       0xc4000003
#define PSCI_AFFINITY     0xc4000004
#define PSCI_MIGRATE_INFO 0x84000006
#define PSCI_FEATURES     0x8400000a
#ifndef FINAL
#define FINAL             0x84000008   /* SYSTEM_OFF */
#endif

#define UART              0x09000000
#define UART_FR_RXFE      4             /* bit */

	.text
	.globl	_start
_start:
	b	entry			/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	image_end - _start	/* image_size */
	.quad	0xa			/* flags: LE, 4K pages, anywhere */
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

/* say LABEL: HL_CONSOLE_WRITE of the string LABEL .. LABEL_end. */
.macro say label
	ldr	x0, =HL_CONSOLE_WRITE
	adr	x1, \label
	mov	x2, #(\label\()_end - \label)
	hvc	#0
.endm

/* check N, FID, A1, A2, A3, WANT: x0 of the call must be WANT. */
.macro check num, fid, a1, a2, a3, want, conduit=hvc
	ldr	x0, =\fid
	ldr	x1, =\a1
	ldr	x2, =\a2
	ldr	x3, =\a3
	\conduit	#0
	mov	x10, #\num
	ldr	x9, =\want
	cmp	x0, x9
	b.ne	fail
.endm

entry:
#if defined(CONTEXT)
	mrs	x1, cpacr_el1			/* FP/SIMD on at EL1 */
	orr	x1, x1, #(3 << 20)
	msr	cpacr_el1, x1
	isb
	ldr	x0, =HL_WHOAMI
	hvc	#0
	add	x19, x1, #1			/* this domain's value */
	lsl	x21, x19, #22			/* FPCR.RMode = domain & 3 */
	and	x21, x21, #(3 << 22)
	msr	fpcr, x21
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	add	x20, x19, #\n, lsl #12
	dup	v\n\().2d, x20
	.endr
	msr	tpidr_el1, x19
	msr	tpidr_el0, x19
	msr	tpidrro_el0, x19
	msr	contextidr_el1, x19
	mov	x22, #64
4:	wfi					/* another vCPU runs here */
	mov	x10, #1
	mrs	x0, fpcr
	cmp	x0, x21
	b.ne	fail
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	mov	x10, #(\n + 10)
	add	x20, x19, #\n, lsl #12
	mov	x0, v\n\().d[1]
	cmp	x0, x20
	b.ne	fail
	.endr
	mov	x10, #50
	mrs	x0, tpidr_el1
	cmp	x0, x19
	b.ne	fail
	mrs	x0, tpidr_el0
	cmp	x0, x19
	b.ne	fail
	mrs	x0, tpidrro_el0
	cmp	x0, x19
	b.ne	fail
	mrs	x0, contextidr_el1
	cmp	x0, x19
	b.ne	fail
	subs	x22, x22, #1
	b.ne	4b
	say	msg_context
	ldr	x0, =FINAL
	hvc	#0
	b	.
#elif defined(TAIL)
	adr	x1, image_end
	add	x2, x1, #4095
	and	x2, x2, #~4095
	mov	x10, #1
1:	cmp	x1, x2
	b.hs	2f
	ldrb	w0, [x1], #1
	cbnz	w0, fail
	b	1b
2:	say	msg_tail
	ldr	x0, =FINAL
	hvc	#0
	b	.
#elif defined(ECHO)
	say	msg_echo
	ldr	x1, =UART
1:	ldr	w2, [x1, #0x18]		/* FR */
	tbz	w2, #UART_FR_RXFE, 2f
	wfi
	b	1b
2:	ldr	w3, [x1]		/* DR: a received byte */
	str	w3, [x1]		/* ... goes back out */
	b	1b
#else
	check	1, PSCI_VERSION, 0, 0, 0, 2
	check	2, PSCI_VERSION, 0, 0, 0, 2, smc	/* PSCI over SMC too */
	check	3, PSCI_MIGRATE_INFO, 0, 0, 0, 2	/* no Trusted OS */
	check	4, PSCI_FEATURES, 0, 0, 0, -1		/* PSCI 1.0 only */
	check	5, PSCI_CPU_SUSPEND, 0, 0, 0, -1
	check	6, PSCI_AFFINITY, 1, 0, 0, 1		/* vCPU 1 is off */
	check	7, PSCI_AFFINITY, 0, 0, 0, 0		/* I am on */
	check	8, PSCI_AFFINITY, 9, 0, 0, -2		/* no vCPU 9 */
	check	9, HL_CONSOLE_WRITE, 0x1000, 4, 0, HL_EFAULT	/* not my RAM */
	check	10, HL_UNKNOWN, 0, 0, 0, -1
	check	11, HL_WHOAMI, 0, 0, 0, 0
	mov	x10, #12
	cmp	x3, #2				/* two vCPUs */
	b.ne	fail
	check	17, HL_CALL_UID, 0, 0, 0, HL_UID_0
	check	18, HL_CALL_REVISION, 0, 0, 0, 0	/* 0.1 */
	mov	x10, #19
	cmp	x1, #1
	b.ne	fail
	/* CPU_ON: a vCPU that does not exist, one that is on, then vCPU 1,
	 * which prints and turns itself off again. */
	check	13, PSCI_CPU_ON, 9, 0, 0, -2
	adr	x2, secondary
	ldr	x0, =PSCI_CPU_ON
	mov	x1, #0
	hvc	#0
	mov	x10, #14
	cmn	x0, #4				/* ALREADY_ON */
	b.ne	fail
	adr	x2, secondary
	ldr	x0, =PSCI_CPU_ON
	mov	x1, #1
	ldr	x3, =0x55
	hvc	#0
	mov	x10, #15
	cbnz	x0, fail
3:	ldr	x0, =PSCI_AFFINITY		/* until vCPU 1 is off again */
	mov	x1, #1
	mov	x2, #0
	hvc	#0
	cmp	x0, #1
	b.ne	3b
	say	msg_pass
	ldr	x0, =FINAL
	hvc	#0
	b	.

secondary:
	mov	x10, #16
	cmp	x0, #0x55			/* the context id */
	b.ne	fail
	say	msg_up
	ldr	x0, =PSCI_CPU_OFF
	hvc	#0
	b	.
#endif

/* Check x10 failed with x0: print its number and x0's low byte, power off. */
fail:
	adr	x4, msg_fail_num
	mov	x5, #10
	udiv	x6, x10, x5
	msub	x7, x6, x5, x10
	add	x6, x6, #'0'
	add	x7, x7, #'0'
	strb	w6, [x4]
	strb	w7, [x4, #1]
	adr	x4, msg_fail_x0
	and	x5, x0, #0xff
	lsr	x6, x5, #4
	and	x7, x5, #0xf
	adr	x8, hex
	ldrb	w6, [x8, x6]
	ldrb	w7, [x8, x7]
	strb	w6, [x4]
	strb	w7, [x4, #1]
	say	msg_fail
	ldr	x0, =0x84000008			/* SYSTEM_OFF */
	hvc	#0
	b	.

	.ltorg
hex:		.ascii	"0123456789abcdef"
msg_pass:	.ascii	"psci: all checks passed\n"
msg_pass_end:
msg_up:		.ascii	"psci: vcpu 1 up\n"
msg_up_end:
msg_echo:	.ascii	"echo: ready\n"
msg_echo_end:
msg_context:	.ascii	"context: ok\n"
msg_context_end:
msg_tail:	.ascii	"tail: zero\n"
msg_tail_end:
msg_fail:	.ascii	"test: check "
msg_fail_num:	.ascii	"00 failed (x0 low byte 0x"
msg_fail_x0:	.ascii	"00)\n"
msg_fail_end:
#ifndef TAIL
	.balign	4096
#endif
image_end:
