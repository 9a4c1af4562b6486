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
#endif

#endif /* EL2_ASM_H */
