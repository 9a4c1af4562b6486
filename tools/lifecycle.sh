#!/usr/bin/env bash
# Does fuzz_pkvm, on its own, take a guest through its whole life? Fuzz it
# from a header-only input (the QEMU virt machine, no records: no seed written
# for it) with a fixed seed for at most SECONDS on one core, with the target's
# own libFuzzer options; then replay every input it kept and read what the
# state counters say of each (replay -v's "lifecycle:" line). Exit 0 when one
# of them completes a whole guest lifecycle: a VM created, pages donated and
# shared to it, the VM torn down, one of its pages reclaimed and the host using
# that page again.
#
# BUILD_DIR is a libFuzzer tree without sanitizers (the suite uses the planted
# catalogue's, tools/planted-bug.sh); fuzz_pkvm and replay_pkvm are built in it
# first, unless --built says they are (the suite's catalogue build makes them:
# a test that fuzzes for a time must not compile meanwhile).
# usage: lifecycle.sh [--built] [--seed N] BUILD_DIR [SECONDS]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/libfuzzer-options.sh
source "$root/tools/libfuzzer-options.sh"
usage="usage: lifecycle.sh [--built] [--seed N] BUILD_DIR [SECONDS]"
seed=1 built=false
while (($#)); do
	case $1 in
	--built) built=true ;;
	--seed)
		[[ ${2:-} =~ ^[0-9]+$ ]] || { echo "lifecycle: --seed takes a number" >&2; exit 2; }
		seed=$2
		shift
		;;
	*) break ;;
	esac
	shift
done
[[ $# -ge 1 && $# -le 2 ]] || { echo "$usage" >&2; exit 2; }
dir=$1 seconds=${2:-60}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "lifecycle: SECONDS must be a number" >&2; exit 2; }
[[ -f $dir/CMakeCache.txt ]] || { echo "lifecycle: $dir is not a configured tree" >&2; exit 2; }
$built || cmake --build "$dir" -j"$(nproc)" --target fuzz_pkvm --target replay_pkvm \
	--target s2script >/dev/null
for p in fuzzers/fuzz_pkvm fuzzers/replay_pkvm tools/s2script; do
	[[ -x $dir/$p ]] || { echo "lifecycle: $dir/$p is not built" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/header"
head -c "$("$dir/tools/s2script" header --target fuzz_pkvm)" /dev/zero >"$work/header/virt"
mapfile -t options < <(s2fuzz_libfuzzer_options "$root" fuzz_pkvm)
(cd "$work" && "$dir/fuzzers/fuzz_pkvm" -seed="$seed" -max_total_time="$seconds" -timeout=10 \
	-len_control=0 -max_len=2048 "${options[@]}" "$work/corpus" "$work/header" \
	>"$work/log" 2>&1) || {
	echo "lifecycle: fuzz_pkvm stopped on a finding:" >&2
	tail -30 "$work/log" >&2
	exit 1
}
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/log")
if ! "$dir/fuzzers/replay_pkvm" -v "$work/corpus" >"$work/replay" 2>&1; then
	echo "lifecycle: the kept corpus does not replay clean" >&2
	tail -30 "$work/replay" >&2
	exit 1
fi
kept=$(find "$work/corpus" -type f | wc -l)
echo "lifecycle: fuzz_pkvm from the header, seed $seed, ${seconds}s:" \
	"${runs:-?} executions, $kept inputs kept"
echo "lifecycle: the furthest lifecycles among them (inputs, milestones):"
{ grep '^lifecycle:' "$work/replay" || true; } | sort | uniq -c |
	awk '{ n = NF - 2 - ($NF == "(whole)"); print n, $0 }' | sort -k1,1n -k2,2n | tail -3 |
	cut -d' ' -f2- | sed 's/^/  /'
whole=$(grep -c '^lifecycle: .*(whole)$' "$work/replay" || true)
if ((whole == 0)); then
	echo "lifecycle: no kept input takes a guest through its whole life" >&2
	exit 1
fi
echo "lifecycle: $whole kept inputs take a guest through its whole life"
