/*
 * SHA-256 block compression with the ARMv8 crypto extension (SHA256H,
 * SHA256H2, SHA256SU0, SHA256SU1: four rounds per instruction pair). The
 * builder hashes every boot module before use; a Linux Image is 30+ MiB,
 * and the portable C costs some 20 instructions per byte where this costs
 * about one per byte.
 *
 * void sha256_ce_blocks(uint32_t h[8], const uint8_t *p, size_t n)
 *
 * The hypervisor is built without FP/SIMD (-mgeneral-regs-only), so a
 * guest's vector registers may still be live when this runs (a hypercall
 * that builds a domain): every vector register used is saved on entry and
 * restored on exit. Uses v0-v7 and v16-v18.
 */
	.arch	armv8-a+crypto
	.text

/* Four rounds on message words \w0 (+K from \k), then the next four words
 * of the schedule into \w0 from \w0..\w3 (FIPS 180-4, 6.2.2 step 1). */
.macro rounds_su w0, w1, w2, w3
	ld1	{v17.4s}, [x3], #16
	add	v16.4s, \w0\().4s, v17.4s
	sha256su0 \w0\().4s, \w1\().4s
	mov	v18.16b, v0.16b
	sha256h	q0, q1, v16.4s
	sha256h2 q1, q18, v16.4s
	sha256su1 \w0\().4s, \w2\().4s, \w3\().4s
.endm

/* The last sixteen rounds: the schedule is complete. */
.macro rounds w0
	ld1	{v17.4s}, [x3], #16
	add	v16.4s, \w0\().4s, v17.4s
	mov	v18.16b, v0.16b
	sha256h	q0, q1, v16.4s
	sha256h2 q1, q18, v16.4s
.endm

	.globl	sha256_ce_blocks
	.type	sha256_ce_blocks, %function
sha256_ce_blocks:
	sub	sp, sp, #176
	st1	{v0.16b-v3.16b}, [sp]
	add	x4, sp, #64
	st1	{v4.16b-v7.16b}, [x4]
	add	x4, sp, #128
	st1	{v16.16b-v18.16b}, [x4]

	ld1	{v0.4s, v1.4s}, [x0]
	cbz	x2, 2f
1:	ld1	{v4.16b-v7.16b}, [x1], #64
	rev32	v4.16b, v4.16b		/* message words are big-endian */
	rev32	v5.16b, v5.16b
	rev32	v6.16b, v6.16b
	rev32	v7.16b, v7.16b
	mov	v2.16b, v0.16b
	mov	v3.16b, v1.16b
	adrp	x3, sha256_k
	add	x3, x3, :lo12:sha256_k
	.rept	3
	rounds_su v4, v5, v6, v7
	rounds_su v5, v6, v7, v4
	rounds_su v6, v7, v4, v5
	rounds_su v7, v4, v5, v6
	.endr
	rounds	v4
	rounds	v5
	rounds	v6
	rounds	v7
	add	v0.4s, v0.4s, v2.4s
	add	v1.4s, v1.4s, v3.4s
	subs	x2, x2, #1
	b.ne	1b
2:	st1	{v0.4s, v1.4s}, [x0]

	ld1	{v0.16b-v3.16b}, [sp]
	add	x4, sp, #64
	ld1	{v4.16b-v7.16b}, [x4]
	add	x4, sp, #128
	ld1	{v16.16b-v18.16b}, [x4]
	add	sp, sp, #176
	ret
	.size	sha256_ce_blocks, . - sha256_ce_blocks

	.section .rodata
	.balign	16
sha256_k:	/* FIPS 180-4, 4.2.2 */
	.word	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5
	.word	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174
	.word	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da
	.word	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967
	.word	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85
	.word	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070
	.word	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3
	.word	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
