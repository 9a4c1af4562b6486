// SPDX-License-Identifier: MIT
#include "el2_dt_test.h"

#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *el2_test_load(const char *dir, const char *name, size_t room)
{
	char path[512];
	FILE *f;
	long size;
	void *buf;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (the build makes it)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	buf = aligned_alloc(8, ((size_t)size + room + 7) & ~(size_t)7);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	if (room)
		assert_int_equal(fdt_open_into(buf, buf, (int)((size_t)size + room)), 0);
	return buf;
}

static int el2_test_node(void *fdt, const char *path)
{
	int node = fdt_path_offset(fdt, path);

	if (node < 0)
		fail_msg("no node %s to edit: %s", path, fdt_strerror(node));
	return node;
}

void el2_test_set_string(void *fdt, const char *path, const char *name, const char *value)
{
	int len = (int)strlen(value) + 1;

	assert_int_equal(fdt_setprop(fdt, el2_test_node(fdt, path), name, value, len), 0);
}

void el2_test_set_cells(void *fdt, const char *path, const char *name, const u32 *cells, size_t nr)
{
	fdt32_t be[256];

	assert_true(nr <= EL2_TEST_ARRAY_SIZE(be));
	for (size_t i = 0; i < nr; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	assert_int_equal(
		fdt_setprop(fdt, el2_test_node(fdt, path), name, be, (int)(nr * sizeof(be[0]))), 0);
}

void el2_test_spread_reg(u32 *reg, u32 first, u32 nr)
{
	for (u32 i = 0; i < nr; i++) {
		reg[4 * i] = first + i;
		reg[4 * i + 1] = 0;
		reg[4 * i + 2] = 0;
		reg[4 * i + 3] = 0x1000;
	}
}

void el2_test_delete(void *fdt, const char *path, const char *name)
{
	int node = el2_test_node(fdt, path);

	if (name)
		assert_int_equal(fdt_delprop(fdt, node, name), 0);
	else
		assert_int_equal(fdt_del_node(fdt, node), 0);
}

static const char *el2_test_uart_name(enum el2_uart_kind kind)
{
	static const char *const names[] = {
		[EL2_UART_NONE] = "none",
		[EL2_UART_PL011] = "pl011",
		[EL2_UART_8250] = "8250",
		[EL2_UART_BCM2835_AUX] = "bcm2835-aux",
	};

	return (size_t)kind < EL2_TEST_ARRAY_SIZE(names) ? names[kind] : "?";
}

int el2_test_parse(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why)
{
	int ret = el2_dt_parse(fdt, fdt_pa, m, why);

	printf("el2_dt_parse: %d%s%s; %u memory, %u reserved, console %s at 0x%" PRIx64 " (%s)\n",
	       ret, ret ? ": " : "", ret ? *why : "", m->nr_memory, m->nr_reserved,
	       el2_test_uart_name(m->console.kind), m->console.base, m->console.path);
	return ret;
}

static void el2_test_print_ranges(const char *label, const struct el2_range *r, u32 nr)
{
	printf("  %s:", label);
	for (u32 i = 0; i < nr; i++)
		printf(" [0x%" PRIx64 " +0x%" PRIx64 "]", r[i].base, r[i].size);
	printf("\n");
}

void el2_test_expect_ranges(const char *what, const struct el2_range *got, u32 nr,
			    const struct el2_range *want, u32 nr_want)
{
	bool same = nr == nr_want;

	for (u32 i = 0; same && i < nr; i++)
		same = got[i].base == want[i].base && got[i].size == want[i].size;
	if (same)
		return;
	printf("%s differ\n", what);
	el2_test_print_ranges("expected", want, nr_want);
	el2_test_print_ranges("got     ", got, nr);
	fail_msg("%s differ", what);
}

int el2_test_run_table(const char *group, CMUnitTestFunction fn, const void *rows, size_t nr,
		       size_t size)
{
	struct CMUnitTest *tests = calloc(nr, sizeof(*tests));
	int failed;

	if (!tests) {
		fprintf(stderr, "%s: no memory for %zu tests\n", group, nr);
		return 1;
	}
	for (size_t i = 0; i < nr; i++) {
		const char *row = (const char *)rows + i * size;

		/* A row starts with its name; cmocka's state is not const. */
		tests[i] = (struct CMUnitTest){ .name = *(const char *const *)(const void *)row,
						.test_func = fn,
						.initial_state = (void *)(uintptr_t)row };
	}
	failed = _cmocka_run_group_tests(group, tests, nr, NULL, NULL);
	free(tests);
	return failed;
}
