#!/usr/bin/env bash
# bench-detect.sh WORK SEEDS [LIBFUZZER_TREE AFL_TREE]: section 4 of
# docs/benchmarks.md, time to detect. Builds the planted-bug catalogue
# (docs/planted-bugs.md) for libFuzzer and for AFL++ (in the trees given, or in
# WORK/catalogue and WORK/catalogue-afl), fuzzes each bug with
# each engine from a header-only input (no seed written for it) under seeds 1
# to SEEDS, two runs at a time (one
# core each, at most LIMIT seconds per run, 60 unless BENCH_DETECT_LIMIT says), runs the core's unit tests (tests/core)
# on each bug's core, and prints a Markdown table: per bug and engine, the
# median time and executions to the first report and the seeds that caught
# it; and the unit tests that fail.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die()
{
	echo "bench-detect: $*" >&2
	exit 2
}

[[ ($# -eq 2 || $# -eq 4) && $2 =~ ^[1-9][0-9]*$ ]] ||
	die "usage: bench-detect.sh WORK SEEDS [LIBFUZZER_TREE AFL_TREE]"
work=$1 limit=${BENCH_DETECT_LIMIT:-60}
[[ $limit =~ ^[1-9][0-9]*$ ]] || die "BENCH_DETECT_LIMIT must be a number of seconds"
engines=(libfuzzer afl)
seeds=$2
declare -A tree=([libfuzzer]=${3:-$work/catalogue} [afl]=${4:-$work/catalogue-afl})
declare -A flag=([libfuzzer]= [afl]=--afl)
rm -rf "$work/runs"
mkdir -p "$work/runs"
for e in "${engines[@]}"; do
	echo "bench-detect: building the catalogue for $e" >&2
	"$root/tools/planted-bug.sh" ${flag[$e]} build "${tree[$e]}" >&2
done
echo "bench-detect: building the unit tests on every bug's core" >&2
cmake --build "${tree[libfuzzer]}" -j"$(nproc)" --target planted_unit_tests >/dev/null

mapfile -t bugs < <("$root/tools/planted-bug.sh" rows | awk '{ print $1 ":" $2 ":" $3 }')
((${#bugs[@]})) || die "no bug in cmake/planted.cmake"

# One run: WORK/runs/ENGINE-BUG-SEED holds "SECONDS EXECUTIONS", or "- -" when not caught.
run_one()
{
	local engine=$1 bug=$2 seed=$3 out line secs execs
	out=$("$root/tools/planted-bug.sh" ${flag[$engine]} --built --from-header --seed "$seed" \
		"$bug" "${tree[$engine]}" "$limit" 2>&1) || true
	line=$(grep -m1 '^planted bug [0-9]*: caught after ' <<<"$out" || true)
	if [[ -z $line ]]; then
		echo "- -" >"$work/runs/$engine-$bug-$seed"
		return 0
	fi
	secs=$(sed -n 's/.*caught after \([0-9.]*\)s.*/\1/p' <<<"$line")
	execs=$(sed -n 's/.*(\([0-9]*\) executions).*/\1/p' <<<"$line")
	echo "$secs ${execs:-0}" >"$work/runs/$engine-$bug-$seed"
}

# The unit tests on bug N's core: WORK/runs/unit-N holds the tests that
# fail, or nothing. They must all pass on the core without a bug.
units=$(find "${tree[libfuzzer]}/tests/core" -maxdepth 1 -type f -executable -name 'test_*' \
	! -name '*_planted_*' -printf '%f\n' | sort)
[[ -n $units ]] || die "no unit test is built in ${tree[libfuzzer]}/tests/core"
for u in $units; do
	"${tree[libfuzzer]}/tests/core/$u" >"$work/runs/unit-plain-$u.log" 2>&1 ||
		die "$u fails on the core without a bug (log: $work/runs/unit-plain-$u.log)"
done
unit_one()
{
	local bug=$1 u failed=()
	for u in $units; do
		{ timeout 300 "${tree[libfuzzer]}/tests/core/${u}_planted_$bug" \
			>"$work/runs/unit-$bug-$u.log" 2>&1; } 2>/dev/null || failed+=("$u")
	done
	echo "${failed[*]}" >"$work/runs/unit-$bug"
}

jobs=$(nproc)
slot()
{
	while (($(jobs -rp | wc -l) >= jobs)); do
		wait -n
	done
}
for b in "${bugs[@]}"; do
	IFS=: read -r n _ _ <<<"$b"
	slot
	echo "bench-detect: bug $n, unit tests" >&2
	unit_one "$n" &
	for e in "${engines[@]}"; do
		for ((s = 1; s <= $seeds; s++)); do
			slot
			echo "bench-detect: bug $n, $e, seed $s" >&2
			run_one "$e" "$n" "$s" &
		done
	done
done
wait

# median FORMAT: the median of the numbers on stdin, printed with FORMAT; "-" if none.
median()
{
	sort -g | awk -v f="$1" '{ v[NR] = $1 } END {
		if (!NR) { print "-"; exit }
		printf f "\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# cells ENGINE BUG: "median time | median executions | caught by seeds".
cells()
{
	local engine=$1 n=$2 s t e times=() execs=() caught=0 mt me
	for ((s = 1; s <= $seeds; s++)); do
		read -r t e <"$work/runs/$engine-$n-$s"
		[[ $t == - ]] && continue
		times+=("$t")
		execs+=("$e")
		caught=$((caught + 1))
	done
	mt=$(printf '%s\n' "${times[@]}" | { grep . || true; } | median %.3f)
	me=$(printf '%s\n' "${execs[@]}" | { grep . || true; } | median %.0f)
	[[ $mt == - ]] || mt="${mt} s"
	echo "$mt | $me | $caught of $seeds"
}

echo "| bug | target | libFuzzer: median time | median executions | caught by seeds" \
	"| AFL++: median time | median executions | caught by seeds | unit tests that fail |"
echo "|---|---|---|---|---|---|---|---|---|"
declare -A caught_all=()
all=0 by_units=0
for b in "${bugs[@]}"; do
	IFS=: read -r n name target <<<"$b"
	all=$((all + 1))
	lf=$(cells libfuzzer "$n")
	afl=$(cells afl "$n")
	for e in "${engines[@]}"; do
		cell=$lf
		[[ $e == afl ]] && cell=$afl
		[[ $cell != *"| $seeds of $seeds" ]] ||
			caught_all[$e]=$((${caught_all[$e]:-0} + 1))
	done
	failed=$(<"$work/runs/unit-$n")
	if [[ -n $failed ]]; then
		by_units=$((by_units + 1))
		failed=${failed// /, }
	else
		failed="none"
	fi
	echo "| $n ${name//_/ } | $target | $lf | $afl | $failed |"
done
echo
echo "Caught by every seed: ${caught_all[libfuzzer]:-0} of $all bugs under libFuzzer" \
	"($seeds seeds), ${caught_all[afl]:-0} of $all under AFL++ ($seeds seeds)." \
	"Caught by the unit tests alone (tests/core, $(wc -w <<<"$units") programs):" \
	"$by_units of $all bugs."
