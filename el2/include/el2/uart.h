/* SPDX-License-Identifier: MIT */
/*
 * Polled UART output, shared by the hypervisor and the host payload: PL011,
 * and 8250-style UARTs (ns16550a, Synopsys DesignWare APB, the BCM2835
 * auxiliary mini UART) with a register stride and access width.
 */
#ifndef EL2_UART_H
#define EL2_UART_H

#include "core/types.h"

enum uart_kind {
	UART_NONE = 0,
	UART_PL011 = 1,
	UART_8250 = 2,
};

struct uart {
	u32 kind;     /* enum uart_kind */
	u32 reg_shift; /* 8250: register n is at base + (n << reg_shift) */
	u32 io_width; /* 8250: 1 or 4 bytes per access */
	u32 pad;
	u64 base;     /* the address registers are reached at (VA = PA here) */
};

void uart_putc(const struct uart *u, char c);

#endif /* EL2_UART_H */
