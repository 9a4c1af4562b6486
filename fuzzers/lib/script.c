// SPDX-License-Identifier: MIT
/*
 * Scripts to inputs and back. Encoding picks, for every value, the field
 * encoding that decodes to exactly that value (docs/input-format.md), and
 * refuses values the format cannot express.
 */
#include "script.h"
#include "input.h"
#include "script_parse.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const preset_names[] = { "virt", "phone", "tiny", "wide" };
static const char *const align_names[] = { "1g", "2m", "4k" };

static uint64_t memory_pages(const struct fz_machine *m)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < m->nr_regions; i++)
		n += m->regions[i].size >> 12;
	return n;
}

/* The index of @pfn among memory pages, or -1. */
static int64_t memory_index(const struct fz_machine *m, uint64_t pfn)
{
	uint64_t index = 0;

	for (unsigned i = 0; i < m->nr_regions; i++) {
		uint64_t first = m->regions[i].base >> 12, pages = m->regions[i].size >> 12;

		if (pfn >= first && pfn - first < pages)
			return (int64_t)(index + pfn - first);
		index += pages;
	}
	return -1;
}

/* A page selector that decodes to exactly the page @v names. */
static bool encode_pfn(struct fz_parse *p, const struct fz_machine *m, const char *v, uint32_t *sel)
{
	uint64_t top = 1ULL << (m->host_ia_bits - 12), pfn, n;
	int64_t index;

	if (!strncmp(v, "mem:", 4)) {
		if (!fz_parse_u64(v + 4, &n) || n >= memory_pages(m) || n >= (1U << 30))
			return fz_perr(p, "bad memory page index '%s'", v);
		*sel = (uint32_t)n;
		return true;
	}
	if (!strncmp(v, "carve:", 6)) {
		long long off = strtoll(v + 6, NULL, 0);

		if (off < -0x8000 || off >= 0x8000)
			return fz_perr(p, "carve-out offset out of range in '%s'", v);
		*sel = (1U << 30) | (uint32_t)(off + 0x8000);
		return true;
	}
	if (!fz_parse_u64(v, &pfn))
		return fz_perr(p, "bad page number '%s'", v);
	index = memory_index(m, pfn);
	if (index >= 0 && index < (1 << 30))
		*sel = (uint32_t)index;
	else if (pfn < top && pfn < (1U << 30))
		*sel = (2U << 30) | (uint32_t)pfn;
	else if (pfn + 4 >= top && pfn + 4 - top < 256)
		*sel = (3U << 30) | (uint32_t)(pfn + 4 - top);
	else
		return fz_perr(p, "page %s cannot be expressed for this machine", v);
	return true;
}

struct fields {
	uint8_t rec[FZ_RECORD_SIZE];
	bool a16_used;
};

static bool set_a16(struct fz_parse *p, struct fields *f, uint64_t v)
{
	if (f->a16_used)
		return fz_perr(p, "nr, prot, ia_bits and pool share one field: use one");
	f->rec[2] = (uint8_t)v;
	f->rec[3] = (uint8_t)(v >> 8);
	f->a16_used = true;
	return true;
}

static bool encode_field(struct fz_parse *p, const struct fz_machine *m, struct fields *f,
			 const char *key, const char *val, enum fz_op_kind kind)
{
	uint64_t v = 0;
	uint32_t sel;

	if (!strcmp(key, "pfn") || !strcmp(key, "pgd")) {
		if (!encode_pfn(p, m, val, &sel))
			return false;
		memcpy(f->rec + 4, &sel, 4);
		return true;
	}
	if (!strcmp(key, "addr")) {
		char page[64];
		bool unaligned;

		if (!fz_parse_u64(val, &v))
			return fz_perr(p, "bad address '%s'", val);
		unaligned = v & 0xfff;
		if (unaligned && (v & 0xfff) != 8)
			return fz_perr(p, "an unaligned abort address must be page + 8");
		snprintf(page, sizeof(page), "%#llx", (unsigned long long)(v >> 12));
		if (!encode_pfn(p, m, page, &sel))
			return false;
		memcpy(f->rec + 4, &sel, 4);
		return unaligned ? set_a16(p, f, 0xffff) : true;
	}
	if (!fz_parse_u64(val, &v))
		return fz_perr(p, "bad number '%s' for %s", val, key);
	if (!strcmp(key, "vm")) {
		if (v > 31)
			return fz_perr(p, "vm %s: at most 31", val);
		f->rec[1] = (uint8_t)(v < 4 ? v : (0x80 | v));
		return true;
	}
	if (!strcmp(key, "gfn")) {
		if (v >= (1ULL << 36))
			return fz_perr(p, "gfn %s: at most 2^36 - 1", val);
		v |= 2ULL << 62;
		memcpy(f->rec + 8, &v, 8);
		return true;
	}
	if (!strcmp(key, "nr") && kind == FZ_POOL_HIDE) {
		if (v >= 64)
			return fz_perr(p, "pool_hide nr %s: at most 63", val);
		sel = (uint32_t)v;
		memcpy(f->rec + 4, &sel, 4);
		return true;
	}
	if (!strcmp(key, "nr")) {
		if (v < 0x400)
			return set_a16(p, f, v);
		if (v % 512 == 0 && v / 512 < 0x400)
			return set_a16(p, f, 0x8000 | v / 512);
		return fz_perr(p, "nr %s: below 1024, or a multiple of 512 below 2^19", val);
	}
	if (!strcmp(key, "prot"))
		return v < 16 ? set_a16(p, f, v) : fz_perr(p, "prot %s: at most 15", val);
	if (!strcmp(key, "ia_bits"))
		return v >= 28 && v < 52 ? set_a16(p, f, v - 28) : fz_perr(p, "ia_bits: 28 to 51");
	if (!strcmp(key, "pool"))
		return v < 2 + m->nr_vm_slots ? set_a16(p, f, v) : fz_perr(p, "no pool %s", val);
	return fz_perr(p, "unknown field '%s'", key);
}

static bool parse_machine(struct fz_parse *p, char *line, uint8_t *hdr, struct fz_machine *m)
{
	memset(hdr, 0, FZ_HEADER_SIZE);
	for (char *tok = strtok(line, " \t"); tok; tok = strtok(NULL, " \t")) {
		char *eq = strchr(tok, '=');
		uint64_t v;
		bool ok = false;

		if (!strcmp(tok, "machine"))
			continue;
		if (!eq)
			return fz_perr(p, "expected key=value, got '%s'", tok);
		*eq++ = '\0';
		if (!strcmp(tok, "preset")) {
			for (unsigned i = 0; i < 4; i++)
				if (!strcmp(eq, preset_names[i]))
					hdr[0] = (uint8_t)i, ok = true;
		} else if (!strcmp(tok, "va_align")) {
			for (unsigned i = 0; i < 3; i++)
				if (!strcmp(eq, align_names[i]))
					hdr[9] = (uint8_t)i, ok = true;
		} else if (!strcmp(tok, "regions") && fz_parse_u64(eq, &v) && v >= 1 && v <= 3) {
			hdr[1] = (uint8_t)(v - 1), ok = true;
		} else if (!strcmp(tok, "vm_slots") && fz_parse_u64(eq, &v) && v >= 1 && v <= 16) {
			hdr[8] = (uint8_t)(16 - v), ok = true;
		} else if ((!strcmp(tok, "host_pool") || !strcmp(tok, "hyp_pool"))) {
			uint8_t *b = &hdr[tok[1] == 'o' ? 6 : 7];

			if (!strcmp(eq, "full") || !strcmp(eq, "half") || !strcmp(eq, "quarter"))
				*b = eq[0] == 'f' ? 0 : eq[0] == 'h' ? 1 : 2, ok = true;
			else if (!strncmp(eq, "tiny:", 5) && fz_parse_u64(eq + 5, &v) && v >= 2 && v < 18)
				*b = (uint8_t)(0xf0 + v - 2), ok = true;
		} else if (!strncmp(tok, "nudge", 5) && tok[5] >= '1' && tok[5] <= '4' &&
			   fz_parse_u64(eq, &v) && v < 256) {
			hdr[2 + tok[5] - '1'] = (uint8_t)v, ok = true;
		}
		if (!ok)
			return fz_perr(p, "bad machine field %s=%s", tok, eq);
	}
	fz_decode_machine(hdr, m);
	return true;
}

static bool parse_op(struct fz_parse *p, char *line, const struct fz_machine *m, uint8_t *rec)
{
	struct fields f = { .a16_used = false };
	enum fz_op_kind kind = FZ_NR_OPS;
	char *tok = strtok(line, " \t");

	memset(f.rec, 0, sizeof(f.rec));
	for (unsigned k = 0; k < FZ_NR_OPS; k++)
		if (!strcmp(tok, fz_op_name((enum fz_op_kind)k)))
			kind = (enum fz_op_kind)k;
	if (kind == FZ_NR_OPS)
		return fz_perr(p, "unknown operation '%s'", tok);
	f.rec[0] = (uint8_t)kind;
	while ((tok = strtok(NULL, " \t"))) {
		char *eq = strchr(tok, '=');

		if (!eq)
			return fz_perr(p, "expected key=value, got '%s'", tok);
		*eq++ = '\0';
		if (!encode_field(p, m, &f, tok, eq, kind))
			return false;
	}
	memcpy(rec, f.rec, FZ_RECORD_SIZE);
	return true;
}

struct encode {
	uint8_t *out;
	size_t cap, len;
	bool have_machine;
	struct fz_machine m;
};

static bool encode_line(struct fz_parse *p, char *line, void *arg)
{
	struct encode *e = arg;

	if (!e->have_machine) {
		if (strncmp(line, "machine", 7))
			return fz_perr(p, "a script starts with a machine line");
		if (e->cap < FZ_HEADER_SIZE || !parse_machine(p, line, e->out, &e->m))
			return false;
		e->have_machine = true;
		e->len = FZ_HEADER_SIZE;
		return true;
	}
	if (e->len + FZ_RECORD_SIZE > e->cap)
		return fz_perr(p, "script too long");
	if (!parse_op(p, line, &e->m, e->out + e->len))
		return false;
	e->len += FZ_RECORD_SIZE;
	return true;
}

size_t fz_script_to_input(const char *text, uint8_t *out, size_t cap, char *err, size_t errlen)
{
	struct fz_parse p = { err, errlen, 0 };
	struct encode e = { .out = out, .cap = cap };

	if (!fz_for_each_line(&p, text, encode_line, &e))
		return 0;
	if (!e.have_machine) {
		fz_perr(&p, "empty script: a script starts with a machine line");
		return 0;
	}
	return e.len;
}

size_t fz_input_to_script(const uint8_t *in, size_t len, char *out, size_t cap)
{
	static const char *const pools[] = { "full", "half", "quarter" };
	struct fz_machine m;
	size_t used = 0;
	char desc[512];
	int w;

	if (cap)
		out[0] = '\0';
	if (len < FZ_HEADER_SIZE)
		return 0;
	fz_decode_machine(in, &m);
	fz_machine_format(&m, desc, sizeof(desc));
	w = snprintf(out, cap, "# %s\nmachine preset=%s regions=%u vm_slots=%u va_align=%s", desc,
		     preset_names[in[0] % 4], m.nr_regions, m.nr_vm_slots, align_names[in[9] % 3]);
	used = w < 0 ? 0 : (size_t)w;
	for (unsigned i = 0; i < 2; i++) {
		uint8_t b = in[6 + i];

		w = b >= 0xf0 ? snprintf(out + used, cap > used ? cap - used : 0, " %s=tiny:%u",
					 i ? "hyp_pool" : "host_pool", 2U + (b & 0xfU))
			      : snprintf(out + used, cap > used ? cap - used : 0, " %s=%s",
					 i ? "hyp_pool" : "host_pool", pools[b % 3]);
		used += w < 0 ? 0 : (size_t)w;
	}
	for (unsigned i = 0; i < 4; i++) {
		if (in[2 + i]) {
			w = snprintf(out + used, cap > used ? cap - used : 0, " nudge%u=%#x", i + 1,
				     in[2 + i]);
			used += w < 0 ? 0 : (size_t)w;
		}
	}
	for (size_t off = FZ_HEADER_SIZE; off + FZ_RECORD_SIZE <= len; off += FZ_RECORD_SIZE) {
		struct fz_op op;
		char line[256];

		fz_decode_op(&m, in + off, &op);
		fz_op_format(&op, line, sizeof(line));
		w = snprintf(out + used, cap > used ? cap - used : 0, "\n%s", line);
		used += w < 0 ? 0 : (size_t)w;
	}
	w = snprintf(out + used, cap > used ? cap - used : 0, "\n");
	used += w < 0 ? 0 : (size_t)w;
	return used < cap ? used : cap ? cap - 1 : 0;
}
