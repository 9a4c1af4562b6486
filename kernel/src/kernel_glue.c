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
	struct kvm kvm; /* its arch.mmu is the table's MMU */
#if S2K_TREE_HAS_MM_OPS
	struct kvm_pgtable_mm_ops mm_ops;
#endif
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

#if !S2K_TREE_HAS_MM_OPS
/* ---- Trees without mm_ops (5.10): the kernel's page allocator, on the same platform calls ---- */
unsigned long get_zeroed_page(gfp_t gfp)
{
	(void)gfp;
	return (unsigned long)P->zalloc_page(C);
}

void free_page(unsigned long addr)
{
	k_put_page((void *)addr);
}

void *alloc_pages_exact(size_t size, gfp_t gfp)
{
	(void)gfp;
	return k_zalloc_pages_exact(size);
}

void free_pages_exact(void *addr, size_t size)
{
	k_free_pages_exact(addr, size);
}

void get_page(struct page *page)
{
	k_get_page(page);
}

void put_page(struct page *page)
{
	k_put_page(page);
}

int page_count(struct page *page)
{
	return k_page_count(page);
}

void *s2k_va(phys_addr_t pa)
{
	return k_phys_to_virt(pa);
}

phys_addr_t s2k_pa(const void *va)
{
	return k_virt_to_phys((void *)va);
}

void *kvm_mmu_memory_cache_alloc(struct kvm_mmu_memory_cache *mc)
{
	return k_zalloc_page(mc);
}
#endif

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
	.has_ignore_eagain = S2K_TREE_HAS_IGNORE_EAGAIN,
	.has_set_owner = S2K_TREE_HAS_SET_OWNER || S2K_TREE_HAS_ANNOTATE,
	.has_hyp_unmap = S2K_TREE_HAS_HYP_UNMAP,
	.invalid_keeps_bits = S2K_TREE_INVALID_KEEPS_BITS,
	.hyp_counts_tables = S2K_TREE_HYP_COUNTS_TABLES,
	.map_again_on_leaf = S2K_TREE_MAP_AGAIN_ON_LEAF,
#if S2K_TREE_HAS_ANNOTATE
	.annotation_type = KVM_HOST_INVALID_PTE_TYPE_DONATION,
#endif
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
#if S2K_TREE_HAS_MM_OPS
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
#endif
	enter(t);
	if (kind == S2K_HYP_S1) {
#if S2K_TREE_HAS_MM_OPS
		*rc = kvm_pgtable_hyp_init(&t->pgt, ia_bits, &t->mm_ops);
#else
		*rc = kvm_pgtable_hyp_init(&t->pgt, ia_bits);
#endif
	} else {
		/* T0SZ gives the bits; SL0 the start level (4 KiB granule: SL0 = 2 - level). */
		/* PS 0b101: 48-bit output addresses, as the format's reach. */
		u64 vtcr = VTCR_EL2_FLAGS | (64UL - ia_bits) |
			   ((VTCR_EL2_TGRAN_SL0_BASE - start_level) << VTCR_EL2_SL0_SHIFT) |
			   (5UL << VTCR_EL2_PS_SHIFT);

		struct kvm_s2_mmu *mmu = &t->kvm.arch.mmu;

		t->kvm.arch.vtcr = vtcr;
		mmu->vtcr = vtcr;
		mmu->arch = &t->kvm.arch;
		mmu->pgt = &t->pgt;
#if S2K_TREE_HAS_MM_OPS
		*rc = kvm_pgtable_stage2_init(&t->pgt, mmu, &t->mm_ops);
#else
		*rc = kvm_pgtable_stage2_init(&t->pgt, &t->kvm);
#endif
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
#define MC(t) (&(t)->kvm.arch.mmu.split_page_cache)

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

/* kernel_table.h's prot bits (X 1, W 2, R 4, device 8) in the tree's own enum. */
static enum kvm_pgtable_prot tree_prot(uint64_t prot)
{
	return (enum kvm_pgtable_prot)((prot & 1 ? KVM_PGTABLE_PROT_X : 0) |
				       (prot & 2 ? KVM_PGTABLE_PROT_W : 0) |
				       (prot & 4 ? KVM_PGTABLE_PROT_R : 0) |
				       (prot & 8 ? KVM_PGTABLE_PROT_DEVICE : 0));
}

int s2k_map(struct s2k_table *t, uint64_t ia, uint64_t size, uint64_t pa, uint64_t prot)
{
	enum kvm_pgtable_prot p = tree_prot(prot);

	if (t->kind == S2K_HYP_S1)
		return CALL(t, kvm_pgtable_hyp_map(&t->pgt, ia, size, pa, p));
#if S2K_TREE_MAP_TAKES_FLAGS
	return CALL(t, kvm_pgtable_stage2_map(&t->pgt, ia, size, pa, p, MC(t), 0));
#else
	return CALL(t, kvm_pgtable_stage2_map(&t->pgt, ia, size, pa, p, MC(t)));
#endif
}

/* The walk flags of a fault's map, mkyoung and relax_perms (KVM's fault handler). */
#if S2K_TREE_HAS_HANDLE_FAULT
#define FAULT_FLAGS (KVM_PGTABLE_WALK_HANDLE_FAULT | KVM_PGTABLE_WALK_SHARED)
#else /* walks stop at -EAGAIN unless told otherwise */
#define FAULT_FLAGS KVM_PGTABLE_WALK_SHARED
#endif

int s2k_fault_map(struct s2k_table *t, uint64_t ia, uint64_t size, uint64_t pa, uint64_t prot)
{
	enum kvm_pgtable_prot p = tree_prot(prot);

#if S2K_TREE_MAP_TAKES_FLAGS
	return CALL(t, kvm_pgtable_stage2_map(&t->pgt, ia, size, pa, p, MC(t), FAULT_FLAGS));
#else
	return CALL(t, kvm_pgtable_stage2_map(&t->pgt, ia, size, pa, p, MC(t)));
#endif
}

int64_t s2k_unmap(struct s2k_table *t, uint64_t ia, uint64_t size)
{
	if (t->kind == S2K_HYP_S1)
#if S2K_TREE_HAS_HYP_UNMAP
		return (int64_t)CALL(t, kvm_pgtable_hyp_unmap(&t->pgt, ia, size));
#else
		return -EOPNOTSUPP;
#endif
	return CALL(t, kvm_pgtable_stage2_unmap(&t->pgt, ia, size));
}

int s2k_set_owner(struct s2k_table *t, uint64_t ia, uint64_t size, unsigned owner)
{
#if S2K_TREE_HAS_ANNOTATE
	/* The owner in the bits older trees keep it in, [9:2]; the type is a donation's. */
	return CALL(t, kvm_pgtable_stage2_annotate(&t->pgt, ia, size, MC(t),
						   KVM_HOST_INVALID_PTE_TYPE_DONATION,
						   (kvm_pte_t)(u8)owner << 2));
#elif S2K_TREE_HAS_SET_OWNER
	return CALL(t, kvm_pgtable_stage2_set_owner(&t->pgt, ia, size, MC(t), (u8)owner));
#else
	(void)t, (void)ia, (void)size, (void)owner;
	return -EOPNOTSUPP;
#endif
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

void s2k_mkyoung(struct s2k_table *t, uint64_t ia)
{
#if S2K_TREE_MKYOUNG_TAKES_FLAGS
	CALL(t, (kvm_pgtable_stage2_mkyoung(&t->pgt, ia, FAULT_FLAGS), 0));
#else
	CALL(t, kvm_pgtable_stage2_mkyoung(&t->pgt, ia));
#endif
}

int s2k_relax_perms(struct s2k_table *t, uint64_t ia, uint64_t prot)
{
#if S2K_TREE_RELAX_TAKES_FLAGS
	return CALL(t, kvm_pgtable_stage2_relax_perms(&t->pgt, ia, tree_prot(prot), FAULT_FLAGS));
#else
	return CALL(t, kvm_pgtable_stage2_relax_perms(&t->pgt, ia, tree_prot(prot)));
#endif
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

#if !S2K_TREE_HAS_GET_LEAF
/*
 * Trees without kvm_pgtable_get_leaf (5.10): the same question asked
 * through the tree's own kvm_pgtable_walk, a leaf visitor on one page.
 */
struct leaf_seen {
	kvm_pte_t pte;
	u32 level;
};

static int leaf_visitor(u64 addr, u64 end, u32 level, kvm_pte_t *ptep,
			enum kvm_pgtable_walk_flags flag, void *const arg)
{
	struct leaf_seen *seen = arg;

	(void)addr, (void)end, (void)flag;
	seen->pte = *ptep;
	seen->level = level;
	return 0;
}

static int kvm_pgtable_get_leaf(struct kvm_pgtable *pgt, u64 addr, kvm_pte_t *ptep, u32 *level)
{
	struct leaf_seen seen = { 0 };
	struct kvm_pgtable_walker walker = {
		.cb = leaf_visitor,
		.flags = KVM_PGTABLE_WALK_LEAF,
		.arg = &seen,
	};
	int rc = kvm_pgtable_walk(pgt, ALIGN_DOWN(addr, PAGE_SIZE), PAGE_SIZE, &walker);

	if (!rc) {
		*ptep = seen.pte;
		*level = seen.level;
	}
	return rc;
}
#endif

int s2k_get_leaf(struct s2k_table *t, uint64_t ia, uint64_t *pte, int *level)
{
	__typeof__(t->pgt.start_level) l = 0;
	kvm_pte_t entry = 0;
	int rc = CALL(t, kvm_pgtable_get_leaf(&t->pgt, ia, &entry, &l));

	*pte = entry;
	*level = (int)l;
	return rc;
}
