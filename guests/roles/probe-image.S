/* The probe's Image, carried inside the role-test guest: the kernel of the
 * domain it creates with HL_DOMAIN_CREATE (a module in its own RAM). */
	.section .rodata.probe_image, "a"
	.balign 4096
	.globl	probe_image, probe_image_end
probe_image:
	.incbin	"build/guests/probe.img"
probe_image_end:
	.balign 4096
