// SPDX-License-Identifier: MIT
/* The console a device tree names, as the UART driver wants it. */
#include "el2/boot.h"

struct uart uart_from_machine(const struct el2_machine *m)
{
	const struct el2_console *c = &m->console;
	struct uart u = { .kind = UART_NONE, .base = c->base, .reg_shift = c->reg_shift,
			  .io_width = c->reg_io_width };

	switch (c->kind) {
	case EL2_UART_PL011:
		u.kind = UART_PL011;
		break;
	case EL2_UART_8250:
	case EL2_UART_BCM2835_AUX: /* an 8250 subset at the node's reg (el2/dt.h) */
		u.kind = UART_8250;
		break;
	default:
		break;
	}
	return u;
}
