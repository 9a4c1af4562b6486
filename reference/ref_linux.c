// SPDX-License-Identifier: MIT
/*
 * The Linux profile (ref/ref_linux.h, docs/kernel-profile.md): a table kept
 * as table pages, each 512 entries, changed the way a kernel tree's pgtable.c
 * changes it. Its walks visit entries in address order as the kernel's do,
 * because what a call leaves behind when it stops early (-ENOMEM, a hyp
 * unmap's hole, 6.1's -EAGAIN) depends on that order. Each operation is the
 * kernel's rule for it in a few lines; the rows it follows are named.
 */
#include <ref/ref_linux.h>

#include "ref_priv.h"

#define ENTRIES	   512u
#define PAGE_BYTES (1ull << REF_PAGE_SHIFT)
#define PA_LIMIT   (1ull << 48) /* the output addresses the format reaches */
#define OA_MASK	   0x0000fffffffff000ull

/* Descriptor bits (Arm ARM, VMSAv8-64; the kernel's encodings, profile rows "Encodings"). */
#define D_VALID	     REF_BIT(0)
#define D_PAGE	     REF_BIT(1) /* at level 3: a page; above: a table */
#define D_AF	     REF_BIT(10)
#define D_SH_INNER   (3ull << 8)
#define D_XN	     REF_BIT(54)
#define S2_R	     REF_BIT(6)
#define S2_W	     REF_BIT(7)
#define S2_PERMS     (S2_R | S2_W | D_XN)
#define S2_NORMAL    (0x6ull << 2) /* FWB: the stage-1 attribute stands */
#define S2_DEVICE    (0x1ull << 2)
#define S1_NORMAL    (0ull << 2)   /* Linux's MAIR: index 0 normal */
#define S1_DEVICE    (4ull << 2)   /* index 4 Device-nGnRE */
#define S1_AP_RW     (1ull << 6)
#define S1_AP_RO     (3ull << 6)
#define SW_BITS	     (0xfull << 55)
#define TABLE_STREAM 0x3ull /* a table descriptor in the stream, address masked */
#define TABLE_STALE  0x2ull /* the same made invalid with its bits kept (row "invalid entries") */

struct ref_linux_node {
	uint64_t desc[ENTRIES];		       /* a leaf, an annotation or 0 */
	struct ref_linux_node *child[ENTRIES]; /* set: the entry is a table */
};

static uint64_t granule(unsigned int level)
{
	return 1ull << (REF_PAGE_SHIFT + 9 * (3 - level));
}

static unsigned int index_of(uint64_t addr, unsigned int level)
{
	return (unsigned int)(addr >> (REF_PAGE_SHIFT + 9 * (3 - level))) & (ENTRIES - 1);
}

/* ---- Table pages from the pool ---- */
static uint64_t pool_visible(const struct ref_linux *t)
{
	return t->pool_size - t->used - t->hidden;
}

static struct ref_linux_node *node_alloc(struct ref_linux *t)
{
	struct ref_linux_node *n;

	if (!pool_visible(t))
		return NULL;
	n = ref_arena_alloc(&t->arena, sizeof(*n));
	REF_BUG_ON(!n); /* the arena is sized for the whole pool */
	memset(n, 0, sizeof(*n));
	t->used++;
	t->generation++;
	return n;
}

/* A table unlinked: it and every table under it go back to the pool. */
static void node_free(struct ref_linux *t, struct ref_linux_node *n)
{
	for (unsigned int i = 0; i < ENTRIES; i++)
		if (n->child[i])
			node_free(t, n->child[i]);
	ref_arena_free(&t->arena, n, sizeof(*n));
	t->used--;
	t->generation++;
}

/* An entry's new value; the stream's generation moves only when something changed. */
static void set_desc(struct ref_linux *t, struct ref_linux_node *n, unsigned int i, uint64_t v)
{
	if (n->desc[i] != v) {
		n->desc[i] = v;
		t->generation++;
	}
}

/* No entry the table's page counts: stale invalid ones are not (row "invalid entries"). */
static bool node_empty(const struct ref_linux *t, const struct ref_linux_node *n)
{
	uint64_t counted = t->tree.invalid_keeps_bits ? D_VALID : ~0ull;

	for (unsigned int i = 0; i < ENTRIES; i++)
		if ((n->desc[i] & counted) || n->child[i])
			return false;
	return true;
}

/* An entry made invalid: cleared, or only its valid bit (row "invalid entries"). */
static uint64_t invalidated(const struct ref_linux *t, uint64_t old)
{
	return t->tree.invalid_keeps_bits ? old & ~D_VALID : 0;
}

size_t ref_linux_arena_bytes(uint64_t pool_pages)
{
	/* One block per table page, and the arena's alignment. */
	return (size_t)pool_pages * sizeof(struct ref_linux_node) + 64;
}

int ref_linux_init(struct ref_linux *t, unsigned int stage, unsigned int ia_bits,
		   uint64_t pool_pages, const struct ref_linux_tree *tree, void *arena,
		   size_t arena_bytes)
{
	memset(t, 0, sizeof(*t));
	if ((stage != REF_LINUX_STAGE2 && stage != REF_LINUX_STAGE1) || ia_bits < 32 ||
	    ia_bits > 48)
		return -REF_EINVAL;
	t->tree = *tree;
	t->stage = stage;
	t->ia_bits = ia_bits;
	t->start_level = ia_bits > 39 ? 0 : 1; /* the VTCR the adapter writes (row "start level") */
	t->pool_size = pool_pages;
	ref_arena_init(&t->arena, arena, arena_bytes);
	t->root = node_alloc(t);
	return t->root ? 0 : -REF_ENOMEM;
}

/* ---- The walk: the kernel's visiting order ---- */
struct walk;
typedef int (*visit_fn)(struct walk *w, struct ref_linux_node *n, unsigned int i,
			unsigned int level, uint64_t addr);

struct walk {
	struct ref_linux *t;
	uint64_t start, addr, end;
	visit_fn pre, leaf, post; /* a table before its entries; a non-table entry; a table after */
	bool eagain_stops;
	void *arg;
};

static bool walk_goes_on(const struct walk *w, int ret)
{
	return !ret || (ret == -REF_EAGAIN && !w->eagain_stops);
}

static int walk_node(struct walk *w, struct ref_linux_node *n, unsigned int level);

static int visit(struct walk *w, struct ref_linux_node *n, unsigned int i, unsigned int level)
{
	uint64_t addr = w->addr;
	int ret = 0;

	if (n->child[i] && w->pre)
		ret = w->pre(w, n, i, level, addr);
	else if (!n->child[i] && w->leaf)
		ret = w->leaf(w, n, i, level, addr);
	if (!walk_goes_on(w, ret))
		return ret;
	/* What the callback left: a new table is walked into, a leaf is stepped over. */
	if (!n->child[i]) {
		w->addr = ref_align_down(w->addr, granule(level)) + granule(level);
		return 0;
	}
	ret = walk_node(w, n->child[i], level + 1);
	if (!walk_goes_on(w, ret))
		return ret;
	if (w->post)
		ret = w->post(w, n, i, level, addr);
	return walk_goes_on(w, ret) ? 0 : ret;
}

static int walk_node(struct walk *w, struct ref_linux_node *n, unsigned int level)
{
	for (unsigned int i = index_of(w->addr, level); i < ENTRIES && w->addr < w->end; i++) {
		int ret = visit(w, n, i, level);

		if (ret)
			return ret;
	}
	return 0;
}

/* [ia, ia + size) walked; -ERANGE past the space, before any change (row "range"). */
static int walk(struct walk *w, struct ref_linux *t, uint64_t ia, uint64_t size)
{
	uint64_t limit = 1ull << t->ia_bits;

	w->t = t;
	w->start = w->addr = ia;
	w->end = ia + size;
	if (w->addr > limit || w->end > limit)
		return -REF_ERANGE;
	return walk_node(w, t->root, t->start_level);
}

/* ---- Stage-2 map, fault and set_owner: one walker ---- */
struct map_arg {
	uint64_t pa, attr;
	unsigned int owner;
	bool owner_only; /* set_owner: annotations, at level 3 only */
};

static bool pa_valid(uint64_t pa)
{
	return pa < PA_LIMIT;
}

/* A map's output: newer trees map any address, cut to 48 bits (row "output address"). */
static bool map_pa_valid(const struct walk *w, uint64_t pa)
{
	return pa_valid(pa) || w->t->tree.any_output_address;
}

/* The output address for @addr: beyond 2^48 it stays invalid (row "output address"). */
static uint64_t map_pa(const struct walk *w, uint64_t addr)
{
	const struct map_arg *m = w->arg;

	return map_pa_valid(w, m->pa) ? m->pa + (addr - w->start) : m->pa;
}

static bool leaf_fits(const struct walk *w, unsigned int level, uint64_t addr, uint64_t pa)
{
	const struct map_arg *m = w->arg;
	uint64_t g = granule(level);

	if (level < 1 || (m->owner_only && level < 3) || g > w->end - addr)
		return false;
	if (map_pa_valid(w, pa) && (pa & (g - 1)))
		return false;
	return !(addr & (g - 1));
}

static uint64_t leaf_desc(uint64_t pa, uint64_t attr, unsigned int level)
{
	return (pa & OA_MASK) | attr | (level == 3 ? D_PAGE : 0) | D_VALID;
}

static uint64_t map_new(const struct walk *w, unsigned int level, uint64_t addr)
{
	const struct map_arg *m = w->arg;
	uint64_t pa = map_pa(w, addr);

	if (!m->owner_only && map_pa_valid(w, pa))
		return leaf_desc(pa, m->attr, level);
	return (uint64_t)(m->owner & 0xff) << 2 | (uint64_t)w->t->tree.annotation_type << 60;
}

/* A table where a leaf fits: the leaf replaces it, the tables under it are freed. */
static int map_pre(struct walk *w, struct ref_linux_node *n, unsigned int i, unsigned int level,
		   uint64_t addr)
{
	if (!leaf_fits(w, level, addr, map_pa(w, addr)))
		return 0;
	node_free(w->t, n->child[i]);
	n->child[i] = NULL;
	set_desc(w->t, n, i, map_new(w, level, addr));
	return 0;
}

static int map_leaf(struct walk *w, struct ref_linux_node *n, unsigned int i, unsigned int level,
		    uint64_t addr)
{
	uint64_t old = n->desc[i], nw;
	struct ref_linux_node *c;

	if (!leaf_fits(w, level, addr, map_pa(w, addr))) {
		/* An empty table: the rest of a block is dropped (row "a page inside a block"). */
		c = node_alloc(w->t);
		if (!c)
			return -REF_ENOMEM;
		set_desc(w->t, n, i, 0);
		n->child[i] = c;
		return 0;
	}
	nw = map_new(w, level, addr);
	/* The same leaf, or one whose permissions alone differ (row "the same leaf again"). */
	if ((old & D_VALID) && (nw & D_VALID) && !((old ^ nw) & ~S2_PERMS) &&
	    !w->t->tree.map_replaces_leaf)
		return -REF_EAGAIN;
	set_desc(w->t, n, i, nw);
	return 0;
}

static int stage2_map(struct ref_linux *t, uint64_t ia, uint64_t size, uint64_t pa,
		      unsigned int prot, unsigned int memtype, bool fault)
{
	struct map_arg m = { .pa = pa };
	struct walk w = { .pre = map_pre, .leaf = map_leaf, .arg = &m };

	if (memtype == REF_MT_DEVICE && (prot & REF_PROT_X))
		return -REF_EINVAL;
	m.attr = (memtype == REF_MT_DEVICE ? S2_DEVICE : S2_NORMAL) | D_SH_INNER | D_AF;
	m.attr |= (prot & REF_PROT_R ? S2_R : 0) | (prot & REF_PROT_W ? S2_W : 0);
	m.attr |= prot & REF_PROT_X ? 0 : D_XN;
	w.eagain_stops = t->tree.eagain_stops || fault;
	return walk(&w, t, ia, size);
}

/* ---- Hyp stage-1 map ---- */
static int hyp_map_leaf(struct walk *w, struct ref_linux_node *n, unsigned int i,
			unsigned int level, uint64_t addr)
{
	const struct map_arg *m = w->arg;
	uint64_t pa = m->pa + (addr - w->start), g = granule(level);
	struct ref_linux_node *c;

	/* The callers never map over a live leaf (row "hyp map over a live mapping"). */
	REF_BUG_ON(n->desc[i] & D_VALID);
	if (level >= 1 && g <= w->end - addr && !(addr & (g - 1)) &&
	    (!map_pa_valid(w, pa) || !(pa & (g - 1)))) {
		set_desc(w->t, n, i, leaf_desc(pa, m->attr, level));
		return 0;
	}
	c = node_alloc(w->t);
	if (!c)
		return -REF_ENOMEM;
	n->child[i] = c;
	return 0;
}

static int hyp_map(struct ref_linux *t, uint64_t ia, uint64_t size, uint64_t pa,
		   unsigned int prot, unsigned int memtype)
{
	struct map_arg m = { .pa = pa };
	struct walk w = { .leaf = hyp_map_leaf, .arg = &m };

	/* R required, W^X, no executable device memory (row "hyp permissions"). */
	if (!(prot & REF_PROT_R) ||
	    ((prot & REF_PROT_X) && ((prot & REF_PROT_W) || memtype == REF_MT_DEVICE)))
		return -REF_EINVAL;
	m.attr = (memtype == REF_MT_DEVICE ? S1_DEVICE : S1_NORMAL) | D_SH_INNER | D_AF;
	m.attr |= prot & REF_PROT_W ? S1_AP_RW : S1_AP_RO;
	m.attr |= prot & REF_PROT_X ? 0 : D_XN;
	w.eagain_stops = true;
	return walk(&w, t, ia, size);
}

int ref_linux_map(struct ref_linux *t, uint64_t ia, uint64_t size, uint64_t pa, unsigned int prot,
		  unsigned int memtype)
{
	if (t->stage == REF_LINUX_STAGE1)
		return hyp_map(t, ia, size, pa, prot, memtype);
	return stage2_map(t, ia, size, pa, prot, memtype, false);
}

int ref_linux_fault_map(struct ref_linux *t, uint64_t ia, uint64_t size, uint64_t pa,
			unsigned int prot, unsigned int memtype)
{
	return stage2_map(t, ia, size, pa, prot, memtype, true);
}

int ref_linux_set_owner(struct ref_linux *t, uint64_t ia, uint64_t size, unsigned int owner)
{
	struct map_arg m = { .pa = PA_LIMIT, .owner = owner, .owner_only = true };
	struct walk w = { .pre = map_pre, .leaf = map_leaf, .arg = &m };

	/* Owners 0 (the host) and 1 (the hyp) only; any in a typed annotation (row "owner ids"). */
	if (owner > 1 && !t->tree.annotation_type)
		return -REF_EINVAL;
	w.eagain_stops = t->tree.eagain_stops;
	return walk(&w, t, ia, size);
}

/* ---- Unmap ---- */
/*
 * Stage 2: every entry met cleared whole, or where invalid entries keep
 * their bits, every valid one invalidated; tables left empty freed (rows
 * "unmap", "invalid entries").
 */
static int s2_unmap_leaf(struct walk *w, struct ref_linux_node *n, unsigned int i,
			 unsigned int level, uint64_t addr)
{
	(void)level, (void)addr;
	if ((n->desc[i] & D_VALID) || !w->t->tree.invalid_keeps_bits)
		set_desc(w->t, n, i, invalidated(w->t, n->desc[i]));
	return 0;
}

static int unmap_post(struct walk *w, struct ref_linux_node *n, unsigned int i,
		      unsigned int level, uint64_t addr)
{
	(void)level, (void)addr;
	if (node_empty(w->t, n->child[i])) {
		node_free(w->t, n->child[i]);
		n->child[i] = NULL;
		set_desc(w->t, n, i, invalidated(w->t, TABLE_STALE | D_VALID));
	}
	return 0;
}

/* Hyp: stops at the first hole and at a leaf reaching past the end (row "hyp unmap"). */
static int hyp_unmap_leaf(struct walk *w, struct ref_linux_node *n, unsigned int i,
			  unsigned int level, uint64_t addr)
{
	uint64_t *unmapped = w->arg;

	if (!(n->desc[i] & D_VALID) || w->end - addr < granule(level))
		return -REF_EINVAL;
	set_desc(w->t, n, i, 0);
	*unmapped += granule(level);
	return 0;
}

int64_t ref_linux_unmap(struct ref_linux *t, uint64_t ia, uint64_t size)
{
	uint64_t unmapped = 0;
	struct walk w = { .post = unmap_post, .arg = &unmapped, .eagain_stops = true };
	int rc;

	w.leaf = t->stage == REF_LINUX_STAGE1 ? hyp_unmap_leaf : s2_unmap_leaf;
	rc = walk(&w, t, ia, size);
	return t->stage == REF_LINUX_STAGE1 ? (int64_t)unmapped : rc;
}

/* ---- Permissions and ageing: valid leaves changed in place ---- */
struct attr_arg {
	uint64_t set, clear;
	bool young, again_on_invalid;
	bool aging; /* mkold: a hole is skipped in every tree */
};

static int attr_leaf(struct walk *w, struct ref_linux_node *n, unsigned int i,
		     unsigned int level, uint64_t addr)
{
	struct attr_arg *a = w->arg;

	(void)level, (void)addr;
	if (!(n->desc[i] & D_VALID))
		return a->again_on_invalid ? -REF_EAGAIN : 0;
	if (n->desc[i] & D_AF)
		a->young = true;
	set_desc(w->t, n, i, (n->desc[i] & ~a->clear) | a->set);
	return 0;
}

/* @stops: the walk stops at -EAGAIN (a fault's always does). */
static int attr_walk(struct ref_linux *t, uint64_t ia, uint64_t size, struct attr_arg *a,
		     bool stops)
{
	struct walk w = { .leaf = attr_leaf, .arg = a };

	/* Newer trees' attribute walks answer -EAGAIN at a hole. */
	a->again_on_invalid = t->tree.attr_again_at_hole && !a->aging;
	w.eagain_stops = stops;
	return walk(&w, t, ia, size);
}

int ref_linux_wrprotect(struct ref_linux *t, uint64_t ia, uint64_t size)
{
	struct attr_arg a = { .clear = S2_W };

	return attr_walk(t, ia, size, &a,
			 t->tree.eagain_stops && !t->tree.wrprotect_ignores_eagain);
}

bool ref_linux_mkold(struct ref_linux *t, uint64_t ia, uint64_t size)
{
	struct attr_arg a = { .clear = D_AF, .aging = true };

	/* Older trees age the one page at ia (row "mkold"). */
	attr_walk(t, ia, t->tree.mkold_range ? size : 1, &a, t->tree.eagain_stops);
	return a.young;
}

int ref_linux_mkyoung(struct ref_linux *t, uint64_t ia)
{
	struct attr_arg a = { .set = D_AF };

	return attr_walk(t, ia, 1, &a, true);
}

int ref_linux_relax_perms(struct ref_linux *t, uint64_t ia, unsigned int prot)
{
	struct attr_arg a = { 0 };

	a.set = (prot & REF_PROT_R ? S2_R : 0) | (prot & REF_PROT_W ? S2_W : 0);
	a.clear = prot & REF_PROT_X ? D_XN : 0;
	return attr_walk(t, ia, PAGE_BYTES, &a, true);
}

/* ---- Split (newer trees) ---- */
struct split_arg {
	uint64_t budget; /* the memcache's count, read as the walk goes */
};

/*
 * The pieces of a block: normal memory, young, the block's R, W and X
 * (rows "split"); one level down, or to pages when the budget covers it.
 */
static void split_fill(struct ref_linux *t, struct split_arg *s, struct ref_linux_node *c,
		       unsigned int level, uint64_t pa, uint64_t attr, bool to_pages)
{
	for (unsigned int i = 0; i < ENTRIES; i++) {
		uint64_t p = pa + i * granule(level);

		if (to_pages && level < 3) {
			c->child[i] = node_alloc(t);
			REF_BUG_ON(!c->child[i]); /* counted before */
			s->budget--;
			split_fill(t, s, c->child[i], level + 1, p, attr, true);
		} else {
			c->desc[i] = leaf_desc(p, attr, level);
		}
	}
}

static int split_leaf(struct walk *w, struct ref_linux_node *n, unsigned int i,
		      unsigned int level, uint64_t addr)
{
	struct split_arg *s = w->arg;
	uint64_t old = n->desc[i], need = level == 1 ? ENTRIES + 1 : 1, attr;
	struct ref_linux_node *c;
	bool to_pages = s->budget >= need;

	(void)addr;
	if (level == 3 || !(old & D_VALID))
		return 0;
	if (!s->budget)
		return -REF_ENOMEM;
	attr = S2_NORMAL | D_SH_INNER | D_AF | (old & (S2_R | S2_W | D_XN | SW_BITS));
	c = node_alloc(w->t);
	REF_BUG_ON(!c);
	s->budget--;
	split_fill(w->t, s, c, level + 1, old & OA_MASK, attr, to_pages);
	set_desc(w->t, n, i, 0);
	n->child[i] = c;
	return 0;
}

int ref_linux_split(struct ref_linux *t, uint64_t ia, uint64_t size)
{
	struct split_arg s = { pool_visible(t) };
	struct walk w = { .leaf = split_leaf, .arg = &s, .eagain_stops = t->tree.eagain_stops };

	if (!t->tree.has_split)
		return -REF_EOPNOTSUPP;
	return walk(&w, t, ia, size);
}

/* ---- Reading ---- */
int ref_linux_get_leaf(const struct ref_linux *t, uint64_t ia, uint64_t *desc, unsigned int *level)
{
	const struct ref_linux_node *n = t->root;
	unsigned int l = t->start_level;

	ia = ref_align_down(ia, PAGE_BYTES);
	if (ia >= (1ull << t->ia_bits))
		return -REF_ERANGE;
	while (n->child[index_of(ia, l)]) {
		n = n->child[index_of(ia, l)];
		l++;
	}
	*desc = n->desc[index_of(ia, l)];
	*level = l;
	return 0;
}

bool ref_linux_mapped(const struct ref_linux *t, uint64_t ia, uint64_t size)
{
	uint64_t top = 1ull << t->ia_bits;

	for (uint64_t a = ia; a < ia + size && a < top;) {
		uint64_t d = 0;
		unsigned int l = 3;

		ref_linux_get_leaf(t, a, &d, &l);
		if (d & D_VALID)
			return true;
		a = ref_align_down(a, granule(l)) + granule(l);
	}
	return false;
}

static void stream_node(const struct ref_linux_node *n, unsigned int level, uint64_t base,
			ref_emit_fn emit, void *arg)
{
	for (unsigned int i = 0; i < ENTRIES; i++) {
		uint64_t ia = base + i * granule(level);

		if (n->child[i]) {
			emit(arg, level, ia, TABLE_STREAM);
			stream_node(n->child[i], level + 1, ia, emit, arg);
		} else if (n->desc[i]) {
			emit(arg, level, ia, n->desc[i]);
		}
	}
}

void ref_linux_stream(const struct ref_linux *t, ref_emit_fn emit, void *arg)
{
	stream_node(t->root, t->start_level, 0, emit, arg);
}

uint64_t ref_linux_pool_free(const struct ref_linux *t)
{
	return pool_visible(t);
}

void ref_linux_pool_hide(struct ref_linux *t, uint64_t n)
{
	t->hidden += ref_min(n, pool_visible(t));
}

void ref_linux_pool_unhide(struct ref_linux *t)
{
	t->hidden = 0;
}
