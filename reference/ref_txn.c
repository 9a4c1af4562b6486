// SPDX-License-Identifier: MIT
/*
 * Prepare, then commit (§5 "on any error, nothing changes", §7 -ENOMEM,
 * S25): an operation computes the new leaves of each table it touches and
 * the new page records as fresh run lists, next to the committed ones. At
 * commit, every table's new shape is compared with its old one: the tables
 * in the result that were not there before must come from its pool; if any
 * pool is short, everything prepared is dropped and the result is -ENOMEM.
 */
#include "ref_priv.h"

/* Begin an empty transaction. */
void ref_txn_init(struct ref_txn *t, struct ref_arena *a)
{
	memset(t, 0, sizeof(*t));
	t->arena = a;
}

/* The entry for `target`, created on first use. */
static int txn_entry(struct ref_txn *t, struct ref_runs *target)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		if (t->e[i].target == target)
			return (int)i;
	REF_BUG_ON(t->nr == REF_TXN_MAX);
	i = t->nr++;
	memset(&t->e[i], 0, sizeof(t->e[i]));
	t->e[i].target = target;
	t->e[i].view.leaves = *target;
	return (int)i;
}

/*
 * The table lm as this transaction will leave it so far; tables it grows
 * take pages from `pool`, of which it uses `used` now.
 */
const struct ref_lmap *ref_txn_view(struct ref_txn *t, struct ref_lmap *lm, struct ref_pool *pool,
				    uint64_t used)
{
	int i = txn_entry(t, &lm->leaves);

	t->e[i].lm = lm;
	t->e[i].pool = pool;
	t->e[i].pool_used = used;
	t->e[i].view.kind = lm->kind;
	t->e[i].view.ia_bits = lm->ia_bits;
	t->e[i].view.nr_tables = lm->nr_tables;
	return &t->e[i].view;
}

/* A plain run list (the page records) as this transaction will leave it. */
const struct ref_runs *ref_txn_runs(struct ref_txn *t, struct ref_runs *target)
{
	return &t->e[txn_entry(t, target)].view.leaves;
}

/*
 * Replace the pending version of `target` by `nw`, the result of a step
 * that returned `ret` (non-zero: the step failed, nw holds nothing).
 */
int ref_txn_update(struct ref_txn *t, struct ref_runs *target, int ret, struct ref_runs *nw)
{
	int i = txn_entry(t, target);
	struct ref_runs *pending = &t->e[i].view.leaves;

	if (ret) {
		if (!t->err)
			t->err = ret;
		return ret;
	}
	if (pending->run != target->run)
		ref_runs_free(t->arena, pending);
	*pending = *nw;
	return 0;
}

/* Pages of a pool an operation may still take (§7, with hidden pages). */
uint64_t ref_pool_avail(const struct ref_pool *p, uint64_t used)
{
	uint64_t busy = used + p->hidden;

	return p->size > busy ? p->size - busy : 0;
}

/* Drop everything prepared. */
void ref_txn_abort(struct ref_txn *t)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++) {
		struct ref_runs *pending = &t->e[i].view.leaves;

		if (pending->run != t->e[i].target->run)
			ref_runs_free(t->arena, pending);
	}
	t->nr = 0;
}

/*
 * Check every pool, then install every prepared list. Returns 0, -ENOMEM
 * (nothing changed) or the first step's error (nothing changed).
 */
int ref_txn_commit(struct ref_txn *t)
{
	unsigned int i;

	if (t->err) {
		ref_txn_abort(t);
		return t->err;
	}
	for (i = 0; i < t->nr; i++) {
		struct ref_lmap *lm = t->e[i].lm;
		const struct ref_runs *nw = &t->e[i].view.leaves;
		uint64_t common;

		if (!lm || nw->run == lm->leaves.run)
			continue;
		t->e[i].tables = ref_count_tables(nw, lm->ia_bits);
		common = ref_common_tables(&lm->leaves, nw, lm->ia_bits);
		t->e[i].need = t->e[i].tables - common;
		if (t->e[i].need > ref_pool_avail(t->e[i].pool, t->e[i].pool_used)) {
			ref_txn_abort(t);
			return -REF_ENOMEM;
		}
	}
	for (i = 0; i < t->nr; i++) {
		struct ref_runs *target = t->e[i].target;
		struct ref_runs *nw = &t->e[i].view.leaves;

		if (nw->run == target->run)
			continue;
		ref_runs_free(t->arena, target);
		*target = *nw;
		if (t->e[i].lm) {
			t->e[i].lm->nr_tables = t->e[i].tables;
			t->e[i].lm->generation++;
		}
	}
	t->nr = 0;
	return 0;
}
