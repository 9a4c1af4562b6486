/* SPDX-License-Identifier: MIT */
/*
 * What a kernel tree's arch/arm64/kvm/hyp/pgtable.c needs from outside its
 * own kvm_pgtable.h and stage2_pgtable.h, for a build in userspace on the
 * simulated machine (docs/kernel-tree.md). Written for s2fuzz from the
 * architecture and the interfaces' documented meaning, not taken from a
 * kernel; where a name's meaning fixes its formula (the levels a 4 KiB
 * granule needs, VTCR_EL2's SL0), the formula is the architecture's. The
 * tree's own headers are used for everything else.
 *
 * The pgtable.c is compiled as the host kernel's is (not as the nVHE
 * hypervisor's, whose newer trees refuse the shared walks mkyoung and
 * relax_perms make): RCU read-side sections are only counted (a call runs
 * alone), TLB maintenance is called directly. Stores to entries, barriers,
 * invalidations and WARNs reach the adapter (kernel/src/), which reports
 * them to the simulated machine's observer like the core's.
 */
#ifndef S2K_STANDINS_H
#define S2K_STANDINS_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What tools/kernel-tree.sh found in the tree (absent while it is still looking). */
#if __has_include("s2k_tree_features.h")
#include "s2k_tree_features.h"
#endif

/* ---- Types and compiler words ---- */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef u64 phys_addr_t;
typedef u64 kvm_pfn_t;

#define __rcu
#ifndef __always_inline /* glibc's <sys/cdefs.h> has one */
#define __always_inline inline __attribute__((__always_inline__))
#endif
#define __must_check	__attribute__((__warn_unused_result__))
#define __maybe_unused	__attribute__((__unused__))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define min(a, b)                                 \
	({                                        \
		__typeof__(a) s2k_a_ = (a);       \
		__typeof__(b) s2k_b_ = (b);       \
		s2k_a_ < s2k_b_ ? s2k_a_ : s2k_b_; \
	})
#define max(a, b)                                 \
	({                                        \
		__typeof__(a) s2k_a_ = (a);       \
		__typeof__(b) s2k_b_ = (b);       \
		s2k_a_ > s2k_b_ ? s2k_a_ : s2k_b_; \
	})

/* IS_ENABLED(CONFIG_X): 1 when CONFIG_X is defined as 1 below, else 0. */
#define S2K_PLACEHOLDER_1 0,
#define S2K_SECOND(skip, val, ...) val
#define S2K_DEFINED3(arg) S2K_SECOND(arg 1, 0, 0)
#define S2K_DEFINED2(val) S2K_DEFINED3(S2K_PLACEHOLDER_##val)
#define IS_ENABLED(opt) S2K_DEFINED2(opt)

/* The configuration pKVM runs with on the machines s2fuzz models. */
#define CONFIG_ARM64_4K_PAGES 1
#define CONFIG_ARM64_HW_AFDBM 1

/* ---- Bits and fields ---- */
#define UL(x)	   ((unsigned long)(x))
#define BIT(n)	   (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#define GENMASK(h, l)	  ((~0UL >> (63 - (h))) & (~0UL << (l)))
#define GENMASK_ULL(h, l) ((~0ULL >> (63 - (h))) & (~0ULL << (l)))
#define FIELD_PREP(mask, val) \
	((__typeof__(mask))(((u64)(val) << __builtin_ctzll(mask)) & (mask)))
#define FIELD_GET(mask, reg) \
	((__typeof__(mask))(((reg) & (mask)) >> __builtin_ctzll(mask)))

#define ALIGN(x, a)	 (((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

#define MAX_ERRNO	4095
#define ERR_PTR(e)	((void *)(long)(e))
#define PTR_ERR(p)	((long)(p))
#define IS_ERR(p)	((unsigned long)(p) >= (unsigned long)-MAX_ERRNO)

/* ---- The 4 KiB granule (Arm ARM D8: 9 bits a level, 4 levels) ---- */
#define PAGE_SHIFT    12
#define PAGE_SIZE     (1UL << PAGE_SHIFT)
#define PAGE_MASK     (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) ALIGN(x, PAGE_SIZE)
#define PTRS_PER_PTE  (1 << (PAGE_SHIFT - 3))
#define __phys_to_pfn(pa) ((pa) >> PAGE_SHIFT)
/* Levels a table needs for @va_bits, and the shift a level-@n entry maps. */
#define ARM64_HW_PGTABLE_LEVELS(va_bits)  (((va_bits) - 4) / (PAGE_SHIFT - 3))
#define ARM64_HW_PGTABLE_LEVEL_SHIFT(n)	  ((PAGE_SHIFT - 3) * (4 - (n)) + 3)

/* ---- Memory types: the hyp's MAIR indices and the stage-2 MemAttr values ---- */
#define MT_NORMAL	       0
#define MT_NORMAL_TAGGED       1
#define MT_NORMAL_NC	       2
#define MT_DEVICE_nGnRnE       3
#define MT_DEVICE_nGnRE	       4
#define MT_S2_NORMAL	       0xf /* outer and inner write-back */
#define MT_S2_NORMAL_NC	       0x5
#define MT_S2_DEVICE_nGnRE     0x1
#define MT_S2_FWB_NORMAL       6 /* with FWB: the stage-1 attribute stands */
#define MT_S2_FWB_NORMAL_NC    5
#define MT_S2_FWB_DEVICE_nGnRE 1
#define PTE_S2_MEMATTR(t)      ((u64)(t) << 2) /* MemAttr, bits [5:2] */
/* Normal memory whose attributes stage 1 decides: with FWB MemAttr 0b0111; without, the weakest. */
#define MT_S2_AS_S1	       MT_S2_NORMAL
#define MT_S2_FWB_AS_S1	       7
/* 5.10 and newer trees (7.2) leave out whether the CPU has FWB: the CPU is asked. */
#define PAGE_S2_MEMATTR(attr, ...) \
	S2K_S2_MEMATTR(attr, ##__VA_ARGS__, cpus_have_final_cap(ARM64_HAS_STAGE2_FWB))
#define S2K_S2_MEMATTR(attr, has_fwb, ...) \
	((has_fwb) ? PTE_S2_MEMATTR(MT_S2_FWB_##attr) : PTE_S2_MEMATTR(MT_S2_##attr))

/* ---- VTCR_EL2 and the ID registers (Arm ARM D19) ---- */
#define VTCR_EL2_T0SZ_MASK	0x3fUL
/* T0SZ: a macro of the bits (6.1, 6.12), or the field's mask for FIELD_PREP (7.2). */
#if S2K_TREE_VTCR_FIELD_MASKS
#define VTCR_EL2_T0SZ		VTCR_EL2_T0SZ_MASK
#define VTCR_EL2_PS		(7UL << VTCR_EL2_PS_SHIFT)
#define VTCR_EL2_VS		VTCR_EL2_VS_16BIT
#else
#define VTCR_EL2_T0SZ(bits)	(64UL - (bits))
#endif
#define VTCR_EL2_SL0_SHIFT	6
#define VTCR_EL2_SL0_MASK	(3UL << VTCR_EL2_SL0_SHIFT)
#define VTCR_EL2_TGRAN_SL0_BASE 2UL /* 4 KiB: SL0 = 2 - start level */
#define VTCR_EL2_LVLS_TO_SL0(levels) \
	((VTCR_EL2_TGRAN_SL0_BASE - (4 - (levels))) << VTCR_EL2_SL0_SHIFT)
#define VTCR_EL2_SL0_TO_LVLS(sl0) ((sl0) + 4 - VTCR_EL2_TGRAN_SL0_BASE)
#define VTCR_EL2_LVLS(vtcr) \
	VTCR_EL2_SL0_TO_LVLS(((vtcr) & VTCR_EL2_SL0_MASK) >> VTCR_EL2_SL0_SHIFT)
#define VTCR_EL2_IPA(vtcr)  (64 - ((vtcr) & VTCR_EL2_T0SZ_MASK))
#define VTCR_EL2_PS_SHIFT   16
#define VTCR_EL2_VS_8BIT    0UL
#define VTCR_EL2_VS_16BIT   (1UL << 19)
#define VTCR_EL2_HA	    (1UL << 21)
#define VTCR_EL2_DS	    (1UL << 32)
/* RES1 bit 31, inner-shareable write-back walks, 4 KiB granule (TG0 = 0). */
#define VTCR_EL2_FLAGS ((1UL << 31) | (3UL << 12) | (1UL << 10) | (1UL << 8))

#define ID_AA64MMFR0_EL1_PARANGE_SHIFT 0
#define ID_AA64MMFR0_EL1_PARANGE_48    0x5
#define ID_AA64MMFR0_EL1_PARANGE_52    0x6
#define ID_AA64MMFR0_EL1_PARANGE_MAX   ID_AA64MMFR0_EL1_PARANGE_48

static inline unsigned int cpuid_feature_extract_unsigned_field(u64 reg, int shift)
{
	return (unsigned int)(reg >> shift) & 0xf;
}

static inline u32 id_aa64mmfr0_parange_to_phys_shift(int parange)
{
	static const u8 shift[] = { 32, 36, 40, 42, 44, 48, 52 };

	return parange >= 0 && parange < 7 ? shift[parange] : 48;
}

/* VMIDBits, ID_AA64MMFR1_EL1[7:4]: 2 means 16 bits. */
static inline u32 get_vmid_bits(u64 mmfr1)
{
	return ((mmfr1 >> 4) & 0xf) == 2 ? 16 : 8;
}

/* ---- The CPU the tables run on (kernel_glue.c's s2k_set_cpu sets it) ---- */
enum s2k_cap {
	ARM64_HAS_STAGE2_FWB,
	ARM64_HAS_XNX,
	ARM64_WORKAROUND_AMPERE_AC03_CPU_38,
	ARM64_KVM_HVHE,
	S2K_CAP_TLB_RANGE,
	S2K_NR_CAPS,
};

extern bool s2k_caps[S2K_NR_CAPS];

#define cpus_have_final_cap(c)	    s2k_caps[c]
#define cpus_have_const_cap(c)	    s2k_caps[c]
#define system_supports_tlb_range() s2k_caps[S2K_CAP_TLB_RANGE]
#define system_supports_lpa2()	    false
#define system_supports_bti_kernel() false

/* ---- Stores, barriers and warnings, reported to the adapter ---- */
/* After a store of @val to the 8 bytes at @p (a table entry or not: the adapter tells). */
void s2k_stored(void *p, u64 old, u64 val);
void s2k_barrier(void);
/* A WARN_ON that fired: a finding, unless the harness asked for it. */
void s2k_warned(const char *file, int line, const char *cond);

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)                                                      \
	do {                                                                    \
		__typeof__(x) *s2k_p_ = &(x);                                   \
		__typeof__(x) s2k_v_ = (val);                                   \
		u64 s2k_old_ = (u64)*s2k_p_;                                    \
		*(volatile __typeof__(x) *)s2k_p_ = s2k_v_;                     \
		if (sizeof(*s2k_p_) == 8)                                       \
			s2k_stored((void *)s2k_p_, s2k_old_, (u64)s2k_v_);      \
	} while (0)
#define smp_store_release(p, val)                                              \
	do {                                                                   \
		__typeof__(*(p)) s2k_v_ = (val);                               \
		u64 s2k_old_ = (u64) * (p);                                    \
		__atomic_store_n((p), s2k_v_, __ATOMIC_RELEASE);               \
		if (sizeof(*(p)) == 8)                                         \
			s2k_stored((void *)(p), s2k_old_, (u64)s2k_v_);        \
	} while (0)
#define cmpxchg(p, o, n)                                                        \
	({                                                                      \
		__typeof__(*(p)) s2k_o_ = (o), s2k_n_ = (n);                    \
		__typeof__(*(p)) s2k_r_ = __sync_val_compare_and_swap((p), s2k_o_, \
								      s2k_n_); \
		if (s2k_r_ == s2k_o_ && sizeof(*(p)) == 8)                      \
			s2k_stored((void *)(p), (u64)s2k_o_, (u64)s2k_n_);      \
		s2k_r_;                                                         \
	})

#define dsb(opt) s2k_barrier()
#define isb()	 s2k_barrier()

#define WARN_ON(c)                                               \
	({                                                       \
		bool s2k_c_ = !!(c);                             \
		if (unlikely(s2k_c_))                            \
			s2k_warned(__FILE__, __LINE__, #c);      \
		s2k_c_;                                          \
	})
#define WARN_ON_ONCE(c) WARN_ON(c)
#define WARN(c, ...)	WARN_ON(c)
#define WARN_ONCE(c, ...) WARN_ON(c)
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)

/* ---- RCU: one walker at a time here, so a read-side section is only counted ---- */
extern int s2k_rcu_depth;
#define rcu_read_lock()		    ((void)s2k_rcu_depth++)
#define rcu_read_unlock()	    ((void)s2k_rcu_depth--)
#define rcu_read_lock_held()	    (s2k_rcu_depth > 0)
#define rcu_dereference_check(p, c) (p)
#define rcu_dereference_raw(p)	    (p)

/* ---- KVM's view of a guest, reduced to what the tables read ---- */
struct kvm_pgtable;

/* Newer trees overlay a protected guest's mapping tree on the table's fields; never read here. */
struct rb_root_cached {
	void *root;
	void *leftmost;
};

/* A memcache: only its count is read; its pages are the platform's pool (kernel_glue.c). */
struct kvm_mmu_memory_cache {
	int nobjs;
};

struct kvm_arch;

/* A guest's stage-2 MMU: older trees read the VTCR through ->arch, newer ones directly. */
struct kvm_s2_mmu {
	u64 vtcr;
	struct kvm_arch *arch;
	struct kvm_pgtable *pgt;
	/* Eager splitting's pages (newer trees find the MMU from it). */
	struct kvm_mmu_memory_cache split_page_cache;
};

struct kvm_arch {
	u64 vtcr;
	struct kvm_s2_mmu mmu;
};

/* A VM: trees without mm_ops (5.10) set a stage 2 up from it. */
struct kvm {
	struct kvm_arch arch;
};

/*
 * ---- Trees without kvm_pgtable_mm_ops (5.10) take pages from the kernel ----
 * Defined by the adapter (kernel_glue.c) on the same platform calls as mm_ops.
 */
#if !S2K_TREE_HAS_MM_OPS
typedef unsigned int gfp_t;
#define GFP_KERNEL	   0u
#define GFP_KERNEL_ACCOUNT 0u
#define __GFP_ZERO	   0u
#define SZ_4K		   0x1000

/* A table page's struct page is the page itself. */
struct page;
#define virt_to_page(addr) ((struct page *)(addr))
unsigned long get_zeroed_page(gfp_t gfp);
/* Drops a reference; the last one frees the page. */
void free_page(unsigned long addr);
void *alloc_pages_exact(size_t size, gfp_t gfp);
void free_pages_exact(void *addr, size_t size);
void get_page(struct page *page);
void put_page(struct page *page);
int page_count(struct page *page);
void *s2k_va(phys_addr_t pa);
phys_addr_t s2k_pa(const void *va);
#define __va(pa) s2k_va(pa)
#define __pa(va) s2k_pa(va)
void *kvm_mmu_memory_cache_alloc(struct kvm_mmu_memory_cache *mc);
/* Cache maintenance of the guest's memory: nothing to do on the simulated machine. */
#define __flush_dcache_area(addr, size) ((void)(addr), (void)(size))
#endif

/* ---- TLB maintenance: defined by the adapter (kernel_glue.c), reported to its platform ---- */
#define TLBI_TTL_UNKNOWN INT_MAX
/* The most pages one range invalidation covers (TLBI RVA*: NUM 31, SCALE 3). */
#define MAX_TLBI_RANGE_PAGES (32UL << 16)

void __kvm_tlb_flush_vmid_ipa(struct kvm_s2_mmu *mmu, phys_addr_t ipa, int level);
void __kvm_tlb_flush_vmid_ipa_nsh(struct kvm_s2_mmu *mmu, phys_addr_t ipa, int level);
void __kvm_tlb_flush_vmid_range(struct kvm_s2_mmu *mmu, phys_addr_t start, unsigned long pages);
void __kvm_tlb_flush_vmid(struct kvm_s2_mmu *mmu);
#define kvm_call_hyp(f, ...) f(__VA_ARGS__)

/* The hyp's own stage 1: a TLBI VAE2IS or VALE2IS of one address. */
void s2k_tlbi_hyp(u64 va, int level, bool last_level);
#define __TLBI_VADDR(addr, asid)  ((u64)(addr))
#define s2k_tlbi_op_vae2is	  false
#define s2k_tlbi_op_vale2is	  true
#define __tlbi_level(op, addr, level) s2k_tlbi_hyp((addr), (level), s2k_tlbi_op_##op)
#define __tlbi_sync_s1ish_hyp()	  s2k_barrier()

#endif /* S2K_STANDINS_H */
