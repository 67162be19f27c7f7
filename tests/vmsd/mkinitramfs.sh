#!/bin/sh
# The small initramfs of the systemd VM (tests/vmsd/run.sh): busybox, the
# modules that mount the host's root over virtio-9p under a tmpfs overlay,
# and tests/vmsd/init.sh as /init, which hands over to systemd.
#   usage: tests/vmsd/mkinitramfs.sh OUT.cpio.gz
#   env:   KVER, MODROOT (unpacked linux-image tree, tests/vm/fetch-kernel.sh)
#          INIT (the /init script; default tests/vmsd/init.sh beside this;
#          tests/deb's VM suite gives its own)
set -eu
OUT=$1
MODROOT=${MODROOT:?MODROOT: unpacked linux-image tree}
KVER=${KVER:?KVER}
MODS="virtio_pci 9pnet_virtio 9p overlay"
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/bin "$ROOT"/dev "$ROOT"/proc "$ROOT"/sys "$ROOT"/newroot "$ROOT"/host \
	"$ROOT"/rw "$ROOT/lib/modules/$KVER"
cp /bin/busybox "$ROOT"/bin/busybox
ln -s busybox "$ROOT"/bin/sh
install -m 755 "${INIT:-$(dirname "$0")/init.sh}" "$ROOT"/init
# the modules, in load order (dependencies first), listed for /init
for m in $MODS; do
	modprobe -d "$MODROOT" -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r f; do
	name=$(basename "$f"); name=${name%.xz}; name=${name%.zst}
	case "$f" in
	*.ko.xz)  xz -dc "$f" > "$ROOT/lib/modules/$KVER/$name" ;;
	*.ko.zst) zstd -dc "$f" > "$ROOT/lib/modules/$KVER/$name" ;;
	*)        cp "$f" "$ROOT/lib/modules/$KVER/$name" ;;
	esac
	echo "$name" >> "$ROOT/lib/modules/load-order"
done
(cd "$ROOT" && find . | cpio -o -H newc --quiet) | gzip -1 > "$OUT.tmp.$$"
mv -f "$OUT.tmp.$$" "$OUT"
