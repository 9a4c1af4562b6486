// SPDX-License-Identifier: MIT
/*
 * §4 applied entry by entry, top down, the way the spec's text reads: S11
 * (a leaf or zero entry already meaning what is written is left alone),
 * rule 1 (the largest leaf that fits replaces what is there), rule 2 (split:
 * the rest keeps its meaning, except a host default, S17), rule 3 (a table
 * left without leaves is freed) and §4.4 (post-order zap of level-2 and
 * level-3 host tables holding only zero entries and default leaves).
 */
#include "brute_priv.h"

#include <stdlib.h>
#include <string.h>

/* One write: pages [lo, hi) get template tmpl, output offset aux. */
struct write {
	struct brute *b;
	uint64_t lo, hi, tmpl, aux;
};

/* A leaf of level @l at page @s may carry this write (rule 1). */
static bool fits(const struct write *w, unsigned int l, uint64_t s)
{
	uint64_t span = brute_span(l);

	if (l == 0)
		return false; /* never a block at level 0 (§1) */
	if (!(w->tmpl & 1))
		return true;
	if ((s + w->aux) & (span - 1))
		return false; /* the output must be aligned too */
	if (w->b->host && l < 3)
		return brute_one_region_or_gap(w->b, s, s + span) &&
		       brute_is_default(w->b, s, s + span, w->tmpl);
	return true;
}

static bool has_leaf(const struct brute_node *n)
{
	int i;

	for (i = 0; i < 512; i++)
		if (n->e[i].type == BRUTE_LEAF ||
		    (n->e[i].type == BRUTE_TABLE && has_leaf(n->e[i].child)))
			return true;
	return false;
}

static void visit(struct write *w, struct brute_node *n, unsigned int l, uint64_t base)
{
	uint64_t span = brute_span(l);
	int i;

	for (i = 0; i < 512; i++) {
		uint64_t s = base + (uint64_t)i * span;
		struct brute_ent *e = &n->e[i];
		uint64_t plo = s > w->lo ? s : w->lo;
		uint64_t phi = s + span < w->hi ? s + span : w->hi;

		if (plo >= phi)
			continue;
		if ((e->type == BRUTE_LEAF && e->tmpl == w->tmpl && e->aux == w->aux) ||
		    (e->type == BRUTE_ZERO && !w->tmpl))
			continue; /* S11 */
		if (plo == s && phi == s + span && fits(w, l, s)) {
			if (e->type == BRUTE_TABLE)
				brute_node_free(w->b, e->child);
			*e = (struct brute_ent){ w->tmpl ? BRUTE_LEAF : BRUTE_ZERO, w->tmpl, w->aux,
						 NULL }; /* rule 1 */
			continue;
		}
		if (e->type != BRUTE_TABLE) { /* rule 2 */
			struct brute_node *c = brute_node_new(w->b);
			bool keep = e->type == BRUTE_LEAF &&
				    !(w->b->host && brute_is_default(w->b, s, s + span, e->tmpl));
			int j;

			if (!c)
				abort();
			for (j = 0; keep && j < 512; j++)
				c->e[j] = *e;
			e->type = BRUTE_TABLE;
			e->child = c;
		}
		visit(w, e->child, l + 1, s);
		if (!has_leaf(e->child)) { /* rule 3 */
			brute_node_free(w->b, e->child);
			memset(e, 0, sizeof(*e));
		}
	}
}

void brute_install(struct brute *b, uint64_t lo, uint64_t hi, uint64_t tmpl, uint64_t aux)
{
	struct write w = { b, lo, hi, tmpl, tmpl & 1 ? aux : 0 };

	visit(&w, b->root, brute_root_level(b), 0);
}

/* §4.4: whether table @n (entries at level @l) is to be zapped. */
static bool zap(struct brute *b, struct brute_node *n, unsigned int l, uint64_t base,
		uint64_t lo, uint64_t hi)
{
	uint64_t span = brute_span(l);
	bool only_default = true;
	int i;

	for (i = 0; i < 512; i++) {
		uint64_t s = base + (uint64_t)i * span;
		struct brute_ent *e = &n->e[i];

		if (e->type == BRUTE_TABLE && s < hi && lo < s + span &&
		    zap(b, e->child, l + 1, s, lo, hi)) {
			brute_node_free(b, e->child);
			memset(e, 0, sizeof(*e));
		}
		if (e->type == BRUTE_TABLE ||
		    (e->type == BRUTE_LEAF &&
		     !((e->tmpl & 1) && brute_is_default(b, s, s + span, e->tmpl))))
			only_default = false;
	}
	return l >= 2 && only_default;
}

bool brute_coalesce(struct brute *b, uint64_t lo, uint64_t hi)
{
	return !zap(b, b->root, brute_root_level(b), 0, lo, hi);
}
