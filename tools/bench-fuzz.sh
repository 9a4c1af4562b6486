#!/usr/bin/env bash
# bench-fuzz.sh WORK SECONDS: section 3 of docs/benchmarks.md, fuzzing
# throughput. Builds every fuzz target four ways in WORK (libFuzzer and AFL++,
# each without sanitizers and with ASan+UBSan), runs each target for SECONDS
# on one core from its seeds and regressions, one run at a time, and prints a
# Markdown table of executions per second, with the issue's targets for
# fuzz_pkvm (5,000 execs/s without sanitizers, 2,000 with them).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/tools/toolchain.sh"
source "$root/tools/afl-mutator.sh"
source "$root/tools/libfuzzer-options.sh"
source "$root/tools/programs.sh"

die()
{
	echo "bench-fuzz: $*" >&2
	exit 2
}

[[ $# -eq 2 && $2 =~ ^[1-9][0-9]*$ ]] || die "usage: bench-fuzz.sh WORK SECONDS"
work=$1 seconds=$2
targets=(fuzz_pkvm fuzz_pgtable fuzz_hvc fuzz_parallel)
# name:engine:sanitized
configs=(libfuzzer:libfuzzer:no libfuzzer-asan:libfuzzer:yes afl:afl:no afl-asan:afl:yes)

# build NAME ENGINE SANITIZED: the targets, their seeds and AFL++ mutators in WORK/NAME.
build()
{
	local name=$1 engine=$2 sanitized=$3 dir=$work/$1 cc t
	local -a args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g"
		       -DS2FUZZ_ENGINE="$engine") build=() env=()
	# The trees without sanitizers are configured as tools/planted-bug.sh
	# configures a catalogue, so that tools/bench-detect.sh builds its
	# catalogues in them on what is compiled here.
	if [[ $sanitized == no ]]; then
		args+=(-DS2FUZZ_BUILD_TESTS=ON -DS2FUZZ_PLANTED_CATALOGUE=ON -DS2FUZZ_PLANT=)
	else
		args+=(-DS2FUZZ_BUILD_TESTS=OFF)
	fi
	if [[ $engine == libfuzzer ]]; then
		cc=$S2FUZZ_CC
		[[ $sanitized == yes ]] || args+=(-DS2FUZZ_FUZZ_SANITIZERS=OFF)
	else
		cc=afl-clang-fast
		[[ $sanitized == no ]] || env=(AFL_USE_ASAN=1 AFL_USE_UBSAN=1)
	fi
	for t in "${targets[@]}"; do
		build+=(--target "$t" --target "$(s2fuzz_corpus_of "$t")_seeds")
		# The mutator libraries load into afl-fuzz: only the plain tree's.
		if [[ $name == afl ]] && s2fuzz_has_afl_mutator "$root" "$t"; then
			build+=(--target "${t}_afl_mutator")
		fi
	done
	s2fuzz_forget_other_compiler "$dir" "$cc"
	# Ninja (README, "Dependencies"): a tree made with another generator starts anew.
	if [[ -f $dir/CMakeCache.txt ]] &&
		! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$dir/CMakeCache.txt"; then
		rm -rf "$dir"
	fi
	env "${env[@]}" CC=$cc AFL_QUIET=1 cmake -G Ninja -S "$root" -B "$dir" "${args[@]}" >/dev/null
	env "${env[@]}" AFL_QUIET=1 cmake --build "$dir" -j"$(nproc)" "${build[@]}" >"$dir.log" 2>&1 ||
		{ tail -n 20 "$dir.log" >&2; die "building $name failed"; }
}

# rate NAME ENGINE TARGET: "EXECS SECONDS" of one time-bounded run.
rate()
{
	local name=$1 engine=$2 t=$3 dir=$work/$1 bin corpus run execs secs lib
	bin=$(s2fuzz_program_path "$dir" "$t")
	corpus=$(s2fuzz_corpus_of "$t")
	run=$(mktemp -d)
	if [[ $engine == libfuzzer ]]; then
		local -a options
		mapfile -t options < <(s2fuzz_libfuzzer_options "$root" "$corpus")
		(cd "$run" && "$bin" -seed=1 -max_total_time="$seconds" -print_final_stats=1 \
			-timeout=20 "${options[@]}" -artifact_prefix="$run/" "$run" \
			"$dir/corpora/$corpus/seeds" "$root/corpora/$corpus/regressions" \
			>"$run/log" 2>&1) || true
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log")
		secs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run/log")
		[[ -n $execs && -n $secs ]] || { tail -n 20 "$run/log" >&2; die "$name $t: no statistics"; }
		secs=$(awk -v e="$execs" -v r="$secs" 'BEGIN { printf "%.1f", r ? e / r : 0 }')
	else
		local -a mutator=()
		lib=$(s2fuzz_afl_mutator_env "$root" "$work/afl" "$t")
		[[ -z $lib ]] || mutator=("$lib")
		mkdir -p "$run/in"
		cp "$dir/corpora/$corpus/seeds"/* "$run/in/"
		env "${mutator[@]}" AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 \
			AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 afl-fuzz -s 1 -i "$run/in" -o "$run/out" \
			-V "$seconds" -- "$bin" >"$run/log" 2>&1 || true
		execs=$(sed -n 's/^execs_done *: *//p' "$run/out/default/fuzzer_stats" 2>/dev/null)
		secs=$(sed -n 's/^run_time *: *//p' "$run/out/default/fuzzer_stats" 2>/dev/null)
		[[ -n $execs && -n $secs ]] || { tail -n 20 "$run/log" >&2; die "$name $t: no statistics"; }
	fi
	rm -rf "$run"
	echo "$execs $secs"
}

mkdir -p "$work"
for c in "${configs[@]}"; do
	IFS=: read -r name engine sanitized <<<"$c"
	echo "bench-fuzz: building $name" >&2
	build "$name" "$engine" "$sanitized"
done

echo "| target | libFuzzer | libFuzzer, ASan+UBSan | AFL++ | AFL++, ASan+UBSan |"
echo "|---|---|---|---|---|"
for t in "${targets[@]}"; do
	row="| $t |"
	for c in "${configs[@]}"; do
		IFS=: read -r name engine sanitized <<<"$c"
		echo "bench-fuzz: $t under $name, ${seconds}s" >&2
		out=$(rate "$name" "$engine" "$t")
		read -r execs secs <<<"$out"
		cell=$(awk -v e="$execs" -v s="$secs" 'BEGIN { printf "%d", (s > 0 ? e / s : 0) }')
		if [[ $t == fuzz_pkvm ]]; then
			want=5000
			[[ $sanitized == no ]] || want=2000
			if [[ $cell -ge $want ]]; then
				cell="$cell (target $want: met)"
			else
				cell="$cell (target $want: **missed**, $(awk -v c="$cell" -v w="$want" \
					'BEGIN { printf "%.2fx", w / (c ? c : 1) }') short)"
			fi
		fi
		row="$row $cell |"
	done
	echo "$row"
done
