// SPDX-License-Identifier: MIT
/*
 * Real boards' trees as Debian's arm64 kernel package ships them (the build
 * fetches them; tools/el2-board-dtbs.sh). Every expected value below was read
 * by hand from `dtc -I dtb -O dts` of the named file, not from this code.
 * Kernel trees are what a boot loader starts from: several have no memory,
 * or memory of size 0, for the boot loader to fill in.
 */
#include "el2_dt_test.h"

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>

/* Above every board's memory and reserved ranges, so the blob sorts last. */
#define BOARD_TREE_PA 0x4000000000ULL

#define SUPPORTED " (supported: arm,pl011 ns16550a ns16550 snps,dw-apb-uart brcm,bcm2835-aux-uart)"
#define NO_MEMORY "no /memory node (no enabled root child with device_type \"memory\")"

/* One board: its test's name, its file and what el2_dt_parse must read from it. */
struct board {
	const char *test;
	const char *file;
	int ret;
	const char *why;
	u32 nr_memory;
	struct el2_range memory[8];
	/* Without the blob itself, which the test adds at BOARD_TREE_PA. */
	u32 nr_reserved;
	struct el2_range reserved[8];
	enum el2_uart_kind uart;
	u64 uart_base, uart_size;
	u32 reg_shift, reg_io_width;
	const char *uart_path;
	bool has_gicv3;
	u64 gicd_base, gicr_base;
	enum el2_psci_method psci;
};

static void board_is(void **state)
{
	const struct board *b = *state;
	struct el2_machine m;
	const char *why = NULL;
	void *fdt = el2_test_load(EL2_DT_BOARDS_DIR, b->file, 0);
	struct el2_range reserved[9];

	assert_int_equal(el2_test_parse(fdt, BOARD_TREE_PA, &m, &why), b->ret);
	if (b->ret)
		assert_string_equal(why, b->why);
	el2_test_expect_ranges("memory", m.memory, m.nr_memory, b->memory, b->nr_memory);
	for (u32 i = 0; i < b->nr_reserved; i++)
		reserved[i] = b->reserved[i];
	reserved[b->nr_reserved] = (struct el2_range){ BOARD_TREE_PA, fdt_totalsize(fdt) };
	el2_test_expect_ranges("reserved", m.reserved, m.nr_reserved, reserved, b->nr_reserved + 1);
	assert_string_equal(m.console.path, b->uart_path);
	assert_int_equal(m.console.kind, b->uart);
	if (b->uart != EL2_UART_NONE) {
		assert_int_equal(m.console.base, b->uart_base);
		assert_int_equal(m.console.size, b->uart_size);
		assert_int_equal(m.console.reg_shift, b->reg_shift);
		assert_int_equal(m.console.reg_io_width, b->reg_io_width);
	}
	assert_int_equal(m.has_gicv3, b->has_gicv3);
	if (b->has_gicv3) {
		assert_int_equal(m.gicd_base, b->gicd_base);
		assert_int_equal(m.gicr_base, b->gicr_base);
	}
	assert_int_equal(m.psci, b->psci);
	free(fdt);
}

static const struct board boards[] = {
	/* arm/juno.dtb: memory@80000000 with two banks, a pl011 at the root, GIC-400. */
	{
		.test = "juno_two_banks_and_a_pl011_at_the_root",
		.file = "arm/juno.dtb",
		.nr_memory = 2,
		.memory = { { 0x80000000, 0x7f000000 }, { 0x880000000, 0x180000000 } },
		.uart = EL2_UART_PL011,
		.uart_base = 0x7ff80000,
		.uart_size = 0x1000,
		.reg_io_width = 4,
		.uart_path = "/serial@7ff80000",
		.psci = EL2_PSCI_SMC,
	},
	/*
	 * broadcom/bcm2837-rpi-3-b.dtb: one-cell root; stdout-path "serial1:115200n8",
	 * the mini UART 0x7e215040 behind /soc's ranges (0x7e000000 -> 0x3f000000);
	 * /memreserve/ 0 0x1000 (spin table); linux,cma has only a size; no PSCI.
	 */
	{
		.test = "rpi3b_console_is_the_mini_uart_behind_soc_ranges",
		.file = "broadcom/bcm2837-rpi-3-b.dtb",
		.nr_memory = 1,
		.memory = { { 0x0, 0x40000000 } },
		.nr_reserved = 1,
		.reserved = { { 0x0, 0x1000 } },
		.uart = EL2_UART_BCM2835_AUX,
		.uart_base = 0x3f215040,
		.uart_size = 0x40,
		.reg_shift = 2,
		.reg_io_width = 4,
		.uart_path = "/soc/serial@7e215040",
		.psci = EL2_PSCI_NONE,
	},
	/*
	 * broadcom/bcm2711-rpi-4-b.dtb: memory@0 reg <0 0 0> (the firmware fills it
	 * in); the mini UART behind /soc's 1-cell to 2-cell ranges (0x7e000000 ->
	 * 0 0xfe000000); nvram@0 in /reserved-memory is disabled and of size 0.
	 */
	{
		.test = "rpi4b_memory_of_size_0_and_the_mini_uart_at_0xfe215040",
		.file = "broadcom/bcm2711-rpi-4-b.dtb",
		.ret = -ENOENT,
		.why = "the /memory nodes have only entries of size 0 (for the boot loader to fill in)",
		.nr_reserved = 1,
		.reserved = { { 0x0, 0x1000 } },
		.uart = EL2_UART_BCM2835_AUX,
		.uart_base = 0xfe215040,
		.uart_size = 0x40,
		.reg_shift = 2,
		.reg_io_width = 4,
		.uart_path = "/soc/serial@7e215040",
		.psci = EL2_PSCI_NONE,
	},
	/*
	 * rockchip/rk3399-firefly.dtb: no memory node; serial2 is /serial@ff1a0000,
	 * "rockchip,rk3399-uart", "snps,dw-apb-uart", reg-shift 2, reg-io-width 4,
	 * a child of the root; GICv3 at 0xfee00000 and 0xfef00000; PSCI 1.0 by SMC.
	 */
	{
		.test = "rk3399_console_is_dw_apb_behind_no_ranges",
		.file = "rockchip/rk3399-firefly.dtb",
		.ret = -ENOENT,
		.why = NO_MEMORY,
		.uart = EL2_UART_8250,
		.uart_base = 0xff1a0000,
		.uart_size = 0x100,
		.reg_shift = 2,
		.reg_io_width = 4,
		.uart_path = "/serial@ff1a0000",
		.has_gicv3 = true,
		.gicd_base = 0xfee00000,
		.gicr_base = 0xfef00000,
		.psci = EL2_PSCI_SMC,
	},
	/*
	 * allwinner/sun50i-a64-pine64-plus.dtb: no memory node; serial0 is
	 * /soc/serial@1c28000, "snps,dw-apb-uart", behind /soc's empty ranges; GIC-400.
	 */
	{
		.test = "pine64_plus_console_is_dw_apb_behind_empty_ranges",
		.file = "allwinner/sun50i-a64-pine64-plus.dtb",
		.ret = -ENOENT,
		.why = NO_MEMORY,
		.uart = EL2_UART_8250,
		.uart_base = 0x1c28000,
		.uart_size = 0x400,
		.reg_shift = 2,
		.reg_io_width = 4,
		.uart_path = "/soc/serial@1c28000",
		.psci = EL2_PSCI_SMC,
	},
	/*
	 * nvidia/tegra210-p2371-2180.dtb (Jetson TX1): memory@80000000 of 4 GiB
	 * (size cells 0x1 0x0); serial0 is /serial@70006000, "nvidia,tegra210-uart",
	 * "nvidia,tegra20-uart": no driver here.
	 */
	{
		.test = "tegra210_console_is_unsupported_but_memory_is_read",
		.file = "nvidia/tegra210-p2371-2180.dtb",
		.ret = -EOPNOTSUPP,
		.why = "console compatible 'nvidia,tegra210-uart' is not supported" SUPPORTED,
		.nr_memory = 1,
		.memory = { { 0x80000000, 0x100000000 } },
		.uart_path = "/serial@70006000",
		.psci = EL2_PSCI_SMC,
	},
	/*
	 * freescale/imx8mq-evk.dtb: stdout-path is the full path
	 * /soc@0/bus@30800000/serial@30860000 ("fsl,imx8mq-uart": no driver); the
	 * GICv3 at 0x38800000 and 0x38880000 sits behind /soc@0's ranges
	 * <0x0 0x0 0x0 0x3e000000>.
	 */
	{
		.test = "imx8mq_console_by_full_path_is_unsupported_and_gicv3_is_read",
		.file = "freescale/imx8mq-evk.dtb",
		.ret = -EOPNOTSUPP,
		.why = "console compatible 'fsl,imx8mq-uart' is not supported" SUPPORTED,
		.nr_memory = 1,
		.memory = { { 0x40000000, 0xc0000000 } },
		.uart_path = "/soc@0/bus@30800000/serial@30860000",
		.has_gicv3 = true,
		.gicd_base = 0x38800000,
		.gicr_base = 0x38880000,
		.psci = EL2_PSCI_SMC,
	},
	/*
	 * amlogic/meson-gxbb-odroidc2.dtb: /reserved-memory has hwrom@0 (16 MiB),
	 * secmon@5000000 (3 MiB) touching secmon@5300000 (32 MiB), secmon@10000000
	 * (2 MiB) and a size-only linux,cma; the console is an Amlogic UART.
	 */
	{
		.test = "odroidc2_touching_secure_monitor_regions_merge",
		.file = "amlogic/meson-gxbb-odroidc2.dtb",
		.ret = -EOPNOTSUPP,
		.why = "console compatible 'amlogic,meson-gx-uart' is not supported" SUPPORTED,
		.nr_memory = 1,
		.memory = { { 0x0, 0x80000000 } },
		.nr_reserved = 3,
		.reserved = { { 0x0, 0x1000000 },
			      { 0x5000000, 0x2300000 },
			      { 0x10000000, 0x200000 } },
		.uart_path = "/soc/bus@c8100000/serial@4c0",
		.psci = EL2_PSCI_SMC,
	},
	/*
	 * marvell/armada-8040-mcbin.dtb: serial0 is
	 * /ap806/config-space@f0000000/serial@512000, "snps,dw-apb-uart", reg-shift 2
	 * and reg-io-width 1, two buses down: config-space's ranges
	 * <0x0 0x0 0xf0000000 0x1000000> moves it, /ap806's empty ranges do not;
	 * psci-area@4000000 is reserved.
	 */
	{
		.test = "mcbin_console_is_dw_apb_two_buses_down_with_byte_access",
		.file = "marvell/armada-8040-mcbin.dtb",
		.nr_memory = 1,
		.memory = { { 0x0, 0x80000000 } },
		.nr_reserved = 1,
		.reserved = { { 0x4000000, 0x200000 } },
		.uart = EL2_UART_8250,
		.uart_base = 0xf0512000,
		.uart_size = 0x100,
		.reg_shift = 2,
		.reg_io_width = 1,
		.uart_path = "/ap806/config-space@f0000000/serial@512000",
		.psci = EL2_PSCI_SMC,
	},
	/*
	 * hisilicon/hi6220-hikey.dtb: memory@0 has six entries with holes between
	 * them (none touch); ramoops@21f00000 lies in the last hole; serial3 is
	 * /soc/serial@f7113000, a pl011 behind /soc's empty ranges.
	 */
	{
		.test = "hikey_six_memory_banks_and_a_pl011_behind_soc",
		.file = "hisilicon/hi6220-hikey.dtb",
		.nr_memory = 6,
		.memory = { { 0x0, 0x5e00000 },
			    { 0x5f00000, 0x1000 },
			    { 0x5f02000, 0xefd000 },
			    { 0x6e00000, 0x60f000 },
			    { 0x7410000, 0x1aaf0000 },
			    { 0x22000000, 0x1c000000 } },
		.nr_reserved = 1,
		.reserved = { { 0x21f00000, 0x100000 } },
		.uart = EL2_UART_PL011,
		.uart_base = 0xf7113000,
		.uart_size = 0x1000,
		.reg_io_width = 4,
		.uart_path = "/soc/serial@f7113000",
		.psci = EL2_PSCI_SMC,
	},
};

int main(void)
{
	return el2_test_run_table("el2_dt_boards", board_is, boards, EL2_TEST_ARRAY_SIZE(boards),
				  sizeof(boards[0]));
}
