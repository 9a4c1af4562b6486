// SPDX-License-Identifier: MIT
/*
 * fuzz_kernel_pgtable's world: fuzz_pgtable's input format (one guest
 * stage-2 table, one hyp stage-1 table, each with its own pool) driven
 * through a kernel tree's own pgtable.c (kernel/, docs/kernel-tree.md).
 *
 * After every call, the kernel is compared with the reference in the
 * tree's Linux profile (reference/ref_linux.c, docs/kernel-profile.md): the
 * same return code, get_leaf's entry and level, the hashed walk of each
 * table, the same free pages in each pool. On the kernel's raw tables, with
 * no model at all: no WARN fired; every table page reachable holds 1 + its
 * counted entries (the refcount law), no LOCKED entry is left, no table
 * descriptor carries attributes, no level-0 block; the pool accounts for
 * every page (free + reachable == size); nothing a CPU cached (the `access`
 * operation fills the TLB model) disagrees with the tables unless the call
 * invalidated it; break-before-make and free-after-invalidate on every
 * store and table free (SPEC §7); the kernel-doc's promise for the call
 * holds on sampled pages of its range; ASan and UBSan over the kernel's
 * code. After the run, destroy must give every page back.
 *
 * Where the kernel's callers keep a rule the API leaves to them, the
 * harness keeps it as they do (docs/kernel-profile.md, "callers"): it
 * refuses what the format can say but no caller passes, and it invalidates
 * after wrprotect as KVM's callers do.
 */
#include "kernel_tables.h"

#include "sim_events.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SZ_4K 0x1000ULL
/* Where the pools' pages sit in the simulated physical space (any free range). */
static const uint64_t pool_base[FZ_T_NR] = { 0x800000000ULL, 0x900000000ULL };
/* Table pages the machine can hold: both pools at their largest (1100). */
#define SIM_SLOTS 4096

static const enum diff_kind diff_kinds[FZ_T_NR] = { DIFF_GUEST_S2, DIFF_HYP_S1 };
static const enum s2k_kind kinds[FZ_T_NR] = { S2K_GUEST_S2, S2K_HYP_S1 };
static const char *const names[FZ_T_NR] = { "guest", "hyp" };

static struct fz_ktables ktables;

/* Which table a platform context is (the TLB model's regime: identity only). */
static unsigned table_of(const struct fz_ktables *d, const void *plat_arg)
{
	return plat_arg == &d->plat[FZ_T_HYP] ? FZ_T_HYP : FZ_T_GUEST;
}

/* A level hint the TLB model can hold the kernel to: 1-3; anything else names none. */
static bool hinted(int level)
{
	return level >= 1 && level <= 3;
}

static uint64_t granule(unsigned level)
{
	return 1ULL << (12 + 9 * (3 - level));
}

/* The kernel's invalidations, into the TLB model and the break-before-make checker. */
static void on_tlbi(void *arg, enum s2k_tlbi kind, u64 addr, u64 size, int level)
{
	struct fz_ktables *d = &ktables;
	const struct s2k_sim *plat = arg;
	unsigned i = table_of(d, plat);
	struct diff_event e = { .regime = plat, .table_kind = diff_kinds[i], .ia = addr };

	switch (kind) {
	case S2K_TLBI_IPA:
	case S2K_TLBI_IPA_NSH: /* one CPU in the model: this CPU's is everyone's */
	case S2K_TLBI_HYP_VA_LEAF:
		if (hinted(level)) {
			e.kind = DIFF_EV_TLBI_LEAF;
			e.level = (unsigned)level;
		} else {
			e.kind = DIFF_EV_TLBI_ADDR; /* every level at the address */
		}
		break;
	case S2K_TLBI_HYP_VA:
		e.kind = DIFF_EV_TLBI_ADDR;
		break;
	case S2K_TLBI_RANGE:
		e.kind = DIFF_EV_TLBI_RANGE;
		e.size = size;
		break;
	case S2K_TLBI_VMID:
		e.kind = DIFF_EV_TLBI_ALL;
		break;
	}
	diff_tlb_event(&d->tlb, &e);
	if (d->watching)
		diff_bbm_event(&d->bbm, &e);
}

/* ---- Where the kernel's stores land ---- */
static uint64_t pa_of(const struct s2k_sim *plat, void *p)
{
	return s2k_sim_platform.virt_to_phys((void *)plat, p);
}

/* Table @i's page @pa, if it is one of its pool's. */
static struct fz_kplace *place_of(struct fz_ktables *d, unsigned i, uint64_t pa)
{
	uint64_t k = (pa - pool_base[i]) / SZ_4K;

	return pa >= pool_base[i] && k < FZ_KPOOL_MAX ? &d->place[i][k] : NULL;
}

/* Table page @pa now hangs at (@ia, @level), and so does every table page under it. */
static void place_table(struct fz_ktables *d, unsigned i, uint64_t pa, uint64_t ia, unsigned level)
{
	struct fz_kplace *pl = place_of(d, i, pa);
	const uint64_t *e = d->mem.table(d->mem.ctx, pa);

	if (!pl || !e)
		return;
	*pl = (struct fz_kplace){ ia, (int)level };
	for (unsigned k = 0; level < 3 && k < 512; k++)
		if ((e[k] & 3) == 3) /* built unlinked (a split), linked with its parent */
			place_table(d, i, e[k] & 0x0000fffffffff000ULL, ia + k * granule(level),
				    level + 1);
}

/* Table page @pa and every table page under it are unlinked: no walk reaches them again. */
static void unplace_table(struct fz_ktables *d, unsigned i, uint64_t pa, unsigned level)
{
	struct fz_kplace *pl = place_of(d, i, pa);
	const uint64_t *e = d->mem.table(d->mem.ctx, pa);

	if (!pl || !e || pl->level < 0)
		return;
	pl->level = -1;
	for (unsigned k = 0; level < 3 && k < 512; k++)
		if ((e[k] & 3) == 3)
			unplace_table(d, i, e[k] & 0x0000fffffffff000ULL, level + 1);
}

static bool holds_nothing_valid(struct fz_ktables *d, uint64_t pa)
{
	const uint64_t *e = d->mem.table(d->mem.ctx, pa);

	for (unsigned k = 0; e && k < 512; k++)
		if (e[k] & 1)
			return false;
	return e != NULL;
}

/* A store into a linked table page, as the entry (ia, level) it changes. */
static void on_store(void *arg, void *p, u64 old, u64 new_val)
{
	struct fz_ktables *d = &ktables;
	const struct s2k_sim *plat = arg;
	unsigned i = table_of(d, plat);
	uint64_t pa = pa_of(plat, p), page = pa & ~(SZ_4K - 1);
	struct fz_kplace *pl = place_of(d, i, page);
	struct diff_event e = { .kind = DIFF_EV_STORE, .regime = plat,
				.table_kind = diff_kinds[i], .old = old, .new_pte = new_val,
				.table_page = page };
	unsigned level;

	/* A page no table links to (a split's table being built): nobody walks it yet. */
	if (!d->watching || !pl || pl->level < 0)
		return;
	level = (unsigned)pl->level;
	e.level = level;
	e.ia = pl->ia + (pa - page) / 8 * granule(level);
	e.old_empty_table = level < 3 && (old & 3) == 3 &&
			    holds_nothing_valid(d, old & 0x0000fffffffff000ULL);
	diff_bbm_event(&d->bbm, &e);
	/*
	 * A table replaced: its subtree is gone from the walk, and its removal
	 * owes an invalidation of the whole span; what the kernel then stores
	 * in it (7.x clears the entries of a table it frees) owes nothing more.
	 */
	if (level < 3 && (old & 3) == 3 && (new_val ^ old) & 0x0000fffffffff003ULL)
		unplace_table(d, i, old & 0x0000fffffffff000ULL, level + 1);
	if (level < 3 && (new_val & 3) == 3)
		place_table(d, i, new_val & 0x0000fffffffff000ULL, e.ia, level + 1);
}

/* A table page back in its pool: it must have been unlinked and its span invalidated. */
static void on_free(void *arg, void *page)
{
	struct fz_ktables *d = &ktables;
	const struct s2k_sim *plat = arg;
	unsigned i = table_of(d, plat);
	struct diff_event e = { .kind = DIFF_EV_FREE, .regime = plat, .table_kind = diff_kinds[i],
				.page = pa_of(plat, page) };
	struct fz_kplace *pl = place_of(d, i, e.page);

	if (!d->watching)
		return;
	diff_bbm_event(&d->bbm, &e);
	if (pl)
		pl->level = -1;
}

/* Stage 2: start level 1 up to 39 bits, 0 above (SPEC §1; the VTCR the harness writes). */
static unsigned start_level(unsigned ia_bits)
{
	return ia_bits > 39 ? 0 : 1;
}

/* The reference's Linux profile for the tree this program was built with. */
static const struct ref_linux_tree *profile(void)
{
	static struct ref_linux_tree p;

	p.eagain_stops = !s2k_tree.has_handle_fault;
	p.attr_again_at_hole = s2k_tree.has_handle_fault || s2k_tree.has_ignore_eagain;
	p.wrprotect_ignores_eagain = s2k_tree.has_ignore_eagain;
	p.mkold_range = s2k_tree.has_test_clear_young;
	p.has_split = s2k_tree.has_split;
	p.annotation_type = s2k_tree.annotation_type;
	/*
	 * The output is checked only between set_owner's coming (after 5.10) and
	 * the change that typed the annotations (7.2), which took the check out.
	 */
	p.any_output_address = !s2k_tree.has_set_owner || s2k_tree.annotation_type != 0;
	p.invalid_keeps_bits = s2k_tree.invalid_keeps_bits;
	p.map_replaces_leaf = !s2k_tree.map_again_on_leaf;
	return &p;
}

/* Table @t's reference, in an arena grown to its pool when needed. */
static int reference_init(struct fz_ktables *d, unsigned t)
{
	size_t need = ref_linux_arena_bytes(d->s.pool_pages[t]);

	if (d->arena_bytes[t] < need) {
		free(d->arena[t]);
		d->arena[t] = malloc(need);
		if (!d->arena[t])
			abort();
		d->arena_bytes[t] = need;
	}
	return ref_linux_init(&d->ref[t], t == FZ_T_HYP ? REF_LINUX_STAGE1 : REF_LINUX_STAGE2,
			      d->s.ia_bits[t], d->s.pool_pages[t], profile(), d->arena[t],
			      d->arena_bytes[t]);
}

static int ktables_init(void *w, const void *setup, struct fz_failure *f)
{
	struct fz_ktables *d = w;
	unsigned refused = 0, ref_refused = 0;

	d->s = *(const struct fz_tables_setup *)setup;
	if (!d->sim_up && sim_init(&d->sim, SIM_SLOTS))
		abort();
	d->sim_up = true;
	d->mem = fz_sim_mem(&d->sim);
	diff_tlb_init(&d->tlb);
	diff_bbm_init(&d->bbm);
	for (unsigned t = 0; t < FZ_T_NR; t++) {
		int rc = 0;

		d->slot[t] = (struct fz_slot){ .stale = true };
		if (sim_pool_init(&d->sim, &d->pool[t], pa_init(pool_base[t]),
				  d->s.pool_pages[t]))
			abort();
		s2k_sim_init(&d->plat[t], &d->sim, &d->pool[t]);
		d->plat[t].on_tlbi = on_tlbi;
		d->plat[t].on_store = on_store;
		d->plat[t].on_free = on_free;
		d->plat[t].arg = &d->plat[t];
		d->t[t] = s2k_table_create(kinds[t], d->s.ia_bits[t], start_level(d->s.ia_bits[t]),
					   &s2k_sim_platform, &d->plat[t], &rc);
		refused += rc != 0;
		for (unsigned k = 0; k < FZ_KPOOL_MAX; k++)
			d->place[t][k].level = -1;
		if (!rc)
			place_table(d, t, s2k_root_pa(d->t[t]), 0, s2k_start_level(d->t[t]));
		ref_refused += reference_init(d, t) != 0;
	}
	d->watching = true;
	if (refused != ref_refused) {
		fz_failed(f, "init", "init", "pool",
			  "%u of the kernel's tables could not start, %u of the reference's",
			  refused, ref_refused);
		return -1;
	}
	return refused ? 1 : 0;
}

static struct diff_table view(struct fz_ktables *d, unsigned i)
{
	return (struct diff_table){ .kind = diff_kinds[i], .root_pa = s2k_root_pa(d->t[i]),
				    .start_level = s2k_start_level(d->t[i]), .mem = &d->mem,
				    .stale_invalid = s2k_tree.invalid_keeps_bits,
				    .uncounted = i == FZ_T_HYP && !s2k_tree.hyp_counts_tables };
}

/* After destroy, every page is free again: a table nobody freed is a leak. */
static void ktables_fini(void *w)
{
	struct fz_ktables *d = w;

	/* Destroy frees without invalidating: no CPU runs on the tables any more. */
	d->watching = false;
	for (unsigned t = 0; t < FZ_T_NR; t++) {
		struct fz_failure f;
		u64 left;

		s2k_table_destroy(d->t[t]);
		d->t[t] = NULL;
		left = sim_pool_empty(&d->pool[t]);
		if (left || d->plat[t].warnings) {
			if (left)
				fz_failed(&f, "leak", "destroy", names[t],
					  "%s table: %llu table pages outlived its destroy", names[t],
					  (unsigned long long)left);
			else
				fz_failed(&f, "warn", "destroy", d->plat[t].warning, "%s",
					  d->plat[t].warning);
			fz_report(&fz_ktables_harness, &d->s, &f);
			abort();
		}
		sim_pool_fini(&d->pool[t]);
	}
}

static void ref_stream_src(void *src, diff_emit_fn emit, void *arg)
{
	ref_linux_stream(src, emit, arg);
}

/* get_leaf: the kernel's entry and level against the reference's. */
static bool leaf_check(struct fz_ktables *d, const struct fz_op *o, struct fz_failure *f)
{
	enum diff_kind k = diff_kinds[o->v[FZ_TF_TABLE]];
	struct diff_table t = view(d, (unsigned)o->v[FZ_TF_TABLE]);
	char exp[160], act[160];

	if ((unsigned)d->leaf_level == d->ref_leaf_level &&
	    diff_masked_desc(&t, d->leaf, d->ref_leaf_level) ==
		    diff_masked_desc(&t, d->ref_leaf, d->ref_leaf_level))
		return true;
	diff_decode(k, d->ref_leaf_level, d->ref_leaf, exp, sizeof(exp));
	diff_decode(k, (unsigned)d->leaf_level, d->leaf, act, sizeof(act));
	return fz_failed(f, "leaf", "get_leaf", diff_kind_name(k),
			 "get_leaf %#llx\n  expected (reference): L%u %s [%#llx]\n"
			 "  actual   (kernel):    L%d %s [%#llx]",
			 (unsigned long long)o->v[FZ_TF_IA], d->ref_leaf_level, exp,
			 (unsigned long long)d->ref_leaf, d->leaf_level, act,
			 (unsigned long long)d->leaf);
}

static bool ktables_check(void *w, const struct fz_op *op, int core_rc, int ref_rc,
			  struct fz_failure *f)
{
	struct fz_ktables *d = w;
	const char *name = op->def->name;

	for (unsigned i = 0; i < FZ_T_NR; i++)
		if (d->plat[i].warnings)
			return fz_failed(f, "warn", name, d->plat[i].warning, "%s table: %s",
					 names[i], d->plat[i].warning);
	if (ref_rc == -REF_ENOSPC)
		return fz_failed(f, "harness", name, "ref-arena",
				 "the reference ran out of arena memory");
	if (!fz_check_rc(name, core_rc, ref_rc, f))
		return false;
	if (!diff_bbm_end_op(&d->bbm))
		return fz_failed(f, "bbm", name, "rule", "%s", d->bbm.v.what);
	if (fz_tables_is_get_leaf(op) && !core_rc && !leaf_check(d, op, f))
		return false;
	for (unsigned i = 0; i < FZ_T_NR; i++) {
		struct fz_pair p = { view(d, i), ref_stream_src, &d->ref[i],
				     d->ref[i].generation, "kernel" };
		struct diff_violation v;
		uint64_t stores = d->plat[i].stores + d->plat[i].refs;

		/*
		 * The kernel writes entries only through the stand-ins' stores,
		 * and counts through get_page and put_page: with none since the
		 * last comparison and the pool as it was, the table is as it was.
		 */
		if (d->checked_stores[i] != stores ||
		    d->checked_free[i] != sim_pool_free_all(&d->pool[i]))
			d->slot[i].stale = true;
		d->checked_stores[i] = stores;
		d->checked_free[i] = sim_pool_free_all(&d->pool[i]);
		if (!fz_compare_table(&d->slot[i], &p, name, f))
			return false;
		if (!diff_tlb_check(&d->tlb, &d->plat[i], &p.core, &v))
			return fz_failed(f, "tlb", name, diff_kind_name(p.core.kind), "%s: %s",
					 diff_kind_name(p.core.kind), v.what);
	}
	/* Pools last: a structural difference explains itself better. */
	for (unsigned i = 0; i < FZ_T_NR; i++)
		if (!fz_check_pool(name, names[i], sim_pool_free(&d->pool[i]),
				   ref_linux_pool_free(&d->ref[i]), sim_pool_free_all(&d->pool[i]),
				   d->slot[i].tables, sim_pool_size(&d->pool[i]), f))
			return false;
	return fz_ktables_post_check(d, op, core_rc, f);
}

/* "get_leaf": the kernel's level and entry, in the trace. */
static int ktables_result(const void *w, const struct fz_op *o, int rc, char *buf, size_t len)
{
	const struct fz_ktables *d = w;

	if (!fz_tables_is_get_leaf(o) || rc)
		return 0;
	return snprintf(buf, len, "L%d %#llx", d->leaf_level, (unsigned long long)d->leaf);
}

/* ---- The calls: the callers' rules, then the kernel or the reference ---- */
#define V(f)  (o->v[FZ_TF_##f])
#define TAB   ((unsigned)V(TABLE))
#define KT    (ktables.t[TAB])
#define RT    (&ktables.ref[TAB])
#define HYP   (TAB == FZ_T_HYP)
#define PROT_DEVICE 8U /* KVM_PGTABLE_PROT_DEVICE */

static uint64_t bytes(const struct fz_op *o)
{
	return V(NR) * SZ_4K;
}

/* Whether a valid leaf maps anything in [ia, ia + size) of the kernel's table @i. */
static bool kernel_mapped(struct fz_ktables *d, unsigned i, uint64_t ia, uint64_t size)
{
	for (uint64_t a = ia & ~(SZ_4K - 1); a < ia + size; a += SZ_4K) {
		uint64_t pte = 0;
		int level = 0;

		if (!s2k_get_leaf(d->t[i], a, &pte, &level) && (pte & 1))
			return true;
		if (level < 3 && level >= 0) /* skip the rest of an empty or block span */
			a = (a | ((1ULL << (12 + 9 * (3 - level))) - 1)) + 1 - SZ_4K;
	}
	return false;
}

/*
 * What the kernel's callers never pass, refused alike on both sides before
 * either is called (docs/kernel-profile.md, "callers"): 0 when the call is
 * made. @ref: whose table the hyp's map looks at for a live mapping.
 */
static int callers(struct fz_ktables *d, const struct fz_op *o, bool ref)
{
	const char *op = o->def->name;
	uint32_t fields = o->def->fields;

	if (!strcmp(op, "access") || !strncmp(op, "pool_", 5))
		return 0;
	/* Page-aligned addresses, some pages: KVM's callers pass nothing else. */
	if ((V(IA) & (SZ_4K - 1)) || ((fields & (1U << FZ_TF_NR)) && !V(NR)) ||
	    (!strcmp(op, "map") && (V(PA) & (SZ_4K - 1))))
		return -EINVAL;
	/* Bad protections (8-15) and the invalid memory type: the format's, no caller's. */
	if ((fields & (1U << FZ_TF_PROT)) && V(PROT) > 7)
		return -EINVAL;
	if ((fields & (1U << FZ_TF_MEMTYPE)) && V(MEMTYPE) > 1)
		return -EINVAL;
	if (!strcmp(op, "map")) {
		/*
		 * The hyp's map refuses (with a WARN) or breaks a live mapping
		 * without break-before-make; pKVM never maps over one.
		 */
		if (HYP && (ref ? ref_linux_mapped(RT, V(IA), bytes(o))
				: kernel_mapped(d, TAB, V(IA), bytes(o))))
			return -EEXIST;
		return 0;
	}
	/* Older trees (5.10) have no hyp unmap. */
	if (!strcmp(op, "unmap") && HYP && !s2k_tree.has_hyp_unmap)
		return -EOPNOTSUPP;
	if (!strcmp(op, "unmap") || !strcmp(op, "get_leaf"))
		return 0;
	/* The rest are the guest's: on the hyp's table they would follow a NULL MMU. */
	if (HYP)
		return -EOPNOTSUPP;
	/* Nor set_owner. */
	if (!strcmp(op, "set_owner") && !s2k_tree.has_set_owner)
		return -EOPNOTSUPP;
	/* The API takes a u8: an id past 255 would wrap. */
	if (!strcmp(op, "set_owner") && V(OWNER) > 255)
		return -EINVAL;
	/* A range past the table WARNs in newer trees; KVM's callers stay inside. */
	if (!strcmp(op, "mkold") && V(IA) + bytes(o) > (1ULL << d->s.ia_bits[TAB]))
		return -ERANGE;
	/* A fault maps pages and blocks at levels 1-3, aligned, with some access. */
	if (!strcmp(op, "fault_map") && (V(LEVEL) < 1 || V(LEVEL) > 3 || !V(PROT)))
		return -EINVAL;
	return 0;
}

#define CALLERS(ref)                                      \
	do {                                              \
		int rc_ = callers(w, o, ref);             \
		if (rc_)                                  \
			return rc_;                       \
	} while (0)

/* The kernel's prot: r, w, x as its bits; device memory as its flag. */
static uint64_t kernel_prot(const struct fz_op *o)
{
	return V(PROT) | (V(MEMTYPE) == 1 ? PROT_DEVICE : 0);
}

static uint64_t fault_size(const struct fz_op *o)
{
	return 1ULL << (12 + 9 * (3 - (V(LEVEL) & 3)));
}

static int k_map(void *w, const struct fz_op *o)
{
	CALLERS(false);
	return s2k_map(KT, V(IA), bytes(o), V(PA), kernel_prot(o));
}

static int r_map(void *w, const struct fz_op *o)
{
	CALLERS(true);
	return ref_linux_map(RT, V(IA), bytes(o), V(PA), (unsigned)V(PROT), (unsigned)V(MEMTYPE));
}

/* The hyp's unmap returns the bytes it unmapped: as a code, 0 (some) or -ENOENT (none). */
static int unmapped(const struct fz_op *o, int64_t r)
{
	return HYP ? (r > 0 ? 0 : -ENOENT) : (int)r;
}

static int k_unmap(void *w, const struct fz_op *o)
{
	CALLERS(false);
	return unmapped(o, s2k_unmap(KT, V(IA), bytes(o)));
}

static int r_unmap(void *w, const struct fz_op *o)
{
	CALLERS(true);
	return unmapped(o, ref_linux_unmap(RT, V(IA), bytes(o)));
}

static int k_set_owner(void *w, const struct fz_op *o)
{
	CALLERS(false);
	return s2k_set_owner(KT, V(IA), bytes(o), (unsigned)V(OWNER));
}

static int r_set_owner(void *w, const struct fz_op *o)
{
	CALLERS(true);
	return ref_linux_set_owner(RT, V(IA), bytes(o), (unsigned)V(OWNER));
}

static int k_wrprotect(void *w, const struct fz_op *o)
{
	struct fz_ktables *d = w;
	int rc;

	CALLERS(false);
	rc = s2k_wrprotect(KT, V(IA), bytes(o));
	/* KVM's callers flush the guest's TLB after write-protecting (profile row). */
	on_tlbi(&d->plat[TAB], S2K_TLBI_VMID, 0, 0, -1);
	return rc;
}

static int r_wrprotect(void *w, const struct fz_op *o)
{
	CALLERS(true);
	return ref_linux_wrprotect(RT, V(IA), bytes(o));
}

static int k_mkold(void *w, const struct fz_op *o)
{
	CALLERS(false);
	return s2k_mkold(KT, V(IA), bytes(o)) ? 1 : 0;
}

static int r_mkold(void *w, const struct fz_op *o)
{
	CALLERS(true);
	return ref_linux_mkold(RT, V(IA), bytes(o)) ? 1 : 0;
}

/* The entry mkyoung returns is not compared: its effect on the table is. */
static int k_mkyoung(void *w, const struct fz_op *o)
{
	CALLERS(false);
	s2k_mkyoung(KT, V(IA));
	return 0;
}

static int r_mkyoung(void *w, const struct fz_op *o)
{
	CALLERS(true);
	ref_linux_mkyoung(RT, V(IA));
	return 0;
}

static int k_relax_perms(void *w, const struct fz_op *o)
{
	CALLERS(false);
	return s2k_relax_perms(KT, V(IA), V(PROT));
}

static int r_relax_perms(void *w, const struct fz_op *o)
{
	CALLERS(true);
	return ref_linux_relax_perms(RT, V(IA), (unsigned)V(PROT));
}

static int k_split(void *w, const struct fz_op *o)
{
	CALLERS(false);
	return s2k_split(KT, V(IA), bytes(o));
}

static int r_split(void *w, const struct fz_op *o)
{
	CALLERS(true);
	return ref_linux_split(RT, V(IA), bytes(o));
}

static int k_get_leaf(void *w, const struct fz_op *o)
{
	struct fz_ktables *d = w;

	CALLERS(false);
	d->leaf = 0;
	d->leaf_level = 0;
	return s2k_get_leaf(KT, V(IA), &d->leaf, &d->leaf_level);
}

static int r_get_leaf(void *w, const struct fz_op *o)
{
	struct fz_ktables *d = w;

	CALLERS(true);
	d->ref_leaf = 0;
	d->ref_leaf_level = 0;
	return ref_linux_get_leaf(RT, V(IA), &d->ref_leaf, &d->ref_leaf_level);
}

static int k_fault_map(void *w, const struct fz_op *o)
{
	uint64_t size = fault_size(o);

	CALLERS(false);
	return s2k_fault_map(KT, V(IA) & ~(size - 1), size, V(PA) & ~(size - 1), kernel_prot(o));
}

static int r_fault_map(void *w, const struct fz_op *o)
{
	uint64_t size = fault_size(o);

	CALLERS(true);
	return ref_linux_fault_map(RT, V(IA) & ~(size - 1), size, V(PA) & ~(size - 1),
				   (unsigned)V(PROT), (unsigned)V(MEMTYPE));
}

static uint64_t hide_count(uint64_t free, uint64_t keep)
{
	return free > keep ? free - keep : 0;
}

static int k_pool_hide(void *w, const struct fz_op *o)
{
	struct fz_ktables *d = w;

	sim_pool_hide(&d->pool[TAB], hide_count(sim_pool_free(&d->pool[TAB]), V(KEEP)));
	return 0;
}

static int r_pool_hide(void *w, const struct fz_op *o)
{
	(void)w;
	ref_linux_pool_hide(RT, hide_count(ref_linux_pool_free(RT), V(KEEP)));
	return 0;
}

static int k_pool_unhide(void *w, const struct fz_op *o)
{
	struct fz_ktables *d = w;

	sim_pool_unhide(&d->pool[TAB]);
	return 0;
}

static int r_pool_unhide(void *w, const struct fz_op *o)
{
	(void)w;
	ref_linux_pool_unhide(RT);
	return 0;
}

/* A CPU translates the address through the table: what it finds fills the TLB model. */
static int k_access(void *w, const struct fz_op *o)
{
	struct fz_ktables *d = w;
	struct diff_table t = view(d, TAB);

	if (V(IA) < (1ULL << d->s.ia_bits[TAB]))
		diff_tlb_access(&d->tlb, &d->plat[TAB], &t, V(IA));
	return 0;
}

static int r_access(void *w, const struct fz_op *o)
{
	(void)w, (void)o;
	return 0;
}

/* The calls by operation name: the rows are fuzz_pgtable's (ops_tables.c). */
static const struct {
	const char *name;
	fz_call_fn kernel, ref;
} calls[] = {
#define CALL(name) { #name, k_##name, r_##name }
	CALL(map),	 CALL(unmap),	CALL(set_owner), CALL(wrprotect),   CALL(mkold),
	CALL(mkyoung),	 CALL(relax_perms), CALL(split), CALL(get_leaf),    CALL(fault_map),
	CALL(pool_hide), CALL(pool_unhide), CALL(access),
#undef CALL
};

#define NR_CALLS (sizeof(calls) / sizeof(calls[0]))

static struct fz_op_def kernel_ops[NR_CALLS];
static struct fz_world kernel_world;

/* The world with the tree's calls in its rows; every row must have one. */
static const struct fz_world *world(void)
{
	if (kernel_world.op)
		return &kernel_world;
	if (fz_world_kernel_tables.nr_ops != NR_CALLS)
		abort();
	kernel_world = fz_world_kernel_tables;
	for (unsigned i = 0; i < NR_CALLS; i++) {
		kernel_ops[i] = fz_world_kernel_tables.op[i];
		for (unsigned c = 0; c < NR_CALLS; c++)
			if (!strcmp(calls[c].name, kernel_ops[i].name)) {
				kernel_ops[i].core = calls[c].kernel;
				kernel_ops[i].ref = calls[c].ref;
			}
		if (!kernel_ops[i].core)
			abort();
	}
	kernel_world.op = kernel_ops;
	return &kernel_world;
}

static size_t ktables_describe(const void *setup, char *buf, size_t len)
{
	size_t n = fz_tables_describe(setup, buf, len);
	int w = snprintf(buf + n, len - n, "; Linux %s", s2k_tree.version);

	return w < 0 ? n : n + (size_t)w < len ? n + (size_t)w : len ? len - 1 : 0;
}

struct fz_harness fz_ktables_harness = {
	NULL, &ktables, ktables_init, ktables_fini, ktables_check, ktables_result,
	ktables_describe, NULL, NULL, NULL, "the kernel's tables break a check or depart from the reference",
};

int fz_ktables_run(const uint8_t *data, size_t size)
{
	fz_ktables_harness.world = world();
	return fz_run(&fz_ktables_harness, data, size);
}
