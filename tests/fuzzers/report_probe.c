// SPDX-License-Identifier: MIT
/*
 * A probe for the reports of runs that die (fuzzers/lib/last_words.h):
 * linked into fuzz_pkvm's programs with -Wl,--wrap=pkvm_host_share_hyp,
 * it makes the core's host_share_hyp die in one of the ways a real bug
 * dies when it is asked for one of the pages below; every other page goes
 * to the real call. check_last_words.sh drives it.
 */
#include "core/pkvm.h"

#include <stdint.h>
#include <stdlib.h>

enum {
	PROBE_ASSERT = 0x7e50,	 /* a core assertion fails */
	PROBE_USE_AFTER_FREE,	 /* a read of freed memory (ASan) */
	PROBE_SEGV,		 /* a wild read */
	PROBE_SPIN,		 /* an operation that never returns */
	PROBE_SHIFT,		 /* undefined behaviour (UBSan) */
};

int __real_pkvm_host_share_hyp(struct pkvm *p, u64 pfn);
int __wrap_pkvm_host_share_hyp(struct pkvm *p, u64 pfn);

int __wrap_pkvm_host_share_hyp(struct pkvm *p, u64 pfn)
{
	volatile char *freed;
	volatile int shift = 40;
	volatile unsigned long spins = 0;

	switch (pfn) {
	case PROBE_ASSERT:
		CORE_ASSERT(pfn != PROBE_ASSERT);
		break;
	case PROBE_USE_AFTER_FREE:
		freed = malloc(16);
		free((void *)freed);
		return freed[3];
	case PROBE_SEGV:
		return *(volatile int *)(uintptr_t)16;
	case PROBE_SPIN:
		for (;;)
			spins = spins + 1;
	case PROBE_SHIFT:
		return 1 << shift;
	}
	return __real_pkvm_host_share_hyp(p, pfn);
}
