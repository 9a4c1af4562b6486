// SPDX-License-Identifier: MIT
/*
 * The operation table and the one script language (docs/input-format.md):
 * scripts encode to records that decode to exactly the values they name,
 * any input of any world prints as a script that encodes back to the same
 * operations, near-miss hypercall ids are never calls (but for the SVE hint,
 * which §12 ignores), and a bad script is refused with its line and reason.
 */
#include "machine.h"
#include "ops_hvc.h"
#include "ops_parallel.h"
#include "ops_pkvm.h"
#include "ops_tables.h"
#include "optable.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

static const struct fz_world *const worlds[] = { &fz_world_pkvm, &fz_world_hvc, &fz_world_tables,
						 &fz_world_parallel };

/* Encode @script for @w (it must encode), decode its @i-th record into @op. */
static void nth_op(const struct fz_world *w, const char *script, unsigned i, struct fz_op *op)
{
	_Alignas(8) uint8_t setup[FZ_SETUP_MAX];
	static uint8_t in[4096];
	char err[512] = "";
	size_t n = fz_script_to_input(w, script, in, sizeof(in), err, sizeof(err));

	if (!n)
		fail_msg("'%s' did not encode: %s", script, err);
	assert_true(w->header_size + (i + 1) * w->record_size <= n);
	w->decode_setup(in, setup);
	fz_decode_op(w, setup, in + w->header_size + i * w->record_size, op);
}

/* The value of @key in @op (the field must be one the operation takes). */
static uint64_t val(const struct fz_world *w, const struct fz_op *op, const char *key)
{
	for (unsigned i = 0; i < w->nr_fields; i++) {
		if ((op->def->fields & (1U << i)) && !strcmp(w->field[i].key, key))
			return op->v[i];
	}
	fail_msg("%s takes no %s", op->def->name, key);
	return 0;
}

static const char lifecycle[] = "# comments and blank lines are fine\n\n"
				"machine preset=virt vm_slots=4 hyp_va_offset=0x100000200000\n"
				"vm_create vm=0 ia_bits=40 pgd=mem:4096\n"
				"host_donate_guest vm=0 pfn=0x41000 gfn=0x10\n"
				"host_share_guest vm=1 pfn=carve:-3 gfn=0x11 prot=6\n"
				"host_donate_hyp pfn=0x50000 nr=1024\n"
				"host_mem_abort addr=0x40000008\n"
				"pool_hide pool=2 nr=63\n"
				"vm_teardown vm=17\n";

static void scripts_encode_to_the_values_they_name(void **state)
{
	const struct fz_world *p = &fz_world_pkvm, *h = &fz_world_hvc, *t = &fz_world_tables;
	struct fz_op op;

	(void)state;
	nth_op(p, lifecycle, 0, &op);
	assert_string_equal(op.def->name, "vm_create");
	assert_int_equal(val(p, &op, "ia_bits"), 40);
	assert_int_equal(val(p, &op, "pgd"), 0x40000 + 4096);
	nth_op(p, lifecycle, 2, &op);
	assert_int_equal(val(p, &op, "vm"), 1);
	assert_int_equal(val(p, &op, "prot"), 6);
	assert_int_equal(val(p, &op, "pfn"), ((0x40000000ULL + 512 * 0x100000ULL) >> 12) - 3);
	nth_op(p, lifecycle, 3, &op);
	assert_int_equal(val(p, &op, "nr"), 1024);
	nth_op(p, lifecycle, 4, &op);
	assert_int_equal(val(p, &op, "addr"), 0x40000008);
	nth_op(p, lifecycle, 5, &op);
	assert_int_equal(val(p, &op, "pool"), 2);
	assert_int_equal(val(p, &op, "nr"), 63);
	nth_op(p, lifecycle, 6, &op);
	assert_int_equal(val(p, &op, "vm"), 17);

	nth_op(h, "machine\nhvc x0=vm_create x1=0 x2=40 x3=mem:8192\nabort addr=0x40000123\n", 0,
	       &op);
	assert_int_equal(val(h, &op, "x0"), 0xC6000006);
	assert_int_equal(val(h, &op, "x3"), 0x40000 + 8192);
	assert_int_equal(val(h, &op, "x4"), 0); /* left out: 0 */
	nth_op(h, "machine\nhvc x0=0xc6010000 x1=-1\n", 0, &op);
	assert_int_equal(val(h, &op, "x0"), 0xC6010000);
	assert_int_equal(val(h, &op, "x1"), ~0ULL);
	nth_op(h, "machine\nabort addr=0x40000123\n", 0, &op);
	assert_string_equal(op.def->name, "abort");
	assert_int_equal(val(h, &op, "addr"), 0x40000123);

	nth_op(t, "tables ia_bits=40 window=gib\nmap table=hyp ia=0x40200000 nr=512 "
		  "pa=0x80200000 prot=rw memtype=device\n", 0, &op);
	assert_int_equal(val(t, &op, "table"), FZ_T_HYP);
	assert_int_equal(val(t, &op, "ia"), 0x40200000);
	assert_int_equal(val(t, &op, "nr"), 512);
	assert_int_equal(val(t, &op, "pa"), 0x80200000);
	assert_int_equal(val(t, &op, "prot"), 6);
	assert_int_equal(val(t, &op, "memtype"), 1);
}

/*
 * Page selectors reach every place that matters on the 48-bit machine (memory
 * at 512 GiB and at 16 TiB + 2 MiB): the page past a region's end, the 1 GiB
 * and 512 GiB boundaries around a region, MMIO far above 4 TiB, the last page
 * below 2^48 and the first past it. Each encodes, and decodes to itself.
 */
static void page_selectors_reach_the_whole_machine(void **state)
{
	static const uint64_t pages[] = {
		0x8040000,	 /* just past region 0 (512 GiB + 1 GiB) */
		0x100000000,	 /* region 1's 1 GiB boundary below it: 16 TiB */
		0x100040200,	 /* just past region 1 */
		0x100080000,	 /* region 1's end rounded up to 1 GiB */
		0x108000000,	 /* and to 512 GiB */
		0x7ffffff80,	 /* MMIO 512 KiB below 2^47 */
		0xfffffffff,	 /* the last page below 2^48 */
		0x1000000000,	 /* the first past it */
	};
	char script[256];
	struct fz_op op;

	(void)state;
	for (unsigned i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		snprintf(script, sizeof(script), "machine preset=wide\nhost_share_hyp pfn=%#llx\n",
			 (unsigned long long)pages[i]);
		nth_op(&fz_world_pkvm, script, 0, &op);
		assert_int_equal(val(&fz_world_pkvm, &op, "pfn"), pages[i]);
	}
}

/* Random bytes of every world: input -> script -> input -> the same script. */
static void any_input_round_trips_through_its_script(void **state)
{
	static char t1[1 << 17], t2[1 << 17], err[512];
	static uint8_t in[FZ_HEADER_SIZE + 64 * 40], again[sizeof(in)];
	uint32_t seed = 1;

	(void)state;
	for (unsigned wi = 0; wi < 4; wi++) {
		const struct fz_world *w = worlds[wi];

		for (unsigned iter = 0; iter < 2000; iter++) {
			/* Whole records, and (for fuzz_parallel's schedule) some bytes more. */
			size_t len = w->header_size + (iter % 64) * w->record_size +
				     (w->tail_name ? iter % 3 : 0), n;

			for (size_t i = 0; i < len; i++) {
				seed = seed * 1103515245U + 12345U;
				in[i] = (uint8_t)(seed >> 16);
			}
			fz_input_to_script(w, in, len, t1, sizeof(t1));
			n = fz_script_to_input(w, t1, again, sizeof(again), err, sizeof(err));
			if (!n)
				fail_msg("%s: script did not encode: %s\n%s", w->target, err, t1);
			fz_input_to_script(w, again, n, t2, sizeof(t2));
			assert_string_equal(t1, t2);
		}
	}
}

/* A truncated record is said once, with its size; whole records never. */
static void decoding_names_only_real_trailing_bytes(void **state)
{
	static char text[1 << 16];
	uint8_t in[FZ_HEADER_SIZE + 3 * 40 + 7] = { 0 };

	(void)state;
	fz_input_to_script(&fz_world_hvc, in, FZ_HEADER_SIZE + 3 * 40, text, sizeof(text));
	assert_null(strstr(text, "trailing"));
	fz_input_to_script(&fz_world_hvc, in, sizeof(in), text, sizeof(text));
	assert_non_null(strstr(text, "# 7 trailing bytes ignored"));
	fz_input_to_script(&fz_world_pkvm, in, FZ_HEADER_SIZE + 16 * 8, text, sizeof(text));
	assert_null(strstr(text, "trailing"));
}

/*
 * Selectors 0xc0-0xef are near misses: never calls, but for "id ^ noise" and
 * an id with only the SVE hint (bit 16) added, which §12 ignores.
 */
static void near_misses_are_not_calls(void **state)
{
	static const uint8_t virt[FZ_HEADER_SIZE];
	uint8_t rec[40] = { 0 };
	struct fz_machine m;
	unsigned valid = 0;

	(void)state;
	fz_decode_machine(virt, &m);
	for (unsigned sel = 0; sel < 0xf0; sel++) {
		for (unsigned noise = 0; noise < 64; noise++) {
			unsigned kind = (sel - 0xc0) % 16;
			struct fz_op op;

			rec[0] = (uint8_t)sel;
			rec[3] = (uint8_t)(noise * 37);
			rec[7] = (uint8_t)noise;
			fz_decode_op(&fz_world_hvc, &m, rec, &op);
			bool call = fz_hvc_call_name(op.v[HV_X0]) != NULL;

			if (sel < 0xc0 || kind == 9)
				assert_true(call);
			else if (kind == 15)
				valid += call;
			else if (call && (op.v[HV_X0] & ~(1ULL << 16)) != 0xC6000000ULL + sel % 14)
				fail_msg("selector %#x noise %u: %#llx is a call", sel, noise,
					 (unsigned long long)op.v[HV_X0]);
		}
	}
	assert_true(valid < 3 * 64); /* "id ^ noise" hits a call only for small noise */
}

static void bad_scripts_say_what_is_wrong(void **state)
{
	static const struct {
		const struct fz_world *w;
		const char *script, *msg;
	} cases[] = {
		{ &fz_world_pkvm, "", "starts with a machine line" },
		{ &fz_world_pkvm, "host_share_hyp pfn=1\n", "line 1: a fuzz_pkvm script starts with a machine line" },
		{ &fz_world_pkvm, "machine preset=mars\n", "preset: 'mars' is not" },
		{ &fz_world_pkvm, "machine colour=red\n", "machine takes no argument 'colour'" },
		{ &fz_world_pkvm, "machine\nfly vm=1\n", "line 2: unknown operation 'fly'" },
		{ &fz_world_pkvm, "machine\nhost_share_hyp pfn=banana\n", "'banana' is not a number" },
		{ &fz_world_pkvm, "machine\nhost_share_hyp pfn=0x12zz\n", "'0x12zz' is not a number" },
		{ &fz_world_pkvm, "machine\nhost_share_hyp pfn=12345678901234567890123456\n",
		  "is not a number" },
		{ &fz_world_pkvm, "machine\nhost_share_hyp pfn=carve:abc\n", "carve-out offset" },
		{ &fz_world_pkvm, "machine\nhost_share_hyp pfn=carve:\n", "carve-out offset" },
		{ &fz_world_pkvm, "machine\nhost_share_hyp pfn=mem:99999999\n", "no such memory page" },
		{ &fz_world_pkvm, "machine\nhost_share_hyp\n", "host_share_hyp needs pfn=" },
		{ &fz_world_pkvm, "machine\nvm_topup vm=1\n", "vm_topup needs pfn=" },
		{ &fz_world_pkvm, "machine\nhost_share_hyp pfn=1 pfn=2\n", "pfn given twice" },
		{ &fz_world_pkvm, "machine\nhost_share_hyp pfn\n", "expected key=value" },
		{ &fz_world_pkvm, "machine\nhost_share_hyp pfn=\n", "expected key=value" },
		{ &fz_world_pkvm, "machine\nhost_share_hyp pfn=1 colour=1\n",
		  "host_share_hyp takes no argument 'colour'" },
		{ &fz_world_pkvm, "machine\nhost_donate_hyp pfn=0x40000 nr=1025\n", "nr 1025" },
		{ &fz_world_pkvm, "machine\nvm_topup vm=99 pfn=1\n", "vm 99" },
		{ &fz_world_pkvm, "machine\nhost_mem_abort addr=0x40000004\n", "page + 8" },
		{ &fz_world_pkvm, "machine preset=tiny\nhost_share_hyp pfn=0x123456789\n",
		  "cannot be expressed" },
		{ &fz_world_pkvm, "machine va_align=2m\n", "machine takes no argument 'va_align'" },
		{ &fz_world_pkvm, "machine preset=pc\n", "'pc' is not virt, phone, tiny or wide" },
		{ &fz_world_pkvm, "machine mem0=0x40000000\n", "mem0: '0x40000000' is not BASE+SIZE" },
		{ &fz_world_pkvm, "machine mem8=0+0x1000\n", "machine takes no argument 'mem8'" },
		{ &fz_world_pkvm, "machine carveout=0x1000+x\n", "is not BASE+SIZE (two numbers)" },
		{ &fz_world_pkvm, "machine regions=10\n", "regions: 10 is out of range" },
		{ &fz_world_pkvm, "machine ia_bits=64\n", "ia_bits: 64 is out of range" },
		{ &fz_world_pkvm, "machine vm_slots=49\n", "vm_slots: 49 is out of range" },
		{ &fz_world_pkvm, "machine host_pool=4096\n", "host_pool: 4096 is out of range" },
		{ &fz_world_pkvm, "machine mem0=1+1 mem0=2+2\n", "mem0 given twice" },
		{ &fz_world_hvc, "machine preset=virt\nhvc x0=0 x5=1\n", "hvc takes no argument 'x5'" },
		{ &fz_world_hvc, "machine\nabort\n", "abort needs addr=" },
		{ &fz_world_hvc, "machine\nhvc x1=1\n", "hvc needs x0=" },
		{ &fz_world_hvc, "machine\nhvc x0=fly\n", "'fly' is not a number" },
		{ &fz_world_hvc, "machine\nhvc x0=0 x1=1 x1=2\n", "x1 given twice" },
		{ &fz_world_hvc, "machine\nhvc x0=0x123456789abcdef0\n", "cannot be expressed" },
		{ &fz_world_tables, "map table=guest ia=0 nr=1 pa=0 prot=r memtype=normal\n",
		  "line 1: a fuzz_pgtable script starts with a tables line" },
		{ &fz_world_tables, "tables window=moon\n", "window: 'moon' is not" },
		{ &fz_world_tables, "tables ia_bits=49\n", "ia_bits: 49 is out of range" },
		{ &fz_world_tables, "tables guest_pool=tiny:17\n", "guest_pool: 17 is out of range" },
		{ &fz_world_tables, "tables\nmap guest ia=0\n", "expected key=value, got 'guest'" },
		{ &fz_world_tables, "tables\nmap table=guest ia=0 nr=1 pa=0 prot=r\n",
		  "map needs memtype=" },
		{ &fz_world_tables, "tables\nunmap table=guest ia=0 nr=1 owner=3\n",
		  "unmap takes no argument 'owner'" },
		{ &fz_world_tables, "tables\nunmap table=moon ia=0 nr=1\n", "'moon' is not guest or hyp" },
		{ &fz_world_tables, "tables\nunmap table=guest ia=0 nr=3000\n", "nr 3000" },
		{ &fz_world_tables, "tables\nfault_map table=guest ia=0 level=4 pa=0 prot=r memtype=normal\n",
		  "level 4" },
		{ &fz_world_tables, "tables\nset_owner table=guest ia=0 nr=1 owner=512\n", "owner 512" },
		{ &fz_world_tables, "tables\nrelax_perms table=guest ia=0x40000000 prot=rr\n",
		  "prot: 'rr' is not" },
		{ &fz_world_tables, "tables\nmap table=guest ia=0 nr=1 pa=0 prot=r memtype=3\n",
		  "memtype: '3' is not" },
		{ &fz_world_tables, "tables\nget_leaf table=guest ia=0x123456789000\n",
		  "ia 0x123456789000 cannot be expressed" },
		{ &fz_world_tables,
		  "tables\nmap table=guest ia=0x40000000 nr=1 pa=0x40000008 prot=r memtype=normal\n",
		  "pa 0x40000008 cannot be expressed" },
	};
	uint8_t in[1024];
	char err[512];

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		if (fz_script_to_input(cases[i].w, cases[i].script, in, sizeof(in), err, sizeof(err)))
			fail_msg("'%s' encoded", cases[i].script);
		if (!strstr(err, cases[i].msg))
			fail_msg("'%s': got '%s', want '%s'", cases[i].script, err, cases[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scripts_encode_to_the_values_they_name),
		cmocka_unit_test(page_selectors_reach_the_whole_machine),
		cmocka_unit_test(any_input_round_trips_through_its_script),
		cmocka_unit_test(decoding_names_only_real_trailing_bytes),
		cmocka_unit_test(near_misses_are_not_calls),
		cmocka_unit_test(bad_scripts_say_what_is_wrong),
	};

	return cmocka_run_group_tests_name("optable", tests, NULL, NULL);
}
