/* SPDX-License-Identifier: MIT */
/*
 * The comparisons every world makes after an operation, each in one place
 * (SPEC §7, §10, §11): return codes, each table's hashed walk against the
 * reference's stream with the first difference in words, the structure of
 * the core's table (refcount law, no LOCKED entry, clean table descriptors),
 * the whole-state digest, and pool accounting.
 */
#ifndef FUZZ_CHECKS_H
#define FUZZ_CHECKS_H

#include "diff/diff.h"
#include "runner.h"

/* One table compared across the sides: what is kept between operations. */
struct fz_slot {
	bool stale;	/* the core stored into it since its last digest */
	bool ref_known; /* ref_digest is of generation ref_generation */
	uint64_t core_digest, ref_generation, ref_digest;
	uint64_t tables; /* table pages (root included) at its last structural check */
};

/* What a comparison reads: the core's raw table and the reference's stream of it. */
struct fz_pair {
	struct diff_table core;
	diff_stream_fn ref_stream;
	void *ref_src;
	uint64_t ref_generation; /* moves whenever the reference's table changes */
	const char *side;	 /* what a report calls the table's side (NULL: "core") */
};

/* Both sides returned the same code. */
bool fz_check_rc(const char *op, int core_rc, int ref_rc, struct fz_failure *f);

/*
 * A hypercall's result registers (SPEC §12, docs/hvc-abi.md): @in as the host
 * set them, @out after the call. A call (@call) leaves x0 0 and in x1 an error
 * number or 0 (then compared as a return code with @ref_rc); no call leaves x0
 * SMCCC's NOT_SUPPORTED and x1 as it was; x2-x4 never change.
 */
bool fz_check_hvc_regs(const uint64_t *in, const uint64_t *out, bool call, int ref_rc,
		       const char *op, struct fz_failure *f);

/*
 * The hashed walks (each redone only when its side changed), then, after a
 * store, the core table's structure. @s->tables is its table pages after.
 */
bool fz_compare_table(struct fz_slot *s, const struct fz_pair *p, const char *op,
		      struct fz_failure *f);

/* SPEC §11: host stage-2's valid leaves map only pages the reference lets the host touch. */
struct ref;
bool fz_check_host_leaves(const struct ref *r, struct diff_table *t, const char *op,
			  struct fz_failure *f);

/* A pool: the same free pages on both sides, and free + in tables == size on the core. */
bool fz_check_pool(const char *op, const char *name, uint64_t core_free, uint64_t ref_free,
		   uint64_t core_free_all, uint64_t in_tables, uint64_t size, struct fz_failure *f);

/* The whole-state digests (S27) of both sides, over the triples each side adds. */
bool fz_check_state(const struct diff_state *core, const struct diff_state *ref, const char *op,
		    struct fz_failure *f);

#endif /* FUZZ_CHECKS_H */
