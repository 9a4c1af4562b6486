// SPDX-License-Identifier: MIT
/*
 * The readable form of fuzz inputs (docs/input-format.md): scripts encode to
 * inputs that decode to the same operations, any input prints as a script
 * that encodes back to the same operations, and bad scripts say why.
 */
#include "input.h"
#include "script.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

static const char lifecycle[] = "machine preset=virt regions=1 vm_slots=4 va_align=2m\n"
				"# a guest's life\n"
				"vm_create vm=0 ia_bits=40 pgd=mem:4096\n"
				"vm_topup vm=0 pfn=mem:4097\n"
				"host_donate_guest vm=0 pfn=0x41000 gfn=0x10\n"
				"host_share_guest vm=1 pfn=carve:-3 gfn=0x11 prot=6\n"
				"host_donate_hyp pfn=0x50000 nr=1024\n"
				"host_mem_abort addr=0x40000008\n"
				"pool_hide pool=2 nr=63\n"
				"vm_teardown vm=17\n";

static void script_encodes_to_the_operations_it_names(void **state)
{
	uint8_t in[1024];
	char err[128] = "", text[4096];
	struct fz_machine m;
	struct fz_op op;
	size_t n = fz_script_to_input(lifecycle, in, sizeof(in), err, sizeof(err));

	assert_string_equal(err, "");
	assert_int_equal(n, 16 + 8 * 16);
	fz_decode_machine(in, &m);
	assert_int_equal(m.nr_vm_slots, 4);
	assert_int_equal(m.hyp_va_offset & 0x3fffffff, 0x200000);
	fz_decode_op(&m, in + 16, &op);
	assert_int_equal(op.kind, FZ_VM_CREATE);
	assert_int_equal(op.ia_bits, 40);
	assert_int_equal(op.pfn, 0x40000 + 4096);
	fz_decode_op(&m, in + 48, &op);
	assert_int_equal(op.pfn, 0x41000);
	assert_int_equal(op.gfn, 0x10);
	fz_decode_op(&m, in + 64, &op);
	assert_int_equal(op.vm, 1);
	assert_int_equal(op.prot, 6);
	assert_int_equal(op.pfn, (m.carve_base >> 12) - 3);
	fz_decode_op(&m, in + 80, &op);
	assert_int_equal(op.nr, 1024);
	fz_decode_op(&m, in + 96, &op);
	assert_int_equal(op.addr, 0x40000008);
	fz_decode_op(&m, in + 112, &op);
	assert_int_equal(op.pool, 2);
	assert_int_equal(op.nr, 63);
	fz_decode_op(&m, in + 128, &op);
	assert_int_equal(op.vm, 17);
	fz_input_to_script(in, n, text, sizeof(text));
	assert_non_null(strstr(text, "host_donate_guest vm=0 pfn=0x41000 gfn=0x10\n"));
}

static void any_input_round_trips_through_its_script(void **state)
{
	static char t1[1 << 16], t2[1 << 16];
	uint8_t in[16 + 64 * 16], again[sizeof(in)];
	char err[128];
	uint32_t seed = 1;

	for (unsigned iter = 0; iter < 2000; iter++) {
		size_t len = 16 + (iter % 64) * 16 + iter % 7, n;

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245U + 12345U;
			in[i] = (uint8_t)(seed >> 16);
		}
		fz_input_to_script(in, len, t1, sizeof(t1));
		n = fz_script_to_input(t1, again, sizeof(again), err, sizeof(err));
		if (!n)
			fail_msg("script did not encode: %s\n%s", err, t1);
		fz_input_to_script(again, n, t2, sizeof(t2));
		assert_string_equal(t1, t2);
	}
}

static void bad_scripts_say_what_is_wrong(void **state)
{
	static const struct {
		const char *script, *msg;
	} cases[] = {
		{ "", "starts with a machine line" },
		{ "host_share_hyp pfn=1\n", "starts with a machine line" },
		{ "machine preset=mars\n", "bad machine field preset=mars" },
		{ "machine preset=virt\nfly vm=1\n", "line 2: unknown operation 'fly'" },
		{ "machine preset=virt\nhost_share_hyp pfn=banana\n", "bad page number" },
		{ "machine preset=virt\nhost_donate_hyp pfn=0x40000 nr=1025\n", "nr 1025" },
		{ "machine preset=virt\nvm_topup vm=99 pfn=1\n", "vm 99" },
		{ "machine preset=virt\nhost_share_hyp pfn\n", "expected key=value" },
		{ "machine preset=virt\nhost_share_hyp colour=1\n", "unknown field 'colour'" },
		{ "machine preset=virt\nhost_mem_abort addr=0x40000004\n", "page + 8" },
		{ "machine preset=tiny\nhost_share_hyp pfn=0x123456789\n", "cannot be expressed" },
	};
	uint8_t in[256];
	char err[256];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(fz_script_to_input(cases[i].script, in, sizeof(in), err, sizeof(err)),
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

	return cmocka_run_group_tests_name("script", tests, NULL, NULL);
}
