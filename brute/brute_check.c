// SPDX-License-Identifier: MIT
/*
 * The reference checked against its own leaves: they are placed into real
 * tables (brute_rebuild), the tables walked, and the walk compared with the
 * stream and the table count the reference derives from the same leaves
 * through runs and merged intervals (ref_stream.c, ref_shape.c). What the
 * rebuild cannot know, the reference's choice of leaves, is the business
 * of the core comparison and of brute_install in the unit test.
 */
#include "brute_priv.h"

#include <stdio.h>

static const char *const verdict_names[] = {
	[BRUTE_AGREE] = "agree",   [BRUTE_LEAVES] = "leaves",	  [BRUTE_STREAM] = "stream",
	[BRUTE_TABLES] = "tables", [BRUTE_HOST] = "host-block",
};

const char *brute_verdict_name(enum brute_verdict v)
{
	return verdict_names[v];
}

void brute_forget(struct brute *b)
{
	b->known = false;
}

/* The reference's stream, one record at a time, against the walk. */
static void cmp_emit(void *arg, unsigned int level, uint64_t ia, uint64_t desc)
{
	struct brute *b = arg;
	const struct brute_rec *w = b->at < b->nr_rec ? &b->rec[b->at] : NULL;

	if (b->diff_at == SIZE_MAX &&
	    (!w || w->level != level || w->ia != ia || w->desc != desc)) {
		b->diff_at = b->at;
		b->diff_ref = (struct brute_rec){ level, ia, desc };
	}
	b->at++;
}

static int rec_words(char *buf, size_t len, const struct brute_rec *r, bool present)
{
	if (!present)
		return snprintf(buf, len, "(none: the stream ends)");
	return snprintf(buf, len, "L%u ia %#llx desc %#llx%s", r->level,
			(unsigned long long)r->ia, (unsigned long long)r->desc,
			r->desc == 3 ? " (table)" : "");
}

/*
 * §4.1 in host stage-2: a valid leaf bigger than a page is a default one,
 * inside one memory region or one MMIO gap. The reference's leaves must
 * say so whatever the history that made them.
 */
static bool host_blocks_ok(const struct brute *b, const struct ref_runs *rs, char *why,
			   size_t len)
{
	size_t i;

	for (i = 0; i < rs->nr; i++) {
		const struct ref_run *run = &rs->run[i];
		uint64_t span = brute_span(run->level), s;

		if (run->level == 3 || !(run->val & 1))
			continue;
		for (s = run->start; s < run->end; s += span) {
			if (brute_is_default(b, s, s + span, run->val) &&
			    brute_one_region_or_gap(b, s, s + span))
				continue;
			snprintf(why, len,
				 "host stage-2: the level-%u block at ia %#llx (template %#llx) is "
				 "not a default leaf inside one memory region or MMIO gap (SPEC §4.1)",
				 run->level, (unsigned long long)(s << 12),
				 (unsigned long long)run->val);
			return false;
		}
	}
	return true;
}

enum brute_verdict brute_check(struct brute *b, const struct brute_subject *s, const char *name,
			       char *detail, size_t len)
{
	char want[96], got[96];

	b->checks++;
	if (b->known && b->generation == s->generation) {
		b->skipped++;
		return BRUTE_AGREE;
	}
	if (brute_rebuild(b, s->leaves, got, sizeof(got))) {
		snprintf(detail, len, "%s: the reference's %s", name, got);
		return BRUTE_LEAVES;
	}
	if (b->host && !host_blocks_ok(b, s->leaves, detail, len))
		return BRUTE_HOST;
	brute_walk(b);
	b->at = 0;
	b->diff_at = SIZE_MAX;
	s->stream(s->src, cmp_emit, b);
	if (b->diff_at == SIZE_MAX && b->at != b->nr_rec)
		b->diff_at = b->at;
	if (b->diff_at != SIZE_MAX) {
		rec_words(want, sizeof(want), &b->rec[b->diff_at], b->diff_at < b->nr_rec);
		rec_words(got, sizeof(got), &b->diff_ref, b->diff_at < b->at);
		snprintf(detail, len,
			 "%s: the reference's stream (%zu records) and the brute-force walk of its "
			 "leaves (%zu records) differ first at record %zu\n"
			 "  brute force: %s\n  reference:   %s",
			 name, b->at, b->nr_rec, b->diff_at, want, got);
		return BRUTE_STREAM;
	}
	if (s->tables != brute_tables(b)) {
		snprintf(detail, len,
			 "%s: the reference counts %llu table pages, its leaves need %llu (SPEC §4.3)",
			 name, (unsigned long long)s->tables, (unsigned long long)brute_tables(b));
		return BRUTE_TABLES;
	}
	b->generation = s->generation;
	b->known = true;
	return BRUTE_AGREE;
}

/* A pKVM table's stream, through the reference's public call. */
struct ref_src {
	const struct ref *r;
	unsigned int kind, vm;
};

static void stream_ref(const void *src, ref_emit_fn emit, void *arg)
{
	const struct ref_src *s = src;

	ref_stream(s->r, s->kind, s->vm, emit, arg);
}

static void stream_table(const void *src, ref_emit_fn emit, void *arg)
{
	ref_table_stream(src, emit, arg);
}

static const char *const kind_names[] = { "host stage-2", "hyp stage-1", "guest stage-2" };

enum brute_verdict brute_check_ref(struct brute *b, const struct ref *r, unsigned int kind,
				   unsigned int vm, char *detail, size_t len)
{
	const struct ref_lmap *lm = ref_table_lmap(r, kind, vm);
	struct ref_src src = { r, kind, vm };
	struct brute_subject s = { lm ? &lm->leaves : NULL, ref_table_pages(r, kind, vm),
				   ref_table_generation(r, kind, vm), stream_ref, &src };
	char name[32];
	unsigned int i;

	if (!lm)
		return BRUTE_AGREE;
	if (!b->known) {
		/* The machine as described, not as the reference read it. */
		brute_reset(b, kind == REF_KIND_HOST_S2, lm->ia_bits);
		for (i = 0; b->host && i < r->desc.nr_mem; i++)
			brute_add_region(b, r->desc.mem[i].base, r->desc.mem[i].size);
	}
	if (kind == REF_KIND_GUEST_S2)
		snprintf(name, sizeof(name), "guest stage-2 (vm %u)", vm);
	else
		snprintf(name, sizeof(name), "%s", kind_names[kind]);
	return brute_check(b, &s, name, detail, len);
}

enum brute_verdict brute_check_table(struct brute *b, const struct ref_table *t, const char *name,
				     char *detail, size_t len)
{
	struct brute_subject s = { &t->map.leaves, ref_table_nr_pages(t),
				   ref_single_table_generation(t), stream_table, t };

	if (!b->known)
		brute_reset(b, false, t->map.ia_bits);
	return brute_check(b, &s, name, detail, len);
}
