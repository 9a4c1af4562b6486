// SPDX-License-Identifier: MIT
/*
 * fuzz_parallel and a shared walker's stores (docs/fuzz_parallel.md): a
 * store into a table other walkers can reach is a scheduling point, so a
 * schedule can run another vCPU between a walker's read and its store,
 * and one into a table still being filled is not; and the shared-store
 * check reports a plain store over a live entry. This file is built twice:
 * against the core, where every run is clean, and against planted bug 30's
 * (PLANTED_PLAIN_STORE: a fault changes a leaf in place with a plain store),
 * where the check must fire.
 */
#include "parallel_run.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

static struct par_run r;
static bool running; /* a failed assertion leaves a run unfinished */

static void finish(void)
{
	if (running)
		par_run_fini(&r);
	running = false;
}

static void run(const char *script)
{
	uint8_t in[512];
	char err[128] = "";
	size_t n = fz_script_to_input(&fz_world_parallel, script, in, sizeof(in), err, sizeof(err));

	finish();
	assert_string_equal(err, "");
	assert_true(par_run(&r, in, n));
	running = true;
}

static unsigned count_points(int vcpu, char kind)
{
	unsigned n = 0;

	for (size_t i = 0; i < r.nr_trace; i++)
		n += (vcpu < 0 || r.trace[i].vcpu == vcpu) && r.trace[i].kind == kind;
	return n;
}

/*
 * A page fault over a stale 2 MiB block splits it: a table of 512 pieces is
 * filled (512 stores nobody else can see), then published over the LOCKED
 * block; then its page, a piece with the stale output, is broken and made
 * again. Only the two publishes are store points.
 */
static void only_stores_others_can_see_are_points(void **state)
{
	run("parallel vcpus=2 ia_bits=40 pool=full\n"
	    "prelude_map ia=0x40000000 level=2 prot=4 out=alt memtype=normal\n"
	    "fault_map vcpu=0 ia=0x40001000 level=3 prot=6\n"
	    "mkyoung vcpu=1 ia=0x7fe00000\n"
	    "schedule picks=0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n");
	assert_true(r.sim.nr_stores > PGT_ENTRIES);
	assert_int_equal(count_points(0, 'K'), 2);
	assert_int_equal(count_points(0, 'S'), 2);
	assert_int_equal(count_points(1, 'S'), 0);
	finish();
}

/*
 * The same split with a schedule that keeps vCPU 0 through its LOCKED swap
 * and hands over at the point before its publish: vCPU 1's mkyoung of the
 * block runs between vCPU 0's read of the block and its store, and finds it
 * LOCKED. The run stays clean.
 */
static void a_schedule_runs_another_vcpu_before_a_store(void **state)
{
	static const char fmt[] = "parallel vcpus=2 ia_bits=40 pool=full\n"
				  "prelude_map ia=0x40000000 level=2 prot=4 out=alt memtype=normal\n"
				  "fault_map vcpu=0 ia=0x40001000 level=3 prot=6\n"
				  "mkyoung vcpu=1 ia=0x40000000\n"
				  "schedule picks=%s1,1,1,1,1,1\n";
	char script[512], zeros[128] = "";
	struct fz_failure f;
	size_t k, i;

	/* Where vCPU 0's store point comes when it runs alone from the start. */
	snprintf(script, sizeof(script), fmt, "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,");
	run(script);
	for (k = 0; k < r.nr_trace && r.trace[k].kind != 'S'; k++)
		;
	assert_true(k < r.nr_trace && k < 40);
	assert_int_equal(r.trace[k].vcpu, 0);
	finish();

	/* Picks up to that point keep vCPU 0; the point itself picks vCPU 1. */
	for (i = 0; i < k; i++)
		strcat(zeros, "0,");
	snprintf(script, sizeof(script), fmt, zeros);
	run(script);
	assert_int_equal(r.trace[k - 1].vcpu, 0);
	assert_int_equal(r.trace[k - 1].kind, 'K');
	assert_int_equal(r.trace[k].vcpu, 1);
	for (i = k; i < r.nr_trace && r.trace[i].vcpu != 0; i++)
		;
	assert_true(i < r.nr_trace);
	assert_int_equal(r.trace[i].kind, 'S');
	assert_true(r.ops[1].locked_seen > 0);
	if (!par_check(&r, &f))
		fail_msg("%s: %s", f.signature, f.detail);
	finish();
}

/*
 * Two faults on one page, the second with more permissions: it finds the
 * first's leaf and changes it in place. The core swaps from the leaf it
 * read; planted bug 30 stores over it, a live entry, and the check says so
 * (after a store point of its own: its read and its store can be split).
 */
static void a_plain_store_over_a_live_entry_is_reported(void **state)
{
	struct fz_failure f;
	bool clean;

	run("parallel vcpus=2 ia_bits=40 pool=full\n"
	    "fault_map vcpu=0 ia=0x40001000 level=3 prot=4\n"
	    "fault_map vcpu=1 ia=0x40001000 level=3 prot=6\n"
	    "schedule picks=0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1\n");
	clean = par_check(&r, &f);
#ifdef PLANTED_PLAIN_STORE
	assert_false(clean);
	assert_string_equal(f.signature, "shared-store/fault_map/plain-store");
	assert_non_null(strstr(f.detail, "a plain store over"));
	assert_non_null(strstr(f.detail, "a valid leaf"));
	assert_int_equal(count_points(1, 'S'), 1);
#else
	if (!clean)
		fail_msg("%s: %s", f.signature, f.detail);
	assert_int_equal(count_points(-1, 'S'), 0);
#endif
	finish();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_stores_others_can_see_are_points),
		cmocka_unit_test(a_schedule_runs_another_vcpu_before_a_store),
		cmocka_unit_test(a_plain_store_over_a_live_entry_is_reported),
	};

	return cmocka_run_group_tests_name("parallel_stores", tests, NULL, NULL);
}
