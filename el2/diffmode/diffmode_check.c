// SPDX-License-Identifier: MIT
/*
 * The comparisons after every operation (SPEC §10, §11), made by the
 * fuzzers' checks (fuzzers/lib/checks.c, built freestanding here):
 * break-before-make, then every table's digest against the reference's
 * stream (the first differing entry in words when they disagree), its
 * structure and the refcount law on raw memory, host stage-2 leaves only
 * over pages the host may touch, which VMs live, the whole-state digest,
 * and every pool's free pages and accounting.
 */
#include "diffmode_internal.h"
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

	return (struct diff_table){ .kind = kinds[slot < 2 ? slot : 2],
				    .vm = slot < 2 ? 0 : slot - 2,
				    .root_pa = pa_addr(pgt->root_pa),
				    .start_level = pgt->start_level,
				    .mem = &dm.mem,
				    .layout = slot == 0 ? &dm.layout : NULL };
}

/* Table @slot: both digests, its structure after a store, host ownership. */
static bool compare_table(unsigned slot, const char *op, struct diff_state *core,
			  struct diff_state *ref, struct fz_failure *f)
{
	struct diff_table t = slot_view(slot);
	struct ref_src rs = { dm.ref, (unsigned)t.kind, t.vm };
	struct fz_pair p = { t, ref_stream_src, &rs, ref_table_generation(dm.ref, rs.kind, rs.vm),
			     "core" };
	bool stale = dm.slot[slot].stale;

	if (!fz_compare_table(&dm.slot[slot], &p, op, f))
		return false;
	diff_state_add(core, t.kind, t.vm, dm.slot[slot].core_digest);
	diff_state_add(ref, t.kind, t.vm, dm.slot[slot].ref_digest);
	return !stale || t.kind != DIFF_HOST_S2 || fz_check_host_leaves(dm.ref, &t, op, f);
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
static bool compare_pool(unsigned pool, const char *op, struct fz_failure *f)
{
	const struct pgt_pool *p = core_pool(pool);
	u64 in_tables = dm.slot[pool].tables;

	if (pool >= 2)
		in_tables = pkvm_vm_live(dm.pkvm, pool - 2) && in_tables ? in_tables - 1 : 0;
	return fz_check_pool(op, pool < 2 ? (pool ? "hyp" : "host") : "memcache", p->nr_free,
			     ref_pool_free(dm.ref, pool), p->nr_free, in_tables, p->nr_pages, f);
}

/* A table's digests are recomputed from nothing on both sides at its next comparison. */
static void forget(unsigned slot)
{
	dm.slot[slot].stale = true;
	dm.slot[slot].ref_known = false;
}

bool dm_compare(const char *op, bool full, struct fz_failure *f)
{
	unsigned slots = dm.pkvm->desc.nr_vm_slots;
	struct diff_state core = { 0 }, ref = { 0 };

	for (unsigned i = 0; full && i < DM_SLOTS; i++)
		forget(i);
	if (!diff_bbm_end_op(dm.bbm))
		return fz_failed(f, "bbm", op, "rule", "%s", dm.bbm->v.what);
	if (!compare_table(0, op, &core, &ref, f) || !compare_table(1, op, &core, &ref, f))
		return false;
	for (unsigned vm = 0; vm < slots; vm++) {
		bool live = pkvm_vm_live(dm.pkvm, vm);

		if (live != ref_vm_live(dm.ref, vm))
			return fz_failed(f, "vm-state", op, "live",
					 "vm %u: core says %s, reference %s", vm,
					 live ? "live" : "not live", live ? "not live" : "live");
		if (!live)
			forget(2 + vm); /* a new VM in this slot starts over on both sides */
		else if (!compare_table(2 + vm, op, &core, &ref, f))
			return false;
	}
	if (!fz_check_state(&core, &ref, op, f))
		return false;
	dm.state_digest = diff_state_hash(&core);
	/* Pools last: a structural difference explains itself better. */
	for (unsigned pool = 0; pool < 2 + slots; pool++)
		if (!compare_pool(pool, op, f))
			return false;
	return true;
}
