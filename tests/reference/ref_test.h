/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the reference model's unit tests: machines, an arena, and a
 * stream recorder to compare against records worked out by hand from the
 * spec (never from the reference itself).
 */
#ifndef REF_TEST_H
#define REF_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ref/ref.h>

#define GiB (1ull << 30)
#define MiB (1ull << 20)
#define KiB (1ull << 10)

/* Descriptor pieces, as SPEC §2 and S7-S9 spell them. */
#define S2_HOST_MEM	0x7fdull		  /* valid normal RWX SH AF */
#define S2_HOST_MMIO	(0x7fdull | (1ull << 54)) /* ... XN */
#define S2_PAGE		0x2ull
#define S1_PAGE_HYP	(0x741ull | (1ull << 54)) /* AP RW, SH, AF, XN */
#define SW_SHARED_OWNED (1ull << 55)
#define SW_BORROWED	(1ull << 56)
#define ANNOT_HYP	0x4ull
#define ANNOT_GUEST	0x8ull
#define TABLE		0x3ull

struct rec {
	unsigned int level;
	uint64_t ia;
	uint64_t desc;
};

struct recs {
	size_t nr, cap;
	struct rec *r;
};

struct ref_fixture {
	struct ref ref;
	void *arena;
	size_t arena_bytes;
};

static inline void recs_emit(void *arg, unsigned int level, uint64_t ia, uint64_t desc)
{
	struct recs *rs = arg;

	if (rs->nr == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 64;
		rs->r = realloc(rs->r, rs->cap * sizeof(*rs->r));
		assert_non_null(rs->r);
	}
	rs->r[rs->nr].level = level;
	rs->r[rs->nr].ia = ia;
	rs->r[rs->nr].desc = desc;
	rs->nr++;
}

static inline void recs_add(struct recs *rs, unsigned int level, uint64_t ia, uint64_t desc)
{
	recs_emit(rs, level, ia, desc);
}

static inline void recs_free(struct recs *rs)
{
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

/* Record the stream of one table. */
static inline void recs_of(const struct ref *r, unsigned int kind, unsigned int vm,
			   struct recs *out)
{
	memset(out, 0, sizeof(*out));
	ref_stream(r, kind, vm, recs_emit, out);
}

/* Append @n records given as (level, ia, desc) triples, the way R() spells them. */
static inline void recs_add_va(struct recs *rs, size_t n, va_list ap)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int level = va_arg(ap, unsigned int);
		uint64_t ia = va_arg(ap, uint64_t);
		uint64_t desc = va_arg(ap, uint64_t);

		recs_add(rs, level, ia, desc);
	}
}

/* Assert `got` equals `want`, reporting the first difference. */
static inline void assert_recs_equal(const struct recs *got, const struct recs *want)
{
	size_t i;

	for (i = 0; i < got->nr && i < want->nr; i++) {
		if (got->r[i].level != want->r[i].level || got->r[i].ia != want->r[i].ia ||
		    got->r[i].desc != want->r[i].desc) {
			print_error("record %zu: got (%u, %#llx, %#llx) want "
				    "(%u, %#llx, %#llx)\n",
				    i, got->r[i].level, (unsigned long long)got->r[i].ia,
				    (unsigned long long)got->r[i].desc, want->r[i].level,
				    (unsigned long long)want->r[i].ia,
				    (unsigned long long)want->r[i].desc);
			fail();
		}
	}
	if (got->nr != want->nr)
		print_error("got %zu records, want %zu\n", got->nr, want->nr);
	assert_int_equal(got->nr, want->nr);
}

/* Assert a table's stream equals `want`, reporting the first difference. */
static inline void assert_stream(const struct ref *r, unsigned int kind, unsigned int vm,
				 const struct recs *want)
{
	struct recs got;

	recs_of(r, kind, vm, &got);
	assert_recs_equal(&got, want);
	recs_free(&got);
}

/* Shorthand: a stream given as a list of (level, ia, desc) triples. */
static inline void assert_stream_is(const struct ref *r, unsigned int kind, unsigned int vm,
				    size_t n, ...)
{
	struct recs want = { 0 };
	va_list ap;

	va_start(ap, n);
	recs_add_va(&want, n, ap);
	va_end(ap);
	assert_stream(r, kind, vm, &want);
	recs_free(&want);
}

#define R(level, ia, desc) (unsigned int)(level), (uint64_t)(ia), (uint64_t)(desc)
/* Machine A's host stage-2 starts with its carve-out: 2 MiB annotated hyp-owned (S23). */
#define MACHINE_A_CARVEOUT R(1, 0x40000000, TABLE), R(2, 0x40000000, ANNOT_HYP)
/* ... and its hyp stage-1 maps the carve-out as a 2 MiB block. */
#define MACHINE_A_HYP_CARVEOUT \
	R(0, 0, TABLE), R(1, HYPVA(0x40000000), TABLE), R(2, HYPVA(0x40000000), HYP_BLOCK(0x40000000))
/* The level-1 and level-2 table records above the level-3 entries of @ia's 2 MiB. */
#define TABLES_ABOVE_L3(ia) R(1, ia, TABLE), R(2, ia, TABLE)

/*
 * Machine A: 4 GiB IPA (start level 1), memory [1 GiB, 3 GiB), carve-out the
 * first 2 MiB of memory, 16-page pools, hyp VA = PA + 64 GiB, 4 VM slots.
 */
static inline struct ref_desc machine_a(void)
{
	struct ref_desc d;

	memset(&d, 0, sizeof(d));
	d.nr_mem = 1;
	d.mem[0].base = 1 * GiB;
	d.mem[0].size = 2 * GiB;
	d.carveout.base = 1 * GiB;
	d.carveout.size = 2 * MiB;
	d.host_pool_pages = 16;
	d.hyp_pool_pages = 16;
	d.hyp_va_offset = 64 * GiB;
	d.host_ia_bits = 32;
	d.nr_vm_slots = 4;
	return d;
}

static inline int fixture_setup_desc(void **state, const struct ref_desc *d, size_t arena_bytes)
{
	struct ref_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->arena_bytes = arena_bytes;
	f->arena = malloc(arena_bytes);
	assert_non_null(f->arena);
	assert_int_equal(ref_init(&f->ref, d, f->arena, arena_bytes), 0);
	*state = f;
	return 0;
}

static inline int fixture_setup_a(void **state)
{
	struct ref_desc d = machine_a();

	return fixture_setup_desc(state, &d, 4 * MiB);
}

/*
 * Machine A with memory cut to R0 = [1 GiB, 1 GiB + 4 MiB), which holds the
 * carve-out, and R1 = [2 GiB + 1 MiB, + @r1_size), which starts 1 MiB into a
 * 2 MiB block.
 */
static inline int fixture_setup_ragged(void **state, uint64_t r1_size)
{
	struct ref_desc d = machine_a();

	d.nr_mem = 2;
	d.mem[0].size = 4 * MiB;
	d.mem[1].base = 2 * GiB + 1 * MiB;
	d.mem[1].size = r1_size;
	return fixture_setup_desc(state, &d, 1 << 20);
}

static inline int fixture_teardown(void **state)
{
	struct ref_fixture *f = *state;

	free(f->arena);
	free(f);
	return 0;
}

/* ref_init's answer for @d, on an instance of its own (for what init accepts). */
static inline int init_with(const struct ref_desc *d)
{
	static char arena[1 << 20];
	static struct ref r;

	return ref_init(&r, d, arena, sizeof(arena));
}

#define PFN(addr) ((uint64_t)(addr) >> 12)

#endif /* REF_TEST_H */
