#!/bin/bash -eu
# SPDX-License-Identifier: MIT
# Builds s2fuzz's fuzz targets the way OSS-Fuzz and ClusterFuzzLite build a
# project: $CC/$CXX with $CFLAGS/$CXXFLAGS (the sanitizer and coverage flags of
# $SANITIZER), the targets linked with $LIB_FUZZING_ENGINE, everything for the
# fuzzers in $OUT:
#   <target>                   every fuzzers/fuzz_<name>.c
#   <target>_seed_corpus.zip   its seed scripts, encoded, and its regression inputs
#   <target>.dict              its dictionary
#   <target>.options           its libFuzzer options
# Works for libFuzzer and AFL++ with the address, undefined and memory
# sanitizers, and for the coverage build. The same script serves
# .clusterfuzzlite/build.sh.

src=${S2FUZZ_SRC:-$SRC/s2fuzz}
: "${WORK:?}" "${OUT:?}" "${CC:?}" "${LIB_FUZZING_ENGINE:?}"
# shellcheck source=tools/libfuzzer-options.sh
source "$src/tools/libfuzzer-options.sh"
echo "s2fuzz build.sh: engine ${FUZZING_ENGINE:-libfuzzer}, sanitizer ${SANITIZER:-address}"

# xxhash.h, header-only: the Dockerfile's pinned checkout if there is one, else the system's.
xxhash_cflags=""
if [[ -f $SRC/xxhash/xxhash.h ]]; then
	xxhash_cflags="-I$SRC/xxhash"
fi

# 1. s2script, uninstrumented, encodes the seed scripts (it is a build tool, not a target).
tools=$WORK/s2fuzz-tools
CFLAGS="$xxhash_cflags" CXXFLAGS="" cmake -S "$src" -B "$tools" -DCMAKE_BUILD_TYPE=Release \
	-DS2FUZZ_BUILD_TESTS=OFF -DS2FUZZ_ENGINE=none >/dev/null

mapfile -t targets < <(cd "$src/fuzzers" && ls fuzz_*.c | sed 's/\.c$//')
seed_targets=()
for t in "${targets[@]}"; do
	seed_targets+=(--target "${t}_seeds")
done
CFLAGS="" cmake --build "$tools" -j"$(nproc)" "${seed_targets[@]}" >/dev/null

# 2. The targets, instrumented as $SANITIZER and the engine want.
fuzz=$WORK/s2fuzz-fuzz
build_targets=()
for t in "${targets[@]}"; do
	build_targets+=(--target "$t")
done
CFLAGS="$CFLAGS $xxhash_cflags" cmake -S "$src" -B "$fuzz" -DCMAKE_BUILD_TYPE=Release \
	-DCMAKE_C_FLAGS_RELEASE="" -DCMAKE_CXX_FLAGS_RELEASE="" \
	-DS2FUZZ_BUILD_TESTS=OFF -DS2FUZZ_ENGINE=external \
	-DS2FUZZ_LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" >/dev/null
cmake --build "$fuzz" -j"$(nproc)" "${build_targets[@]}" >/dev/null

# 3. Per target: the binary, its seeds, dictionary and options.
for t in "${targets[@]}"; do
	cp "$fuzz/fuzzers/$t" "$OUT/$t"
	corpus=$WORK/s2fuzz-corpus/$t
	rm -rf "$corpus"
	mkdir -p "$corpus"
	cp "$tools/corpora/$t/seeds/"* "$corpus/"
	if compgen -G "$src/corpora/$t/regressions/*" >/dev/null; then
		for r in "$src/corpora/$t/regressions/"*; do
			cp "$r" "$corpus/regression-$(basename "$r")"
		done
	fi
	rm -f "$OUT/${t}_seed_corpus.zip"
	(cd "$corpus" && zip -q -j "$OUT/${t}_seed_corpus.zip" ./*)
	cp "$src/corpora/$t/$t.dict" "$OUT/$t.dict"
	cat >"$OUT/$t.options" <<OPTIONS
[libfuzzer]
dict = $t.dict
max_len = 4096
timeout = 10
OPTIONS
	# The target's own (corpora/T/T.options), read as every run of ours reads
	# them; the keys written above stay as they are (one key, one line).
	s2fuzz_libfuzzer_options "$src" "$t" | sed -n 's/^-\([a-z_]*\)=\(.*\)$/\1 = \2/p' |
		grep -vE '^(dict|max_len|timeout) ' >>"$OUT/$t.options" || true
	echo "s2fuzz build.sh: $OUT/$t ($(unzip -Z1 "$OUT/${t}_seed_corpus.zip" | wc -l) seed inputs)"
done
