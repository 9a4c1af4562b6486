/* SPDX-License-Identifier: MIT */
/* What the kernel findings' reproducers (tests/kernel/repro_*.c) share. */
#ifndef TESTS_KERNEL_REPRO_H
#define TESTS_KERNEL_REPRO_H

#include <stdbool.h>
#include <stdio.h>

#include "s2k/kernel_table.h"

/* Is the tree's version MAJOR.MINOR or later (where a finding is fixed)? */
static inline bool tree_at_least(unsigned major, unsigned minor)
{
	unsigned m = 0, n = 0;

	if (sscanf(s2k_tree.version, "%u.%u", &m, &n) != 2)
		return false;
	return m > major || (m == major && n >= minor);
}

#endif /* TESTS_KERNEL_REPRO_H */
