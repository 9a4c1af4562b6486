// SPDX-License-Identifier: MIT
/*
 * A run's last words: the ways a run dies outside the checks, each turned
 * into a whole report (last_words.h). Every hook here hands the death on to
 * whoever had it before (libFuzzer's crash handlers save the input; without
 * them the default action ends the program).
 */
#define _GNU_SOURCE
#include "last_words.h"

#include "runner.h"
#include "sim/sim.h"

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/*
 * The sanitizers' and libFuzzer's entry points, weak: a build without them
 * links, and they read NULL. (The interfaces of compiler-rt's
 * common_interface_defs.h, asan_interface.h and UBSan's monitor.)
 */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));
void __sanitizer_symbolize_pc(void *pc, const char *fmt, char *buf, size_t len)
	__attribute__((weak));
int __asan_report_present(void) __attribute__((weak));
const char *__asan_get_report_description(void) __attribute__((weak));
void *__asan_get_report_pc(void) __attribute__((weak));
void __ubsan_get_current_report_data(const char **kind, const char **message,
				     const char **file, unsigned *line, unsigned *col,
				     char **addr) __attribute__((weak));
/* libFuzzer's own death callback (it saves the input): ours calls it after the report. */
void fz_libfuzzer_death(void) __asm__("_ZN6fuzzer6Fuzzer19StaticDeathCallbackEv")
	__attribute__((weak));
void __ubsan_on_report(void);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const struct fz_live *volatile live; /* the run being watched, or NULL */
static volatile unsigned long runs; /* moves at every fz_live_begin */
static unsigned watchdog = 60;
static bool installed;
static bool watched; /* a fuzzer or the replay program runs the inputs: arm the watchdog */
static char ubsan_what[160]; /* the last UBSan report, as a signature's WHAT */

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
static struct sigaction previous[NSIG];

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Print the watched run's report with this check, then stop watching. */
static void __attribute__((format(printf, 3, 4)))
die(const char *check, const char *what, const char *fmt, ...)
{
	const struct fz_live *l = live;
	struct fz_failure f;
	const char *op;
	va_list ap;

	if (!l)
		return;
	live = NULL;
	op = l->op ? l->op(l->arg) : NULL;
	va_start(ap, fmt);
	vsnprintf(f.detail, sizeof(f.detail), fmt, ap);
	va_end(ap);
	fz_mark(&f, check, op ? op : "between-operations", what);
	fz_print_report(l->title, l->body, l->arg, &f);
}

static void on_assert(const char *expr, const char *file, int line)
{
	char what[96];

	snprintf(what, sizeof(what), "%s:%d", basename_of(file), line);
	die("assert", what, "a core assertion failed: %s (%s:%d)", expr, file, line);
}

void __ubsan_on_report(void)
{
	const char *kind = "", *message = "", *file = "";
	unsigned line = 0, col = 0;
	char *addr = NULL;

	if (!__ubsan_get_current_report_data)
		return;
	__ubsan_get_current_report_data(&kind, &message, &file, &line, &col, &addr);
	snprintf(ubsan_what, sizeof(ubsan_what), "%s:%s:%u", kind, basename_of(file), line);
}

static void on_sanitizer_death(void)
{
	if (__asan_report_present && __asan_report_present()) {
		const char *descr = __asan_get_report_description();
		char fn[96] = "", what[160];

		if (__sanitizer_symbolize_pc)
			__sanitizer_symbolize_pc(__asan_get_report_pc(), "%f", fn, sizeof(fn));
		snprintf(what, sizeof(what), "%s:%s", descr ? descr : "error", fn[0] ? fn : "?");
		die("asan", what, "AddressSanitizer: %s in %s (its report is above)",
		    descr ? descr : "error", fn[0] ? fn : "an unknown function");
	} else if (ubsan_what[0]) {
		die("ubsan", ubsan_what, "UndefinedBehaviorSanitizer: %s (its report is above)",
		    ubsan_what);
	} else {
		die("sanitizer", "death", "a sanitizer ended the run (its report is above)");
	}
	if (fz_libfuzzer_death)
		fz_libfuzzer_death();
}

static void on_signal(int sig, siginfo_t *info, void *ctx)
{
	const struct sigaction *p = &previous[sig];
	char what[32];

	snprintf(what, sizeof(what), "%s", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	die("signal", what, "the run died of SIG%s (%s) at address %p", what, strsignal(sig),
	    info ? info->si_addr : NULL);
	if ((p->sa_flags & SA_SIGINFO) && p->sa_sigaction) {
		p->sa_sigaction(sig, info, ctx);
		return;
	}
	if (!(p->sa_flags & SA_SIGINFO) && p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN) {
		p->sa_handler(sig);
		return;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Once a second of CPU time: a run that has not ended for @watchdog of them is a timeout. */
static void on_tick(int sig)
{
	static unsigned long seen;
	static unsigned ticks;

	(void)sig;
	if (!live || seen != runs) {
		seen = runs;
		ticks = 0;
		return;
	}
	if (++ticks < watchdog)
		return;
	die("timeout", "watchdog", "one input ran for %u seconds of CPU time", watchdog);
	/* libFuzzer stops the run at its -timeout and saves it as a timeout: leave it to it. */
	if (!fz_libfuzzer_death)
		abort();
}

static void forget_after_fork(void)
{
	installed = false; /* a child inherits the handlers, not the timer */
}

static void install(void)
{
	static char alt_stack[1 << 16];
	struct itimerval tick = { { 1, 0 }, { 1, 0 } };
	struct sigaction sa;
	stack_t ss;
	static bool once;

	installed = true;
	if (!once) {
		once = true;
		pthread_atfork(NULL, NULL, forget_after_fork);
		sim_assert_hook = on_assert;
		if (__sanitizer_set_death_callback)
			__sanitizer_set_death_callback(on_sanitizer_death);
		/* Fatal signals run on a stack of their own, whichever stack the run was on. */
		if (!sigaltstack(NULL, &ss) && (ss.ss_flags & SS_DISABLE)) {
			ss = (stack_t){ .ss_sp = alt_stack, .ss_size = sizeof(alt_stack) };
			sigaltstack(&ss, NULL);
		}
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_signal;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
			sigaction(fatal_signals[i], &sa, &previous[fatal_signals[i]]);
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_tick;
		sa.sa_flags = SA_RESTART;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGPROF, &sa, NULL);
	}
	if (watched)
		setitimer(ITIMER_PROF, &tick, NULL);
}

/* The watchdog's seconds from the environment, when it says (a bad value stops the program). */
static void watchdog_from_env(void)
{
	const char *env = getenv("S2FUZZ_WATCHDOG_SECONDS");

	if (env && *env) {
		char *end;
		unsigned long v = strtoul(env, &end, 10);

		if (*end || !v || v > 86400) {
			fprintf(stderr, "s2fuzz: S2FUZZ_WATCHDOG_SECONDS='%s' is not 1 to 86400\n",
				env);
			exit(2);
		}
		watchdog = (unsigned)v;
	}
}

/*
 * libFuzzer and AFL++'s driver call this with the command line, and so does
 * the replay program: take -timeout from it, and arm the watchdog (a unit
 * test that runs inputs has none).
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	watched = true;
	for (int i = 1; i < *argc; i++) {
		const char *a = (*argv)[i];
		char *end;
		unsigned long v;

		if (strncmp(a, "-timeout=", 9))
			continue;
		v = strtoul(a + 9, &end, 10);
		if (!*end && v)
			watchdog = v > 2 ? (unsigned)(v / 2) : 1;
	}
	watchdog_from_env(); /* the environment says last */
	return 0;
}

void fz_live_begin(const struct fz_live *l)
{
	if (!installed)
		install();
	ubsan_what[0] = '\0';
	runs++;
	live = l;
}

void fz_live_end(void)
{
	live = NULL;
}
