// SPDX-License-Identifier: MIT
/* Stopping with a message: el2_panic, and the core's assertions. */
#include "el2/console.h"
#include "el2/libc.h"
#include "el2/power.h"

void el2_panic(const char *fmt, ...)
{
	va_list ap;

	console_printf("\ns2fuzz el2: panic: ");
	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
	console_printf("\n");
	power_off(false);
}

void core_assert_fail(const char *expr, const char *file, int line)
{
	el2_panic("core assertion failed: %s (%s:%d)", expr, file, line);
}

/* Debian's libfdt.a is built with the stack protector. */
uintptr_t __stack_chk_guard = 0x5bd1e995a5a5c3c3ULL;

void __stack_chk_fail(void)
{
	el2_panic("stack smashed (stack protector)");
}
