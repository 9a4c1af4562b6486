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

#endif /* EL2_CONSOLE_H */
