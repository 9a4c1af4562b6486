#!/usr/bin/env bash
# One QEMU boot of the EL2 image, checked: the console is printed as it comes
# (the test log shows it), then the expectations of MODE are asserted.
#
# usage: check_boot.sh MODE IMAGE [OPS | SIGNATURE] [el2-boot.sh options...]
#   selftest     exit status 0; "el2-selftest: N passed, 0 failed" with N > 0; the
#                host stage-2 summaries before and after the guest lifecycle are
#                printed and equal; the touch of a donated page was refused
#   uboot        selftest, and U-Boot's booti started the image at the address it
#                loaded it to, which is not QEMU's own -kernel address
#   below-el2    booted without EL2: the image says so and stops with status 1
#   bad-dtb      a device tree with all memory reserved: a clear message, status 1
#   bad-kernel   /chosen names a kernel that is no arm64 Image: a clear message, status 1
#   differential OPS  selftest, and the differential mode ran OPS random operations
#                and replayed every input of the fuzz_hvc corpus with no difference
#   planted SIGNATURE  an image with a planted bug: the differential mode stops the
#                machine with status 1 and prints the fuzzers' report with SIGNATURE
#   linux KERNELS  el2 boots Debian's arm64 kernel (tools/linux-host.sh KERNELS)
#                with the initramfs built beside IMAGE: exit status 0; the init
#                saw every CPU, its memory check passed on one worker per CPU,
#                its read of the carve-out through /dev/mem got SIGBUS; el2's
#                summary at power-off shows host aborts mapped with blocks (level
#                1 or 2 leaves), and served from every CPU; the boot time to the
#                init's first line and the host aborts are printed; with
#                --uboot, U-Boot started el2 with booti
set -uo pipefail

mode=$1 image=$2
shift 2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

fail()
{
	echo "check_boot ($mode): FAILED: $*" >&2
	exit 1
}

run()
{
	"$root/tools/el2-boot.sh" "$image" --timeout 240 "$@" | tr -d '\r' | tee "$log"
	status=${PIPESTATUS[0]}
	echo "check_boot ($mode): QEMU exit status $status"
}

summary_of()
{
	grep -m1 "stage-2 summary $1:" "$log" | sed 's/.*summary [^:]*: //'
}

check_selftest()
{
	local line before after
	[[ $status -eq 0 ]] || fail "exit status $status, expected 0"
	line=$(grep -E '^el2-selftest: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	[[ $line =~ ^el2-selftest:\ ([0-9]+)\ passed,\ 0\ failed ]] ||
		fail "no passing summary line (got '${line:-nothing}')"
	[[ ${BASH_REMATCH[1]} -gt 0 ]] || fail "the self-test ran no check"
	before=$(summary_of "before the guest lifecycle")
	after=$(summary_of "after the guest lifecycle")
	echo "check_boot ($mode): host stage-2 before the guest lifecycle: ${before:-missing}"
	echo "check_boot ($mode): host stage-2 after the guest lifecycle:  ${after:-missing}"
	[[ -n $before && $before == "$after" ]] || fail "the summaries differ or are missing"
	grep -q "ok: touching a donated page is refused" "$log" ||
		fail "touching a donated page was not refused with an injected abort"
	grep -m1 "refused access:" "$log"
}

case $mode in
selftest)
	run "$@"
	check_selftest
	;;
uboot)
	run --uboot "$@"
	check_selftest
	grep -q "^Starting kernel" "$log" || fail "U-Boot did not start the image with booti"
	loaded=$(sed -n 's/^loading kernel to address 0*\([0-9a-f]*\) .*/0x\1/p' "$log" | head -n 1)
	at=$(sed -n 's/^s2fuzz el2: at EL2, loaded at \(0x[0-9a-f]*\) .*/\1/p' "$log" | head -n 1)
	echo "check_boot ($mode): U-Boot loaded the image at ${loaded:-?}, el2 found itself at ${at:-?}"
	[[ -n $at && $((loaded)) -eq $((at)) ]] || fail "el2 does not run where U-Boot loaded it"
	# QEMU's own -kernel load address on virt: RAM base + 2 MiB.
	[[ $((at)) -ne $((0x40200000)) ]] || fail "U-Boot used QEMU's -kernel address"
	;;
below-el2)
	run --no-virtualization "$@"
	[[ $status -eq 1 ]] || fail "exit status $status, expected 1"
	grep -q "entered at EL1, but the hypervisor needs EL2" "$log" || fail "no message"
	;;
bad-dtb)
	dtb=$(mktemp --suffix=.dtb)
	dts=$(mktemp --suffix=.dts)
	trap 'rm -f "$log" "$dtb" "$dts"' EXIT
	qemu-system-aarch64 -machine "virt,virtualization=on,gic-version=3,dumpdtb=$dtb" \
		-cpu cortex-a57 -m 1G -nographic -nic none >/dev/null 2>&1 || fail "dumpdtb"
	dtc -q -I dtb -O dts "$dtb" | sed 's|^/dts-v1/;|/dts-v1/;\n/memreserve/ 0x40000000 0x40000000;|' >"$dts"
	dtc -q -I dts -O dtb -o "$dtb" "$dts" || fail "dtc"
	run --dtb "$dtb" "$@"
	[[ $status -eq 1 ]] || fail "exit status $status, expected 1"
	grep -q "no free memory for the hypervisor carve-out. Stopping." "$log" ||
		fail "no clear message"
	;;
bad-kernel)
	junk=$(mktemp)
	trap 'rm -f "$log" "$junk"' EXIT
	head -c 65536 /dev/zero | tr '\0' 'x' >"$junk"
	run --linux "$junk" "$junk" "$@"
	[[ $status -eq 1 ]] || fail "exit status $status, expected 1"
	grep -qF 'the kernel /chosen names has no arm64 Image header (magic ARM\x64). Stopping.' \
		"$log" || fail "no clear message"
	;;
differential)
	ops=$1
	shift
	run --ops "$ops" "$@"
	check_selftest
	line=$(grep -m1 "^el2-random: $ops/$ops operations; el2 compared" "$log") ||
		fail "the random sequence did not run $ops operations"
	echo "check_boot ($mode): $line"
	# The inputs el2's build packs: X.bin, and X.txt scripts without an X.bin beside them.
	corpus=0
	for f in "$root"/corpora/fuzz_hvc/{scripts,regressions}/*.{bin,txt}; do
		[[ -f $f ]] || continue
		[[ $f == *.txt && -f ${f%.txt}.bin ]] && continue
		corpus=$((corpus + 1))
	done
	grep -q "^el2-replay: $corpus inputs of the fuzz_hvc corpus" "$log" ||
		fail "the corpus replay did not take all $corpus inputs"
	[[ $(grep -c '^el2-replay: .*given back' "$log") -eq $corpus ]] ||
		fail "not every corpus input was replayed"
	;;
planted)
	signature=$1
	shift
	run "$@"
	[[ $status -eq 1 ]] || fail "exit status $status, expected 1"
	grep -qxF "s2fuzz-signature: $signature" "$log" ||
		fail "no report with the signature '$signature'"
	grep -q "^check: " "$log" || fail "the report names no check"
	;;
linux)
	kernel=$("$root/tools/linux-host.sh" "$1") || fail "no kernel"
	shift
	cpus=1 uboot=0
	for ((i = 1; i <= $#; i++)); do
		[[ ${!i} == --smp ]] && { j=$((i + 1)); cpus=${!j}; }
		[[ ${!i} == --uboot ]] && uboot=1
	done
	run --linux "$kernel" "$(dirname "$image")/initramfs.cpio.gz" "$@"
	[[ $status -eq 0 ]] || fail "exit status $status, expected 0"
	grep -q "^s2fuzz-init: $cpus CPUs," "$log" || fail "the init did not see $cpus CPUs"
	grep -q "^s2fuzz-init: memory check: $cpus workers passed" "$log" ||
		fail "the memory check did not pass on $cpus workers"
	grep -q "^s2fuzz-init: carve-out: reading .* SIGBUS (el2 refused it)" "$log" ||
		fail "the read of the carve-out was not refused with SIGBUS"
	grep -q "^s2fuzz-init: result: pass" "$log" || fail "no passing result line"
	line=$(grep -m1 '^s2fuzz el2: host aborts: ' "$log") || fail "no host abort counters"
	[[ $line =~ mapped\ \(L1\ ([0-9]+),\ L2\ ([0-9]+), ]] || fail "no aborts by level: $line"
	((BASH_REMATCH[1] + BASH_REMATCH[2] > 0)) || fail "the host was mapped with pages only"
	for ((c = 0; c < cpus; c++)); do
		grep -qE "^s2fuzz el2: CPU $c: [1-9][0-9]* host aborts" "$log" ||
			fail "CPU $c served no host abort"
	done
	((!uboot)) || grep -q "^Starting kernel" "$log" || fail "U-Boot did not start el2 with booti"
	echo "check_boot ($mode): $(grep -m1 '^s2fuzz-init: started' "$log")"
	echo "check_boot ($mode): $line"
	grep '^s2fuzz el2: CPU [0-9]*: ' "$log" | sed "s/^/check_boot ($mode): /"
	;;
*)
	echo "check_boot: unknown mode '$mode'" >&2
	exit 2
	;;
esac
echo "check_boot ($mode): passed"
