/* SPDX-License-Identifier: MIT */
/*
 * Inside the brute-force model: the tables themselves. Coordinates are
 * input page numbers; an entry at level l spans 512^(3 - l) pages (§1).
 */
#ifndef BRUTE_PRIV_H
#define BRUTE_PRIV_H

#include <brute/brute.h>

enum brute_type {
	BRUTE_ZERO,
	BRUTE_LEAF,
	BRUTE_TABLE,
};

/* One entry: a leaf keeps its template and output offset, as it was written. */
struct brute_ent {
	enum brute_type type;
	uint64_t tmpl, aux;
	struct brute_node *child;
};

struct brute_node {
	struct brute_ent e[512];
};

static inline uint64_t brute_span(unsigned int level)
{
	return 1ull << (9 * (3 - level));
}

static inline unsigned int brute_root_level(const struct brute *b)
{
	return b->ia_bits > 39 ? 0 : 1;
}

static inline uint64_t brute_top(const struct brute *b)
{
	return 1ull << (b->ia_bits - 12);
}

/* A zeroed node, NULL when out of memory. */
struct brute_node *brute_node_new(struct brute *b);
/* Free @n and every table under it. */
void brute_node_free(struct brute *b, struct brute_node *n);

/* Host stage-2 (§3): a valid leaf @tmpl over pages [lo, hi) is a default one. */
bool brute_is_default(const struct brute *b, uint64_t lo, uint64_t hi, uint64_t tmpl);
/* [lo, hi) lies inside one memory region or inside one MMIO gap (§4.1). */
bool brute_one_region_or_gap(const struct brute *b, uint64_t lo, uint64_t hi);

#endif /* BRUTE_PRIV_H */
