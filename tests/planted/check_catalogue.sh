#!/usr/bin/env bash
# The catalogue is whole: every patch tests/planted/NN-name.patch has its
# planted_bug_N_name_is_caught test (the list S2FUZZ_PLANTED_BUGS in cmake/planted.cmake,
# passed here as number, name, target, signature rows) and its row in
# docs/planted-bugs.md, and every test and every row has its patch; each row
# names a fuzz target and pins a signature CHECK/..., and the docs' row shows
# the same signature.
# usage: check_catalogue.sh ROOT [NUMBER NAME TARGET SIGNATURE]...
set -uo pipefail

root=$1
shift
# shellcheck source=tests/planted/fail.sh
source "$(dirname "${BASH_SOURCE[0]}")/fail.sh"

declare -A patch_of test_of row_of signature_of
shopt -s nullglob
for p in "$root"/tests/planted/*.patch; do
	f=${p##*/}
	[[ $f =~ ^([0-9][0-9])-(.+)\.patch$ ]] || { fail "tests/planted/$f: not named NN-name.patch"; continue; }
	n=$((10#${BASH_REMATCH[1]}))
	[[ -z ${patch_of[$n]:-} ]] || fail "two patches for bug $n: ${patch_of[$n]} and $f"
	patch_of[$n]=$f
done
while (($# >= 4)); do
	n=$1 name=$2 target=$3 signature=$4
	shift 4
	[[ -z ${test_of[$n]:-} ]] || fail "two tests for bug $n"
	[[ $target =~ ^fuzz_[a-z]+$ ]] || fail "bug $n: '$target' is not a fuzz target"
	[[ $signature =~ ^[a-z-]+/[^[:space:]]*$ ]] ||
		fail "bug $n: '$signature' is not the start of a signature CHECK/OPERATION/WHAT"
	test_of[$n]=$name
	signature_of[$n]=$signature
done
(($# == 0)) || fail "the list of tests is not made of (number, name, target, signature) rows"
# The docs' table: | N | bug | where | caught by | `signature` |
while IFS='|' read -r _ n _ _ _ sig _; do
	n=${n// /}
	[[ $n =~ ^[0-9]+$ ]] || continue
	row_of[$n]=1
	sig=${sig//[ \`]/}
	[[ -z ${signature_of[$n]:-} || $sig == "${signature_of[$n]}" ]] ||
		fail "docs/planted-bugs.md pins '$sig' for bug $n, cmake/planted.cmake '${signature_of[$n]}'"
done < <(grep -E '^\| [0-9]+ \|' "$root/docs/planted-bugs.md")

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
