/* SPDX-License-Identifier: MIT */
/*
 * Basic types for the freestanding core: fixed-width integers, bit helpers,
 * errno values, and typed addresses that keep IPA, PA and VA apart.
 */
#ifndef CORE_TYPES_H
#define CORE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define BIT(n) (1ULL << (n))
/* Bits h..l inclusive. */
#define GENMASK(h, l) ((~0ULL >> (63 - (h))) & ~((1ULL << (l)) - 1))

/*
 * Error values are negative errno numbers. They are Linux's numbers; the
 * hosted tests check that they agree with the C library's.
 */
#define CORE_EPERM 1
#define CORE_ENOENT 2
#define CORE_EAGAIN 11
#define CORE_ENOMEM 12
#define CORE_EBUSY 16
#define CORE_EEXIST 17
#define CORE_EINVAL 22
#define CORE_EOPNOTSUPP 95

/*
 * Typed addresses, after Hafnium: a physical address, an intermediate
 * physical address (stage-2 input) and a hypervisor virtual address (stage-1
 * input) are different types, so passing one for another does not compile.
 */
typedef struct {
	u64 pa;
} paddr_t;

typedef struct {
	u64 ipa;
} ipaddr_t;

typedef struct {
	u64 va;
} vaddr_t;

static inline paddr_t pa_init(u64 pa)
{
	return (paddr_t){ .pa = pa };
}

static inline u64 pa_addr(paddr_t p)
{
	return p.pa;
}

static inline ipaddr_t ipa_init(u64 ipa)
{
	return (ipaddr_t){ .ipa = ipa };
}

static inline u64 ipa_addr(ipaddr_t p)
{
	return p.ipa;
}

static inline vaddr_t va_init(u64 va)
{
	return (vaddr_t){ .va = va };
}

static inline u64 va_addr(vaddr_t p)
{
	return p.va;
}

/*
 * "Cannot happen": stays on in every build, fuzz builds included. A build
 * without assertions (S2FUZZ_NO_CORE_ASSERTS, CMake's S2FUZZ_CORE_ASSERTS=OFF)
 * evaluates nothing, as a production build would; sizeof only keeps the
 * variables it names in use. So a condition never does work the code needs:
 * a call with an effect goes outside, and the assertion checks its result.
 */
void core_assert_fail(const char *expr, const char *file, int line);
#ifdef S2FUZZ_NO_CORE_ASSERTS
#define CORE_ASSERT(e) ((void)sizeof((e) ? 1 : 0))
#else
#define CORE_ASSERT(e) ((e) ? (void)0 : core_assert_fail(#e, __FILE__, __LINE__))
#endif

#endif /* CORE_TYPES_H */
