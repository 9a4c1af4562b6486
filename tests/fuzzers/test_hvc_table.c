// SPDX-License-Identifier: MIT
/*
 * The hypercall dispatcher against the operation table (SPEC §12): every
 * fuzz_pkvm row with a function number, called through pkvm_hvc_handle()
 * with its arguments in x1.. in the row's order, does what the row's own
 * core call does with the same values on a twin machine: x0 SUCCESS, x1
 * that call's result, x2-x4 as passed, both machines in the same state. And
 * every function number the dispatcher answers is a row of the table. The
 * result-register check fuzz_hvc and el2 share holds the dispatcher to that.
 */
#include "core/hvc.h"
#include "dual.h"
#include "ops_pkvm.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#define ID_BASE 0xC6000000ULL

static struct dual dispatched, direct;

/*
 * A value for field @f of row @k in round @round: one VM; the hyp calls on
 * one page, each guest call a page of its own (reclaim takes back the donated
 * one); the unshare finds the share's gfn, the relinquish the donation's.
 */
static uint64_t arg(unsigned f, unsigned k, unsigned round)
{
	const char *name = fz_pkvm_ops[k].name;

	switch (f) {
	case PK_VM:
		return 1;
	case PK_IA_BITS:
		return 36;
	case PK_NR:
		return 2;
	case PK_GFN:
		return strstr(name, "share") ? 0x43 : 0x42;
	case PK_PROT:
		return 6;
	case PK_PGD:
		return 0x41100 + round;
	default: /* PK_PFN */
		if (!strcmp(name, "host_reclaim_page"))
			return 0x41300 + round; /* host_donate_guest's */
		return k < 6 ? 0x41000 : 0x41000 + 0x100 * (k - 5) + round;
	}
}

static void calls_do_what_their_rows_do(void **state)
{
	static const uint8_t virt[FZ_HEADER_SIZE] = { 0 };
	struct fz_failure f;
	struct fz_machine m;
	unsigned rows = 0;

	(void)state;
	fz_decode_machine(virt, &m);
	assert_int_equal(dual_init(&dispatched, &m, &f), 0);
	assert_int_equal(dual_init(&direct, &m, &f), 0);
	/* Twice over: the second round finds the first one's VM, pages and shares. */
	for (unsigned round = 0; round < 2; round++) {
		for (unsigned k = 0; k < PK_NR_OPS; k++) {
			const struct fz_op_def *row = &fz_pkvm_ops[k];
			struct fz_op op = { .def = row, .index = k };
			struct pkvm_hvc_regs r = { { ID_BASE + (u64)(unsigned)row->hvc } }, in;
			unsigned reg = 1;
			int rc;

			if (row->hvc < 0)
				continue;
			rows += !round;
			for (unsigned i = 0; i < PK_NR_FIELDS; i++) {
				if (row->fields & (1U << i))
					r.x[reg++] = op.v[i] = arg(i, k, round);
			}
			in = r;
			pkvm_hvc_handle(&dispatched.pkvm, &r);
			rc = row->core(&direct, &op);
			if (r.x[0] != 0 || r.x[1] != (uint64_t)(int64_t)rc)
				fail_msg("%s: x0 %#llx x1 %#llx, the direct call %d", row->name,
					 (unsigned long long)r.x[0], (unsigned long long)r.x[1], rc);
			for (unsigned i = 2; i < 5; i++)
				assert_int_equal(r.x[i], in.x[i]);
			assert_int_equal(dual_core_state_digest(&dispatched),
					 dual_core_state_digest(&direct));
		}
	}
	assert_int_equal(rows, 14);
	dual_fini(&dispatched);
	dual_fini(&direct);
}

/* No function number outside the table is a call. */
static void the_dispatcher_answers_only_the_tables_numbers(void **state)
{
	static const uint8_t virt[FZ_HEADER_SIZE] = { 0 };
	struct fz_failure f;
	struct fz_machine m;

	(void)state;
	fz_decode_machine(virt, &m);
	assert_int_equal(dual_init(&dispatched, &m, &f), 0);
	for (uint64_t n = 0; n < 0x10000; n++) {
		struct pkvm_hvc_regs r = { { ID_BASE + n, 1ULL << 40, 1ULL << 40, 1ULL << 40,
					     1ULL << 40 } };
		bool row = false;

		for (unsigned k = 0; k < PK_NR_OPS; k++)
			row |= fz_pkvm_ops[k].hvc >= 0 && (uint64_t)fz_pkvm_ops[k].hvc == n;
		pkvm_hvc_handle(&dispatched.pkvm, &r);
		if ((r.x[0] == 0) != row)
			fail_msg("function %#llx: the dispatcher says %s, the table %s",
				 (unsigned long long)n, r.x[0] ? "no call" : "a call",
				 row ? "a call" : "no call");
	}
	dual_fini(&dispatched);
}

/* One register off the ABI is named: its check, the call and the register. */
static void result_registers_off_the_abi_are_named(void **state)
{
	static const struct {
		bool call;
		int ref_rc;
		uint64_t out[5];
		const char *sig; /* NULL: the registers are right */
	} cases[] = {
		{ true, -22, { 0, (uint64_t)-22, 2, 3, 4 }, NULL },
		{ false, 0, { ~0ULL, 1, 2, 3, 4 }, NULL },
		{ true, 0, { ~0ULL, 0, 2, 3, 4 }, "hvc-abi/op/x0" },
		{ false, 0, { 0, 1, 2, 3, 4 }, "hvc-abi/op/x0" },
		{ true, 0, { 0, 5, 2, 3, 4 }, "hvc-abi/op/x1" },
		{ true, 0, { 0, (uint64_t)-5000, 2, 3, 4 }, "hvc-abi/op/x1" },
		{ false, 0, { ~0ULL, 7, 2, 3, 4 }, "hvc-abi/op/x1" },
		{ true, 0, { 0, 0, 2, 3, 9 }, "hvc-abi/op/x4" },
		{ true, -1, { 0, (uint64_t)-22, 2, 3, 4 }, "return-code/op/core=-22/ref=-1" },
	};
	const uint64_t in[5] = { ID_BASE, 1, 2, 3, 4 };
	struct fz_failure f;

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok = fz_check_hvc_regs(in, cases[i].out, cases[i].call, cases[i].ref_rc, "op", &f);

		if (ok != !cases[i].sig || (!ok && strcmp(f.signature, cases[i].sig)))
			fail_msg("case %u: %s, want %s", i, ok ? "passed" : f.signature,
				 cases[i].sig ? cases[i].sig : "a pass");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(result_registers_off_the_abi_are_named),
		cmocka_unit_test(calls_do_what_their_rows_do),
		cmocka_unit_test(the_dispatcher_answers_only_the_tables_numbers),
	};

	return cmocka_run_group_tests_name("hvc_table", tests, NULL, NULL);
}
