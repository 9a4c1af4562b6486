#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# debian-arm64-kernel.sh CACHE_DIR: prints the path of Debian's arm64 kernel
# package, the .deb of the kernel linux-image-arm64:arm64 depends on now (its
# name carries the ABI version, so it is asked of apt-cache, never written
# here), downloaded once with apt-get download into CACHE_DIR and kept there:
# later runs use it without the network. Read by tools/el2-board-dtbs.sh (the
# board trees of the el2/dt tests) and tools/linux-host.sh (the Linux host's
# kernel); nothing of it is committed. Any failure is an error.
set -euo pipefail

die()
{
	echo "debian-arm64-kernel: $*" >&2
	exit 1
}

[[ $# -eq 1 ]] || die "usage: debian-arm64-kernel.sh CACHE_DIR"
cache=$1
meta=linux-image-arm64:arm64
if [[ $(dpkg --print-architecture) != arm64 ]] &&
	! dpkg --print-foreign-architectures | grep -qx arm64; then
	die "dpkg does not know the arm64 architecture, so $meta cannot be found; add it with" \
		"'dpkg --add-architecture arm64 && apt-get update' (./s2fuzz's deps_el2 does)"
fi
pkg=$(apt-cache depends "$meta" 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }') || true
[[ -n $pkg ]] || die "apt-cache knows no kernel package that $meta depends on" \
	"(apt-get update, with the arm64 architecture added?)"
version=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' |
	head -n 1)
[[ -n $version ]] || die "apt-cache has no version of $pkg"
# apt-get download's file name: the version's colon (an epoch) written %3a.
deb=$cache/${pkg%:arm64}_${version//:/%3a}_arm64.deb
if [[ ! -f $deb ]]; then
	mkdir -p "$cache"
	echo "debian-arm64-kernel: downloading $pkg $version (about 60 MB, once) into $cache" >&2
	tmp=$(mktemp -d "$cache/download.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q "$pkg=$version" >download.log 2>&1) ||
		{ cat "$tmp/download.log" >&2; die "apt-get download $pkg failed (network, or" \
			"package lists out of date: apt-get update)"; }
	[[ -f $tmp/$(basename "$deb") ]] || die "apt-get download $pkg left no $(basename "$deb")"
	mv "$tmp/$(basename "$deb")" "$deb"
fi
echo "$deb"
