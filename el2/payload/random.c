// SPDX-License-Identifier: MIT
/*
 * Item 4 of the payload's self-test: a seeded random sequence of every
 * hypercall of SPEC §12 and of memory touches (host stage-2 aborts), with
 * el2 comparing the core against the reference after each (differential.h).
 * Arguments are valid most of the time: pages the host still owns, picked
 * mostly from a few 2 MiB clusters so that blocks split, coalesce and get
 * touched again, and two whole 2 MiB blocks that only go to the hypervisor,
 * in one call or piece by piece, and come back the same two ways (a block
 * annotation split, a table replaced by a block); pages and gfns earlier calls gave away (the ledger); VM
 * slots it created. Now and then they are wrong on purpose: pages of the
 * carve-out, MMIO, past the address space, 32-bit registers with high bits,
 * near-miss function ids, garbage in unused registers. A page the payload
 * needs (itself, the device tree) is never named by a call that could
 * succeed. Errors are results to compare, not failures: the sequence goes on.
 */
#include "differential.h"
#include "hostmem.h"
#include "ledger.h"

#define CLUSTERS       16
#define CLUSTER_PAGES  512
#define BLOCKS	       2
#define PROGRESS_EVERY 1000
/* Caps that keep the ledger (and el2's tables) bounded. */
#define MAX_SHARED    160
#define MAX_OWNED     200
#define MAX_VM_PAGES  200
#define MAX_VM_SHARES 100

enum rop {
	/* 0..13: the calls, by function number */
	OP_TOUCH = PKVM_HVC_NR_CALLS,
	OP_GARBAGE,
	OP_NR,
};

enum rres {
	RES_OK,
	RES_EPERM,
	RES_EINVAL,
	RES_ENOENT,
	RES_EEXIST,
	RES_EBUSY,
	RES_ENOMEM,
	RES_NOT_SUPPORTED,
	RES_REFUSED, /* a touch el2 refused: an injected abort */
	RES_OTHER,
	RES_NR,
};

static const char *const op_names[OP_NR] = {
	"host_share_hyp",   "host_unshare_hyp",	  "hyp_pin",
	"hyp_unpin",	    "host_donate_hyp",	  "hyp_donate_host",
	"vm_create",	    "vm_topup",		  "host_donate_guest",
	"host_share_guest", "host_unshare_guest", "guest_relinquish",
	"vm_teardown",	    "host_reclaim_page",  "touch",
	"unknown id",
};

static const char *const res_names[RES_NR] = {
	"ok",	  "-EPERM",  "-EINVAL", "-ENOENT", "-EEXIST",
	"-EBUSY", "-ENOMEM", "n/s",	"refused", "other",
};

/* Out of 100: how often each operation is picked. */
static const u32 weights[OP_NR] = { 8, 5, 4, 4, 7, 5, 3, 12, 9, 8, 5, 5, 2, 3, 16, 4 };

static struct ledger ledger;
static u64 counts[OP_NR][RES_NR];
static u64 rng;
static u64 hint_turn;
static u64 clusters[CLUSTERS];
/* 2 MiB-aligned, every page usable; only the block mode gives them away. */
static u64 blocks[BLOCKS];

/* splitmix64: small, and every seed gives a good sequence. */
static u64 rnd(void)
{
	u64 z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 below(u64 n)
{
	return n ? rnd() % n : 0;
}

static bool chance(u32 percent)
{
	return below(100) < percent;
}

static bool in_blocks(u64 pfn)
{
	for (u32 b = 0; b < BLOCKS; b++)
		if (pfn - blocks[b] < CLUSTER_PAGES)
			return true;
	return false;
}

/* A usable page the host still holds, or 0 when none turned up. */
static u64 fresh_page(void)
{
	for (u32 tries = 0; tries < 32; tries++) {
		u64 pfn = chance(85) ? clusters[below(CLUSTERS)] + below(CLUSTER_PAGES) :
				       hostmem_nth_usable(rnd());

		if (hostmem_usable(pfn) && !in_blocks(pfn) && !ledger_holds(&ledger, pfn))
			return pfn;
	}
	return 0;
}

/* A page the ledger holds (given away one way or another), or 0. */
static u64 held_page(void)
{
	u32 vm = (u32)below(LEDGER_VMS);
	const struct ledger_vm *v = &ledger.vm[vm];

	switch (below(4)) {
	case 0:
		if (ledger.nr_shared)
			return ledger.shared[below(ledger.nr_shared)].pfn;
		break;
	case 1:
		if (ledger.nr_owned) {
			u32 i = (u32)below(ledger.nr_owned);

			return ledger.owned[i].pfn + below(ledger.owned[i].nr);
		}
		break;
	case 2:
		if (v->nr_pages)
			return v->pages[below(v->nr_pages)].pfn;
		break;
	default:
		if (v->nr_shares)
			return v->shares[below(v->nr_shares)].pfn;
		break;
	}
	return 0;
}

static u64 carveout_page(void)
{
	const struct el2_host_range *c = &payload_info->carveout;

	return c->base / HOSTMEM_PAGE + below(c->size / HOSTMEM_PAGE);
}

/* A pfn no call may succeed with: nothing of the host's is ever at risk. */
static u64 invalid_page(void)
{
	u64 mem0 = payload_info->memory[0].base / HOSTMEM_PAGE, held;

	switch (below(5)) {
	case 0:
		return carveout_page();
	case 1: /* MMIO below memory (or past its end) */
		return mem0 ? below(mem0) : hostmem_top() - 1 - below(16);
	case 2: /* at and past the end of the address space */
		return hostmem_top() + below(64);
	case 3:
		return rnd() | (1ULL << 63);
	default:
		held = held_page();
		return held ? held : carveout_page();
	}
}

static u64 page_or_invalid(u32 valid_percent)
{
	u64 pfn = chance(valid_percent) ? fresh_page() : 0;

	return pfn ? pfn : invalid_page();
}

static int live_vm(void)
{
	u32 start = (u32)below(LEDGER_VMS);

	for (u32 i = 0; i < LEDGER_VMS; i++) {
		u32 vm = (start + i) % LEDGER_VMS;

		if (ledger.vm[vm].state == LEDGER_VM_LIVE)
			return (int)vm;
	}
	return -1;
}

static int vm_in_state(u32 state)
{
	for (u32 vm = 0; vm < LEDGER_VMS; vm++)
		if (ledger.vm[vm].state == state)
			return (int)vm;
	return -1;
}

/* A VM slot: a live one mostly, else anything up to two past the slots. */
static u64 pick_vm(void)
{
	int vm = live_vm();

	return vm >= 0 && chance(90) ? (u64)vm : below(LEDGER_VMS + 2);
}

static bool has_data(const struct ledger_vm *v)
{
	for (u32 i = 0; i < v->nr_pages; i++)
		if (v->pages[i].role == LEDGER_DATA)
			return true;
	return false;
}

/* A live VM that maps something (shared pages when @shared, else donated ones). */
static u64 pick_vm_mapping(bool shared)
{
	u32 start = (u32)below(LEDGER_VMS), n = chance(90) ? LEDGER_VMS : 0;

	for (u32 i = 0; i < n; i++) {
		u32 vm = (start + i) % LEDGER_VMS;
		const struct ledger_vm *v = &ledger.vm[vm];

		if (v->state == LEDGER_VM_LIVE && (shared ? v->nr_shares > 0 : has_data(v)))
			return vm;
	}
	return pick_vm();
}

/* Does any live VM map something (shared pages when @shared, else donated ones)? */
static bool any_vm_mapping(bool shared)
{
	for (u32 vm = 0; vm < LEDGER_VMS; vm++) {
		const struct ledger_vm *v = &ledger.vm[vm];

		if (v->state == LEDGER_VM_LIVE && (shared ? v->nr_shares > 0 : has_data(v)))
			return true;
	}
	return false;
}

static bool gfn_mapped(const struct ledger_vm *v, u64 gfn)
{
	for (u32 i = 0; i < v->nr_pages; i++)
		if (v->pages[i].role == LEDGER_DATA && v->pages[i].gfn == gfn)
			return true;
	for (u32 i = 0; i < v->nr_shares; i++)
		if (v->shares[i].gfn == gfn)
			return true;
	return false;
}

/* A gfn for a new mapping in @vm: free and low mostly, sometimes anywhere or too high. */
static u64 new_gfn(u64 vm)
{
	const struct ledger_vm *v = &ledger.vm[vm % LEDGER_VMS];
	u64 limit = 1ULL << ((v->ia_bits >= 32 ? v->ia_bits : 40) - 12), gfn = 0;

	for (u32 tries = 0; tries < 8; tries++) {
		u32 r = (u32)below(100);

		gfn = r < 82 ? below(1024) : r < 93 ? below(limit) : limit + below(1024);
		if (!gfn_mapped(v, gfn))
			break;
	}
	return gfn;
}

/* A gfn @vm already maps: shared (@shared) or donated; else any low gfn. */
static u64 mapped_gfn(u64 vm, bool shared)
{
	const struct ledger_vm *v = &ledger.vm[vm % LEDGER_VMS];

	if (shared && v->nr_shares)
		return v->shares[below(v->nr_shares)].gfn;
	for (u32 tries = 0; !shared && v->nr_pages && tries < 8; tries++) {
		const struct ledger_page *p = &v->pages[below(v->nr_pages)];

		if (p->role == LEDGER_DATA)
			return p->gfn;
	}
	return below(1024);
}

/* A 32-bit argument, now and then with a high bit set (-EINVAL, never truncated). */
static u64 narrow(u64 v)
{
	return chance(3) ? v | (1ULL << (32 + below(32))) : v;
}

/* [pfn, pfn + nr) of pages the host holds and may give, nr from 1 to @max. */
static u64 fresh_range(u64 pfn, u64 max)
{
	u64 nr = 1;

	while (nr < max && hostmem_usable(pfn + nr) && !ledger_holds(&ledger, pfn + nr))
		nr++;
	return nr;
}

static bool block_usable(u64 base)
{
	for (u64 p = base; p < base + CLUSTER_PAGES; p++)
		if (!hostmem_usable(p))
			return false;
	return true;
}

/*
 * Every page of the block at @base still the host's (or, @donated, all the
 * hypervisor's). Block pages only ever go to the hypervisor (fresh_page
 * never picks them), so the donated ranges say everything.
 */
static bool block_whole(u64 base, bool donated)
{
	for (u64 p = base; p < base + CLUSTER_PAGES; p++)
		if (ledger_hyp_owns(&ledger, p) != donated)
			return false;
	return true;
}

/* A donation in a block: all of it in one call, or its next free piece. */
static bool block_donation(u64 *x)
{
	u64 base = blocks[below(BLOCKS)];

	if (!block_usable(base))
		return false;
	if (chance(50) && block_whole(base, false)) {
		x[1] = base;
		x[2] = CLUSTER_PAGES;
		return true;
	}
	for (u64 p = base; p < base + CLUSTER_PAGES; p++) {
		u64 nr = 1;

		if (ledger_hyp_owns(&ledger, p))
			continue;
		while (nr < 64 && p + nr < base + CLUSTER_PAGES &&
		       !ledger_hyp_owns(&ledger, p + nr))
			nr++;
		x[1] = p;
		x[2] = nr;
		return true;
	}
	return false;
}

/* A block the hypervisor owns whole, given back in one call. */
static bool block_return(u64 *x)
{
	for (u32 b = 0; b < BLOCKS; b++) {
		if (!block_whole(blocks[b], true))
			continue;
		x[1] = blocks[b];
		x[2] = CLUSTER_PAGES;
		return true;
	}
	return false;
}

static void make_hyp_call(u32 op, u64 *x)
{
	int i;

	switch (op) {
	case PKVM_HVC_HOST_SHARE_HYP:
		x[1] = page_or_invalid(85);
		break;
	case PKVM_HVC_HOST_UNSHARE_HYP:
	case PKVM_HVC_HYP_PIN:
	case PKVM_HVC_HYP_UNPIN:
		i = ledger.nr_shared ? (int)below(ledger.nr_shared) : -1;
		/* Unpin and unshare look for a page in the state they want, a few times. */
		for (u32 tries = 0; i >= 0 && op != PKVM_HVC_HYP_PIN && tries < 4; tries++) {
			if ((ledger.shared[i].pins > 0) == (op == PKVM_HVC_HYP_UNPIN))
				break;
			i = (int)below(ledger.nr_shared);
		}
		x[1] = i >= 0 && chance(88) ? ledger.shared[i].pfn : page_or_invalid(50);
		break;
	case PKVM_HVC_HOST_DONATE_HYP:
		if (chance(10) && block_donation(x))
			break;
		x[1] = page_or_invalid(88);
		x[2] = hostmem_usable(x[1]) ? fresh_range(x[1], chance(70) ? 4 : 64) : 1 + below(4);
		if (chance(4))
			x[2] = chance(50) ? 0 : ~0ULL - below(4);
		break;
	default: /* PKVM_HVC_HYP_DONATE_HOST */
		if (chance(20) && block_return(x))
			break;
		if (ledger.nr_owned && chance(88)) {
			const struct ledger_range *r = &ledger.owned[below(ledger.nr_owned)];
			u64 start = r->pfn + below(r->nr);

			x[1] = start;
			x[2] = 1 + below(r->pfn + r->nr - start);
		} else {
			x[1] = chance(50) ? carveout_page() : page_or_invalid(50);
			x[2] = chance(10) ? 0 : 1 + below(4);
		}
		break;
	}
}

static void make_vm_call(u32 op, u64 *x)
{
	int vm;

	switch (op) {
	case PKVM_HVC_VM_CREATE: {
		/* A free slot mostly; a live one (-EEXIST), a dead one (-EBUSY, S20), or none. */
		u64 r = below(100);

		vm = r < 76 ? vm_in_state(LEDGER_VM_FREE) :
		     r < 86 ? live_vm() :
		     r < 96 ? vm_in_state(LEDGER_VM_DEAD) :
			      -1;
		x[1] = narrow(vm >= 0 ? (u64)vm : below(LEDGER_VMS + 2));
		x[2] = narrow(chance(94) ? 32 + below(17) :
			      chance(50) ? below(32) :
					   49 + below(16));
		x[3] = page_or_invalid(vm >= 0 && ledger.vm[vm].state == LEDGER_VM_DEAD ? 50 : 90);
		break;
	}
	case PKVM_HVC_VM_TOPUP:
		x[1] = narrow(pick_vm());
		x[2] = page_or_invalid(90);
		break;
	case PKVM_HVC_HOST_DONATE_GUEST:
	case PKVM_HVC_HOST_SHARE_GUEST:
		x[1] = narrow(pick_vm());
		x[2] = page_or_invalid(90);
		x[3] = chance(5) ? mapped_gfn(x[1], chance(50)) : new_gfn(x[1]);
		if (op == PKVM_HVC_HOST_SHARE_GUEST)
			x[4] = narrow(chance(94) ? 1 + below(7) : chance(50) ? 0 : 8 + below(8));
		break;
	case PKVM_HVC_HOST_UNSHARE_GUEST:
	case PKVM_HVC_GUEST_RELINQUISH: {
		bool shared = (op == PKVM_HVC_HOST_UNSHARE_GUEST) == chance(88);

		x[1] = narrow(pick_vm_mapping(shared));
		x[2] = mapped_gfn(x[1], shared);
		break;
	}
	case PKVM_HVC_VM_TEARDOWN:
		x[1] = narrow(pick_vm());
		break;
	default: /* PKVM_HVC_HOST_RECLAIM_PAGE */
		vm = vm_in_state(LEDGER_VM_DEAD);
		if (vm >= 0 && chance(90)) {
			const struct ledger_vm *v = &ledger.vm[vm];

			x[1] = v->pages[below(v->nr_pages)].pfn;
		} else {
			x[1] = chance(50) ? held_page() : page_or_invalid(50);
			x[1] = x[1] ? x[1] : invalid_page();
		}
		break;
	}
}

/* Ids that are no call (docs/hvc-abi.md), never el2's own diagnostic ones. */
static u64 near_miss(void)
{
	u64 n = below(PKVM_HVC_NR_CALLS), id = PKVM_HVC_ID(n);

	switch (below(9)) {
	case 0:
		return PKVM_HVC_ID(PKVM_HVC_NR_CALLS + below(0x7f00));
	case 1:
		return id & ~(1ULL << 30); /* SMC32 */
	case 2:
		return id & ~(1ULL << 31); /* yielding */
	case 3:
		return id + (chance(50) ? 1ULL << 24 : ~0ULL << 24); /* owners 7 and 5 */
	case 4:
		return id | ((rnd() | 1) << 32);
	case 5:
		/* Bits 23:17: bit 16 is the SVE hint, which makes no near miss. */
		return id | (1ULL << (17 + below(7)));
	case 6:
		return id + 0x100;
	case 7:
		return chance(50) ? 0 : 0x80000000ULL;
	default:
		return ~0ULL;
	}
}

static bool over_caps(u32 op, int vm)
{
	const struct ledger_vm *v = vm >= 0 ? &ledger.vm[vm] : NULL;

	switch (op) {
	case PKVM_HVC_HOST_SHARE_HYP:
		return ledger.nr_shared >= MAX_SHARED;
	case PKVM_HVC_HOST_DONATE_HYP:
		return ledger.nr_owned >= MAX_OWNED;
	case PKVM_HVC_VM_TOPUP:
	case PKVM_HVC_HOST_DONATE_GUEST:
		return v && v->nr_pages >= MAX_VM_PAGES;
	case PKVM_HVC_HOST_SHARE_GUEST:
		return v && v->nr_shares >= MAX_VM_SHARES;
	default:
		return false;
	}
}

/* Weighted, then steered: VMs get made, dead VMs get reclaimed, lists stay bounded. */
static u32 pick_op(void)
{
	u64 r = below(100);
	u32 op = 0;
	int live = live_vm();

	while (r >= weights[op]) {
		r -= weights[op];
		op++;
	}
	if (vm_in_state(LEDGER_VM_DEAD) >= 0 && chance(25))
		return PKVM_HVC_HOST_RECLAIM_PAGE;
	if (live < 0 && op >= PKVM_HVC_VM_TOPUP && op <= PKVM_HVC_VM_TEARDOWN && chance(70))
		return PKVM_HVC_VM_CREATE;
	/* Nothing to take back yet: map something first, most of the time. */
	if (op == PKVM_HVC_HOST_UNSHARE_GUEST && !any_vm_mapping(true) && chance(80))
		op = PKVM_HVC_HOST_SHARE_GUEST;
	if (op == PKVM_HVC_GUEST_RELINQUISH && !any_vm_mapping(false) && chance(80))
		op = PKVM_HVC_HOST_DONATE_GUEST;
	if (over_caps(op, live)) {
		static const u32 undo[] = {
			[PKVM_HVC_HOST_SHARE_HYP] = PKVM_HVC_HOST_UNSHARE_HYP,
			[PKVM_HVC_HOST_DONATE_HYP] = PKVM_HVC_HYP_DONATE_HOST,
			[PKVM_HVC_VM_TOPUP] = PKVM_HVC_VM_TEARDOWN,
			[PKVM_HVC_HOST_DONATE_GUEST] = PKVM_HVC_VM_TEARDOWN,
			[PKVM_HVC_HOST_SHARE_GUEST] = PKVM_HVC_HOST_UNSHARE_GUEST,
		};
		return undo[op];
	}
	return op;
}

static enum rres classify(int rc)
{
	switch (rc) {
	case 0:
		return RES_OK;
	case -CORE_EPERM:
		return RES_EPERM;
	case -CORE_EINVAL:
		return RES_EINVAL;
	case -CORE_ENOENT:
		return RES_ENOENT;
	case -CORE_EEXIST:
		return RES_EEXIST;
	case -CORE_EBUSY:
		return RES_EBUSY;
	case -CORE_ENOMEM:
		return RES_ENOMEM;
	case PKVM_CALL_NOT_HANDLED:
		return RES_NOT_SUPPORTED;
	default:
		return RES_OTHER;
	}
}

static void do_touch(void)
{
	u64 before = injected.count, pfn, r = below(100);

	if (r < 50)
		pfn = clusters[below(CLUSTERS)] + below(CLUSTER_PAGES);
	else if (r < 70)
		pfn = held_page();
	else if (r < 80)
		pfn = carveout_page();
	else
		pfn = hostmem_nth_usable(rnd());
	if (!pfn || (!hostmem_is_memory(pfn) && !hostmem_in_carveout(pfn)))
		pfn = hostmem_nth_usable(rnd());
	touch(pfn * HOSTMEM_PAGE);
	counts[OP_TOUCH][injected.count != before ? RES_REFUSED : RES_OK]++;
}

/* One operation; returns whether it was a hypercall. */
static bool step(void)
{
	u32 op = pick_op();
	u64 x[5] = { PKVM_HVC_ID(op), 0, 0, 0, 0 };

	if (op == OP_TOUCH) {
		do_touch();
		return false;
	}
	if (op == OP_GARBAGE) {
		x[0] = near_miss();
		for (u32 i = 1; i < 5; i++)
			x[i] = rnd();
	} else if (op <= PKVM_HVC_HYP_DONATE_HOST) {
		make_hyp_call(op, x);
	} else {
		make_vm_call(op, x);
	}
	/* Registers a call does not read hold garbage now and then. */
	for (u32 i = 1; i < 5 && op != OP_GARBAGE; i++)
		if (!x[i] && chance(5))
			x[i] = rnd();
	/*
	 * Every eighth call carries the SVE hint, which changes nothing (SPEC
	 * §12). Counted, not drawn: the sequence stays the one the seed gave.
	 */
	if (op != OP_GARBAGE && ++hint_turn % 8 == 0)
		x[0] |= PKVM_HVC_SVE_HINT;
	counts[op][classify(ledger_call(&ledger, x))]++;
	return true;
}

static void pick_clusters(void)
{
	for (u32 i = 0; i < CLUSTERS; i++) {
		u64 pfn = hostmem_nth_usable(rnd()) & ~(u64)(CLUSTER_PAGES - 1);

		clusters[i] = hostmem_usable(pfn) ? pfn : hostmem_next_usable(pfn);
	}
	for (u32 b = 0; b < BLOCKS; b++) {
		u64 base = hostmem_nth_usable(rnd()) & ~(u64)(CLUSTER_PAGES - 1);

		for (u32 tries = 0; tries < 64 && (!block_usable(base) || in_blocks(base)); tries++)
			base = hostmem_nth_usable(rnd()) & ~(u64)(CLUSTER_PAGES - 1);
		blocks[b] = base;
	}
}

static void print_counts(void)
{
	out("el2-random: %-20s", "operation");
	for (u32 r = 0; r < RES_NR; r++)
		out(" %8s", res_names[r]);
	out("\n");
	for (u32 op = 0; op < OP_NR; op++) {
		out("el2-random: %-20s", op_names[op]);
		for (u32 r = 0; r < RES_NR; r++)
			out(" %8llu", (unsigned long long)counts[op][r]);
		out("\n");
	}
}

void random_run(u64 seed, u64 ops, selftest_check_fn check)
{
	struct diff_status before = diff_status(), now;
	struct ledger_release rel;
	u64 hvcs = 0;

	rng = seed;
	ledger_reset(&ledger);
	pick_clusters();
	out("el2-random: seed %llu, %llu operations, %llu usable host pages, clusters of %u pages "
	    "at 0x%llx, 0x%llx, ...\n",
	    (unsigned long long)seed, (unsigned long long)ops,
	    (unsigned long long)hostmem_usable_pages(), CLUSTER_PAGES,
	    (unsigned long long)(clusters[0] * HOSTMEM_PAGE),
	    (unsigned long long)(clusters[1] * HOSTMEM_PAGE));
	for (u64 i = 1; i <= ops; i++) {
		hvcs += step();
		if (i % PROGRESS_EVERY && i != ops)
			continue;
		now = diff_status();
		out("el2-random: %llu/%llu operations; el2 compared %llu (%llu aborts), state "
		    "digest 0x%016llx\n",
		    (unsigned long long)i, (unsigned long long)ops,
		    (unsigned long long)(now.compared - before.compared),
		    (unsigned long long)(now.aborts - before.aborts),
		    (unsigned long long)now.digest);
	}
	print_counts();
	rel = ledger_release(&ledger);
	now = diff_status();
	out("el2-random: gave everything back in %u calls (%u failed); el2's reference uses "
	    "%llu KiB of arena\n",
	    rel.calls, rel.failed, (unsigned long long)(now.arena >> 10));
	check(rel.failed == 0, "differential mode: everything given away comes back");
	check(now.compared - before.compared >= hvcs + rel.calls,
	      "differential mode: el2 compared every hypercall and abort, no difference");
}
