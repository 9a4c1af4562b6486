// SPDX-License-Identifier: MIT
/*
 * A cross-check of the reference's shape engine (ref_install.c,
 * ref_shape.c) against a second, brute-force reading of §4 that keeps real
 * 512-entry tables and walks them top down, entry by entry, the way the
 * spec's text reads: S11 (a leaf or zero entry already meaning what is
 * written is left alone), rule 1 (the largest leaf that fits replaces what
 * is there), rule 2 (split, the rest keeps its meaning; S17 for host
 * defaults), rule 3 (a table left without leaves is freed) and §4.4
 * (post-order zap of level-2/3 host tables holding only zero and default
 * leaves). The two must produce the same stream and table count.
 */
#include "ref_test.h"
#include "../../reference/ref_priv.h"

enum {
	E_ZERO,
	E_LEAF,
	E_TABLE
};

struct node;
struct ent {
	int type;
	uint64_t tmpl, aux;
	struct node *child;
};
struct node {
	struct ent e[512];
};

struct bt {
	unsigned int kind, ia_bits;
	struct node *root;
	const struct ref_mem *mem;
	uint64_t lo, hi;
	struct ref_meaning m;
};

static uint64_t spanp(unsigned int l)
{
	return 1ull << (9 * (3 - l));
}

static void node_free(struct node *n)
{
	int i;

	if (!n)
		return;
	for (i = 0; i < 512; i++)
		if (n->e[i].type == E_TABLE)
			node_free(n->e[i].child);
	free(n);
}

static int page_is_mem(const struct ref_mem *m, uint64_t p)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (p >= m->start[i] && p < m->end[i])
			return 1;
	return 0;
}

/* Every page of [lo, hi) is memory (want 1) or MMIO (want 0). */
static int all_pages(const struct ref_mem *m, uint64_t lo, uint64_t hi, int want)
{
	uint64_t p = lo;

	while (p < hi) {
		uint64_t next = hi;
		unsigned int i;
		int mem = page_is_mem(m, p);

		if (mem != want)
			return 0;
		for (i = 0; i < m->nr; i++) {
			if (mem && p >= m->start[i] && p < m->end[i])
				next = m->end[i];
			if (!mem && m->start[i] > p && m->start[i] < next)
				next = m->start[i];
		}
		p = next;
	}
	return 1;
}

/* A valid host leaf over [lo, hi) with tmpl is a default one (§3). */
static int bt_default(const struct bt *t, uint64_t lo, uint64_t hi, uint64_t tmpl)
{
	if (tmpl == S2_HOST_MEM)
		return all_pages(t->mem, lo, hi, 1);
	if (tmpl == S2_HOST_MMIO)
		return all_pages(t->mem, lo, hi, 0);
	return 0;
}

static int one_region_or_gap(const struct bt *t, uint64_t lo, uint64_t hi)
{
	unsigned int i;

	for (i = 0; i < t->mem->nr; i++) {
		if (lo >= t->mem->start[i] && hi <= t->mem->end[i])
			return 1;
		if (lo < t->mem->end[i] && t->mem->start[i] < hi)
			return 0;
	}
	return hi <= t->mem->top;
}

static int bt_fits(const struct bt *t, unsigned int l, uint64_t s)
{
	if (l == 0)
		return 0;
	if (!(t->m.tmpl & 1))
		return 1;
	if ((s + t->m.aux) & (spanp(l) - 1))
		return 0;
	if (t->kind == REF_KIND_HOST_S2 && l < 3)
		return one_region_or_gap(t, s, s + spanp(l)) &&
		       bt_default(t, s, s + spanp(l), t->m.tmpl);
	return 1;
}

static int has_leaf(const struct node *n)
{
	int i;

	for (i = 0; i < 512; i++)
		if (n->e[i].type == E_LEAF || (n->e[i].type == E_TABLE && has_leaf(n->e[i].child)))
			return 1;
	return 0;
}

static void bt_visit(struct bt *t, struct node *n, unsigned int l, uint64_t base)
{
	uint64_t span = spanp(l);
	int i;

	for (i = 0; i < 512; i++) {
		uint64_t s = base + (uint64_t)i * span;
		struct ent *e = &n->e[i];
		uint64_t plo = s > t->lo ? s : t->lo;
		uint64_t phi = s + span < t->hi ? s + span : t->hi;

		if (plo >= phi)
			continue;
		if ((e->type == E_LEAF && e->tmpl == t->m.tmpl && e->aux == t->m.aux) ||
		    (e->type == E_ZERO && !t->m.tmpl))
			continue; /* S11 */
		if (plo == s && phi == s + span && bt_fits(t, l, s)) {
			if (e->type == E_TABLE)
				node_free(e->child);
			e->child = NULL;
			e->type = t->m.tmpl ? E_LEAF : E_ZERO; /* rule 1 */
			e->tmpl = t->m.tmpl;
			e->aux = t->m.aux;
			continue;
		}
		if (e->type != E_TABLE) { /* rule 2 */
			struct node *c = calloc(1, sizeof(*c));
			int keep = e->type == E_LEAF && !(t->kind == REF_KIND_HOST_S2 &&
							  bt_default(t, s, s + span, e->tmpl));
			int j;

			for (j = 0; keep && j < 512; j++)
				c->e[j] = *e;
			e->type = E_TABLE;
			e->child = c;
		}
		bt_visit(t, e->child, l + 1, s);
		if (!has_leaf(e->child)) { /* rule 3 */
			node_free(e->child);
			memset(e, 0, sizeof(*e));
		}
	}
}

static void bt_install(struct bt *t, uint64_t lo, uint64_t hi, struct ref_meaning m)
{
	t->lo = lo;
	t->hi = hi;
	t->m = m;
	if (!(m.tmpl & 1))
		t->m.aux = 0;
	bt_visit(t, t->root, ref_start_level(t->ia_bits), 0);
}

/* §4.4: returns whether the table n (entries at level l) is to be zapped. */
static int bt_zap(struct bt *t, struct node *n, unsigned int l, uint64_t base)
{
	uint64_t span = spanp(l);
	int i, only_default = 1;

	for (i = 0; i < 512; i++) {
		uint64_t s = base + (uint64_t)i * span;
		struct ent *e = &n->e[i];

		if (e->type == E_TABLE && s < t->hi && t->lo < s + span &&
		    bt_zap(t, e->child, l + 1, s)) {
			node_free(e->child);
			memset(e, 0, sizeof(*e));
		}
		if (e->type == E_TABLE ||
		    (e->type == E_LEAF && !((e->tmpl & 1) && bt_default(t, s, s + span, e->tmpl))))
			only_default = 0;
	}
	return l >= 2 && only_default;
}

static unsigned long long bt_tables(const struct node *n)
{
	unsigned long long c = 1;
	int i;

	for (i = 0; i < 512; i++)
		if (n->e[i].type == E_TABLE)
			c += bt_tables(n->e[i].child);
	return c;
}

static void bt_stream(const struct node *n, unsigned int l, uint64_t base, uint64_t top,
		      struct recs *out)
{
	uint64_t span = spanp(l);
	int i;

	for (i = 0; i < 512 && base + (uint64_t)i * span < top; i++) {
		uint64_t s = base + (uint64_t)i * span;
		const struct ent *e = &n->e[i];

		if (e->type == E_TABLE) {
			recs_add(out, l, s << 12, TABLE);
			bt_stream(e->child, l + 1, s, top, out);
		} else if (e->type == E_LEAF) {
			recs_add(out, l, s << 12, ref_leaf_desc(e->tmpl, e->aux, l, s));
		}
	}
}

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : 0;
}

/* Compare the brute-force tables with the reference's leaves. */
static void compare(const struct bt *t, const struct ref_lmap *lm)
{
	struct recs want = { 0 }, got = { 0 };
	size_t i;

	bt_stream(t->root, ref_start_level(t->ia_bits), 0, 1ull << (t->ia_bits - 12), &want);
	ref_stream_lmap(lm, recs_emit, &got);
	for (i = 0; i < want.nr && i < got.nr; i++)
		if (want.r[i].level != got.r[i].level || want.r[i].ia != got.r[i].ia ||
		    want.r[i].desc != got.r[i].desc)
			break;
	if (i < want.nr || i < got.nr)
		print_error("first difference at record %zu of %zu/%zu\n", i, got.nr, want.nr);
	assert_int_equal(got.nr, want.nr);
	assert_int_equal(i, want.nr);
	assert_int_equal(ref_count_tables(&lm->leaves, lm->ia_bits), bt_tables(t->root));
	recs_free(&want);
	recs_free(&got);
}

/* A random range: aligned starts and lengths now and then. */
static void rnd_range(uint64_t space, uint64_t *lo, uint64_t *hi)
{
	static const uint64_t al[] = { 1, 1, 8, 512, 512, 1ull << 18 };
	uint64_t a = al[rnd(6)], n;

	*lo = rnd(2) ? rnd(space) : PFN(0x40000000) + rnd(4096);
	*lo &= ~(a - 1);
	switch (rnd(4)) {
	case 0:
		n = 1;
		break;
	case 1:
		n = 512 * (1 + rnd(3)) + rnd(3) - 1;
		break;
	case 2:
		n = (1ull << 18) + rnd(1024) - 512;
		break;
	default:
		n = 1 + rnd(2048);
		break;
	}
	*hi = *lo + n > space ? space : *lo + n;
	if (*hi <= *lo)
		*hi = *lo + 1;
}

static void run_kind(unsigned int kind, unsigned int ia_bits, int steps)
{
	static struct ref_mem mem;
	static char arena[32 << 20];
	struct ref_arena a;
	struct ref_lmap lm;
	struct bt t;
	uint64_t space = 4ull << 18; /* 4 GiB of pages */
	uint64_t tmpls[6];
	int i;

	memset(&mem, 0, sizeof(mem));
	mem.nr = 2;
	mem.start[0] = PFN(0x40000000);
	mem.end[0] = PFN(0x80300000);
	mem.start[1] = PFN(0x80500000);
	mem.end[1] = PFN(0xc0000000);
	mem.top = 1ull << (ia_bits - 12);
	ref_arena_init(&a, arena, sizeof(arena));
	ref_lmap_init(&lm, kind, ia_bits);
	memset(&t, 0, sizeof(t));
	t.kind = kind;
	t.ia_bits = ia_bits;
	t.mem = &mem;
	t.root = calloc(1, sizeof(*t.root));

	tmpls[0] = 0;
	tmpls[1] = ANNOT_HYP;
	tmpls[2] = ANNOT_GUEST;
	tmpls[3] = S2_HOST_MEM;
	tmpls[4] = S2_HOST_MEM | SW_SHARED_OWNED;
	tmpls[5] = S2_HOST_MMIO;
	if (kind != REF_KIND_HOST_S2) {
		tmpls[1] = S1_PAGE_HYP;
		tmpls[2] = S1_PAGE_HYP | SW_BORROWED;
	}
	for (i = 0; i < steps; i++) {
		struct ref_meaning m = { tmpls[rnd(6)], 0 };
		struct ref_runs nw;
		uint64_t lo, hi;

		rnd_range(space, &lo, &hi);
		if (kind != REF_KIND_HOST_S2 && (m.tmpl & 1)) {
			static const uint64_t offs[] = { 0, 1, 512, 1ull << 18,
							 (1ull << 18) + 512 };
			m.aux = offs[rnd(5)] * (rnd(2) ? 1 : (uint64_t)-1);
		}
		/*
		 * Leaves that may be pages: keep them few (test speed). The
		 * host writes valid leaves one block at a time (aborts, S16).
		 */
		if (((kind == REF_KIND_HOST_S2 && (m.tmpl & 1)) || (m.aux & 511)) && hi - lo > 1024)
			hi = lo + 1024;
		if (kind == REF_KIND_HOST_S2 && (m.tmpl == S2_HOST_MEM || m.tmpl == S2_HOST_MMIO) &&
		    rnd(2)) {
			uint64_t span = rnd(2) ? 512 : 1ull << 18;

			lo &= ~(span - 1);
			hi = lo + span;
			m.tmpl = page_is_mem(&mem, lo) ? S2_HOST_MEM : S2_HOST_MMIO;
		}
		if (kind == REF_KIND_HOST_S2 && rnd(4) == 0) {
			/* coalescing, or S16's in-place default */
			if (rnd(2)) {
				assert_int_equal(ref_coalesce(&a, &lm, &mem, lo, hi, &nw), 0);
				t.lo = lo;
				t.hi = hi;
				if (bt_zap(&t, t.root, ref_start_level(ia_bits), 0))
					fail();
			} else {
				assert_int_equal(ref_rewrite(&a, &lm.leaves, lo, lo + 1, ~0ull,
							     S2_HOST_MEM, &nw),
						 0);
				{
					unsigned int l;
					uint64_t d;

					ref_walk(&lm, lo, &l, &d);
					if (d & 1) {
						/* a page in place: only for pages */
						if (l != 3) {
							ref_runs_free(&a, &nw);
							continue;
						}
						bt_install(&t, lo, lo + 1,
							   (struct ref_meaning){ S2_HOST_MEM, 0 });
					}
				}
			}
		} else {
			assert_int_equal(ref_install(&a, &lm, &mem, lo, hi, m, &nw), 0);
			bt_install(&t, lo, hi, m);
		}
		ref_runs_free(&a, &lm.leaves);
		lm.leaves = nw;
		lm.nr_tables = ref_count_tables(&nw, ia_bits);
		compare(&t, &lm);
	}
	node_free(t.root);
	ref_runs_free(&a, &lm.leaves);
}

static void install_matches_brute_force_host_level1_root(void **state)
{
	run_kind(REF_KIND_HOST_S2, 32, 1500);
}

static void install_matches_brute_force_host_level0_root(void **state)
{
	run_kind(REF_KIND_HOST_S2, 40, 1000);
}

static void install_matches_brute_force_stage1(void **state)
{
	run_kind(REF_KIND_HYP_S1, 48, 1000);
}

static void install_matches_brute_force_guest(void **state)
{
	run_kind(REF_KIND_GUEST_S2, 36, 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(install_matches_brute_force_host_level1_root),
		cmocka_unit_test(install_matches_brute_force_host_level0_root),
		cmocka_unit_test(install_matches_brute_force_stage1),
		cmocka_unit_test(install_matches_brute_force_guest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
