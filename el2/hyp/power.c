// SPDX-License-Identifier: MIT
/* Stopping the machine (el2/power.h). */
#include "el2/power.h"
#include "el2/semihosting.h"

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
