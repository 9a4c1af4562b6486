#!/usr/bin/env bash
# bench-detect.sh WORK SEEDS: section 4 of docs/benchmarks.md, time to detect.
# Builds the planted-bug catalogue (docs/planted-bugs.md) in WORK/catalogue,
# fuzzes each bug with libFuzzer from a header-only input (no seed written for
# it) under seeds 1 to SEEDS, two runs at a time (one core each, at most 60 s
# per run), and prints a Markdown table: per bug, the median time and
# executions to the first report, and the seeds that caught it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die()
{
	echo "bench-detect: $*" >&2
	exit 2
}

[[ $# -eq 2 && $2 =~ ^[1-9][0-9]*$ ]] || die "usage: bench-detect.sh WORK SEEDS"
work=$1 seeds=$2
tree=$work/catalogue
mkdir -p "$work/runs"
echo "bench-detect: building the catalogue" >&2
"$root/tools/planted-bug.sh" build "$tree" >&2

mapfile -t bugs < <(awk '$1 ~ /^[0-9]+$/ && NF == 4 && $3 ~ /^fuzz_/ { print $1 ":" $2 ":" $3 }' \
	"$root/cmake/planted.cmake")
((${#bugs[@]})) || die "no bug in cmake/planted.cmake"

# One run: WORK/runs/BUG-SEED holds "SECONDS EXECUTIONS", or "- -" when not caught.
run_one()
{
	local bug=$1 seed=$2 out line secs execs
	out=$("$root/tools/planted-bug.sh" --built --from-header --seed "$seed" "$bug" "$tree" 60 \
		2>&1) || true
	line=$(grep -m1 '^planted bug [0-9]*: caught after ' <<<"$out" || true)
	if [[ -z $line ]]; then
		echo "- -" >"$work/runs/$bug-$seed"
		return 0
	fi
	secs=$(sed -n 's/.*caught after \([0-9.]*\)s.*/\1/p' <<<"$line")
	execs=$(sed -n 's/.*(\([0-9]*\) executions).*/\1/p' <<<"$line")
	echo "$secs ${execs:-0}" >"$work/runs/$bug-$seed"
}

jobs=$(nproc)
for b in "${bugs[@]}"; do
	IFS=: read -r n _ _ <<<"$b"
	for ((s = 1; s <= seeds; s++)); do
		while (($(jobs -rp | wc -l) >= jobs)); do
			wait -n
		done
		echo "bench-detect: bug $n, seed $s" >&2
		run_one "$n" "$s" &
	done
done
wait

median()
{
	sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) { print "-"; exit }
		print ((NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

echo "| bug | target | median time to report | median executions | caught by seeds |"
echo "|---|---|---|---|---|"
all=0 caught_all=0
for b in "${bugs[@]}"; do
	IFS=: read -r n name target <<<"$b"
	times=() execs=() caught=0
	for ((s = 1; s <= seeds; s++)); do
		read -r t e <"$work/runs/$n-$s"
		[[ $t == - ]] && continue
		times+=("$t")
		execs+=("$e")
		caught=$((caught + 1))
	done
	all=$((all + 1))
	((caught < seeds)) || caught_all=$((caught_all + 1))
	mt=$(printf '%s\n' "${times[@]}" | { grep . || true; } | median)
	me=$(printf '%s\n' "${execs[@]}" | { grep . || true; } | median)
	[[ $mt == - ]] || mt="${mt} s"
	echo "| $n ${name//_/ } | $target | $mt | $me | $caught of $seeds |"
done
echo
echo "Caught by every seed: $caught_all of $all bugs."
