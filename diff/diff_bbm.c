// SPDX-License-Identifier: MIT
/*
 * Break-before-make as a ledger of debts. Removing a valid entry (or a
 * table) owes an invalidation of its span; making a new valid entry over a
 * slot whose debt is unpaid, or freeing an unlinked table page before its
 * span was invalidated, breaks SPEC §7. A permission change in place owes
 * an invalidation too (S12). At the end of an operation every debt must be
 * paid, else the TLB may still hold what the table no longer says.
 */
#include "diff/bbm.h"
#include "diff_desc.h"
#include "diff_fmt.h"

void diff_bbm_init(struct diff_bbm *b)
{
	for (unsigned i = 0; i < DIFF_BBM_LINKS; i++)
		b->links[i].key = 0;
	b->nr_links = 0;
	b->n = 0;
	b->failed = false;
	b->v.what[0] = '\0';
}

/* The first broken rule, where: "(KIND ia IA level L)", or "(KIND page PA)" for a free. */
static bool violate_at(struct diff_bbm *b, const char *what, enum diff_kind kind, uint64_t ia,
		       unsigned level, bool is_free, uint64_t page)
{
	struct diff_buf out = { b->v.what, sizeof(b->v.what), 0 };

	if (b->failed)
		return false;
	b->failed = true;
	diff_put(&out, what);
	diff_put(&out, " (");
	diff_put(&out, diff_kind_name(kind));
	diff_put(&out, is_free ? " page " : " ia ");
	diff_put_hex(&out, is_free ? page : ia);
	if (!is_free) {
		diff_put(&out, " level ");
		diff_put_dec(&out, level);
	}
	diff_put(&out, ")");
	return false;
}

static bool violate(struct diff_bbm *b, const char *what, const struct diff_event *e)
{
	return violate_at(b, what, e->table_kind, e->ia, e->level, false, 0);
}

/* Slots kept for tables: a table's debt is never folded. */
#define BBM_TABLE_SLOTS 16

/* A leaf debt @e folded into the latest unpaid leaf debt of its regime. */
static bool fold(struct diff_bbm *b, const struct diff_event *e)
{
	struct diff_bbm_debt *d = NULL;
	uint64_t lo = e->ia, hi = e->ia + dd_span(e->level);

	for (unsigned i = b->n; i-- > 0 && !d;)
		if (!b->debt[i].table && !b->debt[i].paid && b->debt[i].regime == e->regime)
			d = &b->debt[i];
	if (!d)
		return false;
	if (lo < d->ia)
		d->first_end = hi;
	if (hi > d->ia + d->span)
		d->last_start = lo;
	if (lo < d->ia) {
		d->span += d->ia - lo;
		d->ia = lo;
	}
	if (hi > d->ia + d->span)
		d->span = hi - d->ia;
	d->leaves++;
	return true;
}

static bool owe(struct diff_bbm *b, const struct diff_event *e, bool table, uint64_t page)
{
	bool empty = table && e->old_empty_table;

	if (!table && b->n >= DIFF_BBM_PENDING - BBM_TABLE_SLOTS && fold(b, e))
		return true;
	if (b->n == DIFF_BBM_PENDING)
		return violate(b, "too many invalidations owed at once", e);
	b->debt[b->n++] = (struct diff_bbm_debt){
		.regime = e->regime,
		.kind = e->table_kind,
		.ia = e->ia,
		.span = dd_span(e->level),
		.level = e->level,
		.table = table,
		.empty = empty,
		.page = page,
		.leaves = 1,
		.first_end = e->ia + dd_span(e->level),
		.last_start = e->ia,
	};
	return true;
}

/* Only permissions, AF or software bits differ (S12). */
static bool in_place(uint64_t old, uint64_t new_pte)
{
	const uint64_t perms_af_sw = (3ULL << 6) | (3ULL << 53) | (1ULL << 10) | (0xfULL << 55);

	return ((old ^ new_pte) & ~perms_af_sw) == 0;
}

static bool overlaps(const struct diff_bbm_debt *d, uint64_t ia, uint64_t size)
{
	return ia < d->ia + d->span && d->ia < ia + size;
}

static bool unpaid_over(const struct diff_bbm *b, const struct diff_event *e)
{
	for (unsigned i = 0; i < b->n; i++) {
		const struct diff_bbm_debt *d = &b->debt[i];

		if (!d->paid && d->regime == e->regime && overlaps(d, e->ia, dd_span(e->level)))
			return true;
	}
	return false;
}

/* Tombstones keep probe chains intact; a full table just stops tracking. */
#define LINK_TOMB (~0ULL)
/* A link's parent is a page: its low bits hold the table's kind. */
#define LINK_KIND 3ULL

static struct diff_bbm_link *link_find(struct diff_bbm *b, uint64_t page)
{
	uint64_t key = page + 1, i = (page >> 12) * 0x9E3779B97F4A7C15ULL >> 40;

	for (unsigned n = 0; n < DIFF_BBM_LINKS; n++, i++) {
		struct diff_bbm_link *l = &b->links[i & (DIFF_BBM_LINKS - 1)];

		if (l->key == key)
			return l;
		if (!l->key)
			return NULL;
	}
	return NULL;
}

static void link_add(struct diff_bbm *b, uint64_t page, uint64_t parent, enum diff_kind kind)
{
	uint64_t key = page + 1, i = (page >> 12) * 0x9E3779B97F4A7C15ULL >> 40;
	struct diff_bbm_link *l = link_find(b, page);

	if (l) {
		l->parent = parent | (uint64_t)kind;
		return;
	}
	if (b->nr_links * 4 >= DIFF_BBM_LINKS * 3)
		return;
	for (;; i++) {
		l = &b->links[i & (DIFF_BBM_LINKS - 1)];
		if (!l->key || l->key == LINK_TOMB)
			break;
	}
	l->key = key;
	l->parent = parent | (uint64_t)kind;
	b->nr_links++;
}

static const struct diff_bbm_debt *unlink_debt(const struct diff_bbm *b, uint64_t page)
{
	for (unsigned i = 0; i < b->n; i++)
		if (b->debt[i].table && b->debt[i].page == page)
			return &b->debt[i];
	return NULL;
}

static bool on_store(struct diff_bbm *b, const struct diff_event *e)
{
	if (dd_table(e->new_pte, e->level))
		link_add(b, e->new_pte & DD_ADDR, e->table_page, e->table_kind);
	bool old_live = dd_valid(e->old), new_live = dd_valid(e->new_pte);
	bool old_table = dd_table(e->old, e->level), new_table = dd_table(e->new_pte, e->level);

	if (e->old == e->new_pte)
		return true;
	if (old_live && new_live) {
		/* Valid to valid: only a leaf changing permissions, AF or software bits. */
		if (old_table || new_table || !in_place(e->old, e->new_pte))
			return violate(b, "valid entry replaced without break-before-make", e);
		if ((e->old ^ e->new_pte) & ((3ULL << 6) | (3ULL << 53)))
			return owe(b, e, false, 0);
		return true;
	}
	if (old_live)
		return owe(b, e, old_table, old_table ? e->old & DD_ADDR : 0);
	if (new_live && unpaid_over(b, e))
		return violate(b, "new entry made before the old one was invalidated", e);
	return true;
}

/* Does an invalidation of [ia, ia + size) at @level pay @d? */
static bool pays(const struct diff_bbm_debt *d, const struct diff_event *e)
{
	if (d->regime != e->regime)
		return false;
	switch (e->kind) {
	case DIFF_EV_TLBI_ALL:
		return true;
	case DIFF_EV_TLBI_RANGE:
		/* A table's walk caches need its whole span; a leaf, any of it. */
		if (d->table)
			return e->ia <= d->ia && d->ia + d->span <= e->ia + e->size;
		return e->ia < d->first_end && d->last_start < e->ia + e->size &&
		       overlaps(d, e->ia, e->size);
	case DIFF_EV_TLBI_LEAF:
		return !d->table && d->leaves == 1 && d->level == e->level && overlaps(d, e->ia, 1);
	case DIFF_EV_TLBI_ADDR:
		/* A leaf, at any level; a table only if nothing under it was valid. */
		return (d->table ? d->empty : d->leaves == 1) && overlaps(d, e->ia, 1);
	case DIFF_EV_STORE:
	case DIFF_EV_FREE:
		break;
	}
	return false;
}

static void drop(struct diff_bbm *b, unsigned i)
{
	b->debt[i] = b->debt[--b->n];
}

static bool on_tlbi(struct diff_bbm *b, const struct diff_event *e)
{
	for (unsigned i = b->n; i-- > 0;) {
		struct diff_bbm_debt *d = &b->debt[i];

		if (d->paid || !pays(d, e))
			continue;
		d->paid = true;
		if (!d->table)
			drop(b, i);
	}
	return true;
}

/*
 * A table page may be freed once it, or a table above it, was unlinked and
 * that unlink's span invalidated; freeing a page still hanging in a live
 * table, or before the invalidation, breaks SPEC §7.
 */
static bool on_free(struct diff_bbm *b, const struct diff_event *e)
{
	struct diff_bbm_link *l = link_find(b, e->page);
	uint64_t page = e->page;

	for (unsigned depth = 0; depth < 5; depth++) {
		const struct diff_bbm_debt *d = unlink_debt(b, page);
		struct diff_bbm_link *up;

		if (d && !d->paid)
			return violate_at(b, "table page freed before its span was invalidated",
					  d->kind, d->ia, d->level, false, 0);
		if (d)
			break;
		up = link_find(b, page);
		if (!up) {
			/* Never seen linked (made before we watched), or a root. */
			if (depth == 0)
				break;
			return violate_at(b, "table page freed while still linked",
					  (enum diff_kind)(l->parent & LINK_KIND), 0, 0, true, e->page);
		}
		page = up->parent & ~LINK_KIND;
	}
	for (unsigned i = 0; i < b->n; i++) {
		if (b->debt[i].table && b->debt[i].page == e->page) {
			b->debt[i] = b->debt[--b->n];
			break;
		}
	}
	if (l) {
		l->key = LINK_TOMB;
		b->nr_links--;
	}
	return true;
}

bool diff_bbm_event(struct diff_bbm *b, const struct diff_event *e)
{
	if (b->failed)
		return false;
	switch (e->kind) {
	case DIFF_EV_STORE:
		return on_store(b, e);
	case DIFF_EV_FREE:
		return on_free(b, e);
	case DIFF_EV_TLBI_LEAF:
	case DIFF_EV_TLBI_RANGE:
	case DIFF_EV_TLBI_ALL:
	case DIFF_EV_TLBI_ADDR:
		return on_tlbi(b, e);
	}
	return true;
}

bool diff_bbm_end_op(struct diff_bbm *b)
{
	if (b->failed)
		return false;
	for (unsigned i = 0; i < b->n; i++) {
		const struct diff_bbm_debt *d = &b->debt[i];

		if (!d->paid)
			return violate_at(b, "entry removed or weakened and never invalidated",
					  d->kind, d->ia, d->level, false, 0);
	}
	/* Paid debts for pages still waiting to be freed (deferred) may stay. */
	return true;
}
