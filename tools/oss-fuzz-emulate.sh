#!/usr/bin/env bash
# Runs oss-fuzz/build.sh in an emulated OSS-Fuzz build environment: the variables
# set as the base-builder image sets them for ENGINE and SANITIZER, with Debian's
# clang (tools/toolchain.sh's) and afl++ in place of the image's, then checks $OUT
# and runs every built target once over its seed corpus zip (no finding allowed).
#
# usage: oss-fuzz-emulate.sh ENGINE SANITIZER WORKDIR
#   ENGINE     libfuzzer | afl
#   SANITIZER  address | undefined | memory | coverage
set -euo pipefail

[[ $# -eq 3 ]] || { sed -n '7,9p' "$0" | sed 's/^# //' >&2; exit 2; }
engine=$1 sanitizer=$2 work=$3
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/toolchain.sh
source "$root/tools/toolchain.sh"
# shellcheck source=tools/libfuzzer-options.sh
source "$root/tools/libfuzzer-options.sh"

common="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
case $sanitizer in
address) san="-fsanitize=address -fsanitize-address-use-after-scope" ;;
undefined)
	san="-fsanitize=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr"
	san+=" -fno-sanitize-recover=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr"
	;;
memory) san="-fsanitize=memory -fsanitize-memory-track-origins" ;;
coverage)
	san="-fprofile-instr-generate -fcoverage-mapping -pthread -Wl,--no-as-needed -Wl,-ldl -Wl,-lm -Wno-unused-command-line-argument"
	;;
*) echo "oss-fuzz-emulate: unknown sanitizer '$sanitizer'" >&2; exit 2 ;;
esac

case $engine in
libfuzzer)
	export CC=$S2FUZZ_CC CXX=$S2FUZZ_CXX LIB_FUZZING_ENGINE=-fsanitize=fuzzer
	cov="-fsanitize=fuzzer-no-link"
	;;
afl)
	[[ $sanitizer == address || $sanitizer == undefined ]] ||
		{ echo "oss-fuzz-emulate: AFL++ builds take address or undefined" >&2; exit 2; }
	export CC=afl-clang-fast CXX=afl-clang-fast++ LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a
	export AFL_QUIET=1
	cov=""
	;;
*) echo "oss-fuzz-emulate: unknown engine '$engine'" >&2; exit 2 ;;
esac
[[ $sanitizer == coverage ]] && cov=""

export FUZZING_ENGINE=$engine SANITIZER=$sanitizer ARCHITECTURE=x86_64 FUZZING_LANGUAGE=c
export CFLAGS="$common $san $cov" CXXFLAGS="$common $san $cov"
export SRC=$work/src WORK=$work/work OUT=$work/out
rm -rf "$work"
mkdir -p "$SRC" "$WORK" "$OUT"
ln -s "$root" "$SRC/s2fuzz"
"$root/oss-fuzz/build.sh"

mapfile -t targets < <(cd "$root/fuzzers" && ls fuzz_*.c | sed 's/\.c$//')
status=0
for t in "${targets[@]}"; do
	for f in "$t" "${t}_seed_corpus.zip" "$t.dict" "$t.options"; do
		[[ -s $OUT/$f ]] || { echo "oss-fuzz-emulate: \$OUT/$f is missing" >&2; status=1; }
	done
	# The target's own options (corpora/T/T.options) reach OSS-Fuzz's.
	while IFS= read -r flag; do
		line=$(sed 's/^-\([a-z_]*\)=\(.*\)$/\1 = \2/' <<<"$flag")
		grep -qxF "$line" "$OUT/$t.options" 2>/dev/null ||
			{ echo "oss-fuzz-emulate: \$OUT/$t.options lacks '$line'" >&2; status=1; }
	done < <(s2fuzz_libfuzzer_options "$root" "$t")
	[[ -x $OUT/$t ]] || continue
	corpus=$WORK/run/$t
	mkdir -p "$corpus"
	unzip -q -o "$OUT/${t}_seed_corpus.zip" -d "$corpus"
	n=$(find "$corpus" -type f | wc -l)
	[[ $n -gt 0 ]] || { echo "oss-fuzz-emulate: $t has an empty seed corpus" >&2; status=1; }
	log=$WORK/run/$t.log
	if [[ $engine == libfuzzer ]]; then
		(cd "$WORK/run" && LLVM_PROFILE_FILE="$WORK/run/$t.profraw" \
			"$OUT/$t" -runs=0 "$corpus" >"$log" 2>&1) || {
			echo "oss-fuzz-emulate: $t found something in its seed corpus:" >&2
			tail -n 30 "$log" >&2
			status=1
			continue
		}
	else
		# AFL++'s driver runs the files it is given, once each.
		"$OUT/$t" "$corpus"/* >"$log" 2>&1 || {
			echo "oss-fuzz-emulate: $t found something in its seed corpus:" >&2
			tail -n 30 "$log" >&2
			status=1
			continue
		}
	fi
	if [[ $sanitizer == coverage ]]; then
		[[ -s $WORK/run/$t.profraw ]] ||
			{ echo "oss-fuzz-emulate: $t wrote no coverage profile" >&2; status=1; }
	fi
	echo "oss-fuzz-emulate: $engine+$sanitizer $t: $n seed inputs, no finding"
done
exit $status
