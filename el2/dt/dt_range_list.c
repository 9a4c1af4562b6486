// SPDX-License-Identifier: MIT
/*
 * Lists of physical ranges kept sorted by base, with no two entries that
 * overlap or touch: adding a range merges it with every entry it meets, so a
 * full list still takes ranges that only grow an entry it has.
 */
#include "dt_internal.h"

/* [a) and [b) overlap or touch; ends never wrap (base + size <= 2^64 - 1). */
static bool dt_ranges_meet(const struct el2_range *a, const struct el2_range *b)
{
	return a->base <= b->base + b->size && b->base <= a->base + a->size;
}

int dt_range_add(struct el2_range *list, u32 *nr, u32 max, struct el2_range r)
{
	u32 first = 0, last;
	u64 end = r.base + r.size;

	/* Entries wholly below @r and apart from it stay where they are. */
	while (first < *nr && list[first].base + list[first].size < r.base)
		first++;
	/* [first, last) meet @r (as it grows): they become one entry. */
	for (last = first; last < *nr && dt_ranges_meet(&list[last], &r); last++) {
		u64 e = list[last].base + list[last].size;

		if (list[last].base < r.base)
			r.base = list[last].base;
		if (e > end)
			end = e;
		r.size = end - r.base;
	}
	if (last == first) {
		if (*nr == max)
			return -EL2_ENOSPC;
		memmove(&list[first + 1], &list[first], (*nr - first) * sizeof(*list));
		(*nr)++;
	} else if (last > first + 1) {
		memmove(&list[first + 1], &list[last], (*nr - last) * sizeof(*list));
		*nr -= last - first - 1;
	}
	list[first] = r;
	return 0;
}
