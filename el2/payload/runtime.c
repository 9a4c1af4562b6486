// SPDX-License-Identifier: MIT
/* The payload's console, hypercalls, exceptions and exit. */
#include "el2/power.h"
#include "el2/semihosting.h"
#include "payload.h"

const struct el2_host_info *payload_info;
struct injected_abort injected;

static void out_put(void *arg, char c)
{
	uart_putc(arg, c);
}

void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vprint(out_put, (void *)(uintptr_t)&payload_info->uart, fmt, ap);
	va_end(ap);
}

struct hvc_res hvc_call(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4)
{
	register u64 x0 __asm__("x0") = a0;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;
	register u64 x4 __asm__("x4") = a4;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4) : : "memory");
	return (struct hvc_res){ { x0, x1, x2, x3, x4 } };
}

int pkvm_call(enum pkvm_hvc_fn fn, u64 a1, u64 a2, u64 a3, u64 a4)
{
	struct hvc_res r = hvc_call(PKVM_HVC_ID(fn), a1, a2, a3, a4);

	if (r.x[0] != PKVM_HVC_SUCCESS)
		return PKVM_CALL_NOT_HANDLED;
	return (int)(s64)r.x[1];
}

u64 touch(u64 addr)
{
	return *(volatile u64 *)(uintptr_t)addr;
}

struct payload_regs {
	u64 x[32];
};

void payload_exception(struct payload_regs *r, u64 vector);

/*
 * A synchronous exception at EL1 is the abort el2 injects for a refused
 * access: count it and step over the access. Anything else is a failure.
 */
void payload_exception(struct payload_regs *r, u64 vector)
{
	u64 esr, elr;

	__asm__ volatile("mrs %0, esr_el1" : "=r"(esr));
	__asm__ volatile("mrs %0, elr_el1" : "=r"(elr));
	if (vector == 4 && ((esr >> 26) & 0x3f) == 0x25) {
		injected.count++;
		injected.esr = esr;
		injected.elr = elr;
		__asm__ volatile("mrs %0, far_el1" : "=r"(injected.far));
		__asm__ volatile("msr elr_el1, %0" : : "r"(elr + 4));
		return;
	}
	out("el2-payload: unexpected exception %llu: ESR_EL1 0x%llx ELR_EL1 0x%llx\n",
	    (unsigned long long)vector, (unsigned long long)esr, (unsigned long long)elr);
	out("el2-selftest: 0 passed, 1 failed\n");
	payload_exit(false);
}

void payload_exit(bool ok)
{
	if (payload_info->flags & EL2_HOST_SEMIHOSTING)
		semihosting_exit(ok ? 0 : 1);
	if (payload_info->flags & EL2_HOST_PSCI_SMC) {
		register u64 x0 __asm__("x0") = PSCI_SYSTEM_OFF;

		__asm__ volatile("smc #0" : "+r"(x0) : : "memory");
	}
	for (;;)
		__asm__ volatile("wfi");
}
