/* SPDX-License-Identifier: MIT */
/*
 * The comparison runner every step-by-step target shares: decode the
 * header, build both sides, then for every record decode the operation,
 * run the reference's call and the core's, and let the world compare
 * (docs/architecture.md). The first failure prints one report: the setup,
 * the operations with their results, the check, its detail, and one
 * `s2fuzz-signature:` line that stays the same for every input hitting the
 * same bug; then the run aborts, as a fuzzer wants.
 */
#ifndef FUZZ_RUNNER_H
#define FUZZ_RUNNER_H

#include "optable.h"

#include <stdio.h>

/* Operations a report shows: the last ones when there were more. */
#define FZ_TRACE_MAX 4096

struct fz_failure {
	const char *check;   /* stable: "return-code", "digest", "pool", "invariant", ... */
	char detail[2048];   /* for people */
	char signature[256]; /* CHECK/OPERATION/WHAT */
};

/* Fill @f: signature "@check/@op/@what", detail from @fmt. Returns false. */
bool fz_failed(struct fz_failure *f, const char *check, const char *op, const char *what,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The same when f->detail is already written. */
bool fz_mark(struct fz_failure *f, const char *check, const char *op, const char *what);

struct fz_harness {
	const struct fz_world *world;
	void *state;
	/* Both sides from the header: 0 up, 1 both refused alike, -1 with @f filled. */
	int (*init)(void *state, const void *setup, struct fz_failure *f);
	void (*fini)(void *state);
	/* After both calls of @op: false with @f filled at the first difference. */
	bool (*check)(void *state, const struct fz_op *op, int core_rc, int ref_rc,
		      struct fz_failure *f);
	/* Words for the result of @op beyond its return code, or NULL. */
	int (*result)(const void *state, const struct fz_op *op, int rc, char *buf, size_t len);
	/* The setup in words, for reports. */
	size_t (*describe)(const void *setup, char *buf, size_t len);
	/* What the reference's calls get: the reference inside @state (NULL: @state). */
	void *ref_state;
	/* Optional: sees each operation before it runs (@done false) and once it passed. */
	void (*observe)(void *state, const struct fz_op *op, int rc, bool done);
	/* Optional: what the run reached, printed after it under -v. */
	void (*summary)(const void *state, FILE *out);
	/* Optional: the report's title (NULL: "core and reference disagree"). */
	const char *title;
};

/* Set by the replay program (-v): print every operation as it runs. */
extern int s2fuzz_verbose;

/* One input, run to its end or to the first failure (reported, then abort()). */
int fz_run(const struct fz_harness *h, const uint8_t *data, size_t size);
/* A target's entry point (libFuzzer's name; AFL++ and the replay program call it too). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print a failure found outside fz_run's loop, with @setup described (then abort()). */
void fz_report(const struct fz_harness *h, const void *setup, const struct fz_failure *f);
/*
 * Every report's frame, on stderr: "==== s2fuzz: @title ====", what @body
 * prints of the run (@arg), then the check with its detail and the
 * signature line. fz_report and fuzz_parallel's report print through it.
 */
void fz_print_report(const char *title, void (*body)(const void *arg, FILE *out),
		     const void *arg, const struct fz_failure *f);

#endif /* FUZZ_RUNNER_H */
