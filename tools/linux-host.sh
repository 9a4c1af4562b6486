#!/usr/bin/env bash
# linux-host.sh DIR: prints the path of Debian bookworm's arm64 kernel Image,
# the host el2 boots by default (./s2fuzz boot --linux; docs/el2.md, "A Linux
# host"): /boot/vmlinuz-* of the package tools/debian-arm64-kernel.sh keeps
# in DIR (fetched once), unpacked beside it as PACKAGE.Image. Never committed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ $# -eq 1 ]] || { echo "usage: linux-host.sh DIR" >&2; exit 2; }
deb=$("$root/tools/debian-arm64-kernel.sh" "$1")
image=${deb%.deb}.Image
if [[ ! -f $image ]]; then
	tmp=$(mktemp -d "$1/extract.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' ||
		{ echo "linux-host: $deb has no /boot/vmlinuz-*" >&2; exit 1; }
	found=("$tmp"/boot/vmlinuz-*)
	[[ ${#found[@]} -eq 1 ]] || { echo "linux-host: $deb has ${#found[@]} kernels" >&2; exit 1; }
	# An uncompressed arm64 Image: "ARM\x64" at offset 56 (Linux's booting.rst).
	[[ $(od -An -c -j 56 -N 4 "${found[0]}" | tr -d ' ') == 'ARMd' ]] ||
		{ echo "linux-host: ${found[0]#"$tmp"} in $deb is no arm64 Image" >&2; exit 1; }
	mv "${found[0]}" "$image"
fi
echo "$image"
