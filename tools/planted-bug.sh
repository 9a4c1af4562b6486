#!/usr/bin/env bash
# Build the core with one planted bug (docs/planted-bugs.md) and fuzz
# fuzz_pkvm (or TARGET) from its seed corpus with a fixed seed for at most
# SECONDS on one core. Exit 0 and print the finding's signature when the
# fuzzer catches it and the report is whole: the replay program (the one
# ./s2fuzz replay runs) reproduces the finding from the saved input with the
# same signature line, and its report shows the operation trace, the check,
# and for a digest mismatch the first differing entry decoded.
# usage: planted-bug.sh BUG BUILD_DIR [SECONDS] [TARGET]
set -euo pipefail

bug=$1 dir=$2 seconds=${3:-60} target=${4:-fuzz_pkvm}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/toolchain.sh
source "$root/tools/toolchain.sh"

[[ $bug =~ ^[0-9]+$ ]] || { echo "planted-bug: BUG must be a number" >&2; exit 2; }
s2fuzz_forget_other_compiler "$dir" "$S2FUZZ_CC"
CC=$S2FUZZ_CC cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	"-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g" -DS2FUZZ_ENGINE=libfuzzer \
	-DS2FUZZ_FUZZ_SANITIZERS=OFF -DS2FUZZ_PLANT="$bug" >/dev/null
cmake --build "$dir" -j"$(nproc)" --target "$target" --target "${target}_seeds" \
	--target "${target/fuzz_/replay_}" >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
if "$dir/fuzzers/$target" -seed=1 -max_total_time="$seconds" -timeout=10 -len_control=0 \
	-max_len=2048 -artifact_prefix="$work/" "$work" "$dir/corpora/$target/seeds" \
	>"$dir/planted.log" 2>&1; then
	echo "planted bug $bug: NOT caught within ${seconds}s" >&2
	exit 1
fi
signature=$(sed -n 's/^s2fuzz-signature: //p' "$dir/planted.log" | head -1)
execs=$(grep -oE '^#[0-9]+' "$dir/planted.log" | tail -1 || true)
if [[ -z $signature ]]; then
	echo "planted bug $bug: the fuzzer stopped without a finding:" >&2
	tail -20 "$dir/planted.log" >&2
	exit 1
fi
elapsed=$(($(date +%s) - start))

# The finding must replay, whole, from the input the fuzzer saved.
crash=$(find "$work" -maxdepth 1 -name 'crash-*' | head -1)
[[ -n $crash ]] || { echo "planted bug $bug: no reproducer was saved" >&2; exit 1; }
report=$dir/replay.log
# (The braces keep the shell's "Aborted" notice out of the test log.)
if { "$dir/fuzzers/${target/fuzz_/replay_}" "$crash" >"$report" 2>&1; } 2>/dev/null; then
	echo "planted bug $bug: the replay of $(basename "$crash") ran clean" >&2
	exit 1
fi
problems=()
replayed=$(sed -n 's/^s2fuzz-signature: //p' "$report" | head -1)
[[ $replayed == "$signature" ]] ||
	problems+=("the replay's signature is '$replayed', the fuzzer's '$signature'")
grep -q '^==== s2fuzz: .* ====$' "$report" || problems+=("no report header")
grep -qE '^ +0  ' "$report" || problems+=("no operation trace")
grep -q '^check: ' "$report" || problems+=("no check line")
if [[ $signature == digest/* ]]; then
	grep -q '^first difference in ' "$report" || problems+=("no first differing entry")
	grep -q '^  expected (reference): ' "$report" && grep -q '^  actual   (core): ' "$report" ||
		problems+=("the differing entry is not decoded on both sides")
fi
if ((${#problems[@]})); then
	echo "planted bug $bug: caught, but the report is not whole:" >&2
	printf '  %s\n' "${problems[@]}" >&2
	cat "$report" >&2
	exit 1
fi
how="on a seed input"
[[ -z $execs ]] || how="${execs#\#} executions"
echo "planted bug $bug: caught after ${elapsed}s ($how): $signature"
echo "  replayed from $(basename "$crash"): same signature, trace and decoded report"
