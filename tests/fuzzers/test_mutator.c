// SPDX-License-Identifier: MIT
/*
 * Structure-aware mutation (fuzzers/lib/mutator.h) and state feedback
 * (feedback.h): mutations keep inputs whole records, new records continue
 * what earlier ones were about, cross-over splices at record boundaries;
 * the counters tell a run that took a guest through its whole life from
 * one that did not.
 */
#include "dual.h"
#include "feedback.h"
#include "mutator.h"
#include "ops_pkvm.h"
#include "ref_machine.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#define MAX 2048

static const struct fz_world *const worlds[] = { &fz_world_pkvm, &fz_world_hvc,
						 &fz_world_tables };

static size_t encode(const struct fz_world *w, const char *script, uint8_t *out)
{
	char err[256] = "";
	size_t n = fz_script_to_input(w, script, out, MAX, err, sizeof(err));

	if (!n)
		fail_msg("%s", err);
	return n;
}

/* Every mutation, from a header alone or from a few records, is a header and whole records. */
static void mutations_keep_whole_records(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(worlds) / sizeof(worlds[0]); k++) {
		const struct fz_world *w = worlds[k];
		uint8_t buf[MAX];
		size_t size = w->header_size, grew = 0;

		memset(buf, 0, sizeof(buf));
		for (unsigned seed = 1; seed <= 20000; seed++) {
			size_t before = size;

			size = fz_mutate(w, buf, size, seed % 7 ? MAX : w->header_size + 3 * w->record_size,
					 seed);
			assert_true(size >= w->header_size);
			assert_int_equal((size - w->header_size) % w->record_size, 0);
			assert_true(size <= MAX);
			grew += size > before;
			if (seed % 7 == 0 && size > w->header_size + 3 * w->record_size)
				fail_msg("%s: %zu bytes past the room given", w->target, size);
		}
		assert_true(grew > 1000);
	}
}

/*
 * Records after record @src taking a VM and a gfn: how many took both of
 * @src's (byte 1, bytes 8-15), and how many only one of them.
 */
static void count_follows(const uint8_t *in, size_t size, size_t src, unsigned *both,
			  unsigned *one)
{
	const struct fz_world *w = &fz_world_pkvm;
	const uint8_t *s = in + w->header_size + src * w->record_size;
	_Alignas(8) uint8_t setup[FZ_SETUP_MAX];

	w->decode_setup(in, setup);
	for (size_t off = w->header_size + (src + 1) * w->record_size; off + w->record_size <= size;
	     off += w->record_size) {
		const uint8_t *r = in + off;
		struct fz_op op;
		bool vm, gfn;

		fz_decode_op(w, setup, r, &op);
		if (op.def->fields != ((1U << PK_VM) | (1U << PK_GFN)))
			continue; /* host_unshare_guest, guest_relinquish, guest_access */
		vm = r[1] == s[1];
		gfn = !memcmp(r + 8, s + 8, 8);
		*both += vm && gfn;
		*one += vm != gfn;
	}
}

/*
 * A new record mostly continues one earlier record: every field they share
 * comes from it, so after a donation the relinquish or unshare names the
 * same VM and gfn together (fields taken one by one would agree on one of
 * the two more often than on both).
 */
static void new_records_continue_what_an_earlier_one_did(void **state)
{
	static const char script[] = "machine preset=virt\n"
				     "host_donate_guest vm=1 pfn=mem:4660 gfn=0x1234\n";
	uint8_t in[MAX], buf[MAX];
	size_t n = encode(&fz_world_pkvm, script, in);
	unsigned both = 0, one = 0;

	(void)state;
	for (unsigned seed = 1; seed <= 20000; seed++) {
		memcpy(buf, in, n);
		count_follows(buf, fz_mutate(&fz_world_pkvm, buf, n, MAX, seed), 0, &both, &one);
	}
	assert_true(both > 100);
	assert_true(both > 2 * one);
}

/*
 * A page a new record takes from an earlier one is now and then one of the
 * next few pages: a topup after vm_create's pgd names a page of its own.
 */
static void new_records_try_the_pages_after_an_earlier_one(void **state)
{
	static const char script[] = "machine preset=virt\n"
				     "vm_create vm=0 ia_bits=40 pgd=mem:100\n";
	_Alignas(8) uint8_t setup[FZ_SETUP_MAX];
	const struct fz_world *w = &fz_world_pkvm;
	uint8_t in[MAX], buf[MAX];
	size_t n = encode(w, script, in);
	unsigned same = 0, after = 0;
	uint64_t pgd;

	(void)state;
	w->decode_setup(in, setup);
	fz_memory_pfn((const struct fz_machine *)setup, 100, &pgd);
	for (unsigned seed = 1; seed <= 20000; seed++) {
		size_t size;

		memcpy(buf, in, n);
		size = fz_mutate(w, buf, n, MAX, seed);
		for (size_t off = w->header_size + w->record_size; off + w->record_size <= size;
		     off += w->record_size) {
			struct fz_op op;

			fz_decode_op(w, setup, buf + off, &op);
			if (!(op.def->fields & (1U << PK_PFN)))
				continue;
			same += op.v[PK_PFN] == pgd;
			after += op.v[PK_PFN] > pgd && op.v[PK_PFN] <= pgd + 8;
		}
	}
	assert_true(after > 100);
	/* The same page still most often: a share after a donation is about that page. */
	assert_true(same > after);
}

/* Operations no state refuses: pool fault injection and accesses. */
static bool always_accepted(const struct fz_op_def *d)
{
	return !strncmp(d->name, "pool_", 5) || strstr(d->name, "_access");
}

/*
 * Of @seeds mutations of @in (@n bytes) that add one record at its end, an
 * operation some state refuses, how many add one that a reference accepts
 * after @in's records; how many added one in @inserted.
 */
static unsigned accepted_insertions(const struct fz_world *w, const uint8_t *in, size_t n,
				    unsigned seeds, unsigned *inserted)
{
	_Alignas(8) uint8_t setup[FZ_SETUP_MAX];
	uint8_t buf[MAX];
	unsigned accepted = 0;

	*inserted = 0;
	w->decode_setup(in, setup);
	for (unsigned seed = 1; seed <= seeds; seed++) {
		size_t at = w->header_size;
		struct fz_op op;
		void *ref;

		memcpy(buf, in, n);
		if (fz_mutate(w, buf, n, MAX, seed) != n + w->record_size ||
		    memcmp(buf, in, w->header_size))
			continue;
		while (at < n && !memcmp(buf + at, in + at, w->record_size))
			at += w->record_size;
		fz_decode_op(w, setup, buf + at, &op);
		if (at != n || always_accepted(op.def))
			continue; /* not an insertion after the VM and its memcache */
		(*inserted)++;
		ref = fz_machine_trial(setup);
		assert_non_null(ref);
		for (size_t off = w->header_size; off <= at; off += w->record_size) {
			int rc;

			fz_decode_op(w, setup, buf + off, &op);
			rc = op.def->ref(ref, &op);
			accepted += off == at && rc == 0;
		}
	}
	return accepted;
}

/*
 * New records are tried on a reference of the mutator's own: after a VM
 * and its memcache, far more of the records the mutator inserts are ones
 * the state accepts than when the world offers no reference to try them on.
 */
static void new_records_are_tried_on_the_reference(void **state)
{
	static const char script[] = "machine preset=virt\n"
				     "vm_create vm=0 ia_bits=36 pgd=mem:8192\n"
				     "vm_topup vm=0 pfn=mem:8193\n"
				     "vm_topup vm=0 pfn=mem:8194\n";
	struct fz_world untried = fz_world_pkvm;
	uint8_t in[MAX];
	size_t n = encode(&fz_world_pkvm, script, in);
	unsigned tried_in, tried_ok, plain_in, plain_ok;

	(void)state;
	untried.trial_world = NULL;
	tried_ok = accepted_insertions(&fz_world_pkvm, in, n, 20000, &tried_in);
	plain_ok = accepted_insertions(&untried, in, n, 20000, &plain_in);
	print_message("accepted insertions: tried %u of %u, untried %u of %u\n", tried_ok,
		      tried_in, plain_ok, plain_in);
	assert_true(tried_in > 1000 && plain_in > 1000);
	/* Measured: 761 of 3076 against 413 of 3127 (25% against 13%). */
	assert_true(2 * tried_ok * plain_in > 3 * plain_ok * tried_in);
}

/*
 * Pages drawn anew are now and then a few pages either side of a region's
 * edge: the last pages of QEMU virt's memory, where an abort's block ends.
 */
static void new_pages_sit_at_region_edges(void **state)
{
	const struct fz_world *w = &fz_world_pkvm;
	_Alignas(8) uint8_t setup[FZ_SETUP_MAX];
	const struct fz_machine *m = (const void *)setup;
	uint8_t buf[MAX];
	unsigned last = 0, past = 0, pages = 0;
	uint64_t end;

	(void)state;
	memset(buf, 0, w->header_size);
	w->decode_setup(buf, setup);
	end = (m->regions[0].base + m->regions[0].size) >> 12;
	for (unsigned seed = 1; seed <= 20000; seed++) {
		size_t size;

		memset(buf, 0, w->header_size);
		size = fz_mutate(w, buf, w->header_size, MAX, seed);
		for (size_t off = w->header_size; off + w->record_size <= size; off += w->record_size) {
			struct fz_op op;
			uint64_t pfn;

			fz_decode_op(w, setup, buf + off, &op);
			if (op.def->fields & (1U << PK_PFN))
				pfn = op.v[PK_PFN];
			else if (op.def->fields & (1U << PK_ADDR))
				pfn = op.v[PK_ADDR] >> 12;
			else
				continue;
			pages++;
			last += pfn < end && pfn >= end - 8;
			past += pfn >= end && pfn < end + 8;
		}
	}
	print_message("pages drawn: %u, in the last 8 of memory %u, in the 8 past it %u\n", pages,
		      last, past);
	/* Spread over 2^19 pages, 8 would be hit about 1 in 65,536 draws. */
	assert_true(pages > 2000);
	assert_true(last * 200 > pages && past * 200 > pages);
}

/* Cross-over: @a's header, then records each whole from @a or @b, in a few runs. */
static void cross_over_splices_whole_records(void **state)
{
	static const char a_script[] = "machine preset=phone vm_slots=4\n"
				       "vm_create vm=0 ia_bits=40 pgd=mem:8192\n"
				       "vm_topup vm=0 pfn=mem:8193\n"
				       "host_donate_guest vm=0 pfn=mem:100 gfn=0x1\n";
	static const char b_script[] = "machine preset=virt\n"
				       "vm_teardown vm=0\n"
				       "host_reclaim_page pfn=mem:100\n"
				       "host_access pfn=mem:100\n";
	const struct fz_world *w = &fz_world_pkvm;
	uint8_t a[MAX], b[MAX], out[MAX];
	size_t na = encode(w, a_script, a), nb = encode(w, b_script, b);
	unsigned with_b = 0, same_header = 0, whole = 0;

	(void)state;
	for (unsigned seed = 1; seed <= 3000; seed++) {
		size_t size = fz_cross_over(w, a, na, b, nb, out, MAX, seed);
		bool from_b = false, all_whole = true;

		assert_int_equal((size - w->header_size) % w->record_size, 0);
		same_header += !memcmp(out, a, w->header_size);
		for (size_t off = w->header_size; off < size; off += w->record_size) {
			bool in_a = false, in_b = false;

			for (size_t o = w->header_size; o < na; o += w->record_size)
				in_a |= !memcmp(out + off, a + o, w->record_size);
			for (size_t o = w->header_size; o < nb; o += w->record_size)
				in_b |= !memcmp(out + off, b + o, w->record_size);
			from_b |= in_b && !in_a;
			all_whole &= in_a || in_b;
		}
		with_b += from_b;
		whole += all_whole;
	}
	assert_true(with_b > 500);
	/* Two thirds are splices, every record whole from one side; a third @a mutated. */
	assert_true(whole > 1800);
	/* Only @a's own mutations (a third) change its header, and then rarely. */
	assert_true(same_header > 2900);
}

static unsigned counters_hit(const uint8_t *in, size_t n)
{
	extern uint8_t __start___libfuzzer_extra_counters[], __stop___libfuzzer_extra_counters[];
	unsigned hit = 0;

	memset(__start___libfuzzer_extra_counters, 0,
	       (size_t)(__stop___libfuzzer_extra_counters - __start___libfuzzer_extra_counters));
	LLVMFuzzerTestOneInput(in, n);
	for (uint8_t *c = __start___libfuzzer_extra_counters; c < __stop___libfuzzer_extra_counters;
	     c++)
		hit += *c != 0;
	return hit;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run(&fz_pkvm_harness, data, size);
}

/*
 * A guest's whole life, met in one VM slot, is told apart by the counters
 * from the same run stopped before the host uses the reclaimed page again.
 */
static void counters_tell_a_whole_guest_lifecycle(void **state)
{
	/* VM 0 created, its memcache topped up, a page donated and one shared. */
#define VM0_DONATED_AND_SHARED                                    \
	"machine preset=virt vm_slots=4\n"                        \
	"vm_create vm=0 ia_bits=40 pgd=mem:8192\n"                \
	"vm_topup vm=0 pfn=mem:8193\n"                            \
	"vm_topup vm=0 pfn=mem:8194\n"                            \
	"vm_topup vm=0 pfn=mem:8195\n"                            \
	"host_donate_guest vm=0 pfn=mem:100 gfn=0x0\n"            \
	"host_share_guest vm=0 pfn=mem:200 gfn=0x10 prot=6\n"
	static const char life[] = VM0_DONATED_AND_SHARED "vm_teardown vm=0\n"
							  "host_reclaim_page pfn=mem:100\n";
	char whole[sizeof(life) + 64];
	uint8_t a[MAX], b[MAX];
	size_t na, nb;
	unsigned part, all;

	(void)state;
	snprintf(whole, sizeof(whole), "%shost_access pfn=mem:100\n", life);
	na = encode(&fz_world_pkvm, life, a);
	nb = encode(&fz_world_pkvm, whole, b);
	part = counters_hit(a, na);
	assert_int_equal(fz_feedback_lifecycle(), FZ_LIFE_WHOLE & ~FZ_LIFE_RETOUCHED);
	all = counters_hit(b, nb);
	assert_int_equal(fz_feedback_lifecycle(), FZ_LIFE_WHOLE);
	assert_true(all > part);
	/* Milestones met by two VM slots between them make neither whole. */
	nb = encode(&fz_world_pkvm,
		    VM0_DONATED_AND_SHARED "vm_create vm=1 ia_bits=40 pgd=mem:9192\n"
		    "vm_teardown vm=1\n"
		    "host_reclaim_page pfn=mem:9192\n"
		    "host_access pfn=mem:9192\n",
		    b);
	counters_hit(b, nb);
	/* The most one slot met: VM 1's four (VM 0's three, together, would be all six). */
	assert_int_equal(fz_feedback_lifecycle(),
			 FZ_LIFE_CREATED | FZ_LIFE_TORN_DOWN | FZ_LIFE_RECLAIMED | FZ_LIFE_RETOUCHED);
#undef VM0_DONATED_AND_SHARED
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mutations_keep_whole_records),
		cmocka_unit_test(new_records_continue_what_an_earlier_one_did),
		cmocka_unit_test(new_records_try_the_pages_after_an_earlier_one),
		cmocka_unit_test(new_records_are_tried_on_the_reference),
		cmocka_unit_test(new_pages_sit_at_region_edges),
		cmocka_unit_test(cross_over_splices_whole_records),
		cmocka_unit_test(counters_tell_a_whole_guest_lifecycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
