// SPDX-License-Identifier: MIT
/*
 * The dual runner's own checks, where both sides could agree and still be
 * wrong: host stage-2 must never map a page the host does not own (SPEC §11).
 * And both sides on a machine with private hyp ranges (S32), which fuzz
 * inputs cannot describe yet: their whole-state digests (S27) agree. And the
 * third oracle (brute/): a reference whose derived shape is wrong is caught
 * through the normal failure path, in both worlds.
 */
#include "dual.h"
#include "ops_pkvm.h"
#include "tables.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#define V(...) ((const uint64_t[FZ_MAX_FIELDS]){ __VA_ARGS__ })

/* fuzz_pkvm's operation @name with field values @v, on both sides, compared. */
static bool step(struct dual *d, const char *name, const uint64_t *v, struct fz_failure *f)
{
	struct fz_op op = { .def = fz_op_find(&fz_world_pkvm, name) };
	int ref_rc, core_rc;

	assert_non_null(op.def);
	memcpy(op.v, v, sizeof(op.v));
	ref_rc = op.def->ref(&d->ref, &op);
	core_rc = op.def->core(d, &op);
	return dual_check(d, name, core_rc, ref_rc, f);
}

static void host_mapping_a_guest_page_is_caught(void **state)
{
	static struct dual d;
	static const uint8_t virt[FZ_HEADER_SIZE] = { 0 };
	struct fz_failure f;
	struct fz_machine m;
	struct diff_table t;
	u64 pgd = 0x41000, page = 0x41234;

	fz_decode_machine(virt, &m);
	assert_int_equal(dual_init(&d, &m, &f), 0);
	assert_true(step(&d, "vm_create", V([PK_VM] = 0, [PK_IA_BITS] = 40, [PK_PGD] = pgd), &f));
	for (u64 i = 1; i <= 3; i++)
		assert_true(step(&d, "vm_topup", V([PK_VM] = 0, [PK_PFN] = pgd + i), &f));
	assert_true(step(&d, "host_donate_guest", V([PK_VM] = 0, [PK_PFN] = page, [PK_GFN] = 7), &f));
	t = (struct diff_table){ .kind = DIFF_HOST_S2, .root_pa = pa_addr(d.pkvm.host_s2.root_pa),
				 .start_level = d.pkvm.host_s2.start_level, .mem = &d.mem,
				 .layout = &d.layout };
	assert_true(fz_check_host_leaves(&d.ref, &t, "test", &f));
	/* Both sides agree the page is the guest's; now the host maps it anyway. */
	assert_int_equal(pgt_s2_map(&d.pkvm.host_s2, ipa_init(page << 12), 1,
				    pa_init(page << 12), PGT_PROT_RW, PGT_MEM_NORMAL),
			 0);
	assert_false(fz_check_host_leaves(&d.ref, &t, "test", &f));
	assert_non_null(strstr(f.signature, "host maps a page it does not own"));
	dual_fini(&d);
}

/*
 * The el2 machine: 1 GiB of memory at 1 GiB, an 8 MiB carve-out, hyp VA =
 * PA + 2^47; hyp text (RX) identity-mapped over the carve-out's second
 * 2 MiB, hyp data (RW) right after it, the UART as one device page.
 */
#define EL2_CARVE 0x60000000ULL
#define EL2_TEXT  (EL2_CARVE + 0x200000)
#define EL2_DATA  (EL2_CARVE + 0x400000)
#define EL2_UART  0x09000000ULL

static void el2_machine(struct fz_machine *m, struct pkvm_desc *cd, struct ref_desc *rd)
{
	static const struct {
		u64 addr, nr;
		u32 prot, memtype;
	} priv[] = {
		{ EL2_TEXT, 512, PGT_PROT_R | PGT_PROT_X, PGT_MEM_NORMAL },
		{ EL2_DATA, 512 + 8, PGT_PROT_RW, PGT_MEM_NORMAL },
		{ EL2_UART, 1, PGT_PROT_RW, PGT_MEM_DEVICE },
	};

	*m = (struct fz_machine){
		.nr_regions = 1,
		.regions = { { 0x40000000ULL, 0x40000000ULL } },
		.carve_base = EL2_CARVE,
		.carve_size = 2048 << 12,
		.host_pool = 256,
		.hyp_pool = 256,
		.hyp_va_offset = 1ULL << 47,
		.host_ia_bits = 40,
		.nr_vm_slots = 4,
	};
	*cd = (struct pkvm_desc){
		.layout = { .nr_regions = 1, .ia_bits = 40 },
		.carveout_base = EL2_CARVE,
		.carveout_size = 2048 << 12,
		.host_pool_pages = 256,
		.hyp_pool_pages = 256,
		.hyp_va_offset = 1ULL << 47,
		.nr_vm_slots = 4,
		.nr_hyp_private = 3,
	};
	cd->layout.regions[0] = (struct host_region){ 0x40000000ULL, 0x40000000ULL };
	memset(rd, 0, sizeof(*rd));
	rd->nr_mem = 1;
	rd->mem[0] = (struct ref_region){ 0x40000000ULL, 0x40000000ULL };
	rd->carveout = (struct ref_region){ EL2_CARVE, 2048 << 12 };
	rd->host_pool_pages = 256;
	rd->hyp_pool_pages = 256;
	rd->hyp_va_offset = 1ULL << 47;
	rd->host_ia_bits = 40;
	rd->nr_vm_slots = 4;
	rd->nr_hyp_private = 3;
	for (unsigned i = 0; i < 3; i++) {
		cd->hyp_private[i] =
			(struct pkvm_hyp_private){ priv[i].addr, priv[i].addr, priv[i].nr,
						   priv[i].prot, priv[i].memtype };
		rd->hyp_private[i] =
			(struct ref_hyp_private){ priv[i].addr, priv[i].addr, priv[i].nr,
						  priv[i].prot, priv[i].memtype };
	}
}

/* Run @name on both sides: it succeeds, every dual check passes, the digests agree. */
static void step_agrees(struct dual *d, const char *name, const uint64_t *v)
{
	struct fz_op op = { .def = fz_op_find(&fz_world_pkvm, name) };
	struct fz_failure f;
	int ref_rc, core_rc;

	memcpy(op.v, v, sizeof(op.v));
	ref_rc = op.def->ref(&d->ref, &op);
	core_rc = op.def->core(d, &op);
	if (!dual_check(d, name, core_rc, ref_rc, &f))
		fail_msg("%s\n%s\ns2fuzz-signature: %s", f.check, f.detail, f.signature);
	if (core_rc)
		print_error("%s returned %d\n", name, core_rc);
	assert_int_equal(core_rc, 0);
	assert_int_equal(dual_core_state_digest(d), dual_ref_state_digest(&d->ref, d->m.nr_vm_slots));
}

static void private_hyp_ranges_digests_agree_after_init_and_transitions(void **state)
{
	static struct dual d;
	static struct ref bare;
	static char bare_arena[1 << 20];
	struct fz_failure f;
	struct fz_machine m;
	struct pkvm_desc cd;
	struct ref_desc rd;
	u64 after_carve = (EL2_CARVE >> 12) + 2048, pgd = 0x48000;
	unsigned level;
	uint64_t desc;
	pte_t e;
	u32 core_level;

	el2_machine(&m, &cd, &rd);
	assert_int_equal(dual_init_descs(&d, &m, &cd, &rd, &f), 0);
	if (!dual_check(&d, "init", 0, 0, &f))
		fail_msg("%s\n%s", f.check, f.detail);
	assert_int_equal(dual_core_state_digest(&d), dual_ref_state_digest(&d.ref, m.nr_vm_slots));
	/* Both sides hold the text block and the UART page... */
	assert_int_equal(pgt_get_leaf(&d.pkvm.hyp_s1, EL2_TEXT, &e, &core_level), 0);
	assert_int_equal(ref_get_leaf(&d.ref, REF_KIND_HYP_S1, 0, EL2_TEXT, &level, &desc), 0);
	assert_int_equal(core_level, 2);
	assert_int_equal(level, 2);
	assert_int_equal(desc, e);
	assert_int_equal(pgt_get_leaf(&d.pkvm.hyp_s1, EL2_UART, &e, &core_level), 0);
	assert_int_equal(core_level, 3);
	assert_true(pte_valid(e));
	/* ...and the digest sees them: a reference without them disagrees. */
	rd.nr_hyp_private = 0;
	assert_int_equal(ref_init(&bare, &rd, bare_arena, sizeof(bare_arena)), 0);
	assert_int_not_equal(dual_core_state_digest(&d), dual_ref_state_digest(&bare, m.nr_vm_slots));

	step_agrees(&d, "host_donate_hyp", V([PK_PFN] = after_carve, [PK_NR] = 4));
	step_agrees(&d, "host_share_hyp", V([PK_PFN] = after_carve + 4));
	step_agrees(&d, "hyp_pin", V([PK_PFN] = after_carve + 4));
	step_agrees(&d, "hyp_access", V([PK_PFN] = after_carve + 4));
	step_agrees(&d, "hyp_unpin", V([PK_PFN] = after_carve + 4));
	step_agrees(&d, "host_mem_abort", V([PK_ADDR] = (after_carve + 8) << 12));
	step_agrees(&d, "vm_create", V([PK_VM] = 0, [PK_IA_BITS] = 40, [PK_PGD] = pgd));
	/* Start level 0 at 40 bits: L1, L2 and L3 tables for the first gfn. */
	for (u64 i = 1; i <= 3; i++)
		step_agrees(&d, "vm_topup", V([PK_VM] = 0, [PK_PFN] = pgd + i));
	step_agrees(&d, "host_donate_guest", V([PK_VM] = 0, [PK_PFN] = pgd + 4, [PK_GFN] = 9));
	step_agrees(&d, "hyp_donate_host", V([PK_PFN] = after_carve, [PK_NR] = 4));
	step_agrees(&d, "host_unshare_hyp", V([PK_PFN] = after_carve + 4));
	/* The private ranges are where init put them. */
	assert_int_equal(pgt_get_leaf(&d.pkvm.hyp_s1, EL2_TEXT, &e, &core_level), 0);
	assert_int_equal(core_level, 2);
	assert_int_equal(e, desc);
	dual_fini(&d);
}

/* The first leaf run of @lm at @level with a valid template, or NULL. */
static struct ref_run *valid_run_at(struct ref_lmap *lm, unsigned level)
{
	for (size_t i = 0; i < lm->leaves.nr; i++) {
		if (lm->leaves.run[i].level == level && (lm->leaves.run[i].val & 1))
			return &lm->leaves.run[i];
	}
	return NULL;
}

/*
 * The reference's own state corrupted by hand (a test-only mutation): the
 * brute-force model must say so before anything is compared with the core,
 * and stay quiet once the state is put back.
 */
static void oracle_catches_a_reference_shape_that_is_wrong(void **state)
{
	static struct dual d;
	static const uint8_t virt[FZ_HEADER_SIZE] = { 0 };
	char line[] = "machine preset=tiny", err[128];
	struct fz_err e = { err, sizeof(err) };
	uint8_t tiny[FZ_HEADER_SIZE];
	struct ref_lmap *host = &d.ref.host;
	struct fz_failure f;
	struct fz_machine m;
	struct ref_run *block, saved;
	struct fz_kvline kv;

	fz_decode_machine(virt, &m);
	assert_int_equal(dual_init(&d, &m, &f), 0);
	assert_false(d.brute_on); /* 2 GiB, 192-page pools: too big */
	dual_end(&d);
	assert_true(fz_kv_split(line, &kv, &e) && fz_machine_parse(&kv, tiny, &e));
	fz_decode_machine(tiny, &m);
	assert_int_equal(dual_init(&d, &m, &f), 0);
	assert_true(d.brute_on);
	/* A host abort maps a 2 MiB default block; the oracle ran and agreed. */
	assert_true(step(&d, "host_mem_abort", V([PK_ADDR] = 0x40400000), &f));
	assert_true(d.brute[0].known);
	block = valid_run_at(host, 2);
	assert_non_null(block);

	/* One table page too many, as merged intervals gone wrong would count. */
	host->nr_tables++;
	host->generation++;
	assert_false(dual_check(&d, "test", 0, 0, &f));
	assert_string_equal(f.signature, "oracle/test/tables");
	assert_non_null(strstr(f.detail, "host stage-2"));
	host->nr_tables--;
	host->generation++;
	assert_true(dual_check(&d, "test", 0, 0, &f));

	/* A leaf at level 0, where no leaf may be. */
	saved = *block;
	block->level = 0;
	host->generation++;
	assert_false(dual_check(&d, "test", 0, 0, &f));
	assert_string_equal(f.signature, "oracle/test/leaves");

	/* The block no longer a host default (AF clear): §4.1 allows only pages. */
	*block = saved;
	block->val &= ~(1ULL << 10);
	host->generation++;
	assert_false(dual_check(&d, "test", 0, 0, &f));
	assert_string_equal(f.signature, "oracle/test/host-block");
	*block = saved;
	host->generation++;
	assert_true(dual_check(&d, "test", 0, 0, &f));
	dual_fini(&d);
}

/* fuzz_pgtable's world: the same check after its operations. */
static void oracle_catches_a_wrong_table_count_in_fuzz_pgtable(void **state)
{
	struct fz_tables *d = fz_tables_harness.state;
	struct fz_tables_setup s = { { 39, FZ_TABLES_HYP_IA_BITS }, { 64, 64 }, FZ_WIN_GIB };
	struct fz_op op = { .def = fz_op_find(&fz_world_tables, "map") };
	struct ref_lmap *guest = &d->ref[FZ_T_GUEST].map;
	struct fz_failure f;

	assert_non_null(op.def);
	assert_int_equal(fz_tables_harness.init(d, &s, &f), 0);
	assert_true(d->brute_on);
	/* Three pages at 1 GiB: a level-2 and a level-3 table under the root. */
	assert_int_equal(ref_table_map(&d->ref[FZ_T_GUEST], 1ULL << 30, 3, 0x1000,
				       REF_PROT_R | REF_PROT_W, REF_MT_NORMAL),
			 0);
	assert_int_equal(pgt_s2_map(&d->pgt[FZ_T_GUEST], ipa_init(1ULL << 30), 3, pa_init(0x1000),
				    PGT_PROT_RW, PGT_MEM_NORMAL),
			 0);
	assert_true(fz_tables_harness.check(d, &op, 0, 0, &f));
	assert_true(d->brute[FZ_T_GUEST].known);
	assert_int_equal(brute_tables(&d->brute[FZ_T_GUEST]), 3);

	guest->nr_tables--;
	guest->generation++;
	assert_false(fz_tables_harness.check(d, &op, 0, 0, &f));
	assert_string_equal(f.signature, "oracle/map/tables");
	assert_non_null(strstr(f.detail, "counts 2 table pages, its leaves need 3"));
	guest->nr_tables++;
	guest->generation++;
	assert_true(fz_tables_harness.check(d, &op, 0, 0, &f));
	fz_tables_harness.fini(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_mapping_a_guest_page_is_caught),
		cmocka_unit_test(private_hyp_ranges_digests_agree_after_init_and_transitions),
		cmocka_unit_test(oracle_catches_a_reference_shape_that_is_wrong),
		cmocka_unit_test(oracle_catches_a_wrong_table_count_in_fuzz_pgtable),
	};

	return cmocka_run_group_tests_name("dual", tests, NULL, NULL);
}
