// SPDX-License-Identifier: MIT
/*
 * Reading core tables as raw memory: the stream of the hashed walk (SPEC
 * §10), and the structural checks of SPEC §3 and §11 on the same walk.
 */
#include "diff/diff.h"
#include "diff_desc.h"
#include "diff_fmt.h"

/* A table's entry made invalid with its other bits kept (diff_table.stale_invalid). */
static bool stale_table(const struct diff_table *t, uint64_t d, unsigned level)
{
	return t->stale_invalid && level < 3 && (d & 3) == 2;
}

uint64_t diff_masked_desc(const struct diff_table *t, uint64_t d, unsigned level)
{
	/* Table pages live at different addresses on each side: mask them. */
	return dd_table(d, level) || stale_table(t, d, level) ? d & ~DD_ADDR : d;
}

static void emit_table(const struct diff_table *t, const uint64_t *table, unsigned level,
		       uint64_t base, diff_emit_fn emit, void *arg)
{
	for (unsigned i = 0; i < DD_ENTRIES; i++) {
		uint64_t d = table[i], ia = base + (uint64_t)i * dd_span(level);
		const uint64_t *child;

		if (!d)
			continue;
		emit(arg, level, ia, diff_masked_desc(t, d, level));
		if (!dd_table(d, level))
			continue;
		child = t->mem->table(t->mem->ctx, d & DD_ADDR);
		if (child)
			emit_table(t, child, level + 1, ia, emit, arg);
	}
}

void diff_table_stream(void *table, diff_emit_fn emit, void *emit_arg)
{
	const struct diff_table *t = table;
	const uint64_t *root = t->mem->table(t->mem->ctx, t->root_pa);

	if (root)
		emit_table(t, root, t->start_level, 0, emit, emit_arg);
}

static bool is_memory(const struct diff_layout *l, uint64_t addr)
{
	for (unsigned i = 0; i < l->nr_regions; i++) {
		if (addr >= l->regions[i].base && addr - l->regions[i].base < l->regions[i].size)
			return true;
	}
	return false;
}

/* SPEC §3, read independently of the core. */
static bool counted(const struct diff_table *t, uint64_t d, uint64_t ia, unsigned level)
{
	if (!d)
		return false;
	if (t->stale_invalid) /* a kernel tree's table: no host stage-2 default rule */
		return dd_valid(d);
	if (t->kind != DIFF_HOST_S2 || !dd_valid(d) || dd_table(d, level))
		return true;
	return dd_attrs(d) != dd_host_default(is_memory(t->layout, ia));
}

static bool fail(struct diff_violation *v, const char *what, uint64_t ia, unsigned level)
{
	struct diff_buf b = { v->what, sizeof(v->what), 0 };

	diff_put(&b, what);
	diff_put(&b, " at ia ");
	diff_put_hex(&b, ia);
	diff_put(&b, " level ");
	diff_put_dec(&b, level);
	return false;
}

static bool check_table(const struct diff_table *t, uint64_t pa, unsigned level, uint64_t base,
			unsigned depth, uint64_t *tables, struct diff_violation *v)
{
	const uint64_t *table = t->mem->table(t->mem->ctx, pa);
	uint32_t count = 1;

	if (!table)
		return fail(v, "table descriptor points at a page that is no table", base, level);
	if (depth > 4)
		return fail(v, "table loop", base, level);
	(*tables)++;
	for (unsigned i = 0; i < DD_ENTRIES; i++) {
		uint64_t d = table[i], ia = base + (uint64_t)i * dd_span(level);

		if (counted(t, d, ia, level))
			count++;
		if (dd_locked(d) && !t->stale_invalid)
			return fail(v, "LOCKED entry after the operation", ia, level);
		if (dd_valid(d) && level == 0 && !dd_table(d, level))
			return fail(v, "block at level 0", ia, level);
		if (dd_table(d, level)) {
			if (d & ~(DD_ADDR | 3ULL))
				return fail(v, "table descriptor with attribute bits", ia, level);
			if (!check_table(t, d & DD_ADDR, level + 1, ia, depth + 1, tables, v))
				return false;
		} else if (dd_valid(d) && t->kind == DIFF_HOST_S2 && (d & DD_ADDR) != ia) {
			return fail(v, "host stage-2 leaf is not an identity map", ia, level);
		}
	}
	if (!t->uncounted && t->mem->page_count(t->mem->ctx, pa) != count)
		return fail(v, "refcount law broken: count != 1 + counted entries", base, level);
	return true;
}

bool diff_check_table(const struct diff_table *t, uint64_t *tables, struct diff_violation *v)
{
	return check_table(t, t->root_pa, t->start_level, 0, 0, tables, v);
}
