/* SPDX-License-Identifier: MIT */
/*
 * Arm semihosting's SYS_EXIT (AArch64: HLT #0xF000, x0 = 0x18, x1 = a block
 * of reason and status): QEMU with -semihosting stops with that exit status.
 * Only where the boot options say semihosting is there: elsewhere HLT is an
 * undefined instruction.
 */
#ifndef EL2_SEMIHOSTING_H
#define EL2_SEMIHOSTING_H

#include "core/types.h"

#define SEMIHOSTING_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static inline void semihosting_exit(u64 status)
{
	u64 block[2] = { ADP_STOPPED_APPLICATION_EXIT, status };
	register u64 x0 __asm__("x0") = SEMIHOSTING_SYS_EXIT;
	register u64 x1 __asm__("x1") = (u64)(uintptr_t)block;

	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

#endif /* EL2_SEMIHOSTING_H */
