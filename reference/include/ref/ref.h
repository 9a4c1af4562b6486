/* SPDX-License-Identifier: MIT */
/*
 * The s2fuzz reference model: a naive, independent model of SPEC.md §3-§7 and
 * docs/semantics.md. It keeps no page tables. Every table is a sorted list of
 * runs of leaves (input page range, level, descriptor template, output
 * offset); the shape of the tables (which table pages exist) follows from the
 * leaves by the canonical-shape rule (§4.3), and the hashed-walk stream (§10,
 * S27) is produced from the leaves alone.
 *
 * Freestanding: no libc beyond memset/memcpy/memcmp, no malloc. All memory
 * comes from the arena given to ref_init(); running out of it is -REF_ENOSPC,
 * a harness failure, never the modelled -REF_ENOMEM.
 */
#ifndef REF_REF_H
#define REF_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Error numbers, values as Linux. Operations return 0 or -REF_E*. */
#define REF_EPERM      1
#define REF_ENOENT     2
#define REF_EAGAIN     11
#define REF_ENOMEM     12
#define REF_EBUSY      16
#define REF_EEXIST     17
#define REF_EINVAL     22
#define REF_ENOSPC     28
#define REF_ERANGE     34
#define REF_EOPNOTSUPP 95

#define REF_PAGE_SHIFT	    12
#define REF_MAX_REGIONS	    8
#define REF_MAX_VMS	    16
#define REF_MAX_HYP_PRIVATE 16

/* Pools (§5, §7): host stage-2, hyp stage-1, and each VM's memcache. */
#define REF_POOL_HOST  0u
#define REF_POOL_HYP   1u
#define REF_POOL_VM(n) (2u + (unsigned)(n))

/* Table kinds for ref_stream() and friends (§3, S27). */
#define REF_KIND_HOST_S2  0u
#define REF_KIND_HYP_S1	  1u
#define REF_KIND_GUEST_S2 2u

/* Protections (S4) and memory types for host_share_guest and §5b. */
#define REF_PROT_X    1u
#define REF_PROT_W    2u
#define REF_PROT_R    4u
#define REF_MT_NORMAL 0u
#define REF_MT_DEVICE 1u

/* Owners (§2): also the owner ids written in annotations. */
#define REF_OWNER_HOST	0u
#define REF_OWNER_HYP	1u
#define REF_OWNER_GUEST 2u

/* Page views (§5). */
#define REF_NOPAGE	    0u
#define REF_OWNED	    1u
#define REF_SHARED_OWNED    2u
#define REF_SHARED_BORROWED 3u

/* What a guest-owned page is used for (S24). */
#define REF_ROLE_NONE	  0u
#define REF_ROLE_DATA	  1u
#define REF_ROLE_MEMCACHE 2u
#define REF_ROLE_PGD	  3u

/* A physical memory range in bytes. */
struct ref_region {
	uint64_t base;
	uint64_t size;
};

/*
 * One of the hypervisor's own hyp stage-1 ranges (S32): pages [va, va + nr)
 * translate to [pa, pa + nr) with prot (R, R|W or R|X) and memtype, from
 * init on, and no operation ever changes them.
 */
struct ref_hyp_private {
	uint64_t va;	      /* bytes, page-aligned */
	uint64_t pa;	      /* bytes, page-aligned */
	uint64_t nr;	      /* pages */
	unsigned int prot;    /* REF_PROT_* */
	unsigned int memtype; /* REF_MT_* */
};

/* The machine description (§8, S23, S32). */
struct ref_desc {
	struct ref_region mem[REF_MAX_REGIONS];
	unsigned int nr_mem;
	struct ref_region carveout;
	uint64_t host_pool_pages;
	uint64_t hyp_pool_pages;
	uint64_t hyp_va_offset;
	unsigned int host_ia_bits;
	unsigned int nr_vm_slots;
	unsigned int nr_hyp_private;
	struct ref_hyp_private hyp_private[REF_MAX_HYP_PRIVATE];
};

/* Per-page state as the pKVM layer sees it (§5). */
struct ref_page_state {
	bool memory;	    /* false: MMIO, host-owned forever */
	unsigned int owner; /* REF_OWNER_* */
	unsigned int vm;    /* owning VM (GUEST) or borrowing VM */
	unsigned int host;  /* host view, REF_NOPAGE.. */
	unsigned int hyp;   /* hyp view */
	unsigned int guest; /* VM `vm`'s view: OWNED (any role), BORROWED */
	unsigned int role;  /* REF_ROLE_* for guest-owned pages */
	uint32_t pin;	    /* hyp pin count */
};

/* ---- Internals: treat as opaque. ---- */

/* Free-list arena: power-of-two blocks, see ref_arena.c. */
#define REF_ARENA_CLASSES 48
struct ref_arena {
	uint8_t *base;
	size_t size;
	size_t used;
	void *free[REF_ARENA_CLASSES];
};

/* A run of consecutive pages with identical records (ref_runs.c). */
struct ref_run {
	uint64_t start; /* first page */
	uint64_t end;	/* one past the last page */
	uint64_t val;	/* leaf: descriptor template; page: state */
	uint64_t aux;	/* leaf: output page - input page; page: pin */
	uint32_t level; /* leaf level; 0 for page records */
	uint32_t pad;
};

struct ref_runs {
	struct ref_run *run;
	size_t nr;
	size_t cap;
};

/* One translation table, as its leaves (ref_install.c, ref_shape.c). */
struct ref_lmap {
	struct ref_runs leaves;
	unsigned int kind; /* REF_KIND_* or REF_TABLE_* */
	unsigned int ia_bits;
	uint64_t nr_tables; /* table pages including the root; 0: none */
	uint64_t generation; /* bumped by every commit that changes the leaves */
};

struct ref_pool {
	uint64_t size;
	uint64_t hidden;
};

/* Memory regions in pages, sorted. */
struct ref_mem {
	uint64_t start[REF_MAX_REGIONS];
	uint64_t end[REF_MAX_REGIONS];
	unsigned int nr;
	uint64_t top; /* 2^(host ia_bits - 12) */
};

#define REF_VM_FREE 0u
#define REF_VM_LIVE 1u
#define REF_VM_DEAD 2u

struct ref_vm {
	unsigned int state;
	unsigned int ia_bits;
	uint64_t pgd_pfn;
	uint64_t owned; /* pages the VM owns: data, memcache, pgd */
	struct ref_pool memcache;
	struct ref_lmap s2;
};

struct ref {
	struct ref_desc desc;
	struct ref_mem mem;
	struct ref_arena arena;
	struct ref_runs pages; /* ownership records of memory pages */
	struct ref_lmap host;
	struct ref_lmap hyp;
	struct ref_pool host_pool;
	struct ref_pool hyp_pool;
	uint64_t carve_start, carve_end; /* pages */
	uint64_t hyp_va_pages;		 /* hyp_va_offset in pages */
	struct ref_vm vm[REF_MAX_VMS];
};

/* ---- Machine and state ---- */

int ref_init(struct ref *r, const struct ref_desc *d, void *arena, size_t arena_bytes);

/* ---- §5 operations: 0 or a negative REF_E*; on error nothing changes. ---- */

int ref_host_share_hyp(struct ref *r, uint64_t pfn);
int ref_host_unshare_hyp(struct ref *r, uint64_t pfn);
int ref_hyp_pin(struct ref *r, uint64_t pfn);
int ref_hyp_unpin(struct ref *r, uint64_t pfn);
int ref_host_donate_hyp(struct ref *r, uint64_t pfn, uint64_t nr);
int ref_hyp_donate_host(struct ref *r, uint64_t pfn, uint64_t nr);
int ref_vm_create(struct ref *r, unsigned int vm, unsigned int ia_bits, uint64_t pgd_pfn);
int ref_vm_topup(struct ref *r, unsigned int vm, uint64_t pfn);
int ref_host_donate_guest(struct ref *r, unsigned int vm, uint64_t pfn, uint64_t gfn);
int ref_host_share_guest(struct ref *r, unsigned int vm, uint64_t pfn, uint64_t gfn,
			 unsigned int prot);
int ref_host_unshare_guest(struct ref *r, unsigned int vm, uint64_t gfn);
int ref_guest_relinquish(struct ref *r, unsigned int vm, uint64_t gfn);
int ref_vm_teardown(struct ref *r, unsigned int vm);
int ref_host_reclaim_page(struct ref *r, uint64_t pfn);
int ref_host_mem_abort(struct ref *r, uint64_t addr);

/* ---- Pools and fault injection (§7) ---- */

/* Free pages of a pool that operations may use (hidden pages excluded). */
uint64_t ref_pool_free(const struct ref *r, unsigned int pool);
/* Pages in the pool: free + hidden + in tables. */
uint64_t ref_pool_size(const struct ref *r, unsigned int pool);
/* Hide up to n free pages; returns how many were hidden. */
uint64_t ref_pool_hide(struct ref *r, unsigned int pool, uint64_t n);
void ref_pool_unhide(struct ref *r, unsigned int pool);

/* ---- Stream (§10, S27) and queries ---- */

typedef void (*ref_emit_fn)(void *arg, unsigned int level, uint64_t ia, uint64_t desc);

void ref_stream(const struct ref *r, unsigned int kind, unsigned int vm, ref_emit_fn emit,
		void *arg);
bool ref_vm_live(const struct ref *r, unsigned int vm);
/*
 * A number that changes whenever the table's stream may have changed, so a
 * differ can skip re-hashing a table neither side touched.
 */
uint64_t ref_table_generation(const struct ref *r, unsigned int kind, unsigned int vm);
/*
 * One table as its leaves, or NULL for a VM slot without one: for an oracle
 * that rebuilds the shape from them (brute/) and checks what the reference
 * derives. Read only. A dead VM's table still has its leaves here, though
 * ref_stream() emits nothing for it: compare live tables only.
 */
const struct ref_lmap *ref_table_lmap(const struct ref *r, unsigned int kind, unsigned int vm);
/* Table pages including the root; 0 for a VM slot without a root. */
uint64_t ref_table_pages(const struct ref *r, unsigned int kind, unsigned int vm);
/* Where a walk for byte address ia stops: its level and descriptor. */
int ref_get_leaf(const struct ref *r, unsigned int kind, unsigned int vm, uint64_t ia,
		 unsigned int *level, uint64_t *desc);
/* The pKVM state of one page (MMIO pages report memory = false). */
void ref_page(const struct ref *r, uint64_t pfn, struct ref_page_state *st);
/* Every page of [pfn, pfn + nr) is MMIO or memory the host owns (shared or not). */
bool ref_host_may_access(const struct ref *r, uint64_t pfn, uint64_t nr);
/* Number of ownership runs and of leaf runs, to watch that runs merge. */
size_t ref_nr_page_runs(const struct ref *r);
size_t ref_nr_leaf_runs(const struct ref *r, unsigned int kind, unsigned int vm);

#endif /* REF_REF_H */
