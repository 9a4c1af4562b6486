#!/usr/bin/env bash
# ./s2fuzz without a command is a usage error, like every other: it says so
# and prints the usage on stderr, nothing on stdout, and exits with status 2.
# usage: check_s2fuzz_no_command.sh
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
fail()
{
	echo "check_s2fuzz_no_command: FAILED: $*" >&2
	echo "--- stdout:" >&2
	cat "$out" >&2
	echo "--- stderr:" >&2
	cat "$err" >&2
	exit 1
}

"$root/s2fuzz" >"$out" 2>"$err" </dev/null
status=$?
[[ $status -eq 2 ]] || fail "exit status $status, expected 2"
[[ ! -s $out ]] || fail "it wrote to stdout"
grep -q '^s2fuzz: .*command' "$err" || fail "no message saying a command is missing"
grep -q '^usage: ./s2fuzz <command>' "$err" || fail "no usage on stderr"
echo "check_s2fuzz_no_command: status 2, $(head -n 1 "$err")"
