// SPDX-License-Identifier: MIT
/*
 * Descriptors in words (SPEC §2, docs/semantics.md S7-S9), so that a
 * mismatch report reads like a review comment, not a hex dump.
 */
#include "diff/diff.h"
#include "diff_desc.h"
#include "diff_fmt.h"

const char *diff_kind_name(enum diff_kind kind)
{
	static const char *const names[] = {
		[DIFF_HOST_S2] = "host stage-2",
		[DIFF_HYP_S1] = "hyp stage-1",
		[DIFF_GUEST_S2] = "guest stage-2",
	};
	return (unsigned)kind < 3 ? names[kind] : "?";
}

static void put_owner(struct diff_buf *b, uint64_t owner)
{
	static const char *const owners[] = { "HOST", "HYP", "GUEST" };

	diff_put(b, owner < 3 ? owners[owner] : "id");
	diff_put(b, "(");
	diff_put_dec(b, owner);
	diff_put(b, ")");
}

static void put_s2_attrs(struct diff_buf *b, uint64_t d)
{
	uint64_t memattr = (d >> 2) & 0xf;

	diff_put(b, memattr == 0xf ? " normal" : memattr == 0x1 ? " device" : " memattr=");
	if (memattr != 0xf && memattr != 0x1)
		diff_put_hex(b, memattr);
	if (d & (1ULL << 6))
		diff_put(b, " R");
	if (d & (1ULL << 7))
		diff_put(b, " W");
	if (!((d >> 53) & 3))
		diff_put(b, " X");
	else if (((d >> 53) & 3) != 2)
		diff_put(b, " XN=?");
}

static void put_s1_attrs(struct diff_buf *b, uint64_t d)
{
	uint64_t ap = (d >> 6) & 3;

	diff_put(b, ((d >> 2) & 7) == 0 ? " normal" : ((d >> 2) & 7) == 1 ? " device" : " attr=?");
	diff_put(b, ap == 1 ? " RW" : ap == 3 ? " RO" : " AP=?");
	if (!(d & (1ULL << 54)))
		diff_put(b, " X");
}

static void put_common(struct diff_buf *b, uint64_t d)
{
	uint64_t sh = (d >> 8) & 3, sw = (d >> 55) & 0xf;

	diff_put(b, sh == 3 ? " SH=inner" : sh == 2 ? " SH=outer" : sh == 0 ? " SH=none" : " SH=?");
	if (d & (1ULL << 10))
		diff_put(b, " AF");
	if (sw & 1)
		diff_put(b, " SHARED_OWNED");
	if (sw & 2)
		diff_put(b, " SHARED_BORROWED");
	if (sw & 0xc) {
		diff_put(b, " sw=");
		diff_put_hex(b, sw);
	}
}

size_t diff_decode(enum diff_kind kind, unsigned level, uint64_t d, char *buf, size_t len)
{
	struct diff_buf b = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	diff_put(&b, "L");
	diff_put_dec(&b, level);
	if (!d) {
		diff_put(&b, " empty");
	} else if (dd_locked(d)) {
		diff_put(&b, " LOCKED");
	} else if (!dd_valid(d)) {
		diff_put(&b, " invalid, owner ");
		put_owner(&b, (d >> 2) & 0xff);
		if (d & ~(0xffULL << 2)) {
			diff_put(&b, " stray bits ");
			diff_put_hex(&b, d & ~(0xffULL << 2));
		}
	} else if (dd_table(d, level)) {
		diff_put(&b, " table");
	} else {
		diff_put(&b, level == 3 ? " page -> " : " block -> ");
		diff_put_hex(&b, d & DD_ADDR);
		if (kind == DIFF_HYP_S1)
			put_s1_attrs(&b, d);
		else
			put_s2_attrs(&b, d);
		put_common(&b, d);
	}
	return b.used;
}
