// SPDX-License-Identifier: MIT
/*
 * fuzz_pgtable's two sides and the comparisons after every operation. The
 * core runs on the simulated machine with the break-before-make checker fed
 * from its observer; the reference is two ref_table models. Everything is
 * compared per table: the guest stage-2 (index 0) and the hyp stage-1 (1).
 * A fault that cannot get its pages changes nothing, serially (S42): the
 * digests and pools must agree after it as after any other operation.
 */
#include "tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the pools' pages sit in the simulated physical space (any free range). */
static const uint64_t pool_base[FZ_T_NR] = { 0x800000000ULL, 0x900000000ULL };

#define REF_ARENA_BYTES (8ULL << 20)
/* Table pages the machine can hold: both pools at their largest (1100). */
#define SIM_SLOTS 4096

static void *ref_arena[FZ_T_NR];

static const enum diff_kind diff_kinds[FZ_T_NR] = { DIFF_GUEST_S2, DIFF_HYP_S1 };
static const char *const names[FZ_T_NR] = { "guest", "hyp" };

/* Every store, invalidation and free the core makes, to the BBM checker. */
static void feed_bbm(void *arg, const struct sim_event *ev)
{
	struct fz_tables *d = arg;

	if (fz_feed_checkers(&d->bbm, &d->tlb, ev))
		d->slot[ev->pgt == &d->pgt[FZ_T_HYP] ? FZ_T_HYP : FZ_T_GUEST].stale = true;
}

static int tables_init(void *w, const void *setup, struct fz_failure *f)
{
	static const enum pgt_kind kinds[] = { PGT_GUEST_S2, PGT_HYP_S1 };
	static const unsigned stages[] = { REF_STAGE2, REF_STAGE1 };
	struct fz_tables *d = w;
	struct sim_observer obs = { .event = feed_bbm, .arg = d };
	bool refused = false;

	memset(d, 0, offsetof(struct fz_tables, bbm));
	d->s = *(const struct fz_tables_setup *)setup;
	if (!d->sim_up && sim_init(&d->sim, SIM_SLOTS))
		abort();
	d->sim_up = true;
	diff_bbm_init(&d->bbm);
	diff_tlb_init(&d->tlb);
	sim_set_observer(&d->sim, &obs);
	d->mem = fz_sim_mem(&d->sim);
	d->brute_on = brute_small_enough(0, d->s.pool_pages[FZ_T_GUEST], d->s.pool_pages[FZ_T_HYP]);
	for (unsigned t = 0; t < FZ_T_NR; t++) {
		int core_rc, ref_rc;

		brute_forget(&d->brute[t]);
		d->slot[t].stale = true;
		if (sim_pool_init(&d->sim, &d->pool[t], pa_init(pool_base[t]), d->s.pool_pages[t]))
			abort();
		core_rc = pgt_init(&d->pgt[t], kinds[t], d->s.ia_bits[t], t + 1, sim_mm(&d->sim),
				   &d->pool[t], NULL);
		d->core_up[t] = core_rc == 0;
		if (!ref_arena[t] && !(ref_arena[t] = malloc(REF_ARENA_BYTES)))
			abort();
		ref_rc = ref_table_init(&d->ref[t], stages[t], d->s.ia_bits[t], d->s.pool_pages[t],
					ref_arena[t], REF_ARENA_BYTES);
		if (core_rc != ref_rc) {
			fz_failed(f, "init", names[t], "rc",
				  "%s table: core returned %d, reference %d", names[t], core_rc,
				  ref_rc);
			snprintf(f->signature, sizeof(f->signature), "init/%s/core=%d/ref=%d",
				 names[t], core_rc, ref_rc);
			return -1;
		}
		refused |= core_rc != 0;
	}
	return refused ? 1 : 0;
}

/*
 * Take every page of @pool off the machine again, so that the next input
 * can build its pools at the same addresses. After pgt_destroy every page
 * must be free.
 */
static void pool_empty(struct pgt_pool *pool)
{
	u64 left = sim_pool_empty(pool);

	if (left) {
		fprintf(stderr, "fuzz_pgtable: %llu table pages outlived pgt_destroy\n",
			(unsigned long long)left);
		abort();
	}
	sim_pool_fini(pool);
}

static void tables_fini(void *w)
{
	struct fz_tables *d = w;
	struct sim_observer none = { 0 };

	sim_set_observer(&d->sim, &none);
	for (unsigned t = 0; t < FZ_T_NR; t++) {
		if (d->core_up[t])
			pgt_destroy(&d->pgt[t]);
		pool_empty(&d->pool[t]);
	}
}

static void ref_stream_src(void *src, diff_emit_fn emit, void *arg)
{
	ref_table_stream(src, emit, arg);
}

/* A table's core view. */
static struct diff_table view(struct fz_tables *d, unsigned i)
{
	return (struct diff_table){ .kind = diff_kinds[i], .root_pa = pa_addr(d->pgt[i].root_pa),
				    .start_level = d->pgt[i].start_level, .mem = &d->mem };
}

/* The access operation: the CPU translates @ia through table @i (the TLB model, SPEC §11). */
int fz_tables_access(struct fz_tables *d, unsigned i, uint64_t ia)
{
	struct diff_table t = view(d, i);

	if (d->core_up[i] && ia < (1ULL << d->s.ia_bits[i]))
		diff_tlb_access(&d->tlb, &d->pgt[i], &t, ia);
	return 0;
}

static bool tables_check(void *w, const struct fz_op *op, int core_rc, int ref_rc,
			 struct fz_failure *f)
{
	struct fz_tables *d = w;
	const char *name = op->def->name;
	const struct fz_leaf *cl = &d->core_leaf, *rl = &d->ref_leaf;
	struct diff_state core = { 0 }, ref = { 0 };

	if (ref_rc == -REF_ENOSPC)
		return fz_failed(f, "harness", name, "ref-arena",
				 "the reference ran out of arena memory");
	if (!fz_check_rc(name, core_rc, ref_rc, f))
		return false;
	if (fz_tables_is_get_leaf(op) && !core_rc &&
	    (cl->level != rl->level || cl->entry != rl->entry)) {
		enum diff_kind k = diff_kinds[op->v[0]];
		char exp[160], act[160];

		diff_decode(k, rl->level, rl->entry, exp, sizeof(exp));
		diff_decode(k, cl->level, cl->entry, act, sizeof(act));
		return fz_failed(f, "leaf", name, diff_kind_name(k),
				 "get_leaf %#llx\n  expected (reference): L%u %s [%#llx]\n"
				 "  actual   (core):      L%u %s [%#llx]",
				 (unsigned long long)op->v[1], rl->level, exp,
				 (unsigned long long)rl->entry, cl->level, act,
				 (unsigned long long)cl->entry);
	}
	if (!diff_bbm_end_op(&d->bbm))
		return fz_failed(f, "bbm", name, "rule", "%s", d->bbm.v.what);
	for (unsigned i = 0; i < FZ_T_NR; i++) {
		struct fz_pair p = { view(d, i), ref_stream_src, &d->ref[i],
				     ref_single_table_generation(&d->ref[i]), "core" };
		struct diff_violation v;
		enum brute_verdict bv = d->brute_on ? brute_check_table(&d->brute[i], &d->ref[i],
									names[i], f->detail,
									sizeof(f->detail))
						    : BRUTE_AGREE;

		/* First: a reference that departs from §4 is its own finding. */
		if (bv != BRUTE_AGREE)
			return fz_mark(f, "oracle", name, brute_verdict_name(bv));
		if (!fz_compare_table(&d->slot[i], &p, name, f))
			return false;
		diff_state_add(&core, p.core.kind, 0, d->slot[i].core_digest);
		diff_state_add(&ref, p.core.kind, 0, d->slot[i].ref_digest);
		if (!diff_tlb_check(&d->tlb, &d->pgt[i], &p.core, &v))
			return fz_failed(f, "tlb", name, diff_kind_name(p.core.kind), "%s: %s",
					 diff_kind_name(p.core.kind), v.what);
	}
	if (!fz_check_state(&core, &ref, name, f))
		return false;
	/* Pools last: a structural difference explains itself better. */
	for (unsigned i = 0; i < FZ_T_NR; i++) {
		if (!fz_check_pool(name, names[i], sim_pool_free(&d->pool[i]),
				   ref_table_pool_free(&d->ref[i]), sim_pool_free_all(&d->pool[i]),
				   d->slot[i].tables, sim_pool_size(&d->pool[i]), f))
			return false;
	}
	return true;
}

static struct fz_tables tables_state;

const struct fz_harness fz_tables_harness = {
	&fz_world_tables, &tables_state, tables_init, tables_fini, tables_check, fz_tables_result,
	fz_tables_describe, NULL, NULL, NULL, NULL,
};
