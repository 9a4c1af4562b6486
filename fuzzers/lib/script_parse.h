/* SPDX-License-Identifier: MIT */
/*
 * What every target's script codec needs to read text: errors that name the
 * line, numbers in hex or decimal, and the walk over lines with comments and
 * blank lines skipped.
 */
#ifndef FUZZ_SCRIPT_PARSE_H
#define FUZZ_SCRIPT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fz_parse {
	char *err;
	size_t errlen;
	unsigned line;
};

/* Write "line N: <message>" into the error buffer; returns false. */
bool fz_perr(struct fz_parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A whole unsigned number, 0x-prefixed hex or decimal. */
bool fz_parse_u64(const char *s, uint64_t *v);
/*
 * Call @fn for every line that has something left once '#' comments and
 * surrounding blanks are gone; stop at the first false. Lines over 511
 * characters are an error.
 */
bool fz_for_each_line(struct fz_parse *p, const char *text,
		      bool (*fn)(struct fz_parse *p, char *line, void *arg), void *arg);

#endif /* FUZZ_SCRIPT_PARSE_H */
