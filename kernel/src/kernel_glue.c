// SPDX-License-Identifier: MIT
/*
 * The adapter's side that sees the kernel's headers: built once per tree,
 * beside the tree's pgtable.c, with the tree's asm/kvm_pgtable.h and what
 * tools/kernel-tree.sh detected in it (s2k_tree_features.h). It gives
 * the tree its kvm_pgtable_mm_ops, its TLB maintenance and the stand-ins'
 * hooks, all forwarded to the platform of the table being called, and
 * turns the API of kernel_table.h into the tree's own calls.
 *
 * The mm_ops callbacks take no context, and the hyp's root comes from
 * zalloc_page(NULL): the table of the call in progress is kept in `cur`.
 * Calls never nest, and a program drives one table at a time.
 */
#include "s2k/kernel_table.h"

#include <asm/kvm_pgtable.h>
#include <stdlib.h>
#include <string.h>

#include "s2k_tree_features.h"

struct s2k_table {
	enum s2k_kind kind;
	struct kvm_pgtable pgt;
	struct kvm_s2_mmu mmu;
	struct kvm_arch arch;
	struct kvm_pgtable_mm_ops mm_ops;
	const struct s2k_platform *plat;
	void *ctx;
	bool up;
};

static struct s2k_table *cur;

/* Enter a call on @t: its platform receives everything until the next. */
static void enter(struct s2k_table *t)
{
	cur = t;
}

#define P (cur->plat)
#define C (cur->ctx)

/* ---- kvm_pgtable_mm_ops on the platform ---- */
static void *k_zalloc_page(void *arg)
{
	struct kvm_mmu_memory_cache *mc = arg;
	void *page = P->zalloc_page(C);

	if (page && mc && mc->nobjs > 0)
		mc->nobjs--;
	return page;
}

/* A stage 2's root: one page (the profile never asks for a concatenated root). */
static void *k_zalloc_pages_exact(size_t size)
{
	return size == PAGE_SIZE ? P->zalloc_page(C) : NULL;
}

/* A stage 2's root at destroy: anything but its own reference left is a leak. */
static void k_free_pages_exact(void *addr, size_t size)
{
	(void)size;
	if (P->page_count(C, addr) != 1)
		P->warned(C, __FILE__, __LINE__, "root freed with references left");
	P->free_page(C, addr);
}

static void k_get_page(void *addr)
{
	P->get_page(C, addr);
}

/* The last reference gone, the page goes back to the pool (as pKVM's hyp pools do). */
static void k_put_page(void *addr)
{
	if (P->page_count(C, addr) == 1)
		P->free_page(C, addr);
	else
		P->put_page(C, addr);
}

static int k_page_count(void *addr)
{
	return P->page_count(C, addr);
}

static void *k_phys_to_virt(phys_addr_t phys)
{
	return P->phys_to_virt(C, phys);
}

static phys_addr_t k_virt_to_phys(void *addr)
{
	return P->virt_to_phys(C, addr);
}

#if S2K_TREE_MM_FREE_UNLINKED || S2K_TREE_MM_FREE_REMOVED
/* A table unlinked by a shared walk: one walker at a time here, so freed at once. */
static void k_free_unlinked(void *addr, __typeof__(((struct kvm_pgtable *)0)->start_level) level)
{
#if S2K_TREE_MM_FREE_UNLINKED
	kvm_pgtable_stage2_free_unlinked(&cur->mm_ops, addr, level);
#else
	kvm_pgtable_stage2_free_removed(&cur->mm_ops, addr, level);
#endif
}
#endif

/* ---- The stand-ins' hooks and the TLB maintenance the tree calls ---- */
bool s2k_caps[S2K_NR_CAPS] = {
	[ARM64_HAS_STAGE2_FWB] = true,
	[S2K_CAP_TLB_RANGE] = true,
};

void s2k_set_cpu(const struct s2k_cpu *cpu)
{
	s2k_caps[ARM64_HAS_STAGE2_FWB] = cpu->fwb;
	s2k_caps[S2K_CAP_TLB_RANGE] = cpu->tlb_range;
	s2k_caps[ARM64_KVM_HVHE] = cpu->hvhe;
}

int s2k_rcu_depth;

void s2k_stored(void *p, u64 old, u64 val)
{
	if (cur)
		P->stored(C, p, old, val);
}

void s2k_barrier(void)
{
}

void s2k_warned(const char *file, int line, const char *cond)
{
	if (cur)
		P->warned(C, file, line, cond);
}

void __kvm_tlb_flush_vmid_ipa(struct kvm_s2_mmu *mmu, phys_addr_t ipa, int level)
{
	(void)mmu;
	P->tlbi(C, S2K_TLBI_IPA, ipa, 0, level);
}

void __kvm_tlb_flush_vmid_ipa_nsh(struct kvm_s2_mmu *mmu, phys_addr_t ipa, int level)
{
	(void)mmu;
	P->tlbi(C, S2K_TLBI_IPA_NSH, ipa, 0, level);
}

void __kvm_tlb_flush_vmid_range(struct kvm_s2_mmu *mmu, phys_addr_t start, unsigned long pages)
{
	(void)mmu;
	P->tlbi(C, S2K_TLBI_RANGE, start, (u64)pages << PAGE_SHIFT, TLBI_TTL_UNKNOWN);
}

void __kvm_tlb_flush_vmid(struct kvm_s2_mmu *mmu)
{
	(void)mmu;
	P->tlbi(C, S2K_TLBI_VMID, 0, 0, TLBI_TTL_UNKNOWN);
}

void s2k_tlbi_hyp(u64 va, int level, bool last_level)
{
	P->tlbi(C, last_level ? S2K_TLBI_HYP_VA_LEAF : S2K_TLBI_HYP_VA, va, 0, level);
}

/* ---- The API ---- */
const struct s2k_tree s2k_tree = {
	.version = S2K_TREE_VERSION,
	.has_split = S2K_TREE_HAS_SPLIT,
	.has_test_clear_young = S2K_TREE_HAS_TEST_CLEAR_YOUNG,
	.map_takes_flags = S2K_TREE_MAP_TAKES_FLAGS,
	.has_handle_fault = S2K_TREE_HAS_HANDLE_FAULT,
};

struct s2k_table *s2k_table_create(enum s2k_kind kind, unsigned ia_bits, unsigned start_level,
				   const struct s2k_platform *plat, void *ctx, int *rc)
{
	struct s2k_table *t = calloc(1, sizeof(*t));

	if (!t) {
		*rc = -ENOMEM;
		return NULL;
	}
	t->kind = kind;
	t->plat = plat;
	t->ctx = ctx;
	t->mm_ops = (struct kvm_pgtable_mm_ops){
		.zalloc_page = k_zalloc_page,
		.zalloc_pages_exact = k_zalloc_pages_exact,
		.free_pages_exact = k_free_pages_exact,
#if S2K_TREE_MM_FREE_UNLINKED
		.free_unlinked_table = k_free_unlinked,
#elif S2K_TREE_MM_FREE_REMOVED
		.free_removed_table = k_free_unlinked,
#endif
		.get_page = k_get_page,
		.put_page = k_put_page,
		.page_count = k_page_count,
		.phys_to_virt = k_phys_to_virt,
		.virt_to_phys = k_virt_to_phys,
	};
	enter(t);
	if (kind == S2K_HYP_S1) {
		*rc = kvm_pgtable_hyp_init(&t->pgt, ia_bits, &t->mm_ops);
	} else {
		/* T0SZ gives the bits; SL0 the start level (4 KiB granule: SL0 = 2 - level). */
		/* PS 0b101: 48-bit output addresses, as the format's reach. */
		u64 vtcr = VTCR_EL2_FLAGS | VTCR_EL2_T0SZ(ia_bits) |
			   ((VTCR_EL2_TGRAN_SL0_BASE - start_level) << VTCR_EL2_SL0_SHIFT) |
			   (5UL << VTCR_EL2_PS_SHIFT);

		t->arch.vtcr = vtcr;
		t->mmu.vtcr = vtcr;
		t->mmu.arch = &t->arch;
		t->mmu.pgt = &t->pgt;
		*rc = kvm_pgtable_stage2_init(&t->pgt, &t->mmu, &t->mm_ops);
	}
	cur = NULL;
	if (*rc) {
		free(t);
		return NULL;
	}
	t->up = true;
	return t;
}

void s2k_table_destroy(struct s2k_table *t)
{
	if (!t)
		return;
	enter(t);
	if (t->kind == S2K_HYP_S1)
		kvm_pgtable_hyp_destroy(&t->pgt);
	else
		kvm_pgtable_stage2_destroy(&t->pgt);
	cur = NULL;
	free(t);
}

uint64_t s2k_root_pa(const struct s2k_table *t)
{
	const struct s2k_platform *plat = t->plat;

	return plat->virt_to_phys(t->ctx, (void *)t->pgt.pgd);
}

unsigned s2k_start_level(const struct s2k_table *t)
{
	return (unsigned)t->pgt.start_level;
}

/*
 * The memcache of every call: the MMU's split cache, where eager splitting
 * looks for it (newer trees find the MMU from it). It holds what the
 * platform's pool has free.
 */
#define MC(t) (&(t)->mmu.split_page_cache)

#define CALL(t, expr)                                                  \
	({                                                             \
		__typeof__(expr) r_;                                   \
		enter(t);                                              \
		MC(t)->nobjs = (int)(t)->plat->pages_free((t)->ctx);   \
		r_ = (expr);                                           \
		if (s2k_rcu_depth) {                                   \
			s2k_warned(__FILE__, __LINE__, "RCU left held"); \
			s2k_rcu_depth = 0;                             \
		}                                                      \
		cur = NULL;                                            \
		r_;                                                    \
	})

int s2k_map(struct s2k_table *t, uint64_t ia, uint64_t size, uint64_t pa, uint64_t prot)
{
	enum kvm_pgtable_prot p = (enum kvm_pgtable_prot)prot;

	if (t->kind == S2K_HYP_S1)
		return CALL(t, kvm_pgtable_hyp_map(&t->pgt, ia, size, pa, p));
#if S2K_TREE_MAP_TAKES_FLAGS
	return CALL(t, kvm_pgtable_stage2_map(&t->pgt, ia, size, pa, p, MC(t), 0));
#else
	return CALL(t, kvm_pgtable_stage2_map(&t->pgt, ia, size, pa, p, MC(t)));
#endif
}

int s2k_fault_map(struct s2k_table *t, uint64_t ia, uint64_t size, uint64_t pa, uint64_t prot)
{
	enum kvm_pgtable_prot p = (enum kvm_pgtable_prot)prot;

#if S2K_TREE_MAP_TAKES_FLAGS
	return CALL(t, kvm_pgtable_stage2_map(&t->pgt, ia, size, pa, p, MC(t),
					      KVM_PGTABLE_WALK_HANDLE_FAULT |
						      KVM_PGTABLE_WALK_SHARED));
#else
	return CALL(t, kvm_pgtable_stage2_map(&t->pgt, ia, size, pa, p, MC(t)));
#endif
}

int64_t s2k_unmap(struct s2k_table *t, uint64_t ia, uint64_t size)
{
	if (t->kind == S2K_HYP_S1)
		return (int64_t)CALL(t, kvm_pgtable_hyp_unmap(&t->pgt, ia, size));
	return CALL(t, kvm_pgtable_stage2_unmap(&t->pgt, ia, size));
}

int s2k_set_owner(struct s2k_table *t, uint64_t ia, uint64_t size, unsigned owner)
{
	return CALL(t, kvm_pgtable_stage2_set_owner(&t->pgt, ia, size, MC(t), (u8)owner));
}

int s2k_wrprotect(struct s2k_table *t, uint64_t ia, uint64_t size)
{
	return CALL(t, kvm_pgtable_stage2_wrprotect(&t->pgt, ia, size));
}

bool s2k_mkold(struct s2k_table *t, uint64_t ia, uint64_t size)
{
#if S2K_TREE_HAS_TEST_CLEAR_YOUNG
	return CALL(t, kvm_pgtable_stage2_test_clear_young(&t->pgt, ia, size, true));
#else
	(void)size;
	/* The old entry: young if its access flag (bit 10) was set. */
	return CALL(t, kvm_pgtable_stage2_mkold(&t->pgt, ia)) & BIT(10);
#endif
}

uint64_t s2k_mkyoung(struct s2k_table *t, uint64_t ia)
{
	return CALL(t, kvm_pgtable_stage2_mkyoung(&t->pgt, ia));
}

int s2k_relax_perms(struct s2k_table *t, uint64_t ia, uint64_t prot)
{
	return CALL(t, kvm_pgtable_stage2_relax_perms(&t->pgt, ia, (enum kvm_pgtable_prot)prot));
}

int s2k_split(struct s2k_table *t, uint64_t ia, uint64_t size)
{
#if S2K_TREE_HAS_SPLIT
	return CALL(t, kvm_pgtable_stage2_split(&t->pgt, ia, size, MC(t)));
#else
	(void)t, (void)ia, (void)size;
	return -EOPNOTSUPP;
#endif
}

int s2k_get_leaf(struct s2k_table *t, uint64_t ia, uint64_t *pte, int *level)
{
	__typeof__(t->pgt.start_level) l = 0;
	kvm_pte_t entry = 0;
	int rc = CALL(t, kvm_pgtable_get_leaf(&t->pgt, ia, &entry, &l));

	*pte = entry;
	*level = (int)l;
	return rc;
}
