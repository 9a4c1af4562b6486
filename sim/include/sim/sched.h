/* SPDX-License-Identifier: MIT */
/*
 * Simulated vCPUs as coroutines in one OS thread (ucontext), so the fuzz
 * input, not the host scheduler, decides the interleaving of shared walks
 * (SPEC §9) and every run of an input is the same run. A vCPU gives up the
 * processor only at a scheduling point (sim_sched_point), which the harness
 * calls from the platform's hooks before each shared-walk load,
 * compare-and-swap and store to an entry other walkers can see. At each
 * point one scheduling byte names the vCPU that continues (modulo the
 * number of vCPUs; a finished one passes to the next unfinished in order);
 * once the bytes run out the vCPUs take turns.
 */
#ifndef SIM_SCHED_H
#define SIM_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <ucontext.h>

/* A switch buffer: __builtin_setjmp's five words on x86-64, else a jmp_buf. */
#if defined(__x86_64__)
typedef void *sim_jmp_buf[5];
#else
typedef jmp_buf sim_jmp_buf;
#endif

#define SIM_MAX_VCPUS 4

typedef void (*sim_vcpu_fn)(void *arg, unsigned vcpu);

struct sim_vcpu {
	ucontext_t ctx; /* its first entry */
	sim_jmp_buf jb;	/* where it stopped, once started */
	bool started, done;
	bool fresh; /* started, not yet at its first scheduling point */
	void *stack;
	void *fake_stack; /* AddressSanitizer's, saved across a switch */
};

struct sim_sched {
	unsigned nr;
	struct sim_vcpu vcpu[SIM_MAX_VCPUS];
	sim_jmp_buf main;
	int cur; /* the running vCPU, -1 when none (before and after run) */
	const uint8_t *bytes;
	size_t len, pos;
	uint64_t points; /* scheduling points so far */
	sim_vcpu_fn body;
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
void sim_sched_run(struct sim_sched *s, unsigned nr, const uint8_t *bytes, size_t len,
		   sim_vcpu_fn body, void *arg);

/* A scheduling point, called on a vCPU's stack: another vCPU may run first. */
void sim_sched_point(struct sim_sched *s);

/* Is every vCPU but the running one finished? */
bool sim_sched_alone(const struct sim_sched *s);

#endif /* SIM_SCHED_H */
