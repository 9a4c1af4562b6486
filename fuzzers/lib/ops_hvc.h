/* SPDX-License-Identifier: MIT */
/* fuzz_hvc's fields (ops_hvc.c): a call's registers, or an abort's address. */
#ifndef FUZZ_OPS_HVC_H
#define FUZZ_OPS_HVC_H

#include "optable.h"

enum { HV_X0, HV_X1, HV_X2, HV_X3, HV_X4, HV_ADDR, HV_NR_FIELDS };

/* Operation indices: a call, or an abort. */
enum { HV_OP_CALL, HV_OP_ABORT };

#endif /* FUZZ_OPS_HVC_H */
