#!/bin/sh
# /init of the Debian-packages VM (tests/deb/vm.sh): the Debian 12 root
# into which tests/deb/check.sh installed the packages with dpkg (DKMS
# built anprcap there for this kernel), read-only over virtio-9p (the
# host's /, tag "hostroot") under a tmpfs overlay, so nothing the guest
# writes reaches the host (tests/deb/vm.sh put the kernel's own modules
# beside the DKMS one there first). systemd takes over as PID 1 and boots
# into anpr-debvm.service. Kernel arguments:
#   anpr.tree=DIR   the work tree (same path on host and guest)
#   anpr.root=DIR   the installed Debian root
#   anpr.kver=KVER  the kernel (its modules for the initramfs' own mounts)
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
log() { echo "debvm-init: $*" > /dev/ttyS0; }
fail() {
	log "$*"
	echo "not ok - debvm-init: $*" > /dev/ttyS1
	poweroff -f
}
arg() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
tree=$(arg anpr.tree); root=$(arg anpr.root); kver=$(arg anpr.kver)
while read -r m; do
	insmod "/lib/modules/$kver/$m" || fail "insmod $m"
done < /lib/modules/load-order
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot /host ||
	fail "cannot mount the host root (9p tag hostroot)"
[ -x "/host$root/lib/systemd/systemd" ] || fail "no systemd in the Debian root $root"
mount -t tmpfs -o mode=0755,size=768M tmpfs /rw || fail "tmpfs"
mkdir -p /rw/upper /rw/work
mount -t overlay -o "lowerdir=/host$root,upperdir=/rw/upper,workdir=/rw/work" overlay /newroot ||
	fail "overlay over the Debian root"
mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp || fail "tmpfs /tmp"
mkdir -p "/newroot$tree" && mount --bind "/host$tree" "/newroot$tree" || fail "work tree $tree"
# what the checks do not need, masked: TCG makes every unit slow to start
for u in systemd-timesyncd.service systemd-pstore.service systemd-update-utmp.service \
	systemd-random-seed.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount \
	systemd-journal-flush.service systemd-firstboot.service systemd-machine-id-commit.service \
	systemd-repart.service systemd-pcrphase-sysinit.service systemd-pcrphase.service \
	sys-kernel-debug.mount sys-kernel-tracing.mount sys-fs-fuse-connections.mount \
	sys-kernel-config.mount dev-hugepages.mount e2scrub_reap.service ldconfig.service \
	dkms.service; do
	ln -sf /dev/null "/newroot/etc/systemd/system/$u"
done
sed "s|@TREE@|$tree|g" "/host$tree/tests/deb/anpr-debvm.service" \
	> /newroot/etc/systemd/system/anpr-debvm.service || fail "test unit"
log "handing over to systemd"
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /lib/systemd/systemd
