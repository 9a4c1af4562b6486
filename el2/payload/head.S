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
	.text
	.balign	0x800
payload_vectors:
	vector_entry 0, exception_common
	vector_entry 1, exception_common
	vector_entry 2, exception_common
	vector_entry 3, exception_common
	vector_entry 4, exception_common
	vector_entry 5, exception_common
	vector_entry 6, exception_common
	vector_entry 7, exception_common
	vector_entry 8, exception_common
	vector_entry 9, exception_common
	vector_entry 10, exception_common
	vector_entry 11, exception_common
	vector_entry 12, exception_common
	vector_entry 13, exception_common
	vector_entry 14, exception_common
	vector_entry 15, exception_common

exception_common:
	save_frame_x2_x30
	mov	x0, sp
	bl	payload_exception
	restore_frame
	eret

	.bss
	.balign	16
	.space	PAYLOAD_STACK_SIZE
payload_stack_top:
