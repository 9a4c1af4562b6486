/* SPDX-License-Identifier: MIT */
/*
 * The EL2 exception vectors. Every entry saves x0-x30 in a struct el2_regs on
 * the EL2 stack and calls el2_trap(regs, vector); a trap from the host (a
 * lower EL) returns here and goes back with eret, with whatever registers the
 * handler left in the frame. Exceptions taken at EL2 itself never return
 * (el2_trap reports them and stops the machine).
 */
#include "el2/asm.h"

#define FRAME_SIZE (32 * 8)

.macro vector_entry n
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\n
	b	trap_common
.endm

	.text
	.balign	0x800
	.global	el2_vectors
el2_vectors:
	vector_entry 0		/* current EL, SP0: sync, irq, fiq, serror */
	vector_entry 1
	vector_entry 2
	vector_entry 3
	vector_entry 4		/* current EL, SPx */
	vector_entry 5
	vector_entry 6
	vector_entry 7
	vector_entry 8		/* lower EL, AArch64 */
	vector_entry 9
	vector_entry 10
	vector_entry 11
	vector_entry 12		/* lower EL, AArch32 */
	vector_entry 13
	vector_entry 14
	vector_entry 15

trap_common:
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
	bl	el2_trap
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
	add	sp, sp, #FRAME_SIZE
	eret
	dsb	nsh
	isb

/* Forward an SMC to the firmware: el2_smc_call(regs): x0-x17 in, x0-x3 out. */
	.global	el2_smc_call
el2_smc_call:
	stp	x29, x30, [sp, #-16]!
	stp	x19, x20, [sp, #-16]!
	mov	x19, x0
	ldp	x0, x1, [x19, #0]
	ldp	x2, x3, [x19, #16]
	ldp	x4, x5, [x19, #32]
	ldp	x6, x7, [x19, #48]
	ldp	x8, x9, [x19, #64]
	ldp	x10, x11, [x19, #80]
	ldp	x12, x13, [x19, #96]
	ldp	x14, x15, [x19, #112]
	ldp	x16, x17, [x19, #128]
	smc	#0
	stp	x0, x1, [x19, #0]
	stp	x2, x3, [x19, #16]
	ldp	x19, x20, [sp], #16
	ldp	x29, x30, [sp], #16
	ret

/*
 * el2_enter_host(entry, arg, stack): the first eret to the host at EL1h,
 * all interrupts masked, x0 = arg, every other register zero; traps from the
 * host then start on @stack, the top of the EL2 stack.
 */
	.global	el2_enter_host
el2_enter_host:
	mov	sp, x2
	msr	elr_el2, x0
	mov	x0, #0x3c5			/* EL1h, DAIF masked */
	msr	spsr_el2, x0
	mov	x0, x1
	mov	x1, #0
	mov	x2, #0
	mov	x3, #0
	mov	x4, #0
	mov	x5, #0
	mov	x6, #0
	mov	x7, #0
	mov	x8, #0
	mov	x9, #0
	mov	x10, #0
	mov	x11, #0
	mov	x12, #0
	mov	x13, #0
	mov	x14, #0
	mov	x15, #0
	mov	x16, #0
	mov	x17, #0
	mov	x18, #0
	mov	x19, #0
	mov	x20, #0
	mov	x21, #0
	mov	x22, #0
	mov	x23, #0
	mov	x24, #0
	mov	x25, #0
	mov	x26, #0
	mov	x27, #0
	mov	x28, #0
	mov	x29, #0
	mov	x30, #0
	eret
	dsb	nsh
	isb

/* Switch to the new stack @x1 and call @x0(x2); never returns. */
	.global	el2_call_on_stack
el2_call_on_stack:
	mov	sp, x1
	mov	x3, x0
	mov	x0, x2
	blr	x3
1:	wfi
	b	1b
