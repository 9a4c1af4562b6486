#!/usr/bin/env bash
# The nightly's prescreen (every input a run starts from, run before fuzzing):
# on a night where nothing fails it is one process for all inputs, not one per
# input (a grown working corpus made a 10-minute night take over an hour); when
# one fails, every input runs alone and exactly the failing one is kept. The
# decoded .txt beside a regression is not an input. A stand-in replay program
# records how it was called and fails inputs named *bad*.
# usage: check_nightly_prescreen.sh NIGHTLY_SH WORKDIR
set -euo pipefail
nightly=$1 w=$2
rm -rf "$w" && mkdir -p "$w/b/libfuzzer/fuzzers" "$w/b/coverage/corpora/fuzz_pkvm/seeds" \
	"$w/work/corpus/fuzz_pkvm" "$w/root/corpora/fuzz_pkvm/regressions" "$w/run"
printf '#!/usr/bin/env bash\necho "$#" >>"%s/calls"\nfor f; do [[ $f == *bad* ]] && exit 134; done\nexit 0\n' \
	"$w" >"$w/b/libfuzzer/fuzzers/replay_pkvm"
chmod +x "$w/b/libfuzzer/fuzzers/replay_pkvm"
touch "$w"/work/corpus/fuzz_pkvm/{a,b,c} "$w/b/coverage/corpora/fuzz_pkvm/seeds/s1" \
	"$w"/root/corpora/fuzz_pkvm/regressions/{r1.bin,r1.txt}
NIGHTLY_BUILD=$w/b NIGHTLY_WORK=$w/work ROOT=$w/root
# shellcheck disable=SC1090 # the two functions, from the script as it is
# shellcheck source=tools/programs.sh
source "$(dirname "$nightly")/programs.sh"
source <(sed -n '/^nightly_bin()/,/^}/p;/^nightly_inputs()/,/^}/p;/^nightly_prescreen()/,/^}/p' \
	"$nightly")
nightly_prescreen libfuzzer fuzz_pkvm "$w/run"
calls=$(tr '\n' ' ' <"$w/calls")
[[ $calls == "5 " ]] || { echo "clean night: replay calls '$calls', want one call with 5 inputs" >&2; exit 1; }
[[ -z $(ls -A "$w/run/crashes") ]] || { echo "clean night kept an input" >&2; exit 1; }
rm "$w/calls" && touch "$w/work/corpus/fuzz_pkvm/bad1"
nightly_prescreen libfuzzer fuzz_pkvm "$w/run"
kept=$(ls "$w/run/crashes")
[[ $kept == prescreen-bad1 ]] || { echo "failing night kept '$kept', want prescreen-bad1" >&2; exit 1; }
echo "prescreen: one process on a clean night ($calls), the failing input alone kept ($kept)"
