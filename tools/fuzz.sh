# shellcheck shell=bash
# The fuzz and replay commands of ./s2fuzz (sourced by it; uses its ROOT,
# die_usage and build helpers). One job: run the fuzz targets and report.

# Every fuzzers/fuzz_<name>.c is a target.
mapfile -t FUZZ_TARGETS < <(cd "$ROOT/fuzzers" && ls fuzz_*.c | sed 's/\.c$//')
readonly FUZZ_TARGETS
readonly FUZZ_ENGINES=(libfuzzer afl)
readonly FUZZ_DEFAULT_SECONDS=120

# A kernel tree's pgtable.c is fuzzed by fuzz_kernel_pgtable, one program per
# tree (fuzzers/kernel/, docs/kernel-tree.md): --kernel-tree DIR names the tree,
# else Debian's linux-source tarballs are the trees.
readonly KERNEL_TARGET=fuzz_kernel_pgtable
KERNEL_TREE=""

# Stops with a usage error unless $1 names a fuzz target.
require_target()
{
	local t
	for t in "${FUZZ_TARGETS[@]}" "$KERNEL_TARGET"; do
		[[ $1 == "$t" ]] && return 0
	done
	die_usage "unknown target '$1' (expected: ${FUZZ_TARGETS[*]} $KERNEL_TARGET)"
}

# The name the build gives a kernel tree's programs (kernel/CMakeLists.txt):
# linux-source-6.1.tar.xz is linux_6_1, a folder its own name.
kernel_tree_name()
{
	local base
	base=$(basename "$1")
	base=${base%%.tar*}
	base=${base/#linux-source-/linux-}
	base=${base//[^A-Za-z0-9_]/_}
	[[ $base =~ ^[0-9] ]] && base=_$base
	echo "$base"
}

# The kernel trees this run fuzzes, one per line: --kernel-tree's, else Debian's.
kernel_trees()
{
	if [[ -n $KERNEL_TREE ]]; then
		echo "$KERNEL_TREE"
	else
		"$ROOT/tools/kernel-tree.sh" default
	fi
}

# The programs of a target: fuzz_kernel_pgtable is one per tree.
target_programs()
{
	local tree
	if [[ $1 == "$KERNEL_TARGET" ]]; then
		while read -r tree; do
			[[ -n $tree ]] && echo "${KERNEL_TARGET}_$(kernel_tree_name "$tree")"
		done < <(kernel_trees)
	else
		echo "$1"
	fi
}

# The kernel tree fuzz_kernel_pgtable_<name> was built from.
tree_of()
{
	local k
	while read -r k; do
		if [[ ${KERNEL_TARGET}_$(kernel_tree_name "$k") == "$1" ]]; then
			echo "$k"
		fi
	done < <(kernel_trees)
}


# Takes --kernel-tree DIR off a command line: sets KERNEL_TREE, prints nothing.
kernel_tree_option()
{
	[[ -n ${1:-} ]] || die_usage "--kernel-tree needs a kernel source tree or a tarball of one"
	[[ -d $1 || -f $1 ]] || die_usage "--kernel-tree: no such tree or tarball '$1'"
	KERNEL_TREE=$(realpath -- "$1")
}

# Configures and builds build/<engine> with just the fuzz targets, the replay
# programs and the encoded seed corpora.
fuzz_build()
{
	local engine=$1
	local dir=$ROOT/build/$engine cc
	local -a args=(-S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo
		       "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g" -DS2FUZZ_ENGINE="$engine"
		       -DS2FUZZ_KERNEL_TREES="$KERNEL_TREE")
	local -a targets=()
	local t p
	shift

	case $engine in
	libfuzzer) cc=$S2FUZZ_CC ;;
	afl) cc=afl-clang-fast ;;
	esac
	# The programs of the targets asked for ($@).
	for t in "$@"; do
		while read -r p; do
			targets+=(--target "$p" --target "${p/fuzz_/replay_}")
		done < <(target_programs "$t")
		targets+=(--target "${t}_seeds")
		if [[ $engine == afl ]] && s2fuzz_has_afl_mutator "$ROOT" "$t"; then
			targets+=(--target "${t}_afl_mutator")
		fi
	done
	echo "s2fuzz: building build/$engine" >&2
	s2fuzz_forget_other_compiler "$dir" "$cc"
	CC=$cc AFL_QUIET=1 cmake "${args[@]}" >/dev/null &&
		AFL_QUIET=1 cmake --build "$dir" -j"$(nproc)" "${targets[@]}" >/dev/null
}

# Prints "execs execs_per_sec coverage new_units" from a libFuzzer log.
libfuzzer_stats()
{
	local log=$1
	awk '
		/^stat::number_of_executed_units:/ { execs = $2 }
		/^stat::average_exec_per_sec:/ { eps = $2 }
		/^stat::new_units_added:/ { units = $2 }
		/ cov: / { for (i = 1; i < NF; i++) if ($i == "cov:") cov = $(i + 1) }
		END { printf "%s %s %s %s\n", execs + 0, eps + 0, cov + 0, units + 0 }
	' "$log"
}

# Prints the same from an AFL++ fuzzer_stats file.
afl_stats()
{
	local stats=$1
	awk -F' *: *' '
		$1 == "execs_done" { execs = $2 }
		$1 == "execs_per_sec" { eps = int($2) }
		$1 == "bitmap_cvg" { cov = $2 }
		$1 == "corpus_found" { units = $2 }
		END { printf "%s %s %s %s\n", execs + 0, eps + 0, cov, units + 0 }
	' "$stats"
}

# Prints the signature line a reproducer triggers under the replay program.
finding_signature()
{
	local replay=$1 input=$2
	"$replay" "$input" 2>&1 | sed -n 's/^s2fuzz-signature: //p' | head -1
}

# Runs one target under libFuzzer for $3 seconds; leaves its findings in $4.
run_libfuzzer()
{
	local target=$1 dir=$2 seconds=$3 findings=$4 corpus
	corpus=$(s2fuzz_corpus_of "$target")
	local bin seeds=$ROOT/build/libfuzzer/corpora/$corpus/seeds
	local regressions=$ROOT/corpora/$corpus/regressions
	local dict=$ROOT/corpora/$corpus/$corpus.dict
	local -a extra=()

	bin=$(s2fuzz_program_path "$ROOT/build/libfuzzer" "$target")
	[[ -f $dict ]] && extra+=(-dict="$dict")
	mapfile -t -O "${#extra[@]}" extra < <(s2fuzz_libfuzzer_options "$ROOT" "$corpus")
	mkdir -p "$dir/corpus" "$findings"
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=4096 \
		-print_final_stats=1 -artifact_prefix="$findings/" "${extra[@]}" \
		"$dir/corpus" "$seeds" "$regressions" >"$dir/log" 2>&1 &
	local pid=$! elapsed=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 10
		elapsed=$((elapsed + 10))
		printf '  %s libfuzzer %4ds  %s\n' "$target" "$elapsed" \
			"$(grep -E '^#[0-9]+' "$dir/log" | tail -1 | cut -c1-100)" >&2
	done
	# Non-zero is also how libFuzzer reports a finding: judged by the caller.
	wait "$pid" || true
	libfuzzer_stats "$dir/log"
}

# Runs one target under AFL++ (persistent mode, its libFuzzer driver), with the
# structure-aware mutator where the target has one (tools/afl-mutator.sh).
run_afl()
{
	local target=$1 dir=$2 seconds=$3 findings=$4 corpus
	corpus=$(s2fuzz_corpus_of "$target")
	local bin seeds=$ROOT/build/afl/corpora/$corpus/seeds
	local dict=$ROOT/corpora/$corpus/$corpus.dict lib
	local -a extra=() mutator=()

	bin=$(s2fuzz_program_path "$ROOT/build/afl" "$target")
	[[ -f $dict ]] && extra+=(-x "$dict")
	if ! lib=$(s2fuzz_afl_mutator_env "$ROOT" "$ROOT/build/afl" "$target"); then
		echo "0 0 0 0"
		return
	fi
	[[ -z $lib ]] || mutator=("$lib")
	mkdir -p "$dir" "$findings"
	env "${mutator[@]}" AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
		AFL_NO_AFFINITY=1 AFL_QUIET=1 \
		afl-fuzz -i "$seeds" -o "$dir/out" -V "$seconds" "${extra[@]}" -- "$bin" \
		>"$dir/log" 2>&1 &
	local pid=$! elapsed=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 10
		elapsed=$((elapsed + 10))
		printf '  %s afl %4ds  %s\n' "$target" "$elapsed" \
			"$(grep -E 'execs_done|exec speed|corpus' "$dir/out/default/fuzzer_stats" \
				2>/dev/null | tr -s ' ' | tr '\n' ' ' | cut -c1-100)" >&2
	done
	wait "$pid" || true
	find "$dir/out/default/crashes" -name 'id:*' -exec cp {} "$findings/" \; 2>/dev/null
	if [[ -f $dir/out/default/fuzzer_stats ]]; then
		afl_stats "$dir/out/default/fuzzer_stats"
	else
		# afl-fuzz died before its first stats: no run at all (judged by the caller).
		echo "0 0 0 0"
	fi
}

# A run that made no execution is an engine that died at start, not a clean run:
# say so loudly with the end of its log. Returns non-zero for such a run.
check_ran()
{
	local target=$1 engine=$2 dir=$3 execs=$4
	[[ $execs -gt 0 ]] && return 0
	echo "s2fuzz: $target under $engine ran zero executions: the engine died at start" >&2
	sed 's/^/    | /' "$dir/log" 2>/dev/null | tail -n 15 >&2
	return 1
}

cmd_fuzz()
{
	local engine=libfuzzer seconds=$FUZZ_DEFAULT_SECONDS t
	local -a targets=()

	while [[ $# -gt 0 ]]; do
		case $1 in
		--engine)
			[[ $# -ge 2 ]] || die_usage "--engine needs a value"
			engine=$2
			shift 2
			;;
		--time)
			[[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -gt 0 ]] ||
				die_usage "--time needs a number of seconds"
			seconds=$2
			shift 2
			;;
		--kernel-tree)
			kernel_tree_option "${2:-}"
			shift 2
			;;
		-*)
			die_usage "unknown fuzz option '$1'"
			;;
		*)
			require_target "$1"
			targets+=("$1")
			shift
			;;
		esac
	done
	[[ $engine == libfuzzer || $engine == afl ]] ||
		die_usage "unknown engine '$engine' (expected: ${FUZZ_ENGINES[*]})"
	# With a kernel tree, its target alone; else every target, a kernel one per Debian tree.
	if [[ ${#targets[@]} -eq 0 ]]; then
		if [[ -n $KERNEL_TREE ]]; then
			targets=("$KERNEL_TARGET")
		else
			targets=("${FUZZ_TARGETS[@]}")
			[[ -z $(kernel_trees) ]] || targets+=("$KERNEL_TARGET")
		fi
	fi
	if [[ " ${targets[*]} " == *" $KERNEL_TARGET "* && -z $(kernel_trees) ]]; then
		die_usage "$KERNEL_TARGET needs a kernel tree: --kernel-tree DIR, or Debian's" \
			"linux-source-* packages (./s2fuzz deps installs them)"
	fi
	fuzz_build "$engine" "${targets[@]}" || { echo "s2fuzz: build failed" >&2; return 1; }

	local stamp found=0 dead=0 rows=() programs=()
	for t in "${targets[@]}"; do
		mapfile -t -O "${#programs[@]}" programs < <(target_programs "$t")
	done
	stamp=$(date +%Y%m%d-%H%M%S)
	for t in "${programs[@]}"; do
		local dir=$ROOT/out/$engine/$t findings=$ROOT/out/$engine/$t/findings-$stamp
		local stats
		echo "s2fuzz: fuzzing $t with $engine for ${seconds}s" >&2
		stats=$("run_$engine" "$t" "$dir" "$seconds" "$findings")
		if ! check_ran "$t" "$engine" "$dir" "${stats%% *}"; then
			dead=1
			rows+=("$t $stats 0")
			rows+=("  engine died at start: see $dir/log")
			continue
		fi
		local -a f=()
		mapfile -t f < <(find "$findings" -type f 2>/dev/null | sort)
		rows+=("$t $stats ${#f[@]}")
		local i
		for i in "${f[@]}"; do
			found=1
			rows+=("  finding: $i")
			rows+=("    signature: $(finding_signature \
				"$(s2fuzz_program_path "$ROOT/build/$engine" "${t/fuzz_/replay_}")" "$i")")
			if [[ $t == "${KERNEL_TARGET}"_* ]]; then
				rows+=("    reproduce: ./s2fuzz replay --kernel-tree $(tree_of "$t") $i")
			else
				rows+=("    reproduce: ./s2fuzz replay --target $t $i")
			fi
		done
	done
	echo
	printf '%-12s %12s %10s %10s %12s %9s\n' target executions execs/s coverage "new inputs" findings
	local r
	for r in "${rows[@]}"; do
		if [[ $r == " "* ]]; then
			echo "$r"
		else
			# shellcheck disable=SC2086
			printf '%-12s %12s %10s %10s %12s %9s\n' $r
		fi
	done
	[[ $dead == 0 ]] || echo "s2fuzz: an engine died at start (see above): this run proves nothing" >&2
	[[ $found == 0 && $dead == 0 ]]
}

# The target an input belongs to, from its path (out/<engine>/<target>/...,
# corpora/<target>/...): the last directory named after a target, else
# fuzz_pkvm.
target_of_path()
{
	local path found=fuzz_pkvm part t
	path=$(realpath -m -- "$1")
	local -a parts
	IFS=/ read -ra parts <<<"${path%/*}"
	for part in "${parts[@]}"; do
		for t in "${FUZZ_TARGETS[@]}"; do
			[[ $part == "$t" ]] && found=$t
		done
		# corpora/fuzz_kernel_pgtable, out/<engine>/fuzz_kernel_pgtable_<tree>
		[[ $part == "$KERNEL_TARGET" || $part == "${KERNEL_TARGET}"_* ]] &&
			found=$KERNEL_TARGET
	done
	echo "$found"
}

# Prints, NUL-separated and sorted, the inputs under directory $1: every file at any
# depth but hidden ones and the readable scripts (*.txt) kept beside regressions, as
# the replay programs and the suite's corpus tests take a directory.
replay_inputs_in()
{
	find "$1" -mindepth 1 \( -name '.*' -prune \) -o \( -type f ! -name '*.txt' -print0 \) |
		LC_ALL=C sort -z
}

# replay [--target T] PATH...: a file is printed as a script and run with its trace; a
# directory runs every input in it, quietly unless one fails. One line per input, then
# a summary; non-zero if any input fails. S2FUZZ_REPLAY_BUILD names a tree to take the
# replay programs and s2script from as it is (the suite's own), instead of building
# build/default.
cmd_replay()
{
	local target="" path file t build rc n=0 failed=0 out prog
	local -a inputs=() explicit=() found=() progs=()
	while [[ ${1:-} == --target || ${1:-} == --kernel-tree ]]; do
		if [[ $1 == --kernel-tree ]]; then
			kernel_tree_option "${2:-}"
			target=$KERNEL_TARGET
		else
			[[ $# -ge 2 ]] || die_usage "--target needs a value"
			target=$2
			require_target "$target"
		fi
		shift 2
	done
	[[ $# -ge 1 ]] || die_usage "replay needs an input file or directory"
	for path in "$@"; do
		if [[ -d $path ]]; then
			mapfile -d '' -t found < <(replay_inputs_in "$path")
			[[ ${#found[@]} -gt 0 ]] || die_usage "no input file in directory '$path'"
			inputs+=("${found[@]}")
			for file in "${found[@]}"; do explicit+=(0); done
		elif [[ -f $path ]]; then
			inputs+=("$path")
			explicit+=(1)
		else
			die_usage "no such input file or directory '$path'"
		fi
	done
	build=${S2FUZZ_REPLAY_BUILD:-}
	if [[ -n $KERNEL_TREE ]]; then
		# A tree of the user's: its own build, so the default one keeps Debian's trees.
		build=$ROOT/build/kernel-$(kernel_tree_name "$KERNEL_TREE")
		cmake -S "$ROOT" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
			"-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g" \
			-DS2FUZZ_KERNEL_TREES="$KERNEL_TREE" >/dev/null &&
			cmake --build "$build" -j"$(nproc)" --target s2script \
				--target "replay_kernel_pgtable_$(kernel_tree_name "$KERNEL_TREE")" \
				>/dev/null || return 1
	elif [[ -z $build ]]; then
		build_config default >/dev/null || return 1
		build=$ROOT/build/default
	fi
	for file in "${inputs[@]}"; do
		t=${target:-$(target_of_path "$file")}
		rc=0
		progs=()
		while read -r prog; do
			progs+=("$(s2fuzz_program_path "$build" "${prog/fuzz_/replay_}")")
		done < <(target_programs "$t")
		[[ ${#progs[@]} -gt 0 ]] || die_usage "no kernel tree to replay $file on (--kernel-tree)"
		if [[ ${explicit[n]} -eq 1 ]]; then
			echo "== $file ($t), as a script:"
			"$build/tools/s2script" decode --target "$t" "$file"
			for prog in "${progs[@]}"; do
				echo "== running it ($(basename "$prog")):"
				"$prog" -v "$file" || rc=$?
			done
		else
			# Each program (a kernel target's: each tree) said apart when it fails.
			for prog in "${progs[@]}"; do
				if ! out=$("$prog" "$file" 2>&1); then
					rc=1
					echo "== $(basename "$prog"):"
					printf '%s\n' "$out"
				fi
			done
		fi
		n=$((n + 1))
		if [[ $rc -eq 0 ]]; then
			echo "replay: ok      $file ($t)"
		else
			failed=$((failed + 1))
			echo "replay: FAILED  $file ($t): status $rc"
		fi
	done
	echo "replay: $n inputs, $((n - failed)) ok, $failed failed"
	[[ $failed -eq 0 ]]
}
