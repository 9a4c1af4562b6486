#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Real boards' device trees for the el2/dt tests, from Debian's arm64 kernel
# package (never committed: they are the kernel's, and they change with it).
# Usage: el2-board-dtbs.sh CACHE_DIR VENDOR/BOARD.dtb...
# Leaves each tree at CACHE_DIR/boards/VENDOR/BOARD.dtb. The package is
# downloaded once into CACHE_DIR and kept (tools/debian-arm64-kernel.sh):
# later runs (more boards, a deleted tree) extract from it again without the
# network. Any failure is an error; the tests are not skipped.
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

deb=$("$(dirname "${BASH_SOURCE[0]}")/debian-arm64-kernel.sh" "$cache")

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
