// SPDX-License-Identifier: MIT
/*
 * el2_dt_parse: check the blob as a whole, then read each part of the
 * machine. After fdt_check_full every offset libfdt hands out points into a
 * well-formed structure block, so the readers only have to distrust values
 * (lengths, cells, strings), never the walk itself.
 */
#include "dt_internal.h"

static const dt_step_fn dt_steps[] = {
	dt_memory, dt_reserved, dt_gic, dt_psci, dt_console,
};

int el2_dt_parse(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why)
{
	int first = 0;

	memset(m, 0, sizeof(*m));
	*why = NULL;
	/* The boot protocol's rule, and libfdt's: it refuses anything else. */
	if ((uintptr_t)fdt & 7) {
		*why = "the device tree is not 8-byte aligned";
		return -CORE_EINVAL;
	}
	if (fdt_check_header(fdt)) {
		*why = "not a device tree: bad magic, version or block offsets";
		return -CORE_EINVAL;
	}
	if (fdt_check_full(fdt, fdt_totalsize(fdt))) {
		*why = "the device tree's structure block is malformed";
		return -CORE_EINVAL;
	}
	/* Every part is read even after a failure; the first failure is the answer. */
	for (size_t i = 0; i < DT_ARRAY_SIZE(dt_steps); i++) {
		const char *step_why = NULL;
		int ret = dt_steps[i](fdt, fdt_pa, m, &step_why);

		if (ret && !first) {
			first = ret;
			*why = step_why;
		}
	}
	return first;
}
