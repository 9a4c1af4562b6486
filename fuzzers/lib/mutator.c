// SPDX-License-Identifier: MIT
/* Structure-aware mutation (mutator.h): records as units, fields copied between them. */
#include "mutator.h"

#include <string.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max) __attribute__((weak));

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

static unsigned below(struct rng *r, size_t n)
{
	return n ? (unsigned)(next(r) % n) : 0;
}

struct input {
	const struct fz_world *w;
	uint8_t *data;
	size_t n; /* whole records */
	size_t cap; /* records that fit */
};

static uint8_t *rec(const struct input *in, size_t i)
{
	return in->data + in->w->header_size + i * in->w->record_size;
}

static size_t input_size(const struct input *in)
{
	return in->w->header_size + in->n * in->w->record_size;
}

static const struct fz_op_def *def_of(const struct fz_world *w, const uint8_t *r)
{
	return &w->op[w->select ? w->select(r, w->nr_ops) : r[0] % w->nr_ops];
}

/*
 * A field's bits, small more often than not: small pages, VMs, counts; half
 * the time, for a field that has its own draw, what that draws.
 */
static void draw_field(struct rng *r, uint8_t *record, const struct fz_field *f)
{
	static const uint64_t ranges[] = { 4, 256, 1 << 16, 0 };
	uint64_t range = ranges[below(r, 4)];
	uint64_t v = range ? next(r) % range : next(r);

	if (f->draw && below(r, 2))
		v = f->draw(next(r));
	fz_wr(record + f->off, f->width, v ^ f->xor);
}

/*
 * A copied page, a third of the time one to eight pages further on: the
 * page after the one an earlier record gave (a topup after the pgd, a
 * second donation).
 */
static void nudge(struct rng *r, uint8_t *record, const struct fz_field *f)
{
	if (!f->page || below(r, 3))
		return;
	fz_wr(record + f->off, f->width, fz_rd(record + f->off, f->width) + 1 + below(r, 8));
}

/* Copy field @f into record @i from record @src, if @src's operation has it; true if so. */
static bool copy_field(const struct input *in, size_t i, size_t src, const struct fz_field *f)
{
	const struct fz_world *w = in->w;
	const struct fz_op_def *d = def_of(w, rec(in, src));

	for (unsigned g = 0; g < w->nr_fields; g++) {
		if ((d->fields & (1U << g)) && w->field[g].off == f->off &&
		    w->field[g].width == f->width) {
			memcpy(rec(in, i) + f->off, rec(in, src) + f->off, f->width);
			return true;
		}
	}
	return false;
}

/*
 * Make field @f of record @i what an earlier record had in the same bytes
 * (the page it donated, the VM it created); false when none had.
 */
static bool retarget(struct rng *r, const struct input *in, size_t i, const struct fz_field *f)
{
	size_t start = below(r, i);

	for (size_t k = 0; k < i; k++)
		if (copy_field(in, i, (start + i - k) % i, f)) {
			nudge(r, rec(in, i), f);
			return true;
		}
	return false;
}

/* One of @d's fields, at random; NULL when it takes none. */
static const struct fz_field *some_field(struct rng *r, const struct fz_world *w,
					 const struct fz_op_def *d)
{
	unsigned n = (unsigned)__builtin_popcount(d->fields), pick;

	if (!n)
		return NULL;
	pick = below(r, n);
	for (unsigned f = 0; f < w->nr_fields; f++)
		if ((d->fields & (1U << f)) && !pick--)
			return &w->field[f];
	return NULL;
}

/*
 * A new operation for record @i (operation @want, unless it is -1). Most
 * often it continues what one earlier record did: every field they share is
 * copied from it (the page a donation gave, the VM and gfn it used), so a
 * reclaim follows a donation; other fields are drawn, or taken from any
 * earlier record.
 */
static void draw_record(struct rng *r, const struct input *in, size_t i, int want)
{
	const struct fz_world *w = in->w;
	unsigned index = want < 0 ? below(r, w->nr_ops) : (unsigned)want;
	bool follow = i && below(r, 4);
	size_t src = follow ? i - 1 - below(r, below(r, 2) ? i : (i < 4 ? i : 4)) : 0;
	const struct fz_op_def *d = &w->op[index];
	uint8_t *p = rec(in, i);

	/* Following a record, as often as not an operation on what it was about. */
	for (unsigned tries = 0; want < 0 && follow && tries < 8 && below(r, 2); tries++) {
		uint32_t shared = def_of(w, rec(in, src))->fields;

		if (w->op[index].fields & shared)
			break;
		index = below(r, w->nr_ops);
	}
	d = &w->op[index];

	for (size_t b = 0; b < w->record_size; b++)
		p[b] = (uint8_t)next(r);
	for (unsigned f = 0; f < w->nr_fields; f++) {
		if (!(d->fields & (1U << f)))
			continue;
		if (follow && copy_field(in, i, src, &w->field[f])) {
			nudge(r, p, &w->field[f]);
			continue;
		}
		if (below(r, 3) || !retarget(r, in, i, &w->field[f]))
			draw_field(r, p, &w->field[f]);
	}
	/* The selector last; a field in its byte keeps any value that still selects @index. */
	for (unsigned tries = 0; def_of(w, p) != d && tries < 16; tries++)
		p[0] = (uint8_t)next(r);
	if (def_of(w, p) != d)
		p[0] = w->encode_select ? w->encode_select(index) : (uint8_t)index;
}

/* The world's reference, and the setup its records decode against. */
struct trial {
	_Alignas(8) uint8_t setup[FZ_SETUP_MAX];
	void *world;
};

/* @t's reference after records 0 to @i - 1 of @in ran on it; false when there is none. */
static bool trial_after(const struct input *in, size_t i, struct trial *t)
{
	const struct fz_world *w = in->w;
	struct fz_op op;

	if (!w->trial_world)
		return false;
	w->decode_setup(in->data, t->setup);
	t->world = w->trial_world(t->setup);
	for (size_t k = 0; t->world && k < i; k++) {
		fz_decode_op(w, t->setup, rec(in, k), &op);
		op.def->ref(t->world, &op);
	}
	return t->world;
}

/*
 * Whether @t's reference accepts record @i, a record the world answers (it
 * runs it: keep the record, or try no more).
 */
static bool trial_accepts(const struct input *in, size_t i, struct trial *t)
{
	struct fz_op op;

	fz_decode_op(in->w, t->setup, rec(in, i), &op);
	return op.def->ref(t->world, &op) == 0 && (!in->w->answered || in->w->answered(&op));
}

/* Draws for a record the reference accepts, before taking whatever the last one was. */
#define TRIAL_DRAWS 16

/*
 * Record @i becomes a new operation, drawn as above. Half the time, when
 * the world has a reference to try records on, the operation is picked
 * first and its fields drawn until the state after the records before it
 * accepts them, where a few draws find such: a donation once the VM has
 * its memcache, a share of a page the host still owns, a reclaim of a
 * dead VM's page. (Picking among operations by what is accepted would
 * favour those nothing refuses, such as accesses.) Long lifecycles then
 * grow a step at a time; the other half, and draws that found nothing,
 * reach the errors.
 */
static void new_record(struct rng *r, const struct input *in, size_t i)
{
	struct trial t;
	int want;

	if (!below(r, 2) || !trial_after(in, i, &t)) {
		draw_record(r, in, i, -1);
		return;
	}
	want = (int)below(r, in->w->nr_ops);
	for (unsigned draws = 0; draws < TRIAL_DRAWS; draws++) {
		draw_record(r, in, i, want);
		if (trial_accepts(in, i, &t))
			return;
	}
}

static void move_records(const struct input *in, size_t to, size_t from, size_t n)
{
	memmove(rec(in, to), rec(in, from), n * in->w->record_size);
}

static void bytes_mutation(struct rng *r, uint8_t *data, size_t *size, size_t max)
{
	if (LLVMFuzzerMutate) {
		*size = LLVMFuzzerMutate(data, *size, max);
		return;
	}
	if (*size)
		data[below(r, *size)] ^= (uint8_t)(1U << below(r, 8));
}

/* A field of the header that means something to the world, or else a byte. */
static void another_machine(struct rng *r, const struct fz_world *w, uint8_t *data)
{
	if (w->mutate_setup && below(r, 4)) {
		uint64_t v[4] = { next(r), next(r), next(r), next(r) };

		w->mutate_setup(data, v);
		return;
	}
	data[below(r, w->header_size)] = (uint8_t)next(r);
}

size_t fz_mutate(const struct fz_world *w, uint8_t *data, size_t size, size_t max, unsigned seed)
{
	struct rng r = { seed * 0x9e3779b97f4a7c15ULL | 1 };
	struct input in = { w, data, 0, 0 };
	size_t rs = w->record_size, i, j;
	const struct fz_field *f;

	if (max < w->header_size)
		return size < max ? size : max;
	size = size < max ? size : max;
	if (size < w->header_size) {
		memset(data + size, 0, w->header_size - size);
		size = w->header_size;
	}
	if (max < w->header_size + rs) { /* only a machine fits: fuzz that */
		another_machine(&r, w, data);
		return w->header_size;
	}
	in.n = (size - w->header_size) / rs;
	in.cap = (max - w->header_size) / rs;
	i = below(&r, in.n);
	switch (in.n ? below(&r, 16) : 0) {
	case 0: case 1: case 2: case 13: /* a new operation, at the end as often as not */
		if (in.n == in.cap)
			in.n--;
		i = below(&r, 2) ? in.n : below(&r, in.n + 1);
		move_records(&in, i + 1, i, in.n - i);
		in.n++;
		new_record(&r, &in, i);
		break;
	case 3: /* one fewer, or a few */
		j = 1 + (below(&r, 2) ? 0 : below(&r, (in.n - i + 3) / 4));
		move_records(&in, i, i + j, in.n - i - j);
		in.n -= j;
		break;
	case 4: /* one again, later */
		if (in.n == in.cap)
			break;
		j = i + 1 + below(&r, in.n - i);
		move_records(&in, j + 1, j, in.n - j);
		in.n++;
		memcpy(rec(&in, j), rec(&in, i), rs);
		break;
	case 5: { /* two swap places */
		uint8_t tmp[FZ_MAX_RECORD];

		j = below(&r, in.n);
		memcpy(tmp, rec(&in, i), rs);
		memcpy(rec(&in, i), rec(&in, j), rs);
		memcpy(rec(&in, j), tmp, rs);
		break;
	}
	case 6: case 7: case 8: /* about what an earlier one was about */
		f = some_field(&r, w, def_of(w, rec(&in, i)));
		if (f && !retarget(&r, &in, i, f))
			draw_field(&r, rec(&in, i), f);
		break;
	case 9: case 10: /* a field anew */
		f = some_field(&r, w, def_of(w, rec(&in, i)));
		if (f)
			draw_field(&r, rec(&in, i), f);
		break;
	case 11: /* another operation in its place */
		new_record(&r, &in, i);
		break;
	case 12:
		another_machine(&r, w, data);
		break;
	default: { /* the engine's own, on the records (and a header that is no machine) */
		size_t keep = w->mutate_setup ? w->header_size : 0;

		size -= keep;
		bytes_mutation(&r, data + keep, &size, max - keep);
		return keep + size;
	}
	}
	return input_size(&in);
}

size_t fz_cross_over(const struct fz_world *w, const uint8_t *a, size_t a_size, const uint8_t *b,
		     size_t b_size, uint8_t *out, size_t max, unsigned seed)
{
	struct rng r = { seed * 0x9e3779b97f4a7c15ULL | 1 };
	size_t hs = w->header_size, rs = w->record_size;
	size_t na = a_size < hs ? 0 : (a_size - hs) / rs, nb = b_size < hs ? 0 : (b_size - hs) / rs;
	size_t cap, at, from, take, rest;
	unsigned how = below(&r, 3);

	if (max < hs)
		return 0;
	cap = (max - hs) / rs;
	na = na < cap ? na : cap;
	memset(out, 0, hs);
	memcpy(out, a, a_size < hs ? a_size : hs);
	memcpy(out + hs, a + hs, na * rs);
	if (how == 2) /* as often, only @a mutated: crossing over all the time grows inputs */
		return fz_mutate(w, out, hs + na * rs, max, seed);
	/*
	 * A run of @b's records into @a at some record, so that @a's lifecycle
	 * goes on around it; or @a up to there and @b from there on.
	 */
	at = below(&r, na + 1);
	from = below(&r, nb + 1);
	take = 1 + below(&r, nb - from + 1);
	take = take < nb - from ? take : nb - from;
	rest = how ? 0 : na - at;
	take = take < cap - at - rest ? take : cap - at - rest;
	memmove(out + hs + (at + take) * rs, out + hs + at * rs, rest * rs);
	memcpy(out + hs + at * rs, b + hs + from * rs, take * rs);
	return hs + (at + take + rest) * rs;
}
