// SPDX-License-Identifier: MIT
/*
 * fuzz_pgtable's world (docs/fuzz_pgtable.md): the header sets up the two
 * tables, each 16-byte record is one table-library operation of SPEC §5b on
 * one of them. Half the addresses land in a 16 MiB window, so maps, splits
 * and replacements meet each other; a quarter are 2 MiB or 1 GiB aligned;
 * the rest reach the whole space, the top edge (-EINVAL past ia_bits) and
 * unaligned addresses. Output addresses are the input plus a delta in
 * 1 GiB, 2 MiB or 4 KiB units, so a block fits sometimes and sometimes not.
 * Zero bytes (a common mutation) decode to rw, one page, level 3.
 */
#include "ops_tables.h"

#include <stdio.h>
#include <string.h>

#define SZ_4K	   0x1000ULL
#define SZ_2M	   0x200000ULL
#define SZ_8M	   0x800000ULL
#define SZ_1G	   0x40000000ULL
#define TOP_48	   (1ULL << 48)
#define UNALIGNED  0x10ULL /* the offset of an unaligned address or output (S1) */
#define ZERO_PROT  0x6U	   /* XORed into their fields: zero bytes mean rw, */
#define ZERO_NR	   0x1U	   /* one page, */
#define ZERO_LEVEL 0x3U	   /* level 3 */

enum { T_TABLE, T_IA, T_NR, T_LEVEL, T_OWNER, T_PA, T_PROT, T_MEMTYPE, T_KEEP, T_NR_FIELDS };

static const char *const table_names[FZ_T_NR] = { "guest", "hyp" };
static const char *const memtype_names[3] = { "normal", "device", "2" };
static const char *const window_names[FZ_WIN_NR] = { "gib", "gib_edge", "mid", "zero" };
/*
 * Pools big enough for a 1 GiB block split to pages (full: two, half: one)
 * are a quarter of the choices: a table of 262144 pages is hashed on both
 * sides after every operation, and slow inputs are few inputs.
 */
#define NR_POOL_SIZES 8
static const char *const pool_names[NR_POOL_SIZES] = { "full", "half", "small", "small",
						       "some", "some", "few",	"few" };
static const uint64_t pool_sizes[NR_POOL_SIZES] = { 1100, 520, 64, 64, 32, 32, 12, 12 };

/* A pool byte: one of four sizes, or 1-16 pages to reach -ENOMEM at once. */
static uint64_t pool_pages(uint8_t b)
{
	return b >= 0xf0 ? 1U + (b & 0x0fU) : pool_sizes[b % NR_POOL_SIZES];
}

static void decode_setup(const uint8_t *h, void *setup)
{
	struct fz_tables_setup *s = setup;

	memset(s, 0, sizeof(*s));
	s->ia_bits[FZ_T_GUEST] = 32 + h[0] % 17U;
	s->ia_bits[FZ_T_HYP] = FZ_TABLES_HYP_IA_BITS;
	s->pool_pages[FZ_T_GUEST] = pool_pages(h[1]);
	s->pool_pages[FZ_T_HYP] = pool_pages(h[2]);
	s->window = (enum fz_window)(h[3] % FZ_WIN_NR);
}

static bool parse_setup(struct fz_kvline *l, uint8_t *hdr, struct fz_err *e)
{
	const char *v;
	unsigned i;
	uint64_t n;

	memset(hdr, 0, 16);
	if ((v = fz_kv_take(l, "ia_bits"))) {
		if (!fz_num_in("ia_bits", v, 32, 48, &n, e))
			return false;
		hdr[0] = (uint8_t)(n - 32);
	}
	if ((v = fz_kv_take(l, "guest_pool")) &&
	    !fz_parse_pool("guest_pool", v, pool_names, NR_POOL_SIZES, 1, 16, &hdr[1], e))
		return false;
	if ((v = fz_kv_take(l, "hyp_pool")) &&
	    !fz_parse_pool("hyp_pool", v, pool_names, NR_POOL_SIZES, 1, 16, &hdr[2], e))
		return false;
	if ((v = fz_kv_take(l, "window"))) {
		if (!fz_name(v, window_names, FZ_WIN_NR, &i))
			return fz_fail(e, "window: '%s' is not gib, gib_edge, mid or zero", v);
		hdr[3] = (uint8_t)i;
	}
	return fz_kv_all_used(l, e);
}

static int pool_word(uint8_t b, char *buf, size_t len)
{
	return b >= 0xf0 ? snprintf(buf, len, "tiny:%u", 1U + (b & 0x0fU))
			 : snprintf(buf, len, "%s", pool_names[b % NR_POOL_SIZES]);
}

static int format_setup(const uint8_t *hdr, char *buf, size_t len)
{
	char gp[16], hp[16];

	pool_word(hdr[1], gp, sizeof(gp));
	pool_word(hdr[2], hp, sizeof(hp));
	return snprintf(buf, len, "tables ia_bits=%u guest_pool=%s hyp_pool=%s window=%s",
			32 + hdr[0] % 17U, gp, hp, window_names[hdr[3] % FZ_WIN_NR]);
}

uint64_t fz_window_base(const struct fz_tables_setup *s, enum fz_table table)
{
	switch (s->window) {
	case FZ_WIN_GIB:
		return SZ_1G;
	case FZ_WIN_GIB_EDGE:
		return SZ_1G - SZ_8M;
	case FZ_WIN_MID:
		return (1ULL << (s->ia_bits[table] - 1)) - SZ_8M;
	default:
		return 0;
	}
}

static uint64_t dec_table(const void *s, const uint8_t *r, const struct fz_op *o)
{
	(void)s, (void)o;
	/* A quarter of the operations go to the hyp table: most of §5b is stage-2. */
	return (r[1] & 3) == 3 ? FZ_T_HYP : FZ_T_GUEST;
}

static bool enc_table(const void *s, uint64_t v, uint8_t *r, const struct fz_op *o,
		      struct fz_err *e)
{
	(void)s, (void)o, (void)e;
	r[1] = v == FZ_T_HYP ? 3 : 0;
	return true;
}

static bool parse_table(const void *s, const char *t, uint64_t *v, struct fz_err *e)
{
	unsigned i;

	(void)s;
	if (strcmp(t, "guest") && strcmp(t, "hyp"))
		return fz_fail(e, "table: '%s' is not guest or hyp", t);
	fz_name(t, table_names, FZ_T_NR, &i);
	*v = i;
	return true;
}

static int fmt_table(uint64_t v, char *buf, size_t len)
{
	return snprintf(buf, len, "%s", table_names[v % FZ_T_NR]);
}

static uint64_t dec_ia(const void *setup, const uint8_t *r, const struct fz_op *o)
{
	const struct fz_tables_setup *s = setup;
	enum fz_table t = (enum fz_table)o->v[T_TABLE];
	uint32_t sel = (uint32_t)fz_rd(r + 8, 4);
	uint64_t w = fz_window_base(s, t), low = sel & 0x1fffffffU;

	switch (sel >> 29) {
	case 4:
		return w + (low & 0x1f) * SZ_2M;
	case 5:
		return (w & ~(SZ_1G - 1)) + (low & 7) * SZ_1G;
	case 6: /* anywhere below 2^41 */
		return low << 12;
	case 7: /* unaligned in the window, or across the top of the space */
		if (low & (1U << 28))
			return w + (low & 0xfff) * SZ_4K + UNALIGNED;
		return (1ULL << s->ia_bits[t]) + ((low & 0xfff) - 0x800) * SZ_4K;
	default: /* 0-3: the window, page by page */
		return w + (low & 0xfff) * SZ_4K;
	}
}

static bool enc_ia(const void *setup, uint64_t ia, uint8_t *r, const struct fz_op *o,
		   struct fz_err *e)
{
	const struct fz_tables_setup *s = setup;
	enum fz_table t = (enum fz_table)o->v[T_TABLE];
	uint64_t w = fz_window_base(s, t), w1 = w & ~(SZ_1G - 1), top = 1ULL << s->ia_bits[t];
	uint64_t sel;

	if (ia >= w && !((ia - w) % SZ_4K) && (ia - w) / SZ_4K < 0x1000)
		sel = (ia - w) / SZ_4K;
	else if (ia >= w && !((ia - w) % SZ_2M) && (ia - w) / SZ_2M < 32)
		sel = 4ULL << 29 | (ia - w) / SZ_2M;
	else if (ia >= w1 && !((ia - w1) % SZ_1G) && (ia - w1) / SZ_1G < 8)
		sel = 5ULL << 29 | (ia - w1) / SZ_1G;
	else if (!(ia % SZ_4K) && ia / SZ_4K < (1U << 29))
		sel = 6ULL << 29 | ia / SZ_4K;
	else if (ia % SZ_4K == UNALIGNED && ia - UNALIGNED >= w && (ia - UNALIGNED - w) / SZ_4K < 0x1000)
		sel = 7ULL << 29 | 1U << 28 | (ia - UNALIGNED - w) / SZ_4K;
	else if (!(ia % SZ_4K) && ia + 0x800 * SZ_4K >= top && (ia + 0x800 * SZ_4K - top) / SZ_4K < 0x1000)
		sel = 7ULL << 29 | (ia + 0x800 * SZ_4K - top) / SZ_4K;
	else
		return fz_fail(e,
			       "ia %#llx cannot be expressed for the %s table: use a page of the "
			       "16 MiB window at %#llx, 2 MiB or 1 GiB steps from it, a page below "
			       "2^41, a window page + 0x10, or a page within 8 MiB of 2^%u",
			       (unsigned long long)ia, table_names[t], (unsigned long long)w,
			       s->ia_bits[t]);
	fz_wr(r + 8, 4, sel);
	return true;
}

/* A 14-bit two's complement field. */
static int64_t sext14(uint64_t v)
{
	return (int64_t)(v & 0x3fff) - (v & 0x2000 ? 0x4000 : 0);
}

static uint64_t dec_pa(const void *s, const uint8_t *r, const struct fz_op *o)
{
	uint64_t ia = o->v[T_IA], sel = fz_rd(r + 6, 2);

	(void)s;
	switch (sel >> 14) {
	case 0: /* gigabytes away, sometimes plus a few pages (a far, misaligned output) */
		return ia + (uint64_t)((int64_t)(int8_t)(sel & 0xff) * (int64_t)SZ_1G) +
		       (sel & 0x2000 ? ((sel >> 8) & 0x1fU) * SZ_4K : 0);
	case 1:
		return ia + (uint64_t)(sext14(sel) * (int64_t)SZ_2M);
	case 2:
		return ia + (uint64_t)(sext14(sel) * (int64_t)SZ_4K);
	default: /* unaligned, or at the top of the output space */
		if (sel & 0x2000)
			return ia + UNALIGNED;
		return TOP_48 - (sel & 0x1fffU) * SZ_4K;
	}
}

static bool enc_pa(const void *s, uint64_t pa, uint8_t *r, const struct fz_op *o,
		   struct fz_err *e)
{
	const int64_t units[] = { (int64_t)SZ_1G, (int64_t)SZ_2M, (int64_t)SZ_4K };
	uint64_t ia = o->v[T_IA];
	int64_t d = (int64_t)(pa - ia);

	(void)s;
	if (pa == ia + UNALIGNED) {
		fz_wr(r + 6, 2, 0xe000);
		return true;
	}
	for (unsigned i = 0; i < 3; i++) {
		int64_t q = d / units[i], lim = i ? 0x2000 : 0x80;

		if (d % units[i] || q < -lim || q >= lim)
			continue;
		fz_wr(r + 6, 2, i << 14 | ((uint64_t)q & (i ? 0x3fffU : 0xffU)));
		return true;
	}
	/* Gigabytes (rounded down) plus 1-31 pages. */
	if (!(d % (int64_t)SZ_4K)) {
		int64_t q = (d >= 0 ? d : d - (int64_t)SZ_1G + 1) / (int64_t)SZ_1G;
		int64_t rest = (d - q * (int64_t)SZ_1G) / (int64_t)SZ_4K;

		if (q >= -0x80 && q < 0x80 && rest < 32) {
			fz_wr(r + 6, 2, 0x2000 | (uint64_t)rest << 8 | ((uint64_t)q & 0xffU));
			return true;
		}
	}
	if (pa <= TOP_48 && !(pa % SZ_4K) && (TOP_48 - pa) / SZ_4K < 0x2000) {
		fz_wr(r + 6, 2, 0xc000 | (TOP_48 - pa) / SZ_4K);
		return true;
	}
	return fz_fail(e,
		       "pa %#llx cannot be expressed: pa - ia must be -128 to 127 GiB plus 0 to 31 "
		       "pages, or -8192 to 8191 times 2 MiB or 4 KiB, or ia + 0x10; or pa a page "
		       "within 32 MiB below 2^48",
		       (unsigned long long)pa);
}

/*
 * Pages mostly (short runs: every entry written is also hashed twice); 2 MiB
 * multiples a quarter of the time, 1 GiB ones an eighth, longer runs too.
 */
static uint64_t dec_nr(const void *s, const uint8_t *r, const struct fz_op *o)
{
	uint64_t a16 = fz_rd(r + 4, 2) ^ ZERO_NR;

	(void)s, (void)o;
	switch (a16 >> 13) {
	case 4:
	case 5:
		return (a16 & 0xfU) * 512;
	case 6:
		return (a16 & 3U) << 18;
	case 7:
		return a16 & 0x7ffU;
	default:
		return a16 & 0xffU;
	}
}

static bool enc_nr(const void *s, uint64_t nr, uint8_t *r, const struct fz_op *o,
		   struct fz_err *e)
{
	uint64_t a16;

	(void)s, (void)o;
	if (nr < 0x100)
		a16 = nr;
	else if (!(nr % 512) && nr / 512 < 16)
		a16 = 0x8000 | nr / 512;
	else if (!(nr % (1U << 18)) && nr >> 18 < 4)
		a16 = 0xc000 | nr >> 18;
	else if (nr < 0x800)
		a16 = 0xe000 | nr;
	else
		return fz_fail(e, "nr %llu: below 2048, 512 times 1-15, or 262144 times 1-3",
			       (unsigned long long)nr);
	fz_wr(r + 4, 2, a16 ^ ZERO_NR);
	return true;
}

/* Pages and 2 MiB blocks mostly: a 1 GiB fault is an eighth, level 0 too. */
static uint64_t dec_level(const void *s, const uint8_t *r, const struct fz_op *o)
{
	(void)s, (void)o;
	return (unsigned[]){ 0, 1, 2, 3, 2, 3, 2, 3 }[(fz_rd(r + 4, 2) ^ ZERO_LEVEL) & 7];
}

static bool enc_level(const void *s, uint64_t v, uint8_t *r, const struct fz_op *o,
		      struct fz_err *e)
{
	(void)s, (void)o;
	if (v > 3)
		return fz_fail(e, "level %llu: 0 to 3", (unsigned long long)v);
	fz_wr(r + 4, 2, v ^ ZERO_LEVEL);
	return true;
}

/* Owners past 255 (-EINVAL) as rarely as device memory's invalid type. */
static uint64_t dec_owner(const void *s, const uint8_t *r, const struct fz_op *o)
{
	(void)s, (void)o;
	return r[2] | (r[3] >= 0xf8 ? 0x100U : 0);
}

static bool enc_owner(const void *s, uint64_t v, uint8_t *r, const struct fz_op *o,
		      struct fz_err *e)
{
	(void)s, (void)o;
	if (v > 0x1ff)
		return fz_fail(e, "owner %llu: 0 to 511", (unsigned long long)v);
	r[2] = (uint8_t)v;
	r[3] = v > 0xff ? 0xf8 : 0;
	return true;
}

/* Bad protections (8-15) only when three more bits agree: rarely. */
static uint64_t dec_prot(const void *s, const uint8_t *r, const struct fz_op *o)
{
	unsigned p8 = r[2] ^ ZERO_PROT;

	(void)s, (void)o;
	return (p8 & 0x70) == 0x70 ? p8 & 0xfU : p8 & 7U;
}

static bool enc_prot(const void *s, uint64_t v, uint8_t *r, const struct fz_op *o,
		     struct fz_err *e)
{
	(void)s, (void)o;
	if (v > 15)
		return fz_fail(e, "prot %llu: at most 15", (unsigned long long)v);
	r[2] = (uint8_t)((v < 8 ? v : 0x70 | v) ^ ZERO_PROT);
	return true;
}

/* "rw", "rwx", "x"... or a number (0-15). */
static bool parse_prot(const void *s, const char *t, uint64_t *v, struct fz_err *e)
{
	(void)s;
	if (fz_num(t, v))
		return true;
	*v = 0;
	for (const char *c = t; *c; c++) {
		unsigned bit = *c == 'r' ? 4 : *c == 'w' ? 2 : *c == 'x' ? 1 : 0;

		if (!bit || (*v & bit))
			return fz_fail(e, "prot: '%s' is not a number or r, w, x once each", t);
		*v |= bit;
	}
	return true;
}

static int fmt_prot(uint64_t v, char *buf, size_t len)
{
	if (v == 0 || v > 7)
		return snprintf(buf, len, "%llu", (unsigned long long)v);
	return snprintf(buf, len, "%s%s%s", v & 4 ? "r" : "", v & 2 ? "w" : "", v & 1 ? "x" : "");
}

static uint64_t dec_memtype(const void *s, const uint8_t *r, const struct fz_op *o)
{
	(void)s, (void)o;
	return r[3] < 0xc0 ? 0 : r[3] < 0xf8 ? 1 : 2;
}

static bool enc_memtype(const void *s, uint64_t v, uint8_t *r, const struct fz_op *o,
			struct fz_err *e)
{
	(void)s, (void)o, (void)e;
	r[3] = (uint8_t[]){ 0x00, 0xc0, 0xf8 }[v];
	return true;
}

static bool parse_memtype(const void *s, const char *t, uint64_t *v, struct fz_err *e)
{
	unsigned i;

	(void)s;
	if (!fz_name(t, memtype_names, 3, &i))
		return fz_fail(e, "memtype: '%s' is not normal, device or 2", t);
	*v = i;
	return true;
}

static int fmt_memtype(uint64_t v, char *buf, size_t len)
{
	return snprintf(buf, len, "%s", memtype_names[v % 3]);
}

static uint64_t dec_keep(const void *s, const uint8_t *r, const struct fz_op *o)
{
	uint64_t a16 = fz_rd(r + 4, 2);

	(void)s, (void)o;
	return a16 & 0x8000 ? a16 & 0x3ffU : a16 & 0xfU;
}

static bool enc_keep(const void *s, uint64_t v, uint8_t *r, const struct fz_op *o,
		     struct fz_err *e)
{
	(void)s, (void)o;
	if (v > 0x3ff)
		return fz_fail(e, "keep %llu: at most 1023", (unsigned long long)v);
	fz_wr(r + 4, 2, v < 0x10 ? v : 0x8000 | v);
	return true;
}

static const struct fz_field table_fields[T_NR_FIELDS] = {
	[T_TABLE] = { "table", 1, 1, dec_table, enc_table, parse_table, fmt_table,
		      "byte 1: hyp when its low two bits are 3, else guest" },
	[T_IA] = { "ia", 8, 4, dec_ia, enc_ia, fz_parse_num, fz_fmt_hex,
		   "bytes 8-11: the top three bits choose 0-3 a page of the window, 4 2 MiB "
		   "steps, 5 1 GiB steps, 6 any page below 2^41, 7 unaligned or across the top" },
	[T_NR] = { "nr", 4, 2, dec_nr, enc_nr, fz_parse_num, fz_fmt_dec,
		   "bytes 4-5 ^ 1: pages, 512 multiples, 2^18 multiples or up to 2047" },
	[T_LEVEL] = { "level", 4, 2, dec_level, enc_level, fz_parse_num, fz_fmt_dec,
		      "bytes 4-5 ^ 3, low 3 bits: 0, 1, 2, 3, 2, 3, 2, 3" },
	[T_OWNER] = { "owner", 2, 2, dec_owner, enc_owner, fz_parse_num, fz_fmt_dec,
		      "byte 2, + 256 when byte 3 is 0xf8 or more" },
	[T_PA] = { "pa", 6, 2, dec_pa, enc_pa, fz_parse_num, fz_fmt_hex,
		   "bytes 6-7: the input address plus GiB, 2 MiB or 4 KiB steps, or unaligned, "
		   "or a page just below 2^48" },
	[T_PROT] = { "prot", 2, 1, dec_prot, enc_prot, parse_prot, fmt_prot,
		     "byte 2 ^ 6: its low 3 bits, or 8-15 when bits 4-6 are set" },
	[T_MEMTYPE] = { "memtype", 3, 1, dec_memtype, enc_memtype, parse_memtype, fmt_memtype,
			"byte 3: normal below 0xc0, device below 0xf8, else the invalid 2" },
	[T_KEEP] = { "keep", 4, 2, dec_keep, enc_keep, fz_parse_num, fz_fmt_dec,
		     "bytes 4-5: the low 4 bits, or 10 when bit 15 is set" },
};

/* The calls, on one table of each side (not in a build of the codec alone). */
#ifdef FZ_CODEC_ONLY
#define CALL(name) NULL
#else
#include "tables.h"

#define T(w)	((struct fz_tables *)(w))
#define V(f)	(o->v[T_##f])
#define TAB	((unsigned)V(TABLE))
#define PGT	(&T(w)->pgt[TAB])
#define RT	(&T(w)->ref[TAB])
#define S1	(TAB == FZ_T_HYP)
#define CALLS(name, core_call, ref_call)                      \
	static int c_##name(void *w, const struct fz_op *o) \
	{                                                     \
		return core_call;                             \
	}                                                     \
	static int r_##name(void *w, const struct fz_op *o)  \
	{                                                     \
		return ref_call;                              \
	}

/* pool_hide: withhold every free page but @keep. */
static uint64_t hide_count(uint64_t free, uint64_t keep)
{
	return free > keep ? free - keep : 0;
}

static int c_get_leaf(void *w, const struct fz_op *o)
{
	pte_t entry = 0;
	u32 level = 0;
	int rc = pgt_get_leaf(PGT, V(IA), &entry, &level);

	T(w)->core_leaf = (struct fz_leaf){ entry, level };
	return rc;
}

static int r_get_leaf(void *w, const struct fz_op *o)
{
	T(w)->ref_leaf = (struct fz_leaf){ 0, 0 };
	return ref_table_get_leaf(RT, V(IA), &T(w)->ref_leaf.level, &T(w)->ref_leaf.entry);
}

CALLS(map,
      S1 ? pgt_s1_map(PGT, va_init(V(IA)), V(NR), pa_init(V(PA)), (u32)V(PROT), (u32)V(MEMTYPE))
	 : pgt_s2_map(PGT, ipa_init(V(IA)), V(NR), pa_init(V(PA)), (u32)V(PROT), (u32)V(MEMTYPE)),
      ref_table_map(RT, V(IA), V(NR), V(PA), (unsigned)V(PROT), (unsigned)V(MEMTYPE)))
CALLS(unmap, S1 ? pgt_s1_unmap(PGT, va_init(V(IA)), V(NR)) : pgt_s2_unmap(PGT, ipa_init(V(IA)), V(NR)),
      ref_table_unmap(RT, V(IA), V(NR)))
CALLS(set_owner, pgt_s2_set_owner(PGT, ipa_init(V(IA)), V(NR), (u32)V(OWNER)),
      ref_table_set_owner(RT, V(IA), V(NR), (unsigned)V(OWNER)))
CALLS(wrprotect, pgt_s2_wrprotect(PGT, ipa_init(V(IA)), V(NR)), ref_table_wrprotect(RT, V(IA), V(NR)))
CALLS(mkold, pgt_s2_mkold(PGT, ipa_init(V(IA)), V(NR)), ref_table_mkold(RT, V(IA), V(NR)))
CALLS(mkyoung, pgt_s2_mkyoung(PGT, ipa_init(V(IA))), ref_table_mkyoung(RT, V(IA)))
CALLS(relax_perms, pgt_s2_relax_perms(PGT, ipa_init(V(IA)), (u32)V(PROT)),
      ref_table_relax_perms(RT, V(IA), (unsigned)V(PROT)))
CALLS(split, pgt_s2_split(PGT, ipa_init(V(IA)), V(NR)), ref_table_split(RT, V(IA), V(NR)))
CALLS(fault_map,
      pgt_s2_fault_map(PGT, ipa_init(V(IA)), (u32)V(LEVEL), pa_init(V(PA)), (u32)V(PROT),
		       (u32)V(MEMTYPE)),
      ref_table_fault_map(RT, V(IA), (unsigned)V(LEVEL), V(PA), (unsigned)V(PROT),
			  (unsigned)V(MEMTYPE)))
CALLS(pool_hide,
      (sim_pool_hide(&T(w)->pool[TAB], hide_count(sim_pool_free(&T(w)->pool[TAB]), V(KEEP))), 0),
      (ref_table_pool_hide(RT, hide_count(ref_table_pool_free(RT), V(KEEP))), 0))
CALLS(pool_unhide, (sim_pool_unhide(&T(w)->pool[TAB]), 0), (ref_table_pool_unhide(RT), 0))
/* An access changes no table: the reference has nothing to do. */
CALLS(access, fz_tables_access(T(w), TAB, V(IA)), ((void)w, (void)o, 0))
#define CALL(name) name
#endif

#define F(f) (1U << T_##f)
#define OP(name, spec, fields, doc) \
	{ #name, spec, -1, F(TABLE) | fields, 0, CALL(c_##name), CALL(r_##name), doc }

/* The row whose result words the trace prints and whose leaf the check compares. */
#define GET_LEAF 8

static const struct fz_op_def table_ops[] = {
	OP(map, "§5b", F(IA) | F(NR) | F(PA) | F(PROT) | F(MEMTYPE), "map a range"),
	OP(unmap, "§5b", F(IA) | F(NR), "unmap a range"),
	OP(set_owner, "§5b, §2", F(IA) | F(NR) | F(OWNER), "annotate a range with an owner"),
	OP(wrprotect, "§5b", F(IA) | F(NR), "clear write permission"),
	OP(mkold, "§5b", F(IA) | F(NR), "clear the access flag (and report young)"),
	OP(mkyoung, "§5b, S44", F(IA), "set the access flag"),
	OP(relax_perms, "§5b, S44", F(IA) | F(PROT), "add permissions"),
	OP(split, "§5b", F(IA) | F(NR), "split blocks to pages"),
	[GET_LEAF] = OP(get_leaf, "§5b", F(IA), "read the leaf and its level"),
	OP(fault_map, "§9, S42", F(IA) | F(LEVEL) | F(PA) | F(PROT) | F(MEMTYPE),
	   "a fault's map (one leaf at a level), serially"),
	OP(pool_hide, "§7", F(KEEP), "withhold every free page but keep"),
	OP(pool_unhide, "§7", 0, "give them back"),
	OP(access, "§11", F(IA), "a CPU translates the address: what it finds fills the TLB model"),
};

static unsigned select_op(const uint8_t *rec, unsigned nr_ops)
{
	return rec[0] % nr_ops;
}

const struct fz_world fz_world_tables = {
	.target = "fuzz_pgtable",
	.setup_name = "tables",
	.select_doc = "byte 0 mod 13 picks the operation",
	.header_size = 16,
	.record_size = 16,
	.setup_size = sizeof(struct fz_tables_setup),
	.nr_fields = T_NR_FIELDS,
	.nr_ops = sizeof(table_ops) / sizeof(table_ops[0]),
	.field = table_fields,
	.op = table_ops,
	.decode_setup = decode_setup,
	.parse_setup = parse_setup,
	.format_setup = format_setup,
	.select = select_op,
};

#ifndef FZ_CODEC_ONLY
/* "get_leaf": the core's level and entry, in the trace. */
int fz_tables_result(const void *w, const struct fz_op *o, int rc, char *buf, size_t len)
{
	const struct fz_tables *t = w;

	if (o->def != &table_ops[GET_LEAF] || rc)
		return 0;
	return snprintf(buf, len, "L%u %#llx", t->core_leaf.level,
			(unsigned long long)t->core_leaf.entry);
}
#endif

bool fz_tables_is_get_leaf(const struct fz_op *o)
{
	return o->def == &table_ops[GET_LEAF];
}

size_t fz_tables_describe(const void *setup, char *buf, size_t len)
{
	const struct fz_tables_setup *s = setup;
	int w = snprintf(buf, len,
			 "tables: guest stage-2 %u-bit, %llu pool pages, window %#llx; hyp "
			 "stage-1 %llu pool pages, window %#llx",
			 s->ia_bits[FZ_T_GUEST], (unsigned long long)s->pool_pages[FZ_T_GUEST],
			 (unsigned long long)fz_window_base(s, FZ_T_GUEST),
			 (unsigned long long)s->pool_pages[FZ_T_HYP],
			 (unsigned long long)fz_window_base(s, FZ_T_HYP));

	return w < 0 ? 0 : (size_t)w < len ? (size_t)w : len ? len - 1 : 0;
}
