// SPDX-License-Identifier: MIT
/*
 * A target's AFL++ custom mutator library (fuzzers/afl_mutator.c), loaded
 * as afl-fuzz loads it (dlopen, then afl_custom_init and afl_custom_fuzz by
 * name) and run on the target's real seeds: every output is the seed's
 * header and whole records, records are inserted and deleted whole at
 * record boundaries, the other input AFL++ passes is spliced in, max_size
 * is kept, and the seed AFL++ gives decides the mutations.
 * usage: test_afl_mutator TARGET LIBRARY SEED_DIR
 */
#define _DEFAULT_SOURCE /* scandir */
#include "optable.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX   4096
#define CALLS 4000

typedef void *(*init_fn)(void *afl, unsigned int seed);
typedef size_t (*fuzz_fn)(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
			  uint8_t *add_buf, size_t add_buf_size, size_t max_size);
typedef const char *(*describe_fn)(void *data, size_t max_description_len);
typedef void (*deinit_fn)(void *data);

static struct {
	const char *target, *library, *seeds;
	const struct fz_world *w;
	void *so;
	init_fn init;
	fuzz_fn fuzz;
	describe_fn describe;
	deinit_fn deinit;
	/* The seed with the most records, and one with a record @a lacks. */
	uint8_t a[MAX], b[MAX];
	size_t na, nb;
} t;

static size_t records(size_t size)
{
	return (size - t.w->header_size) / t.w->record_size;
}

static const uint8_t *rec(const uint8_t *in, size_t i)
{
	return in + t.w->header_size + i * t.w->record_size;
}

/* Whether @r is one of the records of @in. */
static bool has_record(const uint8_t *in, size_t size, const uint8_t *r)
{
	for (size_t i = 0; i < records(size); i++)
		if (!memcmp(rec(in, i), r, t.w->record_size))
			return true;
	return false;
}

/* Whether @out is @in with one whole record added at a record boundary. */
static bool one_record_inserted(const uint8_t *in, size_t n, const uint8_t *out, size_t size)
{
	size_t hs = t.w->header_size, rs = t.w->record_size, k = 0;

	if (size != n + rs || memcmp(out, in, hs))
		return false;
	while (k < records(n) && !memcmp(rec(out, k), rec(in, k), rs))
		k++;
	return !memcmp(rec(out, k + 1), rec(in, k), (records(n) - k) * rs);
}

static size_t read_file(const char *path, uint8_t *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, MAX, f);
	fclose(f);
	return n;
}

static int by_name(const struct dirent **x, const struct dirent **y)
{
	return strcmp((*x)->d_name, (*y)->d_name);
}

/*
 * Whether records @i and @i + 1 of @in come one after the other in @out, the
 * first a record @a lacks: two records of @in together, which one field
 * edited in a record of @a does not make (seeds from scripts differ in few
 * bytes: vm=0 and vm=1 in records otherwise the same).
 */
static bool pair_of(const uint8_t *in, size_t i, const uint8_t *out, size_t size)
{
	size_t rs = t.w->record_size;

	if (has_record(t.a, t.na, rec(in, i)))
		return false;
	for (size_t r = 0; r + 1 < records(size); r++)
		if (!memcmp(rec(out, r), rec(in, i), 2 * rs))
			return true;
	return false;
}

/* Whether two records of @b together, the first one @a lacks, are in @out. */
static bool has_pair_of_b(const uint8_t *out, size_t size)
{
	for (size_t i = 0; i + 1 < records(t.nb); i++)
		if (pair_of(t.b, i, out, size))
			return true;
	return false;
}

/* @a: the seed with the most records; @b: the first other seed with a pair @a lacks. */
static void load_seeds(void)
{
	struct dirent **names;
	int n = scandir(t.seeds, &names, NULL, by_name);
	uint8_t buf[MAX];
	char path[4096];

	if (n < 0)
		fail_msg("cannot read %s", t.seeds);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			size_t size;

			if (names[i]->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", t.seeds, names[i]->d_name);
			size = read_file(path, buf);
			if (size < t.w->header_size || (size - t.w->header_size) % t.w->record_size)
				fail_msg("%s is not a header and whole records", path);
			if (pass == 0 && size > t.na) {
				memcpy(t.a, buf, size);
				t.na = size;
			}
			for (size_t r = 0; pass == 1 && !t.nb && r + 1 < records(size); r++) {
				if (pair_of(buf, r, buf, size)) {
					memcpy(t.b, buf, size);
					t.nb = size;
				}
			}
		}
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (records(t.na) < 2 || !t.nb)
		fail_msg("%s: want a seed of two records or more and another with two unlike it",
			 t.seeds);
}

/* Every output, with and without another input, is a header and whole records within MAX. */
static void outputs_are_a_header_and_whole_records(void **state)
{
	void *m = t.init(NULL, 1);
	unsigned changed = 0, same_header = 0;

	(void)state;
	assert_non_null(m);
	for (unsigned i = 0; i < CALLS; i++) {
		uint8_t *out = NULL;
		size_t size = t.fuzz(m, t.a, t.na, &out, i % 2 ? t.b : NULL, i % 2 ? t.nb : 0, MAX);

		assert_non_null(out);
		assert_true(size >= t.w->header_size && size <= MAX);
		assert_int_equal((size - t.w->header_size) % t.w->record_size, 0);
		changed += size != t.na || memcmp(out, t.a, size);
		same_header += !memcmp(out, t.a, t.w->header_size);
	}
	t.deinit(m);
	/* Only a mutation of the machine, or a bit flip there, changes the header. */
	assert_true(same_header > CALLS * 3 / 4);
	assert_true(changed > CALLS * 99 / 100);
}

/*
 * Outputs that are the seed with one record more, added at a record
 * boundary, or with one fewer: whole-record edits a byte-level mutator
 * (AFL++'s havoc) would not make.
 */
static void records_are_added_and_removed_whole(void **state)
{
	void *m = t.init(NULL, 2);
	unsigned inserted = 0, deleted = 0;

	(void)state;
	for (unsigned i = 0; i < CALLS; i++) {
		uint8_t *out = NULL;
		size_t size = t.fuzz(m, t.a, t.na, &out, NULL, 0, MAX);

		inserted += one_record_inserted(t.a, t.na, out, size);
		deleted += one_record_inserted(out, size, t.a, t.na);
	}
	t.deinit(m);
	print_message("%s: of %u outputs, %u one record more, %u one fewer\n", t.target, CALLS,
		      inserted, deleted);
	assert_true(inserted > CALLS / 20);
	assert_true(deleted > CALLS / 100);
}

/* add_buf's records come into the output whole, in runs; without it, none does. */
static void the_other_input_is_spliced_in(void **state)
{
	void *m = t.init(NULL, 3);
	unsigned with = 0, without = 0;

	(void)state;
	for (unsigned i = 0; i < CALLS; i++) {
		uint8_t *out = NULL;
		bool add = i % 2, from_b;
		size_t size = t.fuzz(m, t.a, t.na, &out, add ? t.b : NULL, add ? t.nb : 0, MAX);

		from_b = has_pair_of_b(out, size);
		if (from_b && add)
			assert_string_equal(t.describe(m, 64), "s2fuzz-splice");
		with += add && from_b;
		without += !add && from_b;
	}
	t.deinit(m);
	print_message("%s: %u of %u outputs with add_buf took its records, %u without\n", t.target,
		      with, CALLS / 2, without);
	assert_true(with > CALLS / 8);
	assert_int_equal(without, 0);
}

/* No output past max_size, and whole records up to it. */
static void max_size_is_kept(void **state)
{
	size_t hs = t.w->header_size, rs = t.w->record_size;
	const size_t maxes[] = { t.na + rs, t.na, t.na - rs + 1, hs + rs };
	void *m = t.init(NULL, 4);

	(void)state;
	for (size_t k = 0; k < sizeof(maxes) / sizeof(maxes[0]); k++) {
		for (unsigned i = 0; i < CALLS / 4; i++) {
			uint8_t *out = NULL;
			size_t size = t.fuzz(m, t.a, t.na, &out, i % 2 ? t.b : NULL,
					     i % 2 ? t.nb : 0, maxes[k]);

			assert_true(size <= maxes[k]);
			assert_int_equal((size - hs) % rs, 0);
		}
	}
	t.deinit(m);
}

/* The same seed, the same outputs; another seed, others. */
static void the_seed_decides_the_mutations(void **state)
{
	void *m1 = t.init(NULL, 7), *m2 = t.init(NULL, 7), *m3 = t.init(NULL, 8);
	unsigned differ = 0;

	(void)state;
	for (unsigned i = 0; i < 200; i++) {
		uint8_t *o1, *o2, *o3;
		size_t n1 = t.fuzz(m1, t.a, t.na, &o1, t.b, t.nb, MAX);
		size_t n2 = t.fuzz(m2, t.a, t.na, &o2, t.b, t.nb, MAX);
		size_t n3 = t.fuzz(m3, t.a, t.na, &o3, t.b, t.nb, MAX);

		assert_int_equal(n1, n2);
		assert_memory_equal(o1, o2, n1);
		differ += n1 != n3 || memcmp(o1, o3, n1);
	}
	t.deinit(m1);
	t.deinit(m2);
	t.deinit(m3);
	assert_true(differ > 100);
}

/* The description names the edit and fits the length AFL++ gives. */
static void describe_names_the_edit(void **state)
{
	void *m = t.init(NULL, 5);
	uint8_t *out;

	(void)state;
	t.fuzz(m, t.a, t.na, &out, NULL, 0, MAX);
	assert_string_equal(t.describe(m, 64), "s2fuzz-records");
	assert_string_equal(t.describe(m, 6), "s2fuzz");
	t.deinit(m);
}

static int load(void **state)
{
	(void)state;
	t.w = fz_world_find(t.target);
	if (!t.w)
		fail_msg("no world for %s", t.target);
	t.so = dlopen(t.library, RTLD_NOW | RTLD_LOCAL);
	if (!t.so)
		fail_msg("dlopen %s: %s", t.library, dlerror());
	*(void **)&t.init = dlsym(t.so, "afl_custom_init");
	*(void **)&t.fuzz = dlsym(t.so, "afl_custom_fuzz");
	*(void **)&t.describe = dlsym(t.so, "afl_custom_describe");
	*(void **)&t.deinit = dlsym(t.so, "afl_custom_deinit");
	if (!t.init || !t.fuzz || !t.describe || !t.deinit)
		fail_msg("%s lacks an afl_custom_ entry point", t.library);
	/* Its own copy of the mutator, not one it could borrow from this program. */
	if (dlsym(t.so, "fz_mutate"))
		fail_msg("%s exports fz_mutate", t.library);
	load_seeds();
	return 0;
}

static int unload(void **state)
{
	(void)state;
	dlclose(t.so);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(outputs_are_a_header_and_whole_records),
		cmocka_unit_test(records_are_added_and_removed_whole),
		cmocka_unit_test(the_other_input_is_spliced_in),
		cmocka_unit_test(max_size_is_kept),
		cmocka_unit_test(the_seed_decides_the_mutations),
		cmocka_unit_test(describe_names_the_edit),
	};

	if (argc != 4) {
		fprintf(stderr, "usage: test_afl_mutator TARGET LIBRARY SEED_DIR\n");
		return 2;
	}
	t.target = argv[1];
	t.library = argv[2];
	t.seeds = argv[3];
	return cmocka_run_group_tests_name(t.target, tests, load, unload);
}
