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


static const char *const table_names[FZ_T_NR] = { "guest", "hyp" };
static const char *const memtype_names[3] = { "normal", "device", "2" };
static const char *const window_names[FZ_WIN_NR] = { "gib", "gib_edge", "mid", "zero" };
/*
 * Pools big enough for a 1 GiB block split to pages (full: two, half: one)
 * are a quarter of the choices, and not the zero byte's: a table of 262144
 * pages is hashed on both sides after every operation, and slow inputs are
 * few inputs. From a header of zero bytes, every planted bug of this target
 * was caught within 5 s on small pools, against up to 37 s on full ones.
 */
#define NR_POOL_SIZES 8
static const char *const pool_names[NR_POOL_SIZES] = { "small", "small", "some", "some",
						       "few",	"few",	 "full", "half" };
static const uint64_t pool_sizes[NR_POOL_SIZES] = { 64, 64, 32, 32, 12, 12, 1100, 520 };

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

/* What the ways of ia and pa count from. */
enum { B_WINDOW = 1, B_WINDOW_GIB, B_TOP, B_IA };

static uint64_t base(const void *setup, const struct fz_op *o, unsigned b)
{
	const struct fz_tables_setup *s = setup;
	enum fz_table t = (enum fz_table)o->v[FZ_TF_TABLE];

	switch (b) {
	case B_WINDOW:
		return fz_window_base(s, t);
	case B_WINDOW_GIB:
		return fz_window_base(s, t) & ~(SZ_1G - 1);
	case B_TOP:
		return 1ULL << s->ia_bits[t];
	default:
		return o->v[FZ_TF_IA];
	}
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

#define TOP3 0xe0000000ULL

/*
 * ia: half the addresses in the window, a quarter 2 MiB or 1 GiB aligned,
 * the rest anywhere, unaligned, or across the top of the space. pa: the
 * input plus GiB (sometimes plus pages: a far, misaligned output), 2 MiB or
 * 4 KiB steps, so a block fits sometimes and sometimes not. nr: pages
 * mostly (short runs: every entry written is also hashed twice), 2 MiB
 * multiples a quarter of the time, 1 GiB ones an eighth, longer runs too.
 * level: pages and 2 MiB blocks mostly, a 1 GiB fault an eighth, level 0
 * too. Owners past 255 (-EINVAL) as rarely as device memory's invalid
 * type; bad protections (8-15) only when three more bits agree.
 */
static const struct fz_field table_fields[FZ_TF_NR_FIELDS] = {
	[FZ_TF_TABLE] = { "table", 1, 1, "byte 1: hyp when its low two bits are 3, else guest",
		      FZ_WAYS(FZ_IS(3, 3, FZ_T_HYP), FZ_IS(0, 0, FZ_T_GUEST)),
		      .names = table_names, .nr_names = FZ_T_NR },
	[FZ_TF_IA] = { "ia", 8, 4,
		   "bytes 8-11: the top three bits choose 0-3 a page of the window, 4 2 MiB steps, "
		   "5 1 GiB steps, 6 any page below 2^41, 7 unaligned (bit 28) or across the top",
		   FZ_WAYS(FZ_WAY_B(1ULL << 31, 0, 0xfff, SZ_4K, 0, B_WINDOW),
			   FZ_WAY_B(TOP3, 4ULL << 29, 0x1f, SZ_2M, 0, B_WINDOW),
			   FZ_WAY_B(TOP3, 5ULL << 29, 7, SZ_1G, 0, B_WINDOW_GIB),
			   FZ_WAY(TOP3, 6ULL << 29, 0x1fffffff, SZ_4K, 0),
			   FZ_WAY_B(0xf0000000, 0xf0000000, 0xfff, SZ_4K, UNALIGNED, B_WINDOW),
			   FZ_WAY_B(0xf0000000, 0xe0000000, 0xfff, SZ_4K, -0x800 * (int64_t)SZ_4K,
				    B_TOP)),
		   .hex = true },
	[FZ_TF_NR] = { "nr", 4, 2, "bytes 4-5 ^ 1: pages, 512 multiples, 2^18 multiples or up to 2047",
		   .xor = ZERO_NR,
		   FZ_WAYS(FZ_WAY(0xc000, 0x8000, 0xf, 512, 0), FZ_WAY(0xe000, 0xc000, 3, 1 << 18, 0),
			   FZ_WAY(0xe000, 0xe000, 0x7ff, 1, 0), FZ_WAY(0, 0, 0xff, 1, 0)) },
	[FZ_TF_LEVEL] = { "level", 4, 2, "bytes 4-5 ^ 3, low 3 bits: 0, 1, 2, 3, 2, 3, 2, 3",
		      .xor = ZERO_LEVEL,
		      FZ_WAYS(FZ_WAY(4, 0, 3, 1, 0), FZ_WAY(4, 4, 1, 1, 2)) },
	[FZ_TF_OWNER] = { "owner", 2, 2, "byte 2, + 256 when byte 3 is 0xf8 or more",
		      FZ_WAYS(FZ_WAY(0xf800, 0xf800, 0xff, 1, 0x100), FZ_WAY(0, 0, 0xff, 1, 0)) },
	[FZ_TF_PA] = { "pa", 6, 2,
		   "bytes 6-7: the input address plus GiB (and pages when bit 13 is set), 2 MiB or "
		   "4 KiB steps, or unaligned, or a page just below 2^48",
		   FZ_WAYS({ .sel_mask = TOP3 >> 16, .mask = 0xff, .unit = SZ_1G, .base = B_IA,
			     .sext = true },
			   { .sel_mask = TOP3 >> 16, .sel = 0x2000, .mask = 0xff, .unit = SZ_1G,
			     .base = B_IA, .sext = true, .mask2 = 0x1f, .shift2 = 8, .unit2 = SZ_4K },
			   FZ_WAY_S(0xc000, 0x4000, 0x3fff, SZ_2M, B_IA),
			   FZ_WAY_S(0xc000, 0x8000, 0x3fff, SZ_4K, B_IA),
			   FZ_WAY_B(0xe000, 0xe000, 0, 0, UNALIGNED, B_IA),
			   FZ_WAY(0xe000, 0xc000, 0x1fff, -(int64_t)SZ_4K, TOP_48)),
		   .hex = true },
	[FZ_TF_PROT] = { "prot", 2, 1, "byte 2 ^ 6: its low 3 bits, or 8-15 when bits 4-6 are set",
		     .xor = ZERO_PROT, FZ_WAYS(FZ_WAY(0x70, 0x70, 0xf, 1, 0), FZ_WAY(0, 0, 7, 1, 0)),
		     .parse = parse_prot, .format = fmt_prot },
	[FZ_TF_MEMTYPE] = { "memtype", 3, 1,
			"byte 3: normal below 0xc0, device below 0xf8, else the invalid 2",
			FZ_WAYS(FZ_IS(0xf8, 0xf8, 2), FZ_IS(0xc0, 0xc0, 1), FZ_IS(0, 0, 0)),
			.names = memtype_names, .nr_names = 3 },
	[FZ_TF_KEEP] = { "keep", 4, 2, "bytes 4-5: the low 4 bits, or the low 10 when bit 15 is set",
		     FZ_WAYS(FZ_WAY(0x8000, 0x8000, 0x3ff, 1, 0), FZ_WAY(0, 0, 0xf, 1, 0)) },
};

/* The calls, on one table of each side (not in a build of the codec alone). */
#ifdef FZ_CODEC_ONLY
#define CALL(name) NULL
#else
#include "tables.h"

#define T(w)	((struct fz_tables *)(w))
#define V(f)	(o->v[FZ_TF_##f])
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
CALLS(unmap,
      S1 ? pgt_s1_unmap(PGT, va_init(V(IA)), V(NR)) : pgt_s2_unmap(PGT, ipa_init(V(IA)), V(NR)),
      ref_table_unmap(RT, V(IA), V(NR)))
CALLS(set_owner, pgt_s2_set_owner(PGT, ipa_init(V(IA)), V(NR), (u32)V(OWNER)),
      ref_table_set_owner(RT, V(IA), V(NR), (unsigned)V(OWNER)))
CALLS(wrprotect, pgt_s2_wrprotect(PGT, ipa_init(V(IA)), V(NR)),
      ref_table_wrprotect(RT, V(IA), V(NR)))
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

#define F(f) (1U << FZ_TF_##f)

/* The row whose result words the trace prints and whose leaf the check compares. */
#define GET_LEAF 8

/*
 * The operations, once for both worlds that read this format: fuzz_pgtable
 * (the core against the reference) and fuzz_kernel_pgtable (a kernel tree's
 * pgtable.c, whose calls fuzzers/kernel/ fills in).
 */
#define TABLE_OP_ROWS(OP)                                                                   \
	OP(map, "§5b", F(IA) | F(NR) | F(PA) | F(PROT) | F(MEMTYPE), "map a range"),        \
	OP(unmap, "§5b", F(IA) | F(NR), "unmap a range"),                                   \
	OP(set_owner, "§5b, §2", F(IA) | F(NR) | F(OWNER), "annotate a range with an owner"), \
	OP(wrprotect, "§5b", F(IA) | F(NR), "clear write permission"),                      \
	OP(mkold, "§5b", F(IA) | F(NR), "clear the access flag (and report young)"),        \
	OP(mkyoung, "§5b, S44", F(IA), "set the access flag"),                              \
	OP(relax_perms, "§5b, S44", F(IA) | F(PROT), "add permissions"),                    \
	OP(split, "§5b", F(IA) | F(NR), "split blocks to pages"),                           \
	[GET_LEAF] = OP(get_leaf, "§5b", F(IA), "read the leaf and its level"),             \
	OP(fault_map, "§9, S42", F(IA) | F(LEVEL) | F(PA) | F(PROT) | F(MEMTYPE),           \
	   "a fault's map (one leaf at a level), serially"),                                \
	OP(pool_hide, "§7", F(KEEP), "withhold every free page but keep"),                  \
	OP(pool_unhide, "§7", 0, "give them back"),                                         \
	OP(access, "§11", F(IA), "a CPU translates the address: what it finds fills the TLB model")

#define OP(name, spec, fields, doc) \
	{ #name, spec, -1, F(TABLE) | fields, 0, CALL(c_##name), CALL(r_##name), doc }
static const struct fz_op_def table_ops[] = { TABLE_OP_ROWS(OP) };
#undef OP

/* A kernel tree's calls are filled in by its target, per tree (fuzzers/kernel/). */
#define OP(name, spec, fields, doc) { #name, spec, -1, F(TABLE) | fields, 0, NULL, NULL, doc }
static const struct fz_op_def kernel_table_ops[] = { TABLE_OP_ROWS(OP) };
#undef OP

/* The format's world, on the core's rows or on a kernel tree's. */
#define TABLES_WORLD(name, rows)                                      \
	{                                                             \
		.target = name,                                       \
		.setup_name = "tables",                               \
		.select_doc = "byte 0 mod 13 picks the operation",    \
		.header_size = 16,                                    \
		.record_size = 16,                                    \
		.setup_size = sizeof(struct fz_tables_setup),         \
		.nr_fields = FZ_TF_NR_FIELDS,                         \
		.nr_ops = sizeof(rows) / sizeof(rows[0]),             \
		.field = table_fields,                                \
		.op = rows,                                           \
		.base = base,                                         \
		.decode_setup = decode_setup,                         \
		.parse_setup = parse_setup,                           \
		.format_setup = format_setup,                         \
	}

const struct fz_world fz_world_tables = TABLES_WORLD("fuzz_pgtable", table_ops);
/* fuzz_kernel_pgtable: the same format on a kernel tree's tables (docs/kernel-tree.md). */
const struct fz_world fz_world_kernel_tables =
	TABLES_WORLD("fuzz_kernel_pgtable", kernel_table_ops);

#ifndef FZ_CODEC_ONLY
/* "get_leaf": the core's level and entry, in the trace. */
int fz_tables_result(const void *w, const struct fz_op *o, int rc, char *buf, size_t len)
{
	const struct fz_tables *t = w;

	if (!fz_tables_is_get_leaf(o) || rc)
		return 0;
	return snprintf(buf, len, "L%u %#llx", t->core_leaf.level,
			(unsigned long long)t->core_leaf.entry);
}
#endif

bool fz_tables_is_get_leaf(const struct fz_op *o)
{
	return o->index == GET_LEAF;
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
