/* SPDX-License-Identifier: MIT */
/*
 * Structure-aware mutation for the targets whose input is a header and
 * fixed-size records (fuzz_pkvm, fuzz_hvc, fuzz_pgtable): whole records are
 * inserted, deleted, duplicated and swapped; a record is retargeted to the
 * page, VM, gfn or address an earlier record used (the same field, copied);
 * two inputs are spliced at record boundaries, so one's lifecycle continues
 * into the other's; new fields are drawn small more often than not (a page
 * selector's small values are memory pages, a VM's the first slots), or as
 * their field draws them (pages at a region's edges). Where the world has a
 * reference to try them on, half the new records are drawn again until the
 * state before them accepts one, if 16 draws find it: long lifecycles grow a
 * step at a time. A share of the mutations are the engine's own byte-level
 * ones.
 * libFuzzer calls these through LLVMFuzzerCustomMutator and
 * LLVMFuzzerCustomCrossOver (each target file names its world).
 */
#ifndef FUZZ_MUTATOR_H
#define FUZZ_MUTATOR_H

#include "optable.h"

/* Mutate @data (@size bytes, room for @max) in place; returns the new size. */
size_t fz_mutate(const struct fz_world *w, uint8_t *data, size_t size, size_t max,
		 unsigned seed);
/* Splice @a and @b into @out (room for @max); returns its size. */
size_t fz_cross_over(const struct fz_world *w, const uint8_t *a, size_t a_size, const uint8_t *b,
		     size_t b_size, uint8_t *out, size_t max, unsigned seed);

/* The engine's byte-level mutator (libFuzzer's LLVMFuzzerMutate), when linked. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);

/* A target's hooks for libFuzzer, naming its world. */
#define FZ_MUTATOR_HOOKS(world)                                                               \
	size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed); \
	size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed)  \
	{                                                                                      \
		return fz_mutate(&(world), data, size, max, seed);                             \
	}                                                                                      \
	size_t LLVMFuzzerCustomCrossOver(const uint8_t *a, size_t a_size, const uint8_t *b,    \
					 size_t b_size, uint8_t *out, size_t max, unsigned seed); \
	size_t LLVMFuzzerCustomCrossOver(const uint8_t *a, size_t a_size, const uint8_t *b,    \
					 size_t b_size, uint8_t *out, size_t max, unsigned seed)  \
	{                                                                                      \
		return fz_cross_over(&(world), a, a_size, b, b_size, out, max, seed);          \
	}

#endif /* FUZZ_MUTATOR_H */
