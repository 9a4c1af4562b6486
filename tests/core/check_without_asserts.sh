#!/usr/bin/env bash
# The core built as a production build would build it, every CORE_ASSERT
# evaluating nothing (-DS2FUZZ_CORE_ASSERTS=OFF), must still be the core: the
# replay program REPLAY runs INPUTs (seeds, regressions) clean against the
# reference. An assertion whose condition does work the core needs (a call
# with an effect) loses that work in such a build, and the replay disagrees
# or crashes. Only the core goes without assertions; the harness keeps its own.
# usage: check_without_asserts.sh BUILD_DIR CC REPLAY INPUT...
set -uo pipefail

dir=$1 cc=$2 replay=$3
shift 3
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fail()
{
	echo "check_without_asserts: FAILED: $*" >&2
	exit 1
}

CC=$cc cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	"-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g" -DS2FUZZ_BUILD_TESTS=OFF \
	-DS2FUZZ_CORE_ASSERTS=OFF >/dev/null || fail "cannot configure $dir"
cmake --build "$dir" -j2 --target "$replay" >/dev/null || fail "cannot build $replay"
# The knob must have reached the core, or this checks nothing.
grep -q 'S2FUZZ_NO_CORE_ASSERTS.*core/src/\|core/src/.*S2FUZZ_NO_CORE_ASSERTS' \
	"$dir/compile_commands.json" || fail "the core was built with its assertions"
echo "check_without_asserts: core without assertions; $replay ${*#"$root"/}"
"$dir/fuzzers/$replay" "$@" || fail "$replay disagrees with the reference (status $?)"
