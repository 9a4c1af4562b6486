#!/usr/bin/env bash
# docs/input-format.md holds every target's tables of fields and operations as
# `s2script doc` prints them from the operation table, between the lines
#   <!-- s2script doc --target T: begin -->  and  <!-- s2script doc --target T: end -->
# Fails, with the difference, when a table has moved on and the page has not.
# usage: check_input_format_doc.sh S2SCRIPT DOC TARGET...
set -euo pipefail
s2script=$1 doc=$2
shift 2
status=0
for t in "$@"; do
	begin="<!-- s2script doc --target $t: begin -->"
	end="<!-- s2script doc --target $t: end -->"
	if ! grep -qxF -- "$begin" "$doc" || ! grep -qxF -- "$end" "$doc"; then
		echo "$doc: no generated block for $t (the lines '$begin' and '$end')" >&2
		status=1
		continue
	fi
	if ! diff -u <(awk -v b="$begin" -v e="$end" '$0 == e { on = 0 } on { print } $0 == b { on = 1 }' "$doc") \
		<("$s2script" doc --target "$t") >&2; then
		echo "$doc: $t's tables differ from the operation table: paste \`s2script doc --target $t\` between the markers" >&2
		status=1
	fi
done
[[ $status -eq 0 ]] && echo "$doc: the tables of $* match the operation table"
exit $status
