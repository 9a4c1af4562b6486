// SPDX-License-Identifier: MIT
/* The CPUs el2 runs on (el2/cpus.h). */
#include <stddef.h>

#include "el2/boot.h"
#include "el2/console.h"
#include "el2/cpus.h"
#include "el2/hyp.h"
#include "el2/libc.h"
#include "el2/mm.h"
#include "el2/power.h"
#include "el2/sysreg.h"

#define MPIDR_AFFINITY 0xff00ffffffULL
#define PSCI_RET_ALREADY_ON	   (-4)
#define PSCI_RET_ON_PENDING	   (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)

_Static_assert(offsetof(struct el2_cpu, mair) == EL2_CPU_MAIR, "EL2_CPU_MAIR");
_Static_assert(offsetof(struct el2_cpu, tcr) == EL2_CPU_TCR, "EL2_CPU_TCR");
_Static_assert(offsetof(struct el2_cpu, ttbr0) == EL2_CPU_TTBR0, "EL2_CPU_TTBR0");
_Static_assert(offsetof(struct el2_cpu, sctlr) == EL2_CPU_SCTLR, "EL2_CPU_SCTLR");
_Static_assert(offsetof(struct el2_cpu, vbar) == EL2_CPU_VBAR, "EL2_CPU_VBAR");
_Static_assert(offsetof(struct el2_cpu, stack_top) == EL2_CPU_STACK, "EL2_CPU_STACK");

static struct el2_cpu cpus[EL2_MAX_CPUS];
static u8 stacks[EL2_MAX_CPUS][EL2_CPU_STACK_SIZE] __attribute__((aligned(16)));
/* Guards cpus[]' states against two CPU_ONs at once. */
static struct el2_lock cpus_lock;

void el2_lock(struct el2_lock *l)
{
	u32 ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		__asm__ volatile("yield" : : : "memory");
}

void el2_unlock(struct el2_lock *l)
{
	__atomic_store_n(&l->owner, __atomic_load_n(&l->owner, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELEASE);
}

void el2_read_lock(struct el2_rwlock *l)
{
	for (;;) {
		u32 s = __atomic_load_n(&l->state, __ATOMIC_RELAXED);

		if (s & EL2_RW_WRITER)
			__asm__ volatile("yield" : : : "memory");
		else if (__atomic_compare_exchange_n(&l->state, &s, s + 1, false,
						     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
	}
}

void el2_read_unlock(struct el2_rwlock *l)
{
	__atomic_fetch_sub(&l->state, 1, __ATOMIC_RELEASE);
}

void el2_write_lock(struct el2_rwlock *l)
{
	el2_lock(&l->writers);
	__atomic_fetch_or(&l->state, EL2_RW_WRITER, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->state, __ATOMIC_ACQUIRE) != EL2_RW_WRITER)
		__asm__ volatile("yield" : : : "memory");
}

void el2_write_unlock(struct el2_rwlock *l)
{
	__atomic_fetch_and(&l->state, ~EL2_RW_WRITER, __ATOMIC_RELEASE);
	el2_unlock(&l->writers);
}

struct el2_cpu *el2_this_cpu(void)
{
	return (struct el2_cpu *)(uintptr_t)read_sysreg(tpidr_el2);
}

void el2_cpus_init(void)
{
	struct el2_cpu *c = &cpus[0];

	*c = (struct el2_cpu){
		.mpidr = read_sysreg(mpidr_el1) & MPIDR_AFFINITY,
		.stack_top = (u64)(uintptr_t)boot_stack_top,
		.state = EL2_CPU_ON,
	};
	write_sysreg((u64)(uintptr_t)c, tpidr_el2);
}

/* The record for @mpidr: its own, or a new one; NULL if none is left. */
static struct el2_cpu *record_of(u64 mpidr)
{
	struct el2_cpu *free_slot = NULL;

	for (u32 i = 0; i < EL2_MAX_CPUS; i++) {
		if (cpus[i].state != EL2_CPU_UNUSED && cpus[i].mpidr == mpidr)
			return &cpus[i];
		if (cpus[i].state == EL2_CPU_UNUSED && !free_slot)
			free_slot = &cpus[i];
	}
	return free_slot;
}

s64 el2_cpu_on(u64 fn, u64 mpidr, u64 entry, u64 context)
{
	struct el2_cpu *c;
	enum el2_cpu_state was;
	u64 x[18] = { 0 };
	u32 i;

	if (fn == PSCI_CPU_ON) { /* the SMC32 call: its arguments are 32 bits wide */
		mpidr &= 0xffffffffULL;
		entry &= 0xffffffffULL;
		context &= 0xffffffffULL;
	}
	mpidr &= MPIDR_AFFINITY;
	el2_lock(&cpus_lock);
	c = record_of(mpidr);
	if (!c || c->state == EL2_CPU_ON || c->state == EL2_CPU_STARTING) {
		el2_unlock(&cpus_lock);
		if (!c)
			return PSCI_RET_INTERNAL_FAILURE;
		return c->state == EL2_CPU_ON ? PSCI_RET_ALREADY_ON : PSCI_RET_ON_PENDING;
	}
	was = c->state;
	i = (u32)(c - cpus);
	*c = (struct el2_cpu){
		.mair = read_sysreg(mair_el2),
		.tcr = read_sysreg(tcr_el2),
		.ttbr0 = read_sysreg(ttbr0_el2),
		.sctlr = read_sysreg(sctlr_el2),
		.vbar = read_sysreg(vbar_el2),
		.stack_top = (u64)(uintptr_t)(stacks[i] + EL2_CPU_STACK_SIZE),
		.host_entry = entry,
		.host_context = context,
		.mpidr = mpidr,
		.index = i,
		.state = EL2_CPU_STARTING,
		.host_aborts = c->host_aborts,
	};
	/* It reads its record with the MMU off: from memory, not our caches. */
	dcache_clean_range((u64)(uintptr_t)c, (u64)(uintptr_t)(c + 1));
	el2_unlock(&cpus_lock);

	/*
	 * The image is mapped at VA = PA: these addresses are physical too,
	 * and may lie above 4 GiB, so the firmware gets the SMC64 call.
	 */
	x[0] = PSCI_CPU_ON64;
	x[1] = mpidr;
	x[2] = (u64)(uintptr_t)el2_secondary_entry;
	x[3] = (u64)(uintptr_t)c;
	el2_smc_call(x);
	if (x[0]) {
		/* A record taken for a CPU the firmware would not start is free again. */
		el2_lock(&cpus_lock);
		c->state = was == EL2_CPU_UNUSED ? EL2_CPU_UNUSED : EL2_CPU_OFF;
		el2_unlock(&cpus_lock);
	}
	return (s64)x[0];
}

void el2_cpu_off(u64 *x)
{
	struct el2_cpu *c = el2_this_cpu();

	el2_lock(&cpus_lock);
	c->state = EL2_CPU_OFF;
	el2_unlock(&cpus_lock);
	el2_smc_call(x);
	/* CPU_OFF returns only when the firmware refused. */
	el2_lock(&cpus_lock);
	c->state = EL2_CPU_ON;
	el2_unlock(&cpus_lock);
}

void el2_cpus_print(void)
{
	for (u32 i = 0; i < EL2_MAX_CPUS; i++) {
		const struct el2_cpu *c = &cpus[i];

		if (c->state == EL2_CPU_UNUSED)
			continue;
		console_printf("s2fuzz el2: CPU %u: %llu host aborts served (MPIDR 0x%llx)\n", i,
			       (unsigned long long)c->host_aborts, (unsigned long long)c->mpidr);
	}
}

void el2_secondary_main(struct el2_cpu *c)
{
	el2_host_controls();
	el2_lock(&cpus_lock);
	c->state = EL2_CPU_ON;
	el2_unlock(&cpus_lock);
	console_printf("s2fuzz el2: CPU %u (MPIDR 0x%llx) at EL2, MMU on; entering the host at "
		       "0x%llx\n",
		       c->index, (unsigned long long)c->mpidr, (unsigned long long)c->host_entry);
	el2_enter_host(c->host_entry, c->host_context, c->stack_top);
}
