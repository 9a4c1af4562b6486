/* SPDX-License-Identifier: MIT */
/*
 * Reading one script line strictly: its first word, then key=value pairs.
 * A key given twice, a word without '=', a number with junk after it or
 * past 64 bits, and a pair nobody asked for are all errors.
 */
#ifndef FUZZ_KV_H
#define FUZZ_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FZ_KV_MAX 24

struct fz_err {
	char *buf;
	size_t len;
};

/* Write the message into @e; returns false. */
bool fz_fail(struct fz_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Add to the text in @buf (@cap bytes) at *@used, which counts all that was asked for. */
void fz_appendf(char *buf, size_t cap, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

struct fz_kvline {
	char *name;
	unsigned n;
	struct {
		char *key, *val;
		bool used;
	} kv[FZ_KV_MAX];
};

/* Split @line (changed in place). */
bool fz_kv_split(char *line, struct fz_kvline *l, struct fz_err *e);
/* The value of @key, now used; NULL when the line has none. */
const char *fz_kv_take(struct fz_kvline *l, const char *key);
/* The same, but a missing key is an error naming it. */
const char *fz_kv_need(struct fz_kvline *l, const char *key, struct fz_err *e);
/* False with @e naming the first pair no one took. */
bool fz_kv_all_used(const struct fz_kvline *l, struct fz_err *e);

/* A whole number: decimal or 0x hex, nothing after it, at most 2^64 - 1. */
bool fz_num(const char *s, uint64_t *v);
/* The same with an optional '-' (two's complement, magnitude at most 2^63). */
bool fz_snum(const char *s, int64_t *v);
/* A number in [lo, hi], else an error naming @key. */
bool fz_num_in(const char *key, const char *s, uint64_t lo, uint64_t hi, uint64_t *v,
	       struct fz_err *e);
/* @s is one of @names (or its index): false otherwise. */
bool fz_name(const char *s, const char *const *names, unsigned n, unsigned *out);

#endif /* FUZZ_KV_H */
