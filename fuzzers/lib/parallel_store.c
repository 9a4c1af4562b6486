// SPDX-License-Identifier: MIT
/*
 * The shared-store check of fuzz_parallel (SPEC §9, docs/fuzz_parallel.md).
 * A shared walker may change an entry other walkers can see in two ways
 * only: a compare-and-swap from the value it read, so that it loses, not
 * overwrites, when someone changed the entry since; or the publish over the
 * entry it swapped to LOCKED itself, which nobody else may touch. Anything
 * else (a plain store, or a swap from a value it never read) can silently
 * undo another walker's change, and only a lucky interleaving would show it
 * in the table.
 *
 * The core is not asked: the hooks tell everything. The access hook runs
 * just before each load, compare-and-swap and plain store, and no other vCPU
 * runs between it and the access, so what the entry holds then is what the
 * load returns or the store overwrites. A store event that follows an
 * announced compare-and-swap of the same entry is that swap (the core
 * reports only swaps that succeeded); any other store is plain.
 *
 * Stores into a table nobody else can reach (a split table being filled
 * before it is published) are the walker's own business and not checked.
 */
#include "parallel_run.h"

#include <stdio.h>

void par_store_attempt(struct par_run *r, unsigned v)
{
	struct par_walker *w = &r->walker[v];

	/* A retry starts from scratch: what it read before may have changed. */
	w->nr_read = 0;
	w->pending = NULL;
}

static void remember(struct par_walker *w, pte_t *ptep, pte_t val)
{
	unsigned i = w->nr_read++ % PAR_READS;

	w->read[i].ptep = ptep;
	w->read[i].val = val;
}

/* The last value @w read from (or stored to) @ptep this attempt; false if none. */
static bool last_read(const struct par_walker *w, const pte_t *ptep, pte_t *val)
{
	unsigned n = w->nr_read < PAR_READS ? w->nr_read : PAR_READS;

	for (unsigned k = 1; k <= n; k++) {
		unsigned i = (w->nr_read - k) % PAR_READS;

		if (w->read[i].ptep == ptep) {
			*val = w->read[i].val;
			return true;
		}
	}
	return false;
}

void par_store_access(struct par_run *r, unsigned v, pte_t *ptep, enum pgt_access kind)
{
	struct par_walker *w = &r->walker[v];
	pte_t now = __atomic_load_n(ptep, __ATOMIC_RELAXED);

	if (kind == PGT_ACCESS_LOAD) {
		remember(w, ptep, now);
		return;
	}
	w->pending = ptep;
	w->pending_kind = kind;
	w->before = now;
}

/* The entry in words, for the report. */
static const char *entry_words(const struct par_run *r, unsigned v, const pte_t *ptep, pte_t e,
			       u32 level, char *buf, size_t len)
{
	if (e == PTE_LOCKED) {
		for (unsigned u = 0; u < FZP_MAX_VCPUS; u++)
			if (r->walker[u].locked == ptep) {
				snprintf(buf, len, u == v ? "its own LOCKED entry" : "LOCKED by vCPU %u",
					 u);
				return buf;
			}
		return "LOCKED by nobody";
	}
	snprintf(buf, len, "%#llx (%s)", (unsigned long long)e,
		 pte_is_table(e, level)	     ? "a table" :
		 pte_is_valid_leaf(e, level) ? "a valid leaf" :
		 e			     ? "an invalid entry" :
					       "empty");
	return buf;
}

static void fail(struct par_run *r, unsigned v, const struct sim_event *ev, const char *what,
		 const char *fmt, const char *a, const char *b)
{
	char op[192], why[256];

	if (r->store_failed)
		return;
	r->store_failed = true;
	par_op_describe(r, (unsigned)r->cur_op[v], op, sizeof(op));
	snprintf(why, sizeof(why), fmt, a, b);
	fz_failed(&r->store_failure, "shared-store", r->ops[r->cur_op[v]].op->def->name, what,
		  "%s, in a shared walk, stored %#llx to the entry at ia %#llx level %u of a table "
		  "other walkers can reach: %s. SPEC §9: every change a shared walk makes is a "
		  "compare-and-swap from the value it read, or the publish over its own LOCKED "
		  "entry",
		  op, (unsigned long long)ev->new_pte, (unsigned long long)ev->ia, ev->level, why);
}

void par_store_event(struct par_run *r, unsigned v, const struct sim_event *ev, bool visible)
{
	struct par_walker *w = &r->walker[v];
	bool cas = w->pending == ev->ptep && w->pending_kind == PGT_ACCESS_CAS;
	pte_t before = w->pending == ev->ptep ? w->before : ev->old, read;
	char a[64], b[64];

	w->pending = NULL;
	if (!visible)
		return;
	if (cas && !last_read(w, ev->ptep, &read))
		fail(r, v, ev, "cas-unread", "a compare-and-swap from %s%s, an entry this attempt "
		     "never read", entry_words(r, v, ev->ptep, ev->old, ev->level, a, sizeof(a)), "");
	else if (cas && read != ev->old)
		fail(r, v, ev, "cas-unread", "a compare-and-swap from %s, but the walker read %s",
		     entry_words(r, v, ev->ptep, ev->old, ev->level, a, sizeof(a)),
		     entry_words(r, v, ev->ptep, read, ev->level, b, sizeof(b)));
	else if (!cas && !(before == PTE_LOCKED && w->locked == ev->ptep))
		fail(r, v, ev, "plain-store", "a plain store over %s%s",
		     entry_words(r, v, ev->ptep, before, ev->level, a, sizeof(a)), "");
	if (w->locked == ev->ptep)
		w->locked = NULL; /* published, or lost to a bug reported above */
	if (cas && ev->new_pte == PTE_LOCKED)
		w->locked = ev->ptep;
	/* The walker knows what it wrote: a swap from that is a swap from a read. */
	remember(w, ev->ptep, ev->new_pte);
}
