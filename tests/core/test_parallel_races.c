// SPDX-License-Identifier: MIT
/*
 * Shared-walk races (SPEC §9, docs/semantics.md S40-S45), interleaved by the
 * simulated machine's vCPU scheduler (sim/sched.h) rather than by the host:
 * every shared-walk load and compare-and-swap is a scheduling point, and so
 * is the moment after a walker swapped an entry to LOCKED. Each race runs
 * under round-robin scheduling (a switch at every point) and a fixed set of
 * pseudo-random schedules, so every run is the same run.
 *
 * What every race must end with: each fault returned 0 (after retrying its
 * -EAGAINs), none failed with the other vCPU finished (only a LOCKED entry
 * left behind can do that), none wrote over an entry another held LOCKED,
 * no LOCKED entry left, the refcount law, every table
 * page accounted for once the unlinked ones are freed, and the leaves of
 * the serial application of the faults. And the race must really have
 * happened in some schedule: a LOCKED entry met, a swap lost.
 *
 * The host's aborts race the same way on a host stage-2 (S46): each maps
 * the default block the layout gives its address, and the serial
 * application is the exclusive abort of each, in either order.
 */
#include "core/host_s2.h"
#include "tables.h"
#include "sim/sched.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
/* Outputs: the faults' memslot, and another one a prelude map may use. */
#define PA_OFFSET  (16 * SZ_1G)
#define ALT_OFFSET (32 * SZ_1G)

#define NR_VCPUS     2
#define NR_SCHEDULES 64 /* round-robin, then pseudo-random */
#define SCHEDULE_LEN 96
#define MAX_ATTEMPTS 1000
#define POOL_PAGES   64

struct fault {
	u64 ia;
	u32 level;
	u32 prot;
};

struct vcpu_run {
	struct fault op;
	int rc;
	u32 attempts;
	u32 locked_seen;   /* loads that found a LOCKED entry */
	bool eagain_alone; /* -EAGAIN with the other vCPU finished */
	u64 last_swap;	   /* clock of its last store to its own leaf entry, or 0 */
};

struct race {
	struct tbl_fixture *f;
	struct sim_sched sched;
	struct vcpu_run v[NR_VCPUS];
	u64 clock;
	pte_t *locked_by[NR_VCPUS]; /* the entry each vCPU holds LOCKED, or NULL */
	u32 stolen;		    /* stores over an entry another vCPU holds LOCKED */
};

/* One machine's scheduler for the whole program: it keeps the vCPU stacks. */
static struct race race;

static u64 fault_base(const struct fault *op)
{
	return op->ia & ~(pgt_level_span(op->level) - 1);
}

static void on_access(void *arg, const struct pgt *pgt, pte_t *ptep, enum pgt_access kind)
{
	struct race *r = arg;
	int v = r->sched.cur;

	/* Plain stores are points too since the core announces them; only loads and swaps here. */
	if (v < 0 || kind == PGT_ACCESS_STORE)
		return;
	sim_sched_point(&r->sched);
	if (kind == PGT_ACCESS_LOAD && pte_is_locked(__atomic_load_n(ptep, __ATOMIC_RELAXED)))
		r->v[v].locked_seen++;
}

static void on_event(void *arg, const struct sim_event *ev)
{
	struct race *r = arg;
	int v = r->sched.cur;

	if (v < 0 || ev->kind != SIM_EV_STORE)
		return;
	r->clock++;
	/* Only the walker that swapped an entry to LOCKED may write it next (§9). */
	if (ev->old == PTE_LOCKED && r->locked_by[v] != ev->ptep)
		r->stolen++;
	if (ev->old == PTE_LOCKED && r->locked_by[v] == ev->ptep)
		r->locked_by[v] = NULL;
	if (ev->new_pte == PTE_LOCKED)
		r->locked_by[v] = ev->ptep;
	if (ev->ia == fault_base(&r->v[v].op) && ev->level == r->v[v].op.level &&
	    ev->new_pte != PTE_LOCKED)
		r->v[v].last_swap = r->clock;
	/* A break-before-make in progress: the window other walkers may see. */
	if (ev->new_pte == PTE_LOCKED)
		sim_sched_point(&r->sched);
}

/* A guest fault, or on a host stage-2 an abort at op->ia (op->level: the block it must map). */
static int fault(struct pgt *pgt, const struct fault *op)
{
	u64 base = fault_base(op);

	if (pgt->kind == PGT_HOST_S2)
		return host_s2_mem_abort_shared(pgt, op->ia & ~(SZ_4K - 1));
	return pgt_s2_fault_map(pgt, ipa_init(base), op->level, pa_init(base + PA_OFFSET), op->prot,
				PGT_MEM_NORMAL);
}

/* Retry -EAGAIN as a fault path does, unless nobody else could have caused it. */
static void vcpu_body(void *arg, unsigned v)
{
	struct race *r = arg;
	struct vcpu_run *run = &r->v[v];

	do {
		bool alone = sim_sched_alone(&r->sched);

		run->attempts++;
		run->rc = fault(&r->f->pgt, &run->op);
		if (run->rc == -EAGAIN && alone) {
			run->eagain_alone = true;
			break;
		}
	} while (run->rc == -EAGAIN && run->attempts < MAX_ATTEMPTS);
}

/*
 * Schedule @n: round-robin (no bytes) for 0, else pseudo-random bytes that
 * name the same vCPU for runs of 1 to 4 points, so that one vCPU sometimes
 * gets several steps in while the other waits (inside a LOCKED window, say).
 */
static size_t schedule_bytes(u32 n, u8 *bytes)
{
	u32 s = n * 2654435761U, run = 1 + n % 4;
	u8 pick = 0;

	if (n == 0)
		return 0;
	for (u32 i = 0; i < SCHEDULE_LEN; i++) {
		if (i % run == 0) {
			s = s * 1103515245U + 12345U;
			pick = (u8)(s >> 16);
		}
		bytes[i] = pick;
	}
	return SCHEDULE_LEN;
}

/* Run the two faults on @f's table as vCPUs under schedule @n, then quiesce. */
static void race_run(struct tbl_fixture *f, const struct fault ops[NR_VCPUS], u32 n)
{
	struct sim_observer obs = { .event = on_event, .access = on_access, .arg = &race };
	struct sim_observer none = { 0 };
	u8 bytes[SCHEDULE_LEN];
	size_t len = schedule_bytes(n, bytes);

	race.f = f;
	race.clock = 0;
	race.stolen = 0;
	for (u32 v = 0; v < NR_VCPUS; v++) {
		race.v[v] = (struct vcpu_run){ .op = ops[v] };
		race.locked_by[v] = NULL;
	}
	race.sched.cur = -1;
	sim_set_observer(&f->sim, &obs);
	sim_sched_run(&race.sched, NR_VCPUS, bytes, len, vcpu_body, &race);
	sim_set_observer(&f->sim, &none);
	sim_quiesce(&f->sim);
}

/* What every race ends with (see the top of the file). */
static void assert_race_outcome(struct tbl_fixture *par, struct tbl_fixture *ser, u32 n)
{
	struct tbl_stats st = { 0 };

	for (u32 v = 0; v < NR_VCPUS; v++) {
		const struct vcpu_run *run = &race.v[v];

		if (run->rc || run->eagain_alone)
			print_error(
				"schedule %u: vCPU %u: fault at %#llx level %u returned %d after "
				"%u attempts%s\n",
				n, v, (unsigned long long)run->op.ia, run->op.level, run->rc,
				run->attempts, run->eagain_alone ? ", -EAGAIN alone" : "");
		assert_false(run->eagain_alone);
		assert_int_equal(run->rc, 0);
	}
	if (race.stolen)
		print_error("schedule %u: %u stores over another vCPU's LOCKED entry\n", n,
			    race.stolen);
	assert_int_equal(race.stolen, 0);
	tbl_check(&par->sim, &par->pgt, &st);
	assert_int_equal(st.tables + sim_pool_free(&par->pool), sim_pool_size(&par->pool));
	tbl_assert_same_leaves(&par->sim, &par->pgt, &ser->sim, &ser->pgt);
}

static void map_exclusive(struct tbl_fixture *f, u64 base, u64 size, u64 offset, u32 prot)
{
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(base), size / SZ_4K, pa_init(base + offset),
				    prot, PGT_MEM_NORMAL),
			 0);
}

/* The serial application of @op: the exclusive map of its block, or the exclusive abort. */
static void map_serial(struct tbl_fixture *f, const struct fault *op)
{
	u64 span = pgt_level_span(op->level);
	u32 level;
	pte_t e;

	if (f->pgt.kind != PGT_HOST_S2) {
		map_exclusive(f, fault_base(op), span, PA_OFFSET, op->prot);
		return;
	}
	assert_int_equal(host_s2_mem_abort(&f->pgt, op->ia), 0);
	assert_int_equal(pgt_get_leaf(&f->pgt, op->ia, &e, &level), 0);
	assert_int_equal(level, op->level);
}

/*
 * The host's memory: ending one page short of 1 GiB + 6 MiB (two 2 MiB
 * blocks, then pages) and a whole gigabyte at 2 GiB (one 1 GiB block).
 */
static const struct host_layout host_memory = {
	.nr_regions = 2,
	.regions = { { SZ_1G, 3 * SZ_2M - SZ_4K }, { 2 * SZ_1G, SZ_1G } },
	.ia_bits = 40,
};

static struct tbl_fixture *new_table(bool host)
{
	return host ? tbl_fixture_new_host(&host_memory, POOL_PAGES)
		    : tbl_fixture_new(PGT_GUEST_S2, 39, POOL_PAGES);
}

/*
 * Race @ops under every schedule, each on a fresh table (a host stage-2
 * when @host) after @prelude (if any), and compare with the serial
 * application in both orders (the faults agree, S40, so both give the same
 * leaves). Returns how many schedules had a fault retry; adds the LOCKED
 * entries met to *@locked_seen.
 */
static u32 race_all_schedules(bool host, const struct fault ops[NR_VCPUS],
			      void (*prelude)(struct tbl_fixture *), u32 *locked_seen)
{
	u32 retried = 0;

	for (u32 n = 0; n < NR_SCHEDULES; n++) {
		struct tbl_fixture *par = new_table(host), *ser = new_table(host),
				   *rev = new_table(host);

		if (prelude) {
			prelude(par);
			prelude(ser);
			prelude(rev);
		}
		map_serial(ser, &ops[0]);
		map_serial(ser, &ops[1]);
		map_serial(rev, &ops[1]);
		map_serial(rev, &ops[0]);
		race_run(par, ops, n);
		assert_race_outcome(par, ser, n);
		tbl_assert_same_leaves(&par->sim, &par->pgt, &rev->sim, &rev->pgt);
		retried += race.v[0].attempts + race.v[1].attempts > NR_VCPUS;
		*locked_seen += race.v[0].locked_seen + race.v[1].locked_seen;
		tbl_fixture_free(par);
		tbl_fixture_free(ser);
		tbl_fixture_free(rev);
	}
	return retried;
}

static void two_vcpus_faulting_one_page_map_it_once(void **state)
{
	const struct fault ops[NR_VCPUS] = { { SZ_1G + 5 * SZ_4K, 3, PGT_PROT_RW },
					     { SZ_1G + 5 * SZ_4K, 3, PGT_PROT_RW } };
	u32 locked = 0;

	/* Both build the same tables at once: the losers retry into the winner's. */
	assert_true(race_all_schedules(false, ops, NULL, &locked) > 0);
}

static void page_and_block_faults_over_one_range_end_as_the_block(void **state)
{
	const struct fault ops[NR_VCPUS] = { { SZ_1G + SZ_2M + 9 * SZ_4K, 3, PGT_PROT_RW },
					     { SZ_1G + SZ_2M, 2, PGT_PROT_RW } };
	u32 locked = 0;

	/* Whoever wins, the block covers the page: one 2 MiB leaf, its table freed. */
	assert_true(race_all_schedules(false, ops, NULL, &locked) > 0);
}

static void distinct_pages_in_one_empty_gigabyte_both_map(void **state)
{
	const struct fault ops[NR_VCPUS] = { { 2 * SZ_1G + 5 * SZ_4K, 3, PGT_PROT_RW },
					     { 2 * SZ_1G + 7 * SZ_2M, 3, PGT_PROT_RW } };
	u32 locked = 0;

	/*
	 * Both allocate the gigabyte's level-2 table; the loser of the swap
	 * frees its own (never published), retries and walks the winner's.
	 */
	assert_true(race_all_schedules(false, ops, NULL, &locked) > 0);
}

/* A 2 MiB block at 1 GiB to another memslot, before the faults. */
static void map_alt_block(struct tbl_fixture *f)
{
	map_exclusive(f, SZ_1G, SZ_2M, ALT_OFFSET, PGT_PROT_RW);
}

static void fault_meeting_a_locked_entry_retries_after_the_block_is_remade(void **state)
{
	/* vCPU 0 remaps the block (LOCKED, invalidate, publish); vCPU 1 faults a page in it. */
	const struct fault ops[NR_VCPUS] = { { SZ_1G, 2, PGT_PROT_RW },
					     { SZ_1G + 9 * SZ_4K, 3, PGT_PROT_RW } };
	u32 locked = 0;

	assert_true(race_all_schedules(false, ops, map_alt_block, &locked) > 0);
	/* Some schedule let a walker load the LOCKED entry, and it backed off. */
	assert_true(locked > 0);
}

/* A read-only page at 1 GiB + 5 pages, before the faults. */
static void map_read_only_page(struct tbl_fixture *f)
{
	map_exclusive(f, SZ_1G + 5 * SZ_4K, SZ_4K, PA_OFFSET, PGT_PROT_R);
}

static void permission_faults_on_one_page_take_effect_in_swap_order(void **state)
{
	const struct fault ops[NR_VCPUS] = { { SZ_1G + 5 * SZ_4K, 3, PGT_PROT_RW },
					     { SZ_1G + 5 * SZ_4K, 3, PGT_PROT_R | PGT_PROT_X } };
	u32 lost = 0;

	for (u32 n = 0; n < NR_SCHEDULES; n++) {
		struct tbl_fixture *par = new_table(false), *ser = new_table(false);
		u32 last;

		map_read_only_page(par);
		map_read_only_page(ser);
		race_run(par, ops, n);
		/* Both changed the page in place, by swap; the later swap decides (§9). */
		assert_true(race.v[0].last_swap && race.v[1].last_swap);
		last = race.v[1].last_swap > race.v[0].last_swap;
		map_serial(ser, &ops[!last]);
		map_serial(ser, &ops[last]);
		assert_race_outcome(par, ser, n);
		lost += race.v[0].attempts + race.v[1].attempts > NR_VCPUS;
		tbl_fixture_free(par);
		tbl_fixture_free(ser);
	}
	/* Some schedule made one of them lose its swap and retry. */
	assert_true(lost > 0);
}

static void host_aborts_in_one_empty_gigabyte_share_its_table(void **state)
{
	/* Two 2 MiB blocks: both build the gigabyte's level-2 table; the loser frees its own. */
	const struct fault ops[NR_VCPUS] = { { SZ_1G + 5 * SZ_4K, 2, 0 },
					     { SZ_1G + SZ_2M + 3 * SZ_4K, 2, 0 } };
	u32 locked = 0;

	assert_true(race_all_schedules(true, ops, NULL, &locked) > 0);
	assert_int_equal(locked, 0); /* aborts only fill zero entries: nothing is ever LOCKED */
}

static void host_aborts_on_one_page_of_a_short_block_map_it_once(void **state)
{
	/* The region's last 2 MiB is a page short: pages, under two new tables. */
	const struct fault ops[NR_VCPUS] = { { SZ_1G + 2 * SZ_2M + 9 * SZ_4K, 3, 0 },
					     { SZ_1G + 2 * SZ_2M + 9 * SZ_4K, 3, 0 } };
	u32 locked = 0;

	assert_true(race_all_schedules(true, ops, NULL, &locked) > 0);
}

static void host_aborts_in_a_whole_gigabyte_map_one_block(void **state)
{
	const struct fault ops[NR_VCPUS] = { { 2 * SZ_1G + 7 * SZ_2M, 1, 0 },
					     { 2 * SZ_1G + 5 * SZ_4K, 1, 0 } };
	u32 locked = 0;

	/* One swap writes the block; the other loses its swap, retries and finds it mapped. */
	assert_true(race_all_schedules(true, ops, NULL, &locked) > 0);
}

/*
 * Pages for one path only (root, a level-1 and a level-2 table): both aborts
 * count enough, then one may find the other took the last page. A shared
 * abort's -ENOMEM is asked again exclusively once no walk runs (el2 takes
 * its lock exclusive), and the table ends as the aborts in series (S46).
 */
static void host_aborts_short_of_pages_end_as_in_series_once_asked_again(void **state)
{
	const struct fault ops[NR_VCPUS] = { { SZ_1G + 5 * SZ_4K, 2, 0 },
					     { SZ_1G + SZ_2M + 3 * SZ_4K, 2, 0 } };
	u32 raced = 0;

	for (u32 n = 0; n < NR_SCHEDULES; n++) {
		struct tbl_fixture *par = tbl_fixture_new_host(&host_memory, 3),
				   *ser = tbl_fixture_new_host(&host_memory, 3);

		map_serial(ser, &ops[0]);
		map_serial(ser, &ops[1]);
		race_run(par, ops, n);
		for (u32 v = 0; v < NR_VCPUS; v++) {
			if (race.v[v].rc != -ENOMEM)
				continue;
			raced++;
			race.v[v].rc = host_s2_mem_abort(&par->pgt, ops[v].ia);
		}
		assert_race_outcome(par, ser, n);
		tbl_fixture_free(par);
		tbl_fixture_free(ser);
	}
	/* Some schedule ran one of them dry on the other's page. */
	assert_true(raced > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_vcpus_faulting_one_page_map_it_once),
		cmocka_unit_test(page_and_block_faults_over_one_range_end_as_the_block),
		cmocka_unit_test(distinct_pages_in_one_empty_gigabyte_both_map),
		cmocka_unit_test(fault_meeting_a_locked_entry_retries_after_the_block_is_remade),
		cmocka_unit_test(permission_faults_on_one_page_take_effect_in_swap_order),
		cmocka_unit_test(host_aborts_in_one_empty_gigabyte_share_its_table),
		cmocka_unit_test(host_aborts_on_one_page_of_a_short_block_map_it_once),
		cmocka_unit_test(host_aborts_in_a_whole_gigabyte_map_one_block),
		cmocka_unit_test(host_aborts_short_of_pages_end_as_in_series_once_asked_again),
	};

	return cmocka_run_group_tests_name("parallel_races", tests, NULL, NULL);
}
