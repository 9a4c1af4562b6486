#!/usr/bin/env bash
# bench-instructions.sh PROGRAM WORK: instruction counts beside section 1's
# wall times. Runs the core-speed benchmark PROGRAM (bench_core_<tree>) at its
# --quick sizes under valgrind's callgrind, which counts the instructions of
# each measured region alone (bench/stats.c dumps them, labelled with the row,
# the side and the region's operations), and prints a Markdown table of
# instructions per operation, each side's beside Linux's. Counts do not depend
# on a shared machine's load; the sizes are --quick's, so the rows of one call
# over a range (3-5) do less work per call than at full size.
set -euo pipefail

[[ $# -eq 2 && -x $1 ]] || { echo "usage: bench-instructions.sh PROGRAM WORK" >&2; exit 2; }
program=$1 work=$2
rm -rf "$work"
mkdir -p "$work"
valgrind --tool=callgrind --collect-atstart=yes --callgrind-out-file="$work/cg" \
	"$program" --quick >"$work/table" 2>"$work/valgrind.log" ||
	{ tail -n 20 "$work/valgrind.log" >&2; echo "bench-instructions: valgrind failed" >&2; exit 1; }

# Every dump: "row side ops instructions".
for f in "$work"/cg.*; do
	awk 'BEGIN { want["row"]; want["side"]; want["ops"] }
	     /^desc: Trigger: Client Request: s2fuzz-region / {
		for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] in want) v[kv[1]] = kv[2] }
	     }
	     /^summary: / { ir = $2 }
	     END { if ("row" in v) print v["row"], v["side"], v["ops"], ir }' \
		"$f"
done >"$work/regions"
[[ -s $work/regions ]] || { echo "bench-instructions: no region was counted" >&2; exit 1; }

# The rows' names, from the program's own table (its first column), in order.
mapfile -t names < <(awk -F' \\| ' 'NR > 2 && /^\| / { sub(/^\| /, "", $1); print $1 }' \
	"$work/table")

echo "| workload (--quick sizes) | Linux, instructions/op | ours, release platform | ratio | ours on sim/ | ratio |"
echo "|---|---|---|---|---|---|"
awk -v names="$(printf '%s\n' "${names[@]}")" '
	BEGIN { n = split(names, name, "\n") }
	{ ir[$1, $2] += $4; ops[$1, $2] += $3; rows[$1] = 1 }
	END {
		for (r = 1; r <= n; r++) {
			if (!(r in rows))
				continue
			for (s = 0; s < 3; s++)
				per[s] = ops[r, s] ? ir[r, s] / ops[r, s] : 0
			printf "| %s | %.0f | %.0f | %.2fx | %.0f | %.2fx |\n", name[r], per[0], per[1],
			       per[0] ? per[1] / per[0] : 0, per[2], per[0] ? per[2] / per[0] : 0
		}
	}' "$work/regions"
