/* SPDX-License-Identifier: MIT */
/* The freestanding C library of the image (lib/), and the way to stop. */
#ifndef EL2_LIBC_H
#define EL2_LIBC_H

#include <stdarg.h>
#include <stddef.h>

#include "core/types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
int strncmp(const char *a, const char *b, size_t n);
unsigned long strtoul(const char *s, char **end, int base);
void __stack_chk_fail(void);

/*
 * printf-style formatting into @put: %s %c %d %u %x %p with the l/ll
 * modifiers, '0' padding, a width and '#' for %x (what the console messages
 * and fuzzers/lib's checks use). snprintf and vsnprintf are the standard ones.
 */
typedef void (*fmt_put_fn)(void *arg, char c);
void fmt_vprint(fmt_put_fn put, void *arg, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Print a message and stop the machine with a failure status. */
void el2_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif /* EL2_LIBC_H */
