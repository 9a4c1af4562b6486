// SPDX-License-Identifier: MIT
/*
 * Putting a corpus input's pages on el2's machine. The input was made for
 * the machine its header describes (QEMU virt with 2 GiB, a phone with
 * three unaligned regions, a 48-bit machine...); el2 runs on the real one.
 * Only registers that hold a pfn, for a call x0 names (SVE hint or not), and abort
 * addresses are moved; gfns, counts, VM slots, protections, ia_bits and
 * every register of an unknown id pass as they are. A pfn of the input is:
 *  - in its carve-out, or at most NEAR pages below it: the same offset from
 *    el2's carve-out (a carve:N of the scripts stays hyp memory, carve:-1
 *    the host page under it);
 *  - other memory: its index counting through the input's regions, taken
 *    modulo el2's usable pages (hostmem.h), so consecutive pages stay
 *    consecutive within a run and a range keeps its shape;
 *  - at or past the end of its address space: as far past el2's end (left
 *    as it is when already past el2's end: high bits are kept);
 *  - MMIO: the same page if el2 has no memory there, else folded below
 *    el2's first memory region.
 * A page that lands on one the payload must keep (itself, the device tree)
 * moves to the next usable page, and a host_donate_hyp range is cut short
 * before such a page, so that no input can take the payload's own memory.
 * Aborts are replayed only where el2 has memory; an abort on MMIO or past
 * the address space is skipped (the payload does not read device registers
 * of a board it does not know).
 */
#include "hostmem.h"
#include "replay.h"

#define NEAR 64ULL

static bool input_memory_index(const struct replay_machine *m, u64 pfn, u64 *index)
{
	u64 before = 0;

	for (u64 i = 0; i < m->nr_regions && i < 8; i++) {
		u64 base = m->regions[i][0] >> 12, pages = m->regions[i][1] >> 12;

		if (pfn >= base && pfn - base < pages) {
			*index = before + (pfn - base);
			return true;
		}
		before += pages;
	}
	return false;
}

/* Memory the payload needs is never named: move on to a page it may give. */
static u64 keep_payload_safe(u64 pfn)
{
	if (hostmem_is_memory(pfn) && !hostmem_in_carveout(pfn) && !hostmem_usable(pfn))
		return hostmem_next_usable(pfn);
	return pfn;
}

static u64 el2_mmio_page(u64 pfn)
{
	u64 mem0 = payload_info->memory[0].base >> 12;

	return mem0 ? pfn % mem0 : hostmem_top() - 1 - pfn % 16;
}

static u64 map_pfn(const struct replay_machine *m, u64 pfn)
{
	u64 carve = m->carve_base >> 12, el2_carve = payload_info->carveout.base >> 12;
	u64 in_top = 1ULL << (m->host_ia_bits - 12), top = hostmem_top(), index;

	if (pfn + NEAR - carve < m->carve_pages + NEAR && el2_carve >= NEAR)
		return keep_payload_safe(el2_carve + pfn - carve);
	if (input_memory_index(m, pfn, &index))
		return hostmem_nth_usable(index);
	if (pfn >= in_top)
		return pfn >= top ? pfn : pfn - in_top + top;
	return hostmem_is_memory(pfn) ? el2_mmio_page(pfn) : pfn;
}

/* Cut [pfn, pfn + nr) before the first page the payload needs. */
static u64 clip_range(u64 pfn, u64 nr)
{
	u64 end = pfn + nr;

	if (end < pfn || end > hostmem_top())
		return nr; /* -EINVAL whatever it covers */
	for (u64 p = pfn; p < end; p++)
		if (hostmem_is_memory(p) && !hostmem_in_carveout(p) && !hostmem_usable(p))
			return p - pfn;
	return nr;
}

void replay_map_call(const struct replay_machine *m, const u64 *in, u64 *x)
{
	u64 id = pkvm_hvc_id_of(in[0]), fn = id - PKVM_HVC_ID_BASE;
	u32 reg = 0;

	for (u32 i = 0; i < 5; i++)
		x[i] = in[i];
	if (id < PKVM_HVC_ID_BASE || fn >= PKVM_HVC_NR_CALLS)
		return;
	switch (fn) {
	case PKVM_HVC_VM_CREATE:
		reg = 3;
		break;
	case PKVM_HVC_VM_TOPUP:
	case PKVM_HVC_HOST_DONATE_GUEST:
	case PKVM_HVC_HOST_SHARE_GUEST:
		reg = 2;
		break;
	case PKVM_HVC_HOST_UNSHARE_GUEST:
	case PKVM_HVC_GUEST_RELINQUISH:
	case PKVM_HVC_VM_TEARDOWN:
		return;
	default:
		reg = 1;
		break;
	}
	x[reg] = map_pfn(m, in[reg]);
	if (fn == PKVM_HVC_HOST_DONATE_HYP)
		x[2] = clip_range(x[1], x[2]);
}

bool replay_map_abort(const struct replay_machine *m, u64 addr, u64 *to)
{
	u64 pfn = map_pfn(m, addr >> 12);

	if (!hostmem_is_memory(pfn))
		return false;
	/* The fault reports only the page (HPFAR_EL2): touch its first word. */
	*to = pfn << 12;
	return true;
}
