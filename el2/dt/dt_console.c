// SPDX-License-Identifier: MIT
/*
 * The console: the stdout-path node, the driver its compatible list asks
 * for, and the register layout that driver will use. The list is read in its
 * order, most specific first ("rockchip,rk3399-uart", "snps,dw-apb-uart"),
 * and the first string with a driver wins.
 */
#include "dt_internal.h"

struct dt_uart_driver {
	const char *compatible;
	enum el2_uart_kind kind;
	bool node_layout; /* reg-shift and reg-io-width come from the node */
	u32 reg_shift;	  /* the fixed layout, or the node's defaults */
	u32 reg_io_width;
};

static const struct dt_uart_driver dt_uart_drivers[] = {
	{ "arm,pl011", EL2_UART_PL011, false, 0, 4 },
	{ "ns16550a", EL2_UART_8250, true, 0, 1 },
	{ "ns16550", EL2_UART_8250, true, 0, 1 },
	{ "snps,dw-apb-uart", EL2_UART_8250, true, 0, 1 },
	/* The mini UART: 8250 registers, each in its own 32-bit word. */
	{ "brcm,bcm2835-aux-uart", EL2_UART_BCM2835_AUX, false, 2, 4 },
};

static const struct dt_uart_driver *dt_uart_driver_for(const char *compat, int len)
{
	for (size_t i = 0; i < DT_ARRAY_SIZE(dt_uart_drivers); i++) {
		const char *name = dt_uart_drivers[i].compatible;

		if (strlen(name) == (size_t)len && !memcmp(name, compat, (size_t)len))
			return &dt_uart_drivers[i];
	}
	return NULL;
}

/* Appends @n bytes of @s to the message in @buf, cutting it short when full. */
static void dt_why_add(char *buf, size_t size, const char *s, size_t n)
{
	size_t used = strlen(buf);

	if (n > size - 1 - used)
		n = size - 1 - used;
	memcpy(buf + used, s, n);
	buf[used + n] = '\0';
}

static void dt_why_add_str(char *buf, size_t size, const char *s)
{
	dt_why_add(buf, size, s, strlen(s));
}

/* "console compatible 'X' is not supported (supported: A B ...)" in m->why_text. */
static const char *dt_unsupported_why(struct el2_machine *m, const char *compat, int len)
{
	char *buf = m->why_text;
	size_t size = sizeof(m->why_text);

	buf[0] = '\0';
	dt_why_add_str(buf, size, "console compatible '");
	dt_why_add(buf, size, compat, (size_t)len);
	dt_why_add_str(buf, size, "' is not supported (supported:");
	for (size_t i = 0; i < DT_ARRAY_SIZE(dt_uart_drivers); i++) {
		dt_why_add_str(buf, size, " ");
		dt_why_add_str(buf, size, dt_uart_drivers[i].compatible);
	}
	dt_why_add_str(buf, size, ")");
	return buf;
}

static int dt_uart_match(const void *fdt, int node, struct el2_machine *m,
			 const struct dt_uart_driver **drv, const char **why)
{
	int nr = fdt_stringlist_count(fdt, node, "compatible");
	const char *first = NULL;
	int first_len = 0;

	for (int i = 0; i < nr; i++) {
		int len;
		const char *compat = fdt_stringlist_get(fdt, node, "compatible", i, &len);

		if (!compat)
			break;
		if (!i) {
			first = compat;
			first_len = len;
		}
		*drv = dt_uart_driver_for(compat, len);
		if (*drv)
			return 0;
	}
	if (!first) {
		*why = "the console node has no compatible: no driver can be chosen";
		return -CORE_ENOENT;
	}
	*why = dt_unsupported_why(m, first, first_len);
	return -CORE_EOPNOTSUPP;
}

static int dt_uart_layout(const void *fdt, int node, const struct dt_uart_driver *drv,
			  struct el2_console *c, const char **why)
{
	int ret;

	c->reg_shift = drv->reg_shift;
	c->reg_io_width = drv->reg_io_width;
	if (!drv->node_layout)
		return 0;
	ret = dt_prop_u32(fdt, node, "reg-shift", drv->reg_shift, &c->reg_shift, why);
	if (!ret)
		ret = dt_prop_u32(fdt, node, "reg-io-width", drv->reg_io_width, &c->reg_io_width,
				  why);
	if (ret)
		return ret;
	if (c->reg_io_width != 1 && c->reg_io_width != 4) {
		*why = "console reg-io-width is not 1 or 4";
		return -CORE_EOPNOTSUPP;
	}
	if (c->reg_shift > 3) {
		*why = "console reg-shift is above 3";
		return -CORE_EOPNOTSUPP;
	}
	return 0;
}

int dt_console(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why)
{
	struct el2_console *c = &m->console;
	const struct dt_uart_driver *drv;
	struct el2_range r;
	int node, ret;

	node = dt_stdout_node(fdt, c->path, sizeof(c->path), why);
	if (node < 0)
		return node;
	if (!dt_node_enabled(fdt, node)) {
		*why = "the console node is disabled";
		return -EL2_ENODEV;
	}
	ret = dt_uart_match(fdt, node, m, &drv, why);
	if (!ret)
		ret = dt_uart_layout(fdt, node, drv, c, why);
	if (ret)
		return ret;
	ret = dt_reg_count(fdt, node, why);
	if (!ret) {
		*why = "the console node has no reg";
		ret = -CORE_ENOENT;
	}
	if (ret > 0)
		ret = dt_reg_cpu(fdt, node, 0, &r, why);
	if (ret)
		return ret;
	c->kind = drv->kind;
	c->base = r.base;
	c->size = r.size;
	return 0;
}
