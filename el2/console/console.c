// SPDX-License-Identifier: MIT
/* The hypervisor's console: one UART, polled, no locking (one CPU runs el2). */
#include "el2/console.h"
#include "el2/libc.h"

static struct uart console;

void console_init(const struct uart *u)
{
	console = *u;
}

const struct uart *console_uart(void)
{
	return &console;
}

static void console_put(void *arg, char c)
{
	uart_putc(arg, c);
}

void console_vprintf(const char *fmt, va_list ap)
{
	fmt_vprint(console_put, &console, fmt, ap);
}

void console_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
}
