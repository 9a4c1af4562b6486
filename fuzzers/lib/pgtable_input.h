/* SPDX-License-Identifier: MIT */
/*
 * fuzz_pgtable's input format (docs/fuzz_pgtable.md): a 16-byte header that
 * sets up one guest stage-2 table and one hyp stage-1 table, then 16-byte
 * records, each one table-library operation of SPEC §5b on one of them.
 * Every byte string decodes to something valid to run: fields are reduced
 * into range and a truncated last record ends the sequence.
 *
 * The readable form is one "tables" line, then one operation per line:
 *
 *   tables ia_bits=40 guest_pool=full hyp_pool=tiny:3 window=gib
 *   map guest ia=0x40000000 nr=512 pa=0x80000000 prot=rw memtype=normal
 *   split guest ia=0x40001000 nr=1
 *   get_leaf hyp ia=0x40000000
 */
#ifndef FUZZ_PGTABLE_INPUT_H
#define FUZZ_PGTABLE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FZ_PGTABLE_HEADER_SIZE 16
#define FZ_PGTABLE_RECORD_SIZE 16

/* The hyp stage-1 table always translates 48 bits (docs/semantics.md S10). */
#define FZ_PGTABLE_HYP_IA_BITS 48

#define FZ_PGT_SZ_4K 0x1000ULL
#define FZ_PGT_SZ_2M 0x200000ULL
#define FZ_PGT_SZ_1G 0x40000000ULL
/* The offset of an unaligned address or output (always -EINVAL, S1). */
#define FZ_PGT_UNALIGNED 0x10ULL
/*
 * Whether the raw bit of a fault_map is honoured (docs/fuzz_pgtable.md).
 * Build with -DS2FUZZ_PGTABLE_NO_RAW to keep fuzzing other paths while a
 * finding on the raw -ENOMEM path is open.
 */
#ifdef S2FUZZ_PGTABLE_NO_RAW
#define FZ_PGT_RAW_FAULTS 0
#else
#define FZ_PGT_RAW_FAULTS 1
#endif

/* XORed into their fields so that a record of zero bytes does something. */
#define FZ_PGT_ZERO_PROT  0x6U /* rw */
#define FZ_PGT_ZERO_NR	  0x1U /* one page */
#define FZ_PGT_ZERO_LEVEL 0x3U /* a page fault */

enum fz_pgtable_table {
	FZ_PGT_GUEST, /* guest-style stage-2 */
	FZ_PGT_HYP,   /* hyp stage-1 */
	FZ_PGT_NR_TABLES,
};

/* Where most addresses land, so that operations meet each other. */
enum fz_pgtable_window {
	FZ_WIN_GIB,	 /* at 1 GiB */
	FZ_WIN_GIB_EDGE, /* 8 MiB below 1 GiB: across a level-1 entry boundary */
	FZ_WIN_MID,	 /* 8 MiB below 2^(ia_bits - 1): across a root entry */
	FZ_WIN_ZERO,	 /* at 0 */
	FZ_WIN_NR,
};

/* The two tables both sides are built with. */
struct fz_pgtable_setup {
	unsigned ia_bits[FZ_PGT_NR_TABLES];
	uint64_t pool_pages[FZ_PGT_NR_TABLES];
	enum fz_pgtable_window window;
};

enum fz_pgtable_op_kind {
	FZ_PGT_MAP,
	FZ_PGT_UNMAP,
	FZ_PGT_SET_OWNER,
	FZ_PGT_WRPROTECT,
	FZ_PGT_MKOLD,
	FZ_PGT_MKYOUNG,
	FZ_PGT_RELAX_PERMS,
	FZ_PGT_SPLIT,
	FZ_PGT_GET_LEAF,
	FZ_PGT_FAULT_MAP,
	FZ_PGT_POOL_HIDE,
	FZ_PGT_POOL_UNHIDE,
	FZ_PGT_NR_OPS,
};

/* One decoded operation, arguments in the units of S1: bytes and pages. */
struct fz_pgtable_op {
	enum fz_pgtable_op_kind kind;
	enum fz_pgtable_table table;
	uint64_t ia, nr, pa;
	unsigned prot, memtype, level, owner;
	uint64_t keep; /* pool_hide: free pages left usable */
	bool raw;      /* fault_map: let an -ENOMEM run out mid-walk (S42) */
};

/* The fields an operation takes, in the order a script line lists them. */
enum {
	FZ_PGT_F_IA = 1 << 0,
	FZ_PGT_F_NR = 1 << 1,
	FZ_PGT_F_LEVEL = 1 << 2,
	FZ_PGT_F_OWNER = 1 << 3,
	FZ_PGT_F_PA = 1 << 4,
	FZ_PGT_F_PROT = 1 << 5,
	FZ_PGT_F_MEMTYPE = 1 << 6,
	FZ_PGT_F_KEEP = 1 << 7,
	FZ_PGT_F_RAW = 1 << 8,
};

/* Script words: memory types 0-2, the pool sizes (some twice), the windows. */
#define FZ_PGT_NR_POOL_SIZES 8
extern const char *const fz_pgtable_memtype_names[3];
extern const char *const fz_pgtable_pool_names[FZ_PGT_NR_POOL_SIZES];
extern const char *const fz_pgtable_window_names[FZ_WIN_NR];

/* Decode the header into the two tables' setup. */
void fz_pgtable_decode_setup(const uint8_t *hdr, struct fz_pgtable_setup *s);
/* Decode record @rec (FZ_PGTABLE_RECORD_SIZE bytes) against setup @s. */
void fz_pgtable_decode_op(const struct fz_pgtable_setup *s, const uint8_t *rec,
			  struct fz_pgtable_op *op);

/* The first address of @table's window. */
uint64_t fz_pgtable_window_base(const struct fz_pgtable_setup *s, enum fz_pgtable_table table);

/* Which FZ_PGT_F_* fields @kind takes. */
unsigned fz_pgtable_op_fields(enum fz_pgtable_op_kind kind);
const char *fz_pgtable_op_name(enum fz_pgtable_op_kind kind);
const char *fz_pgtable_table_name(enum fz_pgtable_table table);
/* "map guest ia=0x40000000 nr=512 ...": the op in the words of the script. */
size_t fz_pgtable_op_format(const struct fz_pgtable_op *op, char *buf, size_t len);
/* "tables ia_bits=40 ...": the setup line of the script. */
size_t fz_pgtable_setup_format(const uint8_t *hdr, char *buf, size_t len);

/* The script codec (pgtable_script.c): the input's length, or 0 with a message in @err. */
size_t fz_pgtable_script_to_input(const char *text, uint8_t *out, size_t cap, char *err,
				  size_t errlen);
/* Writes the script of @in (NUL-terminated, truncated to @cap); returns its length. */
size_t fz_pgtable_input_to_script(const uint8_t *in, size_t len, char *out, size_t cap);

#endif /* FUZZ_PGTABLE_INPUT_H */
