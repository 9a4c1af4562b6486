/* SPDX-License-Identifier: MIT */
/*
 * Where everything goes in physical memory. The hypervisor moves itself into
 * a carve-out it chooses (the highest free stretch of memory that fits), laid
 * out as SPEC §8 and S23 want it: the host pool first, then the hyp pool,
 * then the image, then the heap (page records, page counts, the reference
 * model's memory). The host payload goes to the lowest free stretch.
 */
#ifndef EL2_LAYOUT_H
#define EL2_LAYOUT_H

#include "el2/dt.h"

#define EL2_HOST_POOL_PAGES 2048ULL
#define EL2_HYP_POOL_PAGES 512ULL
#define SZ_2M (2ULL << 20)

struct el2_layout {
	u64 carve_base, carve_size;
	u64 host_pool_pages, hyp_pool_pages;
	u64 image_base, image_size; /* the image's home in the carve-out */
	u64 heap_base, heap_size;   /* the rest of the carve-out */
	u64 payload_base, payload_size;
	u64 memory_pages;	    /* pages in every memory region */
};

/*
 * Plan the carve-out and the payload's place around what must not move: the
 * reserved ranges of @m (the device tree blob and initrd among them) and the
 * image as loaded, [@loaded_base, + @loaded_size). 0, or -ENOMEM with @why set.
 */
int layout_plan(const struct el2_machine *m, u64 loaded_base, u64 loaded_size, u64 image_size,
		u64 payload_size, struct el2_layout *out, const char **why);

/* The same with @extra_heap more bytes of heap (the differential mode's, el2/diffmode.h). */
int layout_plan_extra(const struct el2_machine *m, u64 loaded_base, u64 loaded_size,
		      u64 image_size, u64 payload_size, u64 extra_heap, struct el2_layout *out,
		      const char **why);

/* Does [base, base + size) meet [r.base, r.base + r.size)? */
static inline bool range_meets(u64 base, u64 size, const struct el2_range *r)
{
	return base < r->base + r->size && r->base < base + size;
}

#endif /* EL2_LAYOUT_H */
