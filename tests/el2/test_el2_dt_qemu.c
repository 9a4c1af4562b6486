// SPDX-License-Identifier: MIT
/*
 * QEMU's own virt machine, the EL2 image's first target: its tree as QEMU
 * makes it (dumped by the build with virtualization=on, gic-version=3) for
 * 1 GiB and 3 GiB of RAM. QEMU loads the tree at the start of RAM.
 */
#include "el2_dt_test.h"

#include <libfdt.h>
#include <stdlib.h>

#define VIRT_RAM 0x40000000ULL

static void virt_machine_is(const char *file, u64 ram_size)
{
	struct el2_machine m;
	const char *why;
	void *fdt = el2_test_load(EL2_DT_QEMU_DIR, file, 0);

	assert_int_equal(el2_test_parse(fdt, VIRT_RAM, &m, &why), 0);
	EL2_EXPECT_RANGES("memory", m.memory, m.nr_memory, { VIRT_RAM, ram_size });
	/* No /memreserve/, no /reserved-memory: only the tree itself. */
	EL2_EXPECT_RANGES("reserved", m.reserved, m.nr_reserved, { VIRT_RAM, fdt_totalsize(fdt) });
	/* stdout-path is the full path "/pl011@9000000". */
	assert_int_equal(m.console.kind, EL2_UART_PL011);
	assert_int_equal(m.console.base, 0x09000000);
	assert_int_equal(m.console.size, 0x1000);
	assert_string_equal(m.console.path, "/pl011@9000000");
	assert_true(m.has_gicv3);
	assert_int_equal(m.gicd_base, 0x08000000);
	assert_int_equal(m.gicr_base, 0x080a0000);
	/* QEMU answers PSCI itself; with EL2 given to us, HVC would be ours, so SMC. */
	assert_int_equal(m.psci, EL2_PSCI_SMC);
	free(fdt);
}

static void virt_1g_has_pl011_gicv3_and_smc_psci(void **state)
{
	(void)state;
	virt_machine_is("virt-gicv3-1G.dtb", 1ULL << 30);
}

static void virt_3g_memory_runs_to_4g(void **state)
{
	(void)state;
	virt_machine_is("virt-gicv3-3G.dtb", 3ULL << 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(virt_1g_has_pl011_gicv3_and_smc_psci),
		cmocka_unit_test(virt_3g_memory_runs_to_4g),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
