// SPDX-License-Identifier: MIT
/*
 * Traps from the host (boot/vectors.S calls el2_trap): hypercalls go to the
 * SPEC §12 dispatcher, stage-2 aborts to host_mem_abort (SPEC §6), SMCs to
 * the firmware when they are PSCI calls the host may make. Anything else is
 * unexpected: the EL2 state is printed and the machine stops with a failure.
 */
#include "core/hvc.h"
#include "el2/console.h"
#include "el2/diffmode.h"
#include "el2/host_info.h"
#include "el2/hyp.h"
#include "el2/libc.h"
#include "el2/mm.h"
#include "el2/power.h"
#include "el2/sysreg.h"

#define VECTOR_LOWER_SYNC 8

struct el2_counters el2_counters;
struct el2_rwlock el2_state_lock;

void el2_state_exclusive(void)
{
	el2_write_lock(&el2_state_lock);
	el2_mm_free_deferred();
}

void el2_state_exclusive_end(void)
{
	el2_write_unlock(&el2_state_lock);
}

void el2_free_deferred_tables(void)
{
	if (el2_mm_has_deferred()) {
		el2_state_exclusive(); /* frees them */
		el2_state_exclusive_end();
	}
}

static const char *const vector_names[16] = {
	"sync (EL2, SP0)",  "irq (EL2, SP0)",  "fiq (EL2, SP0)",  "serror (EL2, SP0)",
	"sync (EL2)",	    "irq (EL2)",       "fiq (EL2)",	  "serror (EL2)",
	"sync (host)",	    "irq (host)",      "fiq (host)",	  "serror (host)",
	"sync (AArch32)",   "irq (AArch32)",   "fiq (AArch32)",	  "serror (AArch32)",
};

static void __attribute__((noreturn)) unexpected(const struct el2_regs *r, u64 vector,
						 const char *why)
{
	console_printf("\ns2fuzz el2: unexpected exception: %s%s%s\n", vector_names[vector & 15],
		       why ? ": " : "", why ? why : "");
	console_printf("  ESR_EL2 %016llx  FAR_EL2 %016llx  HPFAR_EL2 %016llx\n",
		       (unsigned long long)read_sysreg(esr_el2),
		       (unsigned long long)read_sysreg(far_el2),
		       (unsigned long long)read_sysreg(hpfar_el2));
	console_printf("  ELR_EL2 %016llx  SPSR_EL2 %016llx\n",
		       (unsigned long long)read_sysreg(elr_el2),
		       (unsigned long long)read_sysreg(spsr_el2));
	for (u32 i = 0; i < 31; i++)
		console_printf("  x%-2u %016llx%s", i, (unsigned long long)r->x[i],
			       i % 3 == 2 ? "\n" : "");
	console_printf("\n");
	power_off(false);
}

/*
 * Give the host a synchronous external abort for the access that just
 * trapped, as the architecture would have delivered it at EL1: ESR_EL1 and
 * FAR_EL1 describe it, ELR_EL1 and SPSR_EL1 hold where it came from, and the
 * host resumes at its own vector with every interrupt masked.
 */
static void inject_external_abort(u64 esr, u64 far)
{
	u64 spsr = read_sysreg(spsr_el2), from_el0 = (spsr & 0xf) == 0;
	u64 ec = ESR_EC(esr) == ESR_EC_IABT_LOW ? ESR_EC_IABT_CUR : ESR_EC_DABT_CUR;
	u64 vector = from_el0 ? 0x400 : 0x200;

	if (from_el0)
		ec = ESR_EC(esr) == ESR_EC_IABT_LOW ? ESR_EC_IABT_LOW : ESR_EC_DABT_LOW;
	write_sysreg((ec << ESR_EC_SHIFT) | (esr & ESR_IL) | ESR_FSC_EXTABT, esr_el1);
	write_sysreg(far, far_el1);
	write_sysreg(read_sysreg(elr_el2), elr_el1);
	write_sysreg(spsr, spsr_el1);
	write_sysreg(read_sysreg(vbar_el1) + vector, elr_el2);
	write_sysreg(0x3c5, spsr_el2); /* EL1h, DAIF masked */
}

static u32 leaf_level_at(u64 addr)
{
	pte_t e;
	u32 level;

	if (pgt_get_leaf(&el2_pkvm.host_s2, addr, &e, &level) || !(e & PTE_VALID))
		return 0;
	return level;
}

/* @was_mapped: a valid leaf mapped @ipa before the abort's walk (another CPU's). */
static void count_abort(u64 ipa, int ret, bool was_mapped)
{
	u64 *c = NULL;

	if (ret == 0 && was_mapped)
		c = &el2_counters.aborts_spurious;
	else if (ret == 0)
		c = &el2_counters.aborts_mapped[leaf_level_at(ipa)];
	else if (ret == -CORE_EAGAIN)
		c = &el2_counters.aborts_retried;
	else if (ret == -CORE_EPERM || ret == -CORE_EINVAL)
		c = &el2_counters.aborts_refused;
	if (c)
		__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

static void host_abort(u64 esr)
{
	u64 fsc = ESR_FSC(esr), far = read_sysreg(far_el2);
	u64 ipa = (read_sysreg(hpfar_el2) >> 4) << 12;
	bool was_mapped;
	int ret = 0;

	/* Translation faults (FSC 0b0001LL) are the lazy identity map's business. */
	if ((fsc & 0x3c) != 0x04) {
		console_printf("s2fuzz el2: host abort with fault status 0x%llx at 0x%llx: "
			       "injected\n",
			       (unsigned long long)fsc, (unsigned long long)ipa);
		inject_external_abort(esr, far);
		return;
	}
	el2_this_cpu()->host_aborts++;
	if (!el2_diff_on()) {
		/* Beside other CPUs' aborts, as shared walks (docs/semantics.md S46). */
		el2_read_lock(&el2_state_lock);
		if ((__atomic_load_n(&el2_state_lock.state, __ATOMIC_RELAXED) & ~EL2_RW_WRITER) > 1)
			__atomic_fetch_add(&el2_counters.aborts_beside, 1, __ATOMIC_RELAXED);
		was_mapped = leaf_level_at(ipa) != 0;
		ret = pkvm_host_mem_abort_shared(&el2_pkvm, ipa);
		count_abort(ipa, ret, was_mapped);
		el2_read_unlock(&el2_state_lock);
		el2_free_deferred_tables();
	}
	/*
	 * The differential mode's reference and checks follow one call at a
	 * time; and a shared abort's -ENOMEM may be another CPU's doing (it took
	 * the pages this one counted on), so it is asked again alone (S46).
	 */
	if (el2_diff_on() || ret == -CORE_ENOMEM) {
		el2_state_exclusive();
		was_mapped = leaf_level_at(ipa) != 0;
		ret = pkvm_host_mem_abort(&el2_pkvm, ipa);
		if (el2_diff_on())
			el2_diff_abort(ipa, ret);
		count_abort(ipa, ret, was_mapped);
		el2_state_exclusive_end();
	}
	/* Lost a race: the host's access runs again, and faults again if it must. */
	if (ret == 0 || ret == -CORE_EAGAIN)
		return;
	if (ret == -CORE_EPERM || ret == -CORE_EINVAL) {
		inject_external_abort(esr, far);
		return;
	}
	el2_panic("host abort at 0x%llx: host_mem_abort returned %d", (unsigned long long)ipa,
		  ret);
}

/* PSCI function numbers (SMC32 0x84000000 + n, SMC64 0xC4000000 + n) the host may call. */
static bool psci_allowed(u64 fn)
{
	u64 n;

	if (fn >= PSCI_0_2_FN(0) && fn <= PSCI_0_2_FN(0x1f))
		n = fn - PSCI_0_2_FN(0);
	else if (fn >= PSCI_0_2_FN64(0) && fn <= PSCI_0_2_FN64(0x1f))
		n = fn - PSCI_0_2_FN64(0);
	else
		return false;
	switch (n) {
	case 0:	 /* PSCI_VERSION */
	case 2:	 /* CPU_OFF: el2_cpu_off marks the CPU first */
	case 3:	 /* CPU_ON: el2_cpu_on starts the CPU in el2 */
	case 4:	 /* AFFINITY_INFO */
	case 6:	 /* MIGRATE_INFO_TYPE */
	case 7:	 /* MIGRATE_INFO_UP_CPU */
	case 8:	 /* SYSTEM_OFF */
	case 9:	 /* SYSTEM_RESET */
	case 10: /* PSCI_FEATURES */
	case 13: /* NODE_HW_STATE */
	case 18: /* SYSTEM_RESET2 */
		return true;
	default:
		/*
		 * CPU_SUSPEND, CPU_DEFAULT_SUSPEND and SYSTEM_SUSPEND would
		 * resume a CPU at an address the host chooses, at EL2; the rest
		 * (MIGRATE, CPU_FREEZE, MEM_PROTECT, ...) are not the host's.
		 */
		return false;
	}
}

static void print_counters(void)
{
	const struct el2_counters *c = &el2_counters;

	console_printf("s2fuzz el2: host aborts: %llu mapped (L1 %llu, L2 %llu, L3 %llu), "
		       "%llu spurious, %llu refused; %llu begun beside another CPU's, "
		       "%llu retried after a lost race; %llu hypercalls, %llu SMCs\n",
		       (unsigned long long)(c->aborts_mapped[1] + c->aborts_mapped[2] +
					    c->aborts_mapped[3]),
		       (unsigned long long)c->aborts_mapped[1],
		       (unsigned long long)c->aborts_mapped[2],
		       (unsigned long long)c->aborts_mapped[3],
		       (unsigned long long)c->aborts_spurious,
		       (unsigned long long)c->aborts_refused, (unsigned long long)c->aborts_beside,
		       (unsigned long long)c->aborts_retried,
		       (unsigned long long)c->hypercalls,
		       (unsigned long long)c->smcs);
}

static void host_smc(struct el2_regs *r)
{
	u64 fn = r->x[0] & 0xffffffffULL;

	__atomic_fetch_add(&el2_counters.smcs, 1, __ATOMIC_RELAXED);
	/* A trapped SMC returns to itself: step over it. */
	write_sysreg(read_sysreg(elr_el2) + 4, elr_el2);
	if (fn == PSCI_CPU_ON || fn == PSCI_CPU_ON64) {
		r->x[0] = (u64)el2_cpu_on(fn, r->x[1], r->x[2], r->x[3]);
		return;
	}
	if (fn == PSCI_CPU_OFF) {
		el2_cpu_off(r->x);
		return;
	}
	if (!psci_allowed(fn)) {
		r->x[0] = (u64)(s64)PSCI_RET_NOT_SUPPORTED;
		return;
	}
	if (fn == PSCI_FEATURES && !psci_allowed(r->x[1] & 0xffffffffULL)) {
		r->x[0] = (u64)(s64)PSCI_RET_NOT_SUPPORTED;
		return;
	}
	if (fn == PSCI_SYSTEM_OFF || fn == PSCI_SYSTEM_RESET || fn == PSCI_SYSTEM_RESET2 ||
	    fn == PSCI_SYSTEM_RESET2_64) {
		struct stage2_summary s;

		el2_state_exclusive();
		stage2_summarize(&el2_pkvm.host_s2, &s);
		stage2_print("at power-off", &s);
		print_counters();
		el2_cpus_print();
		el2_state_exclusive_end();
	}
	el2_smc_call(r->x);
}

static void el2_hvc_locked(struct el2_regs *r)
{
	/* el2's own calls are decoded as the dispatcher decodes: SVE hint ignored. */
	u64 id = pkvm_hvc_id_of(r->x[0]);
	struct pkvm_hvc_regs h;

	el2_counters.hypercalls++;
	if (id == EL2_HVC_ID(EL2_HVC_STAGE2_SUMMARY)) {
		struct stage2_summary s;

		stage2_summarize(&el2_pkvm.host_s2, &s);
		stage2_print("on request", &s);
		r->x[0] = 0;
		r->x[1] = s.leaves[1];
		r->x[2] = s.leaves[2];
		r->x[3] = s.leaves[3];
		r->x[4] = s.tables;
		return;
	}
	if (id == EL2_HVC_ID(EL2_HVC_DIFF_STATUS)) {
		el2_diff_status(r->x);
		return;
	}
	for (u32 i = 0; i < PKVM_HVC_NR_REGS; i++)
		h.x[i] = r->x[i];
	pkvm_hvc_handle(&el2_pkvm, &h);
	if (el2_diff_on())
		el2_diff_hvc(r->x, h.x);
	for (u32 i = 0; i < PKVM_HVC_NR_REGS; i++)
		r->x[i] = h.x[i];
}

static void el2_hvc(struct el2_regs *r)
{
	el2_state_exclusive();
	el2_hvc_locked(r);
	el2_state_exclusive_end();
}

void el2_trap(struct el2_regs *r, u64 vector)
{
	u64 esr;

	if (vector != VECTOR_LOWER_SYNC)
		unexpected(r, vector, NULL);
	esr = read_sysreg(esr_el2);
	switch (ESR_EC(esr)) {
	case ESR_EC_HVC64:
		el2_hvc(r);
		break;
	case ESR_EC_SMC64:
		host_smc(r);
		break;
	case ESR_EC_DABT_LOW:
	case ESR_EC_IABT_LOW:
		host_abort(esr);
		break;
	default:
		unexpected(r, vector, "a trap el2 does not handle");
	}
}
