# Sourced by the catalogue's checks: `fail WHY` says a problem, under the
# script's name, and counts it in $failed; the script decides when to stop.
failed=0
fail()
{
	echo "$(basename "$0" .sh): FAILED: $*" >&2
	failed=$((failed + 1))
}
