/*
 * A hostile guest with a Linux bzImage's setup header, so that it gets a
 * Linux domain's PC platform (docs/x86-linux.md) and is entered as Linux
 * is: long mode at its protected-mode part + 0x200, RSI the zero page. It
 * then does what Linux would not, and says on COM1 what it saw:
 *   1. WRMSR moving the APIC base and WRMSR of a PAT with a reserved type: each
 *      must raise #GP in the guest (its handler counts and skips them);
 *   2. every byte value to every PIC, PIT and speaker port, then reads of
 *      absent ports (all ones expected);
 *   3. an interrupt storm: the PIT at its fastest rate (count 1) on IRQ 0
 *      for about a second of TSC time;
 *   4. bad writes to its local APIC (IPIs to nobody, an illegal vector,
 *      an INIT/STARTUP storm at an absent vCPU, read-only registers, the
 *      fastest periodic timer): it runs on, the registers as the SDM says;
 *   5. an ADD from the local APIC's page (the MMIO decoder refuses
 *      anything but MOV and MOVZX): the domain stops.
 * With the bootargs "mov" it does only a MOV from the IOAPIC's page
 * (decoded; there is no IOAPIC): the domain stops.
 * Built by guests/x86/build.mk as build/guests/x86-bzimage-hostile.img,
 * linked at 16 MiB - 4 KiB, where the builder copies a bzImage whose setup
 * part is two sectors (tests/security/x86-linux-hostile.sh).
 */
#define COM1 0x3f8

	.code64
	.section .text
	.globl _start
_start:
	/* --- the real-mode part: only the setup header is read ------------ */
	.org 0x1f1
	.byte 1			/* setup_sects: 2 sectors before the kernel */
	.org 0x1fe
	.word 0xaa55
	.org 0x202
	.ascii "HdrS"
	.word 0x020f		/* boot protocol 2.15 */
	.org 0x211
	.byte 0x01		/* LOADED_HIGH */
	.org 0x230
	.long 0x200000		/* kernel_alignment */
	.byte 1			/* relocatable */
	.byte 0
	.word 0x0001		/* xloadflags: XLF_KERNEL_64 */
	.long 255		/* cmdline_size */
	.org 0x260
	.long 0x10000		/* init_size: the part, its data and BSS */

	/* --- the protected-mode part, 64-bit entry at +0x200 --------------- */
	.org 0x600
entry64:
	lea stack_top(%rip), %rsp
	/* Bootargs "mov" (the zero page's cmd_line_ptr, 0x228): only a MOV
	 * from the local APIC's page, which the decoder accepts. */
	mov 0x228(%rsi), %eax
	test %eax, %eax
	jz 0f
	cmpb $'m', (%rax)
	je mov_apic
0:
	lea gp_handler(%rip), %rax
	mov $13, %edi
	call set_gate
	lea irq0_handler(%rip), %rax
	mov $0x30, %edi
	call set_gate
	lidt idtr(%rip)

	/* 1. MSRs not granted. */
	lea s_start(%rip), %rsi
	call puts
	mov $0x1b, %ecx		/* the APIC base moved to 0xfec00000: #GP */
	mov $0xfec00800, %eax
	xor %edx, %edx
	wrmsr
	mov $0x277, %ecx
	mov $0x02020202, %eax	/* memory type 2 is reserved */
	mov %eax, %edx
	wrmsr
	cmpq $2, gp_count(%rip)
	lea s_gp_ok(%rip), %rsi
	je 1f
	lea s_gp_bad(%rip), %rsi
1:	call puts

	/* 2. Garbage to the PC platform's ports, then absent ports. */
	lea ports(%rip), %rbx
2:	movzwl (%rbx), %edx
	test %edx, %edx
	jz 4f
	xor %ecx, %ecx
3:	mov %ecx, %eax
	outb %al, %dx
	inb %dx, %al
	inc %ecx
	cmp $256, %ecx
	jb 3b
	add $2, %rbx
	jmp 2b
4:	mov $0x1234, %dx
	inb %dx, %al
	mov %eax, %ebx
	mov $0xcfc, %dx
	inl %dx, %eax
	lea s_absent_bad(%rip), %rsi
	cmp $0xffffffff, %eax
	jne 5f
	cmp $0xff, %bl
	jne 5f
	lea s_absent_ok(%rip), %rsi
5:	call puts

	/* 3. The storm: PIC at 0x30, IRQ 0 only; PIT channel 0, mode 2, count 1. */
	mov $0x11, %al
	out %al, $0x20
	mov $0x30, %al
	out %al, $0x21
	mov $0x04, %al
	out %al, $0x21
	mov $0x01, %al
	out %al, $0x21
	mov $0xfe, %al
	out %al, $0x21
	mov $0x34, %al
	out %al, $0x43
	mov $1, %al
	out %al, $0x40
	xor %al, %al
	out %al, $0x40
	rdtsc
	shl $32, %rdx
	or %rax, %rdx
	mov %rdx, %r12
	sti
6:	rdtsc
	shl $32, %rdx
	or %rax, %rdx
	sub %r12, %rdx
	cmp $2000000000, %rdx	/* about a second */
	jb 6b
	cli
	cmpq $100, irq_count(%rip)
	lea s_storm_ok(%rip), %rsi
	jae 7f
	lea s_storm_bad(%rip), %rsi
7:	call puts

	/* 4. Its local APIC (interrupts masked): fixed IPIs to an APIC ID
	 * nobody has and to itself with an illegal vector (3), an INIT and
	 * STARTUP storm at an absent vCPU, all ones to read-only and
	 * reserved bits, its timer at the fastest periodic rate; then the
	 * ESR must say "send illegal vector" (0x20), the ID stay 0, the TPR
	 * keep 8 bits. */
	mov $0xfee00000, %rbx
	movl $0x7f000000, 0x310(%rbx)
	movl $0x40, 0x300(%rbx)		/* fixed, vector 0x40, to APIC 0x7f */
	movl $0x00040003, 0x300(%rbx)	/* self, vector 3: illegal */
	movl $0x05000000, 0x310(%rbx)
	mov $1000, %ecx
9:	movl $0x4500, 0x300(%rbx)	/* INIT to APIC 5 */
	movl $0x4699, 0x300(%rbx)	/* STARTUP, page 0x99 */
	dec %ecx
	jnz 9b
	movl $0xffffffff, 0x20(%rbx)	/* ID: read-only */
	movl $0xffffffff, 0x80(%rbx)	/* TPR: 8 bits */
	movl $0xffffffff, 0x200(%rbx)	/* IRR: read-only */
	movl $0xffffffff, 0x400(%rbx)	/* no register there */
	movl $0x1ff, 0xf0(%rbx)		/* enabled */
	movl $0x3e0, %eax
	movl $0xb, (%rbx,%rax)		/* divide by 1 */
	movl $0x20040, 0x320(%rbx)	/* periodic, vector 0x40 */
	movl $1, 0x380(%rbx)		/* every count */
	movl $0, 0x280(%rbx)		/* latch the ESR */
	mov 0x280(%rbx), %eax
	and $0x20, %eax
	mov 0x20(%rbx), %edx
	or %edx, %eax
	mov 0x80(%rbx), %edx
	cmp $0xff, %edx
	jne 9f
	cmp $0x20, %eax
	jne 9f
	movl $0, 0x380(%rbx)		/* timer off */
	lea s_apic_ok(%rip), %rsi
	jmp 10f
9:	lea s_apic_bad(%rip), %rsi
10:	call puts

	/* 5. The local APIC's page: an ADD, which the MMIO decoder refuses
	 * (bytes 03 03): the domain stops. */
	lea s_apic(%rip), %rsi
	call puts
	mov $0xfee00030, %ebx
	add (%rbx), %eax
	lea s_returned(%rip), %rsi
	call puts
	jmp 8f

mov_apic:
	lea s_mov(%rip), %rsi
	call puts
	mov $0xfec00000, %ebx
	mov (%rbx), %eax
	lea s_returned(%rip), %rsi
	call puts
8:	cli
	hlt
	jmp 8b

/* puts: the NUL-terminated string at %rsi, then a newline, to COM1. */
puts:
	mov $COM1, %dx
1:	lodsb
	test %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	mov $'\n', %al
	outb %al, %dx
	ret

/* set_gate: IDT vector %edi -> handler %rax (64-bit interrupt gate, CS 0x10). */
set_gate:
	lea idt(%rip), %rcx
	shl $4, %edi
	add %rdi, %rcx
	mov %ax, (%rcx)
	movw $0x10, 2(%rcx)
	movw $0x8e00, 4(%rcx)
	shr $16, %rax
	mov %ax, 6(%rcx)
	shr $16, %rax
	mov %eax, 8(%rcx)
	movl $0, 12(%rcx)
	ret

/* #GP: count it and skip the 2-byte RDMSR/WRMSR (error code, then RIP). */
gp_handler:
	incq gp_count(%rip)
	addq $2, 8(%rsp)
	add $8, %rsp
	iretq

irq0_handler:
	push %rax
	incq irq_count(%rip)
	mov $0x20, %al
	out %al, $0x20
	pop %rax
	iretq

	.section .data
	.balign 8
gp_count:	.quad 0
irq_count:	.quad 0
idtr:	.word 256 * 16 - 1
	.quad idt
ports:	.word 0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x61, 0
s_start:	.asciz "hostile: WRMSR APIC base 0xfec00800, WRMSR PAT 0x0202020202020202"
s_gp_ok:	.asciz "hostile: 2 #GP taken"
s_gp_bad:	.asciz "hostile: no #GP for an MSR not granted"
s_absent_ok:	.asciz "hostile: PIC, PIT and port 0x61 survived every byte; absent ports read all ones"
s_absent_bad:	.asciz "hostile: an absent port did not read all ones"
s_storm_ok:	.asciz "hostile: PIT storm taken, still running"
s_storm_bad:	.asciz "hostile: fewer than 100 timer interrupts in the storm"
s_apic:	.asciz "hostile: ADD from the local APIC page"
s_apic_ok:	.asciz "hostile: local APIC took the bad writes (ESR 0x20, ID 0, TPR 0xff)"
s_apic_bad:	.asciz "hostile: local APIC registers wrong after the bad writes"
s_mov:	.asciz "hostile: MOV from the IOAPIC page"
s_returned:	.asciz "hostile: returned from the local APIC page"

	.section .bss
	.balign 16
idt:	.space 256 * 16
	.space 4096
stack_top:
