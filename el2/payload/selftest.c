// SPDX-License-Identifier: MIT
/*
 * The self-test the host payload runs under el2 (issue: el2 host payload):
 *  1. touch all host memory, then ask el2 for the host stage-2 summary;
 *  2. share, donate and reclaim through real hypercalls; create a VM, donate
 *     scattered pages to it, tear it down, reclaim everything, touch memory
 *     again: the summary must equal the first one (the blocks are back);
 *  3. touch a page donated to the VM: el2 must refuse it with an injected
 *     synchronous external abort, which our handler counts and steps over;
 *  4. and 5. in el2's differential mode only (differential.h): a seeded
 *     random sequence of hypercalls and touches, then the fuzz_hvc corpus.
 * It ends with one line "el2-selftest: N passed, M failed" and stops the
 * machine with that status.
 */
#include "differential.h"
#include "hostmem.h"
#include "payload.h"

#define PAGE 4096ULL
#define SCATTERED 48
#define MEMCACHE_PAGES 8
#define VM 0
#define VM_IA_BITS 40

static u32 passed, failed;

static void check(bool ok, const char *what)
{
	if (ok)
		passed++;
	else
		failed++;
	out("el2-payload: %s: %s\n", ok ? "ok" : "FAILED", what);
}

static bool in_range(u64 addr, const struct el2_host_range *r)
{
	return addr >= r->base && addr - r->base < r->size;
}

/* A page the host owns and may write: memory, not reserved, not ours, not el2's. */
static bool page_usable(u64 addr)
{
	const struct el2_host_info *in = payload_info;
	bool memory = false;

	for (u32 i = 0; i < in->nr_memory; i++)
		memory |= in_range(addr, &in->memory[i]);
	for (u32 i = 0; i < in->nr_avoid; i++)
		if (in_range(addr, &in->avoid[i]))
			return false;
	return memory && !in_range(addr, &in->carveout) && !in_range(addr, &in->payload);
}

/* Read one word of every page of host memory (not the carve-out: that is refused). */
static void touch_all_memory(void)
{
	const struct el2_host_info *in = payload_info;
	u64 pages = 0;

	for (u32 i = 0; i < in->nr_memory; i++) {
		const struct el2_host_range *r = &in->memory[i];

		for (u64 a = r->base; a < r->base + r->size; a += PAGE) {
			if (in_range(a, &in->carveout))
				continue;
			touch(a);
			pages++;
		}
	}
	out("el2-payload: touched %llu pages of host memory\n", (unsigned long long)pages);
}

/*
 * @n usable pages spread over memory: one every (memory / n) bytes, moved up
 * to the next usable page, so that they land in different blocks.
 */
static u32 pick_scattered(u64 *pfns, u32 n, u64 salt)
{
	const struct el2_host_info *in = payload_info;
	u64 total = 0, step, want = 0;
	u32 got = 0;

	for (u32 i = 0; i < in->nr_memory; i++)
		total += in->memory[i].size;
	/* No page is picked in el2's carve-out (it grows in differential mode). */
	total -= in->carveout.size;
	step = (total / n) & ~(PAGE - 1);
	for (u32 i = 0; i < in->nr_memory && got < n; i++) {
		const struct el2_host_range *r = &in->memory[i];

		for (u64 off = salt * PAGE; off < r->size && got < n; off += PAGE) {
			u64 a = r->base + off;

			if (off + (r->base - in->memory[0].base) < want || !page_usable(a))
				continue;
			pfns[got++] = a / PAGE;
			want = off + (r->base - in->memory[0].base) + step;
		}
	}
	return got;
}

struct summary {
	u64 l1, l2, l3, tables;
};

static struct summary stage2_summary(void)
{
	struct hvc_res r = hvc_call(EL2_HVC_ID(EL2_HVC_STAGE2_SUMMARY), 0, 0, 0, 0);

	return (struct summary){ r.x[1], r.x[2], r.x[3], r.x[4] };
}

static void print_summary(const char *when, const struct summary *s)
{
	out("el2-payload: stage-2 summary %s: L1 %llu, L2 %llu, L3 %llu leaves, %llu tables\n",
	    when, (unsigned long long)s->l1, (unsigned long long)s->l2,
	    (unsigned long long)s->l3, (unsigned long long)s->tables);
}

static bool summary_equal(const struct summary *a, const struct summary *b)
{
	return a->l1 == b->l1 && a->l2 == b->l2 && a->l3 == b->l3 && a->tables == b->tables;
}

/* el2's own stage2_summary with the SVE hint: decoded as the dispatcher does. */
static void test_summary_hinted(const struct summary *now)
{
	struct hvc_res r =
		hvc_call(EL2_HVC_ID(EL2_HVC_STAGE2_SUMMARY) | PKVM_HVC_SVE_HINT, 0, 0, 0, 0);
	struct summary hinted = { r.x[1], r.x[2], r.x[3], r.x[4] };

	check(r.x[0] == 0 && summary_equal(now, &hinted),
	      "stage2_summary with the SVE hint (bit 16) is stage2_summary");
}

/* A call with SMCCC 1.3's SVE hint set in x0: the same call (SPEC §12). */
static int hvc_hinted(enum pkvm_hvc_fn fn, u64 pfn)
{
	struct hvc_res r = hvc_call(PKVM_HVC_ID(fn) | PKVM_HVC_SVE_HINT, pfn, 0, 0, 0);

	return r.x[0] == PKVM_HVC_SUCCESS ? (int)(s64)r.x[1] : PKVM_CALL_NOT_HANDLED;
}

static void test_share_and_donate_hyp(const u64 *pfn)
{
	check(pkvm_call(PKVM_HVC_HOST_SHARE_HYP, pfn[0], 0, 0, 0) == 0, "host_share_hyp");
	check(pkvm_call(PKVM_HVC_HYP_PIN, pfn[0], 0, 0, 0) == 0, "hyp_pin");
	check(pkvm_call(PKVM_HVC_HOST_UNSHARE_HYP, pfn[0], 0, 0, 0) == -CORE_EBUSY,
	      "host_unshare_hyp of a pinned page is -EBUSY");
	check(pkvm_call(PKVM_HVC_HYP_UNPIN, pfn[0], 0, 0, 0) == 0, "hyp_unpin");
	check(pkvm_call(PKVM_HVC_HOST_UNSHARE_HYP, pfn[0], 0, 0, 0) == 0, "host_unshare_hyp");
	check(pkvm_call(PKVM_HVC_HOST_DONATE_HYP, pfn[1], 1, 0, 0) == 0, "host_donate_hyp");
	check(pkvm_call(PKVM_HVC_HOST_SHARE_HYP, pfn[1], 0, 0, 0) == -CORE_EPERM,
	      "host_share_hyp of a hyp-owned page is -EPERM");
	check(pkvm_call(PKVM_HVC_HYP_DONATE_HOST, pfn[1], 1, 0, 0) == 0, "hyp_donate_host");
	check(pkvm_call(PKVM_HVC_HYP_DONATE_HOST, payload_info->carveout.base / PAGE, 1, 0, 0) ==
		      -CORE_EPERM,
	      "hyp_donate_host of the carve-out is -EPERM");
	check(hvc_call(PKVM_HVC_ID(0x7fff), 0, 0, 0, 0).x[0] == PKVM_HVC_NOT_SUPPORTED,
	      "an unknown function id is NOT_SUPPORTED");
	check(hvc_hinted(PKVM_HVC_HOST_SHARE_HYP, pfn[0]) == 0,
	      "host_share_hyp with the SVE hint (bit 16) is host_share_hyp");
	check(pkvm_call(PKVM_HVC_HOST_SHARE_HYP, pfn[0], 0, 0, 0) == -CORE_EPERM,
	      "so the page is shared: sharing it again is -EPERM");
	check(hvc_hinted(PKVM_HVC_HOST_UNSHARE_HYP, pfn[0]) == 0,
	      "host_unshare_hyp with the SVE hint is host_unshare_hyp");
}

/* Donate scattered pages to a VM, touch one, tear it down, reclaim everything. */
static void test_guest_lifecycle(const u64 *pfn, u32 n)
{
	u32 donated = 0, reclaimed = 0, mc = MEMCACHE_PAGES, data = n - 2 - MEMCACHE_PAGES;
	u64 pgd = pfn[0], shared = pfn[1];
	const u64 *memcache = pfn + 2, *pages = pfn + 2 + MEMCACHE_PAGES;
	struct summary during;
	u64 before;

	check(pkvm_call(PKVM_HVC_VM_CREATE, VM, VM_IA_BITS, pgd, 0) == 0, "vm_create");
	for (u32 i = 0; i < mc; i++)
		donated += pkvm_call(PKVM_HVC_VM_TOPUP, VM, memcache[i], 0, 0) == 0;
	check(donated == mc, "vm_topup of every memcache page");
	donated = 0;
	for (u32 i = 0; i < data; i++)
		donated += pkvm_call(PKVM_HVC_HOST_DONATE_GUEST, VM, pages[i], i, 0) == 0;
	check(donated == data, "host_donate_guest of scattered pages (a table each)");
	check(pkvm_call(PKVM_HVC_HOST_SHARE_GUEST, VM, shared, 0x100000, PGT_PROT_RW) == 0,
	      "host_share_guest");
	during = stage2_summary();
	print_summary("while the VM holds its pages", &during);
	check(during.l3 > 0 && during.tables > 3,
	      "donating scattered pages split host blocks into tables");
	check(touch(shared * PAGE) == touch(shared * PAGE), "the host still reads a page it shares");

	before = injected.count;
	touch(pages[0] * PAGE);
	check(injected.count == before + 1 && ((injected.esr >> 26) & 0x3f) == 0x25 &&
		      (injected.esr & 0x3f) == 0x10 && injected.far == pages[0] * PAGE,
	      "touching a donated page is refused: synchronous external abort injected");
	out("el2-payload: refused access: ESR_EL1 0x%llx FAR_EL1 0x%llx\n",
	    (unsigned long long)injected.esr, (unsigned long long)injected.far);

	check(pkvm_call(PKVM_HVC_HOST_RECLAIM_PAGE, pages[0], 0, 0, 0) == -CORE_EPERM,
	      "host_reclaim_page of a live VM's page is -EPERM");
	check(pkvm_call(PKVM_HVC_VM_TEARDOWN, VM, 0, 0, 0) == 0, "vm_teardown");
	for (u32 i = 0; i < data; i++)
		reclaimed += pkvm_call(PKVM_HVC_HOST_RECLAIM_PAGE, pages[i], 0, 0, 0) == 0;
	for (u32 i = 0; i < mc; i++)
		reclaimed += pkvm_call(PKVM_HVC_HOST_RECLAIM_PAGE, memcache[i], 0, 0, 0) == 0;
	reclaimed += pkvm_call(PKVM_HVC_HOST_RECLAIM_PAGE, pgd, 0, 0, 0) == 0;
	check(reclaimed == data + mc + 1, "host_reclaim_page of every page the VM held");
	check(pkvm_call(PKVM_HVC_VM_CREATE, VM, VM_IA_BITS, pgd, 0) == 0 &&
		      pkvm_call(PKVM_HVC_VM_TEARDOWN, VM, 0, 0, 0) == 0 &&
		      pkvm_call(PKVM_HVC_HOST_RECLAIM_PAGE, pgd, 0, 0, 0) == 0,
	      "the slot is free again");
}

void payload_main(const struct el2_host_info *info);

void payload_main(const struct el2_host_info *info)
{
	u64 pfns[SCATTERED];
	struct summary first, second;
	u32 n;

	payload_info = info;
	if (info->magic != EL2_HOST_INFO_MAGIC)
		payload_exit(false);
	out("el2-payload: host payload running at EL1\n");

	touch_all_memory();
	first = stage2_summary();
	print_summary("before the guest lifecycle", &first);
	check(first.l1 + first.l2 + first.l3 > 0, "host memory is mapped after touching it");

	n = pick_scattered(pfns, SCATTERED, 0);
	check(n == SCATTERED, "found scattered host pages to work with");
	if (n == SCATTERED) {
		test_share_and_donate_hyp(pfns);
		n = pick_scattered(pfns, SCATTERED, 3);
		test_guest_lifecycle(pfns, n);
	}

	touch_all_memory();
	second = stage2_summary();
	print_summary("after the guest lifecycle", &second);
	check(summary_equal(&first, &second),
	      "after the guest lifecycle and reclaim, the same stage-2 summary (blocks are back)");
	test_summary_hinted(&second);

	if (info->flags & EL2_HOST_DIFF) {
		hostmem_init(info);
		random_run(info->seed, info->ops, check);
		replay_run(check);
	}

	out("el2-selftest: %u passed, %u failed\n", passed, failed);
	payload_exit(failed == 0);
}
