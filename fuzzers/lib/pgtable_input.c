// SPDX-License-Identifier: MIT
/*
 * Decoding fuzz_pgtable inputs (docs/fuzz_pgtable.md) and printing them as
 * script lines. Fields are reduced into the ranges that matter so mutations
 * stay meaningful: half the addresses land in a 16 MiB window, so maps,
 * splits and replacements meet each other; a quarter are 2 MiB or 1 GiB
 * aligned; the rest reach the whole space, the top edge (-EINVAL past
 * ia_bits) and unaligned addresses. Output addresses are the input plus a
 * delta in 1 GiB, 2 MiB or 4 KiB units, so a block fits sometimes and
 * sometimes not.
 */
#include "pgtable_input.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SZ_4K FZ_PGT_SZ_4K
#define SZ_2M FZ_PGT_SZ_2M
#define SZ_8M 0x800000ULL
#define SZ_1G FZ_PGT_SZ_1G

const char *const fz_pgtable_memtype_names[3] = { "normal", "device", "2" };
const char *const fz_pgtable_pool_names[FZ_PGT_NR_POOL_SIZES] = { "full", "half", "small", "small",
								  "some", "some", "few",   "few" };
const char *const fz_pgtable_window_names[FZ_WIN_NR] = { "gib", "gib_edge", "mid", "zero" };

/*
 * Pools big enough for a 1 GiB block split to pages (full: two, half: one)
 * are a quarter of the choices: a table of 262144 pages is hashed on both
 * sides after every operation, and slow inputs are few inputs.
 */
static const uint64_t pool_sizes[FZ_PGT_NR_POOL_SIZES] = { 1100, 520, 64, 64, 32, 32, 12, 12 };

static uint64_t rd16(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8;
}

static uint64_t rd32(const uint8_t *p)
{
	return rd16(p) | rd16(p + 2) << 16;
}

/* A pool byte: one of four sizes, or 1-16 pages to reach -ENOMEM at once. */
static uint64_t pool_pages(uint8_t b)
{
	return b >= 0xf0 ? 1U + (b & 0x0fU) : pool_sizes[b % FZ_PGT_NR_POOL_SIZES];
}

void fz_pgtable_decode_setup(const uint8_t *h, struct fz_pgtable_setup *s)
{
	memset(s, 0, sizeof(*s));
	s->ia_bits[FZ_PGT_GUEST] = 32 + h[0] % 17U;
	s->ia_bits[FZ_PGT_HYP] = FZ_PGTABLE_HYP_IA_BITS;
	s->pool_pages[FZ_PGT_GUEST] = pool_pages(h[1]);
	s->pool_pages[FZ_PGT_HYP] = pool_pages(h[2]);
	s->window = (enum fz_pgtable_window)(h[3] % FZ_WIN_NR);
}

uint64_t fz_pgtable_window_base(const struct fz_pgtable_setup *s, enum fz_pgtable_table table)
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

static uint64_t decode_ia(const struct fz_pgtable_setup *s, enum fz_pgtable_table t, uint32_t sel)
{
	uint64_t w = fz_pgtable_window_base(s, t), low = sel & 0x1fffffffU;

	switch (sel >> 29) {
	case 4:
		return w + (low & 0x1f) * SZ_2M;
	case 5:
		return (w & ~(SZ_1G - 1)) + (low & 7) * SZ_1G;
	case 6: /* anywhere below 2^41 */
		return low << 12;
	case 7: /* unaligned in the window, or across the top of the space */
		if (low & (1U << 28))
			return w + (low & 0xfff) * SZ_4K + FZ_PGT_UNALIGNED;
		return (1ULL << s->ia_bits[t]) + ((low & 0xfff) - 0x800) * SZ_4K;
	default: /* 0-3: the window, page by page */
		return w + (low & 0xfff) * SZ_4K;
	}
}

/* A 14-bit two's complement field. */
static int64_t sext14(uint64_t v)
{
	return (int64_t)(v & 0x3fff) - (v & 0x2000 ? 0x4000 : 0);
}

static uint64_t decode_pa(uint64_t ia, uint16_t sel)
{
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
			return ia + FZ_PGT_UNALIGNED;
		return (1ULL << 48) - (sel & 0x1fffU) * SZ_4K;
	}
}

/*
 * Pages mostly (short runs: every entry written is also hashed twice); 2 MiB
 * multiples a quarter of the time, 1 GiB ones an eighth, longer runs too.
 */
static uint64_t decode_nr(uint16_t a16)
{
	switch (a16 >> 13) {
	case 4:
	case 5:
		return (a16 & 0xfU) * 512;
	case 6:
		return (uint64_t)(a16 & 3U) << 18;
	case 7:
		return a16 & 0x7ffU;
	default:
		return a16 & 0xffU;
	}
}

void fz_pgtable_decode_op(const struct fz_pgtable_setup *s, const uint8_t *rec,
			  struct fz_pgtable_op *op)
{
	uint16_t a16 = (uint16_t)rd16(rec + 4);
	/* Zero bytes (a common mutation) decode to rw, one page, level 3. */
	unsigned p8 = rec[2] ^ FZ_PGT_ZERO_PROT;

	memset(op, 0, sizeof(*op));
	op->kind = (enum fz_pgtable_op_kind)(rec[0] % FZ_PGT_NR_OPS);
	/* A quarter of the operations go to the hyp table: most of §5b is stage-2. */
	op->table = (rec[1] & 3) == 3 ? FZ_PGT_HYP : FZ_PGT_GUEST;
	op->raw = op->kind == FZ_PGT_FAULT_MAP && (rec[1] & 0x80) && FZ_PGT_RAW_FAULTS;
	/* Bad protections (8-15) only when three more bits agree: rarely. */
	op->prot = (p8 & 0x70) == 0x70 ? p8 & 0xfU : p8 & 7U;
	op->memtype = rec[3] < 0xc0 ? 0 : rec[3] < 0xf8 ? 1 : 2;
	op->nr = decode_nr(a16 ^ FZ_PGT_ZERO_NR);
	/* Pages and 2 MiB blocks mostly: a 1 GiB fault is an eighth, level 0 too. */
	op->level = (unsigned[]){ 0, 1, 2, 3, 2, 3, 2, 3 }[(a16 ^ FZ_PGT_ZERO_LEVEL) & 7];
	/* Owners past 255 (-EINVAL) as rarely as device memory's invalid type. */
	op->owner = rec[2] | (rec[3] >= 0xf8 ? 0x100U : 0);
	op->keep = a16 & 0x8000 ? a16 & 0x3ffU : a16 & 0xfU;
	op->ia = decode_ia(s, op->table, (uint32_t)rd32(rec + 8));
	op->pa = decode_pa(op->ia, (uint16_t)rd16(rec + 6));
}

unsigned fz_pgtable_op_fields(enum fz_pgtable_op_kind kind)
{
	static const unsigned fields[FZ_PGT_NR_OPS] = {
		[FZ_PGT_MAP] =
			FZ_PGT_F_IA | FZ_PGT_F_NR | FZ_PGT_F_PA | FZ_PGT_F_PROT | FZ_PGT_F_MEMTYPE,
		[FZ_PGT_UNMAP] = FZ_PGT_F_IA | FZ_PGT_F_NR,
		[FZ_PGT_SET_OWNER] = FZ_PGT_F_IA | FZ_PGT_F_NR | FZ_PGT_F_OWNER,
		[FZ_PGT_WRPROTECT] = FZ_PGT_F_IA | FZ_PGT_F_NR,
		[FZ_PGT_MKOLD] = FZ_PGT_F_IA | FZ_PGT_F_NR,
		[FZ_PGT_MKYOUNG] = FZ_PGT_F_IA,
		[FZ_PGT_RELAX_PERMS] = FZ_PGT_F_IA | FZ_PGT_F_PROT,
		[FZ_PGT_SPLIT] = FZ_PGT_F_IA | FZ_PGT_F_NR,
		[FZ_PGT_GET_LEAF] = FZ_PGT_F_IA,
		[FZ_PGT_FAULT_MAP] = FZ_PGT_F_IA | FZ_PGT_F_LEVEL | FZ_PGT_F_PA | FZ_PGT_F_PROT |
				     FZ_PGT_F_MEMTYPE | FZ_PGT_F_RAW,
		[FZ_PGT_POOL_HIDE] = FZ_PGT_F_KEEP,
		[FZ_PGT_POOL_UNHIDE] = 0,
	};
	return (unsigned)kind < FZ_PGT_NR_OPS ? fields[kind] : 0;
}

const char *fz_pgtable_op_name(enum fz_pgtable_op_kind kind)
{
	static const char *const names[FZ_PGT_NR_OPS] = {
		[FZ_PGT_MAP] = "map",
		[FZ_PGT_UNMAP] = "unmap",
		[FZ_PGT_SET_OWNER] = "set_owner",
		[FZ_PGT_WRPROTECT] = "wrprotect",
		[FZ_PGT_MKOLD] = "mkold",
		[FZ_PGT_MKYOUNG] = "mkyoung",
		[FZ_PGT_RELAX_PERMS] = "relax_perms",
		[FZ_PGT_SPLIT] = "split",
		[FZ_PGT_GET_LEAF] = "get_leaf",
		[FZ_PGT_FAULT_MAP] = "fault_map",
		[FZ_PGT_POOL_HIDE] = "pool_hide",
		[FZ_PGT_POOL_UNHIDE] = "pool_unhide",
	};
	return (unsigned)kind < FZ_PGT_NR_OPS ? names[kind] : "?";
}

const char *fz_pgtable_table_name(enum fz_pgtable_table table)
{
	return table == FZ_PGT_HYP ? "hyp" : "guest";
}

/* "rw", "rwx", "x"; numbers for what is not a protection (0, 8-15). */
static void prot_format(unsigned prot, char *buf, size_t len)
{
	if (prot == 0 || prot > 7) {
		snprintf(buf, len, "%u", prot);
		return;
	}
	snprintf(buf, len, "%s%s%s", prot & 4 ? "r" : "", prot & 2 ? "w" : "", prot & 1 ? "x" : "");
}

/* printf to @buf at *@used, never past @len (the text is cut, still terminated). */
__attribute__((format(printf, 4, 5))) static void put(char *buf, size_t len, size_t *used,
						      const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(buf + *used, len > *used ? len - *used : 0, fmt, ap);
	va_end(ap);
	*used += w < 0 ? 0 : (size_t)w;
	if (len && *used >= len)
		*used = len - 1;
}

size_t fz_pgtable_op_format(const struct fz_pgtable_op *op, char *buf, size_t len)
{
	unsigned f = fz_pgtable_op_fields(op->kind);
	size_t used = 0;
	char prot[8];

	if (len)
		buf[0] = '\0';
	put(buf, len, &used, "%s", fz_pgtable_op_name(op->kind));
	put(buf, len, &used, " %s", fz_pgtable_table_name(op->table));
	if (f & FZ_PGT_F_IA)
		put(buf, len, &used, " ia=%#llx", (unsigned long long)op->ia);
	if (f & FZ_PGT_F_NR)
		put(buf, len, &used, " nr=%llu", (unsigned long long)op->nr);
	if (f & FZ_PGT_F_LEVEL)
		put(buf, len, &used, " level=%u", op->level);
	if (f & FZ_PGT_F_OWNER)
		put(buf, len, &used, " owner=%u", op->owner);
	if (f & FZ_PGT_F_PA)
		put(buf, len, &used, " pa=%#llx", (unsigned long long)op->pa);
	prot_format(op->prot, prot, sizeof(prot));
	if (f & FZ_PGT_F_PROT)
		put(buf, len, &used, " prot=%s", prot);
	if (f & FZ_PGT_F_MEMTYPE)
		put(buf, len, &used, " memtype=%s", fz_pgtable_memtype_names[op->memtype % 3]);
	if (f & FZ_PGT_F_KEEP)
		put(buf, len, &used, " keep=%llu", (unsigned long long)op->keep);
	if ((f & FZ_PGT_F_RAW) && op->raw)
		put(buf, len, &used, " raw");
	return used;
}

static void pool_format(uint8_t b, char *buf, size_t len)
{
	if (b >= 0xf0)
		snprintf(buf, len, "tiny:%u", 1U + (b & 0x0fU));
	else
		snprintf(buf, len, "%s", fz_pgtable_pool_names[b % FZ_PGT_NR_POOL_SIZES]);
}

size_t fz_pgtable_setup_format(const uint8_t *hdr, char *buf, size_t len)
{
	struct fz_pgtable_setup s;
	char gp[16], hp[16];
	int w;

	fz_pgtable_decode_setup(hdr, &s);
	pool_format(hdr[1], gp, sizeof(gp));
	pool_format(hdr[2], hp, sizeof(hp));
	w = snprintf(buf, len, "tables ia_bits=%u guest_pool=%s hyp_pool=%s window=%s",
		     s.ia_bits[FZ_PGT_GUEST], gp, hp, fz_pgtable_window_names[s.window]);
	return w < 0 ? 0 : len && (size_t)w >= len ? len - 1 : (size_t)w;
}

size_t fz_pgtable_input_to_script(const uint8_t *in, size_t len, char *out, size_t cap)
{
	struct fz_pgtable_setup s;
	size_t used = 0;
	char line[256];

	if (cap)
		out[0] = '\0';
	if (len < FZ_PGTABLE_HEADER_SIZE)
		return 0;
	fz_pgtable_decode_setup(in, &s);
	put(out, cap, &used, "# guest stage-2: %u", s.ia_bits[FZ_PGT_GUEST]);
	put(out, cap, &used, "-bit, %llu pool pages,",
	    (unsigned long long)s.pool_pages[FZ_PGT_GUEST]);
	put(out, cap, &used, " window %#llx;",
	    (unsigned long long)fz_pgtable_window_base(&s, FZ_PGT_GUEST));
	put(out, cap, &used, " hyp stage-1: %llu pool pages,",
	    (unsigned long long)s.pool_pages[FZ_PGT_HYP]);
	put(out, cap, &used, " window %#llx\n",
	    (unsigned long long)fz_pgtable_window_base(&s, FZ_PGT_HYP));
	fz_pgtable_setup_format(in, line, sizeof(line));
	put(out, cap, &used, "%s\n", line);
	for (size_t off = FZ_PGTABLE_HEADER_SIZE; off + FZ_PGTABLE_RECORD_SIZE <= len;
	     off += FZ_PGTABLE_RECORD_SIZE) {
		struct fz_pgtable_op op;

		fz_pgtable_decode_op(&s, in + off, &op);
		fz_pgtable_op_format(&op, line, sizeof(line));
		put(out, cap, &used, "%s\n", line);
	}
	return used;
}
