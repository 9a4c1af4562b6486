/* SPDX-License-Identifier: MIT */
/*
 * The pKVM ownership layer (SPEC §5, §8): who owns each physical page and
 * who may map it, kept in host stage-2, hyp stage-1 and the guests'
 * stage-2 tables, changed only by the transitions below. Every transition
 * returns 0 or a negative errno and changes nothing on error.
 */
#ifndef CORE_PKVM_H
#define CORE_PKVM_H

#include "core/host_s2.h"

#define PKVM_MAX_VMS	     16U
#define PKVM_MAX_HYP_PRIVATE 16U

/*
 * A private hyp stage-1 range (docs/semantics.md S32): the hypervisor's own
 * text, data or a device, mapped VA -> PA once at init with @prot (PGT_PROT_*:
 * R, R|W or R|X) and @memtype (PGT_MEM_*), and never changed afterwards.
 */
struct pkvm_hyp_private {
	u64 va;
	u64 pa;
	u64 nr; /* pages */
	u32 prot;
	u32 memtype;
};

/* The machine description (SPEC §8). */
struct pkvm_desc {
	struct host_layout layout; /* memory regions and host stage-2 ia_bits */
	u64 carveout_base;
	u64 carveout_size;
	u64 host_pool_pages; /* the first pages of the carve-out (S23) */
	u64 hyp_pool_pages;  /* the next ones */
	u64 hyp_va_offset;
	u32 nr_vm_slots;
	u32 nr_hyp_private; /* at most PKVM_MAX_HYP_PRIVATE */
	struct pkvm_hyp_private hyp_private[PKVM_MAX_HYP_PRIVATE];
};

enum pkvm_vm_state {
	PKVM_VM_FREE,
	PKVM_VM_LIVE,
	PKVM_VM_DEAD, /* torn down, pages not all reclaimed yet */
};

struct pkvm_vm {
	enum pkvm_vm_state state;
	struct pgt pgt;	   /* guest stage-2, root at the pgd page */
	u64 nr_owned;	   /* pages it owns: data, memcache, pgd */
	struct pgt_pool *memcache;
};

#define PKVM_PAGE_MEMCACHE 0x1 /* in its VM's memcache */

/* Per memory page: what the tables do not say (S22, S24). */
struct pkvm_page {
	u32 pins;
	u8 vm;	  /* owning VM slot, for a guest-owned page */
	u8 flags; /* PKVM_PAGE_* */
	u8 pad[2];
};

struct pkvm {
	struct pkvm_desc desc;
	const struct pgt_mm *mm;
	struct pgt host_s2;
	struct pgt hyp_s1;
	struct pkvm_vm vms[PKVM_MAX_VMS];
	struct pkvm_page *pages; /* one per memory page, regions in order */
	u64 nr_pages;
};

/* 0 if @d is a valid description (SPEC §8, S10, S23, S29, S32), else -EINVAL. */
int pkvm_desc_check(const struct pkvm_desc *d);
/* Pages of memory in @d: the size of the page array pkvm_init needs. */
u64 pkvm_desc_memory_pages(const struct pkvm_desc *d);

/*
 * Build the initial state (SPEC §5, S23, S32). @host_pool and @hyp_pool are the
 * platform's pools over the carve-out pages S23 names; @memcaches one empty
 * pool per VM slot; @pages zeroed, pkvm_desc_memory_pages() long.
 */
int pkvm_init(struct pkvm *p, const struct pkvm_desc *d, const struct pgt_mm *mm,
	      struct pgt_pool *host_pool, struct pgt_pool *hyp_pool,
	      struct pgt_pool *const *memcaches, struct pkvm_page *pages);

int pkvm_host_share_hyp(struct pkvm *p, u64 pfn);
int pkvm_host_unshare_hyp(struct pkvm *p, u64 pfn);
int pkvm_hyp_pin(struct pkvm *p, u64 pfn);
int pkvm_hyp_unpin(struct pkvm *p, u64 pfn);
int pkvm_host_donate_hyp(struct pkvm *p, u64 pfn, u64 nr);
int pkvm_hyp_donate_host(struct pkvm *p, u64 pfn, u64 nr);
int pkvm_vm_create(struct pkvm *p, u32 vm, u32 ia_bits, u64 pgd_pfn);
int pkvm_vm_topup(struct pkvm *p, u32 vm, u64 pfn);
int pkvm_host_donate_guest(struct pkvm *p, u32 vm, u64 pfn, u64 gfn);
int pkvm_host_share_guest(struct pkvm *p, u32 vm, u64 pfn, u64 gfn, u32 prot);
int pkvm_host_unshare_guest(struct pkvm *p, u32 vm, u64 gfn);
int pkvm_guest_relinquish(struct pkvm *p, u32 vm, u64 gfn);
int pkvm_vm_teardown(struct pkvm *p, u32 vm);
int pkvm_host_reclaim_page(struct pkvm *p, u64 pfn);
int pkvm_host_mem_abort(struct pkvm *p, u64 addr);
/* The same as a shared walk (host_s2_mem_abort_shared, S46): -EAGAIN to retry. */
int pkvm_host_mem_abort_shared(struct pkvm *p, u64 addr);

/* Queries for checkers and tests. */
struct pkvm_page *pkvm_page(struct pkvm *p, u64 pfn);
bool pkvm_vm_live(const struct pkvm *p, u32 vm);

#endif /* CORE_PKVM_H */
