// SPDX-License-Identifier: MIT
/*
 * fuzz_hvc's world: the hypercall ABI as an untrusted-input surface (SPEC
 * §12, docs/hvc-abi.md). A 40-byte record is a call's raw registers x0..x4,
 * or (first byte 0xf0 and above) a host abort, so that the host's identity
 * map fills between calls as a running host's would. x0 is mostly a valid
 * id, sometimes a near miss a sloppy decoder would take for a call. Each
 * argument register goes in raw or typed: its 64 bits through the fuzz_pkvm
 * field of the argument the call takes there (ops_pkvm.c), maybe with one
 * bit above 31 set. The core runs the registers through its dispatcher;
 * the reference call reads them with the harness's own decoding, from the
 * ABI document: the call's row of the operation table.
 */
#include "machine.h"
#include "ops_hvc.h"
#include "ops_pkvm.h"

#include <stdio.h>
#include <string.h>

#define SEL_NEAR_MISS	  0xc0
#define SEL_ABORT	  0xf0

/* The fuzz_pkvm field call @n takes in argument register @reg (1-4), or -1. */
static int arg_field(unsigned n, unsigned reg)
{
	const struct fz_op_def *row = fz_hvc_row(n);

	for (unsigned f = 0, k = 0; row && f < PK_NR_FIELDS; f++) {
		if ((row->fields & (1U << f)) && ++k == reg)
			return (int)f;
	}
	return -1;
}

/* Ids that are almost a call: kind @k near function number @n, @noise for values. */
static uint64_t near_miss(unsigned k, unsigned n, uint64_t noise)
{
	uint64_t id = FZ_HVC_ID_BASE + n;

	switch (k) {
	case 0:
		return FZ_HVC_ID_BASE + FZ_HVC_NR_CALLS; /* host_mem_abort's number */
	case 1:
		return FZ_HVC_ID_BASE + FZ_HVC_NR_CALLS + noise % (0x10000 - FZ_HVC_NR_CALLS);
	case 2:
		return FZ_HVC_ID_BASE + 0xFFFF;
	case 3:
		return id & ~(1ULL << 30); /* SMC32 */
	case 4:
		return id & ~(1ULL << 31); /* yielding call */
	case 5:
		return id - (1ULL << 24); /* owner 5: standard hypervisor service */
	case 6:
		return id + (1ULL << 24); /* owner 7 */
	case 7:
		return id | ((noise & 0xffffffff) | 1) << 32; /* upper half of x0 */
	case 8:
		return id | 0xffffffff00000000ULL; /* w0 sign-extended */
	case 9:
		return id | FZ_HVC_HINT_BIT; /* a valid call: the hint is ignored */
	case 10:
		return id | 1ULL << (16 + noise % 8); /* bits 23:16 */
	case 11:
		return id + 0x100;
	case 12:
		return 0;
	case 13:
		return ~0ULL;
	case 14:
		return 0x80000000ULL; /* SMCCC_VERSION */
	default:
		return id ^ noise; /* anything near: may even be a valid id */
	}
}

static uint64_t dec_x0(const void *s, const uint8_t *r, const struct fz_op *o)
{
	unsigned sel = r[0], n = sel % FZ_HVC_NR_CALLS;

	(void)s, (void)o;
	return sel < SEL_NEAR_MISS ? FZ_HVC_ID_BASE + n
				   : near_miss((sel - SEL_NEAR_MISS) % 16, n, fz_rd(r + 3, 5));
}

/* A selector and noise (bytes 0 and 3-7) that decode to @v: every selector and noise it uses. */
static bool enc_x0(const void *s, uint64_t v, uint8_t *r, const struct fz_op *o, struct fz_err *e)
{
	for (unsigned sel = 0; sel < SEL_ABORT; sel++) {
		uint64_t id = FZ_HVC_ID_BASE + sel % FZ_HVC_NR_CALLS;
		const uint64_t cand[] = { 0, v - FZ_HVC_ID_BASE - FZ_HVC_NR_CALLS, v >> 32, v ^ id };

		for (unsigned i = 0; i < 4 + 7; i++) {
			r[0] = (uint8_t)sel;
			fz_wr(r + 3, 5, i < 4 ? cand[i] : i - 3);
			if (dec_x0(s, r, o) == v)
				return true;
			if (sel < SEL_NEAR_MISS)
				break; /* valid ids take no noise */
		}
	}
	return fz_fail(e, "x0=%#llx cannot be expressed (a call id, or a near miss of one)",
		       (unsigned long long)v);
}

/* A register: a number (-N is 2^64 - N), mem:N or carve:N as fuzz_pkvm's pages. */
static bool parse_reg(const void *s, const char *t, uint64_t *v, struct fz_err *e)
{
	int64_t n;

	if (*t == '-') {
		if (!fz_snum(t, &n))
			return fz_fail(e, "'%s' is not a number", t);
		*v = (uint64_t)n;
		return true;
	}
	return fz_world_pkvm.field[PK_PFN].parse(s, t, v, e);
}

static bool parse_x0(const void *s, const char *t, uint64_t *v, struct fz_err *e)
{
	for (unsigned n = 0; n < FZ_HVC_NR_CALLS; n++) {
		if (!strcmp(t, fz_hvc_row(n)->name)) {
			*v = FZ_HVC_ID_BASE + n;
			return true;
		}
	}
	return parse_reg(s, t, v, e);
}

static int fmt_x0(uint64_t v, char *buf, size_t len)
{
	const struct fz_op_def *row = fz_hvc_id_row(v);

	return row && !(v & FZ_HVC_HINT_BIT) ? snprintf(buf, len, "%s", row->name)
					     : snprintf(buf, len, "%#llx", (unsigned long long)v);
}

/* The value fuzz_pkvm's field @f gives raw bits @raw, spread over a record. */
static uint64_t typed(const void *s, int f, uint64_t raw)
{
	uint8_t rec[16];

	rec[0] = 0;
	rec[1] = (uint8_t)raw;
	fz_wr(rec + 2, 2, raw);
	fz_wr(rec + 4, 4, raw);
	fz_wr(rec + 8, 8, raw);
	return fz_field_decode(&fz_world_pkvm, (unsigned)f, s, rec, NULL);
}

/* Register @i's mode nibble: 0-11 typed, 12-13 typed with a bit above 31, 14-15 raw. */
static uint64_t reg(const void *s, const uint8_t *r, unsigned i, int f)
{
	unsigned mode = (r[1 + (i - 1) / 2] >> (4 * ((i - 1) % 2))) & 0xf;
	uint64_t raw = fz_rd(r + 8 * i, 8), v;

	if (mode >= 14 || f < 0)
		return raw;
	v = typed(s, f, raw);
	if (mode >= 12)
		v |= 1ULL << (32 + ((raw >> 56) & 31));
	return v;
}

/* Scripts say registers raw: mode 15, the value as it is. */
static void enc_raw(uint8_t *r, unsigned i, uint64_t v)
{
	r[1 + (i - 1) / 2] |= (uint8_t)(0xf << (4 * ((i - 1) % 2)));
	fz_wr(r + 8 * i, 8, v);
}

#define REG(i)                                                                               \
	static uint64_t dec_x##i(const void *s, const uint8_t *r, const struct fz_op *o)     \
	{                                                                                    \
		(void)o;                                                                     \
		return reg(s, r, i, arg_field(r[0] % FZ_HVC_NR_CALLS, i));                   \
	}                                                                                    \
	static bool enc_x##i(const void *s, uint64_t v, uint8_t *r, const struct fz_op *o,   \
			     struct fz_err *e)                                               \
	{                                                                                    \
		(void)s, (void)o, (void)e;                                                   \
		enc_raw(r, i, v);                                                            \
		return true;                                                                 \
	}
REG(1)
REG(2)
REG(3)
REG(4)

/* An abort's address: register 1's bytes as a page (typed) or a byte address (raw). */
static uint64_t dec_addr(const void *s, const uint8_t *r, const struct fz_op *o)
{
	uint64_t v = reg(s, r, 1, PK_PFN);

	(void)o;
	return (r[1] & 0xf) < 14 ? v << 12 : v;
}

static bool enc_addr(const void *s, uint64_t v, uint8_t *r, const struct fz_op *o,
		     struct fz_err *e)
{
	return enc_x1(s, v, r, o, e);
}

#define X(i, doc)                                                                  \
	{ "x" #i, 8 * (i), 8, doc, .decode = dec_x##i, .encode = enc_x##i, .parse = parse_reg, \
	  .hex = true }

static const struct fz_field hvc_fields[HV_NR_FIELDS] = {
	[HV_X0] = { "x0", 0, 8,
		    "byte 0 below 0xc0: the id of function number byte mod 14; 0xc0-0xef: a near "
		    "miss of it (16 kinds, bytes 3-7 their noise)",
		    .decode = dec_x0, .encode = enc_x0, .parse = parse_x0, .format = fmt_x0 },
	[HV_X1] = X(1, "bytes 8-15, its mode the low nibble of byte 1: 0-11 typed by the "
		       "call's argument (a fuzz_pkvm field of these bits), 12-13 typed with a bit "
		       "above 31 set, 14-15 raw"),
	[HV_X2] = X(2, "bytes 16-23, mode the high nibble of byte 1"),
	[HV_X3] = X(3, "bytes 24-31, mode the low nibble of byte 2"),
	[HV_X4] = X(4, "bytes 32-39, mode the high nibble of byte 2"),
	[HV_ADDR] = { "addr", 8, 8,
		      "register 1's bytes: typed, a page selector's address; raw, the bytes",
		      .decode = dec_addr, .encode = enc_addr, .parse = parse_reg, .hex = true },
};

#ifdef FZ_CODEC_ONLY
#define CALL(name) NULL
#else
#include "core/hvc.h"
#include "dual.h"

/* The core: its dispatcher on the registers, which it changes in place. */
static int core_hvc(void *w, const struct fz_op *o)
{
	struct dual *d = w;
	struct pkvm_hvc_regs r;

	for (unsigned i = 0; i < 5; i++)
		r.x[i] = o->v[HV_X0 + i];
	pkvm_hvc_handle(&d->pkvm, &r);
	memcpy(d->hvc_out, r.x, sizeof(d->hvc_out));
	return r.x[0] ? 0 : (int)(int64_t)r.x[1];
}

static int ref_hvc(void *r, const struct fz_op *o)
{
	return fz_hvc_ref(r, &o->v[HV_X0]);
}

static int core_abort(void *w, const struct fz_op *o)
{
	return pkvm_host_mem_abort(&((struct dual *)w)->pkvm, o->v[HV_ADDR]);
}

static int ref_abort(void *r, const struct fz_op *o)
{
	return ref_host_mem_abort(r, o->v[HV_ADDR]);
}
#define CALL(name) name
#endif

#define XS ((1U << HV_X0) | (1U << HV_X1) | (1U << HV_X2) | (1U << HV_X3) | (1U << HV_X4))

static const struct fz_op_def hvc_ops[] = {
	{ "hvc", "§12", -1, XS, XS & ~(1U << HV_X0), CALL(core_hvc), CALL(ref_hvc),
	  "a hypercall: registers a script leaves out are 0" },
	{ "abort", "§6", -1, 1U << HV_ADDR, 0, CALL(core_abort), CALL(ref_abort),
	  "the host touches a byte address" },
};

static unsigned select_op(const uint8_t *rec, unsigned nr_ops)
{
	(void)nr_ops;
	return rec[0] >= SEL_ABORT;
}

static uint8_t encode_select(unsigned index)
{
	return index ? SEL_ABORT : 0;
}

/* An abort, or a call some row answers (another id returns 0 having done nothing). */
static bool answered(const struct fz_op *op)
{
	return op->index == HV_OP_ABORT || fz_hvc_id_row(op->v[HV_X0]);
}

const struct fz_world fz_world_hvc = {
	.target = "fuzz_hvc",
	FZ_MACHINE_WORLD,
	.select_doc = "byte 0 from 0xf0 up makes an abort, below a call",
	.record_size = 40,
	.nr_fields = HV_NR_FIELDS,
	.nr_ops = 2,
	.field = hvc_fields,
	.op = hvc_ops,
	.select = select_op,
	.encode_select = encode_select,
	.answered = answered,
};

#ifndef FZ_CODEC_ONLY
/* The result registers against the ABI, then every comparison dual_check makes. */
bool fz_hvc_check(void *w, const struct fz_op *o, int core_rc, int ref_rc, struct fz_failure *f)
{
	struct dual *d = w;
	const struct fz_op_def *row = fz_hvc_id_row(o->v[HV_X0]);
	char name[64];

	if (o->index)
		return dual_check(d, "host_mem_abort", core_rc, ref_rc, f);
	snprintf(name, sizeof(name), "hvc_%s", row ? row->name : "unknown");
	return fz_check_hvc_regs(&o->v[HV_X0], d->hvc_out, row, ref_rc, name, f) &&
	       dual_check(d, name, row ? core_rc : 0, ref_rc, f);
}

int fz_hvc_result(const void *w, const struct fz_op *o, int rc, char *buf, size_t len)
{
	const struct dual *d = w;

	(void)rc;
	if (o->index)
		return 0;
	return d->hvc_out[0] ? snprintf(buf, len, "x0=%#llx (not supported)",
					(unsigned long long)d->hvc_out[0])
			     : snprintf(buf, len, "x0=0 x1=%lld", (long long)d->hvc_out[1]);
}
#endif
