#!/usr/bin/env bash
# The nightly's AFL++ figures come from every instance's own counts: execs/s is
# executions over run time, never AFL++'s execs_per_sec, which a stats file
# written in an instance's first second gives as INT_MAX (the progress line
# showed "exec/s 2147483647").
# usage: check_nightly_afl_stats.sh NIGHTLY_SH WORKDIR
set -euo pipefail
nightly=$1 work=$2
rm -rf "$work" && mkdir -p "$work/sync/main" "$work/sync/cmplog1"
printf '%s\n' 'run_time          : 0' 'execs_done        : 244' \
	'execs_per_sec     : 2147483647.00' 'bitmap_cvg        : 28.74%' \
	'corpus_count      : 15' >"$work/sync/main/fuzzer_stats"
printf '%s\n' 'run_time          : 40' 'execs_done        : 400' \
	'execs_per_sec     : 9.00' >"$work/sync/cmplog1/fuzzer_stats"
# shellcheck disable=SC1090 # the one function, from the script as it is
source <(sed -n '/^nightly_afl_stats()/,/^}/p' "$nightly")
got=$(nightly_afl_stats "$work/sync")
want="644 10 28.74 15"
[[ $got == "$want" ]] || { echo "nightly_afl_stats: got '$got', want '$want'" >&2; exit 1; }
echo "nightly_afl_stats: $got"
