#!/usr/bin/env bash
# A bounded fuzzing run for the test suite: build TARGET for ENGINE in
# BUILD_DIR, fuzz it from its seed corpus and regressions with a fixed seed
# for RUNS executions in total (over two workers for libFuzzer), and fail on
# any finding.
# usage: fuzz-bounded.sh ENGINE TARGET RUNS BUILD_DIR
set -euo pipefail

engine=$1 target=$2 runs=$3 dir=$4
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case $engine in
libfuzzer) cc=clang ;;
afl) cc=afl-clang-fast ;;
*) echo "fuzz-bounded: unknown engine '$engine'" >&2; exit 2 ;;
esac
[[ $runs =~ ^[0-9]+$ ]] || { echo "fuzz-bounded: RUNS must be a number" >&2; exit 2; }

CC=$cc AFL_QUIET=1 cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	"-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g" -DS2FUZZ_ENGINE="$engine" >/dev/null
AFL_QUIET=1 cmake --build "$dir" -j"$(nproc)" --target "$target" --target "${target}_seeds" \
	--target "${target/fuzz_/replay_}" \
	>/dev/null

seeds=$dir/corpora/$target/seeds
regressions=$root/corpora/$target/regressions
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
if [[ $engine == libfuzzer ]]; then
	# Two workers, half the runs each, one shared corpus.
	(cd "$work" && "$dir/fuzzers/$target" -seed=1 -runs=$((runs / 2)) -jobs=2 -workers=2 \
		-max_len=512 -timeout=20 -artifact_prefix="$work/" "$work" "$seeds" "$regressions" \
		>"$work/log" 2>&1) || true
	execs=$(cat "$work"/fuzz-*.log 2>/dev/null |
		awk '/^#[0-9]+.*DONE/ { sub("#", "", $1); n += $1 } END { print n + 0 }')
	crashes=$(find "$work" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'timeout-*' \
		-o -maxdepth 1 -name 'leak-*' | head -5)
	logs=$(cat "$work"/fuzz-*.log 2>/dev/null || true)
else
	mkdir -p "$work/in"
	cp "$seeds"/* "$work/in/"
	AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
		afl-fuzz -s 1 -i "$work/in" -o "$work/out" -E "$runs" -V 600 -- "$dir/fuzzers/$target" \
		>"$work/log" 2>&1 || true
	execs=$(sed -n 's/^execs_done *: *//p' "$work/out/default/fuzzer_stats" 2>/dev/null || echo 0)
	crashes=$(find "$work/out/default/crashes" -name 'id:*' 2>/dev/null | head -5)
	logs=$(cat "$work/log")
fi
echo "$target under $engine: ${execs:-0} executions in $(($(date +%s) - start))s"
if [[ -n $crashes ]]; then
	echo "$target under $engine: FINDINGS:" >&2
	for c in $crashes; do
		echo "  $c" >&2
		"$dir/fuzzers/${target/fuzz_/replay_}" "$c" 2>&1 | tail -25 >&2 || true
		mkdir -p "$root/out/findings" && cp "$c" "$root/out/findings/" || true
	done
	exit 1
fi
if [[ ${execs:-0} -lt $runs ]]; then
	echo "$target under $engine: only ${execs:-0} of $runs executions ran" >&2
	echo "$logs" | tail -20 >&2
	exit 1
fi
