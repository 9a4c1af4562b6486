# shellcheck shell=bash
# A target's own libFuzzer options: corpora/TARGET/TARGET.options, in the
# options file format OSS-Fuzz reads ("key = value" lines under [libfuzzer],
# # comments). Sourced by the scripts that run libFuzzer.

# s2fuzz_libfuzzer_options ROOT TARGET: the options as flags, one per line (none
# when the target has no file).
s2fuzz_libfuzzer_options()
{
	local file=$1/corpora/$2/$2.options
	[[ -f $file ]] || return 0
	awk '/^\[/ { in_lf = ($0 == "[libfuzzer]"); next }
	     in_lf && /^[a-z_]+ *= *[^ ]+ *$/ { gsub(/ /, ""); print "-" $0 }' "$file"
}
