/* SPDX-License-Identifier: MIT */
/*
 * The brute-force table model: a third reading of SPEC §4 that keeps real
 * 512-entry tables and walks them entry by entry, the way the spec's text
 * reads, with none of the reference's shortcuts (runs of leaves, merged
 * intervals of table entries, shapes read off leaves).
 *
 * Two ways to drive it:
 *  - by operations (brute_install, brute_coalesce): §4's rules 1-4 applied
 *    entry by entry; the reference's unit test runs it beside the
 *    reference's shape engine on random writes;
 *  - from the reference's leaves (brute_check_ref, brute_check_table): every
 *    leaf the reference holds is placed into real tables, tables made on the
 *    way down where a leaf needs one (§4.3), and the stream and table count
 *    the reference derives through its shortcuts are compared with a walk of
 *    those tables. The fuzzers do this after every operation on machines
 *    small enough for it (docs/brute.md).
 *
 * It reads the reference only through its public headers, and knows nothing
 * of core/ or diff/.
 */
#ifndef BRUTE_BRUTE_H
#define BRUTE_BRUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ref/ref.h>
#include <ref/ref_table.h>

#define BRUTE_MAX_REGIONS 8
/* A rebuild that needs more table pages than this stops and says so. */
#define BRUTE_MAX_TABLES 4096

struct brute_node;

/* One record of the §10 stream (S27). */
struct brute_rec {
	unsigned int level;
	uint64_t ia;
	uint64_t desc;
};

struct brute {
	bool host;	      /* host stage-2: §3 defaults, §4.1's host rules, S17 */
	unsigned int ia_bits;
	struct brute_node *root;
	struct brute_node *spare; /* nodes freed, kept for the next rebuild */
	uint64_t tables;	  /* nodes in the tree, root included */
	/* Memory regions in pages, sorted (host stage-2 only). */
	uint64_t mem_start[BRUTE_MAX_REGIONS], mem_end[BRUTE_MAX_REGIONS];
	unsigned int nr_mem;
	/* The walk of the tables, and the reference's stream being compared. */
	struct brute_rec *rec;
	size_t nr_rec, cap_rec, at;
	size_t diff_at; /* first differing record, or SIZE_MAX */
	struct brute_rec diff_ref;
	/* The reference generation last checked (brute_check_*: unchanged, skipped). */
	uint64_t generation;
	bool known;
	/* How many checks ran, and of them how many were skipped (generation unchanged). */
	uint64_t checks, skipped;
};

/* An empty table (only its root) of @ia_bits; @host: host stage-2. */
void brute_init(struct brute *b, bool host, unsigned int ia_bits);
/* A memory region, bytes (host stage-2: what is MMIO and what memory, §3, §8). */
void brute_add_region(struct brute *b, uint64_t base, uint64_t size);
/* Empty again (only the root), the regions forgotten, nodes kept for reuse. */
void brute_reset(struct brute *b, bool host, unsigned int ia_bits);
void brute_fini(struct brute *b);

/*
 * A machine is small enough for a check after every operation when it has
 * at most BRUTE_SMALL_MEMORY bytes of memory (where guest tables' pages come
 * from; 0 for §5b tables) and every table pool at most BRUTE_SMALL_POOL
 * pages. A check rebuilds each table the operation changed, at a cost that
 * follows its table pages (docs/brute.md has the measurements).
 */
#define BRUTE_SMALL_MEMORY (64ull << 20)
#define BRUTE_SMALL_POOL   64u

static inline bool brute_small_enough(uint64_t memory_bytes, uint64_t pool_a, uint64_t pool_b)
{
	return memory_bytes <= BRUTE_SMALL_MEMORY && pool_a <= BRUTE_SMALL_POOL &&
	       pool_b <= BRUTE_SMALL_POOL;
}

/* ---- Driven by operations (brute_install.c) ---- */

/*
 * Write the leaf template @tmpl (0: zero entries) with output offset @aux
 * (output page - input page) over pages [lo, hi), by §4 rules 1-3 and S11.
 */
void brute_install(struct brute *b, uint64_t lo, uint64_t hi, uint64_t tmpl, uint64_t aux);
/* §4.4 over pages [lo, hi): only level-2 and level-3 tables are zapped, never the root (always true). */
bool brute_coalesce(struct brute *b, uint64_t lo, uint64_t hi);

/* ---- The tables (brute_table.c) ---- */

/* The stream of the tables, into b->rec (b->nr_rec records). */
void brute_walk(struct brute *b);
/* Table pages, root included. */
uint64_t brute_tables(const struct brute *b);
/* A leaf's descriptor (§2): the template with output address and page bit. */
uint64_t brute_leaf_desc(uint64_t tmpl, uint64_t aux, unsigned int level, uint64_t page);

/*
 * Empty the tables, then place every leaf of @rs (the reference's runs),
 * one entry at a time. 0, or -1 with @why written: a leaf at a level no leaf
 * may have, not aligned to its span, outside the table, or over an entry
 * already taken (runs that overlap), or more than BRUTE_MAX_TABLES tables.
 */
int brute_rebuild(struct brute *b, const struct ref_runs *rs, char *why, size_t len);

/* ---- Checking the reference (brute_check.c) ---- */

/* What a check found. */
enum brute_verdict {
	BRUTE_AGREE,
	BRUTE_LEAVES, /* the reference's leaves are no table's leaves */
	BRUTE_STREAM, /* its stream is not the walk of the tables */
	BRUTE_TABLES, /* its table count is not the tables' */
	BRUTE_HOST,   /* §4.1: a host block that is not default, or straddles a region edge */
};

/* "leaves", "stream", "tables", "host-block" (a signature's WHAT). */
const char *brute_verdict_name(enum brute_verdict v);

/*
 * One table of the reference described by the pieces a check reads: its
 * leaves, the table count and stream it derives from them, and a number
 * that moves whenever they may have changed.
 */
struct brute_subject {
	const struct ref_runs *leaves;
	uint64_t tables;
	uint64_t generation;
	void (*stream)(const void *src, ref_emit_fn emit, void *arg);
	const void *src;
};

/*
 * Rebuild from @s's leaves and compare. On a difference, @detail says
 * which table (@name) and the first differing record. A table whose
 * generation has not moved since the last check is not checked again.
 */
enum brute_verdict brute_check(struct brute *b, const struct brute_subject *s, const char *name,
			       char *detail, size_t len);
/* The same for table @kind/@vm of a pKVM reference, and for a §5b table. */
enum brute_verdict brute_check_ref(struct brute *b, const struct ref *r, unsigned int kind,
				   unsigned int vm, char *detail, size_t len);
enum brute_verdict brute_check_table(struct brute *b, const struct ref_table *t, const char *name,
				     char *detail, size_t len);
/* Forget what was checked: the next check rebuilds whatever the generation. */
void brute_forget(struct brute *b);

#endif /* BRUTE_BRUTE_H */
