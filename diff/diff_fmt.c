// SPDX-License-Identifier: MIT
/* Bounded string building: truncates, always terminates. */
#include "diff_fmt.h"

static void put_char(struct diff_buf *b, char c)
{
	if (b->len == 0)
		return;
	if (b->used + 1 < b->len)
		b->p[b->used++] = c;
	b->p[b->used] = '\0';
}

void diff_put(struct diff_buf *b, const char *s)
{
	while (*s)
		put_char(b, *s++);
}

void diff_put_hex(struct diff_buf *b, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	int shift = 60;

	diff_put(b, "0x");
	while (shift > 0 && !((v >> shift) & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		put_char(b, digits[(v >> shift) & 0xf]);
}

void diff_put_dec(struct diff_buf *b, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put_char(b, tmp[--n]);
}
