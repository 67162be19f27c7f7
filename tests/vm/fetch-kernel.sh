#!/bin/sh
# Fetch Debian's kernel image package for the pinned ABI and unpack it into a
# private root (no install, no initrd postinst): boot/vmlinuz-$KVER and
# lib/modules/$KVER with a modules.dep for modprobe --show-depends.
#   usage: tests/vm/fetch-kernel.sh KVER KPKGVER OUTDIR
set -eu
KVER=$1; KPKGVER=$2; OUT=$3
tmp=$OUT.tmp
rm -rf "$tmp"; mkdir -p "$tmp/root"
if ! (cd "$tmp" && apt-get download -q "linux-image-$KVER=$KPKGVER") >"$tmp/apt.log" 2>&1; then
	# the exact version may have left the archive; any build of this ABI boots
	(cd "$tmp" && apt-get download -q "linux-image-$KVER") >>"$tmp/apt.log" 2>&1 || {
		echo "fetch-kernel: apt-get download linux-image-$KVER failed:" >&2
		cat "$tmp/apt.log" >&2; exit 1; }
fi
dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/root"
depmod -b "$tmp/root" "$KVER"
test -f "$tmp/root/boot/vmlinuz-$KVER" || { echo "fetch-kernel: no boot/vmlinuz-$KVER in package" >&2; exit 1; }
rm -rf "$OUT"; mv "$tmp/root" "$OUT"; rm -rf "$tmp"
