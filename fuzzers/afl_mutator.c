// SPDX-License-Identifier: MIT
/*
 * AFL++'s custom mutator interface (its docs/custom_mutators.md) over the
 * structure-aware mutator of fuzzers/lib/mutator.h: built per target that
 * names its world in FZ_MUTATOR_HOOKS, as <target>_afl_mutator.so with that
 * world (FZ_AFL_WORLD), and loaded by afl-fuzz through
 * AFL_CUSTOM_MUTATOR_LIBRARY. It holds no mutation of its own: each output
 * is the queue entry with one to four of fz_mutate's edits, or, when AFL++
 * passes another entry (add_buf), as often fz_cross_over's splice of the
 * two, as libFuzzer picks between its custom mutator and cross-over.
 * AFL++'s own stages (havoc, splicing) run as well.
 */
#include "mutator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FZ_AFL_WORLD
#error "FZ_AFL_WORLD names the target's world (fuzzers/CMakeLists.txt)"
#endif

#define FZ_AFL_API	 __attribute__((visibility("default")))
#define FZ_AFL_MAX_EDITS 4

struct fz_afl {
	uint64_t rng;
	uint8_t *buf[2]; /* the output and the cross-over's other side, @cap bytes each */
	size_t cap;
	bool spliced; /* the last output took records from add_buf */
};

/* The entry points afl-fuzz looks up; everything else stays inside the library. */
FZ_AFL_API void *afl_custom_init(void *afl, unsigned int seed);
FZ_AFL_API size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
				  uint8_t *add_buf, size_t add_buf_size, size_t max_size);
FZ_AFL_API const char *afl_custom_describe(void *data, size_t max_description_len);
FZ_AFL_API void afl_custom_deinit(void *data);

static unsigned next_seed(struct fz_afl *m)
{
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 7;
	m->rng ^= m->rng << 17;
	return (unsigned)(m->rng >> 32);
}

/* Room for @max bytes on both sides; false if memory ran out. */
static bool make_room(struct fz_afl *m, size_t max)
{
	for (int i = 0; i < 2 && max > m->cap; i++) {
		uint8_t *p = realloc(m->buf[i], max);

		if (!p)
			return false;
		m->buf[i] = p;
	}
	if (max > m->cap)
		m->cap = max;
	return true;
}

void *afl_custom_init(void *afl, unsigned int seed)
{
	struct fz_afl *m = calloc(1, sizeof(*m));

	if (m)
		m->rng = (uint64_t)seed * 0x9e3779b97f4a7c15ULL | 1;
	return m;
}

/* One edit of the @size bytes in m->buf[0]; returns the new size. */
static size_t edit(struct fz_afl *m, size_t size, const uint8_t *add_buf, size_t add_buf_size,
		   size_t max)
{
	const struct fz_world *w = &(FZ_AFL_WORLD);
	unsigned seed = next_seed(m);
	uint8_t *swap;

	if (!add_buf || (seed & 1))
		return fz_mutate(w, m->buf[0], size, max, seed >> 1);
	size = fz_cross_over(w, m->buf[0], size, add_buf, add_buf_size, m->buf[1], max, seed >> 1);
	swap = m->buf[0];
	m->buf[0] = m->buf[1];
	m->buf[1] = swap;
	m->spliced = true;
	return size;
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
		       uint8_t *add_buf, size_t add_buf_size, size_t max_size)
{
	const struct fz_world *w = &(FZ_AFL_WORLD);
	struct fz_afl *m = data;
	size_t size = buf_size < max_size ? buf_size : max_size;
	unsigned edits = 1;

	if (!max_size || !make_room(m, max_size)) {
		*out_buf = buf;
		return size;
	}
	/* Whole records (AFL++'s havoc may have left a part of one, or max_size cut one). */
	if (size > w->header_size)
		size -= (size - w->header_size) % w->record_size;
	memcpy(m->buf[0], buf, size);
	m->spliced = false;
	while (edits < FZ_AFL_MAX_EDITS && (next_seed(m) & 1))
		edits++;
	for (unsigned i = 0; i < edits; i++)
		size = edit(m, size, add_buf, add_buf_size, max_size);
	/* An edit can give back what it was given (a record swapped with itself): a few more. */
	for (unsigned i = 0; i < 8 && size == buf_size && !memcmp(m->buf[0], buf, size); i++)
		size = edit(m, size, add_buf, add_buf_size, max_size);
	*out_buf = m->buf[0];
	return size;
}

/* Names the queue entries the last output made (AFL++ puts it in the file name). */
const char *afl_custom_describe(void *data, size_t max_description_len)
{
	static char name[32];
	struct fz_afl *m = data;
	size_t n = max_description_len + 1 < sizeof(name) ? max_description_len + 1 : sizeof(name);

	snprintf(name, n, "%s", m->spliced ? "s2fuzz-splice" : "s2fuzz-records");
	return name;
}

void afl_custom_deinit(void *data)
{
	struct fz_afl *m = data;

	free(m->buf[0]);
	free(m->buf[1]);
	free(m);
}
