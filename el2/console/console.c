// SPDX-License-Identifier: MIT
/* The hypervisor's console: one UART, polled; one CPU's message at a time. */
#include "el2/console.h"
#include "el2/cpus.h"
#include "el2/libc.h"

static struct uart console;
static struct el2_lock console_lock;
/*
 * Only the boot CPU runs until the MMU is on, and exclusive accesses need
 * cacheable memory: no lock until then (console_lock_from_now).
 */
static bool console_locking;
static struct el2_cpu *console_holder;

void console_lock_from_now(void)
{
	console_locking = true;
}

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
	/* (A CPU that faults while it prints goes on printing: it holds the lock.) */
	bool locked = console_locking && console_holder != el2_this_cpu();

	if (locked) {
		el2_lock(&console_lock);
		console_holder = el2_this_cpu();
	}
	fmt_vprint(console_put, &console, fmt, ap);
	if (locked) {
		console_holder = NULL;
		el2_unlock(&console_lock);
	}
}

void console_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
}
