// SPDX-License-Identifier: MIT
/*
 * Hand-written trees (tests/el2/trees/, compiled by the build) that a board
 * may send: memory in pieces, reserved regions of every kind, devices behind
 * buses that move addresses, every way of naming the console.
 */
#include "el2_dt_test.h"

#include <libfdt.h>
#include <stdlib.h>

/* Where the tests say the boot loader put each blob. */
#define MEMORY_TREE_PA	 0x80100000ULL
#define ONE_CELL_TREE_PA 0x4000000ULL
#define BUSES_TREE_PA	 0x48000000ULL

/* Room for the edits a test makes to its copy of a tree. */
#define EDIT_ROOM 1024

/* @name, read with its blob at @pa, which must succeed; free() the blob. */
static void *parse_tree(const char *name, u64 pa, struct el2_machine *m)
{
	void *fdt = el2_test_load(EL2_DT_TREES_DIR, name, 0);
	const char *why;

	assert_int_equal(el2_test_parse(fdt, pa, m, &why), 0);
	return fdt;
}

static void memory_nodes_are_sorted_and_merged(void **state)
{
	struct el2_machine m;
	void *fdt = parse_tree("memory-reserved.dtb", MEMORY_TREE_PA, &m);

	(void)state;
	EL2_EXPECT_RANGES("memory", m.memory, m.nr_memory,
			  /* memory@40000000, last in the tree */
			  { 0x40000000, 0x1000000 },
			  /* memory@80000000's first bank and the touching one of /memory */
			  { 0x80000000, 0x30000000 },
			  /* its second bank and the overlapping memory@8a0000000 */
			  { 0x880000000, 0x60000000 });
	free(fdt);
}

static void reserved_has_memreserve_fixed_regions_blob_and_initrd(void **state)
{
	struct el2_machine m;
	void *fdt = parse_tree("memory-reserved.dtb", MEMORY_TREE_PA, &m);

	(void)state;
	EL2_EXPECT_RANGES("reserved", m.reserved, m.nr_reserved,
			  { 0x80000000, 0x10000 },		  /* /memreserve/ */
			  { MEMORY_TREE_PA, fdt_totalsize(fdt) }, /* the blob */
			  { 0x88000000, 0x400000 },		  /* the initrd */
			  { 0x8e000000, 0x10000 },		  /* tables@8e000000, twice */
			  { 0x8e800000, 0x10000 },
			  /* firmware@8f000000 with the /memreserve/ inside it and the
			   * touching mailbox@8f100000; not linux,cma nor disabled@90000000 */
			  { 0x8f000000, 0x101000 });
	assert_int_equal(m.console.kind, EL2_UART_PL011);
	assert_false(m.has_gicv3);
	assert_int_equal(m.psci, EL2_PSCI_NONE);
	free(fdt);
}

static void one_cell_touching_entries_become_one_range(void **state)
{
	struct el2_machine m;
	void *fdt = parse_tree("memory-1cell.dtb", ONE_CELL_TREE_PA, &m);

	(void)state;
	EL2_EXPECT_RANGES("memory", m.memory, m.nr_memory, { 0x0, 0x3000000 },
			  { 0x40000000, 0x40000000 });
	EL2_EXPECT_RANGES("reserved", m.reserved, m.nr_reserved, { 0x3000000, 0x100000 },
			  { ONE_CELL_TREE_PA, fdt_totalsize(fdt) }, { 0x100000000, 0x1000 });
	assert_int_equal(m.console.kind, EL2_UART_8250);
	assert_int_equal(m.console.base, 0x1c28000);
	assert_int_equal(m.console.size, 0x400);
	assert_int_equal(m.console.reg_shift, 2);
	assert_int_equal(m.console.reg_io_width, 4);
	free(fdt);
}

/* buses.dts with /chosen stdout-path set to @stdout_path (NULL: as written), read into @m. */
static void parse_buses(const char *stdout_path, struct el2_machine *m)
{
	void *fdt = el2_test_load(EL2_DT_TREES_DIR, "buses.dtb", EDIT_ROOM);
	const char *why;

	if (stdout_path)
		el2_test_set_string(fdt, "/chosen", "stdout-path", stdout_path);
	assert_int_equal(el2_test_parse(fdt, BUSES_TREE_PA, m, &why), 0);
	free(fdt);
}

/* The console is an 8250 at @base (after every bus's ranges) with these registers. */
static void expect_8250(const struct el2_console *c, u64 base, u32 reg_shift, u32 reg_io_width,
			const char *path)
{
	assert_int_equal(c->kind, EL2_UART_8250);
	assert_int_equal(c->base, base);
	assert_int_equal(c->reg_shift, reg_shift);
	assert_int_equal(c->reg_io_width, reg_io_width);
	assert_string_equal(c->path, path);
}

static void console_two_buses_down_goes_through_both_ranges(void **state)
{
	struct el2_machine m;

	(void)state;
	/* "serial0:1500000n8": an alias, with options. */
	parse_buses(NULL, &m);
	/* apb 0x2000 -> soc 0x102000 -> CPU 0xf0102000 */
	expect_8250(&m.console, 0xf0102000, 2, 4, "/soc/apb@100000/serial@2000");
	assert_int_equal(m.console.size, 0x100);
}

static void console_in_second_windows_has_8250_defaults(void **state)
{
	struct el2_machine m;

	(void)state;
	parse_buses("serial2", &m);
	/* apb 0x20000 -> soc 0x10000000 -> CPU 0x100000000 */
	expect_8250(&m.console, 0x100000000, 0, 1, "/soc/apb@100000/serial@20000");
}

static void console_by_full_path_with_and_without_options(void **state)
{
	struct el2_machine m;

	(void)state;
	parse_buses("/pl011@9000000:115200n8", &m);
	assert_int_equal(m.console.kind, EL2_UART_PL011);
	assert_int_equal(m.console.base, 0x9000000);
	assert_string_equal(m.console.path, "/pl011@9000000");

	parse_buses("/soc/apb@100000/serial@2000", &m);
	assert_int_equal(m.console.base, 0xf0102000);
}

static void linux_stdout_path_is_read_when_stdout_path_is_absent(void **state)
{
	struct el2_machine m;
	const char *why;
	void *fdt = el2_test_load(EL2_DT_TREES_DIR, "buses.dtb", EDIT_ROOM);

	(void)state;
	el2_test_delete(fdt, "/chosen", "stdout-path");
	el2_test_set_string(fdt, "/chosen", "linux,stdout-path", "serial1");
	assert_int_equal(el2_test_parse(fdt, BUSES_TREE_PA, &m, &why), 0);
	assert_int_equal(m.console.kind, EL2_UART_PL011);
	assert_int_equal(m.console.base, 0x9000000);
	free(fdt);
}

static void gicv3_behind_a_bus_and_psci_over_hvc(void **state)
{
	struct el2_machine m;

	(void)state;
	parse_buses(NULL, &m);
	assert_true(m.has_gicv3);
	assert_int_equal(m.gicd_base, 0xf0800000);
	assert_int_equal(m.gicr_base, 0xf08a0000);
	assert_int_equal(m.psci, EL2_PSCI_HVC);
	EL2_EXPECT_RANGES("memory", m.memory, m.nr_memory, { 0x40000000, 0x40000000 });
}

static void a_full_list_still_takes_ranges_it_can_merge(void **state)
{
	struct el2_machine m;
	const char *why;
	void *fdt = el2_test_load(EL2_DT_TREES_DIR, "buses.dtb", EDIT_ROOM);
	u32 reg[4 * (EL2_MAX_MEMORY + 1)];

	(void)state;
	/* EL2_MAX_MEMORY ranges 4 GiB apart, then one touching the first. */
	el2_test_spread_reg(reg, 0, EL2_MAX_MEMORY);
	reg[4 * EL2_MAX_MEMORY] = 0;
	reg[4 * EL2_MAX_MEMORY + 1] = 0x1000;
	reg[4 * EL2_MAX_MEMORY + 2] = 0;
	reg[4 * EL2_MAX_MEMORY + 3] = 0x1000;
	el2_test_set_cells(fdt, "/memory@40000000", "reg", reg, EL2_TEST_ARRAY_SIZE(reg));
	assert_int_equal(el2_test_parse(fdt, BUSES_TREE_PA, &m, &why), 0);
	assert_int_equal(m.nr_memory, EL2_MAX_MEMORY);
	assert_int_equal(m.memory[0].base, 0);
	assert_int_equal(m.memory[0].size, 0x2000);
	assert_int_equal(m.memory[EL2_MAX_MEMORY - 1].base, (u64)(EL2_MAX_MEMORY - 1) << 32);
	free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memory_nodes_are_sorted_and_merged),
		cmocka_unit_test(reserved_has_memreserve_fixed_regions_blob_and_initrd),
		cmocka_unit_test(one_cell_touching_entries_become_one_range),
		cmocka_unit_test(console_two_buses_down_goes_through_both_ranges),
		cmocka_unit_test(console_in_second_windows_has_8250_defaults),
		cmocka_unit_test(console_by_full_path_with_and_without_options),
		cmocka_unit_test(linux_stdout_path_is_read_when_stdout_path_is_absent),
		cmocka_unit_test(gicv3_behind_a_bus_and_psci_over_hvc),
		cmocka_unit_test(a_full_list_still_takes_ranges_it_can_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
