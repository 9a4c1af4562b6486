/* SPDX-License-Identifier: MIT */
/*
 * A CPU the host started with PSCI CPU_ON (el2/cpus.h): the firmware enters
 * here at EL2, MMU and D-cache off, x0 = the CPU's struct el2_cpu, which the
 * boot CPU cleaned to memory. The hyp stage-1 maps the image at VA = PA, so
 * the MMU goes on at once with the boot CPU's registers, and the rest runs in
 * C on this CPU's own stack.
 */
#include "el2/asm.h"
#include "el2/cpus.h"

	.text
	.global	el2_secondary_entry
el2_secondary_entry:
	ldr	x1, [x0, #EL2_CPU_VBAR]
	msr	vbar_el2, x1
	ldr	x1, [x0, #EL2_CPU_MAIR]
	msr	mair_el2, x1
	ldr	x1, [x0, #EL2_CPU_TCR]
	msr	tcr_el2, x1
	ldr	x1, [x0, #EL2_CPU_TTBR0]
	msr	ttbr0_el2, x1
	isb
	tlbi	alle2
	dsb	nsh
	isb
	ldr	x1, [x0, #EL2_CPU_SCTLR]
	msr	sctlr_el2, x1
	isb
	ldr	x1, [x0, #EL2_CPU_STACK]
	mov	sp, x1
	msr	tpidr_el2, x0
	mov	x29, #0
	mov	x30, #0
	b	el2_secondary_main
