# shellcheck shell=bash
# AFL++'s structure-aware mutator (fuzzers/afl_mutator.c). A target whose
# source names its world in FZ_MUTATOR_HOOKS has one, built in an AFL++ tree
# as fuzzers/<target>_afl_mutator.so (fuzzers/kernel/ for fuzz_kernel_pgtable,
# one for every tree; tools/programs.sh says where); fuzzers/CMakeLists.txt
# finds them by the same line; afl-fuzz loads it from AFL_CUSTOM_MUTATOR_LIBRARY and runs it
# before its own havoc and splicing, which stay on.
# Sourced by ./s2fuzz (for tools/fuzz.sh and tools/nightly.sh) and by
# tools/fuzz-bounded.sh, each with tools/programs.sh.

# s2fuzz_has_afl_mutator ROOT TARGET: true if TARGET has a mutator library.
s2fuzz_has_afl_mutator()
{
	grep -q '^FZ_MUTATOR_HOOKS(' "$(s2fuzz_source_of "$1" "$2")"
}

# s2fuzz_afl_mutator_env ROOT BUILD_DIR TARGET: prints the environment that
# makes afl-fuzz load TARGET's mutator from the AFL++ tree BUILD_DIR, or
# nothing for a target without one; fails if the library is not built.
s2fuzz_afl_mutator_env()
{
	local root=$1 dir=$2 target=$3 lib
	s2fuzz_has_afl_mutator "$root" "$target" || return 0
	lib=$(s2fuzz_afl_mutator_path "$dir" "$target")
	if [[ ! -f $lib ]]; then
		echo "s2fuzz: $lib is not built" >&2
		return 1
	fi
	echo "AFL_CUSTOM_MUTATOR_LIBRARY=$lib"
}
