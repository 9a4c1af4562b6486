// SPDX-License-Identifier: MIT
/*
 * The coroutine scheduler behind fuzz_parallel. vCPUs switch to each other
 * directly at scheduling points; a vCPU that finishes returns to the main
 * context, which starts or resumes the next one. Under AddressSanitizer
 * every switch is announced (start/finish_switch_fiber) so it keeps track
 * of which stack is live.
 */
#define _GNU_SOURCE /* ucontext */
#include "parallel_sched.h"

#include <stdlib.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PAR_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PAR_ASAN 1
#endif

#ifdef PAR_ASAN
#include <sanitizer/common_interface_defs.h>
#define switch_start(save, bottom, size)  __sanitizer_start_switch_fiber(save, bottom, size)
#define switch_finish(save, bottom, size) __sanitizer_finish_switch_fiber(save, bottom, size)
#else
#define switch_start(save, bottom, size)  ((void)(save), (void)(bottom), (void)(size))
#define switch_finish(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#endif

/* ASan's frames are large; the core's walk recursion is four levels deep. */
#define PAR_STACK_SIZE (512U << 10)

/* makecontext passes no pointer portably: the scheduler being run. */
static struct par_sched *running;

/* The vCPU that goes next: the byte's choice, or the one after @from. */
static int pick(struct par_sched *s, int from)
{
	unsigned want = s->pos < s->len ? s->bytes[s->pos++] % s->nr : (unsigned)(from + 1) % s->nr;

	for (unsigned i = 0; i < s->nr; i++) {
		unsigned v = (want + i) % s->nr;

		if (!s->vcpu[v].done)
			return (int)v;
	}
	return -1;
}

bool par_sched_alone(const struct par_sched *s)
{
	for (unsigned v = 0; v < s->nr; v++)
		if ((int)v != s->cur && !s->vcpu[v].done)
			return false;
	return true;
}

/* Back on a vCPU's stack after a switch: note the main stack if we came from it. */
static void arrived(struct par_sched *s, void *fake_stack)
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

static void vcpu_entry(void)
{
	struct par_sched *s = running;
	unsigned v = (unsigned)s->cur;

	arrived(s, NULL);
	s->vcpu[v].fresh = true;
	s->body(s->arg, v);
	s->vcpu[v].done = true;
	/* This stack dies: nothing to save; uc_link takes us to main. */
	switch_start(NULL, s->main_bottom, s->main_size);
}

void par_sched_point(struct par_sched *s)
{
	int from = s->cur, to;
	struct par_vcpu *f = &s->vcpu[from], *t;

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
	switch_start(&f->fake_stack, t->stack, t->stack_size);
	if (swapcontext(&f->ctx, &t->ctx))
		abort();
	arrived(s, f->fake_stack);
}

static void vcpu_prepare(struct par_sched *s, struct par_vcpu *c)
{
	if (!c->stack) {
		c->stack_size = PAR_STACK_SIZE;
		c->stack = malloc(c->stack_size);
		if (!c->stack)
			abort();
	}
	c->done = false;
	c->fake_stack = NULL;
	if (getcontext(&c->ctx))
		abort();
	c->ctx.uc_stack.ss_sp = c->stack;
	c->ctx.uc_stack.ss_size = c->stack_size;
	c->ctx.uc_link = &s->main;
	makecontext(&c->ctx, vcpu_entry, 0);
}

void par_sched_run(struct par_sched *s, unsigned nr, const uint8_t *bytes, size_t len,
		   par_body_fn body, void *arg)
{
	void *main_fake = NULL;
	int next;

	s->nr = nr < PAR_MAX_VCPUS ? nr : PAR_MAX_VCPUS;
	s->bytes = bytes;
	s->len = bytes ? len : 0;
	s->pos = 0;
	s->points = 0;
	s->body = body;
	s->arg = arg;
	for (unsigned v = 0; v < s->nr; v++)
		vcpu_prepare(s, &s->vcpu[v]);
	running = s;
	/* The first choice is a scheduling point too: who starts. */
	s->cur = -1;
	while ((next = pick(s, s->cur)) >= 0) {
		struct par_vcpu *t = &s->vcpu[next];

		s->cur = next;
		s->from_main = true;
		switch_start(&main_fake, t->stack, t->stack_size);
		if (swapcontext(&s->main, &t->ctx))
			abort();
		switch_finish(main_fake, NULL, NULL);
	}
	s->cur = -1;
	running = NULL;
}
