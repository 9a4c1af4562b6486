/* SPDX-License-Identifier: MIT */
/*
 * Stopping the machine with a status: semihosting SYS_EXIT when the boot
 * arguments say it is available (QEMU -semihosting), else PSCI SYSTEM_OFF
 * through the firmware, else a wfi loop.
 */
#ifndef EL2_POWER_H
#define EL2_POWER_H

#include "core/types.h"

/* PSCI function ids (SMC32 and SMC64 calling conventions). */
#define PSCI_0_2_FN(n) (0x84000000U + (n))
#define PSCI_0_2_FN64(n) (0xC4000000U + (n))
#define PSCI_VERSION PSCI_0_2_FN(0)
#define PSCI_CPU_SUSPEND PSCI_0_2_FN(1)
#define PSCI_CPU_OFF PSCI_0_2_FN(2)
#define PSCI_CPU_ON PSCI_0_2_FN(3)
#define PSCI_SYSTEM_OFF PSCI_0_2_FN(8)
#define PSCI_SYSTEM_RESET PSCI_0_2_FN(9)
#define PSCI_FEATURES PSCI_0_2_FN(10)
#define PSCI_SYSTEM_SUSPEND PSCI_0_2_FN(14)
#define PSCI_CPU_SUSPEND64 PSCI_0_2_FN64(1)
#define PSCI_CPU_ON64 PSCI_0_2_FN64(3)
#define PSCI_SYSTEM_SUSPEND64 PSCI_0_2_FN64(14)
#define PSCI_SYSTEM_RESET2 PSCI_0_2_FN(18)
#define PSCI_SYSTEM_RESET2_64 PSCI_0_2_FN64(18)
#define PSCI_RET_NOT_SUPPORTED (-1)

/* How the machine can be stopped (set once at boot). */
void power_setup(bool semihosting, bool psci_smc);
bool power_semihosting(void);
/* Stop the machine: exit status 0 when @ok, 1 otherwise. */
void power_off(bool ok) __attribute__((noreturn));

/* One SMC to the firmware: x[0..17] in, x[0..3] out. */
void el2_smc_call(u64 *x);

#endif /* EL2_POWER_H */
