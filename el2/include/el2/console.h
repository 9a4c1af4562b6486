/* SPDX-License-Identifier: MIT */
/* The hypervisor's console: the UART /chosen stdout-path names. */
#ifndef EL2_CONSOLE_H
#define EL2_CONSOLE_H

#include <stdarg.h>

#include "el2/uart.h"

void console_init(const struct uart *u);
const struct uart *console_uart(void);
void console_vprintf(const char *fmt, va_list ap);
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* From now on one CPU's message at a time (called once the EL2 MMU is on). */
void console_lock_from_now(void);

#endif /* EL2_CONSOLE_H */
