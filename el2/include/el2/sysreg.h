/* SPDX-License-Identifier: MIT */
/* System registers and barriers (Arm ARM, D17/D19). */
#ifndef EL2_SYSREG_H
#define EL2_SYSREG_H

#include "core/types.h"

#define read_sysreg(r)                                        \
	({                                                    \
		u64 __v;                                      \
		__asm__ volatile("mrs %0, " #r : "=r"(__v)); \
		__v;                                          \
	})
#define write_sysreg(v, r) __asm__ volatile("msr " #r ", %0" : : "r"((u64)(v)) : "memory")

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")

/* HCR_EL2 */
#define HCR_VM BIT(0)
#define HCR_SWIO BIT(1)
#define HCR_TSC BIT(19)
#define HCR_RW BIT(31)
#define HCR_APK BIT(40)
#define HCR_API BIT(41)

/* SCTLR_EL2 with E2H = 0: RES1 bits 29:28, 23:22, 18, 16, 11, 5:4. */
#define SCTLR_EL2_RES1 0x30c50830ULL
#define SCTLR_M BIT(0)
#define SCTLR_C BIT(2)
#define SCTLR_SA BIT(3)
#define SCTLR_I BIT(12)
#define SCTLR_WXN BIT(19)

/* SCTLR_EL1 for the host: RES1 bits 29:28, 23:22, 20, 11; MMU and caches off. */
#define SCTLR_EL1_RES1 0x30d00800ULL

/* TCR_EL2 (E2H = 0) and VTCR_EL2 fields. */
#define TCR_EL2_RES1 (BIT(31) | BIT(23))
#define TCR_T0SZ(bits) (64ULL - (bits))
#define TCR_IRGN0_WBWA (1ULL << 8)
#define TCR_ORGN0_WBWA (1ULL << 10)
#define TCR_SH0_INNER (3ULL << 12)
#define TCR_EL2_PS_SHIFT 16
#define VTCR_RES1 BIT(31)
#define VTCR_SL0_SHIFT 6
#define VTCR_PS_SHIFT 16

/* MAIR_EL2: index 0 normal write-back, index 1 device-nGnRE (SPEC §2, S8). */
#define MAIR_EL2_VALUE (0xffULL | (0x04ULL << 8))

/* CNTHCTL_EL2 (E2H = 0): EL1PCTEN, EL1PCEN: EL1 reaches the physical counter and timer. */
#define CNTHCTL_EL2_VALUE (BIT(0) | BIT(1))

/* ICC_SRE_EL2: SRE and Enable (EL1 may use the GICv3 system registers). */
#define ICC_SRE_EL2_VALUE (BIT(0) | BIT(3))

/* ESR_ELx */
#define ESR_EC_SHIFT 26
#define ESR_EC(esr) (((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_IL BIT(25)
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_FSC(esr) ((esr) & 0x3f)
#define ESR_FSC_EXTABT 0x10

#endif /* EL2_SYSREG_H */
