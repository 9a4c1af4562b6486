#!/usr/bin/env bash
# ./s2fuzz replay on directories: every input in one runs (sorted, hidden files
# and the *.txt scripts beside regressions left out, each with the target its
# path names), one line per input and a summary, non-zero when one fails; a
# path that does not exist is a usage error (status 2) that names it.
# Real inputs run with BUILD's replay programs (the suite's own tree, taken as
# it is through S2FUZZ_REPLAY_BUILD); a failing input needs a broken core, so
# that case runs in WORK on a stand-in tree whose replay programs fail the
# inputs named *bad*.
# usage: check_s2fuzz_replay.sh BUILD WORK
set -uo pipefail

build=$1 work=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$work/out err=$work/err
fail()
{
	echo "check_s2fuzz_replay: FAILED: $*" >&2
	echo "--- stdout:" >&2
	cat "$out" >&2
	echo "--- stderr:" >&2
	cat "$err" >&2
	exit 1
}
# replay TREE ARGS...: ./s2fuzz replay from the source root, status in $status.
replay()
{
	local tree=$1
	shift
	(cd "$root" && S2FUZZ_REPLAY_BUILD=$tree ./s2fuzz replay "$@") >"$out" 2>"$err"
	status=$?
}
# The "replay:" lines of the last run, without the prefix.
results()
{
	sed -n 's/^replay: //p' "$out"
}

rm -rf "$work"
mkdir -p "$work"

# 1. Two regressions directories, real inputs: all clean, each under its target.
replay "$build" corpora/fuzz_parallel/regressions corpora/fuzz_hvc/regressions
[[ $status -eq 0 ]] || fail "regressions: status $status, expected 0"
want=$(
	for d in fuzz_parallel fuzz_hvc; do
		(cd "$root" && find "corpora/$d/regressions" -name '*.bin' | LC_ALL=C sort) |
			sed "s|.*|ok      & ($d)|"
	done
	n=$(find "$root"/corpora/{fuzz_parallel,fuzz_hvc}/regressions -name '*.bin' | wc -l)
	echo "$n inputs, $n ok, 0 failed"
)
[[ $(results) == "$want" ]] || fail "regressions: expected the lines
$want"
echo "check_s2fuzz_replay: regressions: $(results | tail -n 1)"

# 2. A stand-in tree: a failing input, sorting, what a directory leaves out, --target.
fake=$work/fake
in=$work/in/fuzz_pgtable
mkdir -p "$fake/fuzzers" "$fake/tools" "$in/sub" "$in/.hidden" "$work/empty"
for t in replay_pkvm replay_hvc replay_pgtable replay_parallel; do
	cat >"$fake/fuzzers/$t" <<EOF
#!/bin/sh
for f; do [ "\$f" = -v ] || last=\$f; done
echo "$t \$last" >>"$work/ran"
case \$last in *bad*) echo "s2fuzz-signature: stand-in/$t" >&2; exit 1 ;; esac
EOF
	chmod +x "$fake/fuzzers/$t"
done
printf '#!/bin/sh\necho "(script)"\n' >"$fake/tools/s2script"
chmod +x "$fake/tools/s2script"
touch "$in/b.bin" "$in/a-bad.bin" "$in/C.bin" "$in/sub/d" "$in/notes.txt" "$in/.x" \
	"$in/.hidden/e"
rm -f "$work/ran"
replay "$fake" "$in"
[[ $status -eq 1 ]] || fail "a failing input: status $status, expected 1"
want="ok      $in/C.bin (fuzz_pgtable)
FAILED  $in/a-bad.bin (fuzz_pgtable): status 1
ok      $in/b.bin (fuzz_pgtable)
ok      $in/sub/d (fuzz_pgtable)
4 inputs, 3 ok, 1 failed"
[[ $(results) == "$want" ]] || fail "a failing input: expected the lines
$want"
grep -q '^s2fuzz-signature: stand-in/replay_pgtable$' "$out" ||
	fail "the failing input's report was not shown"
echo "check_s2fuzz_replay: a failing input: $(results | tail -n 1), status 1"

rm -f "$work/ran"
replay "$fake" --target fuzz_hvc "$in/b.bin" "$in"
[[ $status -eq 1 ]] || fail "--target: status $status, expected 1"
[[ $(sort -u <"$work/ran" | cut -d' ' -f1 | uniq) == replay_hvc ]] ||
	fail "--target fuzz_hvc ran $(cut -d' ' -f1 <"$work/ran" | sort -u | xargs)"
grep -q '^(script)$' "$out" || fail "a file named on its own is not printed as a script"
[[ $(results | tail -n 1) == "5 inputs, 4 ok, 1 failed" ]] || fail "--target: wrong summary"
echo "check_s2fuzz_replay: --target: every input through replay_hvc"

# 3. Usage errors: status 2, the path named, nothing run.
rm -f "$work/ran"
replay "$fake" "$work/no/such/dir"
[[ $status -eq 2 ]] || fail "a path that does not exist: status $status, expected 2"
grep -q "^s2fuzz: no such input file or directory '$work/no/such/dir'" "$err" ||
	fail "a path that does not exist: no message naming it"
replay "$fake" "$work/empty"
[[ $status -eq 2 ]] || fail "an empty directory: status $status, expected 2"
grep -q "^s2fuzz: no input file in directory '$work/empty'" "$err" ||
	fail "an empty directory: no message naming it"
[[ ! -e $work/ran ]] || fail "a usage error ran inputs"
echo "check_s2fuzz_replay: a missing path and an empty directory: status 2, named"
