// SPDX-License-Identifier: MIT
/*
 * fuzz_parallel's world (docs/fuzz_parallel.md): a 4-byte header (vCPUs,
 * ia_bits, pool, number of records), 4-byte records, each for one vCPU's
 * list or for the exclusive prelude, then scheduling bytes, one consumed at
 * each scheduling point. Levels are mostly 3, some 2, rarely 1; addresses
 * land in three 4 MiB windows, sometimes in their first 16 pages, so vCPUs
 * meet on one entry. Faults map ia + FZP_PA_OFFSET (S40); only a prelude
 * map may put another output (out=alt) or device memory there.
 */
#include "ops_parallel.h"

#include <stdio.h>
#include <string.h>

#define WINDOW_PAGES 0x400U
#define NARROW_BIT   0x2000U

enum { P_VCPU, P_IA, P_LEVEL, P_MEMTYPE, P_PROT, P_OUT, P_NR_FIELDS };

static const char *const memtype_names[2] = { "normal", "device" };
static const char *const out_names[2] = { "same", "alt" };

static void decode_setup(const uint8_t *h, void *setup)
{
	struct fzp_setup *s = setup;

	s->nr_vcpus = 2 + h[0] % 3;
	s->ia_bits = 39 + (h[1] & 1U);
	s->pool_pages = h[2] >= 0xf0 ? 2U + (h[2] & 0xfU) : FZP_POOL_FULL;
	s->nr_records = h[3] % (FZP_MAX_RECORDS + 1);
}

static bool parse_setup(struct fz_kvline *l, uint8_t *hdr, struct fz_err *e)
{
	const char *v;
	uint64_t n;

	memset(hdr, 0, FZP_HEADER_SIZE);
	if ((v = fz_kv_take(l, "vcpus"))) {
		if (!fz_num_in("vcpus", v, 2, 4, &n, e))
			return false;
		hdr[0] = (uint8_t)(n - 2);
	}
	if ((v = fz_kv_take(l, "ia_bits"))) {
		if (!fz_num_in("ia_bits", v, 39, 40, &n, e))
			return false;
		hdr[1] = (uint8_t)(n - 39);
	}
	if ((v = fz_kv_take(l, "pool")) &&
	    !fz_parse_pool("pool", v, (const char *const[]){ "full" }, 1, 2, 17, &hdr[2], e))
		return false;
	return fz_kv_all_used(l, e);
}

static int format_setup(const uint8_t *hdr, char *buf, size_t len)
{
	struct fzp_setup s;

	decode_setup(hdr, &s);
	if (s.pool_pages == FZP_POOL_FULL)
		return snprintf(buf, len, "parallel vcpus=%u ia_bits=%u pool=full", s.nr_vcpus,
				s.ia_bits);
	return snprintf(buf, len, "parallel vcpus=%u ia_bits=%u pool=tiny:%llu", s.nr_vcpus,
			s.ia_bits, (unsigned long long)s.pool_pages);
}

static uint64_t nr_vcpus(const void *s)
{
	return ((const struct fzp_setup *)s)->nr_vcpus;
}

/* 1-7; Linux refuses executable device mappings (S4): a prelude drops X. */
static uint64_t dec_prot(const void *s, const uint8_t *r, const struct fz_op *o)
{
	unsigned prot = 1 + (unsigned)(r[1] >> 4) % 7;

	(void)s;
	if (o->v[P_MEMTYPE])
		prot = prot & ~1U ? prot & ~1U : 4;
	return prot;
}

static bool enc_prot(const void *s, uint64_t v, uint8_t *r, const struct fz_op *o,
		     struct fz_err *e)
{
	(void)s;
	if (v < 1 || v > 7)
		return fz_fail(e, "prot %llu: 1 to 7 (X=1 W=2 R=4)", (unsigned long long)v);
	if (o->v[P_MEMTYPE] && (v & 1))
		return fz_fail(e, "device memory cannot be executable (S4): drop X from prot");
	r[1] = (uint8_t)((r[1] & 0x0f) | (v - 1) << 4);
	return true;
}

/* A window's page, or one of its first 16 (bit 13: vCPUs meet on one entry). */
#define WINDOW(i, base)                                       \
	FZ_WAY(0xe000, (i) << 14, WINDOW_PAGES - 1, 0x1000, base), \
		FZ_WAY(0xe000, (i) << 14 | NARROW_BIT, 0xf, 0x1000, base)

static const struct fz_field parallel_fields[P_NR_FIELDS] = {
	[P_VCPU] = { "vcpu", 0, 1, "byte 0, low 2 bits, mod the vCPUs: whose list it joins",
		     FZ_WAYS(FZ_WAY(0, 0, 3, 1, 0)), .limit = nr_vcpus },
	[P_IA] = { "ia", 2, 2,
		   "bytes 2-3: the top 2 bits pick a 4 MiB window (0x40000000 twice, 0x7fc00000, "
		   "0x80000000), the low 10 its page (the low 4 when bit 13 is set)",
		   FZ_WAYS(WINDOW(0, 0x40000000), WINDOW(1, 0x40000000), WINDOW(2, 0x7fc00000),
			   WINDOW(3, 0x80000000)),
		   .hex = true },
	[P_LEVEL] = { "level", 1, 1, "byte 1, low nibble: 0 level 1, 1-4 level 2, 5-15 level 3",
		      FZ_WAYS(FZ_IS(8, 8, 3), FZ_IS(0xf, 0, 1), FZ_IS(0xf, 1, 2), FZ_IS(0xf, 2, 2),
			      FZ_IS(0xf, 3, 2), FZ_IS(0xf, 4, 2), FZ_IS(0, 0, 3)) },
	[P_MEMTYPE] = { "memtype", 0, 1, "byte 0, bit 5: normal or device",
			FZ_WAYS(FZ_IS(0x20, 0x20, 1), FZ_IS(0, 0, 0)), .names = memtype_names,
			.nr_names = 2 },
	[P_PROT] = { "prot", 1, 1,
		     "byte 1, high nibble: 1 + nibble mod 7 (X=1 W=2 R=4); device drops X",
		     .decode = dec_prot, .encode = enc_prot },
	[P_OUT] = { "out", 0, 1, "byte 0, bit 4: the faults' output (same) or another (alt)",
		    FZ_WAYS(FZ_IS(0x10, 0x10, 1), FZ_IS(0, 0, 0)), .names = out_names, .nr_names = 2 },
};

#define F(f) (1U << P_##f)

/* The calls are fuzz_parallel's own (parallel_run.c): the rows only name them. */
static const struct fz_op_def parallel_ops[FZP_NR_KINDS] = {
	[FZP_FAULT_MAP] = { "fault_map", "§9, S40", -1, F(VCPU) | F(IA) | F(LEVEL) | F(PROT), 0,
			    NULL, NULL, "a vCPU's fault: one leaf at the level, output ia + 16 GiB" },
	[FZP_MKYOUNG] = { "mkyoung", "S44", -1, F(VCPU) | F(IA), 0, NULL, NULL,
			  "a vCPU sets the access flag by compare-and-swap" },
	[FZP_RELAX_PERMS] = { "relax_perms", "S44", -1, F(VCPU) | F(IA) | F(PROT), 0, NULL, NULL,
			      "a vCPU adds permissions by compare-and-swap" },
	[FZP_PRELUDE_MAP] = { "prelude_map", "§5b", -1,
			      F(IA) | F(LEVEL) | F(MEMTYPE) | F(PROT) | F(OUT), 0, NULL, NULL,
			      "an exclusive map before the vCPUs start (a stale memslot)" },
};

static unsigned select_op(const uint8_t *rec, unsigned nr_ops)
{
	(void)nr_ops;
	return (rec[0] >> 2) & 3;
}

static uint8_t encode_select(unsigned index)
{
	return (uint8_t)(index << 2);
}

static size_t nr_records(const uint8_t *in, size_t len)
{
	size_t fit = (len - FZP_HEADER_SIZE) / FZP_RECORD_SIZE, said = in[3] % (FZP_MAX_RECORDS + 1);

	return said < fit ? said : fit;
}

static void set_nr_records(uint8_t *hdr, unsigned n)
{
	hdr[3] = (uint8_t)n;
}

/* "schedule picks=2,1,0": the vCPU preferred at each scheduling point, appended. */
static bool parse_tail(struct fz_kvline *l, const void *setup, uint8_t *out, size_t cap,
		       size_t *len, struct fz_err *e)
{
	const struct fzp_setup *s = setup;
	const char *v = fz_kv_need(l, "picks", e);
	char num[24];

	if (!v || !fz_kv_all_used(l, e))
		return false;
	while (*v) {
		size_t n = strcspn(v, ",");
		uint64_t pick;

		if (n >= sizeof(num))
			return fz_fail(e, "picks: '%.*s' is not a number", (int)n, v);
		memcpy(num, v, n);
		num[n] = '\0';
		if (!fz_num(num, &pick) || pick >= s->nr_vcpus)
			return fz_fail(e, "picks: '%s' is not a vCPU of this run (0 to %u)", num,
				       s->nr_vcpus - 1);
		if (*len >= cap)
			return fz_fail(e, "the schedule is longer than %zu picks", cap);
		out[(*len)++] = (uint8_t)pick;
		v += n + (v[n] == ',');
	}
	return true;
}

static size_t format_tail(const void *setup, const uint8_t *tail, size_t n, char *buf, size_t cap)
{
	const struct fzp_setup *s = setup;
	size_t used = 0;

	for (size_t i = 0; i < n && used < cap; i++) {
		int w = snprintf(buf + used, cap - used, "%s%u", i % 32 ? "," : "\nschedule picks=",
				 tail[i] % s->nr_vcpus);

		used += w < 0 ? 0 : (size_t)w;
	}
	return used < cap ? used : cap ? cap - 1 : 0;
}

const struct fz_world fz_world_parallel = {
	.target = "fuzz_parallel",
	.setup_name = "parallel",
	.select_doc = "byte 0, bits 3:2 pick the operation; byte 3 of the header says how many "
		      "records there are (mod 33), and the bytes after them are the schedule",
	.header_size = FZP_HEADER_SIZE,
	.record_size = FZP_RECORD_SIZE,
	.setup_size = sizeof(struct fzp_setup),
	.nr_fields = P_NR_FIELDS,
	.nr_ops = FZP_NR_KINDS,
	.field = parallel_fields,
	.op = parallel_ops,
	.decode_setup = decode_setup,
	.parse_setup = parse_setup,
	.format_setup = format_setup,
	.select = select_op,
	.encode_select = encode_select,
	.nr_records = nr_records,
	.set_nr_records = set_nr_records,
	.max_records = FZP_MAX_RECORDS,
	.tail_name = "schedule",
	.parse_tail = parse_tail,
	.format_tail = format_tail,
};

bool fzp_decode(const uint8_t *data, size_t size, struct fzp_input *in)
{
	size_t off = FZP_HEADER_SIZE, n;

	memset(in, 0, sizeof(*in));
	if (size < FZP_HEADER_SIZE)
		return false;
	decode_setup(data, &in->setup);
	n = nr_records(data, size);
	for (size_t i = 0; i < n; i++, off += FZP_RECORD_SIZE) {
		struct fz_op op;

		fz_decode_op(&fz_world_parallel, &in->setup, data + off, &op);
		if (op.index == FZP_PRELUDE_MAP)
			in->prelude[in->nr_prelude++] = op;
		else
			in->ops[op.v[P_VCPU]][in->nr_ops[op.v[P_VCPU]]++] = op;
	}
	in->sched = off < size ? data + off : NULL;
	in->sched_len = off < size ? size - off : 0;
	return true;
}

uint64_t fzp_ia(const struct fz_op *op)
{
	return op->v[P_IA];
}

unsigned fzp_level(const struct fz_op *op)
{
	return (unsigned)op->v[P_LEVEL];
}

unsigned fzp_prot(const struct fz_op *op)
{
	return (unsigned)op->v[P_PROT];
}

unsigned fzp_memtype(const struct fz_op *op)
{
	return (unsigned)op->v[P_MEMTYPE];
}

/* Only a prelude map takes out=alt; every other operation decodes it as 0. */
uint64_t fzp_pa(const struct fz_op *op)
{
	return op->v[P_IA] + (op->v[P_OUT] ? FZP_ALT_OFFSET : FZP_PA_OFFSET);
}
