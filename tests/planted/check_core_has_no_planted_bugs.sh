#!/usr/bin/env bash
# core/ is production code only: a planted bug is a patch in tests/planted/
# that a planted build applies to a copy of core/ (docs/planted-bugs.md), never
# a branch compiled in or out of the core. Fails on any mention of one.
# usage: check_core_has_no_planted_bugs.sh CORE_DIR
set -uo pipefail

core=$1
[[ -d $core/src ]] || { echo "check_core_has_no_planted_bugs: no $core/src" >&2; exit 2; }
hits=$(grep -rn -i -E 'planted|S2FUZZ_PLANT' "$core"; find "$core" -iname '*plant*')
if [[ -n $hits ]]; then
	echo "check_core_has_no_planted_bugs: FAILED: core/ knows of planted bugs:" >&2
	echo "$hits" >&2
	exit 1
fi
echo "check_core_has_no_planted_bugs: $core has no planted bug"
