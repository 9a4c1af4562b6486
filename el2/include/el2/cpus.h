/* SPDX-License-Identifier: MIT */
/*
 * The CPUs el2 runs on (docs/el2.md, "Several CPUs"). The boot CPU is CPU 0.
 * The host starts the others with PSCI CPU_ON: el2 takes the call, asks the
 * firmware to start the CPU at el2_secondary_entry (boot/secondary.S) at EL2
 * with its own stack, turns on its EL2 MMU with the same hyp stage-1,
 * installs the same host stage-2 and enters the host's entry point at EL1
 * with the host's context id. TPIDR_EL2 points at the running CPU's record.
 */
#ifndef EL2_CPUS_H
#define EL2_CPUS_H

#define EL2_MAX_CPUS	   16
#define EL2_CPU_STACK_SIZE (32 * 1024) /* the boot CPU's too (BOOT_STACK_SIZE) */

/* struct el2_cpu's first fields, read by boot/secondary.S with the MMU off. */
#define EL2_CPU_MAIR  0
#define EL2_CPU_TCR   8
#define EL2_CPU_TTBR0 16
#define EL2_CPU_SCTLR 24
#define EL2_CPU_VBAR  32
#define EL2_CPU_STACK 40

#ifndef __ASSEMBLER__
#include "core/types.h"

enum el2_cpu_state {
	EL2_CPU_UNUSED,	 /* no CPU_ON named it yet */
	EL2_CPU_OFF,	 /* turned off, or its start failed */
	EL2_CPU_STARTING, /* CPU_ON forwarded, not yet in the host */
	EL2_CPU_ON,
};

struct el2_cpu {
	/* EL2's registers, as the boot CPU has them: cleaned to memory for the entry. */
	u64 mair, tcr, ttbr0, sctlr, vbar, stack_top;
	/* Where the host wants it to start (CPU_ON's entry point and context id). */
	u64 host_entry, host_context;
	u64 mpidr;
	u32 index;
	enum el2_cpu_state state;
	u64 host_aborts; /* host stage-2 aborts it served (written by this CPU only) */
};

/* A ticket lock: el2's state is shared by every CPU that traps into it. */
struct el2_lock {
	u32 next, owner;
};

void el2_lock(struct el2_lock *l);
void el2_unlock(struct el2_lock *l);

/*
 * Many readers or one writer: host aborts take it shared, as shared walks
 * (docs/semantics.md S46); everything else takes it exclusive. A waiting
 * writer holds new readers off, so a stream of aborts cannot starve it.
 */
struct el2_rwlock {
	struct el2_lock writers;
	u32 state; /* EL2_RW_WRITER, plus the readers inside */
};

#define EL2_RW_WRITER 0x80000000U

void el2_read_lock(struct el2_rwlock *l);
void el2_read_unlock(struct el2_rwlock *l);
void el2_write_lock(struct el2_rwlock *l);
void el2_write_unlock(struct el2_rwlock *l);

/* The boot CPU's record, set up before the host first runs. */
void el2_cpus_init(void);

/* The record of the CPU running this. */
struct el2_cpu *el2_this_cpu(void);

/*
 * PSCI CPU_ON from the host (@fn is the SMC32 or SMC64 function id): starts
 * @mpidr in el2, to enter the host at @entry with @context. Returns the PSCI
 * status the host gets: the firmware's, or ALREADY_ON for a CPU el2 runs,
 * ON_PENDING for one it is starting, INTERNAL_FAILURE with no record left.
 */
s64 el2_cpu_on(u64 fn, u64 mpidr, u64 entry, u64 context);

/* PSCI CPU_OFF from the host: marks this CPU off, then asks the firmware. */
void el2_cpu_off(u64 *x);

/* One line per CPU el2 has run on: its MPIDR and the host aborts it served. */
void el2_cpus_print(void);

/* Called by boot/secondary.S on a started CPU, its MMU on. */
void el2_secondary_main(struct el2_cpu *c) __attribute__((noreturn));

/* boot/secondary.S: where the firmware starts a CPU for el2 (x0 = its record). */
extern char el2_secondary_entry[];
#endif

#endif /* EL2_CPUS_H */
