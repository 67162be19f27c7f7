#!/bin/bash
# Boot Debian's kernel (mk/kernel.mk) in qemu (TCG) with systemd as PID 1
# on this machine's own Debian 12 root, shared read-only over virtio-9p
# under a tmpfs overlay (tests/vmsd/init.sh), with the `make install`
# tree STAGE copied in; tests/vmsd/guest-check runs as a unit and prints
# TAP on the second serial port (here: stdout). The guest's console goes
# to OUT/console.log and is checked for kernel splats (tests/lib/vm.sh).
#   usage: tests/vmsd/run.sh INITRD STAGE
#   env:   KVER, KROOT (unpacked linux-image), OUT (log dir), VM_TIMEOUT
set -u
. "$(dirname "$0")/../lib/vm.sh"
INITRD=$1; STAGE=$(realpath "$2")
KVER=${KVER:?KVER}; KROOT=${KROOT:?KROOT}; OUT=${OUT:-build/vmsd}
TREE=$(realpath .)
mkdir -p "$OUT"
CON=$(mktemp "$OUT/console.XXXXXX")
TAP=$(mktemp "$OUT/tap.XXXXXX")
start=$(date +%s)
VM_TIMEOUT=${VM_TIMEOUT:-900} qemu_guest "$TAP" "$CON" "$KROOT/boot/vmlinuz-$KVER" "$INITRD" \
	"console=ttyS0 panic=-1 quiet loglevel=5 fstab=no systemd.unit=anpr-vmsd.service systemd.show_status=1 anpr.tree=$TREE anpr.stage=$STAGE anpr.kver=$KVER" \
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
rc=$?
echo "# qemu exit code $rc after $(( $(date +%s) - start )) s; guest console: $OUT/console.log"
mv -f "$CON" "$OUT/console.log"
mv -f "$TAP" "$OUT/tap.log"
bad=0
check_kernel_splat "$OUT/console.log" "$OUT/splat.log" || bad=1
if [ "$rc" = 0 ] && grep -q '^VMSD-RESULT: PASS' "$OUT/tap.log"; then
	echo "ok - systemd VM run completed (qemu exit 0, PASS marker)"
	exit $bad
fi
echo "# guest console tail:"
tail -40 "$OUT/console.log" | sed 's/^/    | /'
echo "not ok - systemd VM run completed (qemu exit $rc, PASS marker $(grep -c '^VMSD-RESULT: PASS' "$OUT/tap.log"))"
exit 1
