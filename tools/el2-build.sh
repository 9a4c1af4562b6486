#!/usr/bin/env bash
# Build the EL2 image (el2/, a cross-built project of its own) into BUILD_DIR.
# usage: el2-build.sh BUILD_DIR [cmake -D options...]
# Prints the path of the Image on success.
set -euo pipefail

dir=$1
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

cmake -S "$root/el2" -B "$dir" --toolchain "$root/cmake/aarch64-el2.cmake" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)" >&2
echo "$dir/Image"
