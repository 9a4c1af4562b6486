/* SPDX-License-Identifier: MIT */
/*
 * What the host has given away, as the payload saw its calls succeed: pages
 * shared with the hypervisor and their pins, ranges donated to it, and per
 * VM slot its state, the pages it owns (pgd, memcache, donated data at a
 * gfn) and the pages it borrows. The random sequence picks its arguments
 * from here (a resource one call makes is what later calls name); between
 * corpus inputs, ledger_release() gives everything back through hypercalls
 * so that the next input starts from what the host had at boot.
 */
#ifndef PAYLOAD_LEDGER_H
#define PAYLOAD_LEDGER_H

#include "payload.h"

#define LEDGER_SHARED	 256
#define LEDGER_OWNED	 256
#define LEDGER_VM_PAGES	 256
#define LEDGER_VM_SHARES 128
#define LEDGER_VMS	 16

enum ledger_vm_state {
	LEDGER_VM_FREE,
	LEDGER_VM_LIVE,
	LEDGER_VM_DEAD
};
enum ledger_role {
	LEDGER_PGD,
	LEDGER_MEMCACHE,
	LEDGER_DATA
};

struct ledger_page {
	u64 pfn, gfn; /* gfn: data pages only */
	u32 role;
};

struct ledger_share {
	u64 gfn, pfn;
};

struct ledger_vm {
	u32 state, ia_bits;
	u32 nr_pages, nr_shares;
	struct ledger_page pages[LEDGER_VM_PAGES];
	struct ledger_share shares[LEDGER_VM_SHARES];
};

struct ledger_hyp_share {
	u64 pfn;
	u32 pins;
};

struct ledger_range {
	u64 pfn, nr;
};

struct ledger {
	u32 nr_shared, nr_owned;
	struct ledger_hyp_share shared[LEDGER_SHARED];
	struct ledger_range owned[LEDGER_OWNED];
	struct ledger_vm vm[LEDGER_VMS];
	bool lost; /* a success that did not fit: ledger_release will miss it */
};

void ledger_reset(struct ledger *l);
/* The host made the call @x (x0..x4); it returned @rc (0, -errno, or not handled). */
void ledger_note(struct ledger *l, const u64 *x, int rc);
/* Does the ledger hold @pfn in any way (shared, donated, a VM's, lent to a VM)? */
bool ledger_holds(const struct ledger *l, u64 pfn);
/* Does the hypervisor own @pfn by a donation the ledger holds? */
bool ledger_hyp_owns(const struct ledger *l, u64 pfn);
/* Index of @pfn in l->shared, or -1. */
int ledger_find_shared(const struct ledger *l, u64 pfn);
/* Give everything back (teardown, reclaim, unpin, unshare, donate back). */
struct ledger_release {
	u32 calls, failed;
};
struct ledger_release ledger_release(struct ledger *l);

/* One pKVM call through a real HVC: its result, or PKVM_CALL_NOT_HANDLED. */
int ledger_call(struct ledger *l, const u64 *x);

#endif /* PAYLOAD_LEDGER_H */
