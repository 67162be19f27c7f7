#!/bin/sh
# Build the initramfs for the VM suite: busybox-static, the in-tree media
# modules our driver needs (with their dependencies), our .ko files, the
# test tools with their shared libraries, udev with our rules, and every
# executable tests/vm.d/*.sh with the binaries it names on a
# "# vm-bins: path..." line (see docs/kmod.md).
#   usage: mkinitramfs.sh OUT.cpio.gz INIT [our .ko files...]
#   env:   KVER, MODROOT (unpacked linux-image tree), MODS, BINS, STATIC_BINS,
#          DATA_FILES (copied to /data),
#          VMD (directory of plug-in scripts, default tests/vm.d)
set -eu
OUT=$1; INIT=$2; shift 2
MODROOT=${MODROOT:?MODROOT: unpacked linux-image tree}
KVER=${KVER:?KVER}
# vivid: a second, in-tree V4L2 driver for plug-ins to compare against
MODS=${MODS-videobuf2-v4l2 videobuf2-vmalloc videobuf2-dma-contig vivid}
BINS=${BINS-/usr/bin/v4l2-compliance /usr/bin/v4l2-ctl /bin/udevadm}
VMD=${VMD-tests/vm.d}
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/bin "$ROOT"/dev "$ROOT"/proc "$ROOT"/sys "$ROOT"/tmp "$ROOT"/run \
	"$ROOT/lib/modules/$KVER/extra" "$ROOT"/etc/udev/rules.d "$ROOT"/vm.d
cp /bin/busybox "$ROOT"/bin/busybox
ln -s busybox "$ROOT"/bin/sh
install -m 755 "$INIT" "$ROOT"/init

# modules plug-ins ask for on a "# vm-mods: name..." line
if [ -d "$VMD" ]; then
	for s in "$VMD"/*.sh; do
		[ -x "$s" ] && MODS="$MODS $(sed -n 's/^# vm-mods://p' "$s")"
	done
fi
for m in $MODS; do
	modprobe -d "$MODROOT" -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
done | sort -u | while read -r f; do
	dst="$ROOT${f#"$MODROOT"}"
	mkdir -p "$(dirname "$dst")"
	case "$f" in
	*.ko.xz)  xz -dc "$f" > "${dst%.xz}" ;;
	*.ko.zst) zstd -dc "$f" > "${dst%.zst}" ;;
	*)        cp "$f" "$dst" ;;
	esac
done
for ko in "$@"; do cp "$ko" "$ROOT/lib/modules/$KVER/extra/"; done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	cp "$MODROOT/lib/modules/$KVER/$f" "$ROOT/lib/modules/$KVER/"
done
depmod -b "$ROOT" "$KVER"

# copy a dynamically linked program to the same path, with its libraries
# (executable: the kernel wants exec permission on the ELF interpreter)
copy_bin() {
	install -D -m 755 "$1" "$ROOT/$2"
	if ldd "$1" >/dev/null 2>&1; then
		ldd "$1" | grep -o '/[^ ]*' | while read -r lib; do
			[ -e "$ROOT$lib" ] || install -D -m 755 "$lib" "$ROOT$lib"
		done
	fi
}
for b in $BINS; do copy_bin "$b" "$b"; done
# Real consumers for the VM's consumer step (issue 3: they must work with the
# driver unchanged): ffmpeg (libavdevice's v4l2 input) and gst-launch-1.0
# with the two GStreamer plug-ins a "v4l2src ! filesink" pipeline loads
# (found by dlopen, so ldd of gst-launch does not list them). A missing one
# is left out with a note here; its VM step then fails.
CONSUMERS=${CONSUMERS-/usr/bin/ffmpeg /usr/bin/gst-launch-1.0}
GST_DIR=${GST_DIR-/usr/lib/x86_64-linux-gnu/gstreamer-1.0}
GST_PLUGINS=${GST_PLUGINS-libgstvideo4linux2.so libgstcoreelements.so}
for b in $CONSUMERS; do
	if [ -x "$b" ]; then copy_bin "$b" "$b"; else echo "mkinitramfs: $b is not installed" >&2; fi
done
for p in $GST_PLUGINS; do
	if [ -f "$GST_DIR/$p" ]; then copy_bin "$GST_DIR/$p" "$GST_DIR/$p"
	else echo "mkinitramfs: GStreamer plug-in $GST_DIR/$p is not installed" >&2; fi
done
echo "$GST_DIR" > "$ROOT"/etc/gst-plugin-dir
for b in ${STATIC_BINS:-}; do install -m 755 "$b" "$ROOT"/bin/; done
mkdir -p "$ROOT"/data
for f in ${DATA_FILES:-}; do cp "$f" "$ROOT"/data/; done	# test data, e.g. plates.grey

# udev: Debian's default rules (they set the generic video group) + ours
ln -s /bin/udevadm "$ROOT"/bin/systemd-udevd 2>/dev/null || true
cp /usr/lib/udev/rules.d/50-udev-default.rules "$ROOT"/etc/udev/rules.d/
cp udev/60-anprcap.rules "$ROOT"/etc/udev/rules.d/
printf 'root:x:0:\nvideo:x:44:\nanpr:x:990:\n' > "$ROOT"/etc/group
printf 'root:x:0:0:root:/:/bin/sh\n' > "$ROOT"/etc/passwd

# plug-ins: tests/vm.d/*.sh and the binaries they name (same relative path)
if [ -d "$VMD" ]; then
	for s in "$VMD"/*.sh; do
		[ -x "$s" ] || continue
		install -m 755 "$s" "$ROOT/vm.d/"
		for b in $(sed -n 's/^# vm-bins://p' "$s"); do
			[ -f "$b" ] || { echo "mkinitramfs: $s: vm-bins names $b, which does not exist" >&2; exit 1; }
			copy_bin "$b" "$b"
			dirname "$b" >> "$ROOT/vm.d/bins.dirs"
		done
	done
fi

# written aside, then renamed: a VM starting meanwhile never reads half a file
(cd "$ROOT" && find . | cpio -o -H newc --quiet) | gzip -1 > "$OUT.tmp.$$"
mv -f "$OUT.tmp.$$" "$OUT"
echo "# initramfs: $OUT ($(du -h "$OUT" | cut -f1))"
