#!/bin/bash
# Boot Debian's kernel (mk/kernel.mk) in qemu (TCG) with the test initramfs
# and print the guest's TAP lines. The kernel console goes to a file, so no
# kernel message reaches stdout; it is checked for splats here as well.
#   usage: tests/vm/run.sh INITRD [check|bench|kunit] [extra kernel args...]
#   env:   KVER, KROOT (unpacked linux-image tree), OUT (log dir), VM_TIMEOUT
#
# Safe in a work tree shared by several runs and edits:
#  * bash reads a script as it runs it, so an edit of this file (a commit, a
#    checkout) during a run made a running copy execute a fragment of a line
#    ("ppend: command not found", qemu exit 127). The whole body is one
#    function, parsed before anything runs.
#  * every log is written under a private name (mktemp) and only renamed to
#    console-MODE.log / tap-MODE.log / splat-MODE.log at the end, so two
#    runs never write the same file; the last one to finish wins the name.
set -u
. "$(dirname "$0")/../lib/vm.sh"

run_vm() {
	local initrd=$1 mode=${2:-check} kver kroot out con tap splat start rc bad
	shift; [ $# -gt 0 ] && shift
	kver=${KVER:?KVER}; kroot=${KROOT:?KROOT}; out=${OUT:-build/vm}
	[ -r "$initrd" ] || { echo "not ok - $0: initramfs '$initrd' is not readable"; return 1; }
	[ -r "$kroot/boot/vmlinuz-$kver" ] || {
		echo "not ok - $0: kernel '$kroot/boot/vmlinuz-$kver' is not readable"; return 1; }
	command -v qemu-system-x86_64 > /dev/null || {
		echo "not ok - $0: qemu-system-x86_64 not found (package qemu-system-x86)"; return 1; }
	mkdir -p "$out"
	con=$(mktemp "$out/console-$mode.XXXXXX") || return 1
	tap=$(mktemp "$out/tap-$mode.XXXXXX") || return 1
	splat=$(mktemp "$out/splat-$mode.XXXXXX") || return 1
	start=$(date +%s)
	qemu_guest "$tap" "$con" "$kroot/boot/vmlinuz-$kver" "$initrd" \
		"console=ttyS0 panic=-1 quiet loglevel=5 log_buf_len=4M anpr.mode=$mode $*" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04
	rc=$?
	echo "# qemu exit code $rc after $(( $(date +%s) - start )) s; kernel console: $out/console-$mode.log"
	bad=0
	check_kernel_splat "$con" "$splat" || bad=1
	if [ "$rc" = 0 ] && grep -q '^VM-TEST-RESULT: PASS' "$tap"; then
		echo "ok - VM run completed (qemu exit 0, PASS marker)"
	else
		echo "# kernel console tail:"
		tail -40 "$con" | sed 's/^/    | /'
		echo "not ok - VM run completed (qemu exit $rc, PASS marker $(grep -c '^VM-TEST-RESULT: PASS' "$tap"))"
		bad=1
	fi
	mv -f "$con" "$out/console-$mode.log"
	mv -f "$tap" "$out/tap-$mode.log"
	mv -f "$splat" "$out/splat-$mode.log"
	return $bad
}

run_vm "$@"
exit $?
