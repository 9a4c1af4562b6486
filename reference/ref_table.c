// SPDX-License-Identifier: MIT
/*
 * §5b: one table driven directly, with S1-S6, S11-S15, S40 and S44. Writes
 * go through the same shape engine as the pKVM layer (ref_install.c), so a
 * map, unmap or set_owner is exact by §4; permission and aging operations
 * change whole leaves in place and never split.
 */
#include <ref/ref_table.h>

#include "ref_priv.h"

#define PAGE_MASK  ((1ull << REF_PAGE_SHIFT) - 1)
#define PROT_RWX   (REF_PROT_R | REF_PROT_W | REF_PROT_X)
#define S2_XN_MASK (3ull << 53)

/* Start an empty table whose root comes from its pool (S28). */
int ref_table_init(struct ref_table *t, unsigned int stage, unsigned int ia_bits,
		   uint64_t pool_pages, void *arena, size_t arena_bytes)
{
	memset(t, 0, sizeof(*t));
	if ((stage != REF_STAGE2 && stage != REF_STAGE1) || ia_bits < 32 || ia_bits > 48)
		return -REF_EINVAL;
	t->stage = stage;
	ref_arena_init(&t->arena, arena, arena_bytes);
	ref_lmap_init(&t->map, stage == REF_STAGE2 ? REF_TABLE_S2 : REF_TABLE_S1, ia_bits);
	t->pool.size = pool_pages;
	return pool_pages ? 0 : -REF_ENOMEM;
}

/* S1, S3: page-aligned ia, nr > 0, [ia, ia + nr pages) below 2^ia_bits. */
static bool range_ok(const struct ref_table *t, uint64_t ia, uint64_t nr)
{
	uint64_t top = 1ull << (t->map.ia_bits - REF_PAGE_SHIFT);
	uint64_t p = ia >> REF_PAGE_SHIFT;

	return !(ia & PAGE_MASK) && nr && p < top && nr <= top - p;
}

/* S4: a protection and memory type this table can express. */
static bool prot_ok(const struct ref_table *t, unsigned int prot, unsigned int memtype)
{
	if (!prot || (prot & ~PROT_RWX) || memtype > REF_MT_DEVICE)
		return false;
	if (memtype == REF_MT_DEVICE && (prot & REF_PROT_X))
		return false;
	if (t->stage == REF_STAGE1 && (prot & REF_PROT_W) && !(prot & REF_PROT_R))
		return false;
	return true;
}

/* Write meaning m over pages [lo, hi) (§4), checking the pool (§7). */
static int table_write(struct ref_table *t, uint64_t lo, uint64_t hi, struct ref_meaning m)
{
	struct ref_txn txn;
	const struct ref_lmap *v;
	struct ref_runs nw;
	int ret;

	ref_txn_init(&txn, &t->arena);
	v = ref_txn_view(&txn, &t->map, &t->pool, t->map.nr_tables);
	ret = ref_install(&t->arena, v, NULL, lo, hi, m, &nw);
	ref_txn_update(&txn, &t->map.leaves, ret, &nw);
	return ref_txn_commit(&txn);
}

/* Replace the leaves by `nw` (no new tables possible, or checked). */
static int table_set(struct ref_table *t, int ret, struct ref_runs *nw)
{
	struct ref_txn txn;

	ref_txn_init(&txn, &t->arena);
	ref_txn_view(&txn, &t->map, &t->pool, t->map.nr_tables);
	ref_txn_update(&txn, &t->map.leaves, ret, nw);
	return ref_txn_commit(&txn);
}

/* map: [ia, ia + nr pages) -> [pa, ...) with prot and memtype (S7, S8). */
int ref_table_map(struct ref_table *t, uint64_t ia, uint64_t nr, uint64_t pa, unsigned int prot,
		  unsigned int memtype)
{
	struct ref_meaning m;
	uint64_t pp = pa >> REF_PAGE_SHIFT, top = 1ull << (48 - REF_PAGE_SHIFT);

	if (!range_ok(t, ia, nr) || (pa & PAGE_MASK) || pp >= top || nr > top - pp ||
	    !prot_ok(t, prot, memtype))
		return -REF_EINVAL;
	m.tmpl = t->stage == REF_STAGE2 ? ref_s2_tmpl(prot, memtype) : ref_s1_tmpl(prot, memtype);
	m.aux = pp - (ia >> REF_PAGE_SHIFT);
	return table_write(t, ia >> REF_PAGE_SHIFT, (ia >> REF_PAGE_SHIFT) + nr, m);
}

/* unmap: zero entries over the range, splitting what straddles it. */
int ref_table_unmap(struct ref_table *t, uint64_t ia, uint64_t nr)
{
	struct ref_meaning zero = { 0, 0 };

	if (!range_ok(t, ia, nr))
		return -REF_EINVAL;
	return table_write(t, ia >> REF_PAGE_SHIFT, (ia >> REF_PAGE_SHIFT) + nr, zero);
}

/* set_owner: owner annotations (S5; owner 0 is an unmap). Stage-2 only. */
int ref_table_set_owner(struct ref_table *t, uint64_t ia, uint64_t nr, unsigned int owner)
{
	struct ref_meaning m = { ref_annotation(owner), 0 };

	if (t->stage != REF_STAGE2)
		return -REF_EOPNOTSUPP;
	if (!range_ok(t, ia, nr) || owner > 255)
		return -REF_EINVAL;
	return table_write(t, ia >> REF_PAGE_SHIFT, (ia >> REF_PAGE_SHIFT) + nr, m);
}

/*
 * Change, in place, every whole valid leaf meeting pages [lo, hi): clear
 * `clear`, set `set` (§5b: never split). *young: a leaf met had AF set.
 */
static int change_leaves(struct ref_table *t, uint64_t lo, uint64_t hi, uint64_t clear,
			 uint64_t set, int *young)
{
	const struct ref_runs *in = &t->map.leaves;
	struct ref_build b;
	struct ref_runs nw;
	size_t i;

	*young = 0;
	ref_build_init(&b, &t->arena, in->nr + 4);
	for (i = 0; i < in->nr; i++) {
		struct ref_run run = in->run[i];
		uint64_t span = ref_span(run.level), s, e;

		if (run.end <= lo || run.start >= hi || !(run.val & REF_DESC_VALID)) {
			ref_build_push(&b, &run);
			continue;
		}
		s = ref_align_down(ref_max(run.start, lo), span);
		e = ref_align_down(ref_min(run.end, hi) - 1, span) + span;
		if (run.val & REF_DESC_AF)
			*young = 1;
		run.end = s;
		ref_build_push(&b, &run);
		run.start = s;
		run.end = e;
		run.val = (run.val & ~clear) | set;
		ref_build_push(&b, &run);
		run = in->run[i];
		run.start = e;
		ref_build_push(&b, &run);
	}
	return table_set(t, ref_build_finish(&b, &nw), &nw);
}

/* wrprotect: clear S2AP W on every leaf meeting the range (S14). */
int ref_table_wrprotect(struct ref_table *t, uint64_t ia, uint64_t nr)
{
	int young;

	if (t->stage != REF_STAGE2)
		return -REF_EOPNOTSUPP;
	if (!range_ok(t, ia, nr))
		return -REF_EINVAL;
	return change_leaves(t, ia >> REF_PAGE_SHIFT, (ia >> REF_PAGE_SHIFT) + nr, REF_DESC_S2_W, 0,
			     &young);
}

/* mkold: clear AF on every leaf meeting the range; 1 if any was young. */
int ref_table_mkold(struct ref_table *t, uint64_t ia, uint64_t nr)
{
	int young, ret;

	if (t->stage != REF_STAGE2)
		return -REF_EOPNOTSUPP;
	if (!range_ok(t, ia, nr))
		return -REF_EINVAL;
	ret = change_leaves(t, ia >> REF_PAGE_SHIFT, (ia >> REF_PAGE_SHIFT) + nr, REF_DESC_AF, 0,
			    &young);
	return ret ? ret : young;
}

/* The valid leaf holding byte address ia, or -EAGAIN (§5b, S44). */
static int valid_leaf(const struct ref_table *t, uint64_t ia)
{
	const struct ref_run *run;

	if (!range_ok(t, ia, 1))
		return -REF_EINVAL;
	run = ref_runs_at(&t->map.leaves, ia >> REF_PAGE_SHIFT);
	if (!run || !(run->val & REF_DESC_VALID))
		return -REF_EAGAIN;
	return 0;
}

/* mkyoung: set AF on the leaf holding ia (S14). */
int ref_table_mkyoung(struct ref_table *t, uint64_t ia)
{
	int young, ret;

	if (t->stage != REF_STAGE2)
		return -REF_EOPNOTSUPP;
	ret = valid_leaf(t, ia);
	if (ret)
		return ret;
	return change_leaves(t, ia >> REF_PAGE_SHIFT, (ia >> REF_PAGE_SHIFT) + 1, 0, REF_DESC_AF,
			     &young);
}

/* relax_perms: add prot to the leaf holding ia, never remove (S14, S44). */
int ref_table_relax_perms(struct ref_table *t, uint64_t ia, unsigned int prot)
{
	uint64_t set = 0, clear = 0;
	int young, ret;

	if (t->stage != REF_STAGE2)
		return -REF_EOPNOTSUPP;
	if (!prot || (prot & ~PROT_RWX))
		return -REF_EINVAL;
	ret = valid_leaf(t, ia);
	if (ret)
		return ret;
	if (prot & REF_PROT_R)
		set |= REF_DESC_S2_R;
	if (prot & REF_PROT_W)
		set |= REF_DESC_S2_W;
	if (prot & REF_PROT_X)
		clear |= S2_XN_MASK;
	return change_leaves(t, ia >> REF_PAGE_SHIFT, (ia >> REF_PAGE_SHIFT) + 1, clear, set,
			     &young);
}

/*
 * split: every valid block meeting the range becomes pages with the same
 * translation, whole (S15); annotations stay. Needs tables: -ENOMEM.
 */
int ref_table_split(struct ref_table *t, uint64_t ia, uint64_t nr)
{
	const struct ref_runs *in = &t->map.leaves;
	uint64_t lo = ia >> REF_PAGE_SHIFT, hi = lo + nr;
	struct ref_build b;
	struct ref_runs nw;
	size_t i;

	if (t->stage != REF_STAGE2)
		return -REF_EOPNOTSUPP;
	if (!range_ok(t, ia, nr))
		return -REF_EINVAL;
	ref_build_init(&b, &t->arena, in->nr + 4);
	for (i = 0; i < in->nr; i++) {
		struct ref_run run = in->run[i];
		uint64_t span = ref_span(run.level), s, e;

		if (run.end <= lo || run.start >= hi || run.level == 3 ||
		    !(run.val & REF_DESC_VALID)) {
			ref_build_push(&b, &run);
			continue;
		}
		s = ref_align_down(ref_max(run.start, lo), span);
		e = ref_align_down(ref_min(run.end, hi) - 1, span) + span;
		run.end = s;
		ref_build_push(&b, &run);
		run.start = s;
		run.end = e;
		run.level = 3;
		ref_build_push(&b, &run);
		run = in->run[i];
		run.start = e;
		ref_build_push(&b, &run);
	}
	return table_set(t, ref_build_finish(&b, &nw), &nw);
}

/* get_leaf: the level and descriptor where a walk for ia stops. */
int ref_table_get_leaf(const struct ref_table *t, uint64_t ia, unsigned int *level, uint64_t *desc)
{
	if (!range_ok(t, ia, 1))
		return -REF_EINVAL;
	ref_walk(&t->map, ia >> REF_PAGE_SHIFT, level, desc);
	return 0;
}

/*
 * fault_map (S40, S41) as its serial effect: one leaf of `level` over the
 * level-aligned block holding ia, to pa aligned down the same way. The same
 * meaning already there (S11) changes nothing; a table there is replaced; a
 * larger leaf is split keeping the rest (§4.2).
 */
int ref_table_fault_map(struct ref_table *t, uint64_t ia, unsigned int level, uint64_t pa,
			unsigned int prot, unsigned int memtype)
{
	unsigned int top = ref_start_level(t->map.ia_bits);
	struct ref_meaning m;
	uint64_t span, lo, out;

	if (t->stage != REF_STAGE2)
		return -REF_EOPNOTSUPP;
	if (level < (top ? top : 1) || level > 3 || !range_ok(t, ia, 1) || (pa & PAGE_MASK) ||
	    pa >> 48 || !prot_ok(t, prot, memtype))
		return -REF_EINVAL;
	span = ref_span(level);
	lo = ref_align_down(ia >> REF_PAGE_SHIFT, span);
	out = ref_align_down(pa >> REF_PAGE_SHIFT, span);
	m.tmpl = ref_s2_tmpl(prot, memtype);
	m.aux = out - lo;
	return table_write(t, lo, lo + span, m);
}

/* The §10 stream of the table. */
void ref_table_stream(const struct ref_table *t, ref_emit_fn emit, void *arg)
{
	ref_stream_lmap(&t->map, emit, arg);
}

/* Table pages of the table, root included (S28). */
uint64_t ref_table_nr_pages(const struct ref_table *t)
{
	return t->map.nr_tables;
}

/* Free pages of the table's pool that an operation may take (§7). */
uint64_t ref_table_pool_free(const struct ref_table *t)
{
	return ref_pool_avail(&t->pool, t->map.nr_tables);
}

/* Hide up to n free pages of the table's pool; returns how many. */
uint64_t ref_table_pool_hide(struct ref_table *t, uint64_t n)
{
	uint64_t k = ref_min(n, ref_table_pool_free(t));

	t->pool.hidden += k;
	return k;
}

/* Give every hidden page back. */
void ref_table_pool_unhide(struct ref_table *t)
{
	t->pool.hidden = 0;
}

/* Bumped by every commit that changes the table's leaves. */
uint64_t ref_single_table_generation(const struct ref_table *t)
{
	return t->map.generation;
}
