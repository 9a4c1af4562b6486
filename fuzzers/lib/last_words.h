/* SPDX-License-Identifier: MIT */
/*
 * A run's last words. A run can die where no check is looking: a core
 * assertion, a sanitizer's report, a fatal signal, an operation that never
 * returns. The run in progress says how to print itself; whichever way it
 * dies, the report still comes, through the frame every report uses
 * (fz_print_report): the run so far, the operation it died in, the check
 * ("assert", "asan", "ubsan", "signal", "timeout") and a signature line.
 * Then the death goes on as it would have (a fuzzer still saves the input).
 */
#ifndef FUZZ_LAST_WORDS_H
#define FUZZ_LAST_WORDS_H

#include <stdio.h>

struct fz_live {
	const char *title;
	void (*body)(const void *arg, FILE *out); /* the run so far */
	const char *(*op)(const void *arg);	  /* the operation in flight, or NULL */
	const void *arg;
};

/* From now until fz_live_end, a death prints @live's report (@live is kept). */
void fz_live_begin(const struct fz_live *live);
/* The run ended, or its report is out: a death now prints nothing of it. */
void fz_live_end(void);

/*
 * The watchdog: an input that runs for S2FUZZ_WATCHDOG_SECONDS of CPU time
 * (else half libFuzzer's -timeout, else 60) is reported as a timeout, then
 * aborted, but under libFuzzer, which ends the run at its own -timeout and
 * saves it as a timeout. Armed once LLVMFuzzerInitialize ran (every fuzzer
 * driver and the replay program call it).
 */

#endif /* FUZZ_LAST_WORDS_H */
