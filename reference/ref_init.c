// SPDX-License-Identifier: MIT
/*
 * Building the initial state (§5 "Initial state", §8, S23) and answering
 * the queries the diff asks after every step.
 */
#include "ref_priv.h"

/* Page records of the initial state: memory HOST, carve-out HYP. */
static int init_pages(struct ref *r)
{
	struct ref_build b;
	unsigned int i;

	ref_build_init(&b, &r->arena, 2 * REF_MAX_REGIONS + 2);
	for (i = 0; i < r->mem.nr; i++) {
		uint64_t s = r->mem.start[i], e = r->mem.end[i];
		struct ref_run run = { .val = REF_PS_HOST };

		run.start = s;
		run.end = ref_min(e, ref_max(s, r->carve_start));
		ref_build_push(&b, &run);
		run.start = ref_max(s, r->carve_start);
		run.end = ref_min(e, r->carve_end);
		run.val = REF_PS_HYP;
		ref_build_push(&b, &run);
		run.start = ref_max(s, r->carve_end);
		run.end = e;
		run.val = REF_PS_HOST;
		ref_build_push(&b, &run);
	}
	return ref_build_finish(&b, &r->pages);
}

/*
 * Validate the description (S29, S32) and build the initial state: the
 * carve-out annotated HYP in host stage-2 and mapped PAGE_HYP in hyp
 * stage-1, then the private hyp ranges with their own attributes, the
 * tables for all of it, roots included, taken from the pools (S23, S28).
 */
int ref_init(struct ref *r, const struct ref_desc *d, void *arena, size_t arena_bytes)
{
	struct ref_txn t;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = ref_mem_from_desc(&r->mem, d);
	if (!ret)
		ret = ref_hyp_private_check(d);
	if (ret)
		return ret;
	r->desc = *d;
	ref_arena_init(&r->arena, arena, arena_bytes);
	r->carve_start = d->carveout.base >> REF_PAGE_SHIFT;
	r->carve_end = (d->carveout.base + d->carveout.size) >> REF_PAGE_SHIFT;
	r->hyp_va_pages = d->hyp_va_offset >> REF_PAGE_SHIFT;
	r->host_pool.size = d->host_pool_pages;
	r->hyp_pool.size = d->hyp_pool_pages;
	ref_lmap_init(&r->host, REF_KIND_HOST_S2, d->host_ia_bits);
	ref_lmap_init(&r->hyp, REF_KIND_HYP_S1, 48);
	if (r->host_pool.size < 1 || r->hyp_pool.size < 1)
		return -REF_ENOMEM; /* no room for the roots */
	ret = init_pages(r);
	if (ret)
		return ret;
	ref_txn_init(&t, &r->arena);
	ref_host_write(&t, r, r->carve_start, r->carve_end, ref_annotation(REF_OWNER_HYP));
	ref_hyp_write(&t, r, r->carve_start, r->carve_end, ref_hyp_page_tmpl());
	ref_hyp_private_write(&t, r);
	return ref_txn_commit(&t);
}

/* The pool behind a pool id, writable, or NULL. */
static struct ref_pool *pool_mut(struct ref *r, unsigned int pool)
{
	if (pool == REF_POOL_HOST)
		return &r->host_pool;
	if (pool == REF_POOL_HYP)
		return &r->hyp_pool;
	if (pool >= REF_POOL_VM(0) && pool < REF_POOL_VM(r->desc.nr_vm_slots))
		return &r->vm[pool - REF_POOL_VM(0)].memcache;
	return NULL;
}

/* Free pages of a pool that an operation may take (§7). */
uint64_t ref_pool_free(const struct ref *r, unsigned int pool)
{
	const struct ref_pool *p = ref_pool_of(r, pool);

	return p ? ref_pool_avail(p, ref_pool_used(r, pool)) : 0;
}

/* All pages of a pool: free, hidden and in tables. */
uint64_t ref_pool_size(const struct ref *r, unsigned int pool)
{
	const struct ref_pool *p = ref_pool_of(r, pool);

	return p ? p->size : 0;
}

/* Hide up to n free pages, to make the next operations run short (§7). */
uint64_t ref_pool_hide(struct ref *r, unsigned int pool, uint64_t n)
{
	struct ref_pool *p = pool_mut(r, pool);
	uint64_t k;

	if (!p)
		return 0;
	k = ref_min(n, ref_pool_avail(p, ref_pool_used(r, pool)));
	p->hidden += k;
	return k;
}

/* Give every hidden page back. */
void ref_pool_unhide(struct ref *r, unsigned int pool)
{
	struct ref_pool *p = pool_mut(r, pool);

	if (p)
		p->hidden = 0;
}

/* The table of a kind/vm pair, or NULL (no such table or no root). */
static const struct ref_lmap *table_of(const struct ref *r, unsigned int kind, unsigned int vm)
{
	if (kind == REF_KIND_HOST_S2)
		return &r->host;
	if (kind == REF_KIND_HYP_S1)
		return &r->hyp;
	if (kind == REF_KIND_GUEST_S2 && vm < r->desc.nr_vm_slots && r->vm[vm].state != REF_VM_FREE)
		return &r->vm[vm].s2;
	return NULL;
}

/* The stream of one table (§10, S27); nothing for a VM that is not live. */
void ref_stream(const struct ref *r, unsigned int kind, unsigned int vm, ref_emit_fn emit,
		void *arg)
{
	const struct ref_lmap *lm = table_of(r, kind, vm);

	if (!lm || (kind == REF_KIND_GUEST_S2 && !ref_vm_live(r, vm)))
		return;
	ref_stream_lmap(lm, emit, arg);
}

/* Changes with every committed change to the table's leaves (ref.h). */
uint64_t ref_table_generation(const struct ref *r, unsigned int kind, unsigned int vm)
{
	const struct ref_lmap *lm = table_of(r, kind, vm);

	return lm ? lm->generation : 0;
}

/* The slot holds a VM that has not been torn down. */
bool ref_vm_live(const struct ref *r, unsigned int vm)
{
	return vm < r->desc.nr_vm_slots && r->vm[vm].state == REF_VM_LIVE;
}

/* A table's leaves, for oracles (ref.h). */
const struct ref_lmap *ref_table_lmap(const struct ref *r, unsigned int kind, unsigned int vm)
{
	return table_of(r, kind, vm);
}

/* Table pages of a table, root included (§4.3). */
uint64_t ref_table_pages(const struct ref *r, unsigned int kind, unsigned int vm)
{
	const struct ref_lmap *lm = table_of(r, kind, vm);

	return lm ? lm->nr_tables : 0;
}

/* Where a walk for ia stops in a table (-EINVAL: no such table or ia). */
int ref_get_leaf(const struct ref *r, unsigned int kind, unsigned int vm, uint64_t ia,
		 unsigned int *level, uint64_t *desc)
{
	const struct ref_lmap *lm = table_of(r, kind, vm);

	if (!lm || !lm->nr_tables || ia >> lm->ia_bits)
		return -REF_EINVAL;
	ref_walk(lm, ia >> REF_PAGE_SHIFT, level, desc);
	return 0;
}

/* The pKVM view of one physical page (§5). */
void ref_page(const struct ref *r, uint64_t pfn, struct ref_page_state *st)
{
	struct ref_pstate ps;

	memset(st, 0, sizeof(*st));
	st->owner = REF_OWNER_HOST;
	st->host = REF_OWNED;
	st->memory = ref_pstate_get(r, pfn, &ps);
	if (!st->memory)
		return;
	st->pin = ps.pin;
	st->vm = ps.vm;
	switch (ps.state) {
	case REF_PS_SHARED_HYP:
		st->host = REF_SHARED_OWNED;
		st->hyp = REF_SHARED_BORROWED;
		break;
	case REF_PS_SHARED_GUEST:
		st->host = REF_SHARED_OWNED;
		st->guest = REF_SHARED_BORROWED;
		break;
	case REF_PS_HYP:
		st->owner = REF_OWNER_HYP;
		st->host = REF_NOPAGE;
		st->hyp = REF_OWNED;
		break;
	case REF_PS_GUEST:
		st->owner = REF_OWNER_GUEST;
		st->host = REF_NOPAGE;
		st->role = ps.role;
		st->guest = REF_OWNED;
		break;
	default:
		break;
	}
}

/* How many ownership runs there are (they must stay few, runs merge). */
size_t ref_nr_page_runs(const struct ref *r)
{
	return r->pages.nr;
}

/* How many leaf runs a table has. */
size_t ref_nr_leaf_runs(const struct ref *r, unsigned int kind, unsigned int vm)
{
	const struct ref_lmap *lm = table_of(r, kind, vm);

	return lm ? lm->leaves.nr : 0;
}
