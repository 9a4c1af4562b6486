#!/usr/bin/env bash
# bench-plots.sh DIR SPEED COALESCE RATES DETECT: the benchmark's PNG plots,
# drawn with gnuplot from the Markdown tables its sections printed (the
# files SPEED, COALESCE, RATES, DETECT), into DIR:
#   speed.png     section 1: ours over Linux per row, release platform and sim/,
#                 with the targets (1.0x, 1.25x);
#   coalesce.png  section 2: host leaves per scenario, with and without
#                 coalescing and the optimum (log scale);
#   fuzz.png      section 3: execs/s per target, engine and build (log scale);
#   detect.png    section 4: median seconds to the report per planted bug and engine.
# A section whose table is empty (bench.sh --quick) has no plot.
set -euo pipefail

[[ $# -eq 5 ]] || { echo "usage: bench-plots.sh DIR SPEED COALESCE RATES DETECT" >&2; exit 2; }
dir=$1 speed=$2 coalesce=$3 rates=$4 detect=$5
command -v gnuplot >/dev/null || { echo "bench-plots: gnuplot is missing" >&2; exit 1; }
mkdir -p "$dir"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

# The rows of a Markdown table (not its header or rule), cells split on '|'.
rows()
{
	awk -F'|' 'NF > 2 && $2 !~ /^ *(workload|---|host stage 2|target|bug) *$/ && $2 !~ /^-/' "$1"
}

# plot NAME TITLE: draws DIR/NAME.png from the commands on stdin, after the
# settings every plot here shares (bars, clustered when there are several).
plot()
{
	{
		cat <<GNUPLOT
set terminal png size 900,450 noenhanced
set output '$dir/$1.png'
set title '$2'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
GNUPLOT
		cat
	} | gnuplot 2>>"$data/gnuplot.log" || { cat "$data/gnuplot.log" >&2; exit 1; }
}

# 1: row number, release ratio, sim ratio (the table's ratio columns end in x).
rows "$speed" | awk -F'|' '$6 ~ /x *$/ {
	n++; r = $6; s = $8; gsub(/[ x]/, "", r); gsub(/[ x]/, "", s); print n, r, s }' \
	>"$data/speed"
if [[ -s $data/speed ]]; then
	plot speed 'Core speed: ours over Linux per row (lower is faster; targets 1.0x and 1.25x)' <<GNUPLOT
set xlabel 'row of section 1'
set ylabel 'time, ours / Linux'
set boxwidth 0.9
set yrange [0:*]
set key top left
plot '$data/speed' using 2:xtic(1) title 'release platform', \\
     '' using 3 title 'sim/', \\
     1.0 with lines dashtype 2 lc rgb 'black' title '1.0x', \\
     1.25 with lines dashtype 3 lc rgb 'gray30' title '1.25x'
GNUPLOT
fi

# 2: scenario, leaves with coalescing, without, optimum (the "leaves" column).
awk -F'|' '/^### / { n++ } /^\| coalescing / { on[n] = $6 } /^\| no coalescing / { off[n] = $6 }
	/^\| optimum / { best[n] = $6 }
	END { for (i = 1; i <= n; i++) if (i in on) print i, on[i] + 0, off[i] + 0, best[i] + 0 }' \
	"$coalesce" >"$data/coalesce"
if [[ -s $data/coalesce ]]; then
	plot coalesce 'Coalescing: host stage-2 leaves after each scenario' <<GNUPLOT
set xlabel 'scenario of section 2'
set ylabel 'leaves (log scale)'
set logscale y
set key top left
plot '$data/coalesce' using 2:xtic(1) title 'coalescing', '' using 3 title 'no coalescing', \\
     '' using 4 title 'optimum'
GNUPLOT
fi

# 3: target and its four execs/s (the leading number of each cell).
rows "$rates" | awk -F'|' '{ t = $2; gsub(/ /, "", t); printf "%s", t
	for (i = 3; i <= 6; i++) { split($i, w, " "); printf " %s", w[1] + 0 } print "" }' \
	>"$data/rates"
if [[ -s $data/rates ]]; then
	plot fuzz 'Fuzzing throughput, one core' <<GNUPLOT
set ylabel 'execs/s (log scale)'
set logscale y
set key top right
plot '$data/rates' using 2:xtic(1) title 'libFuzzer', '' using 3 title 'libFuzzer, ASan+UBSan', \\
     '' using 4 title 'AFL++', '' using 5 title 'AFL++, ASan+UBSan'
GNUPLOT
fi

# 4: bug number and median seconds (bugs not caught are left out).
# 4: bug number, libFuzzer's and AFL++'s median seconds ("?" where no seed caught it).
rows "$detect" | awk -F'|' 'function secs(c) { sub(/ s *$/, "", c); gsub(/ /, "", c)
		return (c == "-" || c == "") ? "?" : c }
	{ split($2, b, " "); print b[1], secs($4), secs($7) }' >"$data/detect"
if [[ -s $data/detect ]]; then
	plot detect 'Time to detect each planted bug from a header-only input (median over seeds)' <<GNUPLOT
set xlabel 'planted bug'
set ylabel 'seconds'
set yrange [0:*]
set datafile missing '?'
set key top left
plot '$data/detect' using 2:xtic(1) title 'libFuzzer', '' using 3 title 'AFL++'
GNUPLOT
fi
