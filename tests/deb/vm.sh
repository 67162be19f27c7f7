#!/bin/bash
# The Debian packages in a Debian guest, as a force would run them (suite
# deb-vm): Debian's kernel (mk/kernel.mk) in qemu (TCG) boots the Debian 12
# root where tests/deb/check.sh installed the packages with dpkg and
# commissioned a camera (ROOT, a snapshot made after its installation
# checks), with systemd as PID 1 (tests/deb/vm-init.sh); DKMS built the
# driver there for this kernel. tests/deb/vm-guest.sh prints TAP on the
# second serial port (here: stdout); the console goes to OUT/console.log
# and is checked for kernel splats.
#   tests/deb/vm.sh INITRD ROOT FRAMES
#   env: KVER, KROOT (unpacked linux-image), OUT (log dir), VM_TIMEOUT
set -u
. "$(dirname "$0")/../lib/vm.sh"
INITRD=$1; ROOT=$2; FRAMES=$3
KVER=${KVER:?KVER}; KROOT=${KROOT:?KROOT}; OUT=${OUT:-build/deb-vm}
if [ ! -f "$ROOT/var/lib/dpkg/info/anprd.list" ]; then
	echo "not ok - no Debian root with the packages installed at $ROOT (suite deb-packages makes it; make check runs it first)"
	exit 1
fi
[ -s "$FRAMES" ] || { echo "not ok - no frames at $FRAMES"; exit 1; }
ROOT=$(realpath "$ROOT")
# the kernel's own modules beside the DKMS one, indexed together, as on a
# host with the linux-image package installed (here: the unpacked package
# of the same ABI, hard-linked in; depmod on the host, not over 9p in TCG)
mods=$ROOT/lib/modules/$KVER
if [ ! -d "$mods/kernel" ]; then
	cp -al "$KROOT/lib/modules/$KVER/kernel" "$mods/kernel" 2>/dev/null ||
		cp -a "$KROOT/lib/modules/$KVER/kernel" "$mods/kernel" ||
		{ echo "not ok - the kernel's modules into $mods"; exit 1; }
fi
for f in modules.order modules.builtin modules.builtin.modinfo; do
	cp "$KROOT/lib/modules/$KVER/$f" "$mods/" || { echo "not ok - $f into $mods"; exit 1; }
done
depmod -b "$ROOT" "$KVER" || { echo "not ok - depmod -b $ROOT $KVER"; exit 1; }
TREE=$(realpath .)
mkdir -p "$OUT"
CON=$(mktemp "$OUT/console.XXXXXX")
TAP=$(mktemp "$OUT/tap.XXXXXX")
start=$(date +%s)
VM_TIMEOUT=${VM_TIMEOUT:-600} qemu_guest "$TAP" "$CON" "$KROOT/boot/vmlinuz-$KVER" "$INITRD" \
	"console=ttyS0 panic=-1 quiet loglevel=5 fstab=no systemd.unit=anpr-debvm.service systemd.show_status=1 anpr.tree=$TREE anpr.root=$ROOT anpr.kver=$KVER" \
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
rc=$?
echo "# qemu exit code $rc after $(( $(date +%s) - start )) s; guest console: $OUT/console.log"
mv -f "$CON" "$OUT/console.log"
mv -f "$TAP" "$OUT/tap.log"
bad=0
check_kernel_splat "$OUT/console.log" "$OUT/splat.log" || bad=1
if [ "$rc" = 0 ] && grep -q '^DEBVM-RESULT: PASS' "$OUT/tap.log"; then
	echo "ok - Debian packages VM run completed (qemu exit 0, PASS marker)"
	exit $bad
fi
echo "# guest console tail:"
tail -40 "$OUT/console.log" | sed 's/^/    | /'
echo "not ok - Debian packages VM run completed (qemu exit $rc, PASS marker $(grep -c '^DEBVM-RESULT: PASS' "$OUT/tap.log"))"
exit 1
