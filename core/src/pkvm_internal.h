/* SPDX-License-Identifier: MIT */
/* Shared by the ownership transitions: argument checks and page states. */
#ifndef CORE_PKVM_INTERNAL_H
#define CORE_PKVM_INTERNAL_H

#include "core/pkvm.h"
#include "host_s2_internal.h"

/* A view of one page from one table (SPEC §5). */
enum pkvm_view {
	PKVM_NOPAGE,
	PKVM_OWNED,
	PKVM_SHARED_OWNED,
	PKVM_SHARED_BORROWED,
};

static inline u64 pkvm_pfn_addr(u64 pfn)
{
	return pfn << PGT_PAGE_SHIFT;
}

/* S2: [pfn, pfn + nr) inside the host's physical address space. */
bool pkvm_pfn_range_ok(const struct pkvm *p, u64 pfn, u64 nr);
bool pkvm_pfn_is_memory(const struct pkvm *p, u64 pfn, u64 nr);

/* S32: the private hyp stage-1 ranges of a description, and mapping them at init. */
int pkvm_desc_check_hyp_private(const struct pkvm_desc *d);
int pkvm_hyp_private_map(struct pkvm *p);

/* The host's owner and view of one page, from its stage-2 entry. */
u32 pkvm_host_owner(struct pkvm *p, u64 pfn, enum pkvm_view *view);
enum pkvm_view pkvm_hyp_view(struct pkvm *p, u64 pfn);
/* The guest's view of @gfn, and the page it maps there. */
enum pkvm_view pkvm_guest_view(struct pkvm_vm *vm, u64 gfn, u64 *pfn);

/* S20: -EINVAL, -ENOENT, or 0 with *out set (live or dead). */
int pkvm_vm_get(struct pkvm *p, u32 vm, struct pkvm_vm **out);
bool pkvm_gfn_ok(const struct pkvm_vm *vm, u64 gfn);

/*
 * Check every pool an operation needs, then commit (S25): @b may be NULL.
 * 0, or -ENOMEM with nothing changed.
 */
int pkvm_commit(struct pgt *a, const struct pgt_install *ia, struct pgt *b,
		const struct pgt_install *ib);

/* Installs in hyp stage-1 (VA = PA + hyp_va_offset) and guest stage-2. */
struct pgt_install pkvm_hyp_ins_map(const struct pkvm *p, u64 pfn, u64 nr,
				    enum pgt_page_state state);
struct pgt_install pkvm_hyp_ins_unmap(const struct pkvm *p, u64 pfn, u64 nr);
struct pgt_install pkvm_guest_ins_map(u64 gfn, u64 pfn, u32 prot, enum pgt_page_state state);
struct pgt_install pkvm_guest_ins_unmap(u64 gfn);

#endif /* CORE_PKVM_INTERNAL_H */
