#!/bin/bash
# kernel-splat.sh - sourced by the VM runners (tests/vm/run.sh,
# tests/vmsd/run.sh): one check that a guest's kernel console is free of
# splats. The guest must log at loglevel >= 5, or WARN() splats (printed
# at KERN_WARNING) never reach the console and the check cannot fail.

# check_kernel_splat CONSOLE SPLAT_LOG: print the TAP line; the matching
# console lines go to SPLAT_LOG (and, indented, to stdout). 0 if clean.
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
