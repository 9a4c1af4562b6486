// SPDX-License-Identifier: MIT
/*
 * The hashed walk (SPEC §10, seed 002): XXH3-64 over the stream of
 * (level, input address, descriptor) records, each three little-endian
 * u64 values (S27), then over (kind, vm, digest) for the whole state.
 */
#include "diff/diff.h"

/*
 * GCC 12 sees through the inlined XXH3 buffering and reports bounds it
 * cannot prove (the 24-byte record is copied into the state's own buffer).
 * The warnings are known false positives of xxhash 0.8.1 under inlining.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wstringop-overread"
#endif
#define XXH_INLINE_ALL
#define XXH_STATIC_LINKING_ONLY
#ifdef DIFF_FREESTANDING
#define XXH_VECTOR 0 /* XXH_SCALAR: no SIMD registers at EL2 */
#endif
#include <xxhash.h>

static void put_le64(unsigned char *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	__builtin_memcpy(p, &v, sizeof(v));
#else
	for (unsigned i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
#endif
}

/* Records are batched: XXH3's streaming update is costly per call. */
struct hasher {
	XXH3_state_t state;
	unsigned char buf[170 * 24];
	size_t used;
};

static void hash_record(void *arg, unsigned level, uint64_t ia, uint64_t desc)
{
	struct hasher *h = arg;

	if (h->used == sizeof(h->buf)) {
		XXH3_64bits_update(&h->state, h->buf, h->used);
		h->used = 0;
	}
	put_le64(h->buf + h->used, level);
	put_le64(h->buf + h->used + 8, ia);
	put_le64(h->buf + h->used + 16, desc);
	h->used += 24;
}

uint64_t diff_stream_hash(diff_stream_fn produce, void *src)
{
	struct hasher h;

	XXH3_INITSTATE(&h.state);
	XXH3_64bits_reset(&h.state);
	h.used = 0;
	produce(src, hash_record, &h);
	XXH3_64bits_update(&h.state, h.buf, h.used);
	return XXH3_64bits_digest(&h.state);
}

void diff_state_add(struct diff_state *s, enum diff_kind kind, unsigned vm, uint64_t digest)
{
	if (s->n >= sizeof(s->triples) / sizeof(s->triples[0]))
		return;
	s->triples[s->n][0] = (uint64_t)kind;
	s->triples[s->n][1] = vm;
	s->triples[s->n][2] = digest;
	s->n++;
}

uint64_t diff_state_hash(const struct diff_state *s)
{
	unsigned char buf[sizeof(s->triples)];

	for (unsigned i = 0; i < s->n; i++)
		for (unsigned j = 0; j < 3; j++)
			put_le64(buf + (i * 3 + j) * 8, s->triples[i][j]);
	return XXH3_64bits(buf, (size_t)s->n * 24);
}
