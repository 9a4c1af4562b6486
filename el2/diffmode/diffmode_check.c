// SPDX-License-Identifier: MIT
/*
 * The comparisons after every operation (SPEC §10, §11): break-before-make,
 * then every table's digest against the reference's stream (the first
 * differing entry in words when they disagree), its structure and the
 * refcount law on raw memory, host stage-2 leaves only over pages the host
 * may touch, which VMs live, and every pool's free pages and accounting.
 */
#include "diffmode_internal.h"
#include "el2/libc.h"
#include "el2/mm.h"

struct ref_src {
	const struct ref *r;
	unsigned kind, vm;
};

static void ref_stream_src(void *src, diff_emit_fn emit, void *arg)
{
	const struct ref_src *s = src;

	ref_stream(s->r, s->kind, s->vm, emit, arg);
}

bool dm_fail(struct dm_failure *f, const char *check, const char *op, const char *what)
{
	f->check = check;
	snprintf(f->signature, sizeof(f->signature), "%s/%s/%s", check, op, what);
	return false;
}

static const struct pgt *slot_pgt(unsigned slot)
{
	if (slot == 0)
		return &dm.pkvm->host_s2;
	if (slot == 1)
		return &dm.pkvm->hyp_s1;
	return &dm.pkvm->vms[slot - 2].pgt;
}

static struct diff_table slot_view(unsigned slot)
{
	const struct pgt *pgt = slot_pgt(slot);
	static const enum diff_kind kinds[] = { DIFF_HOST_S2, DIFF_HYP_S1, DIFF_GUEST_S2 };

	return (struct diff_table){ kinds[slot < 2 ? slot : 2],
				    slot < 2 ? 0 : slot - 2,
				    pa_addr(pgt->root_pa),
				    pgt->start_level,
				    &dm.mem,
				    slot == 0 ? &dm.layout : NULL };
}

/* The slow path: the first record where the two streams part, in words. */
static void explain_mismatch(struct diff_table *t, struct ref_src *rs, struct dm_failure *f)
{
	struct diff_mismatch mm;
	char exp[160] = "(none)", act[160] = "(none)";
	const struct diff_record *where;

	diff_first_difference(ref_stream_src, rs, diff_table_stream, t, dm.scratch,
			      (size_t)dm.scratch_cap, &mm);
	if (!mm.found) {
		snprintf(f->detail, sizeof(f->detail),
			 "%s (vm %u): digests differ but the streams agree%s",
			 diff_kind_name(t->kind), t->vm,
			 mm.overflow ? " as far as the scratch space holds them" : "");
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
		 "first difference in %s (vm %u), record %llu, input address 0x%llx, level "
		 "%llu\n  expected (reference): %s [0x%llx]\n  actual   (core):      %s [0x%llx]",
		 diff_kind_name(t->kind), t->vm, (unsigned long long)mm.index,
		 (unsigned long long)where->ia, (unsigned long long)where->level, exp,
		 (unsigned long long)mm.expected.desc, act, (unsigned long long)mm.actual.desc);
}

struct host_access_check {
	const struct ref *ref;
	bool ok;
	u64 ia;
	unsigned level;
};

static void check_host_leaf(void *arg, unsigned level, uint64_t ia, uint64_t desc)
{
	struct host_access_check *c = arg;

	/* Table descriptors reach the stream as 0x3. */
	if (!(desc & 1) || (level < 3 && desc == 3) || !c->ok)
		return;
	if (!ref_host_may_access(c->ref, ia >> 12, 1ULL << (9 * (3 - level)))) {
		c->ok = false;
		c->ia = ia;
		c->level = level;
	}
}

/* SPEC §11: host stage-2 valid leaves map only pages the host may touch. */
static bool host_leaves_accessible(struct diff_table *t, const char *op, struct dm_failure *f)
{
	struct host_access_check c = { dm.ref, true, 0, 0 };

	diff_table_stream(t, check_host_leaf, &c);
	if (c.ok)
		return true;
	snprintf(f->detail, sizeof(f->detail),
		 "host stage-2 maps ia 0x%llx (level %u) though a page in it is not the host's",
		 (unsigned long long)c.ia, c.level);
	return dm_fail(f, "invariant", op, "host maps a page it does not own");
}

static bool compare_table(unsigned slot, const char *op, struct dm_failure *f)
{
	struct diff_table t = slot_view(slot);
	struct ref_src rs = { dm.ref, (unsigned)t.kind, t.vm };
	u64 gen = ref_table_generation(dm.ref, rs.kind, rs.vm);
	bool dirty = dm.dirty[slot];
	struct diff_violation v;
	uint64_t tables = 0;

	if (dirty)
		dm.core_digest[slot] = diff_stream_hash(diff_table_stream, &t);
	if (!dm.ref_known[slot] || dm.ref_generation[slot] != gen) {
		dm.ref_digest[slot] = diff_stream_hash(ref_stream_src, &rs);
		dm.ref_generation[slot] = gen;
		dm.ref_known[slot] = true;
	}
	dm.dirty[slot] = false;
	if (dm.ref_digest[slot] != dm.core_digest[slot]) {
		explain_mismatch(&t, &rs, f);
		return dm_fail(f, "digest", op, diff_kind_name(t.kind));
	}
	if (!dirty)
		return true;
	if (!diff_check_table(&t, &tables, &v)) {
		snprintf(f->detail, sizeof(f->detail), "%s (vm %u): %s", diff_kind_name(t.kind),
			 t.vm, v.what);
		return dm_fail(f, "invariant", op, diff_kind_name(t.kind));
	}
	dm.core_tables[slot] = tables;
	return t.kind != DIFF_HOST_S2 || host_leaves_accessible(&t, op, f);
}

static const struct pgt_pool *core_pool(unsigned pool)
{
	if (pool == 0)
		return dm.pkvm->host_s2.pool;
	if (pool == 1)
		return dm.pkvm->hyp_s1.pool;
	return dm.pkvm->vms[pool - 2].memcache;
}

/*
 * SPEC §7: every page of a pool is free or in one table of it; a guest's
 * root is its pgd, not a memcache page (S28). Then the free pages agree.
 */
static bool compare_pool(unsigned pool, const char *op, struct dm_failure *f)
{
	const struct pgt_pool *p = core_pool(pool);
	u64 in_tables = dm.core_tables[pool], ref_free = ref_pool_free(dm.ref, pool);
	const char *name = pool == 0 ? "host" : pool == 1 ? "hyp" : "memcache";

	if (pool >= 2)
		in_tables = pkvm_vm_live(dm.pkvm, pool - 2) && in_tables ? in_tables - 1 : 0;
	if (p->nr_free + in_tables != p->nr_pages) {
		snprintf(f->detail, sizeof(f->detail),
			 "pool %u (%s): %llu free + %llu in tables != %llu pages (a page lost, "
			 "or linked twice)",
			 pool, name, (unsigned long long)p->nr_free, (unsigned long long)in_tables,
			 (unsigned long long)p->nr_pages);
		return dm_fail(f, "invariant", op, "pool accounting");
	}
	if (p->nr_free == ref_free)
		return true;
	snprintf(f->detail, sizeof(f->detail),
		 "pool %u (%s): core has %llu free table pages, reference %llu", pool, name,
		 (unsigned long long)p->nr_free, (unsigned long long)ref_free);
	return dm_fail(f, "pool", op, name);
}

static void forget_all(void)
{
	for (unsigned i = 0; i < DM_SLOTS; i++) {
		dm.dirty[i] = true;
		dm.ref_known[i] = false;
	}
}

/* S27 from the per-table digests both sides now agree on. */
static u64 state_digest(void)
{
	struct diff_state s = { 0 };

	diff_state_add(&s, DIFF_HOST_S2, 0, dm.core_digest[0]);
	diff_state_add(&s, DIFF_HYP_S1, 0, dm.core_digest[1]);
	for (unsigned vm = 0; vm < dm.pkvm->desc.nr_vm_slots; vm++)
		if (pkvm_vm_live(dm.pkvm, vm))
			diff_state_add(&s, DIFF_GUEST_S2, vm, dm.core_digest[2 + vm]);
	return diff_state_hash(&s);
}

bool dm_compare(const char *op, bool full, struct dm_failure *f)
{
	unsigned slots = dm.pkvm->desc.nr_vm_slots;

	if (full)
		forget_all();
	if (!diff_bbm_end_op(dm.bbm)) {
		snprintf(f->detail, sizeof(f->detail), "%s", dm.bbm->v.what);
		return dm_fail(f, "bbm", op, "rule");
	}
	if (!compare_table(0, op, f) || !compare_table(1, op, f))
		return false;
	for (unsigned vm = 0; vm < slots; vm++) {
		bool live = pkvm_vm_live(dm.pkvm, vm);

		if (live != ref_vm_live(dm.ref, vm)) {
			snprintf(f->detail, sizeof(f->detail), "vm %u: core says %s, reference %s",
				 vm, live ? "live" : "not live", live ? "not live" : "live");
			return dm_fail(f, "vm-state", op, "live");
		}
		if (!live) {
			/* A new VM in this slot starts over on both sides. */
			dm.dirty[2 + vm] = true;
			dm.ref_known[2 + vm] = false;
			dm.core_tables[2 + vm] = 0;
			continue;
		}
		if (!compare_table(2 + vm, op, f))
			return false;
	}
	/* Pools last: a structural difference explains itself better. */
	for (unsigned pool = 0; pool < 2 + slots; pool++)
		if (!compare_pool(pool, op, f))
			return false;
	if (full)
		dm.state_digest = state_digest();
	return true;
}
