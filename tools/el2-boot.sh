#!/usr/bin/env bash
# Boot the EL2 image under QEMU's virt machine (virtualization=on, GICv3) and
# exit with the self-test's status. The console goes to standard output.
#
# usage: el2-boot.sh IMAGE [--uboot] [--mem SIZE] [--cpu MODEL] [--dtb FILE]
#                    [--ops N] [--seed S] [--timeout SECONDS] [--no-virtualization]
#                    [--linux KERNEL INITRD] [--smp N]
#
#   --uboot   Debian's u-boot-qemu (qemu_arm64) is the firmware: it loads the
#             Image through QEMU's fw_cfg at its own kernel_addr_r (not QEMU's
#             -kernel address) and starts it with booti.
#   --no-virtualization   boot without EL2 (the image must say so and stop).
#   --linux   el2's host is the arm64 Linux Image KERNEL with the initramfs
#             INITRD (docs/el2.md, "A Linux host"): QEMU loads the kernel at
#             LINUX_AT and the tree's /chosen names it (s2fuzz,kernel-start
#             and -end), the initrd goes where QEMU or U-Boot puts it.
#   --smp N   N CPUs, multi-threaded TCG.
# The run stops through semihosting (s2fuzz.exit=semihosting), so QEMU's exit
# status is the self-test's: 0 passed, 1 failed. With --linux it is the init's
# (el2/linux/init.c): 0 if it printed "s2fuzz-init: result: pass", else 1. A
# run that does not stop within the timeout is killed: exit 124 with a message.
set -euo pipefail

# Where QEMU loads a Linux host's kernel: 256 MiB into the virt machine's
# memory, above what QEMU (initrd, tree) and U-Boot (its load addresses)
# place at its start, below el2's carve-out at its top.
LINUX_AT=0x50000000

usage()
{
	sed -n '5,8p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
	exit 2
}

[[ $# -ge 1 ]] || usage
image=$1
shift
uboot=0 mem=1G cpu=cortex-a57 dtb="" ops="" seed="" timeout=300 virt=on kernel="" initrd=""
smp=1

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
	--smp) need_value "$@"; smp=$2; shift ;;
	--linux)
		[[ $# -ge 3 && -n $2 && -n $3 ]] ||
			{ echo "el2-boot: --linux needs a kernel and an initrd" >&2; exit 2; }
		kernel=$2 initrd=$3
		shift 2
		;;
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
[[ $smp =~ ^[1-9][0-9]*$ && $smp -le 64 ]] ||
	{ echo "el2-boot: --smp takes a number of CPUs from 1 to 64" >&2; exit 2; }
if [[ -n $kernel ]]; then
	[[ -f $kernel ]] || { echo "el2-boot: no kernel at '$kernel'" >&2; exit 2; }
	[[ -f $initrd ]] || { echo "el2-boot: no initrd at '$initrd'" >&2; exit 2; }
	mib=${mem%[MG]}
	[[ $mem == *G ]] && mib=$((mib * 1024))
	((mib >= 512)) || { echo "el2-boot: --linux needs --mem 512M or more" >&2; exit 2; }
fi

bootargs="s2fuzz.exit=semihosting"
[[ -n $ops ]] && bootargs+=" s2fuzz.ops=$ops"
[[ -n $seed ]] && bootargs+=" s2fuzz.seed=$seed"

machine=(-machine "virt,virtualization=$virt,gic-version=3" -cpu "$cpu" -m "$mem" -smp "$smp"
	 -accel tcg,thread=multi)
if [[ $uboot == 1 ]]; then
	fw=/usr/lib/u-boot/qemu_arm64/u-boot.bin
	[[ -f $fw ]] || { echo "el2-boot: $fw is missing (apt-get install u-boot-qemu)" >&2; exit 2; }
	# (Part of the machine: with firmware, QEMU's virt has no PL061 GPIO.)
	machine+=(-bios "$fw")
fi
args=("${machine[@]}" -nographic -monitor none -serial stdio -nic none -no-reboot
      -semihosting-config enable=on,target=native -kernel "$image")
if [[ -n $kernel ]]; then
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	# The machine's own tree unless one was given, with the kernel named in /chosen.
	if [[ -z $dtb ]]; then
		qemu-system-aarch64 "${machine[@]}" -machine dumpdtb="$work/machine.dtb" \
			-nographic -monitor none -serial none -nic none >"$work/dumpdtb.log" 2>&1 ||
			{ cat "$work/dumpdtb.log" >&2; echo "el2-boot: QEMU did not dump its" \
				"device tree" >&2; exit 2; }
	else
		cp "$dtb" "$work/machine.dtb"
	fi
	dtb=$work/machine.dtb
	end=$((LINUX_AT + $(stat -c %s "$kernel")))
	fdtput -c "$dtb" /chosen 2>/dev/null || true # (a given tree may have none)
	fdtput -t x "$dtb" /chosen s2fuzz,kernel-start $(printf '%x %x' $((LINUX_AT >> 32)) \
		$((LINUX_AT & 0xffffffff)))
	fdtput -t x "$dtb" /chosen s2fuzz,kernel-end $(printf '%x %x' $((end >> 32)) \
		$((end & 0xffffffff)))
	bootargs+=" console=ttyAMA0 rdinit=/init"
	# (QEMU's option syntax: a comma in a file name is written twice.)
	args+=(-initrd "$initrd" -device "loader,file=${kernel//,/,,},addr=$LINUX_AT,force-raw=on")
fi
args+=(-append "$bootargs")
[[ -n $dtb ]] && args+=(-dtb "$dtb")

rc=0
if [[ -n $kernel ]]; then
	timeout --foreground -k 5 "$timeout" qemu-system-aarch64 "${args[@]}" </dev/null |
		tee "$work/console" || rc=$?
	if [[ $rc -eq 0 ]] && ! grep -q '^s2fuzz-init: result: pass' "$work/console"; then
		rc=1
	fi
else
	timeout --foreground -k 5 "$timeout" qemu-system-aarch64 "${args[@]}" </dev/null || rc=$?
fi
if [[ $rc -eq 124 ]]; then
	echo "el2-boot: QEMU did not stop within ${timeout}s: killed" >&2
fi
exit "$rc"
