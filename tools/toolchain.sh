# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are read by the files that source this one
# The project's clang: one version for every tree built with clang (asan, tsan,
# libFuzzer, MSan, coverage, planted bugs, the emulated OSS-Fuzz build) and the
# LLVM tools that read what it makes. README.md (Toolchain) says why this one.
# AFL++'s trees are the exception: afl-clang-fast is Debian afl++ 4.04c's own
# wrapper, built against LLVM 14, and brings clang 14 along.
# Sourced by ./s2fuzz and by the scripts in tools/ that build.

S2FUZZ_LLVM_VERSION=19
S2FUZZ_CC=clang-$S2FUZZ_LLVM_VERSION
S2FUZZ_CXX=clang++-$S2FUZZ_LLVM_VERSION
S2FUZZ_LLVM_PROFDATA=llvm-profdata-$S2FUZZ_LLVM_VERSION
S2FUZZ_LLVM_COV=llvm-cov-$S2FUZZ_LLVM_VERSION

# s2fuzz_forget_other_compiler DIR CC: CMake keeps the compiler of a tree's
# first configure, so a tree configured with another compiler (such as plain
# clang, 14, before the project moved on) is cleaned and its cache dropped:
# the configure that follows starts anew with CC.
s2fuzz_forget_other_compiler()
{
	local dir=$1 cc=$2 cached want
	[[ -f $dir/CMakeCache.txt ]] || return 0
	cached=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$dir/CMakeCache.txt")
	want=$(command -v "$cc" || echo "$cc")
	[[ $cached == "$want" ]] && return 0
	echo "s2fuzz: $dir was configured with ${cached:-another compiler}: starting it anew with $cc" >&2
	cmake --build "$dir" --target clean >/dev/null 2>&1 || true
	rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
}
