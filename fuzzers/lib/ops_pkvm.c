// SPDX-License-Identifier: MIT
/*
 * fuzz_pkvm's world: the operations of SPEC §5 on a whole pKVM machine,
 * pool drains (fault injection) and accesses (the TLB model), as rows of
 * the operation table; the fields of its 16-byte records. Fields are
 * reduced into the ranges that matter so mutations stay meaningful: most
 * page selectors land on memory, some near the carve-out, some on MMIO or
 * past the address space, to reach every error of SPEC §5.
 */
#include "machine.h"
#include "ops_pkvm.h"

#include <stdio.h>
#include <string.h>

/* The pools a pool selector may name: host, hyp, each VM slot's memcache. */
static uint64_t nr_pools(const void *s)
{
	return 2 + ((const struct fz_machine *)s)->nr_vm_slots;
}

/*
 * Page selectors, bytes 4-7: the top two bits choose what the rest means.
 * Anchored selectors name a place relative to the machine: a region's
 * first page or the page just past it, or the 2 MiB, 1 GiB or 512 GiB
 * boundary around it (the block an abort there would map), then a signed
 * offset of up to 2^23 pages.
 */
#define ANCHOR_OFF_BITS 24
enum { ANCHOR_START, ANCHOR_END, ANCHOR_START_2M, ANCHOR_START_1G, ANCHOR_START_512G,
       ANCHOR_END_2M, ANCHOR_END_1G, ANCHOR_END_512G };

static uint64_t anchor_pfn(const struct fz_machine *m, unsigned region, unsigned kind)
{
	uint64_t first = m->regions[region].base >> 12;
	uint64_t end = first + (m->regions[region].size >> 12);
	static const unsigned shift[8] = { 0, 0, 9, 18, 27, 9, 18, 27 };
	uint64_t mask = (1ULL << shift[kind]) - 1;

	if (kind == ANCHOR_START || kind == ANCHOR_END)
		return kind == ANCHOR_START ? first : end;
	return kind < ANCHOR_END_2M ? first & ~mask : (end + mask) & ~mask;
}

/* The anchored selector (mode 2) of anchor @kind of region @region, @off pages from it. */
static uint32_t anchored_sel(unsigned kind, unsigned region, uint64_t off)
{
	return 2U << 30 | (kind & 7) << 27 | (region & 7) << ANCHOR_OFF_BITS |
	       (uint32_t)(off & ((1U << ANCHOR_OFF_BITS) - 1));
}

/* Fraction @x / 2^29 of the @top pages below the address space. */
static uint64_t spread(uint64_t x, uint64_t top)
{
	return (uint64_t)(((unsigned __int128)x * top) >> 29);
}

static uint64_t pick_pfn(const struct fz_machine *m, uint32_t s)
{
	uint64_t low = s & 0x3fffffff, pfn = 0, top = fz_machine_top_pfn(m);
	unsigned regions = fz_machine_regions(m);

	switch (s >> 30) {
	case 0: /* memory, by index */
		if (fz_memory_pages(m))
			fz_memory_pfn(m, low % fz_memory_pages(m), &pfn);
		return pfn;
	case 1: /* around the carve-out's start */
		return (m->carve_base >> 12) + (low & 0xffff) - 0x8000;
	case 2: /* near a region's edges, or the blocks around them */
		if (!regions)
			return low;
		return anchor_pfn(m, (low >> ANCHOR_OFF_BITS & 7) % regions, low >> 27 & 7) +
		       (uint64_t)((int64_t)(low << (64 - ANCHOR_OFF_BITS)) >> (64 - ANCHOR_OFF_BITS));
	default: /* anywhere below the address space, or at and past its end */
		if (low >> 29)
			return spread(low & 0x1fffffff, top);
		return top + (low & 0xff) - 4;
	}
}

/*
 * A page selector that means something, from random @r: a few pages either
 * side of a region's edge or of a block boundary around it (the last pages
 * of a region, where an abort's block may reach past its end), or at and
 * past the end of the address space, or around the carve-out.
 */
static uint64_t draw_pfn(uint64_t r)
{
	int64_t off = (int64_t)(r >> 8 & 15) - 8;

	switch (r & 3) {
	case 0:
		return 3ULL << 30 | (r >> 8 & 0xff);
	case 1:
		return 1ULL << 30 | (uint64_t)(0x8000 + off);
	default:
		return anchored_sel((unsigned)(r >> 2), (unsigned)(r >> 5), (uint64_t)off);
	}
}

/* An abort's address (a16, then the page selector): page-aligned, or a page + 8. */
static uint64_t draw_addr(uint64_t r)
{
	return draw_pfn(r) << 16 | (r >> 12 & 1 ? 0xffff : 0);
}

/* Page numbers of a 64-bit address space: a machine past its end wraps. */
#define PFN_MASK ((1ULL << 52) - 1)

static uint64_t dec_pfn(const void *s, const uint8_t *r, const struct fz_op *o)
{
	(void)o;
	return pick_pfn(s, (uint32_t)fz_rd(r + 4, 4)) & PFN_MASK;
}

/* A memory selector for @pfn: its index, counting through the regions. */
static bool enc_memory(const struct fz_machine *m, uint64_t pfn, uint32_t *sel)
{
	uint64_t index = 0;

	for (unsigned i = 0; i < fz_machine_regions(m); i++) {
		uint64_t pages = m->regions[i].size >> 12;
		uint64_t off = (pfn - (m->regions[i].base >> 12)) & PFN_MASK;

		if (off < pages) {
			*sel = (uint32_t)(index + off);
			return index + off < (1U << 30);
		}
		index += pages;
	}
	return false;
}

/* An anchored selector for @pfn, if some anchor lies within 2^23 pages of it. */
static bool enc_anchored(const struct fz_machine *m, uint64_t pfn, uint32_t *sel)
{
	for (unsigned i = 0; i < fz_machine_regions(m); i++) {
		for (unsigned kind = 0; kind < 8; kind++) {
			uint64_t off = (pfn - anchor_pfn(m, i, kind)) & PFN_MASK;

			if (off < (1ULL << 23) || off >= PFN_MASK + 1 - (1ULL << 23)) {
				*sel = anchored_sel(kind, i, off);
				return true;
			}
		}
	}
	return false;
}

/* A selector that decodes to exactly @pfn: by memory index, anchor, address or carve-out. */
static bool enc_pfn(const void *s, uint64_t pfn, uint8_t *r, const struct fz_op *o,
		    struct fz_err *e)
{
	const struct fz_machine *m = s;
	uint64_t top = fz_machine_top_pfn(m), carve = m->carve_base >> 12;
	uint32_t sel;

	(void)o;
	if (enc_memory(m, pfn, &sel) || enc_anchored(m, pfn, &sel))
		fz_wr(r + 4, 4, sel);
	else if (!fz_machine_regions(m) && pfn < (1U << 30))
		fz_wr(r + 4, 4, 2ULL << 30 | pfn);
	else if (((pfn + 4 - top) & PFN_MASK) < 256)
		fz_wr(r + 4, 4, 3ULL << 30 | ((pfn + 4 - top) & PFN_MASK));
	else if (((pfn + 0x8000 - carve) & PFN_MASK) < 0x10000)
		fz_wr(r + 4, 4, 1ULL << 30 | ((pfn + 0x8000 - carve) & PFN_MASK));
	else if (pfn < top && spread((uint64_t)(((unsigned __int128)pfn << 29) / top), top) == pfn)
		fz_wr(r + 4, 4, 7ULL << 29 | (uint64_t)(((unsigned __int128)pfn << 29) / top));
	/* Whichever way was found, the selector must decode to exactly @pfn. */
	if ((pick_pfn(m, (uint32_t)fz_rd(r + 4, 4)) & PFN_MASK) != pfn)
		return fz_fail(e, "page %#llx cannot be expressed for this machine",
			       (unsigned long long)pfn);
	return true;
}

/* A page: a number, mem:N (the N-th memory page) or carve:N (N may be negative). */
static bool parse_pfn(const void *s, const char *t, uint64_t *v, struct fz_err *e)
{
	const struct fz_machine *m = s;
	int64_t off;

	if (!strncmp(t, "mem:", 4)) {
		if (!fz_num(t + 4, v) || !fz_memory_pfn(m, *v, v))
			return fz_fail(e, "'%s': no such memory page on this machine", t);
		return true;
	}
	if (!strncmp(t, "carve:", 6)) {
		if (!fz_snum(t + 6, &off) || off < -0x8000 || off >= 0x8000)
			return fz_fail(e, "'%s': the carve-out offset is -32768 to 32767", t);
		*v = (m->carve_base >> 12) + (uint64_t)off;
		return true;
	}
	return fz_parse_num(s, t, v, e);
}

/* An abort's byte address: a page selector, page + 8 when a16 is 0xffff. */
static uint64_t dec_addr(const void *s, const uint8_t *r, const struct fz_op *o)
{
	return (dec_pfn(s, r, o) << 12) + (fz_rd(r + 2, 2) == 0xffff ? 8 : 0);
}

static bool enc_addr(const void *s, uint64_t v, uint8_t *r, const struct fz_op *o,
		     struct fz_err *e)
{
	if ((v & 0xfff) && (v & 0xfff) != 8)
		return fz_fail(e, "an unaligned abort address must be a page + 8");
	fz_wr(r + 2, 2, v & 0xfff ? 0xffff : 0);
	return enc_pfn(s, v >> 12, r, o, e);
}

#define PFN_DOC                                                                            \
	"bytes 4-7, a page selector: the top two bits choose 0 a memory page by index, 1 a "  \
	"page near the carve-out's start (low 16 bits - 0x8000), 2 an anchored page (bits "   \
	"27-29: a region's first page, the page past its end, its start rounded down to 2 "   \
	"MiB, 1 GiB or 512 GiB, its end rounded up to them; bits 24-26 the region, mod the "  \
	"regions; bits 0-23 a signed page offset), 3 with bit 29 set any page below the "     \
	"host address space (bits 0-28 as a fraction of it), else pages at and past its end " \
	"(low byte - 4)"

/* a16: the 16-bit field at bytes 2-3, shared by nr, prot, ia_bits and pool. */
static const struct fz_field pkvm_fields[PK_NR_FIELDS] = {
	[PK_VM] = { "vm", 1, 1,
		    "byte 1: `& 3` when bit 7 is clear, else `& 0x1f` (16-31 are always out of "
		    "range)",
		    FZ_WAYS(FZ_WAY(0x80, 0, 3, 1, 0), FZ_WAY(0x80, 0x80, 0x1f, 1, 0)) },
	[PK_IA_BITS] = { "ia_bits", 2, 2, "bytes 2-3 (a16): 28 + a16 mod 24",
			 FZ_WAYS({ .mask = 0xffff, .unit = 1, .add = 28, .mod = 24 }) },
	[PK_PFN] = { "pfn", 4, 4, PFN_DOC, .decode = dec_pfn, .encode = enc_pfn,
		     .parse = parse_pfn, .hex = true, .page = true, .draw = draw_pfn },
	[PK_PGD] = { "pgd", 4, 4, "bytes 4-7, a page selector (as pfn)", .decode = dec_pfn,
		     .encode = enc_pfn, .parse = parse_pfn, .hex = true, .page = true,
		     .draw = draw_pfn },
	[PK_NR] = { "nr", 2, 2, "a16 & 0x3ff, times 512 when bit 15 is set",
		    FZ_WAYS(FZ_WAY(0x8000, 0, 0x3ff, 1, 0), FZ_WAY(0x8000, 0x8000, 0x3ff, 512, 0)) },
	[PK_GFN] = { "gfn", 8, 8,
		     "bytes 8-15: the top two bits choose `& 0x3ff`, `& 0xfffff`, `& (2^36 - 1)` or "
		     "`(g & 0x3f) << 30`",
		     FZ_WAYS(FZ_WAY(3ULL << 62, 0, 0x3ff, 1, 0),
			     FZ_WAY(3ULL << 62, 1ULL << 62, 0xfffff, 1, 0),
			     FZ_WAY(3ULL << 62, 2ULL << 62, (1ULL << 36) - 1, 1, 0),
			     FZ_WAY(3ULL << 62, 3ULL << 62, 0x3f, 1LL << 30, 0)),
		     .hex = true },
	[PK_PROT] = { "prot", 2, 2, "a16 & 0xf", FZ_WAYS(FZ_WAY(0, 0, 0xf, 1, 0)) },
	[PK_POOL] = { "pool", 2, 2, "a16 mod (2 + VM slots): 0 host, 1 hyp, 2 + n VM n's memcache",
		      FZ_WAYS(FZ_WAY(0, 0, 0xffff, 1, 0)), .limit = nr_pools },
	[PK_HIDE] = { "nr", 4, 4, "bytes 4-7 mod 64: free pages withheld",
		      FZ_WAYS(FZ_WAY(0, 0, 0x3f, 1, 0)) },
	[PK_ADDR] = { "addr", 2, 6, "the page selector as a byte address, + 8 when a16 is 0xffff",
		      .decode = dec_addr, .encode = enc_addr, .hex = true, .draw = draw_addr },
};

void fz_machine_setup(const uint8_t *hdr, void *setup)
{
	fz_decode_machine(hdr, setup);
}

const struct fz_world fz_world_pkvm = {
	.target = "fuzz_pkvm",
	FZ_MACHINE_WORLD,
	.select_doc = "byte 0 mod 20 picks the operation",
	.record_size = 16,
	.nr_fields = PK_NR_FIELDS,
	.nr_ops = PK_NR_OPS,
	.field = pkvm_fields,
	.op = fz_pkvm_ops,
};
