/*
 * A hostile guest with a Linux bzImage's setup header, so that it gets a
 * Linux domain's PC platform (docs/x86-linux.md) and is entered as Linux
 * is: long mode at its protected-mode part + 0x200, RSI the zero page. It
 * then does what Linux would not, and says on COM1 what it saw:
 *   1. RDMSR of the APIC base and WRMSR of a PAT with a reserved type: each
 *      must raise #GP in the guest (its handler counts and skips them);
 *   2. every byte value to every PIC, PIT and speaker port, then reads of
 *      absent ports (all ones expected);
 *   3. an interrupt storm: the PIT at its fastest rate (count 1) on IRQ 0
 *      for about a second of TSC time;
 *   4. an ADD from the local APIC's page (there is none, and the MMIO
 *      decoder refuses anything but MOV and MOVZX): the domain stops.
 * With the bootargs "mov" it does only a MOV from that page (decoded, no
 * device there): the domain stops.
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
	mov $0x1b, %ecx
	rdmsr
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

	/* 4. The local APIC's page: not the domain's RAM; an ADD, which the
	 * MMIO decoder refuses (bytes 03 03). */
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
	mov $0xfee00020, %ebx
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
s_start:	.asciz "hostile: RDMSR 0x1b, WRMSR PAT 0x0202020202020202"
s_gp_ok:	.asciz "hostile: 2 #GP taken"
s_gp_bad:	.asciz "hostile: no #GP for an MSR not granted"
s_absent_ok:	.asciz "hostile: PIC, PIT and port 0x61 survived every byte; absent ports read all ones"
s_absent_bad:	.asciz "hostile: an absent port did not read all ones"
s_storm_ok:	.asciz "hostile: PIT storm taken, still running"
s_storm_bad:	.asciz "hostile: fewer than 100 timer interrupts in the storm"
s_apic:	.asciz "hostile: ADD from the local APIC page"
s_mov:	.asciz "hostile: MOV from the local APIC page"
s_returned:	.asciz "hostile: returned from the local APIC page"

	.section .bss
	.balign 16
idt:	.space 256 * 16
	.space 4096
stack_top:
