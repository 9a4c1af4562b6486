#!/usr/bin/env bash
# Bounded fuzzing runs for the test suite. Two steps, so that the suite
# builds each engine's tree once and then runs targets side by side:
#   fuzz-bounded.sh build ENGINE BUILD_DIR TARGET...
#       configure and build TARGETs (fuzzer, seeds, replay) for ENGINE
#   fuzz-bounded.sh run ENGINE TARGET RUNS BUILD_DIR
#       fuzz TARGET (built by the step above) from its seed corpus (and,
#       under libFuzzer, its regressions) with a fixed seed for RUNS
#       executions in total (eight libFuzzer jobs on two workers, one AFL++
#       instance), and
#       fail on any finding
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/toolchain.sh
source "$root/tools/toolchain.sh"
# shellcheck source=tools/afl-mutator.sh
source "$root/tools/afl-mutator.sh"
# shellcheck source=tools/libfuzzer-options.sh
source "$root/tools/libfuzzer-options.sh"
# shellcheck source=tools/programs.sh
source "$root/tools/programs.sh"
usage="usage: fuzz-bounded.sh build ENGINE BUILD_DIR TARGET... | run ENGINE TARGET RUNS BUILD_DIR"

step=${1:-}
engine=${2:-}
case $engine in
libfuzzer) cc=$S2FUZZ_CC ;;
afl) cc=afl-clang-fast ;;
*) echo "fuzz-bounded: unknown engine '$engine'" >&2; echo "$usage" >&2; exit 2 ;;
esac

if [[ $step == build && $# -ge 4 ]]; then
	dir=$3
	shift 3
	targets=()
	for t in "$@"; do
		targets+=(--target "$t" --target "$(s2fuzz_corpus_of "$t")_seeds" --target "${t/fuzz_/replay_}")
		if [[ $engine == afl ]] && s2fuzz_has_afl_mutator "$root" "$t"; then
			targets+=(--target "${t}_afl_mutator")
		fi
	done
	s2fuzz_forget_other_compiler "$dir" "$cc"
	CC=$cc AFL_QUIET=1 cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		"-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g" -DS2FUZZ_ENGINE="$engine" >/dev/null
	AFL_QUIET=1 cmake --build "$dir" -j"$(nproc)" "${targets[@]}" >/dev/null
	exit 0
fi
[[ $step == run && $# -eq 5 ]] || { echo "$usage" >&2; exit 2; }
target=$3 runs=$4 dir=$5
[[ $runs =~ ^[0-9]+$ ]] || { echo "fuzz-bounded: RUNS must be a number" >&2; exit 2; }
bin=$(s2fuzz_program_path "$dir" "$target")
corpus=$(s2fuzz_corpus_of "$target")
[[ -x $bin ]] || { echo "fuzz-bounded: $bin is not built (run the build step)" >&2; exit 2; }

seeds=$dir/corpora/$corpus/seeds
regressions=$root/corpora/$corpus/regressions
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# 512 bytes of records, after fuzz_pkvm's and fuzz_hvc's 208-byte machine header.
case $target in
fuzz_pkvm | fuzz_hvc) max_len=720 ;;
*) max_len=512 ;;
esac
start=$(date +%s)
if [[ $engine == libfuzzer ]]; then
	# Eight jobs of an eighth of the runs on two workers, one shared corpus; the
	# target's own options. Not one job per worker: a worker that drew lighter
	# inputs takes the next job instead of idling while the other finishes.
	mapfile -t options < <(s2fuzz_libfuzzer_options "$root" "$corpus")
	(cd "$work" && "$bin" -seed=1 -runs=$(((runs + 7) / 8)) -jobs=8 -workers=2 \
		-max_len=$max_len -timeout=20 "${options[@]}" -artifact_prefix="$work/" "$work" \
		"$seeds" "$regressions" >"$work/log" 2>&1) || true
	execs=$(cat "$work"/fuzz-*.log 2>/dev/null |
		awk '/^#[0-9]+.*DONE/ { sub("#", "", $1); n += $1 } END { print n + 0 }')
	crashes=$(find "$work" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'timeout-*' \
		-o -maxdepth 1 -name 'leak-*' | head -5)
	logs=$(cat "$work"/fuzz-*.log 2>/dev/null || true)
else
	mkdir -p "$work/in"
	cp "$seeds"/* "$work/in/"
	# The structure-aware mutator too, where the target has one (tools/afl-mutator.sh).
	mutator=()
	lib=$(s2fuzz_afl_mutator_env "$root" "$dir" "$target")
	[[ -z $lib ]] || mutator=("$lib")
	# Inputs at most max_len bytes, as libFuzzer's above; calibration cut short (AFL_FAST_CAL):
	# fuzz_pgtable's paths through a 1 GiB block split to pages take ~100 ms each, and a
	# run spent most of its 600 s calibrating them (148,592 executions in the end). The
	# limit is 840 s, inside ctest's 900.
	env "${mutator[@]}" AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
		AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 afl-fuzz -s 1 -G "$max_len" -i "$work/in" -o "$work/out" \
		-E "$runs" -V 840 -- "$bin" >"$work/log" 2>&1 || true
	execs=$(sed -n 's/^execs_done *: *//p' "$work/out/default/fuzzer_stats" 2>/dev/null || echo 0)
	crashes=$(find "$work/out/default/crashes" -name 'id:*' 2>/dev/null | head -5)
	logs=$(cat "$work/log")
	# Queue entries the mutator made are named after it (its afl_custom_describe).
	if [[ ${#mutator[@]} -gt 0 ]]; then
		made=$(find "$work/out/default/queue" -name 'id:*,s2fuzz-*' 2>/dev/null | wc -l)
		echo "$target under $engine: $made queue entries from the structure-aware mutator"
		if [[ $made -eq 0 ]]; then
			echo "$target under $engine: afl-fuzz kept nothing from ${mutator[0]#*=}" >&2
			echo "$logs" | tail -20 >&2
			exit 1
		fi
	fi
fi
echo "$target under $engine: ${execs:-0} executions in $(($(date +%s) - start))s"
if [[ -n $crashes ]]; then
	echo "$target under $engine: FINDINGS:" >&2
	for c in $crashes; do
		echo "  $c" >&2
		"$(dirname "$bin")/${target/fuzz_/replay_}" "$c" 2>&1 | tail -25 >&2 || true
		mkdir -p "$root/out/findings" && cp "$c" "$root/out/findings/" || true
	done
	exit 1
fi
if [[ ${execs:-0} -lt $runs ]]; then
	echo "$target under $engine: only ${execs:-0} of $runs executions ran" >&2
	echo "$logs" | tail -20 >&2
	exit 1
fi
