// SPDX-License-Identifier: MIT
/* State feedback (feedback.h): the counters, and the abstract states of a pKVM machine. */
#include "feedback.h"

#include "dual.h"
#include "ops_hvc.h"
#include "ops_pkvm.h"

#include <string.h>

/* Where each kind of state counts, in the counters below. */
enum {
	FB_OP = 0,	  /* operation x result class: 64 x 12 */
	FB_PAGE = 768,	  /* page-state transitions: 16 x 16 */
	FB_VM = 1024,	  /* the operated VM's state, and how many VMs live and dead */
	FB_TABLES = 1280, /* per table kind: grew, shrank or not, by how many pages */
	FB_LIFE = 1408,	  /* lifecycle milestones met: 64 */
	FB_DEPTH = 1472,  /* how many different operations succeeded in this run: 64 */
	FB_ABORT = 1536,  /* where a host abort's leaf sits in its region: 5 x 2 x 2 x 3 x 2 */
	FB_SIZE = 2048,
};

/*
 * libFuzzer clears and reads these around every input. Not in AFL++'s
 * builds: its compiler pass (4.04c) reads one guard past the end of its
 * guard section where an instrumented select picks between two edges, and
 * the linker puts this section right after that one, so a counter's value
 * became an edge's index into the map (a crash in diff_walk.c, from AFL++'s
 * own inline counting). AFL++ gets the counters through its map (below).
 */
#if defined(__AFL_COMPILER)
static uint8_t counters[FB_SIZE];
#else
__attribute__((section("__libfuzzer_extra_counters"), used)) static uint8_t counters[FB_SIZE];
#endif
/*
 * AFL++'s coverage map, when this program is built for it: its runtime's
 * call that sets one byte of the map, and how many edges the program has.
 * The counters share the edges' bytes (hashed over them): the map afl-fuzz
 * shares is sized to the edges, and __afl_map_size may say more than that.
 * The call goes through a pointer: AFL++'s pass gives every direct call to
 * it an edge id of its own, in place of the one passed. (And not the map
 * pointer itself: the pass declares that name in every file it instruments,
 * and a second declaration is renamed away from it.)
 */
void __afl_coverage_interesting(uint8_t val, uint32_t id) __attribute__((weak));
extern uint32_t __afl_final_loc __attribute__((weak));
static void (*volatile afl_set)(uint8_t val, uint32_t id) = __afl_coverage_interesting;

void fz_feedback_hit(unsigned id)
{
	uint8_t *c = &counters[id % FB_SIZE];

	if (*c != 0xff)
		(*c)++;
	if (afl_set && &__afl_final_loc && __afl_final_loc > 1)
		afl_set(*c, 1 + (uint32_t)((id + 1) * 2654435761u) % (__afl_final_loc - 1));
}

static unsigned rc_class(int rc)
{
	static const int errnos[] = { 1, 2, 11, 12, 16, 17, 22, 95 };

	if (rc >= 0)
		return rc ? 10 : 0;
	for (unsigned i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (-rc == errnos[i])
			return 1 + i;
	return 11;
}

void fz_feedback_op(unsigned index, int rc)
{
	fz_feedback_hit(FB_OP + (index % 64) * 12 + rc_class(rc));
}

/* One operation in fuzz_pkvm's terms, whichever target ran it. */
struct pkvm_call {
	const struct fz_op_def *row; /* NULL: no call (a hypercall id nothing answers) */
	uint64_t pfn;		     /* the page it is about, or ~0 */
	unsigned vm;		     /* the VM it is about, or ~0 */
};

static struct pkvm_call as_pkvm_call(const struct fz_world *w, const struct fz_op *op)
{
	uint64_t v[PK_NR_FIELDS] = { 0 };
	struct pkvm_call c = { NULL, ~0ULL, ~0U };

	if (w == &fz_world_pkvm) {
		c.row = op->def;
		for (unsigned f = 0; f < PK_NR_FIELDS; f++)
			v[f] = op->v[f];
	} else if (op->index == HV_OP_ABORT) {
		c.row = fz_op_find(&fz_world_pkvm, "host_mem_abort");
		v[PK_ADDR] = op->v[HV_ADDR];
	} else {
		struct fz_op call;

		c.row = fz_hvc_call(&op->v[HV_X0], &call);
		memcpy(v, call.v, sizeof(v));
	}
	if (!c.row)
		return c;
	if (c.row->fields & (1U << PK_PFN))
		c.pfn = v[PK_PFN];
	else if (c.row->fields & (1U << PK_PGD))
		c.pfn = v[PK_PGD];
	else if (c.row->fields & (1U << PK_ADDR))
		c.pfn = v[PK_ADDR] >> 12;
	if (c.row->fields & (1U << PK_VM))
		c.vm = (unsigned)v[PK_VM];
	return c;
}

/*
 * A page's state in a few words: who owns it, who else sees it, what for;
 * and in @guest_vm (when given) the VM that owns it, or ~0.
 */
static unsigned page_state(const struct ref *r, uint64_t pfn, unsigned *guest_vm)
{
	struct ref_page_state st;

	if (guest_vm)
		*guest_vm = ~0U;
	if (pfn == ~0ULL)
		return 15;
	ref_page(r, pfn, &st);
	if (guest_vm && st.memory && st.owner == REF_OWNER_GUEST)
		*guest_vm = st.vm;
	if (!st.memory)
		return 0;
	switch (st.owner) {
	case REF_OWNER_HOST:
		if (st.hyp == REF_SHARED_BORROWED)
			return st.pin ? 3 : 2;
		if (st.guest == REF_SHARED_BORROWED)
			return 4;
		return st.host == REF_OWNED ? 1 : 5;
	case REF_OWNER_HYP:
		return 6;
	case REF_OWNER_GUEST:
		if (st.vm < REF_MAX_VMS && r->vm[st.vm].state == REF_VM_DEAD)
			return 7;
		return 8 + (st.role & 3);
	default:
		return 14;
	}
}

static unsigned bucket(uint64_t n)
{
	unsigned b = 0;

	while (n && b < 11) {
		n >>= 1;
		b++;
	}
	return b;
}

static struct {
	unsigned life[PKVM_MAX_VMS]; /* per VM slot, the milestones its VMs met */
	struct {
		uint64_t pfn;
		unsigned vm;
	} reclaimed[8]; /* pages reclaimed this run, and whose they were */
	unsigned nr_reclaimed;
	unsigned before;     /* the operated page's state before the operation */
	unsigned before_vm;  /* and the VM that owned it, or ~0 */
	uint64_t succeeded;  /* operations (by index) that returned 0 this run */
	uint64_t tables[2 + PKVM_MAX_VMS];
} run;

void fz_feedback_pkvm_start(void)
{
	memset(&run, 0, sizeof(run));
}

void fz_feedback_start(void)
{
	/* libFuzzer clears its counters itself; AFL++'s persistent loop does not. */
	if (afl_set)
		memset(counters, 0, sizeof(counters));
}

static bool named(const struct fz_op_def *row, const char *name)
{
	return !strcmp(row->name, name);
}

/*
 * The milestone @c's success meets, for the VM it is about: for a reclaim
 * the VM that owned the page, for a host operation on a page reclaimed this
 * run the VM it came from. Each VM's milestones count as a set, in any order:
 * each new set is a state reached.
 */
static void lifecycle(const struct pkvm_call *c)
{
	static const char *const calls[] = { "vm_create", "host_donate_guest", "host_share_guest",
					     "vm_teardown" };
	unsigned vm = c->vm;

	for (unsigned i = 0; i < 4; i++)
		if (named(c->row, calls[i]) && vm < PKVM_MAX_VMS)
			run.life[vm] |= 1U << i;
	if (named(c->row, "host_reclaim_page")) {
		if (run.before_vm >= PKVM_MAX_VMS)
			return;
		run.life[run.before_vm] |= FZ_LIFE_RECLAIMED;
		run.reclaimed[run.nr_reclaimed % 8].pfn = c->pfn;
		run.reclaimed[run.nr_reclaimed++ % 8].vm = run.before_vm;
		return;
	}
	if (strncmp(c->row->name, "host_", 5))
		return;
	for (unsigned i = 0; i < run.nr_reclaimed && i < 8; i++)
		if (run.reclaimed[i].pfn == c->pfn)
			run.life[run.reclaimed[i].vm] |= FZ_LIFE_RETOUCHED;
}

/*
 * A host abort that mapped @pfn: the level of the leaf it made, and where the
 * page sits in its region: in the region's last partial 2 MiB or 1 GiB range
 * (where only smaller blocks fit), how the region's end meets a 2 MiB
 * boundary (on it, a page short of it, elsewhere), and in its first partial
 * 2 MiB range. An abort at a region's edges is then a state reached, and a
 * machine whose edges change under it is tried next.
 */
static void abort_shape(const struct ref *r, uint64_t pfn)
{
	unsigned level = 4, i = 0, tail_2m, tail_1g, end_class, head_2m;
	uint64_t desc, start, end;

	while (i < r->mem.nr && !(r->mem.start[i] <= pfn && pfn < r->mem.end[i]))
		i++;
	if (i == r->mem.nr)
		return; /* MMIO */
	start = r->mem.start[i];
	end = r->mem.end[i];
	if (ref_get_leaf(r, REF_KIND_HOST_S2, 0, pfn << 12, &level, &desc) || level > 3)
		level = 4;
	tail_2m = (end & 511) && end - pfn <= (end & 511);
	tail_1g = (end & 0x3ffff) && end - pfn <= (end & 0x3ffff);
	end_class = !(end & 511) ? 0 : (end & 511) == 511 ? 1 : 2;
	head_2m = (start & 511) && pfn - start < 512 - (start & 511);
	fz_feedback_hit(FB_ABORT + (((level * 2 + tail_2m) * 2 + tail_1g) * 3 + end_class) * 2 +
			head_2m);
}

void fz_feedback_pkvm(struct dual *d, const struct fz_world *w, const struct fz_op *op, int rc,
		      bool done)
{
	struct pkvm_call c = as_pkvm_call(w, op);
	unsigned live = 0, dead = 0;

	if (!done) {
		run.before = page_state(&d->ref, c.pfn, &run.before_vm);
		return;
	}
	if (w != &fz_world_pkvm) /* the runner counted the hvc world's own index (0, 1) */
		fz_feedback_op(32 + (c.row ? (unsigned)(c.row - fz_pkvm_ops) : PK_NR_OPS), rc);
	if (!c.row)
		return;
	fz_feedback_hit(FB_PAGE + run.before * 16 + page_state(&d->ref, c.pfn, NULL));
	if (c.vm < d->m.nr_vm_slots) {
		const struct ref_vm *vm = &d->ref.vm[c.vm];
		uint64_t cache = ref_pool_free(&d->ref, REF_POOL_VM(c.vm));
		unsigned owned = vm->owned < 11 ? (unsigned)vm->owned : 11;

		/* Its state, the pages it owns and its memcache's free pages, each up to a few. */
		fz_feedback_hit(FB_VM + ((vm->state % 3) * 12 + owned) * 4 + (cache < 3 ? (unsigned)cache : 3));
	}
	for (unsigned v = 0; v < d->m.nr_vm_slots; v++) {
		live += d->ref.vm[v].state == REF_VM_LIVE;
		dead += d->ref.vm[v].state == REF_VM_DEAD;
	}
	fz_feedback_hit(FB_VM + 160 + (live > 3 ? 3 : live) * 4 + (dead > 3 ? 3 : dead));
	for (unsigned i = 0; i < 2 + d->m.nr_vm_slots; i++) {
		uint64_t n = d->slot[i].tables;
		unsigned dir = n > run.tables[i] ? 1 : n < run.tables[i] ? 2 : 0;

		run.tables[i] = n;
		fz_feedback_hit(FB_TABLES + ((i < 2 ? i : 2) * 3 + dir) * 12 + bucket(n));
	}
	if (!rc && named(c.row, "host_mem_abort"))
		abort_shape(&d->ref, c.pfn);
	if (!rc) {
		lifecycle(&c);
		run.succeeded |= 1ULL << (c.row - fz_pkvm_ops);
	}
	for (unsigned v = 0; v < d->m.nr_vm_slots; v++)
		if (run.life[v])
			fz_feedback_hit(FB_LIFE + run.life[v]);
	fz_feedback_hit(FB_DEPTH + (unsigned)__builtin_popcountll(run.succeeded));
}

unsigned fz_feedback_lifecycle(void)
{
	unsigned best = 0;

	for (unsigned v = 0; v < PKVM_MAX_VMS; v++)
		if (__builtin_popcount(run.life[v]) > __builtin_popcount(best))
			best = run.life[v];
	return best;
}

void fz_feedback_print_lifecycle(FILE *out)
{
	static const char *const words[] = { "created", "donated",   "shared",
					     "torn-down", "reclaimed", "re-touched" };
	unsigned life = fz_feedback_lifecycle();

	fprintf(out, "lifecycle:");
	for (unsigned i = 0; i < 6; i++)
		if (life & (1U << i))
			fprintf(out, " %s", words[i]);
	fprintf(out, "%s\n", life == FZ_LIFE_WHOLE ? " (whole)" : "");
}
