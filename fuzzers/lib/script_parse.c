// SPDX-License-Identifier: MIT
/* Reading scripts: line by line, with errors that say where. */
#include "script_parse.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool fz_perr(struct fz_parse *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "line %u: ", p->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

bool fz_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || isspace((unsigned char)*s))
		return false;
	*v = strtoull(s, &end, 0);
	return *end == '\0';
}

bool fz_for_each_line(struct fz_parse *p, const char *text,
		      bool (*fn)(struct fz_parse *p, char *line, void *arg), void *arg)
{
	const char *s = text;

	while (*s) {
		char line[512];
		size_t n = strcspn(s, "\n");
		char *hash, *start, *end;

		p->line++;
		if (n >= sizeof(line))
			return fz_perr(p, "line too long");
		memcpy(line, s, n);
		line[n] = '\0';
		s += n + (s[n] == '\n');
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		for (start = line; isspace((unsigned char)*start); start++)
			;
		for (end = start + strlen(start); end > start && isspace((unsigned char)end[-1]); end--)
			;
		*end = '\0';
		if (*start && !fn(p, start, arg))
			return false;
	}
	return true;
}
