// SPDX-License-Identifier: MIT
/* The host's ledger of what it gave away (ledger.h). */
#include "ledger.h"

void ledger_reset(struct ledger *l)
{
	l->nr_shared = 0;
	l->nr_owned = 0;
	l->lost = false;
	for (u32 i = 0; i < LEDGER_VMS; i++) {
		l->vm[i].state = LEDGER_VM_FREE;
		l->vm[i].nr_pages = 0;
		l->vm[i].nr_shares = 0;
	}
}

int ledger_find_shared(const struct ledger *l, u64 pfn)
{
	for (u32 i = 0; i < l->nr_shared; i++)
		if (l->shared[i].pfn == pfn)
			return (int)i;
	return -1;
}

bool ledger_hyp_owns(const struct ledger *l, u64 pfn)
{
	for (u32 i = 0; i < l->nr_owned; i++)
		if (pfn - l->owned[i].pfn < l->owned[i].nr)
			return true;
	return false;
}

bool ledger_holds(const struct ledger *l, u64 pfn)
{
	if (ledger_find_shared(l, pfn) >= 0 || ledger_hyp_owns(l, pfn))
		return true;
	for (u32 v = 0; v < LEDGER_VMS; v++) {
		const struct ledger_vm *vm = &l->vm[v];

		for (u32 i = 0; i < vm->nr_pages; i++)
			if (vm->pages[i].pfn == pfn)
				return true;
		for (u32 i = 0; i < vm->nr_shares; i++)
			if (vm->shares[i].pfn == pfn)
				return true;
	}
	return false;
}

static void add_page(struct ledger *l, u32 vm, u64 pfn, u64 gfn, u32 role)
{
	struct ledger_vm *v = &l->vm[vm];

	if (v->nr_pages == LEDGER_VM_PAGES) {
		l->lost = true;
		return;
	}
	v->pages[v->nr_pages++] = (struct ledger_page){ pfn, gfn, role };
}

static void drop_page(struct ledger_vm *v, u32 i)
{
	v->pages[i] = v->pages[--v->nr_pages];
}

/* Take [pfn, pfn + nr) out of the donated ranges, splitting where needed. */
static void owned_remove(struct ledger *l, u64 pfn, u64 nr)
{
	for (u32 i = 0; i < l->nr_owned;) {
		u64 s = l->owned[i].pfn, e = s + l->owned[i].nr;
		u64 cs = pfn > s ? pfn : s, ce = pfn + nr < e ? pfn + nr : e;

		if (cs >= ce) {
			i++;
			continue;
		}
		l->owned[i] = l->owned[--l->nr_owned];
		if (s < cs && l->nr_owned < LEDGER_OWNED)
			l->owned[l->nr_owned++] = (struct ledger_range){ s, cs - s };
		if (ce < e && l->nr_owned < LEDGER_OWNED)
			l->owned[l->nr_owned++] = (struct ledger_range){ ce, e - ce };
	}
}

static void note_guest(struct ledger *l, u32 fn, const u64 *a)
{
	struct ledger_vm *v = &l->vm[a[0] % LEDGER_VMS];

	switch (fn) {
	case PKVM_HVC_VM_CREATE:
		v->state = LEDGER_VM_LIVE;
		v->ia_bits = (u32)a[1];
		v->nr_pages = 0;
		v->nr_shares = 0;
		add_page(l, (u32)a[0], a[2], 0, LEDGER_PGD);
		break;
	case PKVM_HVC_VM_TOPUP:
		add_page(l, (u32)a[0], a[1], 0, LEDGER_MEMCACHE);
		break;
	case PKVM_HVC_HOST_DONATE_GUEST:
		add_page(l, (u32)a[0], a[1], a[2], LEDGER_DATA);
		break;
	case PKVM_HVC_HOST_SHARE_GUEST:
		if (v->nr_shares == LEDGER_VM_SHARES)
			l->lost = true;
		else
			v->shares[v->nr_shares++] = (struct ledger_share){ a[2], a[1] };
		break;
	case PKVM_HVC_HOST_UNSHARE_GUEST:
		for (u32 i = 0; i < v->nr_shares; i++)
			if (v->shares[i].gfn == a[1]) {
				v->shares[i] = v->shares[--v->nr_shares];
				break;
			}
		break;
	case PKVM_HVC_GUEST_RELINQUISH:
		for (u32 i = 0; i < v->nr_pages; i++)
			if (v->pages[i].role == LEDGER_DATA && v->pages[i].gfn == a[1]) {
				drop_page(v, i);
				break;
			}
		break;
	case PKVM_HVC_VM_TEARDOWN:
		/* Borrowed pages go back to the host at once (SPEC §5). */
		v->state = v->nr_pages ? LEDGER_VM_DEAD : LEDGER_VM_FREE;
		v->nr_shares = 0;
		break;
	default:
		break;
	}
}

static void note_reclaim(struct ledger *l, u64 pfn)
{
	for (u32 vm = 0; vm < LEDGER_VMS; vm++) {
		struct ledger_vm *v = &l->vm[vm];

		for (u32 i = 0; i < v->nr_pages; i++) {
			if (v->pages[i].pfn != pfn)
				continue;
			drop_page(v, i);
			if (!v->nr_pages && v->state == LEDGER_VM_DEAD)
				v->state = LEDGER_VM_FREE;
			return;
		}
	}
}

void ledger_note(struct ledger *l, const u64 *x, int rc)
{
	u64 id = pkvm_hvc_id_of(x[0]), fn = id - PKVM_HVC_ID_BASE;
	const u64 *a = x + 1;
	int i;

	if (rc != 0 || id < PKVM_HVC_ID_BASE || fn >= PKVM_HVC_NR_CALLS)
		return;
	switch (fn) {
	case PKVM_HVC_HOST_SHARE_HYP:
		if (l->nr_shared == LEDGER_SHARED)
			l->lost = true;
		else
			l->shared[l->nr_shared++] = (struct ledger_hyp_share){ a[0], 0 };
		break;
	case PKVM_HVC_HOST_UNSHARE_HYP:
		i = ledger_find_shared(l, a[0]);
		if (i >= 0)
			l->shared[i] = l->shared[--l->nr_shared];
		break;
	case PKVM_HVC_HYP_PIN:
	case PKVM_HVC_HYP_UNPIN:
		i = ledger_find_shared(l, a[0]);
		if (i >= 0)
			l->shared[i].pins += fn == PKVM_HVC_HYP_PIN ? 1U : ~0U;
		break;
	case PKVM_HVC_HOST_DONATE_HYP:
		if (l->nr_owned == LEDGER_OWNED)
			l->lost = true;
		else
			l->owned[l->nr_owned++] = (struct ledger_range){ a[0], a[1] };
		break;
	case PKVM_HVC_HYP_DONATE_HOST:
		owned_remove(l, a[0], a[1]);
		break;
	case PKVM_HVC_HOST_RECLAIM_PAGE:
		note_reclaim(l, a[0]);
		break;
	default:
		note_guest(l, (u32)fn, a);
		break;
	}
}

int ledger_call(struct ledger *l, const u64 *x)
{
	struct hvc_res r = hvc_call(x[0], x[1], x[2], x[3], x[4]);
	int rc = r.x[0] == PKVM_HVC_SUCCESS ? (int)(s64)r.x[1] : PKVM_CALL_NOT_HANDLED;

	ledger_note(l, x, rc);
	return rc;
}

static void release_call(struct ledger *l, struct ledger_release *r, u32 fn, u64 a1, u64 a2)
{
	u64 x[5] = { PKVM_HVC_ID(fn), a1, a2, 0, 0 };

	r->calls++;
	if (ledger_call(l, x) != 0)
		r->failed++;
}

struct ledger_release ledger_release(struct ledger *l)
{
	struct ledger_release r = { 0, 0 };

	for (u32 vm = 0; vm < LEDGER_VMS; vm++)
		if (l->vm[vm].state == LEDGER_VM_LIVE)
			release_call(l, &r, PKVM_HVC_VM_TEARDOWN, vm, 0);
	for (u32 vm = 0; vm < LEDGER_VMS; vm++) {
		struct ledger_vm *v = &l->vm[vm];

		/* Every reclaim that succeeds drops the page from the list. */
		for (u32 guard = v->nr_pages; v->nr_pages && guard--;) {
			u32 before = v->nr_pages;

			release_call(l, &r, PKVM_HVC_HOST_RECLAIM_PAGE, v->pages[0].pfn, 0);
			if (v->nr_pages == before)
				drop_page(v, 0);
		}
		v->state = LEDGER_VM_FREE;
	}
	while (l->nr_shared) {
		u64 pfn = l->shared[0].pfn;

		for (u32 pins = l->shared[0].pins; pins; pins--)
			release_call(l, &r, PKVM_HVC_HYP_UNPIN, pfn, 0);
		release_call(l, &r, PKVM_HVC_HOST_UNSHARE_HYP, pfn, 0);
		if (l->nr_shared && l->shared[0].pfn == pfn)
			l->shared[0] = l->shared[--l->nr_shared];
	}
	while (l->nr_owned) {
		u64 pfn = l->owned[0].pfn, nr = l->owned[0].nr;

		release_call(l, &r, PKVM_HVC_HYP_DONATE_HOST, pfn, nr);
		if (l->nr_owned && l->owned[0].pfn == pfn)
			l->owned[0] = l->owned[--l->nr_owned];
	}
	if (l->lost)
		r.failed++;
	ledger_reset(l);
	return r;
}
