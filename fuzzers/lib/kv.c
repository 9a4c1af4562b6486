// SPDX-License-Identifier: MIT
/* Strict key=value lines and numbers for the script language. */
#include "kv.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool fz_fail(struct fz_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (e && e->len)
		vsnprintf(e->buf, e->len, fmt, ap);
	va_end(ap);
	return false;
}

void fz_appendf(char *buf, size_t cap, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(buf + *used, cap > *used ? cap - *used : 0, fmt, ap);
	va_end(ap);
	*used += w < 0 ? 0 : (size_t)w;
}

/* The next word of *@s (cut off with a NUL), or NULL. */
static char *word(char **s)
{
	char *w = *s + strspn(*s, " \t");
	size_t n = strcspn(w, " \t");

	if (!*w)
		return NULL;
	*s = w + n + (w[n] != '\0');
	w[n] = '\0';
	return w;
}

bool fz_kv_split(char *line, struct fz_kvline *l, struct fz_err *e)
{
	char *tok;

	l->n = 0;
	l->name = word(&line);
	if (!l->name)
		return fz_fail(e, "empty line");
	while ((tok = word(&line))) {
		char *eq = strchr(tok, '=');

		if (!eq || eq == tok || !eq[1])
			return fz_fail(e, "expected key=value, got '%s'", tok);
		*eq = '\0';
		for (unsigned i = 0; i < l->n; i++) {
			if (!strcmp(l->kv[i].key, tok))
				return fz_fail(e, "%s given twice", tok);
		}
		if (l->n == FZ_KV_MAX)
			return fz_fail(e, "more than %d arguments", FZ_KV_MAX);
		l->kv[l->n].key = tok;
		l->kv[l->n].val = eq + 1;
		l->kv[l->n].used = false;
		l->n++;
	}
	return true;
}

const char *fz_kv_take(struct fz_kvline *l, const char *key)
{
	for (unsigned i = 0; i < l->n; i++) {
		if (!strcmp(l->kv[i].key, key)) {
			l->kv[i].used = true;
			return l->kv[i].val;
		}
	}
	return NULL;
}

const char *fz_kv_need(struct fz_kvline *l, const char *key, struct fz_err *e)
{
	const char *v = fz_kv_take(l, key);

	if (!v)
		fz_fail(e, "%s needs %s=", l->name, key);
	return v;
}

bool fz_kv_all_used(const struct fz_kvline *l, struct fz_err *e)
{
	for (unsigned i = 0; i < l->n; i++) {
		if (!l->kv[i].used)
			return fz_fail(e, "%s takes no argument '%s'", l->name, l->kv[i].key);
	}
	return true;
}

bool fz_num(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10);
	return !errno && end != s && *end == '\0';
}

bool fz_snum(const char *s, int64_t *v)
{
	bool neg = *s == '-';
	uint64_t u;

	if (!fz_num(s + neg, &u) || u > (uint64_t)INT64_MAX + neg)
		return false;
	*v = (int64_t)(neg ? 0 - u : u);
	return true;
}

bool fz_num_in(const char *key, const char *s, uint64_t lo, uint64_t hi, uint64_t *v,
	       struct fz_err *e)
{
	if (!fz_num(s, v))
		return fz_fail(e, "%s: '%s' is not a number", key, s);
	if (*v < lo || *v > hi)
		return fz_fail(e, "%s: %s is out of range (%llu to %llu)", key, s,
			       (unsigned long long)lo, (unsigned long long)hi);
	return true;
}

bool fz_name(const char *s, const char *const *names, unsigned n, unsigned *out)
{
	uint64_t x;

	for (unsigned i = 0; i < n; i++) {
		if (names[i] && !strcmp(s, names[i])) {
			*out = i;
			return true;
		}
	}
	if (!fz_num(s, &x) || x >= n)
		return false;
	*out = (unsigned)x;
	return true;
}
