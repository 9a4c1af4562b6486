// SPDX-License-Identifier: MIT
/*
 * The reference's only allocator: a bump arena with one free list per
 * power-of-two block size. Run arrays double as they grow and are replaced
 * whole by every operation, so freed blocks are reused by the next operation
 * of the same size; nothing ever needs splitting or merging.
 */
#include "ref_priv.h"

#define REF_ARENA_MIN_SHIFT 6
#define REF_ARENA_ALIGN	    16

/* The size class that holds a block of `bytes`: 2^(class + MIN_SHIFT). */
static unsigned int arena_class(size_t bytes)
{
	unsigned int c = 0;

	while (((size_t)1 << (c + REF_ARENA_MIN_SHIFT)) < bytes)
		c++;
	return c;
}

/* Take ownership of `bytes` of caller memory, aligned up to 16 bytes. */
void ref_arena_init(struct ref_arena *a, void *mem, size_t bytes)
{
	uintptr_t p = (uintptr_t)mem;
	size_t pad = (REF_ARENA_ALIGN - (p & (REF_ARENA_ALIGN - 1))) & (REF_ARENA_ALIGN - 1);

	memset(a, 0, sizeof(*a));
	if (!mem || bytes < pad)
		return;
	a->base = (uint8_t *)mem + pad;
	a->size = bytes - pad;
}

/* A block of at least `bytes`, or NULL when the arena is exhausted. */
void *ref_arena_alloc(struct ref_arena *a, size_t bytes)
{
	unsigned int c = arena_class(bytes);
	size_t sz = (size_t)1 << (c + REF_ARENA_MIN_SHIFT);
	void *p;

	if (c >= REF_ARENA_CLASSES)
		return NULL;
	p = a->free[c];
	if (p) {
		memcpy(&a->free[c], p, sizeof(void *));
		return p;
	}
	if (a->size - a->used < sz)
		return NULL;
	p = a->base + a->used;
	a->used += sz;
	return p;
}

/* Give back a block obtained with the same `bytes`. */
void ref_arena_free(struct ref_arena *a, void *p, size_t bytes)
{
	unsigned int c = arena_class(bytes);

	if (!p)
		return;
	memcpy(p, &a->free[c], sizeof(void *));
	a->free[c] = p;
}
