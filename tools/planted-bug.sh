#!/usr/bin/env bash
# Fuzz a core with one planted bug (docs/planted-bugs.md) from its fuzz
# target's seed corpus with a fixed seed for at most SECONDS on one core. Exit
# 0 and print the finding's signature when the fuzzer catches it, the
# signature starts with the one the catalogue pins for the bug (a finding of
# another check is not this bug's root cause), and the report is whole: the
# replay program (the one ./s2fuzz replay runs) reproduces the finding from
# the saved input with the same signature line, and its report shows the
# operation trace, the check, and for a digest mismatch the first differing
# entry decoded.
#
# --from-header fuzzes from a corpus of one input, the target's header of
# zero bytes with no records (docs/input-format.md), instead of the seed
# corpus: how far the fuzzer gets on its own. --seed N gives the fuzzer
# another seed (1 unless told). --afl fuzzes with AFL++ (persistent mode, the
# target's mutator where it has one) instead of libFuzzer, until its first
# crash; BUILD_DIR is then an AFL++ catalogue build.
#
# BUILD_DIR is a catalogue build (S2FUZZ_PLANTED_CATALOGUE, cmake/planted.cmake):
# one tree with every bug's programs, fuzz_X_planted_N for the target X its
# row names. The first form configures it and builds bug BUG's programs; the
# second builds the whole catalogue (the suite's first step), and the plain
# fuzz_pkvm and replay_pkvm that tools/lifecycle.sh runs; with --built, BUG's
# programs are taken as built.
# The third prints the catalogue's rows, "N name target signature".
# usage: planted-bug.sh [--afl] [--built] [--from-header] [--seed N] BUG BUILD_DIR [SECONDS]
#        planted-bug.sh [--afl] build BUILD_DIR
#        planted-bug.sh rows
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/toolchain.sh
source "$root/tools/toolchain.sh"
# shellcheck source=tools/libfuzzer-options.sh
source "$root/tools/libfuzzer-options.sh"
# shellcheck source=tools/programs.sh
source "$root/tools/programs.sh"
# shellcheck source=tools/afl-mutator.sh
source "$root/tools/afl-mutator.sh"
usage="usage: planted-bug.sh [--afl] [--built] [--from-header] [--seed N] BUG BUILD_DIR [SECONDS] | [--afl] build BUILD_DIR | rows"
# The catalogue's rows, "N name target signature" (S2FUZZ_PLANTED_BUGS in
# cmake/planted.cmake).
catalogue()
{
	awk '$1 ~ /^[0-9]+$/ && NF == 4 && $3 ~ /^fuzz_/ { sub(/\)$/, "", $4); print }' \
		"$root/cmake/planted.cmake"
}

# The size of a target's header (s2script header): that many zero bytes are a
# valid header with no records.
header_size()
{
	"$dir/tools/s2script" header --target "$1"
}

engine=libfuzzer built=false from_header=false seed=1 fuzz_options=false
while (($#)); do
	case $1 in
	--afl) engine=afl ;;
	--built) built=true fuzz_options=true ;;
	--from-header) from_header=true fuzz_options=true ;;
	--seed)
		[[ ${2:-} =~ ^[0-9]+$ ]] || { echo "planted-bug: --seed takes a number" >&2; exit 2; }
		seed=$2 fuzz_options=true
		shift
		;;
	*) break ;;
	esac
	shift
done

configure()
{
	local cc=$S2FUZZ_CC
	[[ $engine == libfuzzer ]] || cc=afl-clang-fast
	s2fuzz_forget_other_compiler "$1" "$cc"
	AFL_QUIET=1 CC=$cc cmake -S "$root" -B "$1" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		"-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g" -DS2FUZZ_ENGINE=$engine \
		-DS2FUZZ_FUZZ_SANITIZERS=OFF -DS2FUZZ_BUILD_TESTS=ON -DS2FUZZ_PLANTED_CATALOGUE=ON \
		-DS2FUZZ_PLANT= >/dev/null
}

# The programs that fuzz bug N with target T: its fuzz target and replay
# program, and under AFL++ the target's mutator.
programs()
{
	local -a p=(--target "${2}_planted_$1" --target "${2/fuzz_/replay_}_planted_$1")
	if [[ $engine == afl ]] && s2fuzz_has_afl_mutator "$root" "$2"; then
		p+=(--target "${2}_afl_mutator")
	fi
	echo "${p[@]}"
}

if [[ ${1:-} == rows ]]; then
	[[ $# -eq 1 ]] && ! $fuzz_options || { echo "$usage" >&2; exit 2; }
	catalogue
	exit 0
fi
if [[ ${1:-} == build ]]; then
	[[ $# -eq 2 ]] && ! $fuzz_options || { echo "$usage" >&2; exit 2; }
	configure "$2"
	targets=()
	while read -r n _ t _; do
		read -r -a more < <(programs "$n" "$t")
		targets+=("${more[@]}")
	done < <(catalogue)
	while read -r t; do
		targets+=(--target "${t}_seeds")
	done < <(catalogue | awk '{ print $3 }' | sort -u)
	# And fuzz_pkvm without a bug, for tools/lifecycle.sh --built.
	targets+=(--target fuzz_pkvm --target replay_pkvm)
	((${#targets[@]})) || { echo "planted-bug: no bug in cmake/planted.cmake" >&2; exit 1; }
	AFL_QUIET=1 cmake --build "$2" -j"$(nproc)" "${targets[@]}" >/dev/null
	echo "planted-bug: the catalogue's $(catalogue | wc -l) bugs are built in $2"
	exit 0
fi
[[ $# -ge 2 && $# -le 3 ]] || { echo "$usage" >&2; exit 2; }
bug=$1 dir=$2 seconds=${3:-60}
[[ $bug =~ ^[0-9]+$ ]] || { echo "planted-bug: BUG must be a number" >&2; exit 2; }
[[ $seconds =~ ^[0-9]+$ ]] || { echo "planted-bug: SECONDS must be a number" >&2; exit 2; }
bug=$((10#$bug))
read -r target pinned < <(catalogue | awk -v n="$bug" '$1 == n { print $3, $4 }') || true
[[ -n ${target:-} && -n ${pinned:-} ]] ||
	{ echo "planted-bug: bug $bug is not in the catalogue (cmake/planted.cmake)" >&2; exit 2; }
fuzzer=$dir/fuzzers/${target}_planted_$bug
replayer=$dir/fuzzers/${target/fuzz_/replay_}_planted_$bug
if ! $built; then
	configure "$dir"
	read -r -a more < <(programs "$bug" "$target")
	AFL_QUIET=1 cmake --build "$dir" -j"$(nproc)" "${more[@]}" --target "${target}_seeds" \
		>/dev/null
fi
[[ -x $fuzzer && -x $replayer ]] ||
	{ echo "planted-bug: $fuzzer is not built (planted-bug.sh build $dir)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
# Runs of one bug under other seeds or from the header keep logs of their own.
tag=
((seed == 1)) || tag+=-seed$seed
! $from_header || tag+=-header
log=$dir/planted-$bug$tag.log
from=$dir/corpora/$target/seeds
if $from_header; then
	from=$work/header
	mkdir "$from"
	size=$(header_size "$target")
	head -c "$size" /dev/zero >"$from/header"
fi
# fuzz_libfuzzer / fuzz_afl: fuzz until the first finding or SECONDS. Each
# sets crash (the input saved, empty if none), signature (the one the fuzzer
# printed; AFL++ shows none, the replay's is taken) and execs (executions
# before it).
fuzz_libfuzzer()
{
	local -a options
	mapfile -t options < <(s2fuzz_libfuzzer_options "$root" "$target")
	"$fuzzer" -seed="$seed" -max_total_time="$seconds" -timeout=10 -len_control=0 \
		-max_len=2048 "${options[@]}" -artifact_prefix="$work/" "$work/corpus" "$from" \
		>"$log" 2>&1 && status=0 || status=$?
	execs=$(grep -oE '^#[0-9]+|^Done [0-9]+' "$log" | tail -1 | tr -dc 0-9 || true)
	crash=
	((status)) || return 0
	signature=$(sed -n 's/^s2fuzz-signature: //p' "$log" | head -1)
	if [[ -z $signature ]]; then
		echo "planted bug $bug: the fuzzer stopped without a finding:" >&2
		tail -20 "$log" >&2
		exit 1
	fi
	crash=$(find "$work" -maxdepth 1 -name 'crash-*' | head -1)
	[[ -n $crash ]] || { echo "planted bug $bug: no reproducer was saved" >&2; exit 1; }
}

fuzz_afl()
{
	local mutator dict=$root/corpora/$target/$target.dict
	local -a extra=()
	mutator=$(s2fuzz_afl_mutator_env "$root" "$dir" "$target")
	# The target's dictionary, as ./s2fuzz fuzz gives it to AFL++.
	[[ ! -f $dict ]] || extra=(-x "$dict")
	env ${mutator:+"$mutator"} AFL_BENCH_UNTIL_CRASH=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 \
		AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
		afl-fuzz -s "$seed" -t 10000 -V "$seconds" "${extra[@]}" -i "$from" -o "$work/out" \
		-- "$fuzzer" >"$log" 2>&1 || true
	[[ -f $work/out/default/fuzzer_stats ]] ||
		{ echo "planted bug $bug: afl-fuzz did not start:" >&2; tail -20 "$log" >&2; exit 1; }
	crash=$(find "$work/out/default/crashes" -name 'id:*' 2>/dev/null | sort | head -1)
	signature=
	execs=$(sed -n 's/^execs_done *: *//p' "$work/out/default/fuzzer_stats")
}

start=$(date +%s%N)
"fuzz_$engine"
elapsed=$((($(date +%s%N) - start) / 1000000))
elapsed=$(printf '%d.%03d' $((elapsed / 1000)) $((elapsed % 1000)))
if [[ -z $crash ]]; then
	echo "planted bug $bug: NOT caught within ${seconds}s (${execs:-?} executions)" >&2
	exit 1
fi

# The finding must replay, whole, from the input the fuzzer saved.
# Kept beside the log, whatever the verdict below: a rejected finding is worth a look.
cp "$crash" "$dir/planted-$bug$tag.crash"
crash=$dir/planted-$bug$tag.crash
report=$dir/planted-$bug$tag-replay.log
# (The braces keep the shell's "Aborted" notice out of the test log.)
if { "$replayer" "$crash" >"$report" 2>&1; } 2>/dev/null; then
	echo "planted bug $bug: the replay of $(basename "$crash") ran clean" >&2
	exit 1
fi
replayed=$(sed -n 's/^s2fuzz-signature: //p' "$report" | head -1)
signature=${signature:-$replayed}
problems=()
# A pin may name more than one check, "a/,b/": the bug is caught by any of them.
pinned_ok=false
IFS=',' read -r -a pins <<<"$pinned"
for pin in "${pins[@]}"; do
	[[ $signature == "$pin"* ]] && pinned_ok=true
done
$pinned_ok ||
	problems+=("the signature '$signature' does not start with the catalogue's '$pinned'")
[[ $replayed == "$signature" ]] ||
	problems+=("the replay's signature is '$replayed', the fuzzer's '$signature'")
grep -q '^==== s2fuzz: .* ====$' "$report" || problems+=("no report header")
# The trace: fz_report numbers the operations; fuzz_parallel lists each vCPU's.
grep -qE '^ +0  |^  vcpu[0-9]+#0 ' "$report" || problems+=("no operation trace")
grep -q '^check: ' "$report" || problems+=("no check line")
if [[ $signature == digest/* ]]; then
	grep -q '^first difference in ' "$report" || problems+=("no first differing entry")
	grep -q '^  expected (reference): ' "$report" && grep -q '^  actual   (core): ' "$report" ||
		problems+=("the differing entry is not decoded on both sides")
fi
if ((${#problems[@]})); then
	echo "planted bug $bug: caught, but not as the catalogue says, or the report is not whole:" >&2
	printf '  %s\n' "${problems[@]}" >&2
	cat "$report" >&2
	exit 1
fi
how="on a seed input"
$from_header && how="on the header"
[[ -z $execs ]] || how="$execs executions"
echo "planted bug $bug: caught after ${elapsed}s ($how): $signature"
echo "  replayed from $(basename "$crash"): same signature, trace and decoded report"
