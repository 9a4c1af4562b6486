// SPDX-License-Identifier: MIT
/*
 * Random operation sequences on a 4 GiB two-region machine. The reference
 * must stay small (runs merge), and its output must keep the
 * structural laws that hold whatever the operations were: pre-order
 * streams, no empty table (§4.3), aligned leaves, identity host leaves,
 * pages in host stage-2 only where §4.1 allows them, page records that
 * agree with the host and hyp entries, and pool accounting (§7).
 */
#include "ref_test.h"

#define HYP_OFF	 (64 * GiB)
#define NR_SLOTS 8

static const uint64_t mem_lo[2] = { 0x40000000ull, 0x100200000ull };
static const uint64_t mem_hi[2] = { 0xc0000000ull, 0x180200000ull };

static struct ref_desc machine_4g(void)
{
	struct ref_desc d;

	memset(&d, 0, sizeof(d));
	d.nr_mem = 2;
	d.mem[0].base = mem_lo[0];
	d.mem[0].size = mem_hi[0] - mem_lo[0];
	d.mem[1].base = mem_lo[1];
	d.mem[1].size = mem_hi[1] - mem_lo[1];
	d.carveout.base = 0x40000000;
	d.carveout.size = 8 * MiB;
	d.host_pool_pages = 1000;
	d.hyp_pool_pages = 1000;
	d.hyp_va_offset = HYP_OFF;
	d.host_ia_bits = 40;
	d.nr_vm_slots = NR_SLOTS;
	return d;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static int in_region(uint64_t lo, uint64_t hi)
{
	int i;

	for (i = 0; i < 2; i++)
		if (lo >= mem_lo[i] && hi <= mem_hi[i])
			return 1;
	for (i = 0; i < 2; i++)
		if (lo < mem_hi[i] && mem_lo[i] < hi)
			return 0;
	return hi <= (1ull << 40); /* inside one MMIO gap */
}

static uint64_t span_bytes(unsigned int level)
{
	return 1ull << (12 + 9 * (3 - level));
}

struct check {
	unsigned int kind;
	uint64_t tables;
	/* open tables: level of their entries, base, records seen */
	int depth;
	unsigned int lvl[5];
	uint64_t base[5], seen[5], last[5];
	int first[5];
};

static void close_to(struct check *c, unsigned int level)
{
	while (c->depth > 0 && c->lvl[c->depth] > level) {
		assert_true(c->seen[c->depth] > 0); /* §4.3: no empty table */
		c->depth--;
	}
}

static void check_emit(void *arg, unsigned int level, uint64_t ia, uint64_t desc)
{
	struct check *c = arg;
	uint64_t span = span_bytes(level);
	uint64_t oa = desc & 0x0000fffffffff000ull;

	close_to(c, level);
	assert_int_equal(c->lvl[c->depth], level);
	assert_true(ia >= c->base[c->depth]);
	assert_true(ia - c->base[c->depth] < span * 512);
	assert_int_equal(ia & (span - 1), 0);
	if (!c->first[c->depth])
		assert_true(ia > c->last[c->depth]);
	c->first[c->depth] = 0;
	c->last[c->depth] = ia;
	c->seen[c->depth]++;
	assert_true(desc != 0);
	if (desc == TABLE) {
		assert_true(level < 3);
		c->tables++;
		c->depth++;
		c->lvl[c->depth] = level + 1;
		c->base[c->depth] = ia;
		c->seen[c->depth] = 0;
		c->first[c->depth] = 1;
		return;
	}
	assert_true(level >= 1);
	if (!(desc & 1)) { /* annotation: owner only */
		assert_int_equal(desc & ~0x3fcull, 0);
		assert_int_equal(c->kind, REF_KIND_HOST_S2);
		return;
	}
	assert_int_equal(!!(desc & 2), level == 3);
	assert_int_equal(oa & (span - 1), 0);
	if (c->kind == REF_KIND_HOST_S2) {
		uint64_t attrs = desc & ~0x0000fffffffff002ull;

		assert_int_equal(oa, ia);
		if (level < 3) {
			assert_true(in_region(ia, ia + span));
			assert_true(attrs == S2_HOST_MEM || attrs == S2_HOST_MMIO);
		}
	} else if (c->kind == REF_KIND_HYP_S1) {
		assert_int_equal(oa + HYP_OFF, ia);
	}
}

static void check_table(const struct ref *r, unsigned int kind, unsigned int vm,
			unsigned int ia_bits)
{
	struct check c;

	memset(&c, 0, sizeof(c));
	c.kind = kind;
	c.lvl[0] = ia_bits > 39 ? 0 : 1;
	c.seen[0] = 1; /* the root may be empty */
	c.first[0] = 1;
	ref_stream(r, kind, vm, check_emit, &c);
	close_to(&c, 0);
	assert_int_equal(c.tables + 1, ref_table_pages(r, kind, vm));
}

/* The host and hyp entries of a page agree with its record (§5). */
static void check_page(const struct ref *r, uint64_t pfn)
{
	struct ref_page_state ps;
	unsigned int level;
	uint64_t h, y;

	ref_page(r, pfn, &ps);
	assert_int_equal(ref_get_leaf(r, REF_KIND_HOST_S2, 0, pfn << 12, &level, &h), 0);
	assert_int_equal(ref_get_leaf(r, REF_KIND_HYP_S1, 0, (pfn << 12) + HYP_OFF, &level, &y), 0);
	if (!ps.memory) {
		assert_true(h == 0 || (h & ~0x0000fffffffff002ull) == S2_HOST_MMIO);
		assert_int_equal(y, 0);
		return;
	}
	switch (ps.owner) {
	case REF_OWNER_HYP:
		assert_int_equal(h, ANNOT_HYP);
		assert_int_equal(y & ~0x0000fffffffff002ull, S1_PAGE_HYP);
		break;
	case REF_OWNER_GUEST:
		assert_int_equal(h, ANNOT_GUEST);
		assert_int_equal(y, 0);
		break;
	default:
		if (ps.host == REF_SHARED_OWNED) {
			assert_int_equal(h & ~0x0000fffffffff000ull,
					 S2_HOST_MEM | S2_PAGE | SW_SHARED_OWNED);
		} else {
			assert_true(h == 0 || (h & ~0x0000fffffffff002ull) == S2_HOST_MEM);
		}
		if (ps.hyp == REF_SHARED_BORROWED)
			assert_int_equal(y & ~0x0000fffffffff000ull,
					 S1_PAGE_HYP | S2_PAGE | SW_BORROWED);
		else
			assert_int_equal(y, 0);
		break;
	}
}

static void check_all(const struct ref *r, int hidden)
{
	unsigned int vm;

	check_table(r, REF_KIND_HOST_S2, 0, 40);
	check_table(r, REF_KIND_HYP_S1, 0, 48);
	for (vm = 0; vm < NR_SLOTS; vm++)
		if (ref_vm_live(r, vm))
			check_table(r, REF_KIND_GUEST_S2, vm, r->vm[vm].ia_bits);
	if (!hidden) {
		assert_int_equal(ref_pool_free(r, REF_POOL_HOST) +
					 ref_table_pages(r, REF_KIND_HOST_S2, 0),
				 1000);
		assert_int_equal(ref_pool_free(r, REF_POOL_HYP) +
					 ref_table_pages(r, REF_KIND_HYP_S1, 0),
				 1000);
	}
	for (vm = 0; vm < NR_SLOTS; vm++) {
		uint64_t t = ref_table_pages(r, REF_KIND_GUEST_S2, vm);

		assert_true(ref_pool_free(r, REF_POOL_VM(vm)) + (t ? t - 1 : 0) <=
			    ref_pool_size(r, REF_POOL_VM(vm)));
	}
}

/* Touching all 4 GiB page by page maps a handful of blocks. */
static void abort_every_page_keeps_runs_few(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	uint64_t a;
	int i;

	for (i = 0; i < 2; i++)
		for (a = mem_lo[i]; a < mem_hi[i]; a += 4096)
			assert_int_equal(ref_host_mem_abort(r, a),
					 a < mem_lo[0] + 8 * MiB ? -REF_EPERM : 0);
	/* R0: 1 GiB 1-2, 2-3; 2 MiB blocks 1G+8M..2G; R1 2 MiB-aligned only */
	assert_true(ref_nr_leaf_runs(r, REF_KIND_HOST_S2, 0) <= 8);
	assert_true(ref_nr_page_runs(r) <= 4);
	check_all(r, 0);
}

static uint64_t hot_pfn(void)
{
	static const uint64_t hot[] = {
		0x40800000,  0x40a00000,  0x7fe00000,  0x80000000,  0xbfe00000,
		0x100200000, 0x13fe00000, 0x140000000, 0x180000000,
	};
	uint64_t base;

	switch (rnd_below(4)) {
	case 0: /* anywhere in memory or a little beyond */
		base = rnd_below(2) ? mem_lo[0] : mem_lo[1];
		return PFN(base) + rnd_below(PFN(2 * GiB) + 64);
	case 1: /* anywhere in the space */
		return rnd_below(1ull << 28);
	default:
		return PFN(hot[rnd_below(sizeof(hot) / sizeof(hot[0]))]) + rnd_below(1024);
	}
}

static uint64_t rnd_nr(void)
{
	switch (rnd_below(8)) {
	case 0:
		return 1ull << 18;
	case 1:
		return 512;
	case 2:
		return rnd_below(4096) + 1;
	default:
		return rnd_below(8) + 1;
	}
}

static unsigned int op_ok[20], op_nomem[20];

/* Pages and gfns that recent successful operations used: likely targets. */
static uint64_t recent_pfn[64], recent_gfn[64];
static unsigned int recent_vm[64];

static uint64_t pick_pfn(void)
{
	return rnd_below(2) ? recent_pfn[rnd_below(64)] : hot_pfn();
}

/* Host pages handed out in order, most of them still host-owned. */
static uint64_t fresh_pfn(void)
{
	static uint64_t next = 0x150000;

	if (rnd_below(4))
		return next++;
	return pick_pfn();
}

/* The pages each slot's VM owns, to reclaim them after teardown. */
static uint64_t slot_pages[NR_SLOTS][4096];
static unsigned int slot_nr[NR_SLOTS];

static void slot_add(unsigned int vm, uint64_t pfn)
{
	if (slot_nr[vm] < 4096)
		slot_pages[vm][slot_nr[vm]++] = pfn;
}

static void slot_del(unsigned int vm, uint64_t pfn)
{
	unsigned int i;

	for (i = 0; i < slot_nr[vm]; i++)
		if (slot_pages[vm][i] == pfn) {
			slot_pages[vm][i] = slot_pages[vm][--slot_nr[vm]];
			return;
		}
}

static void remember(uint64_t pfn, unsigned int vm, uint64_t gfn)
{
	unsigned int i = (unsigned int)rnd_below(64);

	recent_pfn[i] = pfn;
	recent_vm[i] = vm;
	recent_gfn[i] = gfn;
}

static void random_op(struct ref *r, int *hidden)
{
	unsigned int i = (unsigned int)rnd_below(64);
	unsigned int vm = (unsigned int)rnd_below(NR_SLOTS + 1) % 4;
	uint64_t pfn = pick_pfn(), gfn = rnd_below(1ull << 22);
	unsigned int op = (unsigned int)rnd_below(20);
	int ret = 0;

	if (rnd_below(2))
		gfn &= 63;
	switch (op) {
	case 0:
	case 1:
		ret = ref_host_mem_abort(r, pfn << 12);
		break;
	case 2:
		ret = ref_host_share_hyp(r, pfn);
		break;
	case 3:
		ret = ref_host_unshare_hyp(r, pfn);
		break;
	case 4:
		ret = rnd_below(2) ? ref_hyp_pin(r, pfn) : ref_hyp_unpin(r, pfn);
		break;
	case 5:
		if (rnd_below(2))
			pfn &= ~511ull;
		ret = ref_host_donate_hyp(r, pfn, rnd_nr());
		break;
	case 6:
	case 7:
		if (rnd_below(2))
			pfn &= ~511ull;
		ret = ref_hyp_donate_host(r, pfn, rnd_below(2) ? 1 : rnd_nr());
		break;
	case 8:
		pfn = fresh_pfn();
		ret = ref_vm_create(r, vm, 32 + (unsigned int)rnd_below(17), pfn);
		if (!ret)
			slot_add(vm, pfn);
		break;
	case 9:
	case 19:
		pfn = fresh_pfn();
		ret = ref_vm_topup(r, vm, pfn);
		if (!ret)
			slot_add(vm, pfn);
		break;
	case 10:
		pfn = fresh_pfn();
		ret = ref_host_donate_guest(r, vm, pfn, gfn);
		if (!ret)
			slot_add(vm, pfn);
		break;
	case 11:
		pfn = fresh_pfn();
		ret = ref_host_share_guest(r, vm, pfn, gfn, (unsigned int)rnd_below(9));
		break;
	case 12:
		if (rnd_below(2)) {
			vm = recent_vm[i];
			gfn = recent_gfn[i];
		}
		ret = ref_host_unshare_guest(r, vm, gfn);
		break;
	case 13:
		if (rnd_below(2)) {
			vm = recent_vm[i];
			gfn = recent_gfn[i];
		}
		{
			unsigned int level;
			uint64_t d = 0;

			ref_get_leaf(r, REF_KIND_GUEST_S2, vm, gfn << 12, &level, &d);
			ret = ref_guest_relinquish(r, vm, gfn);
			if (!ret)
				slot_del(vm, (d & 0x0000fffffffff000ull) >> 12);
		}
		break;
	case 14:
		if (!rnd_below(6))
			ret = ref_vm_teardown(r, vm);
		break;
	case 15:
	case 16:
		if (slot_nr[vm] && rnd_below(4))
			pfn = slot_pages[vm][rnd_below(slot_nr[vm])];
		ret = ref_host_reclaim_page(r, pfn);
		if (!ret)
			slot_del(vm, pfn);
		break;
	case 17:
		if (rnd_below(2)) {
			ref_pool_hide(r, (unsigned int)rnd_below(NR_SLOTS + 2), rnd_below(4));
			*hidden = 1;
		} else {
			unsigned int p;

			for (p = 0; p < NR_SLOTS + 2; p++)
				ref_pool_unhide(r, p);
			*hidden = 0;
		}
		break;
	case 18:
		/* give back a whole donated range, as a host would */
		ret = ref_hyp_donate_host(r, pfn & ~511ull, 512);
		break;
	}
	if (!ret)
		remember(pfn, vm, gfn);
	op_ok[op] += !ret;
	op_nomem[op] += ret == -REF_ENOMEM;
	assert_true(ret == 0 || ret == -REF_EPERM || ret == -REF_EINVAL || ret == -REF_ENOENT ||
		    ret == -REF_EEXIST || ret == -REF_EBUSY || ret == -REF_ENOMEM);
}

static void random_sequences_keep_laws_and_runs_small(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	int hidden = 0, i, j;

	for (i = 0; i < 30000; i++) {
		random_op(r, &hidden);
		if (i % 97 == 0) {
			check_all(r, hidden);
			for (j = 0; j < 16; j++)
				check_page(r, hot_pfn());
		}
		assert_true(ref_nr_page_runs(r) < 4000);
		assert_true(ref_nr_leaf_runs(r, REF_KIND_HOST_S2, 0) < 8000);
	}
	check_all(r, hidden);
	print_message("page runs %zu, host leaf runs %zu, hyp leaf runs %zu, "
		      "host tables %llu\n",
		      ref_nr_page_runs(r), ref_nr_leaf_runs(r, REF_KIND_HOST_S2, 0),
		      ref_nr_leaf_runs(r, REF_KIND_HYP_S1, 0),
		      (unsigned long long)ref_table_pages(r, REF_KIND_HOST_S2, 0));
	for (i = 0; i < 20; i++)
		print_message("op %d: %u ok, %u enomem\n", i, op_ok[i], op_nomem[i]);
}

static int setup(void **state)
{
	struct ref_desc d = machine_4g();

	return fixture_setup_desc(state, &d, 64 * MiB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(abort_every_page_keeps_runs_few, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(random_sequences_keep_laws_and_runs_small, setup,
						fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
