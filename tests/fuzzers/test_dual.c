// SPDX-License-Identifier: MIT
/*
 * The dual runner's own checks, where both sides could agree and still be
 * wrong: host stage-2 must never map a page the host does not own (SPEC §11).
 */
#include "dual.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

static void host_mapping_a_guest_page_is_caught(void **state)
{
	static struct dual d;
	static const uint8_t virt[FZ_HEADER_SIZE] = { 0 };
	struct dual_failure f;
	struct fz_machine m;
	struct diff_table t;
	u64 pgd = 0x41000, page = 0x41234;

	fz_decode_machine(virt, &m);
	assert_int_equal(dual_init(&d, &m, &f), 0);
	assert_true(dual_step(&d, &(struct fz_op){ .kind = FZ_VM_CREATE, .vm = 0, .ia_bits = 40,
						  .pfn = pgd }, &f));
	assert_true(dual_step(&d, &(struct fz_op){ .kind = FZ_VM_TOPUP, .pfn = pgd + 1 }, &f));
	assert_true(dual_step(&d, &(struct fz_op){ .kind = FZ_VM_TOPUP, .pfn = pgd + 2 }, &f));
	assert_true(dual_step(&d, &(struct fz_op){ .kind = FZ_VM_TOPUP, .pfn = pgd + 3 }, &f));
	assert_true(dual_step(&d, &(struct fz_op){ .kind = FZ_DONATE_GUEST, .pfn = page, .gfn = 7 },
			      &f));
	t = (struct diff_table){ DIFF_HOST_S2, 0, pa_addr(d.pkvm.host_s2.root_pa),
				 d.pkvm.host_s2.start_level, &d.mem, &d.layout };
	assert_true(dual_host_leaves_accessible(&d, &t, "test", &f));
	/* Both sides agree the page is the guest's; now the host maps it anyway. */
	assert_int_equal(pgt_s2_map(&d.pkvm.host_s2, ipa_init(page << 12), 1,
				    pa_init(page << 12), PGT_PROT_RW, PGT_MEM_NORMAL),
			 0);
	assert_false(dual_host_leaves_accessible(&d, &t, "test", &f));
	assert_non_null(strstr(f.signature, "host maps a page it does not own"));
	dual_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_mapping_a_guest_page_is_caught),
	};

	return cmocka_run_group_tests_name("dual", tests, NULL, NULL);
}
