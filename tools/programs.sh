# shellcheck shell=bash
# Where a fuzz program lives in a build, and which corpus it fuzzes. Sourced by
# tools/fuzz.sh and tools/fuzz-bounded.sh. fuzz_kernel_pgtable is one program
# per kernel tree, fuzz_kernel_pgtable_<tree> (fuzzers/kernel/), on one corpus.

# s2fuzz_corpus_of PROGRAM: the corpus (seeds, regressions, options) it fuzzes.
s2fuzz_corpus_of()
{
	case $1 in
	fuzz_kernel_pgtable_*) echo fuzz_kernel_pgtable ;;
	*) echo "$1" ;;
	esac
}

# s2fuzz_program_path BUILD PROGRAM: a fuzz or replay program's path in BUILD.
s2fuzz_program_path()
{
	case $2 in
	fuzz_kernel_pgtable_* | replay_kernel_pgtable_*) echo "$1/fuzzers/kernel/$2" ;;
	*) echo "$1/fuzzers/$2" ;;
	esac
}
