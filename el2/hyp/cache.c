// SPDX-License-Identifier: MIT
/* Data and instruction cache maintenance to the point of coherency. */
#include "el2/mm.h"
#include "el2/sysreg.h"

static u64 dcache_line(void)
{
	/* CTR_EL0.DminLine: log2 of the smallest line, in 4-byte words. */
	return 4ULL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

void dcache_inval_range(u64 start, u64 end)
{
	u64 line = dcache_line();

	for (u64 a = start & ~(line - 1); a < end; a += line)
		__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
	dsb(sy);
}

void dcache_clean_range(u64 start, u64 end)
{
	u64 line = dcache_line();

	for (u64 a = start & ~(line - 1); a < end; a += line)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	dsb(sy);
}

void icache_inval_all(void)
{
	__asm__ volatile("ic iallu" : : : "memory");
	dsb(sy);
	isb();
}
