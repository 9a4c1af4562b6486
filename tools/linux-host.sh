#!/usr/bin/env bash
# linux-host.sh DIR: prints the path of Debian bookworm's arm64 kernel Image,
# the host el2 boots by default (./s2fuzz boot --linux; docs/el2.md, "A Linux
# host"). The package is the one Debian's linux-image-arm64 depends on now,
# found with apt-cache (its version is never written down here), fetched once
# with apt-get download into DIR and unpacked there; never committed. Needs
# the arm64 architecture in dpkg (./s2fuzz deps adds it) and apt's lists.
set -euo pipefail

die()
{
	echo "linux-host: $*" >&2
	exit 2
}

[[ $# -eq 1 ]] || die "usage: linux-host.sh DIR"
dir=$1
dpkg --print-foreign-architectures | grep -qx arm64 ||
	die "dpkg has no arm64 architecture (./s2fuzz deps adds it)"
pkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
[[ -n $pkg ]] ||
	die "apt-cache knows no linux-image-arm64:arm64 (apt-get update, with arm64 in dpkg)"
pkg=${pkg%:arm64}
version=$(apt-cache show --no-all-versions "$pkg:arm64" | sed -n 's/^Version: //p' | head -n 1)
[[ -n $version ]] || die "apt-cache has no version of $pkg:arm64"
image=$dir/${pkg}_$version.Image
if [[ ! -f $image ]]; then
	mkdir -p "$dir"
	work=$(mktemp -d "$dir/fetch.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	echo "linux-host: fetching $pkg $version (arm64) with apt-get download" >&2
	(cd "$work" && apt-get download -q "$pkg:arm64=$version" >download.log 2>&1) ||
		{ cat "$work/download.log" >&2; die "apt-get download $pkg:arm64 failed"; }
	dpkg-deb -x "$work"/*.deb "$work/root"
	found=("$work"/root/boot/vmlinuz-*)
	[[ ${#found[@]} -eq 1 && -f ${found[0]} ]] || die "$pkg has no single /boot/vmlinuz-*"
	mv "${found[0]}" "$image.tmp"
	mv "$image.tmp" "$image"
fi
echo "$image"
