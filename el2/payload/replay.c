// SPDX-License-Identifier: MIT
/*
 * Item 5 of the payload's self-test: the fuzz_hvc corpus (seed scripts and
 * regression inputs), packed at build time by el2/tools/replay_pack.c and
 * embedded here, replayed through real hypercalls and real host aborts with
 * el2 comparing after each (differential.h). Every input starts from the
 * boot state: what the previous one left (VMs, donations, shares, pins) is
 * given back first, the reference seeing the same calls. The inputs
 * describe their own machine; replay_map.c puts their pages on el2's.
 */
#include "differential.h"
#include "hostmem.h"
#include "ledger.h"
#include "replay.h"

#define CORPUS_MAGIC 0x3170726f63326c65ULL /* "el2corp1", little-endian */

extern const u64 replay_corpus_start[], replay_corpus_end[];

static struct ledger ledger;

struct replay_counts {
	u32 calls, aborts, skipped, ok, errors, not_supported;
};

static void replay_step(const struct replay_machine *m, const u64 *rec, struct replay_counts *c)
{
	u64 x[5];
	int rc;

	if (rec[0]) {
		u64 addr;

		if (!replay_map_abort(m, rec[2], &addr)) {
			c->skipped++;
			return;
		}
		c->aborts++;
		touch(addr);
		return;
	}
	replay_map_call(m, rec + 1, x);
	c->calls++;
	rc = ledger_call(&ledger, x);
	if (rc == 0)
		c->ok++;
	else if (rc == PKVM_CALL_NOT_HANDLED)
		c->not_supported++;
	else
		c->errors++;
}

/* One input; returns the words it took in the blob. */
static u64 replay_input(const u64 *p, selftest_check_fn check)
{
	const char *name = (const char *)p;
	u64 steps = p[REPLAY_NAME_WORDS];
	const struct replay_machine *m = (const void *)(p + REPLAY_NAME_WORDS + 1);
	const u64 *rec = p + REPLAY_NAME_WORDS + 1 + REPLAY_MACHINE_WORDS;
	struct replay_counts c = { 0 };
	struct diff_status before = diff_status(), after;
	struct ledger_release rel;
	char what[96];

	for (u64 i = 0; i < steps; i++)
		replay_step(m, rec + i * REPLAY_STEP_WORDS, &c);
	rel = ledger_release(&ledger);
	after = diff_status();
	out("el2-replay: %s (%llu-bit machine, %llu regions): %u calls (%u ok, %u errors, %u not "
	    "supported), %u aborts, %u skipped; given back in %u calls (%u failed)\n",
	    name, (unsigned long long)m->host_ia_bits, (unsigned long long)m->nr_regions, c.calls,
	    c.ok, c.errors, c.not_supported, c.aborts, c.skipped, rel.calls, rel.failed);
	snprintf(what, sizeof(what), "corpus replay: %s", name);
	check(rel.failed == 0 && after.compared - before.compared >= c.calls + rel.calls, what);
	return REPLAY_NAME_WORDS + 1 + REPLAY_MACHINE_WORDS + steps * REPLAY_STEP_WORDS;
}

void replay_run(selftest_check_fn check)
{
	const u64 *p = replay_corpus_start, *end = replay_corpus_end;
	u64 n;

	if (end - p < 2 || p[0] != CORPUS_MAGIC) {
		check(false, "corpus replay: the embedded corpus is malformed");
		return;
	}
	n = p[1];
	p += 2;
	out("el2-replay: %llu inputs of the fuzz_hvc corpus\n", (unsigned long long)n);
	ledger_reset(&ledger);
	/* Whatever came before (the random sequence) gave everything back. */
	for (u64 i = 0; i < n && p < end; i++)
		p += replay_input(p, check);
}
