#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Real boards' device trees for the el2/dt tests, from Debian's arm64 kernel
# package (never committed: they are the kernel's, and they change with it).
# Usage: el2-board-dtbs.sh CACHE_DIR VENDOR/BOARD.dtb...
# Leaves each tree at CACHE_DIR/boards/VENDOR/BOARD.dtb. The package is
# downloaded once into CACHE_DIR and kept: later runs (more boards, a deleted
# tree) extract from it again without the network. Any failure is an error;
# the tests are not skipped.
set -euo pipefail

die()
{
	echo "el2-board-dtbs: $*" >&2
	exit 1
}

[[ $# -ge 2 ]] || die "usage: $0 CACHE_DIR VENDOR/BOARD.dtb..."
cache=$1
shift
mkdir -p "$cache"

# The kernel package the arm64 meta-package depends on now: its name carries
# the ABI version (linux-image-6.1.0-NN-arm64), so it is looked up, not written here.
find_package()
{
	local meta=linux-image-arm64:arm64 pkg
	if [[ $(dpkg --print-architecture) != arm64 ]] &&
		! dpkg --print-foreign-architectures | grep -qx arm64; then
		die "dpkg does not know the arm64 architecture, so $meta cannot be found; add it with" \
			"'dpkg --add-architecture arm64 && apt-get update' (./s2fuzz's deps_el2 does)"
	fi
	pkg=$(apt-cache depends "$meta" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }') || true
	[[ -n $pkg ]] || die "apt-cache knows no kernel package that $meta depends on" \
		"(apt-get update, with the arm64 architecture added?)"
	echo "$pkg"
}

deb=$(find "$cache" -maxdepth 1 -name 'linux-image-*_arm64.deb' | head -n 1)
if [[ -z $deb ]]; then
	pkg=$(find_package)
	echo "el2-board-dtbs: downloading $pkg (about 60 MB, once) into $cache" >&2
	tmp=$(mktemp -d "$cache/download.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	if ! (cd "$tmp" && apt-get download "$pkg" >&2); then
		die "apt-get download $pkg failed (network, or package lists out of date:" \
			"apt-get update); the el2 board tests need it"
	fi
	deb=$(find "$tmp" -maxdepth 1 -name 'linux-image-*_arm64.deb' | head -n 1)
	[[ -n $deb ]] || die "apt-get download $pkg left no .deb"
	mv "$deb" "$cache/"
	deb=$cache/$(basename "$deb")
	rm -rf "$tmp"
fi

# Only the trees asked for leave the package (it holds 350 MB of modules).
tmp=$(mktemp -d "$cache/extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
patterns=()
for board in "$@"; do
	patterns+=("./usr/lib/linux-image-*/$board")
done
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards "${patterns[@]}" ||
	die "$deb does not hold all of: $*"
for board in "$@"; do
	src=$(find "$tmp/usr/lib" -path "*/$board" | head -n 1)
	[[ -n $src ]] || die "$deb has no $board"
	mkdir -p "$cache/boards/$(dirname "$board")"
	mv "$src" "$cache/boards/$board"
	# The package's date is the kernel's: make the build see the tree as new.
	touch "$cache/boards/$board"
done
echo "el2-board-dtbs: $# board trees from $(basename "$deb") in $cache/boards" >&2
