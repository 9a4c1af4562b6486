// SPDX-License-Identifier: MIT
/*
 * The simulated machine's vCPUs (sim/sched.h), as fuzz_parallel runs
 * them: coroutines in one thread. vCPUs switch to each other
 * directly at scheduling points; a vCPU that finishes jumps back to the main
 * context, which starts or resumes the next one. A vCPU's first entry goes
 * through its ucontext (makecontext gives it its own stack); every switch
 * after that is a _setjmp/_longjmp pair, which unlike swapcontext makes no
 * system call to save the signal mask (there are thousands of switches per
 * input). Under AddressSanitizer every switch is announced
 * (start/finish_switch_fiber) so it keeps track of which stack is live.
 */
#define _GNU_SOURCE /* ucontext */
#undef _FORTIFY_SOURCE /* longjmp_chk refuses jumps to another stack */
#include "sim/sched.h"
#include "sim_internal.h"

#include <stdlib.h>


#ifdef SIM_ASAN
#include <sanitizer/common_interface_defs.h>
#define switch_start(save, bottom, size)  __sanitizer_start_switch_fiber(save, bottom, size)
#define switch_finish(save, bottom, size) __sanitizer_finish_switch_fiber(save, bottom, size)
#define SIM_NO_ASAN __attribute__((no_sanitize_address))
#else
#define SIM_NO_ASAN
#define switch_start(save, bottom, size)  ((void)(save), (void)(bottom), (void)(size))
#define switch_finish(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#endif

/*
 * The compiler's own setjmp/longjmp where it has them (they are not library
 * calls, so AddressSanitizer does not intercept them); the C library's
 * elsewhere.
 */
#if defined(__x86_64__)
#define sim_setjmp(buf)	 __builtin_setjmp(buf)
#define sim_longjmp(buf) __builtin_longjmp(buf, 1)
#else
#define sim_setjmp(buf)	 _setjmp(buf)
#define sim_longjmp(buf) _longjmp(buf, 1)
#endif

/* ASan's frames are large; the core's walk recursion is four levels deep. */
#define SIM_STACK_SIZE (512U << 10)

/* makecontext passes no pointer portably: the scheduler being run. */
static struct sim_sched *running;

/* The vCPU that goes next: the byte's choice, or the one after @from. */
static int pick(struct sim_sched *s, int from)
{
	unsigned want = s->pos < s->len ? s->bytes[s->pos++] % s->nr : (unsigned)(from + 1) % s->nr;

	for (unsigned i = 0; i < s->nr; i++) {
		unsigned v = (want + i) % s->nr;

		if (!s->vcpu[v].done)
			return (int)v;
	}
	return -1;
}

bool sim_sched_alone(const struct sim_sched *s)
{
	for (unsigned v = 0; v < s->nr; v++)
		if ((int)v != s->cur && !s->vcpu[v].done)
			return false;
	return true;
}

/* Back on a vCPU's stack after a switch: note the main stack if we came from it. */
static void arrived(struct sim_sched *s, void *fake_stack)
{
	const void *bottom = NULL;
	size_t size = 0;

	switch_finish(fake_stack, &bottom, &size);
	if (s->from_main) {
		s->main_bottom = bottom;
		s->main_size = size;
		s->from_main = false;
	}
}

/*
 * Continue vCPU @t where it stopped, or start it; it does not return.
 * Not instrumented: AddressSanitizer precedes every jump that does not
 * return with a stack unpoisoning that costs a system call, and the fiber
 * annotations already tell it which stack is live.
 */
SIM_NO_ASAN static void enter(struct sim_vcpu *t)
{
	if (t->started)
		sim_longjmp(t->jb);
	t->started = true;
	setcontext(&t->ctx);
	abort();
}

/*
 * Save where we are in @jb and run @t; returns when a vCPU jumps back to @jb.
 * The setjmp has a frame of its own with nothing live after its second return
 * but the way out. In the caller's frame a value kept in a stack slot across
 * the setjmp could come back changed: the compiler does not know the jump
 * returns there and may reuse or update the slot on the way to enter(), which
 * does not return. Clang 19 under MemorySanitizer did that (it added t's offset
 * into the slot holding &s->vcpu[0], and the next pick read the wrong vCPU:
 * fuzz_parallel died in setcontext on its seeds).
 */
SIM_NO_ASAN __attribute__((noinline)) static void save_and_enter(sim_jmp_buf jb,
								  struct sim_vcpu *t)
{
	if (!sim_setjmp(jb))
		enter(t);
}

static void vcpu_entry(void)
{
	struct sim_sched *s = running;
	unsigned v = (unsigned)s->cur;

	/* Its fake stack from the previous run, if any (see below). */
	arrived(s, s->vcpu[v].fake_stack);
	s->vcpu[v].fresh = true;
	s->body(s->arg, v);
	s->vcpu[v].done = true;
	/*
	 * Keep its fake stack (AddressSanitizer's, for stack-use-after-return,
	 * on by default since LLVM 15) for its next run rather than let the
	 * switch destroy it: making one for every vCPU of every input cost an
	 * mmap and a munmap each, and fuzz_parallel ran ten times slower under
	 * clang 16 and 19 than under 14. Every frame on it has returned.
	 */
	switch_start(&s->vcpu[v].fake_stack, s->main_bottom, s->main_size);
	sim_longjmp(s->main);
}

/* Not instrumented, as enter(): the return from setjmp would unpoison too. */
SIM_NO_ASAN void sim_sched_point(struct sim_sched *s)
{
	int from = s->cur, to;
	struct sim_vcpu *f = &s->vcpu[from], *t;

	s->points++;
	/* Whoever switched here already chose this vCPU for its first access. */
	if (f->fresh) {
		f->fresh = false;
		return;
	}
	to = pick(s, from);
	if (to == from)
		return;
	t = &s->vcpu[to];
	s->cur = to;
	switch_start(&f->fake_stack, t->stack, SIM_STACK_SIZE);
	save_and_enter(f->jb, t);
	arrived(s, f->fake_stack);
}

static void vcpu_prepare(struct sim_vcpu *c)
{
	if (!c->stack && !(c->stack = malloc(SIM_STACK_SIZE)))
		abort();
	c->done = c->started = false;
	/* c->fake_stack stays: vcpu_entry takes it up again. */
	if (getcontext(&c->ctx))
		abort();
	c->ctx.uc_stack.ss_sp = c->stack;
	c->ctx.uc_stack.ss_size = SIM_STACK_SIZE;
	c->ctx.uc_link = NULL; /* vcpu_entry never returns */
	makecontext(&c->ctx, vcpu_entry, 0);
}

SIM_NO_ASAN void sim_sched_run(struct sim_sched *s, unsigned nr, const uint8_t *bytes, size_t len,
		   sim_vcpu_fn body, void *arg)
{
	void *main_fake = NULL;
	int next;

	s->nr = nr < SIM_MAX_VCPUS ? nr : SIM_MAX_VCPUS;
	s->bytes = bytes;
	s->len = bytes ? len : 0;
	s->pos = 0;
	s->points = 0;
	s->body = body;
	s->arg = arg;
	for (unsigned v = 0; v < s->nr; v++)
		vcpu_prepare(&s->vcpu[v]);
	running = s;
	/* The first choice is a scheduling point too: who starts. */
	s->cur = -1;
	while ((next = pick(s, s->cur)) >= 0) {
		struct sim_vcpu *t = &s->vcpu[next];

		s->cur = next;
		s->from_main = true;
		switch_start(&main_fake, t->stack, SIM_STACK_SIZE);
		save_and_enter(s->main, t);
		switch_finish(main_fake, NULL, NULL);
	}
	s->cur = -1;
	running = NULL;
}
