/* SPDX-License-Identifier: MIT */
/*
 * Simulated vCPUs as coroutines in one OS thread (ucontext), so the fuzz
 * input, not the host scheduler, decides the interleaving of shared walks
 * (SPEC §9) and every run of an input is the same run. A vCPU gives up the
 * processor only at a scheduling point (par_sched_point), which the harness
 * calls from the platform's hooks before each shared-walk load and
 * compare-and-swap. At each point one scheduling byte names the vCPU that
 * continues (modulo the number of vCPUs; a finished one passes to the next
 * unfinished in order); once the bytes run out the vCPUs take turns.
 */
#ifndef FUZZ_PARALLEL_SCHED_H
#define FUZZ_PARALLEL_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <ucontext.h>

/* A switch buffer: __builtin_setjmp's five words on x86-64, else a jmp_buf. */
#if defined(__x86_64__)
typedef void *par_jmp_buf[5];
#else
typedef jmp_buf par_jmp_buf;
#endif

#define PAR_MAX_VCPUS 4

typedef void (*par_body_fn)(void *arg, unsigned vcpu);

struct par_vcpu {
	ucontext_t ctx; /* its first entry */
	par_jmp_buf jb;	/* where it stopped, once started */
	bool started, done;
	bool fresh; /* started, not yet at its first scheduling point */
	void *stack;
	void *fake_stack; /* AddressSanitizer's, saved across a switch */
};

struct par_sched {
	unsigned nr;
	struct par_vcpu vcpu[PAR_MAX_VCPUS];
	par_jmp_buf main;
	int cur; /* the running vCPU, -1 when none (before and after run) */
	const uint8_t *bytes;
	size_t len, pos;
	uint64_t points; /* scheduling points so far */
	par_body_fn body;
	void *arg;
	/* AddressSanitizer: the main stack, to switch back to when a vCPU ends. */
	const void *main_bottom;
	size_t main_size;
	bool from_main;
};

/*
 * Run @body(@arg, v) for every vCPU v < @nr as coroutines until all have
 * returned, scheduled by @bytes. Returns when every vCPU is done.
 */
void par_sched_run(struct par_sched *s, unsigned nr, const uint8_t *bytes, size_t len,
		   par_body_fn body, void *arg);

/* A scheduling point, called on a vCPU's stack: another vCPU may run first. */
void par_sched_point(struct par_sched *s);

/* Is every vCPU but the running one finished? */
bool par_sched_alone(const struct par_sched *s);

#endif /* FUZZ_PARALLEL_SCHED_H */
