/* SPDX-License-Identifier: MIT */
/*
 * Internals of the reference model, shared between its files.
 *
 * Coordinates: every table is indexed by input page number (ia >> 12); a leaf
 * run maps input page p to output page p + aux (mod 2^64). Leaves are always
 * aligned to their span, and a run is always a union of whole leaves of its
 * level, so a run never needs to record where its leaves start.
 */
#ifndef REF_PRIV_H
#define REF_PRIV_H

#include <ref/ref.h>

/* The only library functions the reference uses (freestanding build). */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#define REF_BUG_ON(c)                     \
	do {                              \
		if (c)                    \
			__builtin_trap(); \
	} while (0)

#define REF_BIT(n) (1ull << (n))

/* Geometry (§1). */
static inline uint64_t ref_span(unsigned int level)
{
	return 1ull << (9 * (3 - level));
}

static inline unsigned int ref_start_level(unsigned int ia_bits)
{
	return ia_bits > 39 ? 0 : 1;
}

static inline uint64_t ref_align_down(uint64_t x, uint64_t span)
{
	return x & ~(span - 1);
}

static inline uint64_t ref_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static inline uint64_t ref_max(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* Table kinds beyond REF_KIND_*: the §5b single tables. */
#define REF_TABLE_S2 3u /* guest-style stage-2 (counts every entry) */
#define REF_TABLE_S1 4u /* hyp-style stage-1 */

/* ---- Descriptors (§2, S7-S9), ref_desc.c ---- */
#define REF_DESC_VALID		 REF_BIT(0)
#define REF_DESC_TYPE		 REF_BIT(1)
#define REF_DESC_AF		 REF_BIT(10)
#define REF_DESC_S2_R		 REF_BIT(6)
#define REF_DESC_S2_W		 REF_BIT(7)
#define REF_DESC_S2_XN		 REF_BIT(54) /* XN 54:53 = 0b10 */
#define REF_DESC_S1_RO		 REF_BIT(7)  /* AP 0b11 vs 0b01 */
#define REF_DESC_S1_XN		 REF_BIT(54)
#define REF_DESC_SHARED_OWNED	 REF_BIT(55)
#define REF_DESC_SHARED_BORROWED REF_BIT(56)
#define REF_DESC_SW_MASK	 (0xfull << 55)
#define REF_DESC_OA_MASK	 0x0000fffffffff000ull
#define REF_DESC_TABLE		 0x3ull /* S27: address masked */

uint64_t ref_s2_tmpl(unsigned int prot, unsigned int memtype);
uint64_t ref_s1_tmpl(unsigned int prot, unsigned int memtype);
uint64_t ref_annotation(unsigned int owner);
uint64_t ref_host_mem_default(void);
uint64_t ref_host_mmio_default(void);
uint64_t ref_hyp_page_tmpl(void);
uint64_t ref_leaf_desc(uint64_t tmpl, uint64_t aux, unsigned int level, uint64_t page);

/* ---- Arena (ref_arena.c) ---- */
void ref_arena_init(struct ref_arena *a, void *mem, size_t bytes);
void *ref_arena_alloc(struct ref_arena *a, size_t bytes);
void ref_arena_free(struct ref_arena *a, void *p, size_t bytes);

/* ---- Runs (ref_runs.c) ---- */
/* A builder appends runs in address order, merging equal neighbours. */
struct ref_build {
	struct ref_arena *arena;
	struct ref_runs out;
	size_t hint;
	int err;
};

void ref_build_init(struct ref_build *b, struct ref_arena *a, size_t hint);
void ref_build_push(struct ref_build *b, const struct ref_run *run);
void ref_build_copy(struct ref_build *b, const struct ref_runs *in, uint64_t lo, uint64_t hi);
int ref_build_finish(struct ref_build *b, struct ref_runs *out);
void ref_runs_free(struct ref_arena *a, struct ref_runs *rs);
size_t ref_runs_find(const struct ref_runs *rs, uint64_t page);
const struct ref_run *ref_runs_at(const struct ref_runs *rs, uint64_t page);
int ref_runs_replace(struct ref_arena *a, const struct ref_runs *in, uint64_t lo, uint64_t hi,
		     const struct ref_run *with, struct ref_runs *out);

/* ---- Machine (ref_mem.c) ---- */
int ref_mem_from_desc(struct ref_mem *m, const struct ref_desc *d);
bool ref_mem_is_memory(const struct ref_mem *m, uint64_t pfn);
bool ref_mem_all_memory(const struct ref_mem *m, uint64_t lo, uint64_t hi);
bool ref_mem_no_memory(const struct ref_mem *m, uint64_t lo, uint64_t hi);
bool ref_mem_block_fits(const struct ref_mem *m, uint64_t lo, uint64_t hi);
bool ref_host_is_default(const struct ref_mem *m, uint64_t lo, uint64_t hi, uint64_t tmpl);

/* ---- Leaf maps: install (ref_install.c), shape (ref_shape.c) ---- */
/* What an operation writes: a template (0 = zero entry) and output offset. */
struct ref_meaning {
	uint64_t tmpl;
	uint64_t aux;
};

void ref_lmap_init(struct ref_lmap *lm, unsigned int kind, unsigned int ia_bits);
int ref_install(struct ref_arena *a, const struct ref_lmap *lm, const struct ref_mem *mem,
		uint64_t lo, uint64_t hi, struct ref_meaning m, struct ref_runs *out);
int ref_rewrite(struct ref_arena *a, const struct ref_runs *in, uint64_t lo, uint64_t hi,
		uint64_t clear, uint64_t set, struct ref_runs *out);
int ref_coalesce(struct ref_arena *a, const struct ref_lmap *lm, const struct ref_mem *mem,
		 uint64_t lo, uint64_t hi, struct ref_runs *out);
uint64_t ref_count_tables(const struct ref_runs *rs, unsigned int ia_bits);
uint64_t ref_common_tables(const struct ref_runs *x, const struct ref_runs *y,
			   unsigned int ia_bits);
void ref_walk(const struct ref_lmap *lm, uint64_t page, unsigned int *level, uint64_t *desc);
void ref_stream_lmap(const struct ref_lmap *lm, ref_emit_fn emit, void *arg);

/* ---- Transactions and pools (ref_txn.c) ---- */
#define REF_TXN_MAX 4
/*
 * An operation prepares the new leaves of every table it changes and the new
 * page records, then commits them all or none (§5: on error nothing changes;
 * §7 and S25: every pool is checked before anything changes).
 */
struct ref_txn_entry {
	struct ref_runs *target; /* the committed list */
	struct ref_lmap *lm;	 /* its table, NULL for page records */
	struct ref_pool *pool;
	uint64_t pool_used;   /* pages the table uses from pool now */
	struct ref_lmap view; /* view.leaves: the pending list */
	uint64_t need, tables;
};

struct ref_txn {
	struct ref_arena *arena;
	unsigned int nr;
	struct ref_txn_entry e[REF_TXN_MAX];
	int err;
};

void ref_txn_init(struct ref_txn *t, struct ref_arena *a);
const struct ref_lmap *ref_txn_view(struct ref_txn *t, struct ref_lmap *lm, struct ref_pool *pool,
				    uint64_t used);
const struct ref_runs *ref_txn_runs(struct ref_txn *t, struct ref_runs *target);
int ref_txn_update(struct ref_txn *t, struct ref_runs *target, int ret, struct ref_runs *nw);
int ref_txn_commit(struct ref_txn *t);
void ref_txn_abort(struct ref_txn *t);
uint64_t ref_pool_avail(const struct ref_pool *p, uint64_t used);

/* ---- pKVM layer helpers (ref_pkvm.c) ---- */
#define REF_PS_HOST	    0u /* host OWNED */
#define REF_PS_SHARED_HYP   1u /* host SHARED_OWNED, hyp BORROWED */
#define REF_PS_SHARED_GUEST 2u /* host SHARED_OWNED, vm BORROWED */
#define REF_PS_HYP	    3u /* HYP OWNED */
#define REF_PS_GUEST	    4u /* GUEST OWNED by vm, with a role */

struct ref_pstate {
	unsigned int state;
	unsigned int vm;
	unsigned int role;
	uint32_t pin;
};

bool ref_pstate_get(const struct ref *r, uint64_t pfn, struct ref_pstate *ps);
bool ref_pages_all(const struct ref *r, uint64_t lo, uint64_t hi, unsigned int state);
int ref_set_pages(struct ref_txn *t, struct ref *r, uint64_t lo, uint64_t hi,
		  const struct ref_pstate *ps);
int ref_host_write(struct ref_txn *t, struct ref *r, uint64_t lo, uint64_t hi, uint64_t tmpl);
int ref_host_in_place(struct ref_txn *t, struct ref *r, uint64_t lo, uint64_t hi, uint64_t tmpl);
int ref_host_coalesce(struct ref_txn *t, struct ref *r, uint64_t lo, uint64_t hi);
int ref_hyp_write(struct ref_txn *t, struct ref *r, uint64_t lo, uint64_t hi, uint64_t tmpl);
int ref_hyp_write_va(struct ref_txn *t, struct ref *r, uint64_t va_lo, uint64_t va_hi,
		     uint64_t tmpl, uint64_t aux);
int ref_guest_write(struct ref_txn *t, struct ref *r, unsigned int vm, uint64_t gfn, uint64_t tmpl,
		    uint64_t pfn);
uint64_t ref_pool_used(const struct ref *r, unsigned int pool);
const struct ref_pool *ref_pool_of(const struct ref *r, unsigned int pool);

/* ---- The hypervisor's private hyp stage-1 ranges, S32 (ref_hyp_private.c) ---- */
int ref_hyp_private_check(const struct ref_desc *d);
int ref_hyp_private_write(struct ref_txn *t, struct ref *r);

#endif /* REF_PRIV_H */
