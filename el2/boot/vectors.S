/* SPDX-License-Identifier: MIT */
/*
 * The EL2 exception vectors. Every entry saves x0-x30 in a struct el2_regs on
 * the EL2 stack and calls el2_trap(regs, vector); a trap from the host (a
 * lower EL) returns here and goes back with eret, with whatever registers the
 * handler left in the frame. Exceptions taken at EL2 itself never return
 * (el2_trap reports them and stops the machine).
 */
#include "el2/asm.h"

	.text
	.balign	0x800
	.global	el2_vectors
el2_vectors:
	vector_entry 0, trap_common		/* current EL, SP0: sync, irq, fiq, serror */
	vector_entry 1, trap_common
	vector_entry 2, trap_common
	vector_entry 3, trap_common
	vector_entry 4, trap_common		/* current EL, SPx */
	vector_entry 5, trap_common
	vector_entry 6, trap_common
	vector_entry 7, trap_common
	vector_entry 8, trap_common		/* lower EL, AArch64 */
	vector_entry 9, trap_common
	vector_entry 10, trap_common
	vector_entry 11, trap_common
	vector_entry 12, trap_common		/* lower EL, AArch32 */
	vector_entry 13, trap_common
	vector_entry 14, trap_common
	vector_entry 15, trap_common

trap_common:
	save_frame_x2_x30
	mov	x0, sp
	bl	el2_trap
	restore_frame
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
