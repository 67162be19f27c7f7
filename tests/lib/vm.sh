#!/bin/bash
# vm.sh - sourced by the VM runners (tests/vm/run.sh, tests/vmsd/run.sh):
# booting a guest the way both do, and checking its kernel console.

# qemu_guest TAP CONSOLE KERNEL INITRD APPEND [QEMU ARGS...]: boot the
# kernel under TCG (q35, 2 CPUs, 1.5 GiB, no display, network or reboot)
# with the guest's console on the first serial port, written to CONSOLE,
# and its TAP on the second, printed and written to TAP. Gives up after
# VM_TIMEOUT seconds (900). Returns qemu's status.
qemu_guest() {
	local tap=$1 con=$2 kernel=$3 initrd=$4 append=$5

	shift 5
	timeout --foreground "${VM_TIMEOUT:-900}" qemu-system-x86_64 \
		-machine q35 -accel tcg -cpu max -m 1536M -smp 2 \
		-display none -monitor none -no-reboot -net none "$@" \
		-serial "file:$con" -serial stdio \
		-kernel "$kernel" -initrd "$initrd" -append "$append" \
		</dev/null 2>&1 | sed -u 's/\r$//' | tee "$tap"
	return "${PIPESTATUS[0]}"
}

# check_kernel_splat CONSOLE SPLAT_LOG: print the TAP line; the matching
# console lines go to SPLAT_LOG (and, indented, to stdout). 0 if clean.
# The guest must log at loglevel >= 5, or WARN() splats (printed at
# KERN_WARNING) never reach the console and the check cannot fail.
check_kernel_splat() {
	local con=$1 splat=$2

	if grep -E 'BUG:|WARNING:|Oops|Call Trace|Kernel panic' "$con" > "$splat"; then
		sed 's/^/    | /' "$splat" | head -60
		echo "not ok - kernel console free of BUG/WARNING/Oops/Call Trace/panic"
		return 1
	fi
	echo "ok - kernel console free of BUG/WARNING/Oops/Call Trace/panic"
	return 0
}
