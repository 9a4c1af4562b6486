// SPDX-License-Identifier: MIT
/*
 * Real tables: nodes of 512 entries, made and freed one at a time, walked
 * top down in address order for the §10 stream, and filled leaf by leaf
 * from the reference's runs. Nothing here knows what a run means beyond
 * "these leaves, each at its own aligned address".
 */
#include "brute_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DESC_VALID   1ull
#define DESC_PAGE    2ull /* bit 1 at level 3: a page (§2) */
#define DESC_OA_MASK 0x0000fffffffff000ull
#define DESC_TABLE   3ull /* S27: a table descriptor, its address masked */

#define HOST_MEM_DEFAULT  0x7fdull		    /* valid, normal, RWX, SH inner, AF (§3) */
#define HOST_MMIO_DEFAULT (0x7fdull | (1ull << 54)) /* ... execute-never */

void brute_init(struct brute *b, bool host, unsigned int ia_bits)
{
	memset(b, 0, sizeof(*b));
	b->host = host;
	b->ia_bits = ia_bits;
	b->diff_at = SIZE_MAX;
	b->root = brute_node_new(b);
	if (!b->root)
		abort();
}

void brute_add_region(struct brute *b, uint64_t base, uint64_t size)
{
	if (b->nr_mem == BRUTE_MAX_REGIONS)
		abort();
	b->mem_start[b->nr_mem] = base >> 12;
	b->mem_end[b->nr_mem] = (base + size) >> 12;
	b->nr_mem++;
}

void brute_reset(struct brute *b, bool host, unsigned int ia_bits)
{
	brute_node_free(b, b->root);
	b->root = brute_node_new(b);
	if (!b->root)
		abort();
	b->host = host;
	b->ia_bits = ia_bits;
	b->nr_mem = 0;
	b->known = false;
}

void brute_fini(struct brute *b)
{
	brute_node_free(b, b->root);
	while (b->spare) {
		struct brute_node *n = b->spare;

		b->spare = n->e[0].child;
		free(n);
	}
	free(b->rec);
	memset(b, 0, sizeof(*b));
}

struct brute_node *brute_node_new(struct brute *b)
{
	struct brute_node *n = b->spare;

	if (n) {
		b->spare = n->e[0].child;
		memset(n, 0, sizeof(*n));
	} else if (!(n = calloc(1, sizeof(*n)))) {
		return NULL;
	}
	b->tables++;
	return n;
}

void brute_node_free(struct brute *b, struct brute_node *n)
{
	int i;

	if (!n)
		return;
	for (i = 0; i < 512; i++)
		if (n->e[i].type == BRUTE_TABLE)
			brute_node_free(b, n->e[i].child);
	n->e[0].child = b->spare;
	b->spare = n;
	b->tables--;
}

static bool page_is_mem(const struct brute *b, uint64_t p)
{
	unsigned int i;

	for (i = 0; i < b->nr_mem; i++)
		if (p >= b->mem_start[i] && p < b->mem_end[i])
			return true;
	return false;
}

/* Every page of [lo, hi) is memory (@want) or MMIO (!@want). */
static bool all_pages(const struct brute *b, uint64_t lo, uint64_t hi, bool want)
{
	uint64_t p = lo;

	while (p < hi) {
		uint64_t next = hi;
		bool mem = page_is_mem(b, p);
		unsigned int i;

		if (mem != want)
			return false;
		for (i = 0; i < b->nr_mem; i++) {
			if (mem && p >= b->mem_start[i] && p < b->mem_end[i])
				next = b->mem_end[i];
			if (!mem && b->mem_start[i] > p && b->mem_start[i] < next)
				next = b->mem_start[i];
		}
		p = next;
	}
	return true;
}

bool brute_is_default(const struct brute *b, uint64_t lo, uint64_t hi, uint64_t tmpl)
{
	if (tmpl == HOST_MEM_DEFAULT)
		return all_pages(b, lo, hi, true);
	if (tmpl == HOST_MMIO_DEFAULT)
		return all_pages(b, lo, hi, false);
	return false;
}

bool brute_one_region_or_gap(const struct brute *b, uint64_t lo, uint64_t hi)
{
	unsigned int i;

	for (i = 0; i < b->nr_mem; i++) {
		if (lo >= b->mem_start[i] && hi <= b->mem_end[i])
			return true;
		if (lo < b->mem_end[i] && b->mem_start[i] < hi)
			return false;
	}
	return hi <= brute_top(b);
}

uint64_t brute_leaf_desc(uint64_t tmpl, uint64_t aux, unsigned int level, uint64_t page)
{
	uint64_t d = tmpl;

	if (!(tmpl & DESC_VALID))
		return tmpl;
	d |= ((page + aux) << 12) & DESC_OA_MASK;
	return level == 3 ? d | DESC_PAGE : d;
}

static void rec_add(struct brute *b, unsigned int level, uint64_t page, uint64_t desc)
{
	if (b->nr_rec == b->cap_rec) {
		b->cap_rec = b->cap_rec ? 2 * b->cap_rec : 256;
		b->rec = realloc(b->rec, b->cap_rec * sizeof(*b->rec));
		if (!b->rec)
			abort();
	}
	b->rec[b->nr_rec++] = (struct brute_rec){ level, page << 12, desc };
}

static void walk(struct brute *b, const struct brute_node *n, unsigned int l, uint64_t base)
{
	uint64_t span = brute_span(l);
	int i;

	for (i = 0; i < 512 && base + (uint64_t)i * span < brute_top(b); i++) {
		uint64_t s = base + (uint64_t)i * span;
		const struct brute_ent *e = &n->e[i];

		if (e->type == BRUTE_TABLE) {
			rec_add(b, l, s, DESC_TABLE);
			walk(b, e->child, l + 1, s);
		} else if (e->type == BRUTE_LEAF) {
			rec_add(b, l, s, brute_leaf_desc(e->tmpl, e->aux, l, s));
		}
	}
}

void brute_walk(struct brute *b)
{
	b->nr_rec = 0;
	walk(b, b->root, brute_root_level(b), 0);
}

uint64_t brute_tables(const struct brute *b)
{
	return b->tables;
}

/*
 * Put one leaf at page @s, level @l: down from the root, a table made under
 * every entry on the way that is still zero (§4.3: a smaller leaf lies in
 * its span). Returns a reason on failure, NULL when placed.
 */
static const char *place(struct brute *b, unsigned int l, uint64_t s, uint64_t tmpl, uint64_t aux)
{
	struct brute_node *n = b->root;
	unsigned int k;

	for (k = brute_root_level(b); k < l; k++) {
		struct brute_ent *e = &n->e[(s / brute_span(k)) % 512];

		if (e->type == BRUTE_LEAF)
			return "lies inside a larger leaf";
		if (e->type == BRUTE_ZERO) {
			e->child = b->tables < BRUTE_MAX_TABLES ? brute_node_new(b) : NULL;
			if (!e->child)
				return "needs more table pages than the model keeps";
			e->type = BRUTE_TABLE;
		}
		n = e->child;
	}
	if (n->e[(s / brute_span(l)) % 512].type != BRUTE_ZERO)
		return "lands on an entry already taken";
	n->e[(s / brute_span(l)) % 512] = (struct brute_ent){ BRUTE_LEAF, tmpl, aux, NULL };
	return NULL;
}

int brute_rebuild(struct brute *b, const struct ref_runs *rs, char *why, size_t len)
{
	size_t i;

	brute_node_free(b, b->root);
	b->root = brute_node_new(b);
	if (!b->root)
		abort();
	for (i = 0; i < rs->nr; i++) {
		const struct ref_run *run = &rs->run[i];
		uint64_t span, s;
		const char *bad = NULL;

		if (run->level < 1 || run->level > 3 || run->level < brute_root_level(b))
			bad = "is at a level no leaf may have";
		else if ((run->start | run->end) & (brute_span(run->level) - 1))
			bad = "is not aligned to its level";
		else if (run->start >= run->end || run->end > brute_top(b))
			bad = "is empty or outside the table";
		else if (!run->val)
			bad = "is a zero entry kept as a leaf";
		span = bad ? 0 : brute_span(run->level);
		for (s = run->start; !bad && s < run->end; s += span)
			bad = place(b, run->level, s, run->val, run->val & DESC_VALID ? run->aux : 0);
		if (bad) {
			snprintf(why, len, "leaf run %zu of %zu, pages [%#llx, %#llx) at level %u %s",
				 i, rs->nr, (unsigned long long)run->start,
				 (unsigned long long)run->end, run->level, bad);
			return -1;
		}
	}
	return 0;
}
