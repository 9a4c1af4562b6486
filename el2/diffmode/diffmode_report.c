// SPDX-License-Identifier: MIT
/*
 * The report a difference ends with, laid out as the fuzzers' (fuzz_hvc):
 * the machine, the operations that led there (the last DM_TRACE of them,
 * with the boot options that replay the whole sequence), the check that
 * failed with the first differing entry in words, and one stable line
 * "s2fuzz-signature: CHECK/OPERATION/WHAT". Then the machine stops.
 */
#include "core/hvc.h"
#include "diffmode_internal.h"
#include "el2/console.h"
#include "el2/hyp.h"
#include "el2/power.h"

void dm_format_step(const struct dm_step *s, char *buf, u64 len)
{
	if (s->abort) {
		snprintf(buf, len, "abort addr=0x%llx", (unsigned long long)s->in[1]);
		return;
	}
	snprintf(buf, len, "hvc x0=0x%llx x1=0x%llx x2=0x%llx x3=0x%llx x4=0x%llx # %s",
		 (unsigned long long)s->in[0], (unsigned long long)s->in[1],
		 (unsigned long long)s->in[2], (unsigned long long)s->in[3],
		 (unsigned long long)s->in[4], dm_call_name(s->in[0]) + 4);
}

static void format_result(const struct dm_step *s, char *buf, u64 len)
{
	if (s->abort)
		snprintf(buf, len, "%d", (int)(s64)s->out[1]);
	else if (s->out[0])
		snprintf(buf, len, "x0=0x%llx (not supported)", (unsigned long long)s->out[0]);
	else
		snprintf(buf, len, "x0=0 x1=%lld", (long long)(s64)s->out[1]);
}

static void print_machine(void)
{
	const struct pkvm_desc *d = &dm.pkvm->desc;

	console_printf("el2 machine: memory");
	for (u32 i = 0; i < d->layout.nr_regions; i++)
		console_printf(" 0x%llx-0x%llx", (unsigned long long)d->layout.regions[i].base,
			       (unsigned long long)(d->layout.regions[i].base +
						    d->layout.regions[i].size));
	console_printf("; carve-out 0x%llx-0x%llx (host pool %llu, hyp pool %llu pages); "
		       "hyp_va_offset 0x%llx; host ia_bits %u; %u VM slots; %u private hyp "
		       "ranges\n",
		       (unsigned long long)d->carveout_base,
		       (unsigned long long)(d->carveout_base + d->carveout_size),
		       (unsigned long long)d->host_pool_pages,
		       (unsigned long long)d->hyp_pool_pages, (unsigned long long)d->hyp_va_offset,
		       d->layout.ia_bits, d->nr_vm_slots, d->nr_hyp_private);
}

void dm_report(const struct fz_failure *f)
{
	u64 first = dm.steps > DM_TRACE ? dm.steps - DM_TRACE : 0;
	char line[192], res[64];

	console_printf("\n==== s2fuzz: core and reference disagree ====\n");
	print_machine();
	console_printf("operations: %llu compared (%llu host aborts); the last %llu follow. The "
		       "whole sequence replays with the same boot options (s2fuzz.diff=on "
		       "s2fuzz.seed=%llu s2fuzz.ops=%llu)\n",
		       (unsigned long long)dm.steps, (unsigned long long)dm.aborts,
		       (unsigned long long)(dm.steps - first),
		       (unsigned long long)el2_boot.options.seed,
		       (unsigned long long)el2_boot.options.ops);
	for (u64 i = first; i < dm.steps; i++) {
		const struct dm_step *s = &dm.trace[i % DM_TRACE];

		dm_format_step(s, line, sizeof(line));
		format_result(s, res, sizeof(res));
		console_printf("%6llu  %-100s -> %s\n", (unsigned long long)s->index, line, res);
	}
	console_printf("check: %s\n%s\n", f->check, f->detail);
	console_printf("s2fuzz-signature: %s\n", f->signature);
	power_off(false);
}
