#!/usr/bin/env bash
# What cmake/planted.cmake does with -DS2FUZZ_PLANT=N, on a copy of the parts
# it reads (core/, tests/planted/*.patch) in a small project of its own: the
# core is compiled from a patched copy; a number with no patch stops the
# configure; a change to core/ that breaks the patch stops the next build
# (which configures again), with the patch named, rather than building the
# core without its bug.
# usage: check_plant_configure.sh ROOT WORKDIR
set -uo pipefail

root=$1 work=$2
fail()
{
	echo "check_plant_configure: FAILED: $*" >&2
	exit 1
}

rm -rf "$work"
mkdir -p "$work/src/cmake" "$work/src/tests/planted"
cp -r "$root/core" "$work/src/"
cp "$root/cmake/planted.cmake" "$work/src/cmake/"
cp "$root"/tests/planted/*.patch "$work/src/tests/planted/"
cat >"$work/src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(plant_configure NONE)
include(cmake/planted.cmake)
s2fuzz_core_source_dir(core_dir "${S2FUZZ_PLANT}")
message(STATUS "core source dir: ${core_dir}")
CMAKE

patch=$(cd "$work/src/tests/planted" && ls -- *.patch | head -1)
[[ -n $patch ]] || fail "no patch in $root/tests/planted"
n=$((10#${patch%%-*}))
file=$(sed -n 's|^+++ b/||p' "$work/src/tests/planted/$patch" | head -1)

# A planted build: the core comes from a copy that differs from core/ in the patch's files.
out=$(cmake -S "$work/src" -B "$work/build" -DS2FUZZ_PLANT="$n" 2>&1) ||
	fail "plant $n ($patch) does not configure: $out"
copy=$work/build/planted-core/core
grep -qxF -- "-- core source dir: $copy" <<<"$out" || fail "plant $n: not built from $copy: $out"
cmp -s "$work/src/$file" "$work/build/planted-core/$file" && fail "plant $n: $file is not patched"
[[ -z $(find "$copy" -name '*.orig' -o -name '*.rej') ]] || fail "patch left .orig or .rej files"
echo "check_plant_configure: plant $n builds the core from a copy with $patch applied"

# Unplanted again: core/ itself, and the copy is gone.
out=$(cmake -S "$work/src" -B "$work/build" -DS2FUZZ_PLANT= 2>&1) || fail "unplanted: $out"
grep -qxF -- "-- core source dir: $work/src/core" <<<"$out" || fail "unplanted: not core/: $out"
[[ ! -e $work/build/planted-core ]] || fail "unplanted: the planted copy is left behind"
echo "check_plant_configure: unplanted builds core/ itself"

# A number with no patch.
out=$(cmake -S "$work/src" -B "$work/build-99" -DS2FUZZ_PLANT=99 2>&1) &&
	fail "plant 99 (no patch) configured: $out"
grep -q '99-\*\.patch' <<<"$out" || fail "plant 99: the error does not say which patch is missing: $out"
echo "check_plant_configure: a number with no patch stops the configure"

# core/ changes under the patch after a good configure: the next build configures again and fails.
cmake -S "$work/src" -B "$work/build" -DS2FUZZ_PLANT="$n" >/dev/null 2>&1 || fail "plant $n again"
sleep 1	# a newer time stamp than the build's own
: >"$work/src/$file"
out=$(cmake --build "$work/build" 2>&1) && fail "plant $n: built after $file changed under its patch: $out"
grep -qF "$patch" <<<"$out" && tr -s ' \n' ' ' <<<"$out" | grep -q 'does not apply to core/' ||
	fail "plant $n: the error does not name $patch: $out"
echo "check_plant_configure: a core change that breaks $patch stops the build, naming it"
rm -rf "$work"
