/* SPDX-License-Identifier: MIT */
/*
 * The operation table: every operation of every fuzz target declared once,
 * as data (docs/input-format.md is printed from it). A world is what a
 * target drives (a pKVM machine, two single tables, hypercall registers):
 * the size of its header and records, the fields a record holds, and its
 * operations. A field says where its bytes sit in a record and how they
 * turn into a value (decode), how a value turns back into bytes (encode,
 * for scripts), and how the value reads and prints in a script. An
 * operation names its fields and its two calls, the core's and the
 * reference's. Input decoding, the script codec and trace printing are all
 * driven from here; adding an operation is one row plus its two calls.
 */
#ifndef FUZZ_OPTABLE_H
#define FUZZ_OPTABLE_H

#include "kv.h"

#define FZ_MAX_FIELDS 12
#define FZ_MAX_RECORD 40
#define FZ_SETUP_MAX  256 /* bytes of a decoded setup */

struct fz_op;

/*
 * One way a field's bits decode, as data: when (raw & sel_mask) == sel, the
 * value is base + add + unit * n (+ unit2 * n2), where n = (raw >> shift) &
 * mask (two's complement when sext, modulo mod when set) and n2 = (raw >>
 * shift2) & mask2. The first way that matches decodes; encoding solves the
 * ways in order for n (and n2), so one list serves both directions.
 */
struct fz_way {
	uint64_t sel_mask, sel, mask;
	unsigned shift;
	int64_t unit, add;
	unsigned base; /* 0, or what the world's base() names (a window, another field) */
	bool sext;
	uint64_t mod, mask2;
	unsigned shift2;
	int64_t unit2;
};

/*
 * One field of a record: bytes [off, off + width) XORed with xor are its
 * raw bits. Most decode by their ways; a few (pages by memory index,
 * hypercall registers) by their own decode and encode, which may read
 * the fields decoded before them in @op (fields decode in table order).
 */
struct fz_field {
	const char *key;
	unsigned off, width;
	const char *doc; /* the decoding, for docs/input-format.md and errors */
	uint64_t xor;
	const struct fz_way *ways;
	unsigned nr_ways;
	uint64_t (*decode)(const void *setup, const uint8_t *rec, const struct fz_op *op);
	bool (*encode)(const void *setup, uint64_t v, uint8_t *rec, const struct fz_op *op,
		       struct fz_err *e);
	/* The value modulo limit(setup), when set (vCPUs, pools of the machine). */
	uint64_t (*limit)(const void *setup);
	/* In a script: one of @names, or a number printed in hex or decimal; or by hand. */
	const char *const *names;
	unsigned nr_names;
	bool hex;
	bool (*parse)(const void *setup, const char *text, uint64_t *v, struct fz_err *e);
	int (*format)(uint64_t v, char *buf, size_t len);
	/* A page: the mutator also tries the ones after a page an earlier record named. */
	bool page;
	/*
	 * Optional: raw bits (before xor) that mean something, from random @r
	 * (a page at a region's edge); the mutator draws these in place of
	 * plain numbers half the time.
	 */
	uint64_t (*draw)(uint64_t r);
};

/* A field's ways, in a designated initializer. */
#define FZ_WAYS(...)                                                  \
	.ways = (const struct fz_way[]){ __VA_ARGS__ },                 \
	.nr_ways = sizeof((const struct fz_way[]){ __VA_ARGS__ }) / sizeof(struct fz_way)
/* The shapes most ways take: when (raw & sm) == s, n = raw & m (times unit, plus add). */
#define FZ_WAY_B(sm, s, m, u, a, b)                                            \
	{ .sel_mask = (sm), .sel = (s), .mask = (m), .unit = (u), .add = (a), .base = (b) }
#define FZ_WAY(sm, s, m, u, a) FZ_WAY_B(sm, s, m, u, a, 0)
#define FZ_WAY_S(sm, s, m, u, b)                                                     \
	{ .sel_mask = (sm), .sel = (s), .mask = (m), .unit = (u), .base = (b), .sext = true }
/* The value @v, whatever the bits (a selector that names one value). */
#define FZ_IS(sm, s, v)		    FZ_WAY(sm, s, 0, 0, v)

/* A world's state, as its calls see it. */
typedef int (*fz_call_fn)(void *world, const struct fz_op *op);

struct fz_op_def {
	const char *name;
	const char *spec; /* "§5 share", "S42"... */
	int hvc;	  /* its hypercall function number, or -1 */
	uint32_t fields;  /* bit i: the operation takes field i */
	uint32_t optional; /* of them, those a script may leave out (0) */
	fz_call_fn core, ref;
	const char *doc;
};

struct fz_world {
	const char *target;	/* the fuzz target driving it */
	const char *setup_name; /* the first word of a script */
	const char *select_doc; /* how a record picks its operation, for the docs */
	size_t header_size, record_size, setup_size;
	unsigned nr_fields, nr_ops;
	const struct fz_field *field;
	const struct fz_op_def *op;
	/* What a way's base names, for this world's fields. */
	uint64_t (*base)(const void *setup, const struct fz_op *op, unsigned base);
	/* The header into the setup the fields decode against (@setup_size bytes). */
	void (*decode_setup)(const uint8_t *hdr, void *setup);
	/* The setup line's key=value pairs into header bytes (fz_kv.h); false with @e. */
	bool (*parse_setup)(struct fz_kvline *kv, uint8_t *hdr, struct fz_err *e);
	/* The setup line, as a script writes it, from the header bytes. */
	int (*format_setup)(const uint8_t *hdr, char *buf, size_t len);
	/* Optional: change one field of the header to a value that means something (@r random). */
	void (*mutate_setup)(uint8_t *hdr, uint64_t r[4]);
	/*
	 * Optional, for the mutator: a reference of the world's own, freshly
	 * built on @setup, that each operation's ref call runs on (NULL: the
	 * setup builds none). Half the new records are tried on it after the
	 * records before them, and one it accepts is kept if a few draws find
	 * one (mutator.c).
	 */
	void *(*trial_world)(const void *setup);
	/*
	 * Optional: whether a record names something the world answers (NULL:
	 * every record does). A record that names nothing (a hypercall id no
	 * row answers) returns 0 without doing anything: no state accepted it.
	 */
	bool (*answered)(const struct fz_op *op);
	/* Which operation a record selects (NULL: byte 0 mod the operations), and a
	 * byte 0 that selects @index (NULL: the index itself; a field may refine it). */
	unsigned (*select)(const uint8_t *rec, unsigned nr_ops);
	uint8_t (*encode_select)(unsigned index);
	/*
	 * Optional, for a header that counts its records and bytes after them
	 * (fuzz_parallel's schedule): how many records an input holds, the count
	 * written into a header, and the lines named @tail_name that make the rest.
	 */
	size_t (*nr_records)(const uint8_t *in, size_t len);
	void (*set_nr_records)(uint8_t *hdr, unsigned n);
	size_t max_records;
	const char *tail_name;
	bool (*parse_tail)(struct fz_kvline *l, const void *setup, uint8_t *out, size_t cap,
			   size_t *len, struct fz_err *e);
	size_t (*format_tail)(const void *setup, const uint8_t *tail, size_t n, char *buf,
			      size_t cap);
};

/* One decoded operation: the values of its fields, indexed by field. */
struct fz_op {
	const struct fz_op_def *def;
	unsigned index; /* in the world's table */
	uint64_t v[FZ_MAX_FIELDS];
};

extern const struct fz_world fz_world_pkvm, fz_world_hvc, fz_world_tables, fz_world_parallel,
	fz_world_kernel_tables;
/* The world a target drives, or NULL. */
const struct fz_world *fz_world_find(const char *target);

/* The pieces every world's fields use: little-endian record bytes, numbers in a script. */
uint64_t fz_rd(const uint8_t *p, unsigned n);
void fz_wr(uint8_t *p, unsigned n, uint64_t v);
bool fz_parse_num(const void *setup, const char *text, uint64_t *v, struct fz_err *e);
/* A pool size: one of @names (its index), or tiny:N, N in [lo, hi] (0xf0 + N - lo). */
bool fz_parse_pool(const char *key, const char *v, const char *const *names, unsigned n,
		   unsigned lo, unsigned hi, uint8_t *b, struct fz_err *e);

/* Field @i of @w from a record; for other worlds that type their bytes by it. */
uint64_t fz_field_decode(const struct fz_world *w, unsigned i, const void *setup,
			 const uint8_t *rec, const struct fz_op *op);

/* The operation called @name in @w, or NULL. */
const struct fz_op_def *fz_op_find(const struct fz_world *w, const char *name);
/* docs/input-format.md's tables of @w's fields and operations, in Markdown. */
size_t fz_world_doc(const struct fz_world *w, char *buf, size_t len);

/* Decode one record (world->record_size bytes) against @setup. */
void fz_decode_op(const struct fz_world *w, const void *setup, const uint8_t *rec,
		  struct fz_op *op);
/* "host_share_hyp pfn=0x40123": the operation in the words of a script. */
size_t fz_format_op(const struct fz_world *w, const struct fz_op *op, char *buf, size_t len);

/* A script into an input: its length, or 0 with "line N: why" in @err. */
size_t fz_script_to_input(const struct fz_world *w, const char *text, uint8_t *out, size_t cap,
			  char *err, size_t errlen);
/* An input as a script (NUL-terminated, cut at @cap); returns its length. */
size_t fz_input_to_script(const struct fz_world *w, const uint8_t *in, size_t len, char *out,
			  size_t cap);

#endif /* FUZZ_OPTABLE_H */
