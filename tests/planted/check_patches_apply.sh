#!/usr/bin/env bash
# Every planted bug's patch (tests/planted/NN-name.patch) applies to core/ as
# it is now, with the options the build applies it with (PATCH_ARGS, from
# cmake/planted.cmake): a change to the core that breaks one fails here, with
# the patch named, rather than in the build of that one bug.
# usage: check_patches_apply.sh ROOT PATCH_ARGS...
set -uo pipefail

root=$1
shift
# shellcheck source=tests/planted/fail.sh
source "$(dirname "${BASH_SOURCE[0]}")/fail.sh"

shopt -s nullglob
patches=("$root"/tests/planted/*.patch)
((${#patches[@]})) || { echo "check_patches_apply: no patch in $root/tests/planted" >&2; exit 1; }
for p in "${patches[@]}"; do
	name=tests/planted/${p##*/}
	[[ ${p##*/} =~ ^[0-9][0-9]-[a-z0-9_]+\.patch$ ]] || fail "$name: not named NN-name.patch"
	targets=$(sed -n 's/^+++ //p' "$p")
	[[ -n $targets ]] || { fail "$name changes no file"; continue; }
	outside=$(grep -v '^b/core/' <<<"$targets")
	[[ -z $outside ]] || fail "$name changes files outside core/: $outside"
	if ! out=$(patch --dry-run "$@" -d "$root" -i "$p" 2>&1); then
		fail "$name does not apply to core/:"
		sed 's/^/  /' <<<"$out" >&2
		continue
	fi
	echo "check_patches_apply: $name applies to core/"
done
((failed == 0)) || { echo "check_patches_apply: $failed problems" >&2; exit 1; }
echo "check_patches_apply: all ${#patches[@]} patches apply"
