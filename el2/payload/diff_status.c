// SPDX-License-Identifier: MIT
/* Asking el2 how its differential mode is doing (differential.h). */
#include "differential.h"

struct diff_status diff_status(void)
{
	struct hvc_res r = hvc_call(EL2_HVC_ID(EL2_HVC_DIFF_STATUS), 0, 0, 0, 0);

	if (r.x[0] != 0)
		return (struct diff_status){ .on = false };
	return (struct diff_status){ true, r.x[1], r.x[2], r.x[3], r.x[4] };
}
