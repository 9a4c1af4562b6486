#!/usr/bin/env bash
# Build a folder's C sources freestanding for aarch64 (the EL2 image's flags),
# with every warning an error, link them into one relocatable object, and
# check that the only symbols it needs from outside are the few a platform
# supplies. Usage: check_aarch64.sh SRC_DIR INCLUDE_DIR OUT_DIR ALLOWED_SYMBOL...
set -euo pipefail

src=$1 inc=$2 out=$3
shift 3
allowed=("$@")
cc=${AARCH64_CC:-aarch64-linux-gnu-gcc}
ld=${AARCH64_LD:-aarch64-linux-gnu-ld}
nm=${AARCH64_NM:-aarch64-linux-gnu-nm}

flags=(${EXTRA_CFLAGS:-} -std=c11 -O2 -ffreestanding -nostdlib -mgeneral-regs-only -mstrict-align -fno-pie
       -fno-stack-protector -mno-outline-atomics -fno-common
       -Wall -Wextra -Werror -Wconversion -Wsign-conversion -Wshadow
       -Wmissing-prototypes -Wstrict-prototypes -Wvla -Wno-unused-parameter)

mkdir -p "$out"
objs=()
for f in "$src"/*.c; do
	o="$out/$(basename "${f%.c}").o"
	"$cc" "${flags[@]}" -I"$inc" -c "$f" -o "$o"
	objs+=("$o")
done
"$ld" -r -o "$out/all.o" "${objs[@]}"

status=0
while read -r sym; do
	ok=0
	for a in "${allowed[@]}"; do
		[[ $sym == "$a" ]] && ok=1
	done
	if [[ $ok == 0 ]]; then
		echo "unexpected external symbol: $sym" >&2
		status=1
	fi
done < <("$nm" -u "$out/all.o" | awk '{print $2}')
file_info=$(file -b "$out/all.o" 2>/dev/null || true)
echo "built ${#objs[@]} files from $src for aarch64: $file_info"
exit $status
