#!/usr/bin/env bash
# A run that dies outside the checks still reports whole (fuzzers/lib/last_words.h):
# the trace with the operation it died in, the check and a signature line. The
# probe program (report_probe.c wrapped around the core's host_share_hyp) dies
# on request: a core assertion, a wild read, an operation that never returns;
# under the sanitizers also a use-after-free (ASan) and a bad shift (UBSan).
# With FUZZER (a libFuzzer build of the probe) the fuzzer must still save the
# input after the report.
# usage: check_last_words.sh S2SCRIPT PROBE WORK_DIR plain|sanitized [FUZZER]
set -uo pipefail
[[ $# -eq 4 || $# -eq 5 ]] ||
	{ echo "usage: check_last_words.sh S2SCRIPT PROBE WORK_DIR plain|sanitized [FUZZER]" >&2; exit 2; }
s2script=$1 probe=$2 work=$3 mode=$4 fuzzer=${5:-}
rm -rf "$work" && mkdir -p "$work" || exit 2
failed=0
fail() { echo "check_last_words: FAILED: $*" >&2; failed=$((failed + 1)); }

# input NAME PFN: a run whose second operation asks the probe for PFN.
input()
{
	printf 'machine preset=virt\nhost_share_hyp pfn=mem:0\nhost_share_hyp pfn=%s\n' "$2" \
		>"$work/$1.txt"
	"$s2script" encode --target fuzz_pkvm "$work/$1.txt" "$work/$1.bin" >/dev/null ||
		fail "$1: s2script could not encode the probe's input"
}

# expect NAME PFN SIGNATURE_PREFIX CHECK [ENV...]: the probe dies with a whole report.
expect()
{
	local name=$1 pfn=$2 want=$3 check=$4 log=$work/$1.log sig
	shift 4
	input "$name" "$pfn"
	if env "$@" "$probe" "$work/$name.bin" >"$log" 2>&1; then
		fail "$name: the probe ran clean"
		return
	fi
	sig=$(sed -n 's/^s2fuzz-signature: //p' "$log")
	[[ $(grep -c '^s2fuzz-signature: ' "$log") -eq 1 ]] ||
		fail "$name: not one signature line: $(grep -c '^s2fuzz-signature: ' "$log")"
	[[ $sig == "$want"* ]] || fail "$name: signature '$sig', expected '$want...'"
	grep -q '^==== s2fuzz: the run died ====$' "$log" || fail "$name: no report header"
	grep -qE '^ +0  host_share_hyp pfn=0x[0-9a-f]+ +-> 0' "$log" ||
		fail "$name: the operation that ran before is not in the trace"
	grep -qE "^ +1  host_share_hyp pfn=$pfn +-> died in the core's call\$" "$log" ||
		fail "$name: the operation it died in is not in the trace"
	grep -q "^check: $check\$" "$log" || fail "$name: no 'check: $check' line"
	((failed)) && cat "$log" >&2
	echo "$name: $sig"
}

expect assertion 0x7e50 "assert/host_share_hyp/report_probe.c:" assert
expect wild-read 0x7e52 "signal/host_share_hyp/SEGV" signal
expect never-returns 0x7e53 "timeout/host_share_hyp/watchdog" timeout S2FUZZ_WATCHDOG_SECONDS=1
if [[ $mode == sanitized ]]; then
	expect use-after-free 0x7e51 \
		"asan/host_share_hyp/heap-use-after-free:__wrap_pkvm_host_share_hyp" asan
	expect bad-shift 0x7e54 "ubsan/host_share_hyp/invalid-shift-exponent:report_probe.c:" ubsan
fi

# Under libFuzzer the report comes first, once, and the fuzzer still saves the
# input: as a crash, or (an operation that never returns) as a timeout, at
# libFuzzer's own -timeout after the watchdog's report at half of it.
if [[ -n $fuzzer ]]; then
	for name in assertion use-after-free wild-read never-returns; do
		out=$work/fuzzer-$name saved=crash-*
		[[ $name == never-returns ]] && saved=timeout-*
		mkdir -p "$out/corpus"
		cp "$work/$name.bin" "$out/corpus/"
		"$fuzzer" -runs=10 -timeout=4 -artifact_prefix="$out/" "$out/corpus" >"$out/log" 2>&1 &&
			fail "libFuzzer, $name: the probe ran clean"
		[[ $(grep -c '^s2fuzz-signature: ' "$out/log") -eq 1 ]] ||
			fail "libFuzzer, $name: not one signature line"
		# shellcheck disable=SC2086 # $saved is a pattern
		cmp -s "$(find "$out" -name "$saved" | head -1)" "$work/$name.bin" ||
			{ fail "libFuzzer, $name: the input was not saved as $saved"; cat "$out/log" >&2; }
	done
fi
((failed == 0)) || exit 1
echo "check_last_words: every death reported whole ($mode)"
