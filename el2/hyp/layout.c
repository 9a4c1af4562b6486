// SPDX-License-Identifier: MIT
/* Choosing the carve-out and the payload's place (el2/layout.h). */
#include "el2/layout.h"

#define MAX_AVOID (EL2_MAX_RESERVED + 2)

static u64 align_down(u64 v, u64 a)
{
	return v & ~(a - 1);
}

static u64 align_up(u64 v, u64 a)
{
	return (v + a - 1) & ~(a - 1);
}

static const struct el2_range *first_conflict(const struct el2_range *avoid, u32 n, u64 base,
					      u64 size)
{
	for (u32 i = 0; i < n; i++)
		if (avoid[i].size && range_meets(base, size, &avoid[i]))
			return &avoid[i];
	return NULL;
}

/* The highest @align-aligned stretch of @size bytes in @r that meets nothing in @avoid. */
static bool find_top(const struct el2_range *r, const struct el2_range *avoid, u32 n, u64 size,
		     u64 align, u64 *out)
{
	u64 end = r->base + r->size, cand;

	if (r->size < size)
		return false;
	cand = align_down(end - size, align);
	while (cand >= r->base) {
		const struct el2_range *c = first_conflict(avoid, n, cand, size);

		if (!c) {
			*out = cand;
			return true;
		}
		if (c->base < r->base + size)
			return false;
		cand = align_down(c->base - size, align);
	}
	return false;
}

/* The lowest such stretch. */
static bool find_bottom(const struct el2_range *r, const struct el2_range *avoid, u32 n, u64 size,
			u64 align, u64 *out)
{
	u64 end = r->base + r->size, cand = align_up(r->base, align);

	while (cand >= r->base && cand + size <= end && cand + size > cand) {
		const struct el2_range *c = first_conflict(avoid, n, cand, size);

		if (!c) {
			*out = cand;
			return true;
		}
		cand = align_up(c->base + c->size, align);
	}
	return false;
}

int layout_plan(const struct el2_machine *m, u64 loaded_base, u64 loaded_size, u64 image_size,
		u64 payload_size, struct el2_layout *out, const char **why)
{
	return layout_plan_extra(m, loaded_base, loaded_size, image_size, payload_size, 0, out,
				 why);
}

int layout_plan_extra(const struct el2_machine *m, u64 loaded_base, u64 loaded_size,
		      u64 image_size, u64 payload_size, u64 extra_heap, struct el2_layout *out,
		      const char **why)
{
	struct el2_range avoid[MAX_AVOID];
	u32 n = 0;
	bool found = false;

	*out = (struct el2_layout){ .host_pool_pages = EL2_HOST_POOL_PAGES,
				    .hyp_pool_pages = EL2_HYP_POOL_PAGES };
	for (u32 i = 0; i < m->nr_memory; i++)
		out->memory_pages += m->memory[i].size >> 12;
	for (u32 i = 0; i < m->nr_reserved && n < EL2_MAX_RESERVED; i++)
		avoid[n++] = m->reserved[i];
	avoid[n++] = (struct el2_range){ loaded_base, align_up(loaded_size, 4096) };

	out->image_size = align_up(image_size, 4096);
	/* Page records (8 bytes) and table-page counts (4 bytes) per memory page, plus slack. */
	out->heap_size = align_up(out->memory_pages * 12 + (4ULL << 20) + extra_heap, 4096);
	out->carve_size = align_up((out->host_pool_pages + out->hyp_pool_pages) * 4096 +
				   out->image_size + out->heap_size, SZ_2M);
	out->heap_size = out->carve_size - (out->host_pool_pages + out->hyp_pool_pages) * 4096 -
			 out->image_size;

	for (u32 i = m->nr_memory; i-- > 0 && !found;)
		found = find_top(&m->memory[i], avoid, n, out->carve_size, SZ_2M, &out->carve_base);
	if (!found) {
		*why = "no free memory for the hypervisor carve-out";
		return -CORE_ENOMEM;
	}
	out->image_base = out->carve_base + (out->host_pool_pages + out->hyp_pool_pages) * 4096;
	out->heap_base = out->image_base + out->image_size;

	avoid[n++] = (struct el2_range){ out->carve_base, out->carve_size };
	out->payload_size = align_up(payload_size, 4096);
	found = false;
	for (u32 i = 0; i < m->nr_memory && !found; i++)
		found = find_bottom(&m->memory[i], avoid, n, out->payload_size, SZ_2M,
				    &out->payload_base);
	if (!found) {
		*why = "no free memory for the host payload";
		return -CORE_ENOMEM;
	}
	return 0;
}
