// SPDX-License-Identifier: MIT
/*
 * The optimum of the coalescing benchmark (bench/coalesce.h), and the model
 * TLB every way of running a scenario is measured with. Computed from the
 * regions and the scenario's record of page states alone: nothing here reads
 * a page table.
 */
#include "coalesce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void co_memory_init(struct co_memory *m, const struct co_region *r, unsigned nr)
{
	memset(m, 0, sizeof(*m));
	m->nr = nr;
	for (unsigned i = 0; i < nr; i++) {
		m->r[i] = r[i];
		m->first[i] = m->pages;
		m->pages += r[i].size >> CO_PAGE_SHIFT;
	}
}

static int region_of(const struct co_memory *m, uint64_t pa)
{
	for (unsigned i = 0; i < m->nr; i++)
		if (pa >= m->r[i].base && pa - m->r[i].base < m->r[i].size)
			return (int)i;
	return -1;
}

uint64_t co_page_index(const struct co_memory *m, uint64_t pa)
{
	int i = region_of(m, pa);

	return i < 0 ? UINT64_MAX : m->first[i] + ((pa - m->r[i].base) >> CO_PAGE_SHIFT);
}

uint64_t co_page_pa(const struct co_memory *m, uint64_t index)
{
	unsigned i = 0;

	while (i + 1 < m->nr && index >= m->first[i + 1])
		i++;
	return m->r[i].base + ((index - m->first[i]) << CO_PAGE_SHIFT);
}

void co_tlb_reset(struct co_tlb *t)
{
	memset(t, 0, sizeof(*t));
}

bool co_tlb_access(struct co_tlb *t, unsigned level, uint64_t base)
{
	uint64_t tag = base | level | 0x10; /* never 0: a page base's low bits are free */
	uint64_t h = (base >> (CO_PAGE_SHIFT + 9 * (3 - level))) * 0x9e3779b97f4a7c15ULL + level;
	unsigned set = (unsigned)(h >> 56) % CO_TLB_SETS, victim = 0;

	t->clock++;
	for (unsigned w = 0; w < CO_TLB_WAYS; w++) {
		if (t->tag[set][w] == tag) {
			t->used[set][w] = t->clock;
			return false;
		}
		if (t->used[set][w] < t->used[set][victim])
			victim = w;
	}
	t->tag[set][victim] = tag;
	t->used[set][victim] = t->clock;
	return true;
}

/* A set of u64 keys (never 0), open addressing. */
struct keyset {
	uint64_t *k;
	uint64_t cap, n;
};

static void keyset_init(struct keyset *s, uint64_t expect)
{
	s->cap = 64;
	while (s->cap < 2 * expect + 64)
		s->cap <<= 1;
	s->k = calloc(s->cap, sizeof(*s->k));
	s->n = 0;
	if (!s->k) {
		fprintf(stderr, "bench_coalesce: out of memory\n");
		exit(1);
	}
}

/* True if @key was not there yet. */
static bool keyset_add(struct keyset *s, uint64_t key)
{
	uint64_t i = (key * 0x9e3779b97f4a7c15ULL) & (s->cap - 1);

	while (s->k[i]) {
		if (s->k[i] == key)
			return false;
		i = (i + 1) & (s->cap - 1);
	}
	s->k[i] = key;
	s->n++;
	return true;
}

/* Prefix counts over the page index: pages in a state, pages that moved. */
struct prefix {
	uint32_t *state[4];
	uint32_t *moved;
};

static void prefix_build(struct prefix *p, const struct co_memory *m, const struct co_pages *pg)
{
	for (unsigned s = 0; s < 4; s++)
		p->state[s] = calloc(m->pages + 1, sizeof(uint32_t));
	p->moved = calloc(m->pages + 1, sizeof(uint32_t));
	for (uint64_t i = 0; i < m->pages; i++) {
		for (unsigned s = 0; s < 4; s++)
			p->state[s][i + 1] = p->state[s][i] + (pg->state[i] == s);
		p->moved[i + 1] = p->moved[i] + pg->moved[i];
	}
}

static void prefix_free(struct prefix *p)
{
	for (unsigned s = 0; s < 4; s++)
		free(p->state[s]);
	free(p->moved);
}

/*
 * The largest aligned block (level 1-3) around @pa that lies in @pa's region
 * and whose pages are all in state @s; its first page's index in *first and
 * its page count in *nr.
 */
static unsigned block_of(const struct co_memory *m, const struct prefix *p, uint64_t pa,
			 unsigned s, uint64_t *first, uint64_t *nr)
{
	int r = region_of(m, pa);

	for (unsigned level = 1; level < 3; level++) {
		uint64_t base = pa & ~(CO_SPAN(level) - 1), pages = CO_SPAN(level) >> CO_PAGE_SHIFT;
		uint64_t lo, hi;

		if (base < m->r[r].base || base + CO_SPAN(level) > m->r[r].base + m->r[r].size)
			continue;
		lo = co_page_index(m, base);
		hi = lo + pages;
		if (p->state[s][hi] - p->state[s][lo] == pages) {
			*first = lo;
			*nr = pages;
			return level;
		}
	}
	*first = co_page_index(m, pa);
	*nr = 1;
	return 3;
}

/* The tables an entry at @level for @ia needs: levels 1 to @level (the root aside). */
static void add_tables(struct keyset *tables, unsigned level, uint64_t ia)
{
	for (unsigned t = 1; t <= level; t++)
		keyset_add(tables, (ia & ~(CO_SPAN(t - 1) - 1)) | t | 0x10);
}

void co_optimum(const struct co_memory *m, const struct co_pages *pg, const uint64_t *trace,
		uint64_t n, struct co_result *out)
{
	struct prefix p;
	struct keyset leaves, tables, aborted;
	struct co_tlb tlb;
	uint64_t first, nr;

	memset(out, 0, sizeof(*out));
	prefix_build(&p, m, pg);
	keyset_init(&leaves, n);
	keyset_init(&tables, n);
	keyset_init(&aborted, n);
	co_tlb_reset(&tlb);
	/* Entries for pages in another owner's hands, whether touched or not. */
	for (uint64_t i = 0; i < m->pages; i++) {
		unsigned s = pg->state[i], level;
		uint64_t pa = co_page_pa(m, i);

		if (s == CO_HOST)
			continue;
		level = s == CO_SHARED ? 3 : block_of(m, &p, pa, s, &first, &nr);
		if (level < 3 && first != i)
			continue; /* one entry for the block: counted at its first page */
		add_tables(&tables, level, pa);
		if (s == CO_SHARED)
			out->leaves[3]++;
	}
	/* The replay: each page it may touch, through its cover block. */
	for (uint64_t a = 0; a < n; a++) {
		uint64_t i = co_page_index(m, trace[a]);
		unsigned s = pg->state[i], level;
		uint64_t base;

		if (s != CO_HOST && s != CO_SHARED)
			continue;
		out->accesses++;
		level = s == CO_SHARED ? 3 : block_of(m, &p, trace[a], CO_HOST, &first, &nr);
		base = trace[a] & ~(CO_SPAN(level) - 1);
		if (s == CO_HOST && keyset_add(&leaves, base | level | 0x10)) {
			out->leaves[level]++;
			add_tables(&tables, level, base);
			if (p.moved[first + nr] != p.moved[first])
				keyset_add(&aborted, base | level | 0x10);
		}
		out->misses += co_tlb_access(&tlb, level, base);
	}
	out->tables = tables.n + 1; /* the root */
	out->aborts = aborted.n;
	free(leaves.k);
	free(tables.k);
	free(aborted.k);
	prefix_free(&p);
}
