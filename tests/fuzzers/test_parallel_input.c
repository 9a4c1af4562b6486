// SPDX-License-Identifier: MIT
/*
 * fuzz_parallel's input (docs/fuzz_parallel.md): scripts encode to inputs
 * that decode to the operations and schedule they name, any input prints as
 * a script that encodes back to the same thing, bad scripts say why, and a
 * run follows the schedule it was given, point by point.
 */
#include "parallel_check.h"
#include "parallel_input.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

static const char race[] = "parallel vcpus=3 ia_bits=39 pool=tiny:9\n"
			   "# a stale block, then three vCPUs\n"
			   "prelude_map ia=0x40200000 level=2 prot=4 out=alt memtype=device\n"
			   "vcpu0 fault_map ia=0x40201000 level=3 prot=6\n"
			   "vcpu2 relax_perms ia=0x7fc03000 prot=1\n"
			   "vcpu1 mkyoung ia=0x80000000\n"
			   "vcpu0 fault_map ia=0x40000000 level=1 prot=7\n"
			   "schedule 2 1 0 0\n"
			   "schedule 1\n";

static void script_encodes_to_the_operations_it_names(void **state)
{
	uint8_t in[256];
	char err[128] = "";
	struct fzp_input d;
	size_t n = fz_parallel_script_to_input(race, in, sizeof(in), err, sizeof(err));

	assert_string_equal(err, "");
	assert_int_equal(n, FZP_HEADER_SIZE + 5 * FZP_RECORD_SIZE + 5);
	assert_true(fzp_decode(in, n, &d));
	assert_int_equal(d.nr_vcpus, 3);
	assert_int_equal(d.ia_bits, 39);
	assert_int_equal(d.pool_pages, 9);
	assert_int_equal(d.nr_prelude, 1);
	assert_int_equal(d.prelude[0].level, 2);
	assert_true(d.prelude[0].alt);
	assert_int_equal(d.prelude[0].memtype, 1);
	assert_int_equal(fzp_op_pa(&d.prelude[0]), 0x40200000ULL + FZP_ALT_OFFSET);
	assert_int_equal(d.nr_ops[0], 2);
	assert_int_equal(d.ops[0][0].kind, FZP_FAULT_MAP);
	assert_int_equal(d.ops[0][0].ia, 0x40201000);
	assert_int_equal(d.ops[0][0].prot, 6);
	assert_int_equal(fzp_op_pa(&d.ops[0][0]), 0x40201000ULL + FZP_PA_OFFSET);
	assert_int_equal(d.ops[0][1].level, 1);
	assert_int_equal(d.ops[1][0].kind, FZP_MKYOUNG);
	assert_int_equal(d.ops[1][0].ia, 0x80000000);
	assert_int_equal(d.ops[2][0].kind, FZP_RELAX_PERMS);
	assert_int_equal(d.ops[2][0].ia, 0x7fc03000);
	assert_int_equal(d.ops[2][0].prot, 1);
	assert_int_equal(d.sched_len, 5);
	assert_memory_equal(d.sched, "\x02\x01\x00\x00\x01", 5);
}

/* Two decodings run the same operations and make the same choices. */
static void assert_same_run(const struct fzp_input *a, const struct fzp_input *b)
{
	assert_int_equal(a->nr_vcpus, b->nr_vcpus);
	assert_int_equal(a->ia_bits, b->ia_bits);
	assert_int_equal(a->pool_pages, b->pool_pages);
	assert_int_equal(a->nr_prelude, b->nr_prelude);
	assert_memory_equal(a->prelude, b->prelude, a->nr_prelude * sizeof(a->prelude[0]));
	for (unsigned v = 0; v < FZP_MAX_VCPUS; v++) {
		assert_int_equal(a->nr_ops[v], b->nr_ops[v]);
		assert_memory_equal(a->ops[v], b->ops[v], a->nr_ops[v] * sizeof(a->ops[v][0]));
	}
	assert_int_equal(a->sched_len, b->sched_len);
	for (size_t i = 0; i < a->sched_len; i++)
		assert_int_equal(a->sched[i] % a->nr_vcpus, b->sched[i] % b->nr_vcpus);
}

static void any_input_round_trips_through_its_script(void **state)
{
	static char t1[1 << 15], t2[1 << 15];
	uint8_t in[FZP_HEADER_SIZE + FZP_MAX_RECORDS * FZP_RECORD_SIZE + 64], again[sizeof(in)];
	struct fzp_input a, b;
	char err[128];
	uint32_t seed = 7;

	for (unsigned iter = 0; iter < 3000; iter++) {
		size_t len = iter % sizeof(in), n;

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245U + 12345U;
			in[i] = (uint8_t)(seed >> 16);
		}
		if (!fzp_decode(in, len, &a)) {
			assert_int_equal(fz_parallel_input_to_script(in, len, t1, sizeof(t1)), 0);
			continue;
		}
		fz_parallel_input_to_script(in, len, t1, sizeof(t1));
		n = fz_parallel_script_to_input(t1, again, sizeof(again), err, sizeof(err));
		if (!n)
			fail_msg("script did not encode: %s\n%s", err, t1);
		assert_true(fzp_decode(again, n, &b));
		assert_same_run(&a, &b);
		fz_parallel_input_to_script(again, n, t2, sizeof(t2));
		assert_string_equal(t1, t2);
	}
}

static void bad_scripts_say_what_is_wrong(void **state)
{
	static const struct {
		const char *script, *msg;
	} cases[] = {
		{ "", "starts with a 'parallel' line" },
		{ "vcpu0 mkyoung ia=0x40000000\n", "starts with a 'parallel' line" },
		{ "parallel vcpus=5\n", "bad header field vcpus=5" },
		{ "parallel ia_bits=48\n", "bad header field ia_bits=48" },
		{ "parallel pool=tiny:1\n", "bad header field pool=tiny:1" },
		{ "parallel\nvcpu2 mkyoung ia=0x40000000\n",
		  "line 2: 'vcpu2': vCPUs are vcpu0 to vcpu1" },
		{ "parallel\nvcpu0 fly ia=0x40000000\n", "unknown operation 'fly'" },
		{ "parallel\nvcpu0 fault_map ia=0x40000000 level=4 prot=6\n", "level 4" },
		{ "parallel\nvcpu0 fault_map ia=0x40000000 level=3 prot=8\n", "prot 8" },
		{ "parallel\nvcpu0 fault_map ia=0x40000000 level=3\n", "needs level= and prot=" },
		{ "parallel\nvcpu0 fault_map ia=0x40000800 level=3 prot=6\n", "not page-aligned" },
		{ "parallel\nvcpu0 mkyoung ia=0x10000000\n", "outside the windows" },
		{ "parallel\nvcpu0 mkyoung ia=0x40000000 prot=6\n",
		  "mkyoung takes no field 'prot'" },
		{ "parallel\nvcpu0 relax_perms ia=0x40000000\n", "relax_perms needs prot=" },
		{ "parallel\nvcpu1 prelude_map ia=0x40000000 level=2 prot=4\n", "no vcpu prefix" },
		{ "parallel\nprelude_map ia=0x40000000 level=2 prot=5 memtype=device\n",
		  "cannot be executable" },
		{ "parallel\nprelude_map ia=0x40000000 level=2 prot=4 out=elsewhere\n",
		  "out=elsewhere" },
		{ "parallel\nvcpu0 mkyoung ia\n", "expected key=value" },
		{ "parallel vcpus=2\nschedule 0 1 2\n", "schedule entry '2'" },
	};
	uint8_t in[256];
	char err[256];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(fz_parallel_script_to_input(cases[i].script, in, sizeof(in), err,
							     sizeof(err)),
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
					 "vcpu%u mkyoung ia=0x40000000\n", i % 2);
	assert_int_equal(fz_parallel_script_to_input(text, in, sizeof(in), err, sizeof(err)), 0);
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
				  "vcpu0 fault_map ia=0x40001000 level=3 prot=6\n"
				  "vcpu1 fault_map ia=0x40001000 level=3 prot=4\n"
				  "schedule 1 1 1 1\n";
	static struct par_run r;
	struct par_failure f;
	uint8_t in[64];
	char err[128] = "";
	size_t n = fz_parallel_script_to_input(two, in, sizeof(in), err, sizeof(err));

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
		cmocka_unit_test(any_input_round_trips_through_its_script),
		cmocka_unit_test(bad_scripts_say_what_is_wrong),
		cmocka_unit_test(too_many_operations_is_an_error),
		cmocka_unit_test(a_run_follows_its_schedule),
	};

	return cmocka_run_group_tests_name("parallel_input", tests, NULL, NULL);
}
