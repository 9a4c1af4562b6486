// SPDX-License-Identifier: MIT
/*
 * fuzz_parallel's input (docs/fuzz_parallel.md): scripts encode to inputs
 * that decode to the operations and schedule they name (test_optable.c round
 * trips every world's inputs), bad scripts say why, and a run follows the
 * schedule it was given, point by point.
 */
#include "parallel_run.h"
#include "ops_parallel.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

static const char race[] = "parallel vcpus=3 ia_bits=39 pool=tiny:9\n"
			   "# a stale block, then three vCPUs\n"
			   "prelude_map ia=0x40200000 level=2 prot=4 out=alt memtype=device\n"
			   "fault_map vcpu=0 ia=0x40201000 level=3 prot=6\n"
			   "relax_perms vcpu=2 ia=0x7fc03000 prot=1\n"
			   "schedule picks=2,1,0,0\n"
			   "mkyoung vcpu=1 ia=0x80000000\n"
			   "fault_map vcpu=0 ia=0x40000000 level=1 prot=7\n"
			   "schedule picks=1\n";

static void script_encodes_to_the_operations_it_names(void **state)
{
	uint8_t in[256];
	char err[128] = "";
	struct fzp_input d;
	size_t n = fz_script_to_input(&fz_world_parallel, race, in, sizeof(in), err, sizeof(err));

	assert_string_equal(err, "");
	assert_int_equal(n, FZP_HEADER_SIZE + 5 * FZP_RECORD_SIZE + 5);
	assert_true(fzp_decode(in, n, &d));
	assert_int_equal(d.setup.nr_vcpus, 3);
	assert_int_equal(d.setup.ia_bits, 39);
	assert_int_equal(d.setup.pool_pages, 9);
	assert_int_equal(d.nr_prelude, 1);
	assert_int_equal(d.prelude[0].index, FZP_PRELUDE_MAP);
	assert_int_equal(fzp_level(&d.prelude[0]), 2);
	assert_int_equal(fzp_memtype(&d.prelude[0]), 1);
	assert_int_equal(fzp_pa(&d.prelude[0]), 0x40200000ULL + FZP_ALT_OFFSET);
	assert_int_equal(d.nr_ops[0], 2);
	assert_int_equal(d.ops[0][0].index, FZP_FAULT_MAP);
	assert_int_equal(fzp_ia(&d.ops[0][0]), 0x40201000);
	assert_int_equal(fzp_prot(&d.ops[0][0]), 6);
	assert_int_equal(fzp_pa(&d.ops[0][0]), 0x40201000ULL + FZP_PA_OFFSET);
	assert_int_equal(fzp_level(&d.ops[0][1]), 1);
	assert_int_equal(d.ops[1][0].index, FZP_MKYOUNG);
	assert_int_equal(fzp_ia(&d.ops[1][0]), 0x80000000);
	assert_int_equal(d.ops[2][0].index, FZP_RELAX_PERMS);
	assert_int_equal(fzp_ia(&d.ops[2][0]), 0x7fc03000);
	assert_int_equal(fzp_prot(&d.ops[2][0]), 1);
	assert_int_equal(d.sched_len, 5);
	assert_memory_equal(d.sched, "\x02\x01\x00\x00\x01", 5);
}

static void bad_scripts_say_what_is_wrong(void **state)
{
	static const struct {
		const char *script, *msg;
	} cases[] = {
		{ "", "starts with a parallel line" },
		{ "mkyoung vcpu=0 ia=0x40000000\n", "starts with a parallel line" },
		{ "parallel vcpus=5\n", "vcpus: 5 is out of range" },
		{ "parallel ia_bits=48\n", "ia_bits: 48 is out of range" },
		{ "parallel pool=tiny:1\n", "pool: 1 is out of range" },
		{ "parallel\nmkyoung vcpu=2 ia=0x40000000\n", "line 2: vcpu 2: below 2 here" },
		{ "parallel\nfly vcpu=0 ia=0x40000000\n", "unknown operation 'fly'" },
		{ "parallel\nfault_map vcpu=0 ia=0x40000000 level=4 prot=6\n", "level 4" },
		{ "parallel\nfault_map vcpu=0 ia=0x40000000 level=3 prot=8\n", "prot 8" },
		{ "parallel\nfault_map vcpu=0 ia=0x40000000 level=3\n", "fault_map needs prot=" },
		{ "parallel\nfault_map ia=0x40000000 level=3 prot=6\n", "fault_map needs vcpu=" },
		{ "parallel\nfault_map vcpu=0 ia=0x40000800 level=3 prot=6\n", "ia 0x40000800 cannot be expressed (bytes 2-3" },
		{ "parallel\nmkyoung vcpu=0 ia=0x10000000\n", "pick a 4 MiB window" },
		{ "parallel\nmkyoung vcpu=0 ia=0x40000000 prot=6\n",
		  "mkyoung takes no argument 'prot'" },
		{ "parallel\nrelax_perms vcpu=0 ia=0x40000000\n", "relax_perms needs prot=" },
		{ "parallel\nprelude_map vcpu=1 ia=0x40000000 level=2 prot=4 out=same memtype=normal\n",
		  "prelude_map takes no argument 'vcpu'" },
		{ "parallel\nprelude_map ia=0x40000000 level=2 prot=5 out=same memtype=device\n",
		  "cannot be executable" },
		{ "parallel\nprelude_map ia=0x40000000 level=2 prot=4 out=elsewhere memtype=normal\n",
		  "out: 'elsewhere' is not same or alt" },
		{ "parallel\nmkyoung vcpu=0 ia\n", "expected key=value" },
		{ "parallel vcpus=2\nschedule picks=0,1,2\n", "picks: '2' is not a vCPU" },
		{ "parallel vcpus=2\nschedule picks=0,,1\n", "picks: '' is not a vCPU" },
		{ "parallel vcpus=2\nschedule 0 1\n", "expected key=value" },
	};
	uint8_t in[256];
	char err[256];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(fz_script_to_input(&fz_world_parallel, cases[i].script, in, sizeof(in),
						    err, sizeof(err)),
				 0);
		if (!strstr(err, cases[i].msg))
			fail_msg("'%s': got '%s', want '%s'", cases[i].script, err, cases[i].msg);
	}
}

static void too_many_operations_is_an_error(void **state)
{
	static char text[8192];
	uint8_t in[1024];
	char err[128] = "";
	size_t used = (size_t)snprintf(text, sizeof(text), "parallel vcpus=2\n");

	for (unsigned i = 0; i <= FZP_MAX_RECORDS; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "mkyoung vcpu=%u ia=0x40000000\n", i % 2);
	assert_int_equal(fz_script_to_input(&fz_world_parallel, text, in, sizeof(in), err, sizeof(err)),
			 0);
	assert_non_null(strstr(err, "too many operations"));
}

/*
 * The schedule decides who runs at each point, then round-robin: two
 * faults on one page, vCPU 1 first for three points, then turns. The run
 * is clean and the order is as told. (Whether a swap is lost depends on the
 * core's exact sequence of loads; the corpus replays cover retries.)
 */
static void a_run_follows_its_schedule(void **state)
{
	static const char two[] = "parallel vcpus=2 ia_bits=40 pool=full\n"
				  "fault_map vcpu=0 ia=0x40001000 level=3 prot=6\n"
				  "fault_map vcpu=1 ia=0x40001000 level=3 prot=4\n"
				  "schedule picks=1,1,1,1\n";
	static struct par_run r;
	struct fz_failure f;
	uint8_t in[64];
	char err[128] = "";
	size_t n = fz_script_to_input(&fz_world_parallel, two, in, sizeof(in), err, sizeof(err));

	assert_string_equal(err, "");
	assert_true(par_run(&r, in, n));
	if (!par_check(&r, &f))
		fail_msg("%s: %s", f.signature, f.detail);
	/*
	 * Byte 0 picks who starts (its first access is that choice), bytes 1-3
	 * keep vCPU 1 for three more accesses; then they alternate.
	 */
	assert_true(r.nr_trace > 7);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(r.trace[i].vcpu, 1);
	assert_int_equal(r.trace[4].vcpu, 0);
	assert_int_equal(r.trace[5].vcpu, 1);
	assert_int_equal(r.trace[6].vcpu, 0);
	assert_int_equal(r.ops[0].rc, 0);
	assert_int_equal(r.ops[1].rc, 0);
	par_run_fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(script_encodes_to_the_operations_it_names),
		cmocka_unit_test(bad_scripts_say_what_is_wrong),
		cmocka_unit_test(too_many_operations_is_an_error),
		cmocka_unit_test(a_run_follows_its_schedule),
	};

	return cmocka_run_group_tests_name("parallel_input", tests, NULL, NULL);
}
