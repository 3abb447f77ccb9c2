/*
 * Entry of every bare-metal guest: an arm64 Image (64-byte header, linked at
 * 0, self-relocating), so it boots the way Linux does on our hypervisor, on
 * Xen dom0less, or directly on QEMU. Documentation/arm64/booting.rst: x0 is
 * the DTB, MMU and D-cache are off, we run at EL1.
 */
#include <arm64/image.h>

#define STACK_SIZE         (16 * 1024)
#define MAX_VCPUS          8

	.section .text.head, "ax"
	.globl	_start
_start:
	image_header entry

entry:
	mov	x19, x0
	adr	x20, _start
	apply_relocations x20, .
	clear_bss
	adr_l	x1, stacks
	add	sp, x1, #STACK_SIZE
	bl	cpu_setup
	mov	x0, x19
	bl	guest_start		/* never returns */
	b	.

/*
 * Secondary vCPUs (PSCI CPU_ON with entry = secondary_entry): x0 is the
 * context id, which guest_cpu_on() makes the vCPU index.
 */
	.text
	.globl	secondary_entry
secondary_entry:
	mov	x19, x0
	adr_l	x1, stacks
	mov	x2, #STACK_SIZE
	madd	x1, x0, x2, x1
	add	sp, x1, #STACK_SIZE
	bl	cpu_setup
	mov	x0, x19
	bl	guest_secondary_start
	b	.

/* FP/SIMD on (libfdt uses it), our vectors in. */
cpu_setup:
	mrs	x1, cpacr_el1
	orr	x1, x1, #(3 << 20)
	msr	cpacr_el1, x1
	adr_l	x1, guest_vectors
	msr	vbar_el1, x1
	isb
	ret

/* Every exception is unexpected in these guests: report and stop. */
.macro vector
	.balign	0x80
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	b	guest_exception
.endm
	.balign	0x800
guest_vectors:
	.rept	16
	vector
	.endr

	.bss
	.balign	16
	.globl	stacks
stacks:
	.space	STACK_SIZE * MAX_VCPUS
