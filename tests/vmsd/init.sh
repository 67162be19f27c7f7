#!/bin/sh
# /init of the systemd VM's initramfs: mounts the host's root (virtio-9p
# tag "hostroot", read-only) under a tmpfs overlay, so the guest runs the
# host's own Debian 12 userspace and nothing it writes reaches the host;
# installs the staged `make install` tree and the test unit into the
# overlay; then hands PID 1 to systemd. Kernel arguments:
#   anpr.tree=DIR     the work tree (same path on host and guest)
#   anpr.stage=DIR    the make install DESTDIR tree to copy into /
#   anpr.kver=KVER    the kernel's modules (DIR/build/kroot) for the guest
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
log() { echo "vmsd-init: $*" > /dev/ttyS0; }
fail() {
	log "$*"
	echo "not ok - vmsd-init: $*" > /dev/ttyS1
	poweroff -f
}
arg() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
tree=$(arg anpr.tree); stage=$(arg anpr.stage); kver=$(arg anpr.kver)
while read -r m; do
	insmod "/lib/modules/$kver/$m" || fail "insmod $m"
done < /lib/modules/load-order
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot /host ||
	fail "cannot mount the host root (9p tag hostroot)"
mount -t tmpfs -o mode=0755,size=768M tmpfs /rw || fail "tmpfs"
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
	fail "overlay over the host root"
[ -x /newroot/lib/systemd/systemd ] || fail "no /lib/systemd/systemd in the host root"
# the guest's own /run, /tmp and /var/tmp (boot cleans them: never walk the
# host's over 9p); the work tree straight from the host, wherever it is
# no container markers: a host that is a container (/.dockerenv,
# /run/.containerenv, /run/systemd/container) would make systemd think it
# runs in one and ignore the kernel's systemd.unit=
rm -f /newroot/.dockerenv
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /newroot/run || fail "tmpfs /run"
mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp || fail "tmpfs /tmp"
mount -t tmpfs -o mode=1777 tmpfs /newroot/var/tmp || fail "tmpfs /var/tmp"
mkdir -p "/newroot$tree" && mount --bind "/host$tree" "/newroot$tree" || fail "work tree $tree"
# our install, and the guest's kernel modules (the host runs another kernel)
cp -a "/host$stage/." /newroot/ || fail "copy of $stage"
mkdir -p "/newroot/lib/modules/$kver"
mount --bind "/host$tree/build/kroot/lib/modules/$kver" "/newroot/lib/modules/$kver" ||
	fail "kernel modules"
# what the checks do not need, masked: TCG makes every unit slow to start
for u in systemd-udevd.service systemd-udev-trigger.service systemd-udevd-control.socket \
	systemd-udevd-kernel.socket systemd-timesyncd.service systemd-pstore.service \
	systemd-update-utmp.service systemd-random-seed.service systemd-binfmt.service \
	proc-sys-fs-binfmt_misc.automount systemd-modules-load.service systemd-sysctl.service \
	kmod-static-nodes.service sys-kernel-debug.mount sys-kernel-tracing.mount \
	sys-fs-fuse-connections.mount sys-kernel-config.mount dev-hugepages.mount \
	systemd-journal-flush.service systemd-firstboot.service systemd-machine-id-commit.service \
	systemd-repart.service systemd-pcrphase-sysinit.service systemd-pcrphase.service \
	e2scrub_reap.service ldconfig.service; do
	ln -sf /dev/null "/newroot/etc/systemd/system/$u"
done
# the test: a unit that runs tests/vmsd/guest-check, then powers off
sed "s|@TREE@|$tree|g" "/host$tree/tests/vmsd/anpr-vmsd.service" \
	> /newroot/etc/systemd/system/anpr-vmsd.service || fail "test unit"
log "handing over to systemd"
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /lib/systemd/systemd
