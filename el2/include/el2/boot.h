/* SPDX-License-Identifier: MIT */
/*
 * The two boot stages. Stage 0 runs where the loader put the image: it reads
 * the device tree, plans the carve-out and copies the image there. Stage 1
 * runs in the carve-out: it builds the pKVM state with core/, turns the EL2
 * MMU on over hyp stage-1, sets every EL2 control register, installs host
 * stage-2 and enters the host payload at EL1.
 */
#ifndef EL2_BOOT_H
#define EL2_BOOT_H

#include "el2/dt.h"
#include "el2/uart.h"
#include "el2/layout.h"
#include "el2/options.h"

/* What stage 0 hands to stage 1 (plain data: it lives in the old copy). */
struct el2_handover {
	struct el2_machine machine;
	struct el2_layout layout;
	struct el2_options options;
	u64 fdt_pa;
	u64 loaded_base;
};

/* Called by boot/head.S: @arg is the device tree (stage 0) or the handover (1). */
void el2_start(u64 arg, u64 base, u64 stage, u64 el);
void el2_stage1(const struct el2_handover *h) __attribute__((noreturn));

/* The console a device tree names, as a struct uart (UART_NONE if none). */
struct uart uart_from_machine(const struct el2_machine *m);

/* Linker and assembly symbols. */
extern char _head[], _etext[], _erodata[], __bss_start[], _end[];
extern char el2_vectors[], el2_moved_entry[], boot_stack_top[];
extern const char el2_payload_start[], el2_payload_end[];
void el2_enter_host(u64 entry, u64 arg, u64 stack) __attribute__((noreturn));

#endif /* EL2_BOOT_H */
