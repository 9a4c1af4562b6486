// SPDX-License-Identifier: MIT
/*
 * bench_coalesce: section 2 of docs/benchmarks.md, coalescing quality. Each
 * scenario runs on our core twice, with coalescing and without it, and the
 * optimum is computed beside them (bench/coalesce.h). Printed as Markdown.
 *
 *   bench_coalesce [--check]
 *       --check: also exit 1 unless coalescing is at the optimum's leaves in
 *       every scenario, and at least 10x fewer than without it after every
 *       guest lifecycle (the targets; the suite runs it).
 *
 * A scenario: boot; the host touches its fixed access trace (every 2 MiB of
 * memory in address order, then random pages); guests take pgds, memcaches,
 * scattered donated pages and shared pages; the host replays the trace (the
 * figures of a live scenario are measured over this replay); or else it
 * replays it beside the live guests, they are torn down and every page is
 * reclaimed, and the host replays it again (measured). The scenario records every page's owner
 * itself (struct co_pages), for the optimum and to check the core against.
 */
#include "coalesce_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SZ_4K	0x1000ULL
#define SZ_2M	0x200000ULL
#define SZ_1G	0x40000000ULL
#define MIB(n)	((uint64_t)(n) << 20)
#define PFN(pa) ((pa) >> CO_PAGE_SHIFT)

#define RANDOM_ACCESSES 65536
#define HOST_POOL	8192
#define HYP_POOL	512
#define CARVE_PAGES	(HOST_POOL + HYP_POOL + 512)
#define SPARE_PAGES	2048
#define TOPUP		32 /* memcache pages per guest */
#define GUEST_IA_BITS	40

struct scenario {
	const char *name;
	unsigned nr_regions;
	struct co_region regions[3];
	uint64_t carve_base;
	unsigned guests;
	uint64_t donate, share; /* pages per guest */
	bool teardown;		/* then teardown, reclaim and the replay */
};

static const struct scenario scenarios[] = {
	{ "QEMU virt, 3 GiB, one guest's life", 1, { { SZ_1G, 3 * SZ_1G } },
	  4 * SZ_1G - MIB(128), 1, 8192, 64, true },
	{ "phone, 8 GiB in 3 unaligned regions, 4 guests' lives", 3,
	  { { 0x80600000ULL, 0xbf900000ULL },
	    { 0x140003000ULL, 3 * SZ_1G - 0x3000ULL },
	    { 0x881000000ULL, 2 * SZ_1G - MIB(16) } },
	  0x8fb000000ULL, 4, 4096, 64, true },
	{ "16 guests live, scattered pages", 1, { { SZ_1G, 3 * SZ_1G } }, 4 * SZ_1G - MIB(128),
	  16, 1024, 32, false },
	{ "16 guests torn down, reclaimed, host re-touch", 1, { { SZ_1G, 3 * SZ_1G } },
	  4 * SZ_1G - MIB(128), 16, 1024, 32, true },
};

#define NR_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void die(const char *scenario, const char *what, long long rc)
{
	fprintf(stderr, "bench_coalesce: %s: %s (%lld)\n", scenario, what, rc);
	exit(1);
}

/* The fixed trace: every 2 MiB of memory in order, then random pages. */
static uint64_t *make_trace(const struct co_memory *m, uint64_t *n)
{
	uint64_t cap = RANDOM_ACCESSES, k = 0;
	uint64_t *t;

	for (unsigned i = 0; i < m->nr; i++)
		cap += m->r[i].size / SZ_2M + 1;
	t = malloc(cap * sizeof(*t));
	if (!t)
		die("trace", "out of memory", 0);
	for (unsigned i = 0; i < m->nr; i++)
		for (uint64_t off = 0; off < m->r[i].size; off += SZ_2M)
			t[k++] = m->r[i].base + off;
	rng_state = 0x2545f4914f6cdd1dULL;
	for (unsigned a = 0; a < RANDOM_ACCESSES; a++)
		t[k++] = co_page_pa(m, rng() % m->pages);
	*n = k;
	return t;
}

struct run {
	const struct scenario *s;
	const struct co_memory *m;
	struct co_machine c;
	struct co_pages pg;
};

static void set_state(struct run *r, uint64_t pa, enum co_page_state st)
{
	uint64_t i = co_page_index(r->m, pa);

	r->pg.state[i] = (uint8_t)st;
	if (st != CO_HOST && st != CO_HYP)
		r->pg.moved[i] = true;
}

/*
 * The host replays @trace: each page it may touch (by the scenario's record)
 * is looked up in its stage 2 and faulted in if unmapped; into @res when
 * measured.
 */
static void replay(struct run *r, const uint64_t *trace, uint64_t n, struct co_result *res)
{
	struct co_tlb tlb;

	co_tlb_reset(&tlb);
	for (uint64_t a = 0; a < n; a++) {
		uint64_t i = co_page_index(r->m, trace[a]), base;
		unsigned st = r->pg.state[i], level;

		if (st != CO_HOST && st != CO_SHARED)
			continue;
		if (!co_host_leaf(&r->c, trace[a], &level, &base)) {
			int rc = pkvm_host_mem_abort(&r->c.pkvm, trace[a]);

			if (rc || !co_host_leaf(&r->c, trace[a], &level, &base))
				die(r->s->name, "a host abort on a host page failed", rc);
			if (res)
				res->aborts++;
		}
		if (res) {
			res->accesses++;
			res->misses += co_tlb_access(&tlb, level, base);
		}
	}
}

/* A random host page outside the arena (which holds the carve-out and the spares). */
static uint64_t pick_host_page(struct run *r)
{
	for (;;) {
		uint64_t i = rng() % r->m->pages, pa = co_page_pa(r->m, i);

		if (r->pg.state[i] == CO_HOST &&
		    (pa < r->s->carve_base ||
		     pa >= r->c.spare_base + (r->c.spare_pages << CO_PAGE_SHIFT)))
			return pa;
	}
}

static void guests_live(struct run *r, uint64_t *spare)
{
	const struct scenario *s = r->s;

	for (unsigned vm = 0; vm < s->guests; vm++) {
		uint64_t pgd = (*spare)++ << CO_PAGE_SHIFT;
		int rc = pkvm_vm_create(&r->c.pkvm, vm, GUEST_IA_BITS, PFN(pgd));

		if (rc)
			die(s->name, "vm_create", rc);
		set_state(r, pgd, CO_GUEST);
		for (unsigned t = 0; t < TOPUP; t++) {
			uint64_t pa = (*spare)++ << CO_PAGE_SHIFT;

			if ((rc = pkvm_vm_topup(&r->c.pkvm, vm, PFN(pa))))
				die(s->name, "vm_topup", rc);
			set_state(r, pa, CO_GUEST);
		}
		for (uint64_t j = 0; j < s->donate; j++) {
			uint64_t pa = pick_host_page(r);

			if ((rc = pkvm_host_donate_guest(&r->c.pkvm, vm, PFN(pa), 0x10000 + j)))
				die(s->name, "host_donate_guest", rc);
			set_state(r, pa, CO_GUEST);
		}
		for (uint64_t j = 0; j < s->share; j++) {
			uint64_t pa = pick_host_page(r);

			if ((rc = pkvm_host_share_guest(&r->c.pkvm, vm, PFN(pa), 0x80000 + j,
							PGT_PROT_RW)))
				die(s->name, "host_share_guest", rc);
			set_state(r, pa, CO_SHARED);
		}
	}
}

/* Teardown; shared pages come back; the host reclaims every page the guests owned. */
static void guests_gone(struct run *r)
{
	for (unsigned vm = 0; vm < r->s->guests; vm++) {
		int rc = pkvm_vm_teardown(&r->c.pkvm, vm);

		if (rc)
			die(r->s->name, "vm_teardown", rc);
	}
	for (uint64_t i = 0; i < r->m->pages; i++) {
		uint64_t pa = co_page_pa(r->m, i);
		int rc;

		if (r->pg.state[i] == CO_SHARED)
			r->pg.state[i] = CO_HOST;
		if (r->pg.state[i] != CO_GUEST)
			continue;
		if ((rc = pkvm_host_reclaim_page(&r->c.pkvm, PFN(pa))))
			die(r->s->name, "host_reclaim_page", rc);
		r->pg.state[i] = CO_HOST;
	}
}

static void run_scenario(const struct scenario *s, const struct co_memory *m, bool coalescing,
			 const uint64_t *trace, uint64_t n, struct co_result *res,
			 struct co_pages *record)
{
	struct run r = { .s = s, .m = m };
	uint64_t spare;
	int rc;

	r.pg.state = calloc(m->pages, 1);
	r.pg.moved = calloc(m->pages, sizeof(bool));
	if (!r.pg.state || !r.pg.moved)
		die(s->name, "out of memory", 0);
	rc = co_machine_init(&r.c, m, s->carve_base, CARVE_PAGES, HOST_POOL, HYP_POOL,
			     SPARE_PAGES, coalescing);
	if (rc)
		die(s->name, "machine init", rc);
	for (uint64_t p = 0; p < CARVE_PAGES; p++)
		set_state(&r, s->carve_base + (p << CO_PAGE_SHIFT), CO_HYP);
	spare = PFN(r.c.spare_base);
	rng_state = 0x9e3779b97f4a7c15ULL;

	replay(&r, trace, n, NULL);
	guests_live(&r, &spare);
	if (s->teardown) {
		replay(&r, trace, n, NULL); /* the host runs beside its guests */
		guests_gone(&r);
	}
	memset(res, 0, sizeof(*res));
	replay(&r, trace, n, res);
	co_host_shape(&r.c, res);
	co_machine_fini(&r.c);
	if (record) {
		*record = r.pg;
	} else {
		free(r.pg.state);
		free(r.pg.moved);
	}
}

static uint64_t total_leaves(const struct co_result *r)
{
	return r->leaves[1] + r->leaves[2] + r->leaves[3];
}

static void print_row(const char *what, const struct co_result *r)
{
	printf("| %s | %llu | %llu | %llu | %llu | %llu | %llu | %llu |\n", what,
	       (unsigned long long)r->leaves[1], (unsigned long long)r->leaves[2],
	       (unsigned long long)r->leaves[3], (unsigned long long)total_leaves(r),
	       (unsigned long long)r->tables, (unsigned long long)r->aborts,
	       (unsigned long long)r->misses);
}

int main(int argc, char **argv)
{
	bool check = argc == 2 && !strcmp(argv[1], "--check");
	bool ok = true;

	if (argc > 2 || (argc == 2 && !check)) {
		fprintf(stderr, "usage: bench_coalesce [--check]\n");
		return 2;
	}
	for (unsigned i = 0; i < NR_SCENARIOS; i++) {
		const struct scenario *s = &scenarios[i];
		struct co_memory m;
		struct co_result on, off, best;
		struct co_pages record, record_off;
		uint64_t n, *trace;
		bool at_optimum, tenfold;

		co_memory_init(&m, s->regions, s->nr_regions);
		trace = make_trace(&m, &n);
		run_scenario(s, &m, true, trace, n, &on, &record);
		run_scenario(s, &m, false, trace, n, &off, &record_off);
		if (memcmp(record.state, record_off.state, m.pages))
			die(s->name, "the two runs' page owners differ", 0);
		co_optimum(&m, &record, trace, n, &best);
		if (best.accesses != on.accesses || best.accesses != off.accesses)
			die(s->name, "the replays touched different pages", (long long)best.accesses);

		printf("### %u. %s\n\n", i + 1, s->name);
		printf("%llu MiB of memory; %u guest%s, each with %llu donated and %llu shared "
		       "pages, %u memcache pages and a pgd%s; the replay: %llu accesses the host "
		       "may make.\n\n",
		       (unsigned long long)(m.pages >> 8), s->guests, s->guests == 1 ? "" : "s",
		       (unsigned long long)s->donate, (unsigned long long)s->share, TOPUP,
		       s->teardown ? "; torn down and every page reclaimed" : ", live",
		       (unsigned long long)on.accesses);
		printf("| host stage 2 | 1 GiB leaves | 2 MiB leaves | 4 KiB leaves | leaves | "
		       "table pages | aborts | TLB misses |\n");
		printf("|---|---|---|---|---|---|---|---|\n");
		print_row("coalescing", &on);
		print_row("no coalescing", &off);
		print_row("optimum", &best);
		at_optimum = total_leaves(&on) == total_leaves(&best) &&
			     !memcmp(on.leaves, best.leaves, sizeof(on.leaves));
		tenfold = total_leaves(&off) >= 10 * total_leaves(&on);
		printf("\nLeaves at the optimum: %s. Table pages: ", at_optimum ? "yes" : "**no**");
		if (on.tables == best.tables)
			printf("at the optimum.");
		else
			printf("%+lld against the optimum.", (long long)on.tables - (long long)best.tables);
		printf(" Without coalescing: %.1fx the leaves%s.\n\n",
		       (double)total_leaves(&off) / (double)total_leaves(&on),
		       s->teardown ? (tenfold ? " (target: at least 10x, met)"
					      : " (target: at least 10x, **missed**)")
				   : "");
		if (!at_optimum || (s->teardown && !tenfold))
			ok = false;
		free(record.state);
		free(record.moved);
		free(record_off.state);
		free(record_off.moved);
		free(trace);
	}
	fflush(stdout);
	return check && !ok ? 1 : 0;
}
