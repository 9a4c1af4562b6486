/* SPDX-License-Identifier: MIT */
/*
 * The break-before-make and free-after-invalidate checker (SPEC §7, §11):
 * it sees every entry store and every TLB invalidation, in order, and
 * reports the first store or free that breaks a rule. Its own reading of
 * descriptors; no core code.
 */
#ifndef DIFF_BBM_H
#define DIFF_BBM_H

#include "diff/diff.h"

enum diff_ev_kind {
	DIFF_EV_STORE,
	DIFF_EV_TLBI_LEAF,
	DIFF_EV_TLBI_RANGE,
	DIFF_EV_TLBI_ALL,
	DIFF_EV_FREE,
	/*
	 * Every level at one address, table entries' walk caches included (a
	 * TLBI by address with no level hint): what a table entry cached for a
	 * span holding the address is gone, so an empty table's unlink is paid.
	 */
	DIFF_EV_TLBI_ADDR,
};

struct diff_event {
	enum diff_ev_kind kind;
	const void *regime;	  /* which table's TLB: identity only */
	enum diff_kind table_kind;
	uint64_t ia;		  /* STORE, TLBI_LEAF, TLBI_RANGE */
	uint64_t size;		  /* TLBI_RANGE */
	unsigned level;		  /* STORE, TLBI_LEAF */
	uint64_t old, new_pte;	  /* STORE */
	uint64_t table_page;	  /* STORE: the table page holding the entry */
	bool old_empty_table;	  /* STORE: the old entry is a table holding no valid entry */
	uint64_t page;		  /* FREE: the table page */
};

#define DIFF_BBM_PENDING 64
#define DIFF_BBM_LINKS (1U << 15) /* table pages tracked, a power of two */

/* Something the rules still owe: an invalidation of (regime, ia, span). */
struct diff_bbm_debt {
	const void *regime;
	enum diff_kind kind; /* the table's, for reports */
	uint64_t ia, span;
	unsigned level;
	bool table;	/* the entry was a table: a range or everything is needed */
	bool empty;	/* ...holding no valid entry: an address inside its span will do */
	uint64_t page;	/* an unlinked table page waiting to be freed, or 0 */
	bool paid;	/* invalidated; kept only for the page */
	/*
	 * Leaves owed once the ledger is full are folded into one debt: [ia,
	 * ia + span) bounds them, the first ends at first_end, the last starts
	 * at last_start. Only everything, or a range reaching into both the
	 * first and the last (so into every leaf between), pays it.
	 */
	unsigned leaves;
	uint64_t first_end, last_start;
};

/*
 * Which table page a table page hangs under: key page + 1, 0 for empty;
 * parent the page above, its low bits the table's enum diff_kind (for reports).
 */
struct diff_bbm_link {
	uint64_t key;
	uint64_t parent;
};

struct diff_bbm {
	struct diff_bbm_debt debt[DIFF_BBM_PENDING];
	unsigned n;
	struct diff_bbm_link links[DIFF_BBM_LINKS];
	unsigned nr_links;
	bool failed;
	struct diff_violation v;
};

void diff_bbm_init(struct diff_bbm *b);
/*
 * Feed one event; returns false (and keeps the first violation) on a broken
 * rule. Once the ledger nears DIFF_BBM_PENDING debts (a write-protect or an
 * unmap whose invalidation comes once at its end), new leaf debts are folded
 * into the latest unpaid one; the last slots stay free for tables.
 */
bool diff_bbm_event(struct diff_bbm *b, const struct diff_event *e);
/* An operation returned: nothing may still be owed but frees of paid pages. */
bool diff_bbm_end_op(struct diff_bbm *b);

#endif /* DIFF_BBM_H */
