// SPDX-License-Identifier: MIT
/*
 * Descriptor encodings, straight from SPEC §2 and S7-S9. A leaf is kept as a
 * template (every bit but the output address and the page/block type bit) so
 * that neighbouring leaves of one mapping share a record; ref_leaf_desc()
 * puts the address and type back for the stream.
 */
#include "ref_priv.h"

#define S2_MEMATTR_NORMAL (0xfull << 2)
#define S2_MEMATTR_DEVICE (0x1ull << 2)
#define S1_ATTRIDX_NORMAL (0x0ull << 2)
#define S1_ATTRIDX_DEVICE (0x1ull << 2)
#define S1_AP_RW	  (0x1ull << 6)
#define S1_AP_RO	  (0x3ull << 6)
#define DESC_SH_INNER	  (0x3ull << 8)

/* A stage-2 leaf for prot (S4) and memory type: S7. */
uint64_t ref_s2_tmpl(unsigned int prot, unsigned int memtype)
{
	uint64_t d = REF_DESC_VALID | DESC_SH_INNER | REF_DESC_AF;

	d |= memtype == REF_MT_DEVICE ? S2_MEMATTR_DEVICE : S2_MEMATTR_NORMAL;
	if (prot & REF_PROT_R)
		d |= REF_DESC_S2_R;
	if (prot & REF_PROT_W)
		d |= REF_DESC_S2_W;
	if (!(prot & REF_PROT_X))
		d |= REF_DESC_S2_XN;
	return d;
}

/* A hyp stage-1 leaf for prot and memory type: S8. */
uint64_t ref_s1_tmpl(unsigned int prot, unsigned int memtype)
{
	uint64_t d = REF_DESC_VALID | DESC_SH_INNER | REF_DESC_AF;

	d |= memtype == REF_MT_DEVICE ? S1_ATTRIDX_DEVICE : S1_ATTRIDX_NORMAL;
	d |= (prot & REF_PROT_W) ? S1_AP_RW : S1_AP_RO;
	if (!(prot & REF_PROT_X))
		d |= REF_DESC_S1_XN;
	return d;
}

/* An invalid entry carrying an owner id in bits 9:2 (§2); HOST is zero. */
uint64_t ref_annotation(unsigned int owner)
{
	return (uint64_t)(owner & 0xff) << 2;
}

/* Host default for memory: normal, RWX, inner shareable, AF (§3). */
uint64_t ref_host_mem_default(void)
{
	return ref_s2_tmpl(REF_PROT_R | REF_PROT_W | REF_PROT_X, REF_MT_NORMAL);
}

/* Host default for MMIO: the same but execute-never (§3). */
uint64_t ref_host_mmio_default(void)
{
	return ref_s2_tmpl(REF_PROT_R | REF_PROT_W, REF_MT_NORMAL);
}

/* Every pKVM mapping in hyp stage-1: PAGE_HYP, normal RW XN (S8). */
uint64_t ref_hyp_page_tmpl(void)
{
	return ref_s1_tmpl(REF_PROT_R | REF_PROT_W, REF_MT_NORMAL);
}

/* The descriptor of the leaf at input page `page` of a run. */
uint64_t ref_leaf_desc(uint64_t tmpl, uint64_t aux, unsigned int level, uint64_t page)
{
	uint64_t leaf_page = ref_align_down(page, ref_span(level));
	uint64_t d = tmpl;

	if (!(tmpl & REF_DESC_VALID))
		return tmpl;
	d |= ((leaf_page + aux) << REF_PAGE_SHIFT) & REF_DESC_OA_MASK;
	if (level == 3)
		d |= REF_DESC_TYPE;
	return d;
}
