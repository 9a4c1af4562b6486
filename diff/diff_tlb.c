// SPDX-License-Identifier: MIT
/*
 * A small, fully associative TLB and walk cache per the rules of SPEC §11.
 * It is deliberately conservative about what an invalidation removes: a
 * by-address invalidation removes only leaf entries of the level it names
 * and the walk entries on that address's path, so an invalidation with the
 * wrong level or the wrong span leaves a stale entry for the check to find.
 */
#include "diff/tlb.h"
#include "diff_desc.h"
#include "diff_fmt.h"

/* Output address, permissions and memory type: what a stale TLB would get wrong. */
#define TLB_COMPARED (DD_ADDR | (0xfULL << 2) | (3ULL << 6) | (3ULL << 53) | 3ULL)

void diff_tlb_init(struct diff_tlb *t)
{
	for (unsigned i = 0; i < DIFF_TLB_ENTRIES; i++)
		t->e[i].regime = NULL;
	t->next = 0;
}

static void insert(struct diff_tlb *t, const void *regime, bool walk, uint64_t base,
		   unsigned level, uint64_t desc)
{
	struct diff_tlb_entry *slot = NULL;

	for (unsigned i = 0; i < DIFF_TLB_ENTRIES; i++) {
		struct diff_tlb_entry *e = &t->e[i];

		if (e->regime == regime && e->walk == walk && e->base == base && e->level == level) {
			e->desc = desc;
			return;
		}
		if (!slot && !e->regime)
			slot = e;
	}
	if (!slot) {
		slot = &t->e[t->next];
		t->next = (t->next + 1) % DIFF_TLB_ENTRIES;
	}
	*slot = (struct diff_tlb_entry){ regime, walk, base, level, desc };
}

void diff_tlb_access(struct diff_tlb *t, const void *regime, const struct diff_table *table,
		     uint64_t ia)
{
	const uint64_t *entries = table->mem->table(table->mem->ctx, table->root_pa);

	for (unsigned level = table->start_level; entries && level <= 3; level++) {
		uint64_t d = entries[(ia >> dd_shift(level)) & (DD_ENTRIES - 1)];
		uint64_t base = ia & ~(dd_span(level) - 1);

		if (!dd_valid(d))
			return; /* a fault: nothing is cached */
		if (!dd_table(d, level)) {
			/* An access with AF clear faults too: nothing cached. */
			if (d & (1ULL << 10))
				insert(t, regime, false, base, level, d);
			return;
		}
		insert(t, regime, true, base, level, d);
		entries = table->mem->table(table->mem->ctx, d & DD_ADDR);
	}
}

static bool overlaps(const struct diff_tlb_entry *e, uint64_t ia, uint64_t size)
{
	return ia < e->base + dd_span(e->level) && e->base < ia + size;
}

void diff_tlb_event(struct diff_tlb *t, const struct diff_event *e)
{
	/* Stores and frees (most events) change nothing cached: only invalidations do. */
	if (e->kind == DIFF_EV_STORE || e->kind == DIFF_EV_FREE)
		return;
	for (unsigned i = 0; i < DIFF_TLB_ENTRIES; i++) {
		struct diff_tlb_entry *c = &t->e[i];
		bool drop = false;

		if (c->regime != e->regime || !c->regime)
			continue;
		switch (e->kind) {
		case DIFF_EV_TLBI_ALL:
			drop = true;
			break;
		case DIFF_EV_TLBI_RANGE:
			drop = overlaps(c, e->ia, e->size);
			break;
		case DIFF_EV_TLBI_ADDR:
			drop = overlaps(c, e->ia, 1);
			break;
		case DIFF_EV_TLBI_LEAF:
			drop = overlaps(c, e->ia, 1) && (c->walk || c->level == e->level);
			break;
		case DIFF_EV_STORE:
		case DIFF_EV_FREE:
			break;
		}
		if (drop)
			c->regime = NULL;
	}
}

void diff_tlb_forget(struct diff_tlb *t, const void *regime)
{
	for (unsigned i = 0; i < DIFF_TLB_ENTRIES; i++)
		if (t->e[i].regime == regime)
			t->e[i].regime = NULL;
}

/* The descriptor a fresh walk finds at @level for @ia, or 0 if it stops above. */
static uint64_t walk_to(const struct diff_table *table, uint64_t ia, unsigned level)
{
	const uint64_t *entries = table->mem->table(table->mem->ctx, table->root_pa);

	for (unsigned l = table->start_level; entries && l <= 3; l++) {
		uint64_t d = entries[(ia >> dd_shift(l)) & (DD_ENTRIES - 1)];

		if (l == level)
			return d;
		if (!dd_table(d, l))
			return 0;
		entries = table->mem->table(table->mem->ctx, d & DD_ADDR);
	}
	return 0;
}

bool diff_tlb_check(const struct diff_tlb *t, const void *regime, const struct diff_table *table,
		    struct diff_violation *v)
{
	for (unsigned i = 0; i < DIFF_TLB_ENTRIES; i++) {
		const struct diff_tlb_entry *c = &t->e[i];
		uint64_t now;
		struct diff_buf b = { v->what, sizeof(v->what), 0 };

		if (c->regime != regime)
			continue;
		now = walk_to(table, c->base, c->level);
		if (c->walk ? now == c->desc
			    : (dd_valid(now) && (now & TLB_COMPARED) == (c->desc & TLB_COMPARED)))
			continue;
		diff_put(&b, c->walk ? "stale walk entry" : "stale TLB entry");
		diff_put(&b, " in ");
		diff_put(&b, diff_kind_name(table->kind));
		diff_put(&b, " at ia ");
		diff_put_hex(&b, c->base);
		diff_put(&b, " level ");
		diff_put_dec(&b, c->level);
		diff_put(&b, ": cached ");
		diff_put_hex(&b, c->desc);
		diff_put(&b, ", tables now say ");
		diff_put_hex(&b, now);
		return false;
	}
	return true;
}
