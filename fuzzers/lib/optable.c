// SPDX-License-Identifier: MIT
/*
 * Everything the operation table drives: decoding records, printing
 * operations, and the script language of every target (docs/input-format.md):
 *
 *   machine preset=virt vm_slots=4          # the setup line: the header
 *   vm_create vm=0 ia_bits=40 pgd=mem:4096  # one operation per line
 *
 * Every argument an operation takes must be given once, and nothing else;
 * a value must read whole and decode back to exactly itself, or the line
 * is refused with its number and the reason.
 */
#include "optable.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const struct fz_world *const worlds[] = { &fz_world_pkvm, &fz_world_hvc, &fz_world_tables,
						 &fz_world_parallel, &fz_world_kernel_tables };

const struct fz_world *fz_world_find(const char *target)
{
	for (size_t i = 0; i < sizeof(worlds) / sizeof(worlds[0]); i++) {
		if (!strcmp(worlds[i]->target, target))
			return worlds[i];
	}
	return NULL;
}

uint64_t fz_rd(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

void fz_wr(uint8_t *p, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

bool fz_parse_num(const void *setup, const char *text, uint64_t *v, struct fz_err *e)
{
	(void)setup;
	return fz_num(text, v) || fz_fail(e, "'%s' is not a number", text);
}

bool fz_parse_pool(const char *key, const char *v, const char *const *names, unsigned n,
		   unsigned lo, unsigned hi, uint8_t *b, struct fz_err *e)
{
	unsigned i;
	uint64_t x;

	if (!strncmp(v, "tiny:", 5)) {
		if (!fz_num_in(key, v + 5, lo, hi, &x, e))
			return false;
		*b = (uint8_t)(0xf0 + x - lo);
		return true;
	}
	if (!fz_name(v, names, n, &i))
		return fz_fail(e, "%s: '%s' is not a pool size (%s, ... or tiny:N)", key, v, names[0]);
	*b = (uint8_t)i;
	return true;
}

const struct fz_op_def *fz_op_find(const struct fz_world *w, const char *name)
{
	for (unsigned k = 0; k < w->nr_ops; k++) {
		if (!strcmp(w->op[k].name, name))
			return &w->op[k];
	}
	return NULL;
}

static uint64_t way_value(const struct fz_world *w, const struct fz_way *y, uint64_t raw,
			  const void *setup, const struct fz_op *op)
{
	uint64_t n = (raw >> y->shift) & y->mask;

	if (y->sext && (n & ((y->mask >> 1) + 1)))
		n |= ~y->mask;
	if (y->mod)
		n %= y->mod;
	return (y->base ? w->base(setup, op, y->base) : 0) + (uint64_t)y->add +
	       (uint64_t)y->unit * n + (uint64_t)y->unit2 * ((raw >> y->shift2) & y->mask2);
}

uint64_t fz_field_decode(const struct fz_world *w, unsigned i, const void *setup,
			 const uint8_t *rec, const struct fz_op *op)
{
	const struct fz_field *f = &w->field[i];
	uint64_t raw = fz_rd(rec + f->off, f->width) ^ f->xor, v = 0;

	if (f->decode)
		v = f->decode(setup, rec, op);
	for (unsigned k = 0; !f->decode && k < f->nr_ways; k++) {
		if ((raw & f->ways[k].sel_mask) == f->ways[k].sel) {
			v = way_value(w, &f->ways[k], raw, setup, op);
			break;
		}
	}
	return f->limit ? v % f->limit(setup) : v;
}

/* Solve way @y for @v: the bits it needs, written, if they decode back to @v. */
static bool way_encode(const struct fz_world *w, unsigned i, const struct fz_way *y,
		       const void *setup, uint64_t v, uint8_t *rec, const struct fz_op *op)
{
	const struct fz_field *f = &w->field[i];
	int64_t d = (int64_t)(v - (y->base ? w->base(setup, op, y->base) : 0) - (uint64_t)y->add);
	uint64_t touched = y->sel_mask | y->mask << y->shift | y->mask2 << y->shift2;

	for (uint64_t n2 = 0; n2 <= y->mask2; n2++) {
		int64_t rest = d - y->unit2 * (int64_t)n2, q = y->unit ? rest / y->unit : 0;
		int64_t half = (int64_t)((y->mask >> 1) + 1);
		uint64_t raw, stored;

		if (y->unit ? rest % y->unit : rest)
			continue;
		if (y->sext ? q < -half || q >= half
			    : q < 0 || (uint64_t)q > y->mask || (y->mod && (uint64_t)q >= y->mod))
			continue;
		raw = y->sel | ((uint64_t)q & y->mask) << y->shift | n2 << y->shift2;
		stored = fz_rd(rec + f->off, f->width);
		fz_wr(rec + f->off, f->width, (stored & ~touched) | ((raw ^ f->xor) & touched));
		if (fz_field_decode(w, i, setup, rec, op) == v)
			return true;
		fz_wr(rec + f->off, f->width, stored);
	}
	return false;
}

static int format_value(const struct fz_field *f, uint64_t v, char *buf, size_t len)
{
	if (f->format)
		return f->format(v, buf, len);
	if (f->names && v < f->nr_names)
		return snprintf(buf, len, "%s", f->names[v]);
	return snprintf(buf, len, f->hex ? "%#llx" : "%llu", (unsigned long long)v);
}

static bool parse_value(const struct fz_field *f, const void *setup, const char *text,
			uint64_t *v, struct fz_err *e)
{
	char list[128] = "";
	unsigned k;

	if (f->parse)
		return f->parse(setup, text, v, e);
	if (!f->names)
		return fz_parse_num(setup, text, v, e);
	if (fz_name(text, f->names, f->nr_names, &k)) {
		*v = k;
		return true;
	}
	for (k = 0; k < f->nr_names; k++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 !k ? "" : k + 1 < f->nr_names ? ", " : " or ", f->names[k]);
	return fz_fail(e, "%s: '%s' is not %s", f->key, text, list);
}

static bool encode_field(const struct fz_world *w, unsigned i, const void *setup, uint64_t v,
			 uint8_t *rec, const struct fz_op *op, struct fz_err *e)
{
	const struct fz_field *f = &w->field[i];
	char text[64];

	if (f->encode)
		return f->encode(setup, v, rec, op, e);
	if (f->limit && v >= f->limit(setup))
		return fz_fail(e, "%s %llu: below %llu here", f->key, (unsigned long long)v,
			       (unsigned long long)f->limit(setup));
	for (unsigned k = 0; k < f->nr_ways; k++) {
		if (way_encode(w, i, &f->ways[k], setup, v, rec, op))
			return true;
	}
	format_value(f, v, text, sizeof(text));
	return fz_fail(e, "%s %s cannot be expressed (%s)", f->key, text, f->doc);
}

void fz_decode_op(const struct fz_world *w, const void *setup, const uint8_t *rec,
		  struct fz_op *op)
{
	memset(op, 0, sizeof(*op));
	op->index = w->select ? w->select(rec, w->nr_ops) : rec[0] % w->nr_ops;
	op->def = &w->op[op->index];
	for (unsigned i = 0; i < w->nr_fields; i++) {
		if (op->def->fields & (1U << i))
			op->v[i] = fz_field_decode(w, i, setup, rec, op);
	}
}

static size_t put(char *buf, size_t len, size_t used, int w)
{
	used += w < 0 ? 0 : (size_t)w;
	return used < len ? used : len ? len - 1 : 0;
}

size_t fz_format_op(const struct fz_world *w, const struct fz_op *op, char *buf, size_t len)
{
	size_t used = put(buf, len, 0, snprintf(buf, len, "%s", op->def->name));

	for (unsigned i = 0; i < w->nr_fields; i++) {
		char v[64];

		if (!(op->def->fields & (1U << i)))
			continue;
		format_value(&w->field[i], op->v[i], v, sizeof(v));
		used = put(buf, len, used,
			   snprintf(buf + used, len - used, " %s=%s", w->field[i].key, v));
	}
	return used;
}

/* One operation line into a record; @setup is the decoded header. */
static bool encode_line(const struct fz_world *w, const void *setup, struct fz_kvline *l,
			uint8_t *rec, struct fz_err *e)
{
	const struct fz_op_def *def = fz_op_find(w, l->name);
	struct fz_op op = { 0 }, back;
	unsigned k;

	if (!def)
		return fz_fail(e, "unknown operation '%s'", l->name);
	k = (unsigned)(def - w->op);
	memset(rec, 0, w->record_size);
	rec[0] = w->encode_select ? w->encode_select(k) : (uint8_t)k;
	op.def = def;
	op.index = k;
	for (unsigned i = 0; i < w->nr_fields; i++) {
		const struct fz_field *f = &w->field[i];
		const char *text;

		if (!(def->fields & (1U << i)))
			continue;
		text = def->optional & (1U << i) ? fz_kv_take(l, f->key)
						 : fz_kv_need(l, f->key, e);
		if (!text && !(def->optional & (1U << i)))
			return false;
		if (text && !parse_value(f, setup, text, &op.v[i], e))
			return false;
		if (!encode_field(w, i, setup, op.v[i], rec, &op, e))
			return false;
	}
	if (!fz_kv_all_used(l, e))
		return false;
	/* The safety net: the record must decode to what the line says. */
	fz_decode_op(w, setup, rec, &back);
	if (back.def != def)
		return fz_fail(e, "%s cannot be expressed", def->name);
	for (unsigned i = 0; i < w->nr_fields; i++) {
		if ((def->fields & (1U << i)) && back.v[i] != op.v[i])
			return fz_fail(e, "%s=%#llx cannot be expressed (it would decode to %#llx)",
				       w->field[i].key, (unsigned long long)op.v[i],
				       (unsigned long long)back.v[i]);
	}
	return true;
}

size_t fz_script_to_input(const struct fz_world *w, const char *text, uint8_t *out, size_t cap,
			  char *err, size_t errlen)
{
	_Alignas(8) uint8_t setup[FZ_SETUP_MAX];
	static uint8_t tail[4096];
	struct fz_err e = { err, errlen };
	char line[1024], msg[384];
	struct fz_err le = { msg, sizeof(msg) };
	size_t len = 0, tail_len = 0;
	unsigned nr = 0, records = 0;

	if (errlen)
		err[0] = '\0';
	while (*text) {
		size_t n = strcspn(text, "\n");
		struct fz_kvline l;
		char *start, *hash;

		nr++;
		if (n >= sizeof(line))
			return fz_fail(&e, "line %u: longer than %zu characters", nr,
				       sizeof(line) - 1),
			       0;
		memcpy(line, text, n);
		line[n] = '\0';
		text += n + (text[n] == '\n');
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		for (start = line; isspace((unsigned char)*start); start++)
			;
		if (!*start)
			continue;
		if (!fz_kv_split(start, &l, &le))
			return fz_fail(&e, "line %u: %s", nr, msg), 0;
		if (!len) {
			if (strcmp(l.name, w->setup_name))
				return fz_fail(&e, "line %u: a %s script starts with a %s line", nr,
					       w->target, w->setup_name),
				       0;
			if (cap < w->header_size || !w->parse_setup(&l, out, &le))
				return fz_fail(&e, "line %u: %s", nr,
					       cap < w->header_size ? "no room" : msg),
				       0;
			w->decode_setup(out, setup);
			len = w->header_size;
			continue;
		}
		if (w->tail_name && !strcmp(l.name, w->tail_name)) {
			if (!w->parse_tail(&l, setup, tail, sizeof(tail), &tail_len, &le))
				return fz_fail(&e, "line %u: %s", nr, msg), 0;
			continue;
		}
		if (w->max_records && records == w->max_records)
			return fz_fail(&e, "line %u: too many operations (at most %zu)", nr,
				       w->max_records),
			       0;
		if (len + w->record_size > cap)
			return fz_fail(&e, "line %u: the script is longer than %zu bytes", nr, cap), 0;
		if (!encode_line(w, setup, &l, out + len, &le))
			return fz_fail(&e, "line %u: %s", nr, msg), 0;
		len += w->record_size;
		records++;
	}
	if (!len)
		return fz_fail(&e, "empty script: a %s script starts with a %s line", w->target,
			       w->setup_name),
		       0;
	if (w->set_nr_records)
		w->set_nr_records(out, records);
	if (len + tail_len > cap)
		return fz_fail(&e, "the script is longer than %zu bytes", cap), 0;
	memcpy(out + len, tail, tail_len);
	return len + tail_len;
}

size_t fz_input_to_script(const struct fz_world *w, const uint8_t *in, size_t len, char *out,
			  size_t cap)
{
	_Alignas(8) uint8_t setup[FZ_SETUP_MAX];
	size_t used = 0, off;

	if (cap)
		out[0] = '\0';
	if (len < w->header_size)
		return put(out, cap, 0,
			   snprintf(out, cap, "# %zu bytes: shorter than the %zu-byte header\n",
				    len, w->header_size));
	size_t records = w->nr_records ? w->nr_records(in, len)
				       : (len - w->header_size) / w->record_size;

	w->decode_setup(in, setup);
	used = put(out, cap, used, w->format_setup(in, out, cap));
	for (off = w->header_size; records--; off += w->record_size) {
		struct fz_op op;
		char line[320];

		fz_decode_op(w, setup, in + off, &op);
		fz_format_op(w, &op, line, sizeof(line));
		used = put(out, cap, used, snprintf(out + used, cap - used, "\n%s", line));
	}
	if (off < len && w->format_tail)
		used = put(out, cap, used,
			   (int)w->format_tail(setup, in + off, len - off, out + used, cap - used));
	else if (off < len)
		used = put(out, cap, used,
			   snprintf(out + used, cap - used,
				    "\n# %zu trailing bytes ignored (a truncated record)", len - off));
	if (used + 1 < cap) {
		out[used++] = '\n';
		out[used] = '\0';
	}
	return used;
}

size_t fz_world_doc(const struct fz_world *w, char *buf, size_t len)
{
	size_t used = put(buf, len, 0,
			  snprintf(buf, len,
				   "%s: a %zu-byte header (the `%s` line), then %zu-byte records; %s.\n"
				   "\n| field | decoding |\n|---|---|\n",
				   w->target, w->header_size, w->setup_name, w->record_size,
				   w->select_doc));

	for (unsigned i = 0; i < w->nr_fields; i++)
		used = put(buf, len, used,
			   snprintf(buf + used, len - used, "| `%s` | %s |\n", w->field[i].key,
				    w->field[i].doc));
	used = put(buf, len, used,
		   snprintf(buf + used, len - used,
			    "\n| index | operation | SPEC | hypercall | arguments | what |\n"
			    "|---|---|---|---|---|---|\n"));
	for (unsigned k = 0; k < w->nr_ops; k++) {
		const struct fz_op_def *d = &w->op[k];
		char args[160] = "", hvc[16] = "";
		size_t a = 0;

		for (unsigned i = 0; i < w->nr_fields; i++) {
			if (d->fields & (1U << i))
				a = put(args, sizeof(args), a,
					snprintf(args + a, sizeof(args) - a, "%s%s%s", a ? ", " : "",
						 w->field[i].key,
						 d->optional & (1U << i) ? " (optional)" : ""));
		}
		if (d->hvc >= 0)
			snprintf(hvc, sizeof(hvc), "%d", d->hvc);
		used = put(buf, len, used,
			   snprintf(buf + used, len - used, "| %u | `%s` | %s | %s | %s | %s |\n", k,
				    d->name, d->spec, hvc, args, d->doc));
	}
	return used;
}
