// SPDX-License-Identifier: MIT
/* Machine headers: decoded, encoded, printed, and read from a script's machine line. */
#include "machine.h"
#include "optable.h"

#include <stdio.h>
#include <string.h>

#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL

/* Byte offsets in the header (before the XOR with virt's). */
enum {
	H_REGIONS = 0,
	H_IA_BITS = 1,
	H_VM_SLOTS = 2,
	H_NR_PRIVATE = 3,
	H_HOST_POOL = 4,
	H_HYP_POOL = 6,
	H_HYP_VA = 8,
	H_CARVE_BASE = 16,
	H_CARVE_SIZE = 24,
	H_REGION = 32, /* 16 bytes each: base, size */
	H_PRIVATE = 32 + 16 * FZ_MAX_REGIONS, /* 24 bytes each: va, pa, nr (4), prot, memtype */
};

/* The count of private ranges S32 allows, plus one. */
#define PRIVATE_PAST 17U

/* Counts: most bytes give one in range, the top ones the values past it. */
static unsigned dec_regions(uint8_t b)
{
	return b < 0xf0 ? 1U + b % FZ_MAX_REGIONS : (b & 1) ? FZ_MAX_REGIONS + 1 : 0;
}

static unsigned dec_ia_bits(uint8_t b)
{
	return b < 0xc0 ? 32U + b % 17 : b & 0x3fU;
}

static unsigned dec_vm_slots(uint8_t b)
{
	return b < 0xe0 ? b % 17U : 17U + (b & 0x1fU);
}

static unsigned dec_privates(uint8_t b)
{
	return b < 0xf0 ? b % (FZ_MAX_PRIVATE + 1U) : PRIVATE_PAST;
}

/*
 * Pool pages: up to 1023, or 4095 when the top nibble is all ones (the
 * simulator registers every pool page at init, on every input).
 */
static uint64_t dec_pool(uint64_t v)
{
	return v < 0xf000 ? v & 0x3ff : v & 0xfff;
}

static uint64_t enc_pool(uint64_t pages)
{
	return pages < 0x400 ? pages : 0xf000 | pages;
}

/* Presets: QEMU virt; a phone with unaligned regions; a tiny machine; a 48-bit one. */
#define NR_PRESETS 4U
static const char *const preset_names[NR_PRESETS] = { "virt", "phone", "tiny", "wide" };
static const struct fz_machine presets[NR_PRESETS] = {
	{ .nr_regions = 1, .regions = { { 0x40000000ULL, 2 * SZ_1G } },
	  .carve_base = 0x60000000ULL, .carve_size = SZ_2M, .host_pool = 192, .hyp_pool = 128,
	  .hyp_va_offset = 1ULL << 44, .host_ia_bits = 40, .nr_vm_slots = 16 },
	{ .nr_regions = 3,
	  .regions = { { 0x80003000ULL, SZ_1G + 0x1ff000 },
		       { 0x880000000ULL, SZ_1G - SZ_2M },
		       { 0x8c0200000ULL, SZ_1G / 2 } },
	  .carve_base = 0x88003000ULL, .carve_size = 2 * SZ_2M, .host_pool = 384,
	  .hyp_pool = 256, .hyp_va_offset = 1ULL << 44, .host_ia_bits = 36, .nr_vm_slots = 16 },
	{ .nr_regions = 1, .regions = { { 0x40005000ULL, 64 * 0x100000ULL } },
	  .carve_base = 0x40105000ULL, .carve_size = 64 * 0x1000ULL, .host_pool = 12,
	  .hyp_pool = 12, .hyp_va_offset = 1ULL << 44, .host_ia_bits = 32, .nr_vm_slots = 16 },
	{ .nr_regions = 2,
	  .regions = { { 0x8000000000ULL, SZ_1G }, { 0x100000200000ULL, SZ_1G } },
	  .carve_base = 0x8000200000ULL, .carve_size = SZ_2M, .host_pool = 192, .hyp_pool = 128,
	  .hyp_va_offset = 0, .host_ia_bits = 48, .nr_vm_slots = 16 },
};

/*
 * The machine a zero header is: virt, whose unused regions wait further up
 * (16 GiB apart, every other one off 2 MiB alignment), so that raising the
 * count alone gives a machine that still boots.
 */
static void zero_machine(struct fz_machine *m)
{
	*m = presets[0];
	for (unsigned i = 1; i < FZ_MAX_REGIONS; i++) {
		m->regions[i].base = i * 16 * SZ_1G + (i & 1 ? 0x3000 : 0);
		m->regions[i].size = SZ_1G - i * 0x1000;
	}
}

/* The header of @m before the XOR: counts reduced back, the rest as it is. */
static bool encode_raw(const struct fz_machine *m, uint8_t *h)
{
	memset(h, 0, FZ_HEADER_SIZE);
	if (m->nr_regions >= 1 && m->nr_regions <= FZ_MAX_REGIONS)
		h[H_REGIONS] = (uint8_t)(m->nr_regions - 1);
	else if (m->nr_regions == 0 || m->nr_regions == FZ_MAX_REGIONS + 1)
		h[H_REGIONS] = (uint8_t)(0xf0 | (m->nr_regions != 0));
	else
		return false;
	if (m->host_ia_bits >= 32 && m->host_ia_bits <= 48)
		h[H_IA_BITS] = (uint8_t)(m->host_ia_bits - 32);
	else if (m->host_ia_bits < 64)
		h[H_IA_BITS] = (uint8_t)(0xc0 | m->host_ia_bits);
	else
		return false;
	if (m->nr_vm_slots <= 16)
		h[H_VM_SLOTS] = (uint8_t)m->nr_vm_slots;
	else if (m->nr_vm_slots < 17 + 32)
		h[H_VM_SLOTS] = (uint8_t)(0xe0 + m->nr_vm_slots - 17);
	else
		return false;
	if (m->host_pool > FZ_MAX_POOL || m->hyp_pool > FZ_MAX_POOL)
		return false;
	fz_wr(h + H_HOST_POOL, 2, enc_pool(m->host_pool));
	fz_wr(h + H_HYP_POOL, 2, enc_pool(m->hyp_pool));
	if (m->nr_private <= FZ_MAX_PRIVATE)
		h[H_NR_PRIVATE] = (uint8_t)m->nr_private;
	else if (m->nr_private == PRIVATE_PAST)
		h[H_NR_PRIVATE] = 0xf0;
	else
		return false;
	for (unsigned i = 0; i < FZ_MAX_PRIVATE; i++) {
		uint8_t *p = h + H_PRIVATE + 24 * i;

		if (m->private_range[i].nr > UINT32_MAX || m->private_range[i].prot > 0xff ||
		    m->private_range[i].memtype > 0xff)
			return false;
		fz_wr(p, 8, m->private_range[i].va);
		fz_wr(p + 8, 8, m->private_range[i].pa);
		fz_wr(p + 16, 4, m->private_range[i].nr);
		p[20] = (uint8_t)m->private_range[i].prot;
		p[21] = (uint8_t)m->private_range[i].memtype;
	}
	fz_wr(h + H_HYP_VA, 8, m->hyp_va_offset);
	fz_wr(h + H_CARVE_BASE, 8, m->carve_base);
	fz_wr(h + H_CARVE_SIZE, 8, m->carve_size);
	for (unsigned i = 0; i < FZ_MAX_REGIONS; i++) {
		fz_wr(h + H_REGION + 16 * i, 8, m->regions[i].base);
		fz_wr(h + H_REGION + 16 * i + 8, 8, m->regions[i].size);
	}
	return true;
}

static const uint8_t *zero_raw(void)
{
	static uint8_t raw[FZ_HEADER_SIZE];
	static bool done;

	if (!done) {
		struct fz_machine m;

		zero_machine(&m);
		encode_raw(&m, raw);
		done = true;
	}
	return raw;
}

void fz_decode_machine(const uint8_t *hdr, struct fz_machine *m)
{
	const uint8_t *z = zero_raw();
	uint8_t h[FZ_HEADER_SIZE];

	for (unsigned i = 0; i < FZ_HEADER_SIZE; i++)
		h[i] = hdr[i] ^ z[i];
	memset(m, 0, sizeof(*m));
	m->nr_regions = dec_regions(h[H_REGIONS]);
	m->host_ia_bits = dec_ia_bits(h[H_IA_BITS]);
	m->nr_vm_slots = dec_vm_slots(h[H_VM_SLOTS]);
	m->host_pool = dec_pool(fz_rd(h + H_HOST_POOL, 2));
	m->hyp_pool = dec_pool(fz_rd(h + H_HYP_POOL, 2));
	m->hyp_va_offset = fz_rd(h + H_HYP_VA, 8);
	m->carve_base = fz_rd(h + H_CARVE_BASE, 8);
	m->carve_size = fz_rd(h + H_CARVE_SIZE, 8);
	for (unsigned i = 0; i < FZ_MAX_REGIONS; i++) {
		m->regions[i].base = fz_rd(h + H_REGION + 16 * i, 8);
		m->regions[i].size = fz_rd(h + H_REGION + 16 * i + 8, 8);
	}
	m->nr_private = dec_privates(h[H_NR_PRIVATE]);
	for (unsigned i = 0; i < FZ_MAX_PRIVATE; i++) {
		const uint8_t *p = h + H_PRIVATE + 24 * i;

		m->private_range[i].va = fz_rd(p, 8);
		m->private_range[i].pa = fz_rd(p + 8, 8);
		m->private_range[i].nr = fz_rd(p + 16, 4);
		m->private_range[i].prot = p[20];
		m->private_range[i].memtype = p[21];
	}
}

bool fz_encode_machine(const struct fz_machine *m, uint8_t *hdr)
{
	const uint8_t *z = zero_raw();

	if (!encode_raw(m, hdr))
		return false;
	for (unsigned i = 0; i < FZ_HEADER_SIZE; i++)
		hdr[i] ^= z[i];
	return true;
}

unsigned fz_machine_regions(const struct fz_machine *m)
{
	return m->nr_regions < FZ_MAX_REGIONS ? m->nr_regions : FZ_MAX_REGIONS;
}

unsigned fz_machine_privates(const struct fz_machine *m)
{
	return m->nr_private < FZ_MAX_PRIVATE ? m->nr_private : FZ_MAX_PRIVATE;
}

uint64_t fz_machine_top_pfn(const struct fz_machine *m)
{
	unsigned bits = m->host_ia_bits < 12 ? 12 : m->host_ia_bits > 63 ? 63 : m->host_ia_bits;

	return 1ULL << (bits - 12);
}

uint64_t fz_memory_pages(const struct fz_machine *m)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < fz_machine_regions(m); i++)
		n += m->regions[i].size >> 12;
	return n;
}

bool fz_memory_pfn(const struct fz_machine *m, uint64_t index, uint64_t *pfn)
{
	for (unsigned i = 0; i < fz_machine_regions(m); i++) {
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
		   "machine ia_bits=%u vm_slots=%u hyp_va_offset=%#llx carveout=%#llx+%#llx "
		   "host_pool=%llu hyp_pool=%llu",
		   m->host_ia_bits, m->nr_vm_slots, (unsigned long long)m->hyp_va_offset,
		   (unsigned long long)m->carve_base, (unsigned long long)m->carve_size,
		   (unsigned long long)m->host_pool, (unsigned long long)m->hyp_pool);
	/* A count the regions do not say: none, or one more than are stored. */
	if (m->nr_regions != fz_machine_regions(m) || !m->nr_regions)
		fz_appendf(buf, len, &used, " regions=%u", m->nr_regions);
	for (unsigned i = 0; i < fz_machine_regions(m); i++)
		fz_appendf(buf, len, &used, " mem%u=%#llx+%#llx", i,
			   (unsigned long long)m->regions[i].base,
			   (unsigned long long)m->regions[i].size);
	if (m->nr_private != fz_machine_privates(m))
		fz_appendf(buf, len, &used, " privates=%u", m->nr_private);
	for (unsigned i = 0; i < fz_machine_privates(m); i++)
		fz_appendf(buf, len, &used, " private%u=%#llx:%#llx:%llu:%u:%u", i,
			   (unsigned long long)m->private_range[i].va,
			   (unsigned long long)m->private_range[i].pa,
			   (unsigned long long)m->private_range[i].nr, m->private_range[i].prot,
			   m->private_range[i].memtype);
	return used < len ? used : len ? len - 1 : 0;
}

int fz_machine_line(const uint8_t *hdr, char *buf, size_t len)
{
	struct fz_machine m;

	fz_decode_machine(hdr, &m);
	return (int)fz_machine_format(&m, buf, len);
}

/* BASE+SIZE, two numbers. */
static bool parse_span(const char *key, const char *v, uint64_t *base, uint64_t *size,
		       struct fz_err *e)
{
	char tmp[64];
	char *plus;

	if (strlen(v) >= sizeof(tmp))
		return fz_fail(e, "%s: '%s' is too long for BASE+SIZE", key, v);
	strcpy(tmp, v);
	plus = strchr(tmp, '+');
	if (!plus)
		return fz_fail(e, "%s: '%s' is not BASE+SIZE", key, v);
	*plus = 0;
	if (!fz_num(tmp, base) || !fz_num(plus + 1, size))
		return fz_fail(e, "%s: '%s' is not BASE+SIZE (two numbers)", key, v);
	return true;
}

/* VA:PA:NR:PROT:MEMTYPE, a private hyp range (S32), into range @r of @m. */
static bool parse_private(const char *key, const char *v, struct fz_machine *m, unsigned r,
			  struct fz_err *e)
{
	static const uint64_t max[5] = { UINT64_MAX, UINT64_MAX, UINT32_MAX, 0xff, 0xff };
	uint64_t x[5];
	char tmp[96], *next = tmp;

	if (strlen(v) >= sizeof(tmp))
		return fz_fail(e, "%s: '%s' is too long for VA:PA:NR:PROT:MEMTYPE", key, v);
	strcpy(tmp, v);
	for (unsigned i = 0; i < 5; i++) {
		char *colon = strchr(next, ':');

		if ((i < 4) != (colon != NULL))
			return fz_fail(e, "%s: '%s' is not VA:PA:NR:PROT:MEMTYPE", key, v);
		if (colon)
			*colon = 0;
		if (!fz_num(next, &x[i]) || x[i] > max[i])
			return fz_fail(e, "%s: '%s' is not VA:PA:NR:PROT:MEMTYPE (NR up to 2^32 - 1, "
				       "PROT and MEMTYPE up to 255)", key, v);
		if (colon)
			next = colon + 1;
	}
	m->private_range[r].va = x[0];
	m->private_range[r].pa = x[1];
	m->private_range[r].nr = x[2];
	m->private_range[r].prot = (unsigned)x[3];
	m->private_range[r].memtype = (unsigned)x[4];
	return true;
}

/* @key's number into *@out, when the line has it. */
static bool parse_num(struct fz_kvline *l, const char *key, uint64_t hi, uint64_t *out,
		      struct fz_err *e)
{
	const char *v = fz_kv_take(l, key);

	return !v || fz_num_in(key, v, 0, hi, out, e);
}

bool fz_machine_parse(struct fz_kvline *l, uint8_t *hdr, struct fz_err *e)
{
	struct fz_machine m;
	__typeof__(m.regions[0]) spare[FZ_MAX_REGIONS];
	const char *v;
	unsigned i;
	uint64_t n, ia, slots;

	zero_machine(&m);
	if ((v = fz_kv_take(l, "preset"))) {
		if (!fz_name(v, preset_names, NR_PRESETS, &i))
			return fz_fail(e, "preset: '%s' is not virt, phone, tiny or wide", v);
		/* The regions a preset leaves out keep the zero header's. */
		for (unsigned r = presets[i].nr_regions; r < FZ_MAX_REGIONS; r++)
			spare[r] = m.regions[r];
		m = presets[i];
		for (unsigned r = presets[i].nr_regions; r < FZ_MAX_REGIONS; r++)
			m.regions[r] = spare[r];
	}
	for (unsigned r = 0; r < FZ_MAX_REGIONS; r++) {
		char key[8];

		snprintf(key, sizeof(key), "mem%u", r);
		if ((v = fz_kv_take(l, key))) {
			if (!parse_span(key, v, &m.regions[r].base, &m.regions[r].size, e))
				return false;
			m.nr_regions = m.nr_regions > r + 1 ? m.nr_regions : r + 1;
		}
	}
	for (unsigned r = 0; r < FZ_MAX_PRIVATE; r++) {
		char key[12];

		snprintf(key, sizeof(key), "private%u", r);
		if ((v = fz_kv_take(l, key))) {
			if (!parse_private(key, v, &m, r, e))
				return false;
			m.nr_private = m.nr_private > r + 1 ? m.nr_private : r + 1;
		}
	}
	if ((v = fz_kv_take(l, "privates"))) {
		if (!fz_num(v, &n) || (n > FZ_MAX_PRIVATE && n != PRIVATE_PAST))
			return fz_fail(e, "privates: '%s' is not 0 to %u, or %u", v, FZ_MAX_PRIVATE,
				       PRIVATE_PAST);
		m.nr_private = (unsigned)n;
	}
	n = m.nr_regions;
	ia = m.host_ia_bits;
	slots = m.nr_vm_slots;
	if (!parse_num(l, "regions", FZ_MAX_REGIONS + 1, &n, e) ||
	    !parse_num(l, "ia_bits", 63, &ia, e) || !parse_num(l, "vm_slots", 48, &slots, e) ||
	    !parse_num(l, "host_pool", FZ_MAX_POOL, &m.host_pool, e) ||
	    !parse_num(l, "hyp_pool", FZ_MAX_POOL, &m.hyp_pool, e) ||
	    !parse_num(l, "hyp_va_offset", UINT64_MAX, &m.hyp_va_offset, e))
		return false;
	m.nr_regions = (unsigned)n;
	m.host_ia_bits = (unsigned)ia;
	m.nr_vm_slots = (unsigned)slots;
	if ((v = fz_kv_take(l, "carveout")) &&
	    !parse_span("carveout", v, &m.carve_base, &m.carve_size, e))
		return false;
	if (!fz_kv_all_used(l, e))
		return false;
	if (!fz_encode_machine(&m, hdr))
		return fz_fail(e, "machine: a count out of the header's reach");
	return true;
}

/* @count blocks of 4 KiB to 512 GiB (@r picks), give or take a page now and then. */
static uint64_t blocks(uint64_t r, uint64_t count)
{
	static const unsigned shift[4] = { 12, 21, 30, 39 };
	uint64_t v = count << shift[r & 3];

	switch (r >> 2 & 7) {
	case 0:
		return v + 0x1000;
	case 1:
		return v - 0x1000;
	default:
		return v;
	}
}

/* A value at or near an edge: exactly it, a page either side, unaligned, wrapped. */
static uint64_t near(uint64_t edge, uint64_t r)
{
	static const int64_t delta[8] = { 0, 0, 0, 0x1000, -0x1000, 0x800, 1LL << 21, -(1LL << 21) };

	return edge + (uint64_t)delta[r & 7];
}

static void mutate_region(struct fz_machine *m, unsigned k, uint64_t a, uint64_t b)
{
	uint64_t top = 1ULL << (m->host_ia_bits < 64 ? m->host_ia_bits : 63);
	uint64_t prev_end = k ? m->regions[k - 1].base + m->regions[k - 1].size : 0;
	uint64_t *base = &m->regions[k].base, *size = &m->regions[k].size;

	switch (a & 7) {
	case 0: /* touching the region before, or a block boundary past it */
		*base = prev_end + (b & 1 ? 0 : blocks(b >> 1, 1 + (b >> 8 & 3)));
		break;
	case 1: { /* aligned up to a block size past the region before */
		uint64_t align = 1ULL << (uint64_t[]){ 12, 21, 30, 39 }[b & 3];

		*base = (prev_end + align - 1) & ~(align - 1);
		break;
	}
	case 2: /* overlapping the region before, or before it */
		*base = k ? near(m->regions[k - 1].base + (b & 1 ? m->regions[k - 1].size / 2 : 0),
				 b >> 1)
			  : near(0, b);
		break;
	case 3: /* its end at the address space's end, or past it */
		*base = near(top - *size, b);
		break;
	case 4: /* a size in blocks */
		*size = blocks(b, 1 + (b >> 5 & 7));
		break;
	case 5: /* a size up to the address space's end */
		*size = near(top - *base, b);
		break;
	case 6: /* a block alone in its 1 GiB or 512 GiB entry */
		*base = near(((prev_end >> 39) + 1 + (b >> 3 & 3)) << 39, b & 3);
		*size = blocks(b >> 5, 1);
		break;
	default: /* anywhere */
		*base = (b & ((1ULL << 48) - 1)) & ~0xfffULL;
		break;
	}
}

/*
 * A private hyp range (S32): its VA on a region's linear map or just past it,
 * at another range, or out of the way; its PA anywhere; a few pages or too
 * many; protections and memory types allowed or not.
 */
static void mutate_private(struct fz_machine *m, uint64_t a, uint64_t b, uint64_t c)
{
	/* R, RW, RX (allowed); W, RWX, X, none, a bit past RWX */
	static const unsigned prots[8] = { 4, 6, 5, 2, 7, 1, 0, 12 };
	unsigned i = (unsigned)(a >> 16) % FZ_MAX_PRIVATE;
	unsigned region = (unsigned)(a >> 24) % (fz_machine_regions(m) ? fz_machine_regions(m) : 1);
	__typeof__(m->private_range[0]) *p = &m->private_range[i];
	const __typeof__(m->private_range[0]) *other = &m->private_range[(i + 1) % FZ_MAX_PRIVATE];
	uint64_t linear = m->regions[region].base + m->hyp_va_offset;

	if (!(a & 7)) {
		m->nr_private = a & 8 ? PRIVATE_PAST : (unsigned)(a >> 4) % (FZ_MAX_PRIVATE + 1);
		return;
	}
	m->nr_private = m->nr_private > i ? m->nr_private : i + 1;
	if (c & 1) { /* a whole range that could be fine: a few pages */
		p->pa = (m->regions[region].base + (c >> 8 & 0xff) * 0x1000) & ~0xfffULL;
		/* Out of the way, as often as not; else identity, or on the other range. */
		p->va = (1ULL << 47) + (uint64_t)i * (1ULL << 40) + (p->pa & ((1ULL << 39) - 1));
		if (c & 4)
			p->va = c & 8 ? p->pa : other->va;
		p->nr = 1 + (c >> 16 & 15);
		p->prot = prots[c >> 20 & 7];
		p->memtype = c >> 23 & 1 ? c >> 24 & 3 : c >> 24 & 1;
		if (c & 2) /* as it is; else with one thing changed below */
			return;
	}
	switch (b & 7) {
	case 0: /* on a region's linear map, or touching its end */
		p->va = b & 8 ? near(linear, b >> 4) : near(linear + m->regions[region].size, b >> 4);
		break;
	case 1: /* on or touching the other range */
		p->va = near(other->va + (b & 8 ? 0 : other->nr << 12), b >> 4);
		break;
	case 2: /* identity, as el2 maps its own */
		p->va = p->pa;
		break;
	case 3: /* at the top of the 48-bit VA space, or past it */
		p->va = near((1ULL << 48) - (p->nr << 12), b >> 4);
		break;
	case 4:
		p->pa = near(m->regions[region].base, b >> 4);
		break;
	case 5: /* a few pages, a 2 MiB or 1 GiB block's worth, none, past 2^48 */
		p->nr = (uint64_t[]){ 1 + (b >> 8 & 15), 512, 1 << 18, 0, 1ULL << 32 }[(b >> 4 & 7) % 5];
		p->nr = p->nr > UINT32_MAX ? UINT32_MAX : p->nr;
		break;
	case 6:
		p->prot = prots[b >> 4 & 7];
		p->memtype = b & 8 ? (unsigned)(b >> 8) & 3 : (b >> 8 & 1);
		break;
	default: /* somewhere out of the way: 2^47 up */
		p->va = ((1ULL << 47) + (b >> 4 & 0xffffff) * 0x1000) & ~0xfffULL;
		break;
	}
}

void fz_machine_mutate(uint8_t *hdr, uint64_t r[4])
{
	struct fz_machine m;
	unsigned k;
	uint64_t a = r[1], b = r[2], carve_pages;

	fz_decode_machine(hdr, &m);
	k = (unsigned)(a >> 8) % (fz_machine_regions(&m) ? fz_machine_regions(&m) : 1);
	carve_pages = m.carve_size >> 12;
	switch (r[0] % 14) {
	case 0:
		m.nr_regions = b & 15 ? 1 + (unsigned)(b >> 4) % FZ_MAX_REGIONS
				      : (b & 16 ? FZ_MAX_REGIONS + 1 : 0);
		break;
	case 1:
		m.host_ia_bits = b & 7 ? 32 + (unsigned)(b >> 3) % 17 : (unsigned)(b >> 3) % 64;
		break;
	case 2:
		m.nr_vm_slots = b & 7 ? (unsigned)(b >> 3) % 17 : 17;
		break;
	case 3: { /* a pool: none, a few, all the carve-out, one more */
		uint64_t *pool = a & 1 ? &m.host_pool : &m.hyp_pool;
		uint64_t room = a & 2 ? carve_pages : carve_pages - m.host_pool;
		uint64_t v = (uint64_t[]){ 0, 1, 2 + (b >> 3 & 15), room, room + 1, b >> 3 }[b % 6];

		*pool = v <= FZ_MAX_POOL ? v : (b >> 3) & FZ_MAX_POOL;
		break;
	}
	case 4: { /* the hyp VA offset: a block multiple, or the edge of 2^48 */
		uint64_t end = m.regions[fz_machine_regions(&m) ? fz_machine_regions(&m) - 1 : 0].base +
			       m.regions[fz_machine_regions(&m) ? fz_machine_regions(&m) - 1 : 0].size;

		m.hyp_va_offset = b & 1 ? near((1ULL << 48) - end, b >> 1)
					: near(blocks(b >> 1, b >> 8 & 0x3f), b >> 20);
		break;
	}
	case 5: /* the carve-out inside region k, or across its end */
		m.carve_base = b & 1 ? near(m.regions[k].base + (m.regions[k].size & ~0xfffULL) / 2 *
								    (b >> 1 & 1), b >> 2)
				     : near(m.regions[k].base + m.regions[k].size - m.carve_size / 2,
					    b >> 2);
		break;
	case 6: /* the carve-out's size: the pools and a few, or blocks */
		m.carve_size = b & 1 ? (m.host_pool + m.hyp_pool + (b >> 1 & 63)) << 12
				     : blocks(b >> 1, 1 + (b >> 4 & 3));
		break;
	case 7: /* the carve-out and pools made to fit region k again */
		m.carve_size = (m.host_pool + m.hyp_pool + 1 + (b & 63)) << 12;
		m.carve_base = (m.regions[k].base + 0xfff) & ~0xfffULL;
		break;
	case 8:
		mutate_private(&m, a, b, r[3]);
		break;
	case 9: { /* region k's end on a 2 MiB, 1 GiB or 512 GiB boundary, or a page either side */
		uint64_t align = 1ULL << (uint64_t[]){ 21, 30, 39 }[b % 3];
		uint64_t end = (m.regions[k].base + m.regions[k].size + align - 1) & ~(align - 1);

		m.regions[k].size = end + (uint64_t[]){ 0, -0x1000ULL, 0x1000 }[(b >> 2) % 3] -
				    m.regions[k].base;
		break;
	}
	default:
		mutate_region(&m, k, a, b);
		break;
	}
	fz_encode_machine(&m, hdr);
}
