// SPDX-License-Identifier: MIT
/* Machine headers: decoded, printed, and read from a script's machine line. */
#include "machine.h"
#include "optable.h"

#include <stdio.h>
#include <string.h>

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL

struct preset {
	unsigned nr_regions;
	uint64_t base[3], size[3];
	uint64_t carve_off, carve_pages; /* inside region 0 */
	uint64_t host_pool, hyp_pool;
	unsigned ia_bits;
};

#define NR_PRESETS 4U

/* QEMU virt; a phone with unaligned regions; a tiny machine; a 48-bit one. */
static const char *const preset_names[NR_PRESETS] = { "virt", "phone", "tiny", "wide" };
static const struct preset presets[NR_PRESETS] = {
	{ 1, { 0x40000000ULL }, { 2 * SZ_1G }, 512 * 0x100000ULL, 512, 192, 128, 40 },
	{ 3, { 0x80000000ULL + 0x3000, 0x880000000ULL, 0x8c0200000ULL },
	  { SZ_1G + 0x1ff000, SZ_1G - SZ_2M, SZ_1G / 2 }, 64 * SZ_2M, 1024, 384, 256, 36 },
	{ 1, { 0x40000000ULL + 0x5000 }, { 64 * 0x100000ULL }, 0x100000, 64, 12, 12, 32 },
	{ 2, { 0x8000000000ULL, 0x100000200000ULL }, { SZ_1G, SZ_1G }, SZ_2M, 512, 192, 128, 48 },
};
static const char *const align_names[3] = { "1g", "2m", "4k" };
static const char *const pool_names[3] = { "full", "half", "quarter" };

void fz_decode_machine(const uint8_t *h, struct fz_machine *m)
{
	const struct preset *p = &presets[h[0] % NR_PRESETS];

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
	/* Pools: the preset's, or a few pages to reach -ENOMEM at init and later. */
	m->host_pool = h[6] >= 0xf0 ? 2U + (h[6] & 0x0fU) : p->host_pool >> (h[6] % 3);
	m->hyp_pool = h[7] >= 0xf0 ? 2U + (h[7] & 0x0fU) : p->hyp_pool >> (h[7] % 3);
	if (m->host_pool > m->carve_pages / 2)
		m->host_pool = m->carve_pages / 2;
	if (m->hyp_pool > m->carve_pages / 2)
		m->hyp_pool = m->carve_pages / 2;
	m->nr_vm_slots = 16 - h[8] % 16;
	/* A hyp VA offset aligned to 1 GiB, 2 MiB or only 4 KiB. */
	m->hyp_va_offset = (p->ia_bits == 48 ? 0 : 0x100000000000ULL) +
			   (uint64_t[]){ 0, SZ_2M, SZ_4K }[h[9] % 3];
}

uint64_t fz_memory_pages(const struct fz_machine *m)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < m->nr_regions; i++)
		n += m->regions[i].size >> 12;
	return n;
}

bool fz_memory_pfn(const struct fz_machine *m, uint64_t index, uint64_t *pfn)
{
	for (unsigned i = 0; i < m->nr_regions; i++) {
		uint64_t pages = m->regions[i].size >> 12;

		if (index < pages) {
			*pfn = (m->regions[i].base >> 12) + index;
			return true;
		}
		index -= pages;
	}
	return false;
}

size_t fz_machine_format(const void *setup, char *buf, size_t len)
{
	const struct fz_machine *m = setup;
	size_t used = 0;

	fz_appendf(buf, len, &used,
		   "machine ia_bits=%u vm_slots=%u carveout=%#llx+%llu host_pool=%llu "
		   "hyp_pool=%llu hyp_va_offset=%#llx",
		   m->host_ia_bits, m->nr_vm_slots, (unsigned long long)m->carve_base,
		   (unsigned long long)m->carve_pages, (unsigned long long)m->host_pool,
		   (unsigned long long)m->hyp_pool, (unsigned long long)m->hyp_va_offset);
	for (unsigned i = 0; i < m->nr_regions && used < len; i++)
		fz_appendf(buf, len, &used, " mem=%#llx+%#llx",
			   (unsigned long long)m->regions[i].base,
			   (unsigned long long)m->regions[i].size);
	return used < len ? used : len ? len - 1 : 0;
}

bool fz_machine_parse(struct fz_kvline *l, uint8_t *hdr, struct fz_err *e)
{
	const char *v;
	unsigned i;
	uint64_t n;

	memset(hdr, 0, FZ_HEADER_SIZE);
	if ((v = fz_kv_take(l, "preset"))) {
		if (!fz_name(v, preset_names, NR_PRESETS, &i))
			return fz_fail(e, "preset: '%s' is not virt, phone, tiny or wide", v);
		hdr[0] = (uint8_t)i;
	}
	if ((v = fz_kv_take(l, "regions"))) {
		if (!fz_num_in("regions", v, 1, presets[hdr[0]].nr_regions, &n, e))
			return false;
		hdr[1] = (uint8_t)(n - 1);
	}
	if ((v = fz_kv_take(l, "vm_slots"))) {
		if (!fz_num_in("vm_slots", v, 1, 16, &n, e))
			return false;
		hdr[8] = (uint8_t)(16 - n);
	}
	if ((v = fz_kv_take(l, "va_align")) && !fz_name(v, align_names, 3, &i))
		return fz_fail(e, "va_align: '%s' is not 1g, 2m or 4k", v);
	if (v)
		hdr[9] = (uint8_t)i;
	if ((v = fz_kv_take(l, "host_pool")) &&
	    !fz_parse_pool("host_pool", v, pool_names, 3, 2, 17, &hdr[6], e))
		return false;
	if ((v = fz_kv_take(l, "hyp_pool")) &&
	    !fz_parse_pool("hyp_pool", v, pool_names, 3, 2, 17, &hdr[7], e))
		return false;
	for (unsigned r = 0; r < 4; r++) {
		char key[8] = "nudgeN";

		key[5] = (char)('1' + r);
		if ((v = fz_kv_take(l, key))) {
			if (!fz_num_in(key, v, 0, 255, &n, e))
				return false;
			hdr[2 + r] = (uint8_t)n;
		}
	}
	return fz_kv_all_used(l, e);
}

int fz_machine_line(const uint8_t *in, char *out, size_t cap)
{
	struct fz_machine m;
	size_t used = 0;

	fz_decode_machine(in, &m);
	fz_appendf(out, cap, &used, "machine preset=%s regions=%u vm_slots=%u va_align=%s",
		   preset_names[in[0] % NR_PRESETS], m.nr_regions, m.nr_vm_slots,
		   align_names[in[9] % 3]);
	for (unsigned i = 0; i < 2; i++) {
		const char *key = i ? "hyp_pool" : "host_pool";
		uint8_t b = in[6 + i];

		if (b >= 0xf0)
			fz_appendf(out, cap, &used, " %s=tiny:%u", key, 2U + (b & 0xfU));
		else
			fz_appendf(out, cap, &used, " %s=%s", key, pool_names[b % 3]);
	}
	for (unsigned i = 0; i < 4; i++) {
		if (in[2 + i])
			fz_appendf(out, cap, &used, " nudge%u=%#x", i + 1, in[2 + i]);
	}
	return (int)used;
}
