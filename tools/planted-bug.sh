#!/usr/bin/env bash
# Build the core with one planted bug (docs/planted-bugs.md) and fuzz
# fuzz_pkvm from its seed corpus with a fixed seed for at most SECONDS on one
# core. Exit 0 and print the finding's signature when the fuzzer catches it.
# usage: planted-bug.sh BUG BUILD_DIR [SECONDS] [TARGET]
set -euo pipefail

bug=$1 dir=$2 seconds=${3:-60} target=${4:-fuzz_pkvm}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

[[ $bug =~ ^[0-9]+$ ]] || { echo "planted-bug: BUG must be a number" >&2; exit 2; }
CC=clang cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	"-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g" -DS2FUZZ_ENGINE=libfuzzer \
	-DS2FUZZ_FUZZ_SANITIZERS=OFF -DS2FUZZ_PLANT="$bug" >/dev/null
cmake --build "$dir" -j"$(nproc)" --target "$target" --target "${target}_seeds" >/dev/null

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
echo "planted bug $bug: caught after $(($(date +%s) - start))s (${execs:-#?} execs): $signature"
