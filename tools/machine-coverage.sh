#!/usr/bin/env bash
# Machine descriptions fuzzed alone (issue 11, SPEC §8):
#   machine-coverage.sh BUILD_DIR RUNS
# builds fuzz_pkvm under libFuzzer with llvm-cov's instrumentation in
# BUILD_DIR, fuzzes header-only inputs (-max_len = the machine header) for
# RUNS executions with seed 1 from the zero header and the headers of the
# seed corpus (one process, a fixed number of runs: the same descriptions on
# any machine, however loaded), and fails if core and reference disagreed on any description, or
# if any branch of the description checks that leads to -EINVAL (in core/
# and in reference/) was never taken. Prints every such branch with its
# counts.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/toolchain.sh
source "$root/tools/toolchain.sh"
[[ $# -eq 2 && $2 =~ ^[0-9]+$ ]] || { echo "usage: machine-coverage.sh BUILD_DIR RUNS" >&2; exit 2; }
dir=$1 nruns=$2

s2fuzz_forget_other_compiler "$dir" "$S2FUZZ_CC"
CC=$S2FUZZ_CC cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	"-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g" -DS2FUZZ_ENGINE=libfuzzer \
	"-DCMAKE_C_FLAGS=-fprofile-instr-generate -fcoverage-mapping" >/dev/null
cmake --build "$dir" -j"$(nproc)" --target fuzz_pkvm fuzz_pkvm_seeds >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/seeds"
header=$("$dir/tools/s2script" header --target fuzz_pkvm)
head -c "$header" /dev/zero >"$work/seeds/zero"
for s in "$dir"/corpora/fuzz_pkvm/seeds/*.bin; do
	head -c "$header" "$s" >"$work/seeds/$(basename "$s")"
done
(cd "$work" && LLVM_PROFILE_FILE="$work/%p.profraw" "$dir/fuzzers/fuzz_pkvm" -seed=1 \
	-max_len="$header" -runs="$nruns" -use_value_profile=1 -timeout=20 \
	-artifact_prefix="$work/" "$work/corpus" "$work/seeds" >"$work/log" 2>&1) || true
runs=$(awk '/^#[0-9]+.*DONE/ { sub("#", "", $1); print $1 }' "$work/log")
crash=$(find "$work" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'timeout-*' | head -1)
if [[ -n $crash || -z $runs ]]; then
	echo "machine-coverage: the run ended on a finding (or did not finish):" >&2
	grep -A12 "==== s2fuzz" "$work/log" >&2 || tail -20 "$work/log" >&2
	[[ -z $crash ]] || { mkdir -p "$root/out/findings" && cp "$crash" "$root/out/findings/"; }
	exit 1
fi
echo "machine-coverage: $runs descriptions, core and reference agreed on each"

"$S2FUZZ_LLVM_PROFDATA" merge -sparse "$work"/*.profraw -o "$work/all.profdata"
# The checks, and which way of their branches means -EINVAL: the condition
# true for an if that returns the error (or a term of prot_ok()'s last
# refusal), false for a term of region_ok() and private_span_ok(), which
# say what is fine.
"$S2FUZZ_LLVM_COV" show -show-branches=count -instr-profile="$work/all.profdata" \
	"$dir/fuzzers/fuzz_pkvm" -name=host_layout_valid -name=pkvm_desc_check \
	-name=pkvm_desc_check_hyp_private -name=private_span_ok -name=ref_mem_from_desc \
	-name=region_ok -name=ref_hyp_private_check -name=span_ok -name=prot_ok \
	>"$work/branches.txt"
awk '
	BEGIN {
		checked["host_layout_valid"]; checked["pkvm_desc_check"]
		checked["pkvm_desc_check_hyp_private"]; checked["ref_mem_from_desc"]
		checked["ref_hyp_private_check"]; checked["ref_hyp_private.c:span_ok"]
		checked["ref_hyp_private.c:prot_ok"]
		falsy["ref_mem.c:region_ok"]; falsy["pkvm_hyp_private.c:private_span_ok"]
	}
	/^[^ |].*:$/ { fn = substr($0, 1, length($0) - 1); next }
	/^ *[0-9]+\|/ { n = $0 + 0; t = $0; sub(/^ *[0-9]+\|[^|]*\|/, "", t); text[n] = t; next }
	/Branch \(/ {
		s = $0
		gsub(/[()\[\],]/, " ", s)
		split(s, w, " ")
		split(w[3], at, ":")
		if (text[at[1]] ~ /^[ \t]*(for|while) \(/)
			next
		if (!(fn in checked) && !(fn in falsy))
			next
		want = fn in falsy ? w[8] : w[6]
		way = fn in falsy ? "false" : "true"
		line = text[at[1]]
		gsub(/^[ \t]+/, "", line)
		printf "%-27s %4s:%-3s %-5s %6s  %s\n", fn, at[1], at[2], way, want, line
		total++
		if (want == "0") { missed++; print "  ^ never taken" }
	}
	END {
		printf "machine-coverage: %d of %d -EINVAL branches taken\n", total - missed, total
		if (!total || missed) exit 1
	}
' "$work/branches.txt"
