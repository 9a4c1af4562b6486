/* SPDX-License-Identifier: MIT */
/*
 * Shared by the device-tree readers in el2/dt/. Every function that can fail
 * returns 0 or a negative errno and then sets *why (see el2/dt.h).
 */
#ifndef EL2_DT_INTERNAL_H
#define EL2_DT_INTERNAL_H

#include "el2/dt.h"

#include <libfdt.h>

#define DT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* One part of el2_dt_parse: fills its fields of @m. */
typedef int (*dt_step_fn)(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why);

int dt_memory(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why);
int dt_reserved(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why);
int dt_gic(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why);
int dt_psci(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why);
int dt_console(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why);

/* Properties (dt_prop.c). */

/* @nr big-endian 32-bit cells at @p (nr <= 2), read a byte at a time. */
u64 dt_read_cells(const u8 *p, int nr);
/* Status absent, "okay" or "ok". */
bool dt_node_enabled(const void *fdt, int node);
/* The property is exactly the string @s (with its NUL). */
bool dt_prop_is(const void *fdt, int node, const char *name, const char *s);
/* A 4-byte property as a number; @dflt when absent. */
int dt_prop_u32(const void *fdt, int node, const char *name, u32 dflt, u32 *val, const char **why);

/* Address and size cells of a bus (dt_prop.c). */
struct dt_cells {
	int addr;
	int size;
};

/* #address-cells (1 or 2) and #size-cells (1 or 2) of @bus, its children's format. */
int dt_bus_cells(const void *fdt, int bus, struct dt_cells *c, const char **why);

/* reg entries in CPU physical addresses (dt_reg.c). */

/* How many entries @node's reg has (0 without reg). */
int dt_reg_count(const void *fdt, int node, const char **why);
/* Entry @i of @node's reg, translated to the CPU's address space. */
int dt_reg_cpu(const void *fdt, int node, int i, struct el2_range *r, const char **why);

/* Translation through the ancestors' ranges (dt_ranges.c). */

/*
 * @r is in the address space of @node's parent; make it the CPU's by going
 * through the ranges of every ancestor below the root.
 */
int dt_translate(const void *fdt, int node, struct el2_range *r, const char **why);

/*
 * The node /chosen's stdout-path names (dt_stdout.c): its offset, with its
 * path copied to @path for messages.
 */
int dt_stdout_node(const void *fdt, char *path, size_t path_size, const char **why);

/* Sorted, merged range lists (dt_range_list.c). */

/* @r (size > 0) into @list of *@nr entries, room for @max. */
int dt_range_add(struct el2_range *list, u32 *nr, u32 max, struct el2_range r);

#endif /* EL2_DT_INTERNAL_H */
