// SPDX-License-Identifier: MIT
/*
 * Decoding fuzz_parallel inputs and their readable scripts
 * (docs/fuzz_parallel.md). Fields are reduced into range, never rejected:
 * levels are mostly 3, some 2, rarely 1; addresses land in three 4 MiB
 * windows, sometimes in their first 16 pages, so vCPUs meet on one entry.
 * Scripts encode each value to the field that decodes to exactly it and
 * refuse what the format cannot express.
 */
#include "parallel_input.h"
#include "script_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW_PAGES   0x400U
#define NARROW_BIT     0x2000U
#define SCHED_PER_LINE 32

/* The windows: index 1 repeats 0 so most operations meet in the first. */
static const uint64_t window_base[4] = { 0x40000000ULL, 0x40000000ULL, 0x7fc00000ULL,
					 0x80000000ULL };
/* Level selector (low nibble of byte 1) to level, and back. */
static const unsigned level_of_sel[16] = { 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3 };
static const uint8_t sel_of_level[4] = { 0, 0, 1, 5 };

static const char *const kind_names[FZP_NR_KINDS] = {
	[FZP_FAULT_MAP] = "fault_map",
	[FZP_MKYOUNG] = "mkyoung",
	[FZP_RELAX_PERMS] = "relax_perms",
	[FZP_PRELUDE_MAP] = "prelude_map",
};

const char *fzp_kind_name(enum fzp_kind kind)
{
	return (unsigned)kind < FZP_NR_KINDS ? kind_names[kind] : "?";
}

static void decode_record(const struct fzp_input *in, const uint8_t *r, struct fzp_op *op)
{
	unsigned a16 = (unsigned)r[2] | (unsigned)r[3] << 8;
	unsigned page = a16 & (WINDOW_PAGES - 1);

	if (a16 & NARROW_BIT)
		page &= 0xf;
	memset(op, 0, sizeof(*op));
	op->kind = (enum fzp_kind)((r[0] >> 2) & 3);
	op->vcpu = (r[0] & 3U) % in->nr_vcpus;
	op->ia = window_base[a16 >> 14] + ((uint64_t)page << 12);
	op->level = level_of_sel[r[1] & 0xf];
	op->prot = 1 + (unsigned)(r[1] >> 4) % 7;
	/* Fields an operation does not take are zero, whatever the bytes say. */
	if (op->kind == FZP_MKYOUNG)
		op->prot = 0;
	if (op->kind == FZP_MKYOUNG || op->kind == FZP_RELAX_PERMS)
		op->level = 0;
	if (op->kind != FZP_PRELUDE_MAP)
		return;
	op->vcpu = 0;
	op->alt = r[0] & 0x10;
	op->memtype = (r[0] >> 5) & 1;
	if (op->memtype) {
		/* Linux refuses executable device mappings (S4). */
		op->prot &= ~1U;
		if (!op->prot)
			op->prot = 4;
	}
}

bool fzp_decode(const uint8_t *data, size_t size, struct fzp_input *in)
{
	unsigned nr_records;
	size_t off = FZP_HEADER_SIZE;

	memset(in, 0, sizeof(*in));
	if (size < FZP_HEADER_SIZE)
		return false;
	in->nr_vcpus = 2 + data[0] % 3;
	in->ia_bits = 39 + (data[1] & 1U);
	in->pool_pages = data[2] >= 0xf0 ? 2U + (data[2] & 0xfU) : FZP_POOL_FULL;
	nr_records = data[3] % (FZP_MAX_RECORDS + 1);
	for (unsigned i = 0; i < nr_records && off + FZP_RECORD_SIZE <= size;
	     i++, off += FZP_RECORD_SIZE) {
		struct fzp_op op;

		decode_record(in, data + off, &op);
		if (op.kind == FZP_PRELUDE_MAP)
			in->prelude[in->nr_prelude++] = op;
		else
			in->ops[op.vcpu][in->nr_ops[op.vcpu]++] = op;
	}
	in->sched = off < size ? data + off : NULL;
	in->sched_len = off < size ? size - off : 0;
	return true;
}

uint64_t fzp_op_pa(const struct fzp_op *op)
{
	return op->ia + (op->kind == FZP_PRELUDE_MAP && op->alt ? FZP_ALT_OFFSET : FZP_PA_OFFSET);
}

size_t fzp_op_format(const struct fzp_op *op, char *buf, size_t len)
{
	const char *n = fzp_kind_name(op->kind);
	unsigned long long ia = op->ia;
	int w;

	switch (op->kind) {
	case FZP_FAULT_MAP:
		w = snprintf(buf, len, "%s ia=%#llx level=%u prot=%u", n, ia, op->level, op->prot);
		break;
	case FZP_MKYOUNG:
		w = snprintf(buf, len, "%s ia=%#llx", n, ia);
		break;
	case FZP_RELAX_PERMS:
		w = snprintf(buf, len, "%s ia=%#llx prot=%u", n, ia, op->prot);
		break;
	case FZP_PRELUDE_MAP:
		w = snprintf(buf, len, "%s ia=%#llx level=%u prot=%u out=%s memtype=%s", n, ia,
			     op->level, op->prot, op->alt ? "alt" : "same",
			     op->memtype ? "device" : "normal");
		break;
	default:
		w = snprintf(buf, len, "?");
		break;
	}
	return w < 0 ? 0 : (size_t)w;
}

/* ---- Scripts ---- */

/* The address field (bytes 2-3) that decodes to exactly @ia. */
static bool encode_ia(struct fz_parse *p, const char *val, uint8_t *rec)
{
	uint64_t ia;

	if (!fz_parse_u64(val, &ia))
		return fz_perr(p, "bad address '%s'", val);
	if (ia & 0xfff)
		return fz_perr(p, "ia %s is not page-aligned", val);
	for (unsigned w = 0; w < 4; w++) {
		uint64_t base = window_base[w];
		unsigned a16;

		if (ia < base || ia - base >= (uint64_t)WINDOW_PAGES << 12)
			continue;
		a16 = w << 14 | (unsigned)((ia - base) >> 12);
		rec[2] = (uint8_t)a16;
		rec[3] = (uint8_t)(a16 >> 8);
		return true;
	}
	return fz_perr(p,
		       "ia %s is outside the windows [0x40000000, 0x40400000), "
		       "[0x7fc00000, 0x80000000) and [0x80000000, 0x80400000)",
		       val);
}

struct fields {
	bool ia, level, prot, out, memtype;
};

static bool encode_field(struct fz_parse *p, enum fzp_kind kind, struct fields *seen,
			 const char *key, const char *val, uint8_t *rec)
{
	bool prelude = kind == FZP_PRELUDE_MAP;
	uint64_t v;

	if (!strcmp(key, "ia")) {
		seen->ia = true;
		return encode_ia(p, val, rec);
	}
	if (!strcmp(key, "level") && (kind == FZP_FAULT_MAP || prelude)) {
		if (!fz_parse_u64(val, &v) || v < 1 || v > 3)
			return fz_perr(p, "level %s: 1, 2 or 3", val);
		rec[1] = (uint8_t)((rec[1] & 0xf0) | sel_of_level[v]);
		seen->level = true;
		return true;
	}
	if (!strcmp(key, "prot") && kind != FZP_MKYOUNG) {
		if (!fz_parse_u64(val, &v) || v < 1 || v > 7)
			return fz_perr(p, "prot %s: 1 to 7 (X=1 W=2 R=4)", val);
		rec[1] = (uint8_t)((rec[1] & 0x0f) | (v - 1) << 4);
		seen->prot = true;
		return true;
	}
	if (!strcmp(key, "out") && prelude) {
		if (strcmp(val, "alt") && strcmp(val, "same"))
			return fz_perr(p, "out=%s: alt or same", val);
		rec[0] = (uint8_t)(rec[0] | (val[0] == 'a' ? 0x10 : 0));
		seen->out = true;
		return true;
	}
	if (!strcmp(key, "memtype") && prelude) {
		if (strcmp(val, "normal") && strcmp(val, "device"))
			return fz_perr(p, "memtype=%s: normal or device", val);
		rec[0] = (uint8_t)(rec[0] | (val[0] == 'd' ? 0x20 : 0));
		seen->memtype = true;
		return true;
	}
	return fz_perr(p, "%s takes no field '%s'", fzp_kind_name(kind), key);
}

/* "vcpuN OP k=v..." or "prelude_map k=v...": one 4-byte record. */
static bool parse_op(struct fz_parse *p, char *line, unsigned nr_vcpus, uint8_t *rec)
{
	enum fzp_kind kind = FZP_NR_KINDS;
	struct fields seen = { 0 };
	char *tok = strtok(line, " \t");
	uint64_t vcpu = 0;

	memset(rec, 0, FZP_RECORD_SIZE);
	rec[1] = sel_of_level[3];
	if (!strncmp(tok, "vcpu", 4)) {
		if (!fz_parse_u64(tok + 4, &vcpu) || vcpu >= nr_vcpus)
			return fz_perr(p, "'%s': vCPUs are vcpu0 to vcpu%u", tok, nr_vcpus - 1);
		tok = strtok(NULL, " \t");
		if (!tok)
			return fz_perr(p, "vcpu%u: which operation?", (unsigned)vcpu);
		if (!strcmp(tok, "prelude_map"))
			return fz_perr(p, "prelude_map runs before the vCPUs: no vcpu prefix");
	} else if (strcmp(tok, "prelude_map")) {
		return fz_perr(p,
			       "expected 'vcpuN OPERATION', 'prelude_map' or 'schedule', got '%s'",
			       tok);
	}
	for (unsigned k = 0; k < FZP_NR_KINDS; k++)
		if (!strcmp(tok, kind_names[k]))
			kind = (enum fzp_kind)k;
	if (kind == FZP_NR_KINDS)
		return fz_perr(p, "unknown operation '%s'", tok);
	rec[0] = (uint8_t)((unsigned)kind << 2 | (unsigned)vcpu);
	while ((tok = strtok(NULL, " \t"))) {
		char *eq = strchr(tok, '=');

		if (!eq)
			return fz_perr(p, "expected key=value, got '%s'", tok);
		*eq++ = '\0';
		if (!encode_field(p, kind, &seen, tok, eq, rec))
			return false;
	}
	if (!seen.ia)
		return fz_perr(p, "%s needs ia=", kind_names[kind]);
	if ((kind == FZP_FAULT_MAP || kind == FZP_PRELUDE_MAP) && (!seen.level || !seen.prot))
		return fz_perr(p, "%s needs level= and prot=", kind_names[kind]);
	if (kind == FZP_RELAX_PERMS && !seen.prot)
		return fz_perr(p, "relax_perms needs prot=");
	if (kind == FZP_PRELUDE_MAP && (rec[0] & 0x20) && (((rec[1] >> 4) + 1) & 1))
		return fz_perr(p, "device memory cannot be executable (S4): drop X from prot");
	return true;
}

static bool parse_header(struct fz_parse *p, char *line, uint8_t *hdr)
{
	memset(hdr, 0, FZP_HEADER_SIZE);
	for (char *tok = strtok(line, " \t"); tok; tok = strtok(NULL, " \t")) {
		char *eq = strchr(tok, '=');
		uint64_t v;
		bool ok = false;

		if (!strcmp(tok, "parallel"))
			continue;
		if (!eq)
			return fz_perr(p, "expected key=value, got '%s'", tok);
		*eq++ = '\0';
		if (!strcmp(tok, "vcpus") && fz_parse_u64(eq, &v) && v >= 2 && v <= 4)
			hdr[0] = (uint8_t)(v - 2), ok = true;
		else if (!strcmp(tok, "ia_bits") && fz_parse_u64(eq, &v) && (v == 39 || v == 40))
			hdr[1] = (uint8_t)(v - 39), ok = true;
		else if (!strcmp(tok, "pool") && !strcmp(eq, "full"))
			hdr[2] = 0, ok = true;
		else if (!strcmp(tok, "pool") && !strncmp(eq, "tiny:", 5) &&
			 fz_parse_u64(eq + 5, &v) && v >= 2 && v < 18)
			hdr[2] = (uint8_t)(0xf0 + v - 2), ok = true;
		if (!ok)
			return fz_perr(p,
				       "bad header field %s=%s (vcpus=2..4 ia_bits=39|40 "
				       "pool=full|tiny:2..17)",
				       tok, eq);
	}
	return true;
}

/* "schedule 0 1 1 0": the vCPU preferred at each scheduling point. */
static bool parse_schedule(struct fz_parse *p, char *line, unsigned nr_vcpus, uint8_t *out,
			   size_t cap, size_t *n)
{
	strtok(line, " \t");
	for (char *tok = strtok(NULL, " \t"); tok; tok = strtok(NULL, " \t")) {
		uint64_t v;

		if (!fz_parse_u64(tok, &v) || v >= nr_vcpus)
			return fz_perr(p, "schedule entry '%s': a vCPU number below %u", tok,
				       nr_vcpus);
		if (*n >= cap)
			return fz_perr(p, "schedule too long");
		out[(*n)++] = (uint8_t)v;
	}
	return true;
}

struct script {
	uint8_t hdr[FZP_HEADER_SIZE];
	uint8_t recs[FZP_MAX_RECORDS * FZP_RECORD_SIZE];
	uint8_t sched[4096];
	unsigned nr_recs, nr_vcpus; /* 0 vCPUs: no header line yet */
	size_t nr_sched;
};

static bool script_line(struct fz_parse *p, char *line, void *arg)
{
	struct script *sc = arg;

	if (!sc->nr_vcpus) {
		if (strncmp(line, "parallel", 8))
			return fz_perr(p, "a script starts with a 'parallel' line");
		if (!parse_header(p, line, sc->hdr))
			return false;
		sc->nr_vcpus = 2 + sc->hdr[0];
		return true;
	}
	if (!strncmp(line, "schedule", 8))
		return parse_schedule(p, line, sc->nr_vcpus, sc->sched, sizeof(sc->sched),
				      &sc->nr_sched);
	if (sc->nr_recs == FZP_MAX_RECORDS)
		return fz_perr(p, "too many operations (at most %u)", FZP_MAX_RECORDS);
	if (!parse_op(p, line, sc->nr_vcpus, sc->recs + sc->nr_recs * FZP_RECORD_SIZE))
		return false;
	sc->nr_recs++;
	return true;
}

size_t fz_parallel_script_to_input(const char *text, uint8_t *out, size_t cap, char *err,
				   size_t errlen)
{
	static struct script sc;
	struct fz_parse p = { err, errlen, 0 };
	size_t len;

	if (errlen)
		err[0] = '\0';
	memset(&sc, 0, sizeof(sc));
	if (!fz_for_each_line(&p, text, script_line, &sc))
		return 0;
	if (!sc.nr_vcpus) {
		fz_perr(&p, "empty script: a script starts with a 'parallel' line");
		return 0;
	}
	sc.hdr[3] = (uint8_t)sc.nr_recs;
	len = FZP_HEADER_SIZE + sc.nr_recs * FZP_RECORD_SIZE + sc.nr_sched;
	if (len > cap) {
		fz_perr(&p, "script too long for the input buffer");
		return 0;
	}
	memcpy(out, sc.hdr, FZP_HEADER_SIZE);
	memcpy(out + FZP_HEADER_SIZE, sc.recs, sc.nr_recs * FZP_RECORD_SIZE);
	memcpy(out + FZP_HEADER_SIZE + sc.nr_recs * FZP_RECORD_SIZE, sc.sched, sc.nr_sched);
	return len;
}

/* Append to @out at *used, never past @cap. */
static void put(char *out, size_t cap, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(out + *used, cap > *used ? cap - *used : 0, fmt, ap);
	va_end(ap);
	*used += w < 0 ? 0 : (size_t)w;
}

size_t fz_parallel_input_to_script(const uint8_t *in, size_t len, char *out, size_t cap)
{
	struct fzp_input d;
	size_t used = 0;

	if (cap)
		out[0] = '\0';
	if (!fzp_decode(in, len, &d))
		return 0;
	put(out, cap, &used, "parallel vcpus=%u ia_bits=%u pool=", d.nr_vcpus, d.ia_bits);
	if (d.pool_pages == FZP_POOL_FULL)
		put(out, cap, &used, "full\n");
	else
		put(out, cap, &used, "tiny:%llu\n", (unsigned long long)d.pool_pages);
	/* Records in input order: the same bytes come back. */
	for (size_t off = FZP_HEADER_SIZE;
	     off + FZP_RECORD_SIZE <= len &&
	     off < FZP_HEADER_SIZE + (size_t)(in[3] % (FZP_MAX_RECORDS + 1)) * FZP_RECORD_SIZE;
	     off += FZP_RECORD_SIZE) {
		struct fzp_op op;
		char line[160];

		decode_record(&d, in + off, &op);
		fzp_op_format(&op, line, sizeof(line));
		if (op.kind == FZP_PRELUDE_MAP)
			put(out, cap, &used, "%s\n", line);
		else
			put(out, cap, &used, "vcpu%u %s\n", op.vcpu, line);
	}
	for (size_t i = 0; i < d.sched_len; i++)
		put(out, cap, &used, "%s%u%s", i % SCHED_PER_LINE ? " " : "schedule ",
		    d.sched[i] % d.nr_vcpus,
		    i % SCHED_PER_LINE == SCHED_PER_LINE - 1 || i + 1 == d.sched_len ? "\n" : "");
	return used < cap ? used : cap ? cap - 1 : 0;
}
