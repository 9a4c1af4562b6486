// SPDX-License-Identifier: MIT
/*
 * fuzz_pgtable's two sides and the comparisons after every operation. The
 * core runs on the simulated machine with the break-before-make checker fed
 * from its observer; the reference is two ref_table models. Everything is
 * compared per table: the guest stage-2 (index 0) and the hyp stage-1 (1).
 */
#include "pgtable_dual.h"
#include "sim_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the pools' pages sit in the simulated physical space (any free range). */
static const uint64_t pool_base[FZ_PGT_NR_TABLES] = { 0x800000000ULL, 0x900000000ULL };

#define REF_ARENA_BYTES (8ULL << 20)
/* Table pages the machine can hold: both pools at their largest (1100). */
#define SIM_SLOTS 4096

static void *ref_arena[FZ_PGT_NR_TABLES];

static const enum diff_kind diff_kinds[FZ_PGT_NR_TABLES] = { DIFF_GUEST_S2, DIFF_HYP_S1 };

static const uint64_t *mem_table(void *ctx, uint64_t pa)
{
	enum sim_slot_state st = sim_page_state(ctx, pa_init(pa));

	return st == SIM_SLOT_TABLE || st == SIM_SLOT_ROOT ? sim_phys_to_virt(ctx, pa_init(pa)) :
							     NULL;
}

static uint32_t mem_count(void *ctx, uint64_t pa)
{
	return sim_page_count(ctx, pa_init(pa));
}

/* Every store, invalidation and free the core makes, to the BBM checker. */
static void feed_bbm(void *arg, const struct sim_event *ev)
{
	struct pgtable_dual *d = arg;
	struct diff_event e = fz_diff_event(ev);

	diff_bbm_event(&d->bbm, &e);
	if (ev->kind == SIM_EV_STORE)
		d->dirty[ev->pgt == &d->pgt[FZ_PGT_HYP] ? FZ_PGT_HYP : FZ_PGT_GUEST] = true;
}

int pgtable_dual_init(struct pgtable_dual *d, const uint8_t *hdr, struct pgtable_dual_failure *f)
{
	static const enum pgt_kind kinds[] = { PGT_GUEST_S2, PGT_HYP_S1 };
	static const unsigned stages[] = { REF_STAGE2, REF_STAGE1 };
	struct sim_observer obs = { .event = feed_bbm, .arg = d };
	int core_rc[FZ_PGT_NR_TABLES], ref_rc[FZ_PGT_NR_TABLES];

	memset(d, 0, offsetof(struct pgtable_dual, bbm));
	d->n = 0;
	memcpy(d->hdr, hdr, FZ_PGTABLE_HEADER_SIZE);
	fz_pgtable_decode_setup(hdr, &d->s);
	if (!d->sim_up && sim_init(&d->sim, SIM_SLOTS))
		abort();
	d->sim_up = true;
	diff_bbm_init(&d->bbm);
	sim_set_observer(&d->sim, &obs);
	d->mem = (struct diff_mem){ mem_table, mem_count, &d->sim };
	for (unsigned t = 0; t < FZ_PGT_NR_TABLES; t++) {
		d->dirty[t] = true;
		if (sim_pool_init(&d->sim, &d->pool[t], pa_init(pool_base[t]), d->s.pool_pages[t]))
			abort();
		core_rc[t] = pgt_init(&d->pgt[t], kinds[t], d->s.ia_bits[t], t + 1, sim_mm(&d->sim),
				      &d->pool[t], NULL);
		d->core_up[t] = core_rc[t] == 0;
		if (!ref_arena[t] && !(ref_arena[t] = malloc(REF_ARENA_BYTES)))
			abort();
		ref_rc[t] = ref_table_init(&d->ref[t], stages[t], d->s.ia_bits[t],
					   d->s.pool_pages[t], ref_arena[t], REF_ARENA_BYTES);
	}
	for (unsigned t = 0; t < FZ_PGT_NR_TABLES; t++) {
		if (core_rc[t] == ref_rc[t])
			continue;
		f->check = "init";
		snprintf(f->detail, sizeof(f->detail), "%s table: core returned %d, reference %d",
			 fz_pgtable_table_name(t), core_rc[t], ref_rc[t]);
		snprintf(f->signature, sizeof(f->signature), "init/%s/core=%d/ref=%d",
			 fz_pgtable_table_name(t), core_rc[t], ref_rc[t]);
		return -1;
	}
	return core_rc[0] || core_rc[1] ? 1 : 0;
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
		fprintf(stderr, "pgtable_dual: %llu table pages outlived pgt_destroy\n",
			(unsigned long long)left);
		abort();
	}
	sim_pool_fini(pool);
}

void pgtable_dual_fini(struct pgtable_dual *d)
{
	struct sim_observer none = { 0 };

	sim_set_observer(&d->sim, &none);
	for (unsigned t = 0; t < FZ_PGT_NR_TABLES; t++) {
		if (d->core_up[t])
			pgt_destroy(&d->pgt[t]);
		pool_empty(&d->pool[t]);
	}
}

/* pool_hide: withhold every free page but @keep, on one side or the other. */
static uint64_t hide_count(uint64_t free, uint64_t keep)
{
	return free > keep ? free - keep : 0;
}

static int run_core(struct pgtable_dual *d, const struct fz_pgtable_op *o,
		    struct pgtable_dual_leaf *leaf)
{
	struct pgt *t = &d->pgt[o->table];
	struct pgt_pool *pool = &d->pool[o->table];
	bool s1 = o->table == FZ_PGT_HYP;
	ipaddr_t ia = ipa_init(o->ia);
	pte_t entry = 0;
	u32 level = 0;
	int rc;

	switch (o->kind) {
	case FZ_PGT_MAP:
		return s1 ? pgt_s1_map(t, va_init(o->ia), o->nr, pa_init(o->pa), o->prot,
				       o->memtype) :
			    pgt_s2_map(t, ia, o->nr, pa_init(o->pa), o->prot, o->memtype);
	case FZ_PGT_UNMAP:
		return s1 ? pgt_s1_unmap(t, va_init(o->ia), o->nr) : pgt_s2_unmap(t, ia, o->nr);
	case FZ_PGT_SET_OWNER:
		return pgt_s2_set_owner(t, ia, o->nr, o->owner);
	case FZ_PGT_WRPROTECT:
		return pgt_s2_wrprotect(t, ia, o->nr);
	case FZ_PGT_MKOLD:
		return pgt_s2_mkold(t, ia, o->nr);
	case FZ_PGT_MKYOUNG:
		return pgt_s2_mkyoung(t, ia);
	case FZ_PGT_RELAX_PERMS:
		return pgt_s2_relax_perms(t, ia, o->prot);
	case FZ_PGT_SPLIT:
		return pgt_s2_split(t, ia, o->nr);
	case FZ_PGT_GET_LEAF:
		rc = pgt_get_leaf(t, o->ia, &entry, &level);
		*leaf = (struct pgtable_dual_leaf){ entry, level };
		return rc;
	case FZ_PGT_FAULT_MAP:
		return pgt_s2_fault_map(t, ia, o->level, pa_init(o->pa), o->prot, o->memtype);
	case FZ_PGT_POOL_HIDE:
		sim_pool_hide(pool, hide_count(sim_pool_free(pool), o->keep));
		return 0;
	case FZ_PGT_POOL_UNHIDE:
		sim_pool_unhide(pool);
		return 0;
	case FZ_PGT_NR_OPS:
		break;
	}
	return 0;
}

static int run_ref(struct pgtable_dual *d, const struct fz_pgtable_op *o,
		   struct pgtable_dual_leaf *leaf)
{
	struct ref_table *t = &d->ref[o->table];

	switch (o->kind) {
	case FZ_PGT_MAP:
		return ref_table_map(t, o->ia, o->nr, o->pa, o->prot, o->memtype);
	case FZ_PGT_UNMAP:
		return ref_table_unmap(t, o->ia, o->nr);
	case FZ_PGT_SET_OWNER:
		return ref_table_set_owner(t, o->ia, o->nr, o->owner);
	case FZ_PGT_WRPROTECT:
		return ref_table_wrprotect(t, o->ia, o->nr);
	case FZ_PGT_MKOLD:
		return ref_table_mkold(t, o->ia, o->nr);
	case FZ_PGT_MKYOUNG:
		return ref_table_mkyoung(t, o->ia);
	case FZ_PGT_RELAX_PERMS:
		return ref_table_relax_perms(t, o->ia, o->prot);
	case FZ_PGT_SPLIT:
		return ref_table_split(t, o->ia, o->nr);
	case FZ_PGT_GET_LEAF:
		return ref_table_get_leaf(t, o->ia, &leaf->level, &leaf->entry);
	case FZ_PGT_FAULT_MAP:
		return ref_table_fault_map(t, o->ia, o->level, o->pa, o->prot, o->memtype);
	case FZ_PGT_POOL_HIDE:
		ref_table_pool_hide(t, hide_count(ref_table_pool_free(t), o->keep));
		return 0;
	case FZ_PGT_POOL_UNHIDE:
		ref_table_pool_unhide(t);
		return 0;
	case FZ_PGT_NR_OPS:
		break;
	}
	return 0;
}

/*
 * A fault is a shared walk: it cannot count its table pages ahead and may
 * run out half-way (S42), where the serial reference changes nothing. So
 * when the reference says -ENOMEM, the core's call runs with every free page
 * of its pool withheld and fails at its first allocation, unless the record
 * asks for the raw path (then pgtable_dual_step judges the leftovers).
 */
static int run_core_fault(struct pgtable_dual *d, const struct fz_pgtable_op *o, int ref_rc,
			  struct pgtable_dual_leaf *leaf)
{
	struct pgt_pool *pool = &d->pool[o->table];
	uint64_t hidden = pool->hidden;
	int rc;

	if (o->kind != FZ_PGT_FAULT_MAP || ref_rc != -REF_ENOMEM || o->raw)
		return run_core(d, o, leaf);
	sim_pool_hide(pool, sim_pool_free(pool));
	rc = run_core(d, o, leaf);
	sim_pool_unhide(pool);
	sim_pool_hide(pool, hidden);
	return rc;
}

static void ref_stream_src(void *src, diff_emit_fn emit, void *arg)
{
	ref_table_stream(src, emit, arg);
}

/*
 * A core stream without the tables that hold no leaf (S42's leftovers): a
 * table record is held back until an entry below it arrives, and dropped
 * when the walk leaves its span first. Pre-order makes the held records
 * exactly the ancestors of the next one.
 */
struct leafy {
	diff_emit_fn emit;
	void *arg;
	struct diff_record held[4];
	unsigned n;
};

static void leafy_emit(void *arg, unsigned level, uint64_t ia, uint64_t desc)
{
	struct leafy *l = arg;

	while (l->n && l->held[l->n - 1].level >= level)
		l->n--;
	if (level < 3 && (desc & 3) == 3 && l->n < 4) {
		l->held[l->n++] = (struct diff_record){ level, ia, desc };
		return;
	}
	for (unsigned i = 0; i < l->n; i++)
		l->emit(l->arg, (unsigned)l->held[i].level, l->held[i].ia, l->held[i].desc);
	l->n = 0;
	l->emit(l->arg, level, ia, desc);
}

static void leafy_stream(void *table, diff_emit_fn emit, void *arg)
{
	struct leafy l = { .emit = emit, .arg = arg, .n = 0 };

	diff_table_stream(table, leafy_emit, &l);
}

static enum pgtable_dual_result fail(struct pgtable_dual_failure *f, const char *check,
				     const struct fz_pgtable_op *op, const char *what)
{
	f->check = check;
	snprintf(f->signature, sizeof(f->signature), "%s/%s/%s", check,
		 fz_pgtable_op_name(op->kind), what);
	return PGTABLE_DUAL_FAIL;
}

/* The slow path: the first differing record, decoded into words. */
static void explain_mismatch(struct pgtable_dual *d, unsigned i, diff_stream_fn actual,
			     struct diff_table *t, struct pgtable_dual_failure *f)
{
	static struct diff_record scratch[1U << 20];
	struct diff_mismatch mm;
	char exp[160] = "(none)", act[160] = "(none)";
	const struct diff_record *where;

	diff_first_difference(ref_stream_src, &d->ref[i], actual, t, scratch,
			      sizeof(scratch) / sizeof(scratch[0]), &mm);
	if (!mm.found) {
		snprintf(f->detail, sizeof(f->detail), "%s: digests differ but streams agree%s",
			 diff_kind_name(t->kind),
			 mm.overflow ? " (stream too long to compare)" : "");
		return;
	}
	if (mm.have_expected)
		diff_decode(t->kind, (unsigned)mm.expected.level, mm.expected.desc, exp,
			    sizeof(exp));
	if (mm.have_actual)
		diff_decode(t->kind, (unsigned)mm.actual.level, mm.actual.desc, act, sizeof(act));
	where = mm.have_expected && mm.have_actual ?
			(mm.expected.ia <= mm.actual.ia ? &mm.expected : &mm.actual) :
		mm.have_expected ? &mm.expected :
				   &mm.actual;
	snprintf(f->detail, sizeof(f->detail),
		 "first difference in %s, record %llu, input address %#llx, level %llu\n"
		 "  expected (reference): %s [%#llx]\n"
		 "  actual   (core):      %s [%#llx]",
		 diff_kind_name(t->kind), (unsigned long long)mm.index,
		 (unsigned long long)where->ia, (unsigned long long)where->level, exp,
		 (unsigned long long)mm.expected.desc, act, (unsigned long long)mm.actual.desc);
}

/* SPEC §3, §7, §11 on the core's memory: structure, refcounts, pool accounting. */
static bool check_structure(struct pgtable_dual *d, unsigned i, struct diff_table *t,
			    struct pgtable_dual_failure *f)
{
	struct diff_violation v;
	uint64_t tables = 0;

	if (!diff_check_table(t, &tables, &v)) {
		snprintf(f->detail, sizeof(f->detail), "%s: %s", diff_kind_name(t->kind), v.what);
		return false;
	}
	if (tables + sim_pool_free_all(&d->pool[i]) == sim_pool_size(&d->pool[i]))
		return true;
	snprintf(f->detail, sizeof(f->detail),
		 "%s: %llu table pages + %llu free != pool of %llu pages", diff_kind_name(t->kind),
		 (unsigned long long)tables, (unsigned long long)sim_pool_free_all(&d->pool[i]),
		 (unsigned long long)sim_pool_size(&d->pool[i]));
	return false;
}

/*
 * One table: the hashed walk of both sides, then the core's structure.
 * @parted: a raw fault just returned -ENOMEM on both sides, so the core
 * may hold tables without leaves (S42) and nothing else may differ.
 */
static enum pgtable_dual_result compare_table(struct pgtable_dual *d, unsigned i,
					      const struct fz_pgtable_op *op, bool parted,
					      struct pgtable_dual_failure *f)
{
	struct diff_table t = { diff_kinds[i],	       0,	pa_addr(d->pgt[i].root_pa),
				d->pgt[i].start_level, &d->mem, NULL };
	uint64_t gen = ref_single_table_generation(&d->ref[i]);
	bool dirty = d->dirty[i];

	if (dirty)
		d->core_digest[i] = diff_stream_hash(diff_table_stream, &t);
	if (!d->ref_known[i] || d->ref_generation[i] != gen) {
		d->ref_digest[i] = diff_stream_hash(ref_stream_src, &d->ref[i]);
		d->ref_generation[i] = gen;
		d->ref_known[i] = true;
	}
	d->dirty[i] = false;
	if (dirty && !check_structure(d, i, &t, f)) {
		d->dirty[i] = true;
		return fail(f, "invariant", op, diff_kind_name(t.kind));
	}
	if (d->ref_digest[i] == d->core_digest[i])
		return PGTABLE_DUAL_OK;
	d->dirty[i] = true;
	if (!parted) {
		explain_mismatch(d, i, diff_table_stream, &t, f);
		return fail(f, "digest", op, diff_kind_name(t.kind));
	}
	if (diff_stream_hash(leafy_stream, &t) == d->ref_digest[i])
		return PGTABLE_DUAL_STOP;
	explain_mismatch(d, i, leafy_stream, &t, f);
	return fail(f, "enomem-leftover", op, diff_kind_name(t.kind));
}

static enum pgtable_dual_result check(struct pgtable_dual *d, const struct fz_pgtable_op *op,
				      int core_rc, int ref_rc, const struct pgtable_dual_leaf *cl,
				      const struct pgtable_dual_leaf *rl,
				      struct pgtable_dual_failure *f)
{
	const char *name = fz_pgtable_op_name(op->kind);
	bool parted = op->kind == FZ_PGT_FAULT_MAP && op->raw && ref_rc == -REF_ENOMEM;
	enum pgtable_dual_result r = PGTABLE_DUAL_OK;

	if (ref_rc == -REF_ENOSPC) {
		snprintf(f->detail, sizeof(f->detail), "the reference ran out of arena memory");
		return fail(f, "harness", op, "ref-arena");
	}
	if (core_rc != ref_rc) {
		snprintf(f->detail, sizeof(f->detail),
			 "%s on the %s table returned %d, the "
			 "reference %d",
			 name, fz_pgtable_table_name(op->table), core_rc, ref_rc);
		f->check = "return-code";
		snprintf(f->signature, sizeof(f->signature), "return-code/%s/core=%d/ref=%d", name,
			 core_rc, ref_rc);
		return PGTABLE_DUAL_FAIL;
	}
	if (op->kind == FZ_PGT_GET_LEAF && !core_rc &&
	    (cl->level != rl->level || cl->entry != rl->entry)) {
		char exp[160], act[160];

		diff_decode(diff_kinds[op->table], rl->level, rl->entry, exp, sizeof(exp));
		diff_decode(diff_kinds[op->table], cl->level, cl->entry, act, sizeof(act));
		snprintf(f->detail, sizeof(f->detail),
			 "get_leaf %#llx\n  expected (reference): L%u %s [%#llx]\n"
			 "  actual   (core):      L%u %s [%#llx]",
			 (unsigned long long)op->ia, rl->level, exp, (unsigned long long)rl->entry,
			 cl->level, act, (unsigned long long)cl->entry);
		return fail(f, "leaf", op, diff_kind_name(diff_kinds[op->table]));
	}
	if (!diff_bbm_end_op(&d->bbm)) {
		snprintf(f->detail, sizeof(f->detail), "%s", d->bbm.v.what);
		return fail(f, "bbm", op, "rule");
	}
	for (unsigned i = 0; i < FZ_PGT_NR_TABLES; i++) {
		enum pgtable_dual_result ri = compare_table(d, i, op, parted, f);

		if (ri == PGTABLE_DUAL_FAIL)
			return ri;
		if (ri == PGTABLE_DUAL_STOP)
			r = ri;
	}
	/* Pools last: a structural difference explains itself better. */
	for (unsigned i = 0; r == PGTABLE_DUAL_OK && i < FZ_PGT_NR_TABLES; i++) {
		uint64_t core = sim_pool_free(&d->pool[i]), ref = ref_table_pool_free(&d->ref[i]);

		if (core == ref)
			continue;
		snprintf(f->detail, sizeof(f->detail),
			 "%s pool: core has %llu free table pages, reference %llu",
			 fz_pgtable_table_name(i), (unsigned long long)core,
			 (unsigned long long)ref);
		return fail(f, "pool", op, fz_pgtable_table_name(i));
	}
	return r;
}

enum pgtable_dual_result pgtable_dual_step(struct pgtable_dual *d, const struct fz_pgtable_op *op,
					   struct pgtable_dual_failure *f)
{
	struct pgtable_dual_leaf core_leaf = { 0, 0 }, ref_leaf = { 0, 0 };
	int ref_rc = run_ref(d, op, &ref_leaf);
	int core_rc = run_core_fault(d, op, ref_rc, &core_leaf);

	if (d->n < PGTABLE_DUAL_TRACE_MAX) {
		d->trace[d->n] = *op;
		d->rc[d->n] = core_rc;
		d->leaf[d->n] = core_leaf;
		d->n++;
	}
	return check(d, op, core_rc, ref_rc, &core_leaf, &ref_leaf, f);
}

void pgtable_dual_report(const struct pgtable_dual *d, const struct pgtable_dual_failure *f)
{
	char line[256];

	fz_pgtable_setup_format(d->hdr, line, sizeof(line));
	fprintf(stderr, "==== s2fuzz: core and reference disagree ====\n%s\n", line);
	for (unsigned i = 0; i < d->n; i++) {
		fz_pgtable_op_format(&d->trace[i], line, sizeof(line));
		fprintf(stderr, "%4u  %-72s -> %d", i, line, d->rc[i]);
		if (d->trace[i].kind == FZ_PGT_GET_LEAF && !d->rc[i])
			fprintf(stderr, "  L%u %#llx", d->leaf[i].level,
				(unsigned long long)d->leaf[i].entry);
		fputc('\n', stderr);
	}
	fprintf(stderr, "check: %s\n%s\n", f->check, f->detail);
	fprintf(stderr, "s2fuzz-signature: %s\n", f->signature);
}
