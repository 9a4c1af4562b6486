#!/usr/bin/env bash
# A planted kernel bug (tests/planted-kernel/NN-*.patch, docs/kernel-findings.md's
# catalogue) must be caught: fuzz its tree's copy with the patch applied
#   kernel-planted.sh BUILD_DIR TREE NN [SECONDS]
# BUILD_DIR: a libFuzzer build holding fuzz_kernel_pgtable_TREE_planted_NN and
# its replay program; from fuzz_kernel_pgtable's seeds, one process, seed 1, at
# most SECONDS (60). Caught means a reproducer whose signature starts with the
# patch's "Signature:" line, and the same input clean on the tree itself.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ $# -ge 3 && $# -le 4 && $3 =~ ^[0-9]+$ ]] ||
	{ echo "usage: kernel-planted.sh BUILD_DIR TREE NN [SECONDS]" >&2; exit 2; }
dir=$(cd "$1" && pwd) tree=$2 nn=$3 seconds=${4:-60}
patch=$(compgen -G "$root/tests/planted-kernel/$nn-*.patch" | head -n 1 || true)
[[ -n $patch ]] || { echo "kernel-planted.sh: no tests/planted-kernel/$nn-*.patch" >&2; exit 2; }
want=$(sed -n 's/^Signature: *//p' "$patch" | head -1)
[[ -n $want ]] || { echo "kernel-planted.sh: $patch has no Signature: line" >&2; exit 2; }
bin=$dir/fuzzers/kernel/fuzz_kernel_pgtable_${tree}_planted_$nn
replay=$dir/fuzzers/kernel/replay_kernel_pgtable_${tree}_planted_$nn
clean=$dir/fuzzers/kernel/replay_kernel_pgtable_$tree
for p in "$bin" "$replay" "$clean"; do
	[[ -x $p ]] || { echo "kernel-planted.sh: $p is not built" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
start=$(date +%s)
(cd "$work" && "$bin" -seed=1 -max_total_time="$seconds" -max_len=512 -timeout=20 \
	-artifact_prefix="$work/" "$work/corpus" "$dir/corpora/fuzz_kernel_pgtable/seeds" \
	>"$work/log" 2>&1) || true
crash=$(find "$work" -maxdepth 1 -name 'crash-*' | head -1)
if [[ -z $crash ]]; then
	echo "kernel-planted.sh: bug $nn not caught in ${seconds}s: $(grep -E '^#[0-9]+' \
		"$work/log" | tail -1)" >&2
	exit 1
fi
got=$({ "$replay" "$crash" 2>&1 || true; } 2>/dev/null | sed -n 's/^s2fuzz-signature: //p' |
	head -1)
echo "kernel-planted.sh: bug $nn caught after $(($(date +%s) - start))s: $got"
if [[ $got != "$want"* ]]; then
	echo "kernel-planted.sh: expected a signature starting '$want'" >&2
	{ "$replay" "$crash" 2>&1 || true; } 2>/dev/null | tail -20 >&2
	exit 1
fi
if ! "$clean" "$crash" >"$work/clean" 2>&1; then
	echo "kernel-planted.sh: the input fails on the tree without the patch too:" >&2
	tail -20 "$work/clean" >&2
	exit 1
fi
echo "kernel-planted.sh: the same input runs clean on $tree itself"
