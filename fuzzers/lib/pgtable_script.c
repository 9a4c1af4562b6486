// SPDX-License-Identifier: MIT
/*
 * fuzz_pgtable scripts to inputs (docs/fuzz_pgtable.md). Encoding picks, for
 * every value, a field encoding that decodes to exactly that value, and
 * refuses values the format cannot express, saying which ones it can.
 */
#include "pgtable_input.h"
#include "script_parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SZ_4K  FZ_PGT_SZ_4K
#define SZ_2M  FZ_PGT_SZ_2M
#define SZ_1G  FZ_PGT_SZ_1G
#define TOP_48 (1ULL << 48)

/* @v names one of @n names, or is its index. */
static bool parse_name(const char *v, const char *const *names, unsigned n, unsigned *out)
{
	uint64_t x;

	for (unsigned i = 0; i < n; i++) {
		if (!strcmp(v, names[i])) {
			*out = i;
			return true;
		}
	}
	if (!fz_parse_u64(v, &x) || x >= n)
		return false;
	*out = (unsigned)x;
	return true;
}

static bool parse_pool(const char *v, uint8_t *b)
{
	uint64_t n;
	unsigned i;

	if (!strncmp(v, "tiny:", 5) && fz_parse_u64(v + 5, &n) && n >= 1 && n <= 16) {
		*b = (uint8_t)(0xf0 + n - 1);
		return true;
	}
	if (!parse_name(v, fz_pgtable_pool_names, FZ_PGT_NR_POOL_SIZES, &i))
		return false;
	*b = (uint8_t)i;
	return true;
}

static bool parse_setup(struct fz_parse *p, char *line, uint8_t *hdr)
{
	memset(hdr, 0, FZ_PGTABLE_HEADER_SIZE);
	for (char *tok = strtok(line, " \t"); tok; tok = strtok(NULL, " \t")) {
		char *eq = strchr(tok, '=');
		uint64_t v;
		unsigned w;
		bool ok = false;

		if (!strcmp(tok, "tables"))
			continue;
		if (!eq)
			return fz_perr(p, "expected key=value, got '%s'", tok);
		*eq++ = '\0';
		if (!strcmp(tok, "ia_bits") && fz_parse_u64(eq, &v) && v >= 32 && v <= 48)
			hdr[0] = (uint8_t)(v - 32), ok = true;
		else if (!strcmp(tok, "guest_pool"))
			ok = parse_pool(eq, &hdr[1]);
		else if (!strcmp(tok, "hyp_pool"))
			ok = parse_pool(eq, &hdr[2]);
		else if (!strcmp(tok, "window") &&
			 parse_name(eq, fz_pgtable_window_names, FZ_WIN_NR, &w))
			hdr[3] = (uint8_t)w, ok = true;
		if (!ok)
			return fz_perr(p, "bad tables field %s=%s", tok, eq);
	}
	return true;
}

/* An input-address selector that decodes to exactly @ia (decode_ia). */
static bool encode_ia(struct fz_parse *p, const struct fz_pgtable_setup *s, enum fz_pgtable_table t,
		      uint64_t ia, uint32_t *sel)
{
	uint64_t w = fz_pgtable_window_base(s, t), w1 = w & ~(SZ_1G - 1);
	uint64_t top = 1ULL << s->ia_bits[t];

	if (ia >= w && !((ia - w) % SZ_4K) && (ia - w) / SZ_4K < 0x1000)
		*sel = (uint32_t)((ia - w) / SZ_4K);
	else if (ia >= w && !((ia - w) % SZ_2M) && (ia - w) / SZ_2M < 32)
		*sel = 4U << 29 | (uint32_t)((ia - w) / SZ_2M);
	else if (ia >= w1 && !((ia - w1) % SZ_1G) && (ia - w1) / SZ_1G < 8)
		*sel = 5U << 29 | (uint32_t)((ia - w1) / SZ_1G);
	else if (!(ia % SZ_4K) && ia / SZ_4K < (1U << 29))
		*sel = 6U << 29 | (uint32_t)(ia / SZ_4K);
	else if (ia % SZ_4K == FZ_PGT_UNALIGNED && ia - FZ_PGT_UNALIGNED >= w &&
		 (ia - FZ_PGT_UNALIGNED - w) / SZ_4K < 0x1000)
		*sel = 7U << 29 | 1U << 28 | (uint32_t)((ia - FZ_PGT_UNALIGNED - w) / SZ_4K);
	else if (!(ia % SZ_4K) && ia + 0x800 * SZ_4K >= top &&
		 (ia + 0x800 * SZ_4K - top) / SZ_4K < 0x1000)
		*sel = 7U << 29 | (uint32_t)((ia + 0x800 * SZ_4K - top) / SZ_4K);
	else
		return fz_perr(p,
			    "ia %#llx cannot be expressed for the %s table: use a page of the "
			    "16 MiB window at %#llx, 2 MiB or 1 GiB steps from it, a page below "
			    "2^41, a window page + 0x10, or a page within 8 MiB of 2^%u",
			    (unsigned long long)ia, fz_pgtable_table_name(t), (unsigned long long)w,
			    s->ia_bits[t]);
	return true;
}

/* An output selector that decodes to exactly @pa given @ia (decode_pa). */
static bool encode_pa(struct fz_parse *p, uint64_t ia, uint64_t pa, uint16_t *sel)
{
	int64_t d = (int64_t)(pa - ia);
	const int64_t units[] = { (int64_t)SZ_1G, (int64_t)SZ_2M, (int64_t)SZ_4K };

	if (pa == ia + FZ_PGT_UNALIGNED) {
		*sel = 0xe000;
		return true;
	}
	for (unsigned i = 0; i < 3; i++) {
		int64_t q = d / units[i], lim = i ? 0x2000 : 0x80;

		if (d % units[i] || q < -lim || q >= lim)
			continue;
		*sel = (uint16_t)(i << 14 | ((uint64_t)q & (i ? 0x3fffU : 0xffU)));
		return true;
	}
	/* Gigabytes (rounded down) plus 1-31 pages. */
	if (!(d % (int64_t)SZ_4K)) {
		int64_t q = (d >= 0 ? d : d - (int64_t)SZ_1G + 1) / (int64_t)SZ_1G;
		int64_t r = (d - q * (int64_t)SZ_1G) / (int64_t)SZ_4K;

		if (q >= -0x80 && q < 0x80 && r < 32) {
			*sel = (uint16_t)(0x2000 | (uint64_t)r << 8 | ((uint64_t)q & 0xffU));
			return true;
		}
	}
	if (pa <= TOP_48 && !(pa % SZ_4K) && (TOP_48 - pa) / SZ_4K < 0x2000) {
		*sel = (uint16_t)(0xc000 | (TOP_48 - pa) / SZ_4K);
		return true;
	}
	return fz_perr(p,
		    "pa %#llx cannot be expressed: pa - ia must be -128 to 127 GiB plus 0 to 31 "
		    "pages, or -8192 to 8191 times 2 MiB or 4 KiB, or ia + 0x10; or pa a page "
		    "within 32 MiB below 2^48",
		    (unsigned long long)pa);
}

static bool encode_nr(struct fz_parse *p, uint64_t nr, uint16_t *a16)
{
	if (nr < 0x100)
		*a16 = (uint16_t)nr;
	else if (!(nr % 512) && nr / 512 < 16)
		*a16 = (uint16_t)(0x8000 | nr / 512);
	else if (!(nr % (1U << 18)) && nr >> 18 < 4)
		*a16 = (uint16_t)(0xc000 | nr >> 18);
	else if (nr < 0x800)
		*a16 = (uint16_t)(0xe000 | nr);
	else
		return fz_perr(p, "nr %llu: below 2048, 512 times 1-15, or 262144 times 1-3",
			    (unsigned long long)nr);
	return true;
}

static bool parse_prot(const char *v, unsigned *prot)
{
	uint64_t n;

	if (fz_parse_u64(v, &n)) {
		*prot = (unsigned)n;
		return n < 16;
	}
	*prot = 0;
	for (const char *c = v; *c; c++) {
		unsigned bit = *c == 'r' ? 4 : *c == 'w' ? 2 : *c == 'x' ? 1 : 0;

		if (!bit || (*prot & bit))
			return false;
		*prot |= bit;
	}
	return *prot != 0;
}

/* The fields of one script line, as given. */
struct op_text {
	unsigned have;
	uint64_t ia, nr, pa, keep;
	unsigned prot, memtype, level, owner;
};

static const char *const field_names[] = { "ia",   "nr",      "level", "owner", "pa",
					   "prot", "memtype", "keep",  "raw" };
#define NR_FIELDS (sizeof(field_names) / sizeof(field_names[0]))

static bool parse_field(struct fz_parse *p, struct op_text *t, unsigned bit, const char *key,
			const char *v)
{
	uint64_t n = 0;
	bool ok;

	if (bit == FZ_PGT_F_PROT)
		ok = parse_prot(v, &t->prot);
	else if (bit == FZ_PGT_F_MEMTYPE)
		ok = parse_name(v, fz_pgtable_memtype_names, 3, &t->memtype);
	else
		ok = fz_parse_u64(v, &n);
	if (!ok)
		return fz_perr(p, "bad value '%s' for %s", v, key);
	if (bit == FZ_PGT_F_IA)
		t->ia = n;
	else if (bit == FZ_PGT_F_NR)
		t->nr = n;
	else if (bit == FZ_PGT_F_PA)
		t->pa = n;
	else if (bit == FZ_PGT_F_KEEP && n < 0x400)
		t->keep = n;
	else if (bit == FZ_PGT_F_LEVEL && n < 4)
		t->level = (unsigned)n;
	else if (bit == FZ_PGT_F_OWNER && n < 0x200)
		t->owner = (unsigned)n;
	else if (bit != FZ_PGT_F_PROT && bit != FZ_PGT_F_MEMTYPE)
		return fz_perr(p, "%s %s out of range (level 0-3, owner 0-511, keep 0-1023)", key, v);
	return true;
}

static bool encode_op(struct fz_parse *p, const struct fz_pgtable_setup *s,
		      enum fz_pgtable_op_kind kind, enum fz_pgtable_table table,
		      const struct op_text *t, uint8_t *rec)
{
	unsigned f = fz_pgtable_op_fields(kind);
	uint16_t a16 = 0, psel = 0;
	uint32_t isel = 0;

	rec[0] = (uint8_t)kind;
	rec[1] = (uint8_t)((table == FZ_PGT_HYP ? 3 : 0) | (t->have & FZ_PGT_F_RAW ? 0x80 : 0));
	rec[2] = (uint8_t)((t->prot < 8 ? t->prot : 0x70 | t->prot) ^ FZ_PGT_ZERO_PROT);
	rec[3] = (uint8_t[]){ 0x00, 0xc0, 0xf8 }[t->memtype];
	if (f & FZ_PGT_F_OWNER) {
		rec[2] = (uint8_t)t->owner;
		rec[3] = t->owner > 0xff ? 0xf8 : 0;
	}
	if ((f & FZ_PGT_F_IA) && !encode_ia(p, s, table, t->ia, &isel))
		return false;
	if ((f & FZ_PGT_F_PA) && !encode_pa(p, t->ia, t->pa, &psel))
		return false;
	if ((f & FZ_PGT_F_NR) && !encode_nr(p, t->nr, &a16))
		return false;
	if (f & FZ_PGT_F_NR)
		a16 ^= FZ_PGT_ZERO_NR;
	if (f & FZ_PGT_F_LEVEL)
		a16 = (uint16_t)(t->level ^ FZ_PGT_ZERO_LEVEL);
	if (f & FZ_PGT_F_KEEP)
		a16 = (uint16_t)(t->keep < 0x10 ? t->keep : 0x8000 | t->keep);
	memcpy(rec + 4, (uint8_t[]){ (uint8_t)a16, (uint8_t)(a16 >> 8) }, 2);
	memcpy(rec + 6, (uint8_t[]){ (uint8_t)psel, (uint8_t)(psel >> 8) }, 2);
	for (unsigned i = 0; i < 4; i++)
		rec[8 + i] = (uint8_t)(isel >> (8 * i));
	return true;
}

/* "map guest ia=... nr=...": every field the operation takes, no other. */
static bool parse_op(struct fz_parse *p, char *line, const struct fz_pgtable_setup *s, uint8_t *rec)
{
	enum fz_pgtable_op_kind kind = FZ_PGT_NR_OPS;
	enum fz_pgtable_table table;
	struct op_text t = { .have = 0 };
	char *tok = strtok(line, " \t");
	unsigned f;

	memset(rec, 0, FZ_PGTABLE_RECORD_SIZE);
	for (unsigned k = 0; k < FZ_PGT_NR_OPS; k++)
		if (!strcmp(tok, fz_pgtable_op_name((enum fz_pgtable_op_kind)k)))
			kind = (enum fz_pgtable_op_kind)k;
	if (kind == FZ_PGT_NR_OPS)
		return fz_perr(p, "unknown operation '%s'", tok);
	f = fz_pgtable_op_fields(kind);
	tok = strtok(NULL, " \t");
	if (!tok || (strcmp(tok, "guest") && strcmp(tok, "hyp")))
		return fz_perr(p, "%s: the table comes first, guest or hyp", fz_pgtable_op_name(kind));
	table = strcmp(tok, "hyp") ? FZ_PGT_GUEST : FZ_PGT_HYP;
	while ((tok = strtok(NULL, " \t"))) {
		char *eq = strchr(tok, '=');
		unsigned bit = 0;

		if (eq)
			*eq++ = '\0';
		for (unsigned i = 0; i < NR_FIELDS; i++)
			if (!strcmp(tok, field_names[i]))
				bit = 1U << i;
		if (!bit)
			return fz_perr(p, "unknown field '%s'", tok);
		if (!(f & bit))
			return fz_perr(p, "%s takes no field '%s'", fz_pgtable_op_name(kind), tok);
		if (t.have & bit)
			return fz_perr(p, "field '%s' given twice", tok);
		if ((bit == FZ_PGT_F_RAW) != !eq)
			return fz_perr(
				p, bit == FZ_PGT_F_RAW ? "raw takes no value" : "expected %s=value",
				tok);
		if (bit != FZ_PGT_F_RAW && !parse_field(p, &t, bit, tok, eq))
			return false;
		t.have |= bit;
	}
	/* Everything but the memory type (normal) and raw must be said. */
	for (unsigned i = 0; i < NR_FIELDS; i++) {
		unsigned bit = 1U << i;

		if ((f & bit) && !(t.have & bit) && bit != FZ_PGT_F_MEMTYPE && bit != FZ_PGT_F_RAW)
			return fz_perr(p, "%s needs %s=", fz_pgtable_op_name(kind), field_names[i]);
	}
	return encode_op(p, s, kind, table, &t, rec);
}

size_t fz_pgtable_script_to_input(const char *text, uint8_t *out, size_t cap, char *err,
				  size_t errlen)
{
	struct fz_parse p = { err, errlen, 0 };
	struct fz_pgtable_setup s;
	bool have_setup = false;
	size_t len = 0;

	if (errlen)
		err[0] = '\0';
	while (*text) {
		char line[512], *start, *hash;
		size_t n = strcspn(text, "\n");

		p.line++;
		if (n >= sizeof(line))
			return fz_perr(&p, "line too long"), 0;
		memcpy(line, text, n);
		line[n] = '\0';
		text += n + (text[n] == '\n');
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		for (start = line; isspace((unsigned char)*start); start++)
			;
		if (!*start)
			continue;
		if (!have_setup) {
			if (strncmp(start, "tables", 6) ||
			    (start[6] && !isspace((unsigned char)start[6])))
				return fz_perr(&p, "a script starts with a tables line"), 0;
			if (cap < FZ_PGTABLE_HEADER_SIZE)
				return fz_perr(&p, "script too long"), 0;
			if (!parse_setup(&p, start, out))
				return 0;
			fz_pgtable_decode_setup(out, &s);
			have_setup = true;
			len = FZ_PGTABLE_HEADER_SIZE;
			continue;
		}
		if (len + FZ_PGTABLE_RECORD_SIZE > cap)
			return fz_perr(&p, "script too long"), 0;
		if (!parse_op(&p, start, &s, out + len))
			return 0;
		len += FZ_PGTABLE_RECORD_SIZE;
	}
	if (!have_setup)
		return fz_perr(&p, "empty script: a script starts with a tables line"), 0;
	return len;
}
