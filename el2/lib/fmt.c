// SPDX-License-Identifier: MIT
/* A small printf: enough for console messages, no floating point. */
#include "el2/libc.h"

struct fmt_spec {
	bool zero_pad;
	bool left;
	bool alt; /* '#': 0x before a non-zero %x */
	u32 width;
	u32 longs;
};

static void put_padded(fmt_put_fn put, void *arg, const char *s, size_t len,
		       const struct fmt_spec *sp)
{
	size_t pad = sp->width > len ? sp->width - len : 0;

	if (!sp->left)
		for (size_t i = 0; i < pad; i++)
			put(arg, sp->zero_pad ? '0' : ' ');
	for (size_t i = 0; i < len; i++)
		put(arg, s[i]);
	if (sp->left)
		for (size_t i = 0; i < pad; i++)
			put(arg, ' ');
}

static void put_number(fmt_put_fn put, void *arg, u64 v, bool negative, u32 base,
		       const struct fmt_spec *sp)
{
	char buf[24];
	size_t n = sizeof(buf);

	do {
		u64 d = v % base;

		buf[--n] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	if (negative)
		buf[--n] = '-';
	put_padded(put, arg, buf + n, sizeof(buf) - n, sp);
}

static u64 take_unsigned(va_list *ap, u32 longs)
{
	if (longs)
		return va_arg(*ap, unsigned long long);
	return va_arg(*ap, unsigned int);
}

static s64 take_signed(va_list *ap, u32 longs)
{
	if (longs)
		return va_arg(*ap, long long);
	return va_arg(*ap, int);
}

void fmt_vprint(fmt_put_fn put, void *arg, const char *fmt, va_list ap)
{
	va_list args;

	va_copy(args, ap);
	for (; *fmt; fmt++) {
		struct fmt_spec sp = { 0 };
		const char *s;

		if (*fmt != '%') {
			put(arg, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '#') {
			sp.alt = true;
			fmt++;
		}
		if (*fmt == '-') {
			sp.left = true;
			fmt++;
		}
		if (*fmt == '0') {
			sp.zero_pad = true;
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (u32)(*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			sp.longs++;
			fmt++;
		}
		switch (*fmt) {
		case 'd': {
			s64 v = take_signed(&args, sp.longs);

			put_number(put, arg, v < 0 ? (u64)0 - (u64)v : (u64)v, v < 0, 10, &sp);
			break;
		}
		case 'u':
			put_number(put, arg, take_unsigned(&args, sp.longs), false, 10, &sp);
			break;
		case 'x': {
			u64 v = take_unsigned(&args, sp.longs);

			if (sp.alt && v) {
				put(arg, '0');
				put(arg, 'x');
			}
			put_number(put, arg, v, false, 16, &sp);
			break;
		}
		case 'p':
			put(arg, '0');
			put(arg, 'x');
			put_number(put, arg, (u64)(uintptr_t)va_arg(args, void *), false, 16, &sp);
			break;
		case 'c': {
			char c = (char)va_arg(args, int);

			put_padded(put, arg, &c, 1, &sp);
			break;
		}
		case 's':
			s = va_arg(args, const char *);
			if (!s)
				s = "(null)";
			put_padded(put, arg, s, strlen(s), &sp);
			break;
		case '%':
			put(arg, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(arg, '%');
			put(arg, *fmt);
			break;
		}
	}
	va_end(args);
}

struct fmt_buf {
	char *buf;
	size_t size, len;
};

static void buf_put(void *arg, char c)
{
	struct fmt_buf *b = arg;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_buf b = { .buf = buf, .size = size };

	fmt_vprint(buf_put, &b, fmt, ap);
	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return (int)b.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
