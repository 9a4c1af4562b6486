// SPDX-License-Identifier: MIT
/*
 * The checks after a fuzz_parallel run (SPEC §9, docs/fuzz_parallel.md),
 * cheapest first: stores a shared walk must not make (parallel_store.c
 * judged them as they happened), the table's invariants, faults that lost
 * with nobody to lose to, break-before-make, then linearizability
 * (parallel_serial.c); and the report a failure prints.
 */
#include "parallel_run.h"

#include "last_words.h"

#include "diff/diff.h"

#include <string.h>

/* Check 1: no LOCKED entry, the refcount law, pool accounting (§3, §7, §9). */
static bool check_table(struct par_run *r, struct fz_failure *f)
{
	struct diff_table t = par_view(r);
	struct diff_violation v;
	uint64_t tables = 0;

	if (!diff_check_table(&t, &tables, &v))
		return fz_failed(f, "invariant", "parallel",
				 strstr(v.what, "LOCKED") ? "locked" :
				 strstr(v.what, "count")  ? "refcount" :
							    "structure",
				 "guest stage-2 after every vCPU returned: %s", v.what);
	if (sim_pool_free_all(&r->pool) + tables == sim_pool_size(&r->pool))
		return true;
	return fz_failed(f, "pool", "parallel", "accounting",
			 "pool of %llu pages: %llu free + %llu in the table after quiescing",
			 (unsigned long long)sim_pool_size(&r->pool),
			 (unsigned long long)sim_pool_free_all(&r->pool),
			 (unsigned long long)tables);
}

/* Check 2: a fault may only lose to someone (§9). */
static bool check_alone(struct par_run *r, struct fz_failure *f)
{
	for (unsigned id = 0; id < r->nr_ops; id++) {
		char op[192];

		if (!r->ops[id].eagain_alone)
			continue;
		par_op_describe(r, id, op, sizeof(op));
		return fz_failed(f, "livelock", "fault_map", "eagain-alone",
				 "%s returned -EAGAIN in an attempt begun with every other vCPU "
				 "finished: nobody could have raced it, so an entry stayed LOCKED "
				 "or a swap failed against itself",
				 op);
	}
	return true;
}

/* Check 3b: nothing a vCPU translated is stale unless it was invalidated (§11). */
static bool check_tlb(struct par_run *r, struct fz_failure *f)
{
	struct diff_table t = par_view(r);
	struct diff_violation v;

	if (diff_tlb_check(&r->tlb, &r->pgt, &t, &v))
		return true;
	return fz_failed(f, "tlb", "parallel", "guest stage-2",
			 "guest stage-2 after every vCPU returned: %s", v.what);
}

/* Check 3: break-before-make and free-after-invalidate (§7, §11). */
static bool check_bbm(struct par_run *r, struct fz_failure *f)
{
	size_t len;

	if (!r->bbm_failed && diff_bbm_end_op(&r->bbm))
		return true;
	len = (size_t)snprintf(f->detail, sizeof(f->detail),
			       "%s\ninvalidations owed then:", r->bbm.v.what);
	for (unsigned i = 0; i < r->bbm.n && len < sizeof(f->detail); i++) {
		const struct diff_bbm_debt *d = &r->bbm.debt[i];

		len += (size_t)snprintf(f->detail + len, sizeof(f->detail) - len,
					"\n  ia %#llx span %#llx level %u%s%s",
					(unsigned long long)d->ia, (unsigned long long)d->span,
					d->level, d->table ? " (a table)" : "",
					d->paid ? " paid, page not yet freed" : " unpaid");
	}
	return fz_mark(f, "bbm", r->bbm_op >= 0 ? r->ops[r->bbm_op].op->def->name : "parallel",
		       "rule");
}

/* Check 0: every store to an entry others can see was a swap from a read or a publish. */
static bool check_stores(const struct par_run *r, struct fz_failure *f)
{
	if (!r->store_failed)
		return true;
	*f = r->store_failure;
	return false;
}

bool par_check(struct par_run *r, struct fz_failure *f)
{
	return check_stores(r, f) && check_table(r, f) && check_alone(r, f) && check_bbm(r, f) && check_tlb(r, f) &&
	       par_check_serial(r, f);
}

void par_print_ops(const struct par_run *r, FILE *out)
{
	fprintf(out, "parallel vcpus=%u ia_bits=%u pool=%llu\n", r->in.setup.nr_vcpus,
		r->in.setup.ia_bits, (unsigned long long)r->in.setup.pool_pages);
	for (unsigned i = 0; i < r->in.nr_prelude; i++) {
		char line[160];

		fz_format_op(&fz_world_parallel, &r->in.prelude[i], line, sizeof(line));
		fprintf(out, "  prelude  %-58s -> %d\n", line, r->prelude_rc[i]);
	}
	for (unsigned id = 0; id < r->nr_ops; id++) {
		const struct par_op *o = &r->ops[id];
		char line[192], lost[32] = "", serial[32] = "not replayed";

		par_op_describe(r, id, line, sizeof(line));
		if (o->lost_to >= 0)
			snprintf(lost, sizeof(lost), " lost-to=vcpu%u#%u", r->ops[o->lost_to].vcpu,
				 r->ops[o->lost_to].index);
		if (o->serial >= 0)
			snprintf(serial, sizeof(serial),
				 !o->noop   ? "#%d" :
				 o->erased  ? "erased by #%d" :
					      "no-op after %d",
				 o->serial);
		fprintf(out,
			"  %-66s -> %d  attempts=%u locked-seen=%u stores=%u clock=%llu..%llu "
			"last-store=%llu%s serial: %s\n",
			line, o->rc, o->attempts, o->locked_seen, o->stores,
			(unsigned long long)o->start, (unsigned long long)o->end,
			(unsigned long long)o->last_store, lost, serial);
	}
	fprintf(out, "  %llu scheduling points, %llu -EAGAIN retries, %llu loads found LOCKED\n",
		(unsigned long long)r->sched.points, (unsigned long long)r->nr_eagain,
		(unsigned long long)r->nr_locked);
	if (r->splits_overflow)
		fprintf(out, "  over %u splits: the serial order was not checked\n",
			PAR_MAX_SPLITS);
}

/* The interleaving as runs: "v1#0:LLCK" is vCPU 1 on its op 0 for four points. */
static void print_interleaving(const struct par_run *r, FILE *out)
{
	size_t col = 0;

	fprintf(out, "interleaving (L load, C compare-and-swap, K after a LOCKED store, "
		"S before a store):\n ");
	for (size_t i = 0; i < r->nr_trace; i++) {
		const struct par_point *pt = &r->trace[i];
		bool start = !i || pt->vcpu != r->trace[i - 1].vcpu || pt->op != r->trace[i - 1].op;

		if (start) {
			if (col > 90) {
				fprintf(out, "\n ");
				col = 0;
			}
			col += (size_t)fprintf(out, " v%u#%u:", pt->vcpu, r->ops[pt->op].index);
		}
		fputc(pt->kind, out);
		col++;
	}
	fprintf(out, "%s\n", r->nr_trace == PAR_TRACE_MAX ? " ..." : "");
}

static void print_run(const void *r, FILE *out)
{
	par_print_ops(r, out);
	print_interleaving(r, out);
}

void par_report(const struct par_run *r, const struct fz_failure *f)
{
	fz_print_report("parallel faults (SPEC §9)", print_run, r, f);
}

/* The operation the running vCPU is in, if any. */
static const char *live_op(const void *arg)
{
	const struct par_run *r = arg;
	int v = r->sched.cur;

	return v >= 0 ? r->ops[r->cur_op[v]].op->def->name : NULL;
}

void par_watch(const struct par_run *r)
{
	static struct fz_live live;

	live = (struct fz_live){ "the run died: parallel faults (SPEC §9)", print_run, live_op, r };
	fz_live_begin(&live);
}
