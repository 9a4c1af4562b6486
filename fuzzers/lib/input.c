// SPDX-License-Identifier: MIT
/*
 * Decoding fuzz inputs (docs/input-format.md). Fields are reduced into the
 * ranges that matter, so mutations stay meaningful: most page selectors land
 * on memory, some near the carve-out, some on MMIO or past the address
 * space, to reach every error of SPEC §5.
 */
#include "input.h"

#include <stdio.h>
#include <string.h>

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL

struct preset {
	const char *name;
	unsigned nr_regions;
	uint64_t base[3], size[3];
	uint64_t carve_off, carve_pages; /* inside region 0 */
	uint64_t host_pool, hyp_pool;
	unsigned ia_bits;
};

/* QEMU virt; a phone with unaligned regions; a tiny machine; a 48-bit one. */
static const struct preset presets[] = {
	{ "virt", 1, { 0x40000000ULL }, { 2 * SZ_1G }, 512 * 0x100000ULL, 512, 192, 128, 40 },
	{ "phone", 3, { 0x80000000ULL + 0x3000, 0x880000000ULL, 0x8c0200000ULL },
	  { SZ_1G + 0x1ff000, SZ_1G - SZ_2M, SZ_1G / 2 }, 64 * SZ_2M, 1024, 384, 256, 36 },
	{ "tiny", 1, { 0x40000000ULL + 0x5000 }, { 64 * 0x100000ULL }, 0x100000, 64, 12, 12, 32 },
	{ "wide", 2, { 0x8000000000ULL, 0x100000200000ULL }, { SZ_1G, SZ_1G }, SZ_2M, 512, 192,
	  128, 48 },
};

#define NR_PRESETS (sizeof(presets) / sizeof(presets[0]))

static uint64_t rd16(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8;
}

static uint64_t rd32(const uint8_t *p)
{
	return rd16(p) | rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | rd32(p + 4) << 32;
}

void fz_decode_machine(const uint8_t *h, struct fz_machine *m)
{
	const struct preset *p = &presets[h[0] % NR_PRESETS];
	uint64_t carve_max;

	memset(m, 0, sizeof(*m));
	m->nr_regions = 1 + h[1] % p->nr_regions;
	for (unsigned i = 0; i < m->nr_regions; i++) {
		/* Nudge each region by whole pages: starts and ends lose alignment. */
		uint64_t grow = (uint64_t)(h[2 + i] & 0x0f) << 12;
		uint64_t shrink = (uint64_t)(h[2 + i] >> 4) << 12;

		m->regions[i].base = p->base[i] + (i ? grow : 0);
		m->regions[i].size = p->size[i] - (i ? grow : 0) - shrink;
	}
	m->host_ia_bits = p->ia_bits;
	m->carve_base = p->base[0] + p->carve_off;
	m->carve_pages = p->carve_pages;
	carve_max = m->carve_pages;
	/* Pools: the preset's, or a few pages to reach -ENOMEM at init and later. */
	m->host_pool = h[6] >= 0xf0 ? 2U + (h[6] & 0x0fU) : p->host_pool >> (h[6] % 3);
	m->hyp_pool = h[7] >= 0xf0 ? 2U + (h[7] & 0x0fU) : p->hyp_pool >> (h[7] % 3);
	if (m->host_pool > carve_max / 2)
		m->host_pool = carve_max / 2;
	if (m->hyp_pool > carve_max / 2)
		m->hyp_pool = carve_max / 2;
	m->nr_vm_slots = 16 - h[8] % 16;
	/* A hyp VA offset aligned to 1 GiB, 2 MiB or only 4 KiB. */
	m->hyp_va_offset = 0x100000000000ULL + (uint64_t[]){ 0, SZ_2M, SZ_4K }[h[9] % 3];
	if (p->ia_bits == 48)
		m->hyp_va_offset = (uint64_t[]){ 0, SZ_2M, SZ_4K }[h[9] % 3];
}

static uint64_t memory_pages(const struct fz_machine *m)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < m->nr_regions; i++)
		n += m->regions[i].size >> 12;
	return n;
}

/* Memory page number @index, counting through the regions in order. */
static uint64_t nth_memory_pfn(const struct fz_machine *m, uint64_t index)
{
	index %= memory_pages(m);
	for (unsigned i = 0; i < m->nr_regions; i++) {
		uint64_t pages = m->regions[i].size >> 12;

		if (index < pages)
			return (m->regions[i].base >> 12) + index;
		index -= pages;
	}
	return 0;
}

static uint64_t pick_pfn(const struct fz_machine *m, uint32_t s)
{
	uint64_t low = s & 0x3fffffff;

	switch (s >> 30) {
	case 0: /* memory, by index */
		return nth_memory_pfn(m, low);
	case 1: /* around the carve-out's start */
		return (m->carve_base >> 12) + (low & 0xffff) - 0x8000;
	case 2: /* any page below the address space: MMIO mostly */
		return low % (1ULL << (m->host_ia_bits - 12));
	default: /* at and past the end of the address space */
		return (1ULL << (m->host_ia_bits - 12)) + (low & 0xff) - 4;
	}
}

static uint64_t pick_gfn(uint64_t g)
{
	switch (g >> 62) {
	case 0:
		return g & 0x3ff; /* a few tables' worth */
	case 1:
		return g & 0xfffff;
	case 2:
		return g & ((1ULL << 36) - 1);
	default:
		return (g & 0x3f) << 30; /* huge: past many VMs' ia_bits */
	}
}

void fz_decode_op(const struct fz_machine *m, const uint8_t *rec, struct fz_op *op)
{
	uint64_t a16 = rd16(rec + 2);
	uint32_t sel = (uint32_t)rd32(rec + 4);

	memset(op, 0, sizeof(*op));
	op->kind = (enum fz_op_kind)(rec[0] % FZ_NR_OPS);
	/* Mostly one of four slots, so operations meet the VMs others created. */
	op->vm = rec[1] & 0x80 ? rec[1] & 0x1fU : rec[1] & 0x3U;
	op->pfn = pick_pfn(m, sel);
	op->gfn = pick_gfn(rd64(rec + 8));
	op->prot = (unsigned)(a16 & 0xf);
	op->ia_bits = 28 + (unsigned)(a16 % 24);
	op->pool = (unsigned)(a16 % (2 + m->nr_vm_slots));
	/* Ranges: mostly short, some in 2 MiB units; 0 now and then. */
	op->nr = a16 & 0x3ff;
	if (a16 & 0x8000)
		op->nr <<= 9;
	switch (op->kind) {
	case FZ_HOST_ABORT:
		op->addr = (op->pfn << 12) + (a16 == 0xffff ? 8 : 0);
		break;
	case FZ_VM_TOPUP:
	case FZ_VM_CREATE:
	case FZ_DONATE_GUEST:
	case FZ_SHARE_GUEST:
		break;
	case FZ_POOL_HIDE:
		op->nr = sel % 64;
		break;
	default:
		break;
	}
}

const char *fz_op_name(enum fz_op_kind kind)
{
	static const char *const names[FZ_NR_OPS] = {
		[FZ_SHARE_HYP] = "host_share_hyp",
		[FZ_UNSHARE_HYP] = "host_unshare_hyp",
		[FZ_PIN] = "hyp_pin",
		[FZ_UNPIN] = "hyp_unpin",
		[FZ_DONATE_HYP] = "host_donate_hyp",
		[FZ_HYP_DONATE_HOST] = "hyp_donate_host",
		[FZ_VM_CREATE] = "vm_create",
		[FZ_VM_TOPUP] = "vm_topup",
		[FZ_DONATE_GUEST] = "host_donate_guest",
		[FZ_SHARE_GUEST] = "host_share_guest",
		[FZ_UNSHARE_GUEST] = "host_unshare_guest",
		[FZ_RELINQUISH] = "guest_relinquish",
		[FZ_VM_TEARDOWN] = "vm_teardown",
		[FZ_RECLAIM] = "host_reclaim_page",
		[FZ_HOST_ABORT] = "host_mem_abort",
		[FZ_POOL_HIDE] = "pool_hide",
		[FZ_POOL_UNHIDE] = "pool_unhide",
		[FZ_HOST_ACCESS] = "host_access",
		[FZ_HYP_ACCESS] = "hyp_access",
		[FZ_GUEST_ACCESS] = "guest_access",
	};
	return (unsigned)kind < FZ_NR_OPS ? names[kind] : "?";
}

size_t fz_op_format(const struct fz_op *op, char *buf, size_t len)
{
	const char *n = fz_op_name(op->kind);
	unsigned long long pfn = op->pfn, gfn = op->gfn, nr = op->nr;
	int w;

	switch (op->kind) {
	case FZ_SHARE_HYP:
	case FZ_UNSHARE_HYP:
	case FZ_PIN:
	case FZ_UNPIN:
	case FZ_RECLAIM:
	case FZ_HOST_ACCESS:
	case FZ_HYP_ACCESS:
		w = snprintf(buf, len, "%s pfn=%#llx", n, pfn);
		break;
	case FZ_DONATE_HYP:
	case FZ_HYP_DONATE_HOST:
		w = snprintf(buf, len, "%s pfn=%#llx nr=%llu", n, pfn, nr);
		break;
	case FZ_VM_CREATE:
		w = snprintf(buf, len, "%s vm=%u ia_bits=%u pgd=%#llx", n, op->vm, op->ia_bits, pfn);
		break;
	case FZ_VM_TOPUP:
		w = snprintf(buf, len, "%s vm=%u pfn=%#llx", n, op->vm, pfn);
		break;
	case FZ_DONATE_GUEST:
		w = snprintf(buf, len, "%s vm=%u pfn=%#llx gfn=%#llx", n, op->vm, pfn, gfn);
		break;
	case FZ_SHARE_GUEST:
		w = snprintf(buf, len, "%s vm=%u pfn=%#llx gfn=%#llx prot=%u", n, op->vm, pfn, gfn,
			     op->prot);
		break;
	case FZ_UNSHARE_GUEST:
	case FZ_RELINQUISH:
	case FZ_GUEST_ACCESS:
		w = snprintf(buf, len, "%s vm=%u gfn=%#llx", n, op->vm, gfn);
		break;
	case FZ_VM_TEARDOWN:
		w = snprintf(buf, len, "%s vm=%u", n, op->vm);
		break;
	case FZ_HOST_ABORT:
		w = snprintf(buf, len, "%s addr=%#llx", n, (unsigned long long)op->addr);
		break;
	case FZ_POOL_HIDE:
		w = snprintf(buf, len, "%s pool=%u nr=%llu", n, op->pool, nr);
		break;
	case FZ_POOL_UNHIDE:
		w = snprintf(buf, len, "%s pool=%u", n, op->pool);
		break;
	default:
		w = snprintf(buf, len, "?");
		break;
	}
	return w < 0 ? 0 : (size_t)w;
}

size_t fz_machine_format(const struct fz_machine *m, char *buf, size_t len)
{
	size_t used = 0;
	int w = snprintf(buf, len, "machine ia_bits=%u vm_slots=%u carveout=%#llx+%llu host_pool=%llu "
			 "hyp_pool=%llu hyp_va_offset=%#llx",
			 m->host_ia_bits, m->nr_vm_slots, (unsigned long long)m->carve_base,
			 (unsigned long long)m->carve_pages, (unsigned long long)m->host_pool,
			 (unsigned long long)m->hyp_pool, (unsigned long long)m->hyp_va_offset);

	used = w < 0 ? 0 : (size_t)w;
	for (unsigned i = 0; i < m->nr_regions && used < len; i++) {
		w = snprintf(buf + used, len - used, " mem=%#llx+%#llx",
			     (unsigned long long)m->regions[i].base,
			     (unsigned long long)m->regions[i].size);
		used += w < 0 ? 0 : (size_t)w;
	}
	return used;
}
