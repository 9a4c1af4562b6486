/* SPDX-License-Identifier: MIT */
/*
 * The Image header (Linux's arm64 boot protocol) and the first instructions.
 * The loader enters at offset 0 with x0 = the device tree, MMU and D-cache
 * off. We run wherever we were put: the image is linked at 0 and applies its
 * own R_AARCH64_RELATIVE relocations for the address it finds itself at,
 * clears its bss (invalidating those lines first: with the D-cache off a
 * stale dirty line could later be written back over what we stored), takes
 * its boot stack and calls el2_start() in C.
 *
 * The same path runs twice: once as loaded, and once more after el2_start()
 * has copied the image into the hypervisor carve-out (el2_moved_entry).
 */
#include "el2/asm.h"

	/* image_size (offset 16) is a QUAD in el2.ld, between the two parts. */
	.section .head.start, "ax"
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0				/* text_offset */

	.section .head.rest, "ax"
	.quad	IMAGE_FLAGS			/* flags */
	.quad	0				/* res2 */
	.quad	0				/* res3 */
	.quad	0				/* res4 */
	.long	0x644d5241			/* magic "ARM\x64" */
	.long	0				/* res5 */

	.section .text.boot, "ax"
primary_entry:
	mov	x19, x0				/* the device tree */
	mov	x21, #0				/* stage 0: as loaded */
	b	common_entry

/* el2_moved_entry(x0 = the struct el2_handover, in the old copy) */
	.global	el2_moved_entry
el2_moved_entry:
	mov	x19, x0
	mov	x21, #1				/* stage 1: in the carve-out */

common_entry:
	msr	daifset, #0xf
	adr	x20, _head			/* where we run */
	bl	setup_fp_access

	/* Relocate: *(base + offset) = base + addend for every RELATIVE entry. */
	adr_l	x0, __rela_start
	adr_l	x1, __rela_end
1:	cmp	x0, x1
	b.hs	3f
	ldp	x2, x3, [x0], #16		/* r_offset, r_info */
	ldr	x4, [x0], #8			/* r_addend */
	cmp	w3, #R_AARCH64_RELATIVE
	b.ne	2f
	add	x4, x4, x20
	str	x4, [x20, x2]
2:	b	1b
3:
	/* Invalidate, then clear the bss (the boot stack lives there). */
	adr_l	x0, __bss_start
	adr_l	x1, __bss_end
	bl	dcache_inval_range_asm
	adr_l	x0, __bss_start
	adr_l	x1, __bss_end
4:	cmp	x0, x1
	b.hs	5f
	stp	xzr, xzr, [x0], #16
	b	4b
5:
	adr_l	x0, boot_stack_top
	mov	sp, x0
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	mrs	x3, CurrentEL
	lsr	x3, x3, #2
	bl	el2_start
6:	wfi
	b	6b

/*
 * FP/SIMD must not trap where we run: libfdt (Debian's build) uses SIMD
 * registers. At EL2 that is CPTR_EL2 (set in full here, then again in C),
 * at EL1 CPACR_EL1.
 */
setup_fp_access:
	mrs	x0, CurrentEL
	cmp	x0, #(2 << 2)
	b.ne	1f
	ldr	x0, =CPTR_EL2_DEFAULT
	msr	cptr_el2, x0
	isb
	ret
1:	cmp	x0, #(1 << 2)
	b.ne	2f
	mov	x0, #(3 << 20)			/* CPACR_EL1.FPEN: no trap */
	msr	cpacr_el1, x0
	isb
2:	ret

/* dcache_inval_range_asm(x0 = start, x1 = end): DC IVAC by line; clobbers x0-x3. */
dcache_inval_range_asm:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4			/* DminLine: log2(words) */
	mov	x2, #4
	lsl	x2, x2, x3			/* line size in bytes */
	sub	x3, x2, #1
	bic	x0, x0, x3
1:	cmp	x0, x1
	b.hs	2f
	dc	ivac, x0
	add	x0, x0, x2
	b	1b
2:	dsb	sy
	ret

	.bss
	.balign	16
boot_stack:
	.space	BOOT_STACK_SIZE
	.global	boot_stack_top
boot_stack_top:
