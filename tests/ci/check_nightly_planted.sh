#!/usr/bin/env bash
# ./s2fuzz nightly on a core with a planted bug (docs/planted-bugs.md) must fail,
# and its report must list exactly one finding, de-duplicated over every engine
# and every input that hit it, with a replay command that reproduces it (the
# same signature line). SCRIPT, encoded with S2SCRIPT, goes into the working corpus
# first, as an input kept from an earlier night that the planted bug now makes fail:
# the night must report it whatever its fuzzing finds in its one minute.
# usage: check_nightly_planted.sh BUG TARGET WORKDIR S2SCRIPT SCRIPT
set -uo pipefail

bug=$1 target=$2 work=$3 s2script=$4 script=$5
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fail()
{
	echo "check_nightly_planted: FAILED: $*" >&2
	exit 1
}

rm -rf "$work/report" "$work/work"
mkdir -p "$work/work/corpus/$target"
"$s2script" encode --target "$target" "$script" "$work/work/corpus/$target/kept-input" ||
	fail "cannot encode $script"
S2FUZZ_NIGHTLY_BUILD=$work/build "$root/s2fuzz" nightly --minutes 1 --plant "$bug" \
	--report "$work/report" --work "$work/work" "$target" 2>&1 | tr '\r' '\n' |
	grep -v '^nightly \['
status=${PIPESTATUS[0]}
echo "check_nightly_planted: ./s2fuzz nightly exited with $status"
[[ $status -ne 0 ]] || fail "a planted bug and a zero exit status"
findings=$work/report/findings.tsv
[[ -f $findings ]] || fail "no findings table"
sed -n '/^## Findings/,/^## Plots/p' "$work/report/index.md"
rows=$(wc -l <"$findings")
[[ $rows -eq 1 ]] || fail "$rows findings listed, expected exactly one"
IFS=$'\t' read -r n t engine state sig replay <"$findings"
[[ $t == "$target" && $state == new ]] || fail "the finding is '$t' '$state'"
[[ $sig != "does not reproduce"* ]] || fail "the finding does not reproduce"
echo "check_nightly_planted: finding $n ($engine): $sig"
echo "check_nightly_planted: replaying: $replay"
out=$(cd "$root" && eval "$replay" 2>&1)
grep -qxF "s2fuzz-signature: $sig" <<<"$out" ||
	fail "the replay command did not reproduce the signature: $(tail -n 5 <<<"$out")"
[[ -s $work/report/findings/$n/script.txt ]] || fail "the finding was not decoded to a script"
echo "check_nightly_planted: the replay command reproduces it"
# Nothing of the night outlives it (afl-fuzz left its CMPLOG target stopped).
left=$(pgrep -af -- "^$work/build/" || true)
[[ -z $left ]] || fail "processes of the night are still there: $left"
echo "check_nightly_planted: no process of the night is left"
