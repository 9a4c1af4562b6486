#!/bin/sh
# pack-initramfs.sh INIT OUT: the Linux host's initramfs (cpio newc, gzip),
# holding INIT as /init and the empty /dev, /proc and /sys it mounts, every
# entry owned by root; the same bytes for the same INIT.
set -eu
[ $# -eq 2 ] || { echo "usage: pack-initramfs.sh INIT OUT" >&2; exit 2; }
init=$1 out=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/dev" "$stage/proc" "$stage/sys"
chmod 0755 "$stage"
cp "$init" "$stage/init"
chmod 0755 "$stage/init"
touch -d @0 "$stage/init" "$stage/dev" "$stage/proc" "$stage/sys" "$stage"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9n >"$out.tmp"
mv "$out.tmp" "$out"
