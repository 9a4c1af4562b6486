// SPDX-License-Identifier: MIT
/* The comparison runner: one loop, one trace, one report for every world. */
#include "runner.h"

#include "feedback.h"
#include "last_words.h"

#include <stdio.h>
#include <stdlib.h>

int s2fuzz_verbose;

struct step {
	struct fz_op op;
	int rc;
	char result[96];
};

/* A ring of the last FZ_TRACE_MAX steps; @nr_steps counts them all. */
static struct step trace[FZ_TRACE_MAX];
static unsigned long long nr_steps;

static void print_step(FILE *out, const struct fz_world *w, unsigned long long i,
		       const struct step *s)
{
	char line[320];

	fz_format_op(w, &s->op, line, sizeof(line));
	fprintf(out, "%4llu  %-64s -> %d%s%s\n", i, line, s->rc, s->result[0] ? "  " : "",
		s->result);
}

void fz_print_report(const char *title, void (*body)(const void *arg, FILE *out),
		     const void *arg, const struct fz_failure *f)
{
	fz_live_end(); /* one report per run */
	fprintf(stderr, "==== s2fuzz: %s ====\n", title);
	body(arg, stderr);
	fprintf(stderr, "check: %s\n%s\n", f->check, f->detail);
	fprintf(stderr, "s2fuzz-signature: %s\n", f->signature);
	fflush(stderr);
}

struct report {
	const struct fz_harness *h;
	const void *setup;
};

/* The setup in words, then the operations kept, with their results. */
static void print_steps(const void *arg, FILE *out)
{
	const struct report *r = arg;
	unsigned long long first = nr_steps > FZ_TRACE_MAX ? nr_steps - FZ_TRACE_MAX : 0;
	char line[512];

	r->h->describe(r->setup, line, sizeof(line));
	fprintf(out, "%s\n", line);
	if (first)
		fprintf(out, "      (operations 0 to %llu ran clean and are not kept)\n", first - 1);
	for (unsigned long long i = first; i < nr_steps; i++)
		print_step(out, r->h->world, i, &trace[i % FZ_TRACE_MAX]);
}

void fz_report(const struct fz_harness *h, const void *setup, const struct fz_failure *f)
{
	struct report r = { h, setup };

	fz_print_report(h->title ? h->title : "core and reference disagree", print_steps, &r, f);
}

/* Where the run is, for its last words if it dies there (last_words.h). */
static enum { IN_SETUP, IN_REF, IN_CORE, IN_CHECK, IN_FINI } phase;

static const char *live_op(const void *arg)
{
	(void)arg;
	switch (phase) {
	case IN_SETUP:
		return "setup";
	case IN_REF:
	case IN_CORE:
		return trace[nr_steps % FZ_TRACE_MAX].op.def->name;
	case IN_CHECK:
		return trace[(nr_steps - 1) % FZ_TRACE_MAX].op.def->name;
	default:
		return "end-of-run";
	}
}

/* The steps done, then the one in flight with the call it died in. */
static void print_live(const void *arg, FILE *out)
{
	const struct report *r = arg;
	char line[320];

	print_steps(arg, out);
	if (phase == IN_REF || phase == IN_CORE) {
		fz_format_op(r->h->world, &trace[nr_steps % FZ_TRACE_MAX].op, line, sizeof(line));
		fprintf(out, "%4llu  %-64s -> died in the %s's call\n", nr_steps, line,
			phase == IN_REF ? "reference" : "core");
	} else if (phase == IN_CHECK) {
		fprintf(out, "      (died in the checks after operation %llu)\n", nr_steps - 1);
	} else if (phase == IN_FINI) {
		fprintf(out, "      (died ending the run, after the last operation)\n");
	}
}

int fz_run(const struct fz_harness *h, const uint8_t *data, size_t size)
{
	static _Alignas(8) uint8_t setup[FZ_SETUP_MAX];
	static struct report now;
	static const struct fz_live watch = { "the run died", print_live, live_op, &now };
	const struct fz_world *w = h->world;
	struct fz_failure f;
	int up;

	nr_steps = 0;
	if (size < w->header_size)
		return 0;
	w->decode_setup(data, setup);
	now = (struct report){ h, setup };
	fz_feedback_start();
	phase = IN_SETUP;
	fz_live_begin(&watch);
	up = h->init(h->state, setup, &f);
	if (up < 0) {
		fz_report(h, setup, &f);
		abort();
	}
	for (size_t off = w->header_size; !up && off + w->record_size <= size;
	     off += w->record_size) {
		struct step *s = &trace[nr_steps % FZ_TRACE_MAX];
		int ref_rc;

		fz_decode_op(w, setup, data + off, &s->op);
		if (h->observe)
			h->observe(h->state, &s->op, 0, false);
		phase = IN_REF;
		/* A world without a reference side (a kernel tree's, for now) checks invariants. */
		ref_rc = s->op.def->ref ? s->op.def->ref(h->ref_state ? h->ref_state : h->state,
							  &s->op)
					: 0;
		phase = IN_CORE;
		s->rc = s->op.def->core(h->state, &s->op);
		s->result[0] = '\0';
		if (h->result)
			h->result(h->state, &s->op, s->rc, s->result, sizeof(s->result));
		nr_steps++;
		phase = IN_CHECK;
		if (!h->check(h->state, &s->op, s->rc, ref_rc, &f)) {
			fz_report(h, setup, &f);
			abort();
		}
		fz_feedback_op(s->op.index, s->rc);
		if (h->observe)
			h->observe(h->state, &s->op, s->rc, true);
		if (s2fuzz_verbose)
			print_step(stdout, w, nr_steps - 1, s);
	}
	if (s2fuzz_verbose && h->summary)
		h->summary(h->state, stdout);
	phase = IN_FINI;
	h->fini(h->state);
	fz_live_end();
	return 0;
}
