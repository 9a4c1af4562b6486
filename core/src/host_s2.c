// SPDX-License-Identifier: MIT
/*
 * Host stage-2: the installs ownership transitions write, and the abort
 * handler that builds the lazy identity map (SPEC §6).
 */
#include "host_s2_internal.h"

static u64 pfn_addr(u64 pfn)
{
	return pfn << PGT_PAGE_SHIFT;
}

struct pgt_install host_s2_ins_owner(u64 pfn, u64 nr, u32 owner)
{
	return (struct pgt_install){
		.start = pfn_addr(pfn),
		.end = pfn_addr(pfn + nr),
		.inval = pte_make_annotation(owner),
		.coalesce = owner == PKVM_OWNER_HOST,
	};
}

struct pgt_install host_s2_ins_shared(const struct pgt *host, u64 pfn)
{
	return (struct pgt_install){
		.start = pfn_addr(pfn),
		.end = pfn_addr(pfn + 1),
		.valid = true,
		.attrs = host_default_attrs(host->layout, pfn_addr(pfn)) | PTE_SW_SHARED_OWNED,
		.out = pfn_addr(pfn),
	};
}

struct pgt_install host_s2_ins_default(const struct pgt *host, u64 pfn)
{
	return (struct pgt_install){
		.start = pfn_addr(pfn),
		.end = pfn_addr(pfn + 1),
		.valid = true,
		.attrs = host_default_attrs(host->layout, pfn_addr(pfn)),
		.out = pfn_addr(pfn),
		.host_default = true,
		.coalesce = true,
	};
}

#define ABORT_MAPPED 1

/*
 * SPEC §6: with the canonical shape, the largest block that is unmapped,
 * host-owned and default is the span of the empty entry the walk stopped
 * at; shrink it until it lies in one memory region or one MMIO gap. Fills
 * @ins with that leaf; ABORT_MAPPED if a valid leaf maps @addr already.
 * @shared: the walk reads as a shared walk does, beside other aborts.
 */
static int abort_install(struct pgt *host, u64 addr, struct pgt_install *ins, bool shared)
{
	u32 level;
	pte_t e;
	int ret = pgt_find_leaf(host, addr, &e, &level, shared);

	if (ret)
		return ret;
	if (pte_valid(e))
		return ABORT_MAPPED; /* spurious, or another CPU got there first */
	if (pte_is_locked(e))
		return -CORE_EAGAIN; /* a shared walk's break (aborts alone never make one) */
	if (e != 0)
		return -CORE_EPERM; /* annotated for another owner */
	if (level < 1)
		level = 1;
	for (; level < PGT_MAX_LEVEL; level++) {
		u64 span = pgt_level_span(level);

		if (host_layout_block_ok(host->layout, addr & ~(span - 1), span))
			break;
	}
	*ins = (struct pgt_install){
		.start = addr & ~(pgt_level_span(level) - 1),
		.valid = true,
		.attrs = host_default_attrs(host->layout, addr),
		.host_default = true,
		.only_level = level,
	};
	ins->end = ins->start + pgt_level_span(level);
	ins->out = ins->start;
	return 0;
}

/* The abort as an exclusive install, or as a shared walk (S46). */
static int mem_abort(struct pgt *host, u64 addr, bool shared)
{
	struct pgt_install ins;
	int ret;

	if (!shared) {
		ret = abort_install(host, addr, &ins, false);
		return ret ? (ret == ABORT_MAPPED ? 0 : ret) : pgt_install(host, &ins);
	}
	/* The decision's walk too is inside the shared section: tables it reads stay. */
	pgt_ops(host)->shared_enter(pgt_ctx(host));
	ret = abort_install(host, addr, &ins, true);
	if (!ret)
		ret = pgt_fault_install(host, &ins);
	pgt_ops(host)->shared_exit(pgt_ctx(host));
	return ret == ABORT_MAPPED ? 0 : ret;
}

int host_s2_mem_abort(struct pgt *host, u64 addr)
{
	return mem_abort(host, addr, false);
}

int host_s2_mem_abort_shared(struct pgt *host, u64 addr)
{
	return mem_abort(host, addr, true);
}
