// SPDX-License-Identifier: MIT
/*
 * Decoding fuzz_hvc records (docs/fuzz_hvc.md). A record names a function
 * number and, per argument register, whether its 64 raw bits go in as they
 * are or are first turned into a useful value of the argument's type by the
 * fuzz_pkvm selectors (a memory page, a VM slot, a page count...), maybe
 * with one bit above 31 set. Most ids are valid; some are near misses that
 * a sloppy decoder of x0 would take for a call.
 */
#include "hvc_input.h"

#include <stdio.h>
#include <string.h>

/* What an argument register holds, for the typed modes. */
enum fz_hvc_arg {
	ARG_NONE, /* not read by the call: raw garbage */
	ARG_PFN,
	ARG_NR,
	ARG_VM,
	ARG_IA_BITS,
	ARG_GFN,
	ARG_PROT,
};

/* The calls of docs/hvc-abi.md: name and the type of x1..x4. */
static const struct {
	const char *name;
	enum fz_hvc_arg arg[4];
} calls[FZ_HVC_NR_CALLS] = {
	{ "host_share_hyp", { ARG_PFN } },
	{ "host_unshare_hyp", { ARG_PFN } },
	{ "hyp_pin", { ARG_PFN } },
	{ "hyp_unpin", { ARG_PFN } },
	{ "host_donate_hyp", { ARG_PFN, ARG_NR } },
	{ "hyp_donate_host", { ARG_PFN, ARG_NR } },
	{ "vm_create", { ARG_VM, ARG_IA_BITS, ARG_PFN } },
	{ "vm_topup", { ARG_VM, ARG_PFN } },
	{ "host_donate_guest", { ARG_VM, ARG_PFN, ARG_GFN } },
	{ "host_share_guest", { ARG_VM, ARG_PFN, ARG_GFN, ARG_PROT } },
	{ "host_unshare_guest", { ARG_VM, ARG_GFN } },
	{ "guest_relinquish", { ARG_VM, ARG_GFN } },
	{ "vm_teardown", { ARG_VM } },
	{ "host_reclaim_page", { ARG_PFN } },
};

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/*
 * Ids that are almost a call (docs/fuzz_hvc.md): index @k, for function
 * number @n, with 40 bits of @noise for the ones that need a value.
 */
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
		return id | 1ULL << 16; /* SMCCC 1.3 SVE hint */
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

/* The value of type @arg that raw bits @r select, through fuzz_pkvm's decoder. */
static uint64_t typed(const struct fz_machine *m, enum fz_hvc_arg arg, uint64_t r)
{
	uint8_t rec[FZ_RECORD_SIZE];
	struct fz_op op;

	rec[0] = FZ_SHARE_GUEST;
	rec[1] = (uint8_t)r;
	rec[2] = (uint8_t)r;
	rec[3] = (uint8_t)(r >> 8);
	for (unsigned i = 0; i < 4; i++)
		rec[4 + i] = (uint8_t)(r >> (8 * i));
	for (unsigned i = 0; i < 8; i++)
		rec[8 + i] = (uint8_t)(r >> (8 * i));
	fz_decode_op(m, rec, &op);
	switch (arg) {
	case ARG_PFN:
		return op.pfn;
	case ARG_NR:
		return op.nr;
	case ARG_VM:
		return op.vm;
	case ARG_IA_BITS:
		return op.ia_bits;
	case ARG_GFN:
		return op.gfn;
	case ARG_PROT:
		return op.prot;
	case ARG_NONE:
		break;
	}
	return r;
}

/* Mode nibble: 0-11 typed, 12-13 typed with one bit above 31 set, 14-15 raw. */
static uint64_t reg_value(const struct fz_machine *m, enum fz_hvc_arg arg, unsigned mode,
			  uint64_t r)
{
	uint64_t v;

	if (mode >= 14 || arg == ARG_NONE)
		return r;
	v = typed(m, arg, r);
	if (mode >= 12)
		v |= 1ULL << (32 + ((r >> 56) & 31));
	return v;
}

void fz_hvc_decode(const struct fz_machine *m, const uint8_t *rec, struct fz_hvc *c)
{
	unsigned sel = rec[0], n = sel % FZ_HVC_NR_CALLS;
	uint64_t noise = rd64(rec) >> 24; /* bytes 3-7 */

	memset(c, 0, sizeof(*c));
	/* An abort has one argument, its address, in the place of x1. */
	for (unsigned i = 1; i < (sel >= 0xf0 ? 2U : FZ_HVC_NR_REGS); i++) {
		unsigned mode = (rec[1 + (i - 1) / 2] >> (4 * ((i - 1) % 2))) & 0xf;
		enum fz_hvc_arg arg = sel >= 0xf0 ? ARG_PFN : calls[n].arg[i - 1];

		c->x[i] = reg_value(m, arg, mode, rd64(rec + 8 * i));
		if (sel >= 0xf0 && mode < 14)
			c->x[1] <<= 12; /* a page selected: its address */
	}
	if (sel >= 0xf0) {
		c->kind = FZ_HVC_ABORT;
		return;
	}
	c->kind = FZ_HVC_CALL;
	c->x[0] = sel < 0xc0 ? FZ_HVC_ID_BASE + n : near_miss((sel - 0xc0) % 16, n, noise);
}

const char *fz_hvc_name(uint64_t x0)
{
	uint64_t id = x0 & ~FZ_HVC_SVE_HINT;

	if (id < FZ_HVC_ID_BASE || id - FZ_HVC_ID_BASE >= FZ_HVC_NR_CALLS)
		return NULL;
	return calls[id - FZ_HVC_ID_BASE].name;
}

size_t fz_hvc_format(const struct fz_hvc *c, char *buf, size_t len)
{
	const char *name = fz_hvc_name(c->x[0]);
	int w;

	if (c->kind == FZ_HVC_ABORT)
		w = snprintf(buf, len, "abort addr=%#llx", (unsigned long long)c->x[1]);
	else
		w = snprintf(buf, len, "hvc x0=%#llx x1=%#llx x2=%#llx x3=%#llx x4=%#llx # %s",
			     (unsigned long long)c->x[0], (unsigned long long)c->x[1],
			     (unsigned long long)c->x[2], (unsigned long long)c->x[3],
			     (unsigned long long)c->x[4], name ? name : "unknown id");
	return w < 0 ? 0 : (size_t)w;
}
