// SPDX-License-Identifier: MIT
/*
 * Trees el2_dt_parse must refuse, each with the errno and message that name
 * the problem, and blobs damaged byte by byte, which must never crash it.
 * The parts of a tree that are fine are still read (the caller may go on
 * without a console, say).
 */
#include "el2_dt_test.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(EL2_EFAULT == EFAULT, "EL2_EFAULT is Linux's EFAULT");
_Static_assert(EL2_ENODEV == ENODEV, "EL2_ENODEV is Linux's ENODEV");
_Static_assert(EL2_ENOSPC == ENOSPC, "EL2_ENOSPC is Linux's ENOSPC");
_Static_assert(CORE_ENOENT == ENOENT && CORE_EINVAL == EINVAL && CORE_EOPNOTSUPP == EOPNOTSUPP,
	       "the core's errno values are Linux's");

#define TREE_PA	  0x48000000ULL
#define EDIT_ROOM 1024

static void *load_tree(const char *name)
{
	return el2_test_load(EL2_DT_TREES_DIR, name, EDIT_ROOM);
}

/* Parses @fdt, expects @err and @message, frees @fdt; @m keeps what was read. */
static void expect_error(void *fdt, int err, const char *message, struct el2_machine *m)
{
	const char *why = NULL;

	assert_int_equal(el2_test_parse(fdt, TREE_PA, m, &why), err);
	assert_non_null(why);
	assert_string_equal(why, message);
	free(fdt);
}

/*
 * A tree with one property set to a string or to cells, or deleted (with
 * @name NULL, the node), and the error el2_dt_parse must give for it.
 */
struct bad_edit {
	const char *test;
	const char *tree, *path, *name;
	const char *string;
	u32 cells[4];
	size_t nr_cells; /* neither a string nor cells: delete */
	int err;
	const char *message;
	/* The console could not be had, and everything before it was read. */
	bool console_refused;
};

#define SERIAL "/soc/apb@100000/serial@2000"

static const struct bad_edit bad_edits[] = {
	{ "memory_of_size_0_only_is_enoent", "buses.dtb", "/memory@40000000", "reg",
	  .cells = { 0, 0x40000000, 0, 0 }, .nr_cells = 4, .err = -ENOENT,
	  .message =
		  "the /memory nodes have only entries of size 0 (for the boot loader to fill in)" },
	{ "reg_of_part_of_an_entry_is_einval", "buses.dtb", "/memory@40000000", "reg",
	  .cells = { 0, 0x40000000, 0x40000000 }, .nr_cells = 3, .err = -EINVAL,
	  .message = "a reg property is not a whole number of entries" },
	{ "reg_wrapping_past_2_64_is_einval", "buses.dtb", "/memory@40000000", "reg",
	  .cells = { 0xffffffff, 0xfffff000, 0, 0x2000 }, .nr_cells = 4, .err = -EINVAL,
	  .message = "a reg entry runs past the end of the address space" },
	{ "initrd_end_below_start_is_einval", "memory-reserved.dtb", "/chosen", "linux,initrd-end",
	  .cells = { 0x87000000 }, .nr_cells = 1, .err = -EINVAL,
	  .message = "linux,initrd-end is below linux,initrd-start" },
	{ "initrd_start_alone_is_einval", "memory-reserved.dtb", "/chosen", "linux,initrd-end",
	  .err = -EINVAL,
	  .message = "/chosen has only one of linux,initrd-start and linux,initrd-end" },
	{ "stdout_path_naming_a_missing_alias_is_enoent", "buses.dtb", "/chosen", "stdout-path",
	  .string = "serial9:115200n8", .err = -ENOENT,
	  .message = "stdout-path names an alias that /aliases does not have",
	  .console_refused = true },
	{ "empty_stdout_path_is_enoent", "buses.dtb", "/chosen", "stdout-path",
	  .string = ":115200n8", .err = -ENOENT,
	  .message = "stdout-path names no node (it is empty)", .console_refused = true },
	{ "console_behind_a_bus_without_ranges_is_efault", "buses.dtb", "/chosen", "stdout-path",
	  .string = "/isa/serial@3f8", .err = -EFAULT,
	  .message = "a bus on the way to the root has no ranges: its addresses are not the CPU's",
	  .console_refused = true },
	{ "console_outside_every_window_is_efault", "buses.dtb", "/chosen", "stdout-path",
	  .string = "/soc/serial@2000000", .err = -EFAULT,
	  .message = "an address lies outside every window of its bus's ranges",
	  .console_refused = true },
	{ "console_disabled_is_enodev", "buses.dtb", SERIAL, "status", .string = "disabled",
	  .err = -ENODEV, .message = "the console node is disabled" },
	{ "console_reg_io_width_2_is_eopnotsupp", "buses.dtb", SERIAL, "reg-io-width",
	  .cells = { 2 }, .nr_cells = 1, .err = -EOPNOTSUPP,
	  .message = "console reg-io-width is not 1 or 4" },
	{ "console_reg_shift_5_is_eopnotsupp", "buses.dtb", SERIAL, "reg-shift", .cells = { 5 },
	  .nr_cells = 1, .err = -EOPNOTSUPP, .message = "console reg-shift is above 3" },
};

static void edit_is_refused(void **state)
{
	const struct bad_edit *e = *state;
	struct el2_machine m;
	void *fdt = load_tree(e->tree);

	if (e->string)
		el2_test_set_string(fdt, e->path, e->name, e->string);
	else if (e->nr_cells)
		el2_test_set_cells(fdt, e->path, e->name, e->cells, e->nr_cells);
	else
		el2_test_delete(fdt, e->path, e->name);
	expect_error(fdt, e->err, e->message, &m);
	if (e->console_refused) {
		assert_int_equal(m.console.kind, EL2_UART_NONE);
		assert_true(m.nr_memory > 0);
	}
}

static void bad_magic_is_einval_and_reads_nothing(void **state)
{
	struct el2_machine m;
	void *fdt = load_tree("memory-reserved.dtb");

	(void)state;
	fdt_set_magic(fdt, 0xdeadbeef);
	expect_error(fdt, -EINVAL, "not a device tree: bad magic, version or block offsets", &m);
	assert_int_equal(m.nr_memory, 0);
	assert_int_equal(m.nr_reserved, 0);
}

static void misaligned_blob_is_einval(void **state)
{
	struct el2_machine m;
	const char *why;
	void *fdt = load_tree("memory-reserved.dtb");
	/* C11: the size of an aligned_alloc is a multiple of its alignment. */
	char *copy = aligned_alloc(8, (fdt_totalsize(fdt) + 8 + 7) & ~7u);

	(void)state;
	assert_non_null(copy);
	memcpy(copy + 4, fdt, fdt_totalsize(fdt));
	assert_int_equal(el2_test_parse(copy + 4, TREE_PA, &m, &why), -EINVAL);
	assert_string_equal(why, "the device tree is not 8-byte aligned");
	free(copy);
	free(fdt);
}

static void totalsize_cut_short_is_einval(void **state)
{
	struct el2_machine m;
	void *fdt = load_tree("memory-reserved.dtb");

	(void)state;
	/* The strings block now ends past the blob's end. */
	fdt_set_totalsize(fdt, fdt_off_dt_strings(fdt) + 4);
	expect_error(fdt, -EINVAL, "not a device tree: bad magic, version or block offsets", &m);
}

static void bad_tag_in_structure_is_einval(void **state)
{
	struct el2_machine m;
	void *fdt = load_tree("memory-reserved.dtb");
	int node = fdt_path_offset(fdt, "/chosen");

	(void)state;
	assert_true(node > 0);
	/* The node's FDT_BEGIN_NODE tag becomes a tag that does not exist. */
	fdt32_st((char *)fdt + fdt_off_dt_struct(fdt) + node, 0x7);
	expect_error(fdt, -EINVAL, "the device tree's structure block is malformed", &m);
}

/* Each byte set to a few values in turn: any answer will do but a crash or a hang. */
static void damaged_bytes_never_crash(const char *tree)
{
	static const u8 xors[] = { 0x01, 0x80, 0xff };
	void *orig = el2_test_load(EL2_DT_TREES_DIR, tree, 0);
	size_t size = fdt_totalsize(orig);
	void *copy = aligned_alloc(8, (size + 7) & ~(size_t)7);
	unsigned refused = 0, runs = 0;

	assert_non_null(copy);
	for (size_t at = 0; at < size; at++) {
		for (size_t x = 0; x < EL2_TEST_ARRAY_SIZE(xors); x++) {
			struct el2_machine m;
			const char *why = NULL;
			int ret;

			memcpy(copy, orig, size);
			((u8 *)copy)[at] ^= xors[x];
			ret = el2_dt_parse(copy, TREE_PA, &m, &why);
			assert_true(ret <= 0);
			if (ret) {
				assert_non_null(why);
				refused++;
			}
			assert_true(m.nr_memory <= EL2_MAX_MEMORY);
			assert_true(m.nr_reserved <= EL2_MAX_RESERVED);
			runs++;
		}
	}
	printf("%s: %u damaged copies, %u refused\n", tree, runs, refused);
	free(copy);
	free(orig);
}

static void damaged_blobs_never_crash(void **state)
{
	(void)state;
	damaged_bytes_never_crash("buses.dtb");
	damaged_bytes_never_crash("memory-reserved.dtb");
}

static void no_memory_node_is_enoent(void **state)
{
	struct el2_machine m;

	(void)state;
	expect_error(load_tree("no-memory.dtb"), -ENOENT,
		     "no /memory node (no enabled root child with device_type \"memory\")", &m);
	assert_int_equal(m.nr_memory, 0);
	/* The rest is read all the same. */
	assert_int_equal(m.console.kind, EL2_UART_PL011);
	assert_int_equal(m.nr_reserved, 1);
}

static void too_many_memory_ranges_is_enospc(void **state)
{
	struct el2_machine m;
	void *fdt = load_tree("buses.dtb");
	u32 reg[4 * (EL2_MAX_MEMORY + 1)];

	(void)state;
	el2_test_spread_reg(reg, 0, EL2_MAX_MEMORY + 1);
	el2_test_set_cells(fdt, "/memory@40000000", "reg", reg, EL2_TEST_ARRAY_SIZE(reg));
	expect_error(fdt, -ENOSPC, "more separate memory ranges than EL2_MAX_MEMORY", &m);
}

static void too_many_reserved_ranges_is_enospc(void **state)
{
	struct el2_machine m;
	void *fdt = load_tree("memory-reserved.dtb");
	u32 reg[4 * EL2_MAX_RESERVED];

	(void)state;
	el2_test_spread_reg(reg, 0x10, EL2_MAX_RESERVED);
	el2_test_set_cells(fdt, "/reserved-memory/tables@8e000000", "reg", reg,
			   EL2_TEST_ARRAY_SIZE(reg));
	expect_error(fdt, -ENOSPC, "more separate reserved ranges than EL2_MAX_RESERVED", &m);
}

/*
 * @tree as written is refused for its console; the console's path is kept for
 * the message the caller prints, and the memory is read all the same.
 */
static void expect_console_refused(const char *tree, int err, const char *message, const char *path,
				   struct el2_range memory)
{
	struct el2_machine m;

	expect_error(load_tree(tree), err, message, &m);
	assert_int_equal(m.console.kind, EL2_UART_NONE);
	assert_string_equal(m.console.path, path);
	el2_test_expect_ranges("memory", m.memory, m.nr_memory, &memory, 1);
}

static void stdout_path_naming_nothing_is_enoent(void **state)
{
	(void)state;
	expect_console_refused("stdout-nothing.dtb", -ENOENT, "stdout-path names no node",
			       "/soc/serial@fe215040", (struct el2_range){ 0, 0x40000000 });
}

/* buses.dts without @path's @name (the node, with @name NULL) is refused. */
static void expect_deleted_error(const char *path, const char *name, int err, const char *message)
{
	struct el2_machine m;
	void *fdt = load_tree("buses.dtb");

	el2_test_delete(fdt, path, name);
	expect_error(fdt, err, message, &m);
}

static void chosen_without_stdout_path_is_enoent(void **state)
{
	(void)state;
	expect_deleted_error("/chosen", "stdout-path", -ENOENT, "/chosen has no stdout-path");
	expect_deleted_error("/chosen", NULL, -ENOENT,
			     "no /chosen node, so no stdout-path to find the console by");
}

static void unsupported_console_is_eopnotsupp_naming_its_compatible(void **state)
{
	(void)state;
	expect_console_refused(
		"console-unsupported.dtb", -EOPNOTSUPP,
		"console compatible 'amlogic,meson-gx-uart' is not supported (supported: "
		"arm,pl011 ns16550a ns16550 snps,dw-apb-uart brcm,bcm2835-aux-uart)",
		"/soc/serial@c81004c0", (struct el2_range){ 0, 0x80000000 });
}

static void console_without_reg_or_compatible_is_enoent(void **state)
{
	(void)state;
	expect_deleted_error(SERIAL, "reg", -ENOENT, "the console node has no reg");
	expect_deleted_error(SERIAL, "compatible", -ENOENT,
			     "the console node has no compatible: no driver can be chosen");
}

static void three_cell_bus_is_eopnotsupp(void **state)
{
	struct el2_machine m;
	void *fdt = load_tree("buses.dtb");

	(void)state;
	EL2_SET_CELLS(fdt, "/isa", "#address-cells", 3);
	EL2_SET_CELLS(fdt, "/isa/serial@3f8", "reg", 1, 0, 0x3f8, 8);
	el2_test_set_string(fdt, "/chosen", "stdout-path", "/isa/serial@3f8");
	expect_error(fdt, -EOPNOTSUPP, "a bus has #address-cells or #size-cells other than 1 or 2",
		     &m);
}

/* memory-reserved.dtb with /chosen naming a kernel at [start, end). */
static void *tree_with_kernel(u32 start, u32 end)
{
	void *fdt = load_tree("memory-reserved.dtb");
	u32 s[2] = { 0, start }, e[2] = { 0, end };

	el2_test_set_cells(fdt, "/chosen", "s2fuzz,kernel-start", s, 2);
	el2_test_set_cells(fdt, "/chosen", "s2fuzz,kernel-end", e, 2);
	return fdt;
}

static void kernel_in_memory_is_read_and_reserved(void **state)
{
	struct el2_machine m;
	const char *why = NULL;
	void *fdt = tree_with_kernel(0x90000000, 0x92000000);
	bool reserved = false;

	(void)state;
	assert_int_equal(el2_test_parse(fdt, TREE_PA, &m, &why), 0);
	assert_int_equal(m.kernel.base, 0x90000000);
	assert_int_equal(m.kernel.size, 0x2000000);
	for (u32 i = 0; i < m.nr_reserved; i++)
		reserved |= m.reserved[i].base <= 0x90000000 &&
			    m.reserved[i].base + m.reserved[i].size >= 0x92000000;
	assert_true(reserved);
	free(fdt);
}

static void kernel_outside_memory_is_einval(void **state)
{
	struct el2_machine m;

	(void)state;
	expect_error(tree_with_kernel(0x10000000, 0x12000000), -EINVAL,
		     "the kernel /chosen names does not lie in one memory region", &m);
}

static void kernel_shorter_than_a_header_is_einval(void **state)
{
	struct el2_machine m;

	(void)state;
	expect_error(tree_with_kernel(0x90000000, 0x90000000), -EINVAL,
		     "the kernel /chosen names is shorter than an arm64 Image header", &m);
}

static void kernel_start_alone_is_einval(void **state)
{
	struct el2_machine m;
	void *fdt = tree_with_kernel(0x90000000, 0x92000000);

	(void)state;
	el2_test_delete(fdt, "/chosen", "s2fuzz,kernel-end");
	expect_error(fdt, -EINVAL,
		     "/chosen has only one of s2fuzz,kernel-start and s2fuzz,kernel-end", &m);
}

static void unknown_psci_method_is_einval(void **state)
{
	struct el2_machine m;
	void *fdt = load_tree("buses.dtb");

	(void)state;
	el2_test_set_string(fdt, "/psci", "method", "svc");
	expect_error(fdt, -EINVAL,
		     "the psci node's method is missing or neither \"smc\" nor \"hvc\"", &m);
	assert_int_equal(m.psci, EL2_PSCI_NONE);
}

static void disabled_psci_is_no_psci(void **state)
{
	struct el2_machine m;
	const char *why;
	void *fdt = load_tree("buses.dtb");

	(void)state;
	el2_test_set_string(fdt, "/psci", "status", "disabled");
	assert_int_equal(el2_test_parse(fdt, TREE_PA, &m, &why), 0);
	assert_int_equal(m.psci, EL2_PSCI_NONE);
	free(fdt);
}

static void gicv3_with_one_reg_entry_is_einval(void **state)
{
	struct el2_machine m;
	void *fdt = load_tree("buses.dtb");

	(void)state;
	EL2_SET_CELLS(fdt, "/soc/interrupt-controller@800000", "reg", 0x800000, 0x10000);
	expect_error(
		fdt, -EINVAL,
		"the arm,gic-v3 node has fewer than two reg entries (distributor, redistributors)",
		&m);
	assert_false(m.has_gicv3);
}

/* Several failures: the first part read (memory) gives the answer. */
static void first_failing_part_gives_the_error(void **state)
{
	struct el2_machine m;
	void *fdt = load_tree("buses.dtb");

	(void)state;
	el2_test_delete(fdt, "/memory@40000000", NULL);
	el2_test_set_string(fdt, "/psci", "method", "svc");
	el2_test_set_string(fdt, "/chosen", "stdout-path", "serial9");
	expect_error(fdt, -ENOENT,
		     "no /memory node (no enabled root child with device_type \"memory\")", &m);
	assert_true(m.has_gicv3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_magic_is_einval_and_reads_nothing),
		cmocka_unit_test(misaligned_blob_is_einval),
		cmocka_unit_test(totalsize_cut_short_is_einval),
		cmocka_unit_test(bad_tag_in_structure_is_einval),
		cmocka_unit_test(damaged_blobs_never_crash),
		cmocka_unit_test(no_memory_node_is_enoent),
		cmocka_unit_test(too_many_memory_ranges_is_enospc),
		cmocka_unit_test(too_many_reserved_ranges_is_enospc),
		cmocka_unit_test(stdout_path_naming_nothing_is_enoent),
		cmocka_unit_test(chosen_without_stdout_path_is_enoent),
		cmocka_unit_test(unsupported_console_is_eopnotsupp_naming_its_compatible),
		cmocka_unit_test(console_without_reg_or_compatible_is_enoent),
		cmocka_unit_test(three_cell_bus_is_eopnotsupp),
		cmocka_unit_test(kernel_in_memory_is_read_and_reserved),
		cmocka_unit_test(kernel_outside_memory_is_einval),
		cmocka_unit_test(kernel_shorter_than_a_header_is_einval),
		cmocka_unit_test(kernel_start_alone_is_einval),
		cmocka_unit_test(unknown_psci_method_is_einval),
		cmocka_unit_test(disabled_psci_is_no_psci),
		cmocka_unit_test(gicv3_with_one_reg_entry_is_einval),
		cmocka_unit_test(first_failing_part_gives_the_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) |
	       el2_test_run_table("bad_edits", edit_is_refused, bad_edits,
				  EL2_TEST_ARRAY_SIZE(bad_edits), sizeof(bad_edits[0]));
}
