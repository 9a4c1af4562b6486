/* SPDX-License-Identifier: MIT */
/*
 * A kernel tree's page tables, seen from s2fuzz (docs/kernel-tree.md). The
 * tree's arch/arm64/kvm/hyp/pgtable.c is built unmodified against the
 * stand-ins of s2k_standins.h; kernel_glue.c, built with it, drives its
 * kvm_pgtable_* API behind this interface, which uses plain C types only so
 * that its callers (the fuzz target, tests) never see the kernel's headers.
 * One tree per program: the tree's symbols are the kernel's own names.
 *
 * Memory, reference counts, stores, invalidations and WARNs go through a
 * platform (struct s2k_platform): kernel_sim.c puts them on the simulated
 * machine (sim/), as the core's are.
 */
#ifndef S2K_KERNEL_TABLE_H
#define S2K_KERNEL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum s2k_kind {
	S2K_GUEST_S2, /* kvm_pgtable_stage2_*: a guest's stage 2 */
	S2K_HYP_S1,   /* kvm_pgtable_hyp_*: the hypervisor's own stage 1 */
};

/* What an invalidation covered. */
enum s2k_tlbi {
	S2K_TLBI_IPA,	  /* one guest address; level TLBI_TTL_UNKNOWN (INT_MAX) if not given */
	S2K_TLBI_IPA_NSH, /* the same, this CPU only */
	S2K_TLBI_RANGE,	  /* guest addresses [addr, addr + size) */
	S2K_TLBI_VMID,	  /* the whole guest */
	S2K_TLBI_HYP_VA,  /* one hyp address (VAE2IS: every level) */
	S2K_TLBI_HYP_VA_LEAF, /* one hyp address, last level only (VALE2IS) */
};

/*
 * The machine under the tables. Pages are table pages: zalloc_page gives a
 * zeroed one with reference count 1 from the table's pool, or NULL when the
 * pool is empty; free_page returns one whose count dropped to zero.
 */
struct s2k_platform {
	void *(*zalloc_page)(void *ctx);
	void (*free_page)(void *ctx, void *va);
	void (*get_page)(void *ctx, void *va);
	void (*put_page)(void *ctx, void *va); /* never the last reference */
	int (*page_count)(void *ctx, void *va);
	uint64_t (*pages_free)(void *ctx); /* what zalloc_page can still give */
	void *(*phys_to_virt)(void *ctx, uint64_t pa);
	uint64_t (*virt_to_phys)(void *ctx, void *va);
	/* After every 8-byte store the tree's code makes (entry or not). */
	void (*stored)(void *ctx, void *p, uint64_t old, uint64_t new_val);
	void (*tlbi)(void *ctx, enum s2k_tlbi kind, uint64_t addr, uint64_t size, int level);
	void (*warned)(void *ctx, const char *file, int line, const char *cond);
};

/* The tree the program was built from: its version and what its API has. */
struct s2k_tree {
	const char *version;	/* "6.1.192" */
	bool has_split;		/* kvm_pgtable_stage2_split */
	bool has_test_clear_young; /* ...test_clear_young (newer) or ...mkold (older) */
	bool map_takes_flags;	/* kvm_pgtable_stage2_map(..., mc, flags) */
	/* KVM_PGTABLE_WALK_HANDLE_FAULT: without it, every -EAGAIN stops a walk. */
	bool has_handle_fault;
	/* KVM_PGTABLE_WALK_IGNORE_EAGAIN (7.2): walks stop at -EAGAIN unless it is given. */
	bool has_ignore_eagain;
	bool has_set_owner;	/* set_owner or annotate (not in 5.10) */
	bool has_hyp_unmap;	/* kvm_pgtable_hyp_unmap (not in 5.10) */
	/*
	 * Set_owner's annotation type (bits 63:60 of the entry) on trees whose
	 * owners are kvm_pgtable_stage2_annotate's typed annotations (7.2);
	 * 0 on trees with kvm_pgtable_stage2_set_owner.
	 */
	unsigned annotation_type;
	/* Read from pgtable.c's code, not its API (5.10 differs in all three): */
	bool invalid_keeps_bits; /* an entry made invalid keeps its other bits */
	bool hyp_counts_tables;	 /* the hyp's table pages hold 1 + their entries */
	bool map_again_on_leaf;	 /* a map over a valid leaf answers -EAGAIN, not BBM */
};

extern const struct s2k_tree s2k_tree;

/*
 * The CPU the tables run on, as the tree's capability checks see it. The
 * default: FWB and TLB range invalidation, EL2 not in hVHE (E2H clear).
 */
struct s2k_cpu {
	bool fwb;
	bool tlb_range;
	bool hvhe;
};

void s2k_set_cpu(const struct s2k_cpu *cpu);

struct s2k_table;

/*
 * A table of @ia_bits (the hyp's: 48) whose root starts at @start_level (a
 * stage 2 only: the VTCR's SL0; the hyp's follows from its bits). Returns
 * NULL with *rc set when the kernel refuses (-ENOMEM: no page for the root).
 */
struct s2k_table *s2k_table_create(enum s2k_kind kind, unsigned ia_bits, unsigned start_level,
				   const struct s2k_platform *plat, void *ctx, int *rc);
/* kvm_pgtable_*_destroy, then the table's own memory. */
void s2k_table_destroy(struct s2k_table *t);

uint64_t s2k_root_pa(const struct s2k_table *t);
unsigned s2k_start_level(const struct s2k_table *t);

/*
 * The API, one call each. @prot is KVM_PGTABLE_PROT_*'s bits (X 1, W 2,
 * R 4, DEVICE 8). Every call first sets the memcache's object count to the
 * pages its platform has free.
 */
int s2k_map(struct s2k_table *t, uint64_t ia, uint64_t size, uint64_t pa, uint64_t prot);
/*
 * A guest's stage-2 fault, as KVM's abort handler maps it: one leaf of @size
 * (a page or a block) at @ia, a shared walk where the tree has them
 * (map's flags: HANDLE_FAULT | SHARED), so -EAGAIN comes back to the caller.
 */
int s2k_fault_map(struct s2k_table *t, uint64_t ia, uint64_t size, uint64_t pa, uint64_t prot);
/* The hyp's unmap returns the bytes unmapped; the stage 2's, 0 or an error. */
int64_t s2k_unmap(struct s2k_table *t, uint64_t ia, uint64_t size);
int s2k_set_owner(struct s2k_table *t, uint64_t ia, uint64_t size, unsigned owner);
int s2k_wrprotect(struct s2k_table *t, uint64_t ia, uint64_t size);
/* Older trees: mkold of the one leaf at @ia (size unused); newer: test-and-clear over the range. */
bool s2k_mkold(struct s2k_table *t, uint64_t ia, uint64_t size);
void s2k_mkyoung(struct s2k_table *t, uint64_t ia);
int s2k_relax_perms(struct s2k_table *t, uint64_t ia, uint64_t prot);
/* -EOPNOTSUPP where the tree has no eager split. */
int s2k_split(struct s2k_table *t, uint64_t ia, uint64_t size);
int s2k_get_leaf(struct s2k_table *t, uint64_t ia, uint64_t *pte, int *level);

#endif /* S2K_KERNEL_TABLE_H */
