#!/usr/bin/env bash
# The verbose trace of a run longer than the report's memory (4,096 steps)
# numbers every step once, each with its own result: 5,000 pool_unhide records
# must print indices 0 to 4999, in order.
# usage: check_trace_past_4096.sh REPLAY_PKVM S2SCRIPT WORKDIR
set -euo pipefail
replay=$1 s2script=$2 work=$3
mkdir -p "$work"
# The zero header (QEMU virt: docs/input-format.md), then 5,000 records whose every
# byte is 0x10: operation 16, pool_unhide.
header=$("$s2script" header --target fuzz_pkvm)
{ head -c "$header" /dev/zero; head -c $((16 * 5000)) /dev/zero | tr '\0' '\020'; } >"$work/long.bin"
"$replay" -v "$work/long.bin" >"$work/trace.txt"
indices=$(awk '/^ *[0-9]+  pool_unhide/ { print $1 }' "$work/trace.txt")
expected=$(seq 0 4999)
if [[ "$indices" != "$expected" ]]; then
	echo "the trace does not number steps 0..4999 once each; around 4096 it says:" >&2
	grep -n -m3 -E '^ *409[5-7]  ' "$work/trace.txt" >&2 || true
	echo "last lines:" >&2
	tail -3 "$work/trace.txt" >&2
	exit 1
fi
echo "5000 steps traced as 0..4999"
