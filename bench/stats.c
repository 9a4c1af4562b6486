// SPDX-License-Identifier: MIT
/* The benchmark's clock, measured regions and median (bench/bench.h). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <valgrind/callgrind.h>

static unsigned region_row, region_side;

double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void bench_region_label(unsigned row, unsigned side)
{
	region_row = row;
	region_side = side;
}

/*
 * Outside valgrind the client requests below are a few instructions that do
 * nothing; under callgrind they count each region's instructions alone.
 */
double bench_region_start(void)
{
	CALLGRIND_ZERO_STATS;
	return bench_now_ns();
}

double bench_region_end(double t0, uint64_t ops)
{
	double dt = bench_now_ns() - t0;
	char label[64];

	if (RUNNING_ON_VALGRIND) {
		/* Not the label's formatting: collection is off until the dump. */
		CALLGRIND_TOGGLE_COLLECT;
		snprintf(label, sizeof(label), "s2fuzz-region row=%u side=%u ops=%llu", region_row,
			 region_side, (unsigned long long)ops);
		CALLGRIND_DUMP_STATS_AT(label);
		CALLGRIND_TOGGLE_COLLECT;
	}
	return dt;
}
