# shellcheck shell=bash
# ./s2fuzz nightly: the nightly fuzzing job on one machine (docs/nightly.md).
# Sourced by ./s2fuzz after tools/fuzz.sh (uses ROOT, die_usage, FUZZ_TARGETS,
# require_target, check_ran, libfuzzer_stats's log format, afl_stats and
# s2fuzz_libfuzzer_options).
#
# Every target under every engine it is asked for:
#   libfuzzer  libFuzzer with ASan+UBSan, -fork=J
#   msan       libFuzzer with MemorySanitizer, -fork=J
#   afl        AFL++: one main (-M) and J-1 CMPLOG secondaries (-S) over one sync dir,
#              each with the structure-aware mutator (tools/afl-mutator.sh)
# from a working corpus kept between nights (WORK/corpus/<target>), merged and
# minimized back into it afterwards; findings de-duplicated by signature,
# minimized, decoded and given a replay command; llvm-cov source coverage of
# core/, reference/ and diff/ over the merged corpora; one report folder with
# index.md, plots over the nights and the coverage HTML. Exits 1 on a new
# finding (one whose signature no earlier night reported).

readonly NIGHTLY_ENGINES=(libfuzzer msan afl)

nightly_usage()
{
	cat <<'EOF'
usage: ./s2fuzz nightly [--minutes N] [--jobs J] [--report DIR] [--work DIR]
                        [--engines LIST] [--update-corpora] [TARGET...]
  --minutes N       fuzzing time in all, shared by every target and engine (default 60)
  --jobs J          processes per run (default: the number of cores)
  --report DIR      the report folder (default out/nightly/report)
  --work DIR        what is kept between nights: corpus, history (default out/nightly/work)
  --engines LIST    comma-separated, of libfuzzer,msan,afl (default all three)
  --update-corpora  add the inputs of the merged corpus that the seeds do not cover
                    to corpora/<target>/scripts/ as scripts
  TARGET            the fuzz targets (default: every one but fuzz_kernel_pgtable, which
                    runs only when named: one program per Debian kernel tree)
EOF
}

# Prints "execs eps cov corpus" from a libFuzzer -fork log: its last status line.
nightly_libfuzzer_stats()
{
	awk '
		/^#[0-9]+:? .*cov: / {
			execs = substr($1, 2); sub(":", "", execs)
			for (i = 1; i < NF; i++) {
				if ($i == "cov:") cov = $(i + 1)
				if ($i == "corp:") { corp = $(i + 1); sub("/.*", "", corp) }
				if ($i == "exec/s:" || $i == "exec/s") eps = $(i + 1)
			}
		}
		END { printf "%d %d %d %d\n", execs, eps, cov, corp }
	' "$1"
}

# Prints "execs eps cov corpus" summed over every AFL++ instance of a sync dir.
# Each instance's execs/s is its executions over its run time: AFL++'s own
# execs_per_sec is absurd (INT_MAX) in a stats file written in its first second.
nightly_afl_stats()
{
	local sync=$1
	awk -F' *: *' '
		$1 == "execs_done" { execs[FILENAME] = $2 }
		$1 == "run_time" { secs[FILENAME] = $2 }
		FILENAME ~ /\/main\// && $1 == "bitmap_cvg" { cov = $2; sub("%", "", cov) }
		FILENAME ~ /\/main\// && $1 == "corpus_count" { corp = $2 }
		END {
			for (f in execs) {
				total += execs[f]
				if (secs[f] > 0)
					eps += execs[f] / secs[f]
			}
			printf "%d %d %s %d\n", total, eps, cov + 0, corp
		}
	' "$sync"/*/fuzzer_stats 2>/dev/null || echo "0 0 0 0"
}

# nightly_tree NAME CC [cmake args...]: configures build root/NAME; prints its path.
nightly_tree()
{
	local name=$1 cc=$2 dir=$NIGHTLY_BUILD/$1
	shift 2
	s2fuzz_forget_other_compiler "$dir" "$cc"
	CC=$cc AFL_QUIET=1 cmake -S "$ROOT" -B "$dir" -DS2FUZZ_BUILD_TESTS=OFF \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g" \
		${NIGHTLY_PLANT:+-DS2FUZZ_PLANT=$NIGHTLY_PLANT} "$@" >/dev/null || return 1
	echo "$dir"
}

# nightly_make DIR TARGET...: builds those targets of a tree, quietly.
nightly_make()
{
	local dir=$1 t
	local -a args=()
	shift
	for t in "$@"; do
		args+=(--target "$t")
	done
	AFL_QUIET=1 cmake --build "$dir" -j"$(nproc)" "${args[@]}" >"$dir/build.log" 2>&1 ||
		{ tail -n 30 "$dir/build.log" >&2; return 1; }
}

# A program's path in one of the night's trees (fuzz_kernel_pgtable_<tree> lives in
# fuzzers/kernel/, tools/programs.sh).
nightly_bin()
{
	s2fuzz_program_path "$NIGHTLY_BUILD/$1" "$2"
}

nightly_build()
{
	local t e c
	local -a fuzz=() replay=() seeds=() mutators=()
	for t in "${NIGHTLY_TARGETS[@]}"; do
		c=$(s2fuzz_corpus_of "$t")
		fuzz+=("$t")
		if s2fuzz_has_afl_mutator "$ROOT" "$t" &&
		   [[ " ${mutators[*]} " != *" ${c}_afl_mutator "* ]]; then
			mutators+=("${c}_afl_mutator")
		fi
		replay+=("${t/fuzz_/replay_}")
		[[ " ${seeds[*]} " == *" ${c}_seeds "* ]] || seeds+=("${c}_seeds")
	done
	echo "nightly: building in $NIGHTLY_BUILD" >&2
	# The coverage tree also gives the replay programs' sources to llvm-cov and s2script.
	nightly_make "$(nightly_tree coverage "$S2FUZZ_CC" -DS2FUZZ_ENGINE=none \
		"-DCMAKE_C_FLAGS=-fprofile-instr-generate -fcoverage-mapping")" \
		"${replay[@]}" "${seeds[@]}" s2script || return 1
	for e in "${NIGHTLY_RUN_ENGINES[@]}"; do
		case $e in
		libfuzzer)
			nightly_make "$(nightly_tree libfuzzer "$S2FUZZ_CC" -DS2FUZZ_ENGINE=libfuzzer)" \
				"${fuzz[@]}" "${replay[@]}" || return 1
			;;
		msan)
			nightly_make "$(nightly_tree msan "$S2FUZZ_CC" -DS2FUZZ_ENGINE=libfuzzer \
				-DS2FUZZ_FUZZ_SANITIZERS=OFF \
				"-DCMAKE_C_FLAGS=-fsanitize=memory -fsanitize-memory-track-origins" \
				-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=memory)" "${fuzz[@]}" || return 1
			;;
		afl)
			nightly_make "$(nightly_tree afl afl-clang-fast -DS2FUZZ_ENGINE=afl)" \
				"${fuzz[@]}" "${mutators[@]}" || return 1
			AFL_LLVM_CMPLOG=1 nightly_make "$(AFL_LLVM_CMPLOG=1 nightly_tree afl-cmplog \
				afl-clang-fast -DS2FUZZ_ENGINE=afl)" "${fuzz[@]}" || return 1
			;;
		esac
	done
	# Minimizing and merging need a libFuzzer binary whatever the engines.
	if [[ ! " ${NIGHTLY_RUN_ENGINES[*]} " =~ " libfuzzer " ]]; then
		nightly_make "$(nightly_tree libfuzzer "$S2FUZZ_CC" -DS2FUZZ_ENGINE=libfuzzer)" \
			"${fuzz[@]}" "${replay[@]}" || return 1
	fi
}

# The inputs every run starts from: the working corpus, the seeds, the regressions.
nightly_inputs()
{
	local t=$1 c
	c=$(s2fuzz_corpus_of "$t")
	echo "$NIGHTLY_WORK/corpus/$t" "$NIGHTLY_BUILD/coverage/corpora/$c/seeds" \
		"$ROOT/corpora/$c/regressions"
}

nightly_progress()
{
	local label=$1 elapsed=$2 total=$3 stats=$4 crashes=$5
	local -a s
	read -ra s <<<"$stats"
	printf '\rnightly %s %4ds/%ds  execs %s  exec/s %s  cov %s  corpus %s  crashes %s   ' \
		"$label" "$elapsed" "$total" "${s[0]}" "${s[1]}" "${s[2]}" "${s[3]}" "$crashes" >&2
}

# Runs every input a run starts from once, alone, and keeps the ones that fail in
# DIR/crashes: fuzzing would not report them (libFuzzer's -fork start-up pass and AFL++'s
# AFL_SKIP_CRASHES pass over a crashing input silently), and a seed, a regression or a
# corpus input that fails after a change is the first thing a night must report.
nightly_prescreen()
{
	local engine=$1 t=$2 dir=$3 f src
	local -a run files=()
	if [[ $engine == msan ]]; then
		run=("$(nightly_bin msan "$t")" -runs=1)
	else
		run=("$(nightly_bin libfuzzer "${t/fuzz_/replay_}")")
	fi
	mkdir -p "$dir/crashes"
	for src in $(nightly_inputs "$t"); do
		for f in "$src"/*; do
			# The .txt beside a regression is its decoded form, for people.
			[[ -f $f && $f != *.txt ]] && files+=("$f")
		done
	done
	[[ ${#files[@]} -gt 0 ]] || return 0
	# All of them in one process first: on a night where nothing fails that is
	# the whole job (one process per input made a night with a grown working
	# corpus spend most of its time here). Only when it fails is every input
	# run alone, to find which.
	timeout 600 "${run[@]}" "${files[@]}" >/dev/null 2>&1 && return 0
	for f in "${files[@]}"; do
		timeout 60 "${run[@]}" "$f" >/dev/null 2>&1 ||
			cp "$f" "$dir/crashes/prescreen-$(basename "$f")"
	done
}

# nightly_run_libfuzzer ENGINE TARGET SECONDS DIR LABEL: prints "execs eps cov corpus".
nightly_run_libfuzzer()
{
	local engine=$1 t=$2 seconds=$3 dir=$4 label=$5 c bin dict
	local -a inputs options
	c=$(s2fuzz_corpus_of "$t")
	bin=$(nightly_bin "$engine" "$t")
	dict=$ROOT/corpora/$c/$c.dict
	read -ra inputs <<<"$(nightly_inputs "$t")"
	mapfile -t options < <(s2fuzz_libfuzzer_options "$ROOT" "$c")
	# A dictionary where the corpus has one (fuzz_kernel_pgtable has none).
	[[ -f $dict ]] && options+=(-dict="$dict")
	mkdir -p "$dir/crashes" "$dir/new"
	# New inputs go to the run's own folder, merged into the working corpus afterwards.
	(cd "$dir" && exec "$bin" -fork="$NIGHTLY_JOBS" -ignore_crashes=1 -ignore_timeouts=1 \
		-ignore_ooms=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
		-max_len=4096 "${options[@]}" -artifact_prefix="$dir/crashes/" \
		"$dir/new" "${inputs[@]}" >"$dir/log" 2>&1) &
	local pid=$! elapsed=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		elapsed=$((elapsed + 5))
		nightly_progress "$label" "$elapsed" "$seconds" "$(nightly_libfuzzer_stats "$dir/log")" \
			"$(find "$dir/crashes" -type f | wc -l)"
	done
	wait "$pid" || true
	nightly_libfuzzer_stats "$dir/log"
}

nightly_run_afl()
{
	local t=$1 seconds=$2 dir=$3 label=$4 c bin cmplog dict i src
	c=$(s2fuzz_corpus_of "$t")
	bin=$(nightly_bin afl "$t")
	cmplog=$(nightly_bin afl-cmplog "$t")
	dict=$ROOT/corpora/$c/$c.dict
	local -a pids=()
	mkdir -p "$dir/in" "$dir/sync" "$dir/crashes"
	for src in $(nightly_inputs "$t"); do
		find "$src" -maxdepth 1 -type f -exec cp {} "$dir/in/" \; 2>/dev/null
	done
	local -a env=(AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
		      AFL_NO_AFFINITY=1 AFL_SKIP_CRASHES=1 AFL_QUIET=1)
	# Every instance with the structure-aware mutator, where the target has one.
	local lib
	lib=$(s2fuzz_afl_mutator_env "$ROOT" "$NIGHTLY_BUILD/afl" "$t") || return 1
	[[ -z $lib ]] || env+=("$lib")
	local -a dict_option=()
	[[ -f $dict ]] && dict_option=(-x "$dict")
	env "${env[@]}" afl-fuzz -M main -i "$dir/in" -o "$dir/sync" -V "$seconds" "${dict_option[@]}" \
		-- "$bin" >"$dir/log" 2>&1 &
	pids+=($!)
	for ((i = 1; i < NIGHTLY_JOBS; i++)); do
		env "${env[@]}" afl-fuzz -S "cmplog$i" -c "$cmplog" -i "$dir/in" -o "$dir/sync" \
			-V "$seconds" -- "$bin" >"$dir/log.$i" 2>&1 &
		pids+=($!)
	done
	local elapsed=0
	while kill -0 "${pids[0]}" 2>/dev/null; do
		sleep 5
		elapsed=$((elapsed + 5))
		nightly_progress "$label" "$elapsed" "$seconds" "$(nightly_afl_stats "$dir/sync")" \
			"$(find "$dir/sync" -path '*/crashes/id:*' 2>/dev/null | wc -l)"
	done
	for i in "${pids[@]}"; do
		wait "$i" || true
	done
	# afl-fuzz 4.04c leaves its CMPLOG target stopped (state T) when it exits at -V:
	# one leftover process per secondary per run, night after night.
	pkill -KILL -f -- "^$cmplog\$" 2>/dev/null || true
	find "$dir/sync" -path '*/crashes/id:*' -exec cp {} "$dir/crashes/" \; 2>/dev/null
	mkdir -p "$dir/new"
	find "$dir/sync" -path '*/queue/id:*' -exec cp {} "$dir/new/" \; 2>/dev/null
	nightly_afl_stats "$dir/sync"
}

# The signature a finding triggers: the harness's s2fuzz-signature line, else the
# sanitizer's SUMMARY without addresses; empty if it does not reproduce.
nightly_signature()
{
	local engine=$1 t=$2 input=$3 out
	if [[ $engine == msan ]]; then
		out=$("$(nightly_bin msan "$t")" -runs=1 "$input" 2>&1)
	else
		out=$("$(nightly_bin libfuzzer "${t/fuzz_/replay_}")" "$input" 2>&1)
	fi
	{
		sed -n 's/^s2fuzz-signature: //p' <<<"$out"
		sed -n 's/^SUMMARY: \([A-Za-z]*Sanitizer: [a-z-]*\).* in \([A-Za-z0-9_]*\).*/\1 in \2/p' <<<"$out"
	} | head -n 1
}

# nightly_replay_command ENGINE TARGET FILE: how to reproduce a finding by hand.
nightly_replay_command()
{
	local engine=$1 t=$2 file=$3
	if [[ $engine == msan ]]; then
		echo "$(nightly_bin msan "$t") -runs=1 $file"
	elif [[ -n $NIGHTLY_PLANT ]]; then
		echo "$(nightly_bin libfuzzer "${t/fuzz_/replay_}") -v $file"
	elif [[ $t == "${KERNEL_TARGET}"_* ]]; then
		echo "./s2fuzz replay --kernel-tree $(tree_of "$t") $file"
	else
		echo "./s2fuzz replay --target $t $file"
	fi
}

# Every crash of this night: de-duplicated by (target, signature), minimized,
# decoded, written to REPORT/findings/<n>/. Fills NIGHTLY_NEW and the findings table.
nightly_findings()
{
	local runs=$1 n=0 known=$NIGHTLY_WORK/known-signatures.tsv
	local seen engine t f sig key dir min
	touch "$known"
	seen=$(mktemp)
	NIGHTLY_NEW=0
	: >"$NIGHTLY_REPORT/findings.tsv"
	for engine in "${NIGHTLY_RUN_ENGINES[@]}"; do
		for t in "${NIGHTLY_TARGETS[@]}"; do
			for f in "$runs/$engine/$t/crashes"/*; do
				[[ -f $f ]] || continue
				sig=$(nightly_signature "$engine" "$t" "$f")
				[[ -n $sig ]] || sig="does not reproduce ($engine)"
				key="$t	$sig"
				grep -qxF "$key" "$seen" && continue
				echo "$key" >>"$seen"
				n=$((n + 1))
				dir=$NIGHTLY_REPORT/findings/$n
				mkdir -p "$dir"
				min=$dir/input
				cp "$f" "$min"
				if [[ $sig != "does not reproduce"* ]]; then
					local bin
					bin=$(nightly_bin libfuzzer "$t")
					[[ $engine == msan ]] && bin=$(nightly_bin msan "$t")
					"$bin" -minimize_crash=1 -runs=2000 -exact_artifact_path="$dir/minimized" \
						"$f" >"$dir/minimize.log" 2>&1 || true
					if [[ -s $dir/minimized &&
					      $(nightly_signature "$engine" "$t" "$dir/minimized") == "$sig" ]]; then
						mv "$dir/minimized" "$min"
					fi
					rm -f "$dir/minimized"
				fi
				LLVM_PROFILE_FILE=/dev/null "$NIGHTLY_BUILD/coverage/tools/s2script" decode \
					--target "$(s2fuzz_corpus_of "$t")" "$min" >"$dir/script.txt" 2>&1 || true
				local status=known
				if ! grep -qxF "$key" "$known"; then
					status=new
					NIGHTLY_NEW=$((NIGHTLY_NEW + 1))
					echo "$key" >>"$known"
				fi
				printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$t" "$engine" "$status" "$sig" \
					"$(nightly_replay_command "$engine" "$t" "$min")" \
					>>"$NIGHTLY_REPORT/findings.tsv"
			done
		done
	done
	rm -f "$seen"
}

# Merge this night's new inputs into the working corpus, minimized (libFuzzer -merge).
nightly_merge()
{
	local runs=$1 t engine fresh
	for t in "${NIGHTLY_TARGETS[@]}"; do
		local -a from=("$NIGHTLY_WORK/corpus/$t") options
		for engine in "${NIGHTLY_RUN_ENGINES[@]}"; do
			[[ -d $runs/$engine/$t/new ]] && from+=("$runs/$engine/$t/new")
		done
		fresh=$NIGHTLY_WORK/corpus/$t.merging
		rm -rf "$fresh"
		mkdir -p "$fresh"
		# The target's options: a merge must keep what its fuzzing runs count as new.
		mapfile -t options < <(s2fuzz_libfuzzer_options "$ROOT" "$(s2fuzz_corpus_of "$t")")
		"$(nightly_bin libfuzzer "$t")" -merge=1 -timeout=10 -rss_limit_mb=4096 \
			"${options[@]}" "$fresh" "${from[@]}" >"$runs/merge-$t.log" 2>&1 ||
			{ echo "nightly: merging $t's corpus failed: $runs/merge-$t.log" >&2; return 1; }
		rm -rf "$NIGHTLY_WORK/corpus/$t"
		mv "$fresh" "$NIGHTLY_WORK/corpus/$t"
	done
}

# --update-corpora: inputs of the merged corpus that add coverage beyond the
# seeds and regressions become scripts in corpora/<target>/scripts/.
nightly_update_corpora()
{
	local t tmp f name added c
	local -a options
	for t in "${NIGHTLY_TARGETS[@]}"; do
		c=$(s2fuzz_corpus_of "$t")
		tmp=$(mktemp -d)
		mkdir -p "$tmp/base" "$tmp/all"
		cp "$NIGHTLY_BUILD/coverage/corpora/$c/seeds/"* "$tmp/base/" 2>/dev/null
		cp "$ROOT/corpora/$c/regressions/"* "$tmp/base/" 2>/dev/null
		cp "$tmp/base/"* "$tmp/all/" 2>/dev/null
		mapfile -t options < <(s2fuzz_libfuzzer_options "$ROOT" "$c")
		"$(nightly_bin libfuzzer "$t")" -merge=1 -timeout=10 "${options[@]}" \
			"$tmp/all" "$NIGHTLY_WORK/corpus/$t" >"$tmp/merge.log" 2>&1 || true
		added=0
		for f in "$tmp/all"/*; do
			name=$(basename "$f")
			[[ -e $tmp/base/$name ]] && continue
			LLVM_PROFILE_FILE=/dev/null "$NIGHTLY_BUILD/coverage/tools/s2script" decode \
				--target "$c" "$f" >"$ROOT/corpora/$c/scripts/nightly-${name:0:12}.txt" ||
				{ rm -f "$ROOT/corpora/$c/scripts/nightly-${name:0:12}.txt"; continue; }
			added=$((added + 1))
		done
		echo "nightly: --update-corpora: $added new scripts in corpora/$c/scripts/" >&2
		rm -rf "$tmp"
	done
}

# llvm-cov over the merged corpora: HTML, a per-file summary, the lines no target reaches.
# The LLVM tools are clang's version: the profile format changes between versions.
nightly_coverage()
{
	local runs=$1 t out=$NIGHTLY_REPORT/coverage prof=$runs/profiles
	local -a objects=() sources=("$ROOT/core" "$ROOT/reference" "$ROOT/diff")
	# A planted bug's core is compiled from a patched copy in the build tree
	# (cmake/planted.cmake): its coverage is that copy's.
	[[ -z $NIGHTLY_PLANT ]] || sources[0]=$NIGHTLY_BUILD/coverage/planted-core/core
	rm -rf "$out" "$prof"
	mkdir -p "$out" "$prof"
	for t in "${NIGHTLY_TARGETS[@]}"; do
		local replay
		replay=$(nightly_bin coverage "${t/fuzz_/replay_}")
		# A kernel tree's code: the adapter and the tree's own files, as built.
		if [[ $t == "${KERNEL_TARGET}"_* && " ${sources[*]} " != *" $ROOT/kernel "* ]]; then
			sources+=("$ROOT/kernel" "$NIGHTLY_BUILD/coverage/kernel-trees")
		fi
		LLVM_PROFILE_FILE="$prof/$t-%p.profraw" "$replay" $(nightly_inputs "$t") \
			>"$runs/coverage-$t.log" 2>&1 ||
			echo "nightly: coverage replay of $t disagreed on an input: $runs/coverage-$t.log" >&2
		# llvm-cov takes the first binary as is, the others after -object.
		[[ ${#objects[@]} -eq 0 ]] && objects+=("$replay") || objects+=(-object "$replay")
	done
	"$S2FUZZ_LLVM_PROFDATA" merge -sparse "$prof"/*.profraw -o "$prof/all.profdata" || return 1
	"$S2FUZZ_LLVM_COV" show -format=html -output-dir="$out/html" -instr-profile="$prof/all.profdata" \
		"${objects[@]}" "${sources[@]}" >/dev/null || return 1
	"$S2FUZZ_LLVM_COV" report -instr-profile="$prof/all.profdata" "${objects[@]}" "${sources[@]}" \
		>"$out/summary.txt" || return 1
	"$S2FUZZ_LLVM_COV" export -format=lcov -instr-profile="$prof/all.profdata" "${objects[@]}" \
		"${sources[@]}" | awk -v root="$ROOT/" '
			/^SF:/ { file = substr($0, 4); sub(root, "", file) }
			/^DA:/ { split(substr($0, 4), a, ","); if (a[2] == 0) lines[file] = lines[file] " " a[1] }
			END { for (f in lines) print f ":" lines[f] }
		' | sort >"$out/unreached-lines.txt"
	# The TOTAL row: line coverage in percent.
	awk '$1 == "TOTAL" { print $(NF - 3) }' "$out/summary.txt"
}

# One PNG per target and engine: coverage (left axis) and execs/s (right) over the nights.
nightly_plots()
{
	local t e file png unit
	command -v gnuplot >/dev/null || { echo "nightly: gnuplot is missing" >&2; return 1; }
	mkdir -p "$NIGHTLY_REPORT/plots"
	for t in "${NIGHTLY_TARGETS[@]}"; do
		for e in "${NIGHTLY_RUN_ENGINES[@]}"; do
			file=$NIGHTLY_WORK/plot.dat
			png=$NIGHTLY_REPORT/plots/$t-$e.png
			awk -F'\t' -v t="$t" -v e="$e" '$3 == t && $4 == e' \
				"$NIGHTLY_WORK/history.tsv" >"$file"
			[[ -s $file ]] || continue
			[[ $e == afl ]] && unit="bitmap coverage (%)" || unit="coverage (edges)"
			gnuplot 2>>"$NIGHTLY_WORK/gnuplot.log" <<GNUPLOT || return 1
set terminal png size 800,400 noenhanced
set output '$png'
set title '$t under $e, per night'
set xdata time
set timefmt '%s'
set format x "%m-%d %H:%M"
set xtics rotate by -30
set datafile separator '\t'
set ylabel '$unit'
set y2label 'execs/s'
set ytics nomirror
set y2tics
set key left top
plot '$file' using 1:7 axes x1y1 with linespoints title '$unit', \\
     '$file' using 1:6 axes x1y2 with linespoints title 'execs/s'
GNUPLOT
		done
	done
	rm -f "$NIGHTLY_WORK/plot.dat"
}

# index.md: one row per target and engine, with the change since the previous night.
nightly_index()
{
	local stamp=$1 line_cov=$2 f
	{
		echo "# s2fuzz nightly report"
		echo
		echo "Night $(date -u -d "@$stamp" '+%Y-%m-%d %H:%M UTC') ($stamp): $NIGHTLY_MINUTES minutes of fuzzing, $NIGHTLY_JOBS processes per run," \
			"engines ${NIGHTLY_RUN_ENGINES[*]}${NIGHTLY_PLANT:+, planted bug $NIGHTLY_PLANT}."
		echo
		echo "| target | engine | executions | execs/s | coverage | corpus | new findings | change since the previous night |"
		echo "|---|---|---:|---:|---:|---:|---:|---|"
		awk -F'\t' -v night="$stamp" '
			{ key = $3 "/" $4 }
			$2 != night { prev_cov[key] = $7; prev_corp[key] = $8; prev_execs[key] = $5; had[key] = 1 }
			$2 == night {
				change = "first night"
				if (had[key])
					change = sprintf("coverage %+d, corpus %+d, executions %+d",
						$7 - prev_cov[key], $8 - prev_corp[key], $5 - prev_execs[key])
				printf "| %s | %s | %d | %d | %s | %d | %d | %s |\n", $3, $4, $5, $6, $7, $8, $9, change
			}
		' "$NIGHTLY_WORK/history.tsv"
		echo
		echo "Coverage is libFuzzer's edge count, or AFL++'s bitmap coverage in percent."
		echo "Source coverage of core/, reference/ and diff/ over the merged corpora:" \
			"**${line_cov:-?} of lines** ([summary](coverage/summary.txt)," \
			"[HTML](coverage/html/index.html)," \
			"[lines no target reaches](coverage/unreached-lines.txt))."
		echo
		echo "## Findings"
		echo
		if [[ ! -s $NIGHTLY_REPORT/findings.tsv ]]; then
			echo "None."
		else
			echo "| # | target | engine | status | signature | reproduce |"
			echo "|---|---|---|---|---|---|"
			awk -F'\t' '{ printf "| [%s](findings/%s/) | %s | %s | %s | `%s` | `%s` |\n", $1, $1, $2, $3, $4, $5, $6 }' \
				"$NIGHTLY_REPORT/findings.tsv"
			echo
			echo "Each finding's folder holds the input (minimized when the signature held),"
			echo "script.txt (the input decoded) and the minimizer's log."
		fi
		echo
		echo "## Plots"
		echo
		for f in "$NIGHTLY_REPORT"/plots/*.png; do
			[[ -f $f ]] && echo "![$(basename "$f" .png)](plots/$(basename "$f"))"
		done
	} >"$NIGHTLY_REPORT/index.md"
}

cmd_nightly()
{
	NIGHTLY_MINUTES=60
	NIGHTLY_JOBS=$(nproc)
	NIGHTLY_REPORT=$ROOT/out/nightly/report
	NIGHTLY_WORK=$ROOT/out/nightly/work
	NIGHTLY_PLANT=""
	local engines=libfuzzer,msan,afl update=0 e t
	NIGHTLY_TARGETS=()
	while [[ $# -gt 0 ]]; do
		case $1 in
		--minutes | --jobs | --report | --work | --engines | --plant)
			[[ $# -ge 2 && -n $2 ]] || die_usage "nightly: $1 needs a value"
			case $1 in
			--minutes)
				[[ $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || die_usage "nightly: --minutes takes a number"
				NIGHTLY_MINUTES=$2 ;;
			--jobs)
				[[ $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || die_usage "nightly: --jobs takes a number"
				NIGHTLY_JOBS=$2 ;;
			--report) NIGHTLY_REPORT=$(realpath -m "$2") ;;
			--work) NIGHTLY_WORK=$(realpath -m "$2") ;;
			--engines) engines=$2 ;;
			--plant)
				[[ $2 =~ ^[0-9]+$ ]] || die_usage "nightly: --plant takes a bug number"
				NIGHTLY_PLANT=$2 ;;
			esac
			shift 2
			;;
		--update-corpora) update=1; shift ;;
		-h | --help) nightly_usage; return 0 ;;
		-*) nightly_usage >&2; die_usage "nightly: unknown option '$1'" ;;
		"$KERNEL_TARGET")
			# One program per Debian kernel tree (docs/kernel-tree.md).
			[[ -n $(kernel_trees) ]] ||
				die_usage "nightly: $KERNEL_TARGET needs Debian's linux-source-*" \
					"packages (./s2fuzz deps installs them)"
			mapfile -t -O "${#NIGHTLY_TARGETS[@]}" NIGHTLY_TARGETS < <(target_programs "$1")
			shift
			;;
		*) require_target "$1"; NIGHTLY_TARGETS+=("$1"); shift ;;
		esac
	done
	IFS=, read -ra NIGHTLY_RUN_ENGINES <<<"$engines"
	for e in "${NIGHTLY_RUN_ENGINES[@]}"; do
		[[ " ${NIGHTLY_ENGINES[*]} " =~ " $e " ]] ||
			die_usage "nightly: unknown engine '$e' (expected: ${NIGHTLY_ENGINES[*]})"
	done
	[[ ${#NIGHTLY_TARGETS[@]} -gt 0 ]] || NIGHTLY_TARGETS=("${FUZZ_TARGETS[@]}")
	NIGHTLY_BUILD=${S2FUZZ_NIGHTLY_BUILD:-$ROOT/build/nightly${NIGHTLY_PLANT:+-plant-$NIGHTLY_PLANT}}

	nightly_build || { echo "nightly: build failed" >&2; return 1; }
	local stamp runs per n=0 total dead=0
	local -a rows=()
	stamp=$(date +%s)
	runs=$NIGHTLY_WORK/runs/$stamp
	total=$((${#NIGHTLY_TARGETS[@]} * ${#NIGHTLY_RUN_ENGINES[@]}))
	per=$((NIGHTLY_MINUTES * 60 / total))
	[[ $per -ge 10 ]] || per=10
	mkdir -p "$NIGHTLY_REPORT" "$NIGHTLY_WORK/corpus"
	rm -rf "$NIGHTLY_REPORT/findings" "$NIGHTLY_WORK/runs"
	touch "$NIGHTLY_WORK/history.tsv"
	echo "nightly: $total runs of ${per}s, $NIGHTLY_JOBS processes each; work in $NIGHTLY_WORK" >&2
	for e in "${NIGHTLY_RUN_ENGINES[@]}"; do
		for t in "${NIGHTLY_TARGETS[@]}"; do
			local dir=$runs/$e/$t stats label
			n=$((n + 1))
			label="[$n/$total] $t $e"
			mkdir -p "$dir" "$NIGHTLY_WORK/corpus/$t"
			nightly_prescreen "$e" "$t" "$dir"
			if [[ $e == afl ]]; then
				stats=$(nightly_run_afl "$t" "$per" "$dir" "$label")
			else
				stats=$(nightly_run_libfuzzer "$e" "$t" "$per" "$dir" "$label")
			fi
			echo >&2
			check_ran "$t" "$e" "$dir" "${stats%% *}" || dead=1
			rows+=("$t $e $stats")
		done
	done
	echo "nightly: merging and minimizing the working corpus" >&2
	nightly_merge "$runs" || return 1
	echo "nightly: findings" >&2
	nightly_findings "$runs"
	local r
	for r in "${rows[@]}"; do
		local -a s
		read -ra s <<<"$r"
		# time, night, target, engine, execs, execs/s, coverage, corpus, new findings
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$stamp" "$stamp" "${s[0]}" "${s[1]}" \
			"${s[2]}" "${s[3]}" "${s[4]}" "${s[5]}" \
			"$(awk -F'\t' -v t="${s[0]}" -v e="${s[1]}" '$2 == t && $3 == e && $4 == "new"' \
				"$NIGHTLY_REPORT/findings.tsv" | wc -l)" >>"$NIGHTLY_WORK/history.tsv"
	done
	echo "nightly: coverage" >&2
	local line_cov
	line_cov=$(nightly_coverage "$runs") || echo "nightly: coverage report failed" >&2
	nightly_plots || true
	nightly_index "$stamp" "$line_cov"
	[[ $update == 1 ]] && nightly_update_corpora
	echo "nightly: report in $NIGHTLY_REPORT/index.md: $NIGHTLY_NEW new findings" \
		"($(wc -l <"$NIGHTLY_REPORT/findings.tsv") in all)" >&2
	[[ $dead == 0 ]] || { echo "nightly: an engine died at start (see above)" >&2; return 1; }
	[[ $NIGHTLY_NEW -eq 0 ]]
}
