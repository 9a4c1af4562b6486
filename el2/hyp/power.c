// SPDX-License-Identifier: MIT
/* Stopping the machine (el2/power.h). */
#include "el2/power.h"

#define SEMIHOSTING_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static bool use_semihosting, use_psci;

void power_setup(bool semihosting, bool psci_smc)
{
	use_semihosting = semihosting;
	use_psci = psci_smc;
}

bool power_semihosting(void)
{
	return use_semihosting;
}

static void semihosting_exit(u64 status)
{
	u64 block[2] = { ADP_STOPPED_APPLICATION_EXIT, status };
	register u64 x0 __asm__("x0") = SEMIHOSTING_SYS_EXIT;
	register u64 x1 __asm__("x1") = (u64)(uintptr_t)block;

	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

void power_off(bool ok)
{
	if (use_semihosting)
		semihosting_exit(ok ? 0 : 1);
	if (use_psci) {
		u64 x[18] = { PSCI_SYSTEM_OFF };

		el2_smc_call(x);
	}
	for (;;)
		__asm__ volatile("wfi");
}
