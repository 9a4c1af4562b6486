// SPDX-License-Identifier: MIT
/*
 * The differential mode's driver (el2/diffmode.h): the reference built from
 * the description pkvm_init got, el2's platform hooks marking which core
 * tables were written and feeding the break-before-make ledger, and one
 * entry point per operation el2 serves: a hypercall or a host abort runs
 * on the reference the way docs/hvc-abi.md and SPEC §6 say, then everything
 * is compared (diffmode_check.c).
 */
#include "core/hvc.h"
#include "diffmode_internal.h"
#include "el2/console.h"
#include "el2/libc.h"
#include "el2/mm.h"
#include "ops_pkvm.h"


struct dm_state dm;
static const char *last_op = "init";

static const uint64_t *mem_table(void *ctx, uint64_t pa)
{
	return el2_mm_table_count(pa) ? el2_phys_to_virt(pa) : NULL;
}

static uint32_t mem_count(void *ctx, uint64_t pa)
{
	return el2_mm_table_count(pa);
}

static int slot_of(const struct pgt *pgt)
{
	if (pgt == &dm.pkvm->host_s2)
		return 0;
	if (pgt == &dm.pkvm->hyp_s1)
		return 1;
	for (u32 vm = 0; vm < PKVM_MAX_VMS; vm++)
		if (pgt == &dm.pkvm->vms[vm].pgt)
			return 2 + (int)vm;
	return -1;
}

static enum diff_kind kind_of(const struct pgt *pgt)
{
	if (!pgt || pgt->kind == PGT_HOST_S2)
		return DIFF_HOST_S2;
	return pgt->kind == PGT_HYP_S1 ? DIFF_HYP_S1 : DIFF_GUEST_S2;
}

/* Every store, invalidation and free, as the core asked for it (el2/mm.h). */
static void observe(const struct el2_mm_event *e)
{
	static const enum diff_ev_kind kinds[] = {
		[EL2_MM_STORE] = DIFF_EV_STORE,
		[EL2_MM_TLBI_LEAF] = DIFF_EV_TLBI_LEAF,
		[EL2_MM_TLBI_RANGE] = DIFF_EV_TLBI_RANGE,
		[EL2_MM_TLBI_ALL] = DIFF_EV_TLBI_ALL,
		[EL2_MM_FREE] = DIFF_EV_FREE,
	};
	struct diff_event d = {
		.kind = kinds[e->kind],
		.regime = e->pgt,
		.table_kind = kind_of(e->pgt),
		.ia = e->ia,
		.size = e->size,
		.level = e->level,
		.old = e->old,
		.new_pte = e->new_pte,
		.table_page = e->table_pa,
		.page = e->page_pa,
	};
	int slot;

	diff_bbm_event(dm.bbm, &d);
	if (e->kind == EL2_MM_STORE) {
		slot = slot_of(e->pgt);
		if (slot < 0)
			el2_panic("differential mode: a store to a table el2 does not know");
		dm.slot[slot].stale = true;
	}
	/* A freed page may still hang under some table (a bug): look at all again. */
	if (e->kind == EL2_MM_FREE)
		for (u32 i = 0; i < DM_SLOTS; i++)
			dm.slot[i].stale = true;
}

static void *take(u8 **cursor, u8 *end, u64 bytes)
{
	void *p = *cursor;

	bytes = (bytes + 63) & ~63ULL;
	if (bytes > (u64)(end - *cursor))
		el2_panic("differential mode: its heap is too small");
	*cursor += bytes;
	return p;
}

static u8 *arena_base, *arena_end;

void el2_diff_prepare(const struct pkvm *p, void *mem, u64 bytes)
{
	u8 *cursor = mem, *end = cursor + bytes;

	dm.pkvm = p;
	dm.ref = take(&cursor, end, sizeof(*dm.ref));
	dm.bbm = take(&cursor, end, sizeof(*dm.bbm));
	arena_base = cursor;
	arena_end = end;
	diff_bbm_init(dm.bbm);
	for (u32 i = 0; i < DM_SLOTS; i++)
		dm.slot[i].stale = true;
	dm.prepared = true;
	el2_mm_observe(observe);
}

static void to_ref_desc(const struct pkvm_desc *c, struct ref_desc *r)
{
	memset(r, 0, sizeof(*r));
	r->nr_mem = c->layout.nr_regions;
	for (u32 i = 0; i < c->layout.nr_regions; i++)
		r->mem[i] =
			(struct ref_region){ c->layout.regions[i].base, c->layout.regions[i].size };
	r->carveout = (struct ref_region){ c->carveout_base, c->carveout_size };
	r->host_pool_pages = c->host_pool_pages;
	r->hyp_pool_pages = c->hyp_pool_pages;
	r->hyp_va_offset = c->hyp_va_offset;
	r->host_ia_bits = c->layout.ia_bits;
	r->nr_vm_slots = c->nr_vm_slots;
	r->nr_hyp_private = c->nr_hyp_private;
	for (u32 i = 0; i < c->nr_hyp_private; i++) {
		const struct pkvm_hyp_private *h = &c->hyp_private[i];

		/* PGT_PROT_* and PGT_MEM_* have the reference's values (S4). */
		r->hyp_private[i] =
			(struct ref_hyp_private){ h->va, h->pa, h->nr, h->prot, h->memtype };
	}
}

void el2_diff_start(void)
{
	const struct pkvm_desc *c = &dm.pkvm->desc;
	struct ref_desc rd;
	struct fz_failure f;
	int ret;

	if (!dm.prepared)
		el2_panic("differential mode started without el2_diff_prepare");
	to_ref_desc(c, &rd);
	dm.layout.nr_regions = c->layout.nr_regions;
	for (u32 i = 0; i < c->layout.nr_regions; i++) {
		dm.layout.regions[i].base = c->layout.regions[i].base;
		dm.layout.regions[i].size = c->layout.regions[i].size;
	}
	dm.mem = (struct diff_mem){ mem_table, mem_count, NULL };
	ret = ref_init(dm.ref, &rd, arena_base, (size_t)(arena_end - arena_base));
	if (ret) {
		snprintf(f.detail, sizeof(f.detail),
			 "machine description: the core took it, the reference returned %d", ret);
		snprintf(f.signature, sizeof(f.signature), "init/core=0/ref=%d", ret);
		f.check = "init";
		dm_report(&f);
	}
	dm.on = true;
	if (!dm_compare("init", true, &f))
		dm_report(&f);
	console_printf("s2fuzz el2: differential mode on: the reference runs beside the core "
		       "(state digest 0x%016llx, %llu KiB of arena)\n",
		       (unsigned long long)dm.state_digest,
		       (unsigned long long)((arena_end - arena_base) >> 10));
}

bool el2_diff_on(void)
{
	return dm.on;
}

static struct dm_step *record(bool abort, const u64 *in, const u64 *out)
{
	struct dm_step *s = &dm.trace[dm.steps % DM_TRACE];

	s->index = dm.steps++;
	s->abort = abort;
	memcpy(s->in, in, sizeof(s->in));
	memcpy(s->out, out, sizeof(s->out));
	return s;
}

/* A result the reference could not compute is the harness's failure, not the core's. */
static void check_ref_result(int rc, const char *op)
{
	struct fz_failure f;

	if (rc != -REF_ENOSPC)
		return;
	fz_failed(&f, "harness", op, "reference arena",
		  "the reference ran out of its arena (%llu KiB): grow EL2_DIFF_HEAP_SIZE",
		  (unsigned long long)((arena_end - arena_base) >> 10));
	dm_report(&f);
}

static void compare_after(const char *op)
{
	struct fz_failure f;

	last_op = op;
	if (!dm_compare(op, dm.steps % DM_FULL_EVERY == 0, &f))
		dm_report(&f);
}

const char *dm_call_name(u64 x0)
{
	static char names[FZ_HVC_NR_CALLS + 1][48];
	const struct fz_op_def *row = fz_hvc_id_row(x0);
	char *name = names[row ? (unsigned)row->hvc : FZ_HVC_NR_CALLS];

	if (!name[0])
		snprintf(name, sizeof(names[0]), "hvc_%s", row ? row->name : "unknown");
	return name;
}

/*
 * A hypercall el2 served: the reference reads the same registers as fuzz_hvc
 * does (docs/hvc-abi.md, fuzzers/lib/pkvm_rows.c), then the result registers
 * and everything else are compared.
 */
void el2_diff_hvc(const u64 *in, const u64 *out)
{
	const char *op = dm_call_name(in[0]);
	struct fz_failure f;
	int ref_rc;

	record(false, in, out);
	ref_rc = fz_hvc_ref(dm.ref, in);
	check_ref_result(ref_rc, op);
	if (!fz_check_hvc_regs(in, out, fz_hvc_id_row(in[0]), ref_rc, op, &f))
		dm_report(&f);
	compare_after(op);
}

void el2_diff_abort(u64 ipa, int ret)
{
	u64 in[5] = { 0, ipa }, out[5] = { 0, (u64)(s64)ret };
	struct fz_failure f;
	int ref_rc;

	record(true, in, out);
	dm.aborts++;
	ref_rc = ref_host_mem_abort(dm.ref, ipa);
	check_ref_result(ref_rc, "host_mem_abort");
	if (!fz_check_rc("host_mem_abort", ret, ref_rc, &f))
		dm_report(&f);
	compare_after("host_mem_abort");
}

void el2_diff_status(u64 *x)
{
	struct fz_failure f;

	if (!dm.on) {
		x[0] = PKVM_HVC_NOT_SUPPORTED;
		return;
	}
	if (!dm_compare(last_op, true, &f))
		dm_report(&f);
	x[0] = 0;
	x[1] = dm.steps;
	x[2] = dm.aborts;
	x[3] = dm.state_digest;
	x[4] = dm.ref->arena.used;
}
