/* SPDX-License-Identifier: MIT */
/* Constants shared by the image's assembly and C. */
#ifndef EL2_ASM_H
#define EL2_ASM_H

/* Image header flags: little-endian, 4 KiB pages, placeable anywhere in RAM. */
#define IMAGE_FLAGS ((1 << 1) | (1 << 3))

#define R_AARCH64_RELATIVE 1027

#define BOOT_STACK_SIZE (32 * 1024)

/*
 * CPTR_EL2 with E2H = 0: the RES1 bits (13, 12 when SME is absent, 9, 7:0),
 * TSM (12) set so SME traps, TZ (8) and TFP (10) clear: SVE and FP/SIMD do
 * not trap, the host may use them.
 */
#define CPTR_EL2_DEFAULT 0x32ff

#ifdef __ASSEMBLER__
/* The address of @sym, PC-relative, anywhere within +/-4 GiB. */
.macro adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm

/*
 * An exception frame of 32 registers on the stack: x0 and x1 are stored by
 * the vector entry (it needs x1 for the vector number), these store and load
 * x2-x30; restore_frame also reloads x0, x1 and pops the frame.
 */
#define FRAME_SIZE (32 * 8)

.macro save_frame_x2_x30
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
.endm

.macro restore_frame
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
.endm

/* One entry of a vector table: a frame, x1 = the entry's number, then @handler. */
.macro vector_entry n, handler
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\n
	b	\handler
.endm
#endif

#endif /* EL2_ASM_H */
