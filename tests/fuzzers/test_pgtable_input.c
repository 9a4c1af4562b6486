// SPDX-License-Identifier: MIT
/*
 * fuzz_pgtable's readable form (docs/fuzz_pgtable.md): scripts encode to
 * inputs that decode to exactly the operations they name, any input prints
 * as a script that encodes back to the same operations, and bad scripts say
 * why.
 */
#include "pgtable_input.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL

static const char scenario[] =
	"tables ia_bits=40 guest_pool=tiny:3 hyp_pool=small window=gib_edge\n"
	"# one of every kind of field\n"
	"map guest ia=0x3f800000 nr=262144 pa=0x13f800000 prot=rw memtype=normal\n"
	"map hyp ia=0x40000000 nr=512 pa=0x40600000 prot=r memtype=device\n"
	"unmap guest ia=0x3fe00010 nr=1023\n"
	"set_owner guest ia=0xffffff000 nr=7680 owner=300\n"
	"wrprotect guest ia=0x7fff000 nr=2047\n"
	"mkold hyp ia=0x3f800000 nr=786432\n"
	"mkyoung guest ia=0x3f9ff000\n"
	"relax_perms guest ia=0x40400000 prot=13\n"
	"split guest ia=0x40000000 nr=0\n"
	"get_leaf hyp ia=0xffffffffe000\n"
	"fault_map guest ia=0x3f801000 level=2 pa=0xfffffffff000 prot=rwx raw\n"
	"fault_map guest ia=0x3f801000 level=0 pa=0x3f801010 prot=0 memtype=2\n"
	"pool_hide hyp keep=513\n"
	"pool_unhide guest\n";

static void decode(const uint8_t *in, size_t i, struct fz_pgtable_op *op)
{
	struct fz_pgtable_setup s;

	fz_pgtable_decode_setup(in, &s);
	fz_pgtable_decode_op(&s, in + FZ_PGTABLE_HEADER_SIZE + i * FZ_PGTABLE_RECORD_SIZE, op);
}

static void script_encodes_to_the_operations_it_names(void **state)
{
	static char text[8192];
	struct fz_pgtable_setup s;
	struct fz_pgtable_op op;
	uint8_t in[1024];
	char err[256] = "";
	size_t n = fz_pgtable_script_to_input(scenario, in, sizeof(in), err, sizeof(err));

	assert_string_equal(err, "");
	assert_int_equal(n, 16 + 14 * 16);
	fz_pgtable_decode_setup(in, &s);
	assert_int_equal(s.ia_bits[FZ_PGT_GUEST], 40);
	assert_int_equal(s.ia_bits[FZ_PGT_HYP], 48);
	assert_int_equal(s.pool_pages[FZ_PGT_GUEST], 3);
	assert_int_equal(s.pool_pages[FZ_PGT_HYP], 64);
	assert_int_equal(fz_pgtable_window_base(&s, FZ_PGT_GUEST), SZ_1G - 4 * SZ_2M);
	decode(in, 0, &op);
	assert_int_equal(op.kind, FZ_PGT_MAP);
	assert_int_equal(op.table, FZ_PGT_GUEST);
	assert_int_equal(op.ia, 0x3f800000);
	assert_int_equal(op.nr, 262144);
	assert_int_equal(op.pa, 0x13f800000);
	assert_int_equal(op.prot, 6);
	assert_int_equal(op.memtype, 0);
	decode(in, 1, &op);
	assert_int_equal(op.table, FZ_PGT_HYP);
	assert_int_equal(op.pa, 0x40600000);
	assert_int_equal(op.prot, 4);
	assert_int_equal(op.memtype, 1);
	decode(in, 2, &op);
	assert_int_equal(op.ia, 0x3fe00010);
	assert_int_equal(op.nr, 1023);
	decode(in, 3, &op);
	assert_int_equal(op.ia, 0xffffff000);
	assert_int_equal(op.nr, 7680);
	assert_int_equal(op.owner, 300);
	decode(in, 4, &op);
	assert_int_equal(op.nr, 2047);
	decode(in, 5, &op);
	assert_int_equal(op.nr, 786432);
	decode(in, 7, &op);
	assert_int_equal(op.prot, 13);
	decode(in, 8, &op);
	assert_int_equal(op.nr, 0);
	decode(in, 9, &op);
	assert_int_equal(op.ia, 0xffffffffe000);
	decode(in, 10, &op);
	assert_int_equal(op.kind, FZ_PGT_FAULT_MAP);
	assert_int_equal(op.level, 2);
	assert_int_equal(op.pa, 0xfffffffff000);
	assert_int_equal(op.prot, 7);
	assert_int_equal(op.raw, FZ_PGT_RAW_FAULTS);
	decode(in, 11, &op);
	assert_int_equal(op.level, 0);
	assert_int_equal(op.pa, 0x3f801010);
	assert_int_equal(op.prot, 0);
	assert_int_equal(op.memtype, 2);
	assert_false(op.raw);
	decode(in, 12, &op);
	assert_int_equal(op.kind, FZ_PGT_POOL_HIDE);
	assert_int_equal(op.keep, 513);
	fz_pgtable_input_to_script(in, n, text, sizeof(text));
	assert_non_null(strstr(text, "\nsplit guest ia=0x40000000 nr=0\n"));
	if (FZ_PGT_RAW_FAULTS)
		assert_non_null(strstr(text, "\nfault_map guest ia=0x3f801000 level=2 "
					     "pa=0xfffffffff000 prot=rwx memtype=normal raw\n"));
}

static void any_input_round_trips_through_its_script(void **state)
{
	static char t1[1 << 16], t2[1 << 16];
	uint8_t in[16 + 64 * 16], again[sizeof(in)];
	char err[256];
	uint32_t seed = 7;

	for (unsigned iter = 0; iter < 4000; iter++) {
		size_t len = 16 + (iter % 64) * 16 + iter % 11, n;

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245U + 12345U;
			in[i] = (uint8_t)(seed >> 16);
		}
		fz_pgtable_input_to_script(in, len, t1, sizeof(t1));
		n = fz_pgtable_script_to_input(t1, again, sizeof(again), err, sizeof(err));
		if (!n)
			fail_msg("script did not encode: %s\n%s", err, t1);
		assert_int_equal(n, len - (len - 16) % 16);
		fz_pgtable_input_to_script(again, n, t2, sizeof(t2));
		assert_string_equal(t1, t2);
	}
}

static void bad_scripts_say_what_is_wrong(void **state)
{
	static const struct {
		const char *script, *msg;
	} cases[] = {
		{ "", "starts with a tables line" },
		{ "map guest ia=0 nr=1 pa=0 prot=r\n",
		  "line 1: a script starts with a tables line" },
		{ "tables window=moon\n", "bad tables field window=moon" },
		{ "tables ia_bits=49\n", "bad tables field ia_bits=49" },
		{ "tables guest_pool=tiny:17\n", "bad tables field guest_pool=tiny:17" },
		{ "tables\nfly guest\n", "line 2: unknown operation 'fly'" },
		{ "tables\nmap ia=0\n", "the table comes first, guest or hyp" },
		{ "tables\nmap guest ia=0 nr=1 pa=0\n", "map needs prot=" },
		{ "tables\nunmap guest ia=0 nr=1 owner=3\n", "unmap takes no field 'owner'" },
		{ "tables\nunmap guest ia=0 nr=1 colour=3\n", "unknown field 'colour'" },
		{ "tables\nunmap guest ia=0 ia=0 nr=1\n", "given twice" },
		{ "tables\nunmap guest ia nr=1\n", "expected ia=value" },
		{ "tables\nunmap guest ia=banana nr=1\n", "bad value 'banana' for ia" },
		{ "tables\nunmap guest ia=0 nr=3000\n", "nr 3000" },
		{ "tables\nfault_map guest ia=0 level=4 pa=0 prot=r\n", "level 4 out of range" },
		{ "tables\nfault_map guest ia=0 level=3 pa=0 prot=r raw=1\n",
		  "raw takes no value" },
		{ "tables\nset_owner guest ia=0 nr=1 owner=512\n", "owner 512 out of range" },
		{ "tables\nrelax_perms guest ia=0x40000000 prot=rr\n", "bad value 'rr' for prot" },
		{ "tables\nmap guest ia=0 nr=1 pa=0 prot=r memtype=3\n",
		  "bad value '3' for memtype" },
		{ "tables\nget_leaf guest ia=0x123456789000\n",
		  "cannot be expressed for the guest" },
		{ "tables\nmap guest ia=0x40000000 nr=1 pa=0x40000008 prot=r\n",
		  "pa 0x40000008 cannot be expressed" },
	};
	uint8_t in[256];
	char err[512];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(fz_pgtable_script_to_input(cases[i].script, in, sizeof(in), err,
							    sizeof(err)),
				 0);
		if (!strstr(err, cases[i].msg))
			fail_msg("'%s': got '%s', want '%s'", cases[i].script, err, cases[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(script_encodes_to_the_operations_it_names),
		cmocka_unit_test(any_input_round_trips_through_its_script),
		cmocka_unit_test(bad_scripts_say_what_is_wrong),
	};

	return cmocka_run_group_tests_name("pgtable_input", tests, NULL, NULL);
}
