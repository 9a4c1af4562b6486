// SPDX-License-Identifier: MIT
/* Host memory the payload may give away (hostmem.h), as runs of usable pages. */
#include "hostmem.h"

#define MAX_RUNS 64

struct run {
	u64 start, end; /* pages [start, end) */
};

static struct run runs[MAX_RUNS];
static u32 nr_runs;
static u64 nr_usable, top;
static const struct el2_host_info *info;

static bool in_range(u64 pfn, const struct el2_host_range *r)
{
	return pfn >= r->base / HOSTMEM_PAGE && pfn < (r->base + r->size) / HOSTMEM_PAGE;
}

bool hostmem_is_memory(u64 pfn)
{
	for (u32 i = 0; i < info->nr_memory; i++)
		if (in_range(pfn, &info->memory[i]))
			return true;
	return false;
}

bool hostmem_in_carveout(u64 pfn)
{
	return in_range(pfn, &info->carveout);
}

bool hostmem_usable(u64 pfn)
{
	if (!hostmem_is_memory(pfn) || hostmem_in_carveout(pfn) || in_range(pfn, &info->payload))
		return false;
	for (u32 i = 0; i < info->nr_avoid; i++)
		if (in_range(pfn, &info->avoid[i]))
			return false;
	return true;
}

static void add_run(u64 start, u64 end)
{
	if (start == end || nr_runs == MAX_RUNS)
		return;
	runs[nr_runs++] = (struct run){ start, end };
	nr_usable += end - start;
}

void hostmem_init(const struct el2_host_info *in)
{
	info = in;
	nr_runs = 0;
	nr_usable = 0;
	top = 1ULL << (in->host_ia_bits - 12);
	for (u32 i = 0; i < in->nr_memory; i++) {
		u64 p = in->memory[i].base / HOSTMEM_PAGE,
		    end = p + in->memory[i].size / HOSTMEM_PAGE;
		u64 start = p;

		/* Page by page is slow but once: a few hundred thousand checks. */
		for (; p < end; p++) {
			if (hostmem_usable(p))
				continue;
			add_run(start, p);
			start = p + 1;
		}
		add_run(start, end);
	}
}

u64 hostmem_usable_pages(void)
{
	return nr_usable;
}

u64 hostmem_nth_usable(u64 index)
{
	if (!nr_usable)
		return 0;
	index %= nr_usable;
	for (u32 i = 0; i < nr_runs; i++) {
		if (index < runs[i].end - runs[i].start)
			return runs[i].start + index;
		index -= runs[i].end - runs[i].start;
	}
	return runs[0].start;
}

u64 hostmem_next_usable(u64 pfn)
{
	if (!nr_runs)
		return 0;
	for (u32 i = 0; i < nr_runs; i++) {
		if (pfn < runs[i].start)
			return runs[i].start;
		if (pfn < runs[i].end)
			return pfn;
	}
	return runs[0].start;
}

u64 hostmem_top(void)
{
	return top;
}
