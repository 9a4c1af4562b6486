#!/usr/bin/env bash
# Boot the EL2 image under QEMU's virt machine (virtualization=on, GICv3) and
# exit with the self-test's status. The console goes to standard output.
#
# usage: el2-boot.sh IMAGE [--uboot] [--mem SIZE] [--cpu MODEL] [--dtb FILE]
#                    [--ops N] [--seed S] [--timeout SECONDS] [--no-virtualization]
#
#   --uboot   Debian's u-boot-qemu (qemu_arm64) is the firmware: it loads the
#             Image through QEMU's fw_cfg at its own kernel_addr_r (not QEMU's
#             -kernel address) and starts it with booti.
#   --no-virtualization   boot without EL2 (the image must say so and stop).
# The run stops through semihosting (s2fuzz.exit=semihosting), so QEMU's exit
# status is the self-test's: 0 passed, 1 failed. A run that does not stop within
# the timeout is killed: exit 124 with a message.
set -euo pipefail

usage()
{
	sed -n '5,7p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
	exit 2
}

[[ $# -ge 1 ]] || usage
image=$1
shift
uboot=0 mem=1G cpu=cortex-a57 dtb="" ops="" seed="" timeout=300 virt=on

need_value()
{
	[[ $# -ge 2 && -n $2 ]] || { echo "el2-boot: $1 needs a value" >&2; exit 2; }
}

while [[ $# -gt 0 ]]; do
	case $1 in
	--uboot) uboot=1 ;;
	--no-virtualization) virt=off ;;
	--mem) need_value "$@"; mem=$2; shift ;;
	--cpu) need_value "$@"; cpu=$2; shift ;;
	--dtb) need_value "$@"; dtb=$2; shift ;;
	--ops) need_value "$@"; ops=$2; shift ;;
	--seed) need_value "$@"; seed=$2; shift ;;
	--timeout) need_value "$@"; timeout=$2; shift ;;
	*) echo "el2-boot: unknown option '$1'" >&2; usage ;;
	esac
	shift
done

[[ -f $image ]] || { echo "el2-boot: no image at '$image'" >&2; exit 2; }
[[ $mem =~ ^[0-9]+[MG]$ ]] || { echo "el2-boot: --mem takes a size such as 1G or 3072M" >&2; exit 2; }
[[ -z $ops || $ops =~ ^[0-9]+$ ]] || { echo "el2-boot: --ops takes a number" >&2; exit 2; }
[[ -z $seed || $seed =~ ^[0-9]+$ ]] || { echo "el2-boot: --seed takes a number" >&2; exit 2; }
[[ $timeout =~ ^[0-9]+$ ]] || { echo "el2-boot: --timeout takes seconds" >&2; exit 2; }
[[ -z $dtb || -f $dtb ]] || { echo "el2-boot: no device tree at '$dtb'" >&2; exit 2; }

bootargs="s2fuzz.exit=semihosting"
[[ -n $ops ]] && bootargs+=" s2fuzz.ops=$ops"
[[ -n $seed ]] && bootargs+=" s2fuzz.seed=$seed"

args=(-machine "virt,virtualization=$virt,gic-version=3" -cpu "$cpu" -m "$mem"
      -nographic -monitor none -serial stdio -nic none -no-reboot
      -semihosting-config enable=on,target=native
      -kernel "$image" -append "$bootargs")
[[ -n $dtb ]] && args+=(-dtb "$dtb")
if [[ $uboot == 1 ]]; then
	fw=/usr/lib/u-boot/qemu_arm64/u-boot.bin
	[[ -f $fw ]] || { echo "el2-boot: $fw is missing (apt-get install u-boot-qemu)" >&2; exit 2; }
	args+=(-bios "$fw")
fi

rc=0
timeout --foreground -k 5 "$timeout" qemu-system-aarch64 "${args[@]}" </dev/null || rc=$?
if [[ $rc -eq 124 ]]; then
	echo "el2-boot: QEMU did not stop within ${timeout}s: killed" >&2
fi
exit "$rc"
