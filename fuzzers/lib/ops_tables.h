/* SPDX-License-Identifier: MIT */
/* fuzz_pgtable's setup: the two tables the header describes (ops_tables.c). */
#ifndef FUZZ_OPS_TABLES_H
#define FUZZ_OPS_TABLES_H

#include "optable.h"

/* The hyp stage-1 table always translates 48 bits (docs/semantics.md S10). */
#define FZ_TABLES_HYP_IA_BITS 48

enum fz_table { FZ_T_GUEST, FZ_T_HYP, FZ_T_NR };

/* Where most addresses land, so that operations meet each other. */
enum fz_window {
	FZ_WIN_GIB,	 /* at 1 GiB */
	FZ_WIN_GIB_EDGE, /* 8 MiB below 1 GiB: across a level-1 entry boundary */
	FZ_WIN_MID,	 /* 8 MiB below 2^(ia_bits - 1): across a root entry */
	FZ_WIN_ZERO,	 /* at 0 */
	FZ_WIN_NR,
};

/* A record's fields: their index in fz_op.v (ops_tables.c's table). */
enum fz_tables_field {
	FZ_TF_TABLE,
	FZ_TF_IA,
	FZ_TF_NR,
	FZ_TF_LEVEL,
	FZ_TF_OWNER,
	FZ_TF_PA,
	FZ_TF_PROT,
	FZ_TF_MEMTYPE,
	FZ_TF_KEEP,
	FZ_TF_NR_FIELDS,
};

struct fz_tables_setup {
	unsigned ia_bits[FZ_T_NR];
	uint64_t pool_pages[FZ_T_NR];
	enum fz_window window;
};

/* The first address of @table's window. */
uint64_t fz_window_base(const struct fz_tables_setup *s, enum fz_table table);
/* Whether @o is a get_leaf (its leaf is compared), and the setup in words. */
bool fz_tables_is_get_leaf(const struct fz_op *o);
size_t fz_tables_describe(const void *setup, char *buf, size_t len);

#endif /* FUZZ_OPS_TABLES_H */
