/* SPDX-License-Identifier: MIT */
/*
 * The differ (SPEC §10, §11): everything that compares the optimized core
 * with the reference. It reads core tables only as raw memory through its
 * own descriptor reader, and the reference only as a stream of records, so
 * it shares no code with either. Freestanding: no allocation, output through
 * a caller's print function.
 */
#ifndef DIFF_DIFF_H
#define DIFF_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum diff_kind {
	DIFF_HOST_S2 = 0,
	DIFF_HYP_S1 = 1,
	DIFF_GUEST_S2 = 2,
};

/* One record of the hashed walk (S27): table descriptors have bits 47:12 clear. */
typedef void (*diff_emit_fn)(void *arg, unsigned level, uint64_t ia, uint64_t desc);
/* Something that produces a stream: a raw table, or the reference. */
typedef void (*diff_stream_fn)(void *src, diff_emit_fn emit, void *emit_arg);

/* Raw table memory as the platform exposes it. */
struct diff_mem {
	/* The 512 entries of the table page at @pa, or NULL if it is not a table page. */
	const uint64_t *(*table)(void *ctx, uint64_t pa);
	/* The page's reference count. */
	uint32_t (*page_count)(void *ctx, uint64_t pa);
	void *ctx;
};

/* The host memory map, for the host's default leaves (SPEC §3). */
struct diff_layout {
	unsigned nr_regions;
	struct {
		uint64_t base, size;
	} regions[8];
};

/* A live table, read from memory. */
struct diff_table {
	enum diff_kind kind;
	unsigned vm;
	uint64_t root_pa;
	unsigned start_level;
	const struct diff_mem *mem;
	const struct diff_layout *layout; /* host stage-2 only */
	/*
	 * Kernel trees that differ from SPEC §3 (docs/kernel-profile.md): an
	 * invalid entry may keep the bits it had (5.10), so it is not counted,
	 * not LOCKED, and a table's address in one is masked like a live one's;
	 * and a table whose pages hold no count of their entries (5.10's hyp).
	 */
	bool stale_invalid;
	bool uncounted;
};

/* An entry as the stream (S27) and a comparison see it: table addresses masked. */
uint64_t diff_masked_desc(const struct diff_table *t, uint64_t d, unsigned level);

/* The stream of a raw table (a diff_stream_fn over struct diff_table). */
void diff_table_stream(void *table, diff_emit_fn emit, void *emit_arg);

/* XXH3-64 of a stream, records encoded as S27 says. */
uint64_t diff_stream_hash(diff_stream_fn produce, void *src);

/* The whole-state digest (S27) over (kind, vm, table digest) triples. */
struct diff_state {
	unsigned n;
	uint64_t triples[18][3];
};
void diff_state_add(struct diff_state *s, enum diff_kind kind, unsigned vm, uint64_t digest);
uint64_t diff_state_hash(const struct diff_state *s);

struct diff_record {
	uint64_t level, ia, desc;
};

/* The first place two streams differ. */
struct diff_mismatch {
	bool found;
	bool overflow;	     /* the expected stream did not fit the scratch space */
	uint64_t index;	     /* record number */
	bool have_expected, have_actual;
	struct diff_record expected, actual;
};

/*
 * Collect @expected into @scratch (@cap records), then walk @actual against
 * it. Slow, only for reporting after the digests disagree.
 */
void diff_first_difference(diff_stream_fn expected, void *esrc, diff_stream_fn actual, void *asrc,
			   struct diff_record *scratch, size_t cap, struct diff_mismatch *out);

/* A descriptor in words, e.g. "L2 block -> 0x40200000 normal R W X SH=inner AF". */
size_t diff_decode(enum diff_kind kind, unsigned level, uint64_t desc, char *buf, size_t len);
const char *diff_kind_name(enum diff_kind kind);

/* What went wrong in an invariant check, in words. */
struct diff_violation {
	char what[160];
};

/*
 * SPEC §3 and §11 on one table's memory: every table page's count is 1 +
 * its counted entries (counted by SPEC §3, independently of the core), no
 * LOCKED entry, table descriptors carry no attribute bits, no leaf at level
 * 0, host stage-2 valid leaves are identity maps. Adds the table pages it
 * found to *tables. Returns false and fills @v on the first violation.
 */
bool diff_check_table(const struct diff_table *t, uint64_t *tables, struct diff_violation *v);

#endif /* DIFF_DIFF_H */
