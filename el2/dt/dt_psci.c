// SPDX-License-Identifier: MIT
/*
 * The PSCI conduit: the instruction that reaches the firmware (binding
 * arm,psci.yaml). Under a hypervisor that owns EL2 it can only be SMC; the
 * caller decides what an "hvc" tree means for it.
 */
#include "dt_internal.h"

static const char *const dt_psci_compatibles[] = {
	"arm,psci-1.0",
	"arm,psci-0.2",
	"arm,psci",
};

static const struct {
	const char *name;
	enum el2_psci_method method;
} dt_psci_methods[] = {
	{ "smc", EL2_PSCI_SMC },
	{ "hvc", EL2_PSCI_HVC },
};

static int dt_psci_node(const void *fdt)
{
	for (size_t i = 0; i < DT_ARRAY_SIZE(dt_psci_compatibles); i++) {
		int node = fdt_node_offset_by_compatible(fdt, -1, dt_psci_compatibles[i]);

		while (node >= 0 && !dt_node_enabled(fdt, node))
			node = fdt_node_offset_by_compatible(fdt, node, dt_psci_compatibles[i]);
		if (node >= 0)
			return node;
	}
	return -1;
}

int dt_psci(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why)
{
	int node = dt_psci_node(fdt);

	if (node < 0)
		return 0;
	for (size_t i = 0; i < DT_ARRAY_SIZE(dt_psci_methods); i++) {
		if (dt_prop_is(fdt, node, "method", dt_psci_methods[i].name)) {
			m->psci = dt_psci_methods[i].method;
			return 0;
		}
	}
	*why = "the psci node's method is missing or neither \"smc\" nor \"hvc\"";
	return -CORE_EINVAL;
}
