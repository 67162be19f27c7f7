#!/bin/bash
# Boot Debian's kernel (mk/kernel.mk) in qemu (TCG) with the test initramfs
# and print the guest's TAP lines. The kernel console goes to a file, so no
# kernel message reaches stdout; it is checked for splats here as well.
#   usage: tests/vm/run.sh INITRD [check|bench] [extra kernel args...]
#   env:   KVER, KROOT (unpacked linux-image), OUT (log dir), VM_TIMEOUT
set -u
INITRD=$1; MODE=${2:-check}; shift; [ $# -gt 0 ] && shift
KVER=${KVER:?KVER}; KROOT=${KROOT:?KROOT}; OUT=${OUT:-build/vm}
mkdir -p "$OUT"
# private logs while running (several runs may share a work tree), then
# renamed to console-MODE.log / tap-MODE.log
CON=$(mktemp "$OUT/console-$MODE.XXXXXX")
TAP=$(mktemp "$OUT/tap-$MODE.XXXXXX")
start=$(date +%s)
timeout --foreground "${VM_TIMEOUT:-900}" qemu-system-x86_64 \
	-machine q35 -accel tcg -cpu max -m 1536M -smp 2 \
	-display none -monitor none -no-reboot -net none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-serial "file:$CON" -serial stdio \
	-kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$INITRD" \
	-append "console=ttyS0 panic=-1 quiet loglevel=5 log_buf_len=4M anpr.mode=$MODE $*" \
	</dev/null 2>&1 | tr -d '\r' | tee "$TAP"
rc=${PIPESTATUS[0]}
echo "# qemu exit code $rc after $(( $(date +%s) - start )) s; kernel console: $OUT/console-$MODE.log"
if grep -E 'BUG:|WARNING:|Oops|Call Trace|Kernel panic' "$CON" > "$OUT/splat-$MODE.log.$$"; then
	sed 's/^/    | /' "$OUT/splat-$MODE.log.$$" | head -60
	echo "not ok - kernel console free of BUG/WARNING/Oops/Call Trace/panic"
	bad=1
else
	echo "ok - kernel console free of BUG/WARNING/Oops/Call Trace/panic"
	bad=0
fi
if [ "$rc" = 0 ] && grep -q '^VM-TEST-RESULT: PASS' "$TAP"; then
	echo "ok - VM run completed (qemu exit 0, PASS marker)"
else
	echo "# kernel console tail:"
	tail -40 "$CON" | sed 's/^/    | /'
	echo "not ok - VM run completed (qemu exit $rc, PASS marker $(grep -c '^VM-TEST-RESULT: PASS' "$TAP"))"
	bad=1
fi
mv -f "$CON" "$OUT/console-$MODE.log"
mv -f "$TAP" "$OUT/tap-$MODE.log"
mv -f "$OUT/splat-$MODE.log.$$" "$OUT/splat-$MODE.log"
exit $bad
