// SPDX-License-Identifier: MIT
/*
 * The reference's reading of a host hypercall, written from docs/hvc-abi.md
 * and not from the core's dispatcher: x0, bit 16 (the SVE hint) cleared, is
 * compared whole against 0xC6000000 + n for n < 14; a call reads x1..x(k)
 * for its k arguments and nothing else; a 32-bit argument whose register
 * does not fit 32 bits is -EINVAL before anything runs; 64-bit arguments go
 * in whole.
 */
#include "diffmode_internal.h"

#define HVC_ID_BASE  0xC6000000ULL
#define HVC_SVE_HINT (1ULL << 16)
#define NARROW(i)    (1U << (i)) /* argument x(i + 1) is a 32-bit quantity */

typedef int (*dm_call_fn)(struct ref *r, const u64 *a);

struct dm_call {
	const char *name;
	dm_call_fn run;
	u32 narrow;
};

static int share_hyp(struct ref *r, const u64 *a)
{
	return ref_host_share_hyp(r, a[0]);
}

static int unshare_hyp(struct ref *r, const u64 *a)
{
	return ref_host_unshare_hyp(r, a[0]);
}

static int pin(struct ref *r, const u64 *a)
{
	return ref_hyp_pin(r, a[0]);
}

static int unpin(struct ref *r, const u64 *a)
{
	return ref_hyp_unpin(r, a[0]);
}

static int donate_hyp(struct ref *r, const u64 *a)
{
	return ref_host_donate_hyp(r, a[0], a[1]);
}

static int hyp_donate_host(struct ref *r, const u64 *a)
{
	return ref_hyp_donate_host(r, a[0], a[1]);
}

static int vm_create(struct ref *r, const u64 *a)
{
	return ref_vm_create(r, (unsigned)a[0], (unsigned)a[1], a[2]);
}

static int vm_topup(struct ref *r, const u64 *a)
{
	return ref_vm_topup(r, (unsigned)a[0], a[1]);
}

static int donate_guest(struct ref *r, const u64 *a)
{
	return ref_host_donate_guest(r, (unsigned)a[0], a[1], a[2]);
}

static int share_guest(struct ref *r, const u64 *a)
{
	return ref_host_share_guest(r, (unsigned)a[0], a[1], a[2], (unsigned)a[3]);
}

static int unshare_guest(struct ref *r, const u64 *a)
{
	return ref_host_unshare_guest(r, (unsigned)a[0], a[1]);
}

static int relinquish(struct ref *r, const u64 *a)
{
	return ref_guest_relinquish(r, (unsigned)a[0], a[1]);
}

static int teardown(struct ref *r, const u64 *a)
{
	return ref_vm_teardown(r, (unsigned)a[0]);
}

static int reclaim(struct ref *r, const u64 *a)
{
	return ref_host_reclaim_page(r, a[0]);
}

/* docs/hvc-abi.md's table: function number n is calls[n]. */
static const struct dm_call calls[] = {
	{ "hvc_host_share_hyp", share_hyp, 0 },
	{ "hvc_host_unshare_hyp", unshare_hyp, 0 },
	{ "hvc_hyp_pin", pin, 0 },
	{ "hvc_hyp_unpin", unpin, 0 },
	{ "hvc_host_donate_hyp", donate_hyp, 0 },
	{ "hvc_hyp_donate_host", hyp_donate_host, 0 },
	{ "hvc_vm_create", vm_create, NARROW(0) | NARROW(1) },
	{ "hvc_vm_topup", vm_topup, NARROW(0) },
	{ "hvc_host_donate_guest", donate_guest, NARROW(0) },
	{ "hvc_host_share_guest", share_guest, NARROW(0) | NARROW(3) },
	{ "hvc_host_unshare_guest", unshare_guest, NARROW(0) },
	{ "hvc_guest_relinquish", relinquish, NARROW(0) },
	{ "hvc_vm_teardown", teardown, NARROW(0) },
	{ "hvc_host_reclaim_page", reclaim, 0 },
};

#define NR_CALLS (sizeof(calls) / sizeof(calls[0]))

static const struct dm_call *call_of(u64 x0)
{
	u64 id = x0 & ~HVC_SVE_HINT;

	if (id < HVC_ID_BASE || id - HVC_ID_BASE >= NR_CALLS)
		return NULL;
	return &calls[id - HVC_ID_BASE];
}

const char *dm_call_name(u64 x0)
{
	const struct dm_call *c = call_of(x0);

	return c ? c->name : "hvc_unknown";
}

bool dm_ref_hvc(struct ref *r, const u64 *x, int *rc, const char **name)
{
	const struct dm_call *c = call_of(x[0]);

	*name = dm_call_name(x[0]);
	if (!c)
		return false;
	for (u32 i = 0; i < 4; i++) {
		if ((c->narrow & NARROW(i)) && x[1 + i] > 0xffffffffULL) {
			*rc = -REF_EINVAL;
			return true;
		}
	}
	*rc = c->run(r, x + 1);
	return true;
}
