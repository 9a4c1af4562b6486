/* SPDX-License-Identifier: MIT */
/* A tiny bounded string builder: the differ has no printf. */
#ifndef DIFF_FMT_H
#define DIFF_FMT_H

#include <stddef.h>
#include <stdint.h>

struct diff_buf {
	char *p;
	size_t len, used;
};

void diff_put(struct diff_buf *b, const char *s);
void diff_put_hex(struct diff_buf *b, uint64_t v);
void diff_put_dec(struct diff_buf *b, uint64_t v);

#endif /* DIFF_FMT_H */
