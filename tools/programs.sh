# shellcheck shell=bash
# Where a fuzz program lives in a build, and which corpus it fuzzes. Sourced by
# tools/fuzz.sh, tools/fuzz-bounded.sh and tools/nightly.sh (through fuzz.sh). fuzz_kernel_pgtable is one program
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

# s2fuzz_source_of ROOT TARGET: the source of a target or of one of its programs.
s2fuzz_source_of()
{
	case $2 in
	fuzz_kernel_pgtable | fuzz_kernel_pgtable_*) echo "$1/fuzzers/kernel/fuzz_kernel_pgtable.c" ;;
	*) echo "$1/fuzzers/$2.c" ;;
	esac
}

# s2fuzz_afl_mutator_path BUILD TARGET: the AFL++ custom mutator library of a
# target or of one of its programs (one per input format, whatever the tree).
s2fuzz_afl_mutator_path()
{
	case $2 in
	fuzz_kernel_pgtable | fuzz_kernel_pgtable_*)
		echo "$1/fuzzers/kernel/fuzz_kernel_pgtable_afl_mutator.so" ;;
	*) echo "$1/fuzzers/$2_afl_mutator.so" ;;
	esac
}
