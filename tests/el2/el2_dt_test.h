/* SPDX-License-Identifier: MIT */
/*
 * Shared by the el2/dt tests: device tree blobs from files (the build makes
 * them: dtc, QEMU, Debian's kernel package) and checks that print both sides.
 */
#ifndef EL2_DT_TEST_H
#define EL2_DT_TEST_H

#include "el2/dt.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define EL2_TEST_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * @dir/@name read into an 8-byte aligned buffer (libfdt's rule) with @room
 * bytes to spare for edits made with libfdt's write functions. free() it.
 */
void *el2_test_load(const char *dir, const char *name, size_t room);

/*
 * Edits for variants of a tree loaded with room: set a string or a list of
 * cells, delete a property (or, with @name NULL, the node). A failed edit
 * fails the test.
 */
void el2_test_set_string(void *fdt, const char *path, const char *name, const char *value);
void el2_test_set_cells(void *fdt, const char *path, const char *name, const u32 *cells, size_t nr);
void el2_test_delete(void *fdt, const char *path, const char *name);

/*
 * Fills @reg with @nr entries of two address and two size cells: 4 KiB each,
 * 4 GiB apart, the first at @first << 32, so no two of them merge.
 */
void el2_test_spread_reg(u32 *reg, u32 first, u32 nr);

#define EL2_SET_CELLS(fdt, path, name, ...)                                               \
	do {                                                                              \
		const u32 cells_[] = { __VA_ARGS__ };                                     \
		el2_test_set_cells(fdt, path, name, cells_, EL2_TEST_ARRAY_SIZE(cells_)); \
	} while (0)

/* el2_dt_parse, printing its answer (and why) for the test's log. */
int el2_test_parse(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why);

/* @nr ranges equal @want (@nr_want of them), in order; prints both on a difference. */
void el2_test_expect_ranges(const char *what, const struct el2_range *got, u32 nr,
			    const struct el2_range *want, u32 nr_want);

#define EL2_EXPECT_RANGES(what, got, nr, ...)                                             \
	do {                                                                              \
		const struct el2_range want_[] = { __VA_ARGS__ };                         \
		el2_test_expect_ranges(what, got, nr, want_, EL2_TEST_ARRAY_SIZE(want_)); \
	} while (0)

/*
 * Runs @fn as one cmocka test per row of a table of expected values: @nr rows
 * of @size bytes, each starting with `const char *test`, the test's name; the
 * test finds its row in *state. Returns the number of tests that failed.
 */
int el2_test_run_table(const char *group, CMUnitTestFunction fn, const void *rows, size_t nr,
		       size_t size);

#endif /* EL2_DT_TEST_H */
