/* SPDX-License-Identifier: MIT */
/*
 * The host payload's entry, at EL1 with the MMU off (as a kernel is entered):
 * x0 = the struct el2_host_info. It relocates itself, clears its bss, takes
 * its stack, installs its vectors and calls payload_main(). The header's
 * second quadword is the payload's size in memory, bss and stack included,
 * which el2 reserves for it.
 */
#include "el2/asm.h"

#define PAYLOAD_STACK_SIZE (64 * 1024)

	.section .head, "ax"
	b	payload_entry
	.long	0
	/* then the size in memory: a QUAD in payload.ld */

	.section .text.boot, "ax"
payload_entry:
	mov	x19, x0
	adr	x20, _payload_head
	mov	x0, #(3 << 20)			/* CPACR_EL1.FPEN: no FP trap */
	msr	cpacr_el1, x0
	isb
	adr_l	x0, __rela_start
	adr_l	x1, __rela_end
1:	cmp	x0, x1
	b.hs	3f
	ldp	x2, x3, [x0], #16
	ldr	x4, [x0], #8
	cmp	w3, #R_AARCH64_RELATIVE
	b.ne	2f
	add	x4, x4, x20
	str	x4, [x20, x2]
2:	b	1b
3:	adr_l	x0, __bss_start
	adr_l	x1, __bss_end
4:	cmp	x0, x1
	b.hs	5f
	stp	xzr, xzr, [x0], #16
	b	4b
5:	adr_l	x0, payload_stack_top
	mov	sp, x0
	adr_l	x0, payload_vectors
	msr	vbar_el1, x0
	isb
	mov	x0, x19
	bl	payload_main
6:	wfi
	b	6b

/* EL1 vectors: every exception saves x0-x30 and calls payload_exception(regs, n). */
.macro vector_entry n
	.balign	0x80
	sub	sp, sp, #(32 * 8)
	stp	x0, x1, [sp, #0]
	mov	x1, #\n
	b	exception_common
.endm

	.text
	.balign	0x800
payload_vectors:
	vector_entry 0
	vector_entry 1
	vector_entry 2
	vector_entry 3
	vector_entry 4
	vector_entry 5
	vector_entry 6
	vector_entry 7
	vector_entry 8
	vector_entry 9
	vector_entry 10
	vector_entry 11
	vector_entry 12
	vector_entry 13
	vector_entry 14
	vector_entry 15

exception_common:
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	str	x30, [sp, #16 * 15]
	mov	x0, sp
	bl	payload_exception
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #(32 * 8)
	eret

	.bss
	.balign	16
	.space	PAYLOAD_STACK_SIZE
payload_stack_top:
