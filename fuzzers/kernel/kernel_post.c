// SPDX-License-Identifier: MIT
/*
 * fuzz_kernel_pgtable's postconditions (kernel_tables.h): what the kernel-doc
 * of each call promises for its range once it returned 0, checked on
 * sampled pages by our own walk of the kernel's raw tables, with no model.
 */
#include "kernel_tables.h"

#include <string.h>

#define SZ_4K 0x1000ULL
static const char *const names[FZ_T_NR] = { "guest", "hyp" };

/* ---- What a call that succeeded must have left in its range ---- */
#define ENTRY_VALID  1ULL
#define ENTRY_ADDR   0x0000fffffffff000ULL /* bits 47:12 */
#define S2_R	     (1ULL << 6)	   /* S2AP read */
#define S2_W	     (1ULL << 7)	   /* S2AP write */
#define ENTRY_AF     (1ULL << 10)
#define ENTRY_XN     (1ULL << 54)
#define ATTR_FIELD   (0xfULL << 2)	   /* stage 2 MemAttr[3:0]; stage 1 AttrIndx in [4:2] */
#define OWNER_SHIFT  2			   /* an annotation's owner: bits 9:2 */
/* With FWB (the CPU the adapter models), stage 2: normal 0b0110, device 0b0001. */
#define S2_NORMAL    (6ULL << 2)
#define S2_DEVICE    (1ULL << 2)
/* The hyp's MAIR indices (Linux's): normal 0, Device-nGnRE 4. */
#define S1_NORMAL    (0ULL << 2)
#define S1_DEVICE    (4ULL << 2)
#define S1_ATTR	     (7ULL << 2)
#define NR_SAMPLES   9U

/* The leaf our own walk of table @i's memory finds for @ia, and its level. */
static uint64_t raw_leaf(struct fz_ktables *d, unsigned i, uint64_t ia, unsigned *level)
{
	const uint64_t *e = d->mem.table(d->mem.ctx, s2k_root_pa(d->t[i]));

	*level = 0;
	if (ia >> d->s.ia_bits[i]) /* past the space: the index would wrap */
		return 0;

	for (unsigned l = s2k_start_level(d->t[i]); e && l <= 3; l++) {
		uint64_t pte = e[(ia >> (12 + 9 * (3 - l))) & 511];

		*level = l;
		if (l == 3 || (pte & 3) != 3)
			return pte;
		e = d->mem.table(d->mem.ctx, pte & ENTRY_ADDR);
	}
	return 0;
}

struct post {
	struct fz_ktables *d;
	unsigned table;
	const char *op;
	struct fz_failure *f;
};

/* The @k-th of NR_SAMPLES pages of [ia, ia + size): both ends and evenly between. */
static uint64_t sample(uint64_t ia, uint64_t size, unsigned k)
{
	uint64_t pages = size / SZ_4K;

	return ia + (pages > 1 ? (pages - 1) * k / (NR_SAMPLES - 1) : 0) * SZ_4K;
}

static bool post_failed(const struct post *p, const char *what, uint64_t ia, uint64_t pte,
			unsigned level, const char *want)
{
	return fz_failed(p->f, "post", p->op, what,
			 "%s table: after %s returned 0, ia %#llx holds L%u %#llx: %s", names[p->table],
			 p->op, (unsigned long long)ia, level, (unsigned long long)pte, want);
}

/*
 * The kernel's own contract for a call that returned 0, on sampled pages of
 * its range, read by our walk: what holds in every tree the adapter knows
 * (the kernel-doc of each function), whatever it did elsewhere.
 */
bool fz_ktables_post_check(struct fz_ktables *d, const struct fz_op *o, int rc, struct fz_failure *f)
{
	const char *op = o->def->name;
	unsigned i = (unsigned)o->v[FZ_TF_TABLE], level = 0;
	uint64_t ia = o->v[FZ_TF_IA], size = o->v[FZ_TF_NR] * SZ_4K, pa = o->v[FZ_TF_PA];
	bool device = o->v[FZ_TF_MEMTYPE] == 1;
	struct post p = { d, i, op, f };
	uint64_t pte;

	/* Inside the space and page-aligned only: the kernel aligns the rest itself. */
	if (rc < 0 || (ia & (SZ_4K - 1)) || ia + (size ? size : SZ_4K) > (1ULL << d->s.ia_bits[i]) ||
	    (!size && o->def->fields & (1U << FZ_TF_NR)))
		return true;
	/* An output past 2^48 makes no mapping (docs/kernel-profile.md): not checked. */
	if (!strcmp(op, "map") && !(pa & (SZ_4K - 1)) && pa < (1ULL << 48) &&
	    size <= (1ULL << 48) - pa) {
		uint64_t attr = i == FZ_T_HYP ? (device ? S1_DEVICE : S1_NORMAL)
					      : (device ? S2_DEVICE : S2_NORMAL);
		uint64_t attr_mask = i == FZ_T_HYP ? S1_ATTR : ATTR_FIELD;

		for (unsigned k = 0; k < NR_SAMPLES; k++) {
			uint64_t a = sample(ia, size, k);

			pte = raw_leaf(d, i, a, &level);
			if (!(pte & ENTRY_VALID))
				return post_failed(&p, "valid", a, pte, level, "no valid leaf");
			if ((pte & ENTRY_ADDR & ~((1ULL << (12 + 9 * (3 - level))) - 1)) +
				    (a & ((1ULL << (12 + 9 * (3 - level))) - 1)) !=
			    pa + (a - ia))
				return post_failed(&p, "output", a, pte, level,
						   "not the output address asked for");
			if ((pte & attr_mask) != attr)
				return post_failed(&p, "memtype", a, pte, level,
						   "not the memory type asked for");
		}
	} else if ((!strcmp(op, "unmap") && i == FZ_T_GUEST) || !strcmp(op, "set_owner")) {
		/* Newer trees' owners are typed annotations: the type in bits 63:60. */
		uint64_t want = !strcmp(op, "unmap") ? 0
				: o->v[FZ_TF_OWNER] << OWNER_SHIFT |
					  (uint64_t)s2k_tree.annotation_type << 60;
		/* Where an invalid entry keeps its other bits (5.10), unmapped is invalid. */
		uint64_t seen = !want && s2k_tree.invalid_keeps_bits ? ENTRY_VALID : ~0ULL;

		for (unsigned k = 0; k < NR_SAMPLES; k++) {
			uint64_t a = sample(ia, size, k);

			if (((pte = raw_leaf(d, i, a, &level)) & seen) != want)
				return post_failed(&p, "entry", a, pte, level,
						   want ? "not the owner's annotation" : "not unmapped");
		}
	} else if (!strcmp(op, "wrprotect") || !strcmp(op, "mkold") || !strcmp(op, "split")) {
		/* Older trees' mkold takes one page. */
		uint64_t span = !strcmp(op, "mkold") && !s2k_tree.has_test_clear_young ? SZ_4K : size;

		for (unsigned k = 0; k < NR_SAMPLES; k++) {
			uint64_t a = sample(ia, span, k);

			pte = raw_leaf(d, i, a, &level);
			if (!(pte & ENTRY_VALID))
				continue;
			if (op[0] == 'w' && (pte & S2_W))
				return post_failed(&p, "writable", a, pte, level, "still writable");
			if (op[0] == 'm' && (pte & ENTRY_AF))
				return post_failed(&p, "young", a, pte, level, "still young");
			if (op[0] == 's' && level != 3)
				return post_failed(&p, "block", a, pte, level, "still a block");
		}
	} else if (!strcmp(op, "mkyoung") || !strcmp(op, "relax_perms")) {
		uint64_t prot = o->v[FZ_TF_PROT];

		pte = raw_leaf(d, i, ia, &level);
		if (!(pte & ENTRY_VALID))
			return true;
		if (op[0] == 'm' && !(pte & ENTRY_AF))
			return post_failed(&p, "old", ia, pte, level, "not young");
		if (op[0] == 'r' && (((prot & 4) && !(pte & S2_R)) || ((prot & 2) && !(pte & S2_W)) ||
				     ((prot & 1) && (pte & ENTRY_XN))))
			return post_failed(&p, "perms", ia, pte, level,
					   "a permission asked for is missing");
	} else if (!strcmp(op, "fault_map") && pa < (1ULL << 48)) {
		uint64_t gran = 1ULL << (12 + 9 * (3 - (o->v[FZ_TF_LEVEL] & 3)));
		uint64_t a = ia & ~(gran - 1);

		pte = raw_leaf(d, i, a, &level);
		if (!(pte & ENTRY_VALID) || (pte & ENTRY_ADDR) != (pa & ~(gran - 1) & ENTRY_ADDR))
			return post_failed(&p, "fault", a, pte, level,
					   "not the leaf the fault asked for");
	}
	return true;
}

