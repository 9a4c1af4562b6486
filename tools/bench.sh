#!/usr/bin/env bash
# bench.sh BUILD OUT [--reps N] [--quick]: runs the benchmarks: core speed
# (bench/bench_core.c, built in BUILD, the release configuration) against the
# newest kernel tree it was built for; coalescing quality (bench/coalesce.c);
# fuzzing throughput (tools/bench-fuzz.sh) and time to detect the planted bugs
# (tools/bench-detect.sh), which build their own trees under BUILD; section 1's
# instruction counts (tools/bench-instructions.sh). Writes OUT
# (docs/benchmarks.md): the machine, the compiler, the command and the tables,
# and the plots beside it in benchmarks/ (tools/bench-plots.sh).
# --quick prints sections 1 (small sizes, one repetition) and 2 only and leaves
# OUT alone.
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
# The budget: ./s2fuzz bench in under 15 minutes on a fresh clone, 2 cores.
FUZZ_SECONDS=5      # section 3: each target, engine and build, on one core
DETECT_SEEDS=5      # section 4: seeds per planted bug, per engine
DETECT_LIMIT=10     # section 4: seconds per run at most
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

coalesce=$build/bench/bench_coalesce
[[ -x $coalesce ]] || die "$coalesce is not built"

if [[ $quick -eq 1 ]]; then
	"$program" --quick
	exec "$coalesce"
fi

table=$(mktemp)
scenarios=$(mktemp)
rates=$(mktemp)
detect=$(mktemp)
instructions=$(mktemp)
trap 'rm -f "$table" "$scenarios" "$rates" "$detect" "$instructions"' EXIT
started=$(date +%s)
echo "bench.sh: running $(basename "$program"), $reps repetitions" >&2
"$program" --reps "$reps" >"$table"
echo "bench.sh: counting its instructions under callgrind" >&2
"$(dirname "$0")/bench-instructions.sh" "$program" "$build/bench-instructions" >"$instructions"
echo "bench.sh: running bench_coalesce" >&2
"$coalesce" >"$scenarios"
echo "bench.sh: sections 1 and 2 took $(($(date +%s) - started)) s" >&2
"$(dirname "$0")/bench-fuzz.sh" "$build/bench-fuzz" "$FUZZ_SECONDS" >"$rates"
echo "bench.sh: sections 1 to 3 took $(($(date +%s) - started)) s" >&2
# Section 4's catalogues are built in section 3's trees without sanitizers.
BENCH_DETECT_LIMIT=$DETECT_LIMIT \
	"$(dirname "$0")/bench-detect.sh" "$build/bench-detect" \
	"$DETECT_SEEDS" "$build/bench-fuzz/libfuzzer" "$build/bench-fuzz/afl" >"$detect"
echo "bench.sh: sections 1 to 4 took $(($(date +%s) - started)) s" >&2
plots=$(dirname "$out")/benchmarks
"$(dirname "$0")/bench-plots.sh" "$plots" "$table" "$scenarios" "$rates" "$detect"
took=$(($(date +%s) - started))

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
cc=$(sed -n 's/^CMAKE_C_COMPILER:FILEPATH=//p' "$build/CMakeCache.txt")
{
	cat <<HEADER
# Benchmarks

Written by \`./s2fuzz bench\` (tools/bench.sh, bench/): do not edit by hand.

- Ran: $(date -u '+%Y-%m-%d %H:%M UTC'), \`./s2fuzz bench --reps $reps\`, in $((took / 60)) min
  $((took % 60)) s after the release build (sections 3 and 4 build their own trees in that time)
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
	cat <<INSTRUCTIONS

![ours over Linux per row](benchmarks/speed.png)

Instructions per operation, counted by valgrind's callgrind in each measured region alone
(tools/bench-instructions.sh), at \`--quick\` sizes (4,096 pages, 32 MiB in one call, 8
blocks, 16 rounds): a count no other load on the machine moves. Rows 3-5 do less work per call
than at full size.

INSTRUCTIONS
	cat "$instructions"
	cat <<SECTION2

## 2. Coalescing quality

pKVM scenarios on our core's pKVM layer on the release platform (bench/coalesce.c), each run
twice: with coalescing, and with it switched off (\`struct pgt\`'s \`no_coalescing\`, set by
this benchmark alone: a host stage-2 table that still holds a default leaf is kept, as before
seed 000). Beside them, the optimum, computed from the scenario's own record of page owners
and never from a page table (bench/coalesce_optimum.c): every page the host may touch is
mapped by the largest aligned block (1 GiB, 2 MiB or 4 KiB) that lies in one region and holds
only default host pages, which is the minimal cover because such blocks nest; every shared
page is a page leaf; every page in another owner's hands is one annotation, at the largest
aligned block of pages in the same state; the tables are the ones those entries need.

Each scenario: boot (the carve-out is 36 MiB near the top of memory); the host touches a
fixed access trace (every 2 MiB of memory in address order, then 65,536 random pages); guests
are created with a pgd and 32 memcache pages each, and take scattered donated and shared
pages; then either the host replays the trace beside the live guests (measured), or it does
so unmeasured, the guests are torn down, every page is reclaimed, and the host replays the
trace again (measured). The figures are the host stage 2's after the measured replay:

- **leaves** by level, and **table pages** (the root included);
- **aborts**: the host aborts the measured replay took. The optimum's figure is a lower
  bound: the cover's blocks the replay touches that hold a page which left the host's default
  during the scenario (an ideal map would have kept every other one mapped). Ours is above it
  by design: splitting a default host block for a donation writes nothing into the new table
  (docs/semantics.md S17, as Linux does), so its other pages fault in again;
- **TLB misses** over the measured replay, on a model TLB: 1,024 entries, 4-way
  set-associative, least recently used within a set, one entry per leaf whatever its size.

The targets: leaves at the optimum in every scenario, and at least 10x fewer leaves than
without coalescing after every guest lifecycle. \`bench_coalesce --check\` (in the suite)
fails when either is missed.

SECTION2
	cat "$scenarios"
	echo
	echo "![host leaves per scenario](benchmarks/coalesce.png)"
	cat <<SECTION3

## 3. Fuzzing throughput

Executions per second of each fuzz target, built four ways (tools/bench-fuzz.sh): libFuzzer
and AFL++ (persistent mode, with the target's structure-aware mutator where it has one), each
without sanitizers and with ASan+UBSan. Each run is ${FUZZ_SECONDS} s on one core from the
target's seeds and regressions, one run at a time. The target: fuzz_pkvm at 5,000 execs/s
without sanitizers and 2,000 with them.

SECTION3
	cat "$rates"
	echo
	echo "![execs/s per target](benchmarks/fuzz.png)"
	cat <<SECTION4

## 4. Time to detect

Each planted bug (docs/planted-bugs.md) fuzzed with libFuzzer and with AFL++ (persistent
mode, the target's mutator and dictionary, as \`./s2fuzz fuzz\` runs it), no sanitizers, from
a header-only input (the target's header of zero bytes, no records: no seed written for the
bug), under seeds 1 to ${DETECT_SEEDS} with each engine, at most ${DETECT_LIMIT} s each on one core, two runs
at a time (tools/bench-detect.sh, tools/planted-bug.sh). The seeds and the cap are what
fits the benchmark's 15 minutes: AFL++'s misses cost ${DETECT_LIMIT} s each, and longer hunts are
the nightly job's (docs/nightly.md). Time is wall time to the first report,
whose signature must be the one the catalogue pins and whose replay must reproduce it;
executions are the engine's count at the report (libFuzzer's last status line, AFL++'s
execs_done). The medians are over the seeds that caught the bug; a bug no seed caught
within ${DETECT_LIMIT} s shows "-". The last column: the core's unit tests (tests/core's
cmocka programs, built on each bug's core) that fail with the bug in.

SECTION4
	cat "$detect"
	echo
	echo "![time to detect per planted bug](benchmarks/detect.png)"
} >"$out"
echo "bench.sh: wrote $out" >&2
cat "$table" "$instructions" "$scenarios" "$rates" "$detect"
