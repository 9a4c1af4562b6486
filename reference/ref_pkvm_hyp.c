// SPDX-License-Identifier: MIT
/*
 * §5 transitions between the host and the hypervisor: share, unshare, pin,
 * donate both ways. Each checks its errors in §5's order (EINVAL, EPERM,
 * EBUSY, then ENOMEM at commit), prepares every table change, and commits.
 */
#include "ref_priv.h"

/* S2: pfn inside the host's physical address space. */
static bool pfn_ok(const struct ref *r, uint64_t pfn)
{
	return pfn < r->mem.top;
}

/* S2: [pfn, pfn + nr) non-empty, not wrapping, inside the space. */
static bool range_ok(const struct ref *r, uint64_t pfn, uint64_t nr)
{
	return nr && pfn + nr > pfn && pfn + nr <= r->mem.top;
}

/* The state of one page, MMIO reading as "not memory". */
static bool page_in(const struct ref *r, uint64_t pfn, unsigned int state, struct ref_pstate *ps)
{
	return ref_pstate_get(r, pfn, ps) && ps->state == state;
}

/*
 * host_share_hyp: host OWNED -> host SHARED_OWNED (valid default page with
 * bit 55), hyp SHARED_BORROWED (PAGE_HYP with bit 56, S8).
 */
int ref_host_share_hyp(struct ref *r, uint64_t pfn)
{
	struct ref_pstate ps = { .state = REF_PS_SHARED_HYP };
	struct ref_pstate cur;
	struct ref_txn t;

	if (!pfn_ok(r, pfn))
		return -REF_EINVAL;
	if (!page_in(r, pfn, REF_PS_HOST, &cur))
		return -REF_EPERM;
	ref_txn_init(&t, &r->arena);
	ref_host_write(&t, r, pfn, pfn + 1, ref_host_mem_default() | REF_DESC_SHARED_OWNED);
	ref_hyp_write(&t, r, pfn, pfn + 1, ref_hyp_page_tmpl() | REF_DESC_SHARED_BORROWED);
	ref_set_pages(&t, r, pfn, pfn + 1, &ps);
	return ref_txn_commit(&t);
}

/*
 * host_unshare_hyp: back to host OWNED; the host page becomes a default
 * leaf in place (S16), the hyp unmaps it, then coalescing (§4.4).
 */
int ref_host_unshare_hyp(struct ref *r, uint64_t pfn)
{
	struct ref_pstate ps = { .state = REF_PS_HOST };
	struct ref_pstate cur;
	struct ref_txn t;

	if (!pfn_ok(r, pfn))
		return -REF_EINVAL;
	if (!page_in(r, pfn, REF_PS_SHARED_HYP, &cur))
		return -REF_EPERM;
	if (cur.pin)
		return -REF_EBUSY;
	ref_txn_init(&t, &r->arena);
	ref_host_in_place(&t, r, pfn, pfn + 1, ref_host_mem_default());
	ref_hyp_write(&t, r, pfn, pfn + 1, 0);
	ref_set_pages(&t, r, pfn, pfn + 1, &ps);
	ref_host_coalesce(&t, r, pfn, pfn + 1);
	return ref_txn_commit(&t);
}

/* hyp_pin / hyp_unpin: change the pin count of a page shared with hyp (S22). */
static int hyp_pin_by(struct ref *r, uint64_t pfn, bool pin)
{
	struct ref_pstate ps;
	struct ref_txn t;

	if (!pfn_ok(r, pfn))
		return -REF_EINVAL;
	if (!page_in(r, pfn, REF_PS_SHARED_HYP, &ps))
		return -REF_EPERM;
	if (pin ? ps.pin == UINT32_MAX : ps.pin == 0)
		return -REF_EPERM;
	ps.pin = pin ? ps.pin + 1 : ps.pin - 1;
	ref_txn_init(&t, &r->arena);
	ref_set_pages(&t, r, pfn, pfn + 1, &ps);
	return ref_txn_commit(&t);
}

/* hyp_pin: one more hyp reference to a shared page (§5). */
int ref_hyp_pin(struct ref *r, uint64_t pfn)
{
	return hyp_pin_by(r, pfn, true);
}

/* hyp_unpin: one less hyp reference to a shared page (§5). */
int ref_hyp_unpin(struct ref *r, uint64_t pfn)
{
	return hyp_pin_by(r, pfn, false);
}

/*
 * host_donate_hyp: host OWNED -> HYP OWNED; host annotated HYP, hyp maps
 * PAGE_HYP, both with the largest leaves that fit (§4.1).
 */
int ref_host_donate_hyp(struct ref *r, uint64_t pfn, uint64_t nr)
{
	struct ref_pstate ps = { .state = REF_PS_HYP };
	struct ref_txn t;

	if (!range_ok(r, pfn, nr))
		return -REF_EINVAL;
	if (!ref_pages_all(r, pfn, pfn + nr, REF_PS_HOST))
		return -REF_EPERM;
	ref_txn_init(&t, &r->arena);
	ref_host_write(&t, r, pfn, pfn + nr, ref_annotation(REF_OWNER_HYP));
	ref_hyp_write(&t, r, pfn, pfn + nr, ref_hyp_page_tmpl());
	ref_set_pages(&t, r, pfn, pfn + nr, &ps);
	return ref_txn_commit(&t);
}

/*
 * hyp_donate_host: HYP OWNED (never the carve-out) -> host OWNED; the host
 * entry becomes the HOST annotation, zero (S16); hyp unmaps; coalescing.
 */
int ref_hyp_donate_host(struct ref *r, uint64_t pfn, uint64_t nr)
{
	struct ref_pstate ps = { .state = REF_PS_HOST };
	struct ref_txn t;

	if (!range_ok(r, pfn, nr))
		return -REF_EINVAL;
	if (!ref_pages_all(r, pfn, pfn + nr, REF_PS_HYP) ||
	    (pfn < r->carve_end && r->carve_start < pfn + nr))
		return -REF_EPERM;
	ref_txn_init(&t, &r->arena);
	ref_host_write(&t, r, pfn, pfn + nr, 0);
	ref_hyp_write(&t, r, pfn, pfn + nr, 0);
	ref_set_pages(&t, r, pfn, pfn + nr, &ps);
	ref_host_coalesce(&t, r, pfn, pfn + nr);
	return ref_txn_commit(&t);
}
