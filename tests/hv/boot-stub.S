/*
 * A minimal stand-in for a bootloader (U-Boot's booti): enter the image at
 * IMG with x0 = DTB, x1-x3 = 0 (Linux arm64 booting.rst). QEMU's generic
 * loader puts it in RAM (QEMU keeps its own DTB at the start of RAM
 * when there is no -kernel) and points CPU 0's PC at it.
 */
	.globl	_start
_start:
	ldr	x0, dtb
	ldr	x4, img
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x4
	.balign	8
dtb:	.quad	DTB
img:	.quad	IMG
