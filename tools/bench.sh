#!/usr/bin/env bash
# bench.sh BUILD OUT [--reps N] [--quick]: runs the core-speed benchmark
# (bench/bench_core.c) built in BUILD (the release configuration) against the
# newest kernel tree it was built for, and writes OUT (docs/benchmarks.md):
# the machine, the compiler, the command and the table. --quick prints the
# table only (small sizes, one repetition) and leaves OUT alone.
set -euo pipefail

die()
{
	echo "bench.sh: $*" >&2
	exit 2
}

[[ $# -ge 2 ]] || die "usage: bench.sh BUILD OUT [--reps N] [--quick]"
build=$1 out=$2
shift 2
reps=11 quick=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--reps) reps=$2; shift ;;
	--quick) quick=1 ;;
	*) die "unknown option '$1'" ;;
	esac
	shift
done

# The newest tree: the program whose name sorts last by version.
program=$(find "$build/bench" -maxdepth 1 -type f -name 'bench_core_*' -perm -u+x |
	  sort -V | tail -n 1)
[[ -n $program ]] || die "no bench_core program in $build/bench (no kernel tree was built)"

if [[ $quick -eq 1 ]]; then
	exec "$program" --quick
fi

table=$(mktemp)
trap 'rm -f "$table"' EXIT
echo "bench.sh: running $(basename "$program"), $reps repetitions" >&2
"$program" --reps "$reps" >"$table"

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
cc=$(sed -n 's/^CMAKE_C_COMPILER:FILEPATH=//p' "$build/CMakeCache.txt")
{
	cat <<HEADER
# Benchmarks

Written by \`./s2fuzz bench\` (tools/bench.sh, bench/): do not edit by hand.

- Ran: $(date -u '+%Y-%m-%d %H:%M UTC'), \`./s2fuzz bench --reps $reps\`
- Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $(uname -sr)
- Compiler: $("$cc" --version | head -n 1), \`-O2 -DNDEBUG\`, core assertions off
  (\`./s2fuzz build release\`)

## 1. Core speed

The workloads of issue 13 on three sides, built together in one program and run in turn,
repeated with the sides interleaved:

- **Linux**: Debian's newest kernel tree's own \`arch/arm64/kvm/hyp/pgtable.c\`, through the
  adapter (kernel/) on the release platform's allocator. A host abort there is what pKVM's
  handler asks of it: \`get_leaf\` for the hole's level, the largest block at that level or
  below that lies in memory, one \`map\`.
- **ours, release platform**: the core on bare/ (pages in one arena, arithmetic address
  translation, plain counts, invalidations counted, no observer, no poisoning).
- **ours on sim/**: the core on the simulated machine the fuzzers use (every check on).

After the table: the hashed walk the fuzzers run after every changing call (diff/, SPEC §10)
over 1 GiB of pages our core made, in ns per non-zero entry (target: at most 10), and the
table pages each side holds after the last row's rounds.

The ratio is ours over Linux's, in the same run. The targets: at or below 1.0x on the
release platform, within 1.25x on sim/. On a shared machine a figure moves by up to a third
between runs (the random-order map most, which is bound by cache misses); the ratios within
one run move much less.

HEADER
	cat "$table"
} >"$out"
echo "bench.sh: wrote $out" >&2
cat "$table"
