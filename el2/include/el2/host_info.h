/* SPDX-License-Identifier: MIT */
/*
 * What the hypervisor tells its host payload (payload/): handed over in x0,
 * in host memory just below the payload. Plain data, no pointers.
 */
#ifndef EL2_HOST_INFO_H
#define EL2_HOST_INFO_H

#include "el2/uart.h"

#define EL2_HOST_INFO_MAGIC 0x6f666e6932736c65ULL /* "el2sinfo" */
#define EL2_HOST_INFO_RANGES 8

#define EL2_HOST_SEMIHOSTING BIT(0) /* stop through semihosting SYS_EXIT */
#define EL2_HOST_PSCI_SMC BIT(1)    /* PSCI through SMC */
#define EL2_HOST_DIFF BIT(2)	    /* differential mode on (el2/diffmode.h) */

struct el2_host_range {
	u64 base, size;
};

struct el2_host_info {
	u64 magic;
	u64 flags;
	u32 nr_memory;
	u32 nr_avoid;
	struct el2_host_range memory[EL2_HOST_INFO_RANGES];
	/* Memory the payload must not write: reserved ranges, the device tree. */
	struct el2_host_range avoid[EL2_HOST_INFO_RANGES];
	struct el2_host_range carveout; /* the hypervisor's: touching it is refused */
	struct el2_host_range payload;	/* the payload and this record */
	struct uart uart;
	u32 nr_vm_slots;
	u32 host_ia_bits;
	u64 ops;  /* differential mode: operations to run */
	u64 seed; /* differential mode: the sequence's seed */
};

/*
 * el2's own diagnostic hypercalls, outside the pKVM function numbers of
 * SPEC §12 (docs/hvc-abi.md): x0 = EL2_HVC_ID(n).
 *  - STAGE2_SUMMARY: prints the host stage-2 summary; returns x0 = 0 and
 *    x1..x4 = leaves at level 1, 2, 3 and table pages.
 *  - DIFF_STATUS: the differential mode compares the whole state again and
 *    returns x0 = 0, x1 = operations compared, x2 = of which host aborts,
 *    x3 = the whole-state digest (S27), x4 = the reference's arena in use;
 *    x0 = NOT_SUPPORTED when the mode is off (el2/diffmode.h).
 * Neither is a pKVM operation: the differential mode does not compare them.
 */
#define EL2_HVC_ID_BASE 0xC6008000ULL
#define EL2_HVC_ID(n) (EL2_HVC_ID_BASE + (n))
#define EL2_HVC_STAGE2_SUMMARY 0
#define EL2_HVC_DIFF_STATUS 1

#endif /* EL2_HOST_INFO_H */
