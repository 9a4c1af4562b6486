#!/usr/bin/env bash
# The catalogue is whole: every patch tests/planted/NN-name.patch has its
# planted_bug_N_name_is_caught test (the list S2FUZZ_PLANTED_BUGS in cmake/planted.cmake,
# passed here as number, name, target triples) and its row in
# docs/planted-bugs.md, and every test and every row has its patch.
# usage: check_catalogue.sh ROOT [NUMBER NAME TARGET]...
set -uo pipefail

root=$1
shift
# shellcheck source=tests/planted/fail.sh
source "$(dirname "${BASH_SOURCE[0]}")/fail.sh"

declare -A patch_of test_of row_of
shopt -s nullglob
for p in "$root"/tests/planted/*.patch; do
	f=${p##*/}
	[[ $f =~ ^([0-9][0-9])-(.+)\.patch$ ]] || { fail "tests/planted/$f: not named NN-name.patch"; continue; }
	n=$((10#${BASH_REMATCH[1]}))
	[[ -z ${patch_of[$n]:-} ]] || fail "two patches for bug $n: ${patch_of[$n]} and $f"
	patch_of[$n]=$f
done
while (($# >= 3)); do
	n=$1 name=$2
	shift 3
	[[ -z ${test_of[$n]:-} ]] || fail "two tests for bug $n"
	test_of[$n]=$name
done
(($# == 0)) || fail "the list of tests is not made of (number, name, target) triples"
while read -r n; do
	row_of[$n]=1
done < <(sed -n 's/^| \([0-9][0-9]*\) |.*/\1/p' "$root/docs/planted-bugs.md")

for n in $(printf '%s\n' "${!patch_of[@]}" | sort -n); do
	want=$(printf '%02d-%s.patch' "$n" "${test_of[$n]:-}")
	if [[ -z ${test_of[$n]:-} ]]; then
		fail "tests/planted/${patch_of[$n]} has no planted_bug_${n}_*_is_caught test" \
			"(S2FUZZ_PLANTED_BUGS in cmake/planted.cmake)"
	elif [[ ${patch_of[$n]} != "$want" ]]; then
		fail "tests/planted/${patch_of[$n]}: the test names it $want"
	fi
	[[ -n ${row_of[$n]:-} ]] || fail "tests/planted/${patch_of[$n]} has no row in docs/planted-bugs.md"
done
for n in $(printf '%s\n' "${!test_of[@]}" | sort -n); do
	[[ -n ${patch_of[$n]:-} ]] ||
		fail "planted_bug_${n}_${test_of[$n]}_is_caught has no tests/planted/$(printf %02d "$n")-*.patch"
done
for n in $(printf '%s\n' "${!row_of[@]}" | sort -n); do
	[[ -n ${patch_of[$n]:-} ]] || fail "docs/planted-bugs.md has a row for bug $n but no patch"
done
((failed == 0)) || exit 1
echo "check_catalogue: ${#patch_of[@]} patches, each with its test and its row"
