#!/bin/bash
# Inside the Debian-packages VM (tests/deb/vm.sh), run by
# anpr-debvm.service as root, systemd being PID 1, on the Debian root where
# tests/deb/in-root.sh installed the packages and commissioned a camera:
# the DKMS-built driver loads, udev names its nodes from the packaged
# rules, and the packaged anprd.service, started with systemctl, reads
# frames injected through the driver's loopback node, alerts on the
# hotlist's test vehicle and writes records that anpr-verify checks.
# TAP on stdout.
#   vm-guest.sh TREE   (frames: TREE/build/deb-vm/frames.grey, 640x480 GREY)
set -u
tree=$1
frames=$tree/build/deb-vm/frames.grey
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - vm: $1"; }
nok() { n=$((n + 1)); fail=1; echo "not ok $n - vm: $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }
until_ok() { local end=$(($(date +%s) + $1)); shift
	until "$@"; do [ "$(date +%s)" -ge "$end" ] && return 1; sleep 0.5; done; }
finish() {
	if [ $fail != 0 ]; then
		echo "# journal of anprd.service (last 40 lines):"
		journalctl -q -u anprd --no-pager | tail -40 | sed 's/^/#   /'
	fi
	echo "1..$n"
	if [ $fail = 0 ]; then echo "DEBVM-RESULT: PASS"; else echo "DEBVM-RESULT: FAIL"; fi
	exit 0
}
at() { echo "# at $(cut -d' ' -f1 /proc/uptime) s of uptime: $*"; }
echo "# systemd $(systemctl --version | head -1 | cut -d' ' -f2) as PID 1, kernel $(uname -r), $(. /etc/os-release; echo "$PRETTY_NAME")"
check "systemd is PID 1 on the Debian root" test "$(cat /proc/1/comm)" = systemd

at "the test unit starts"
# the driver, as DKMS installed it
out=$(modprobe anprcap 2>&1)
check "modprobe anprcap loads the DKMS-built module ($(modinfo -n anprcap 2>&1))${out:+: $out}" \
	eval '[ -d /sys/module/anprcap ] && [[ $(modinfo -n anprcap) == */updates/dkms/anprcap.ko* ]]'
udevadm settle -t 30
node() { stat -L -c '%F %a %G' "$1" 2>&1; }
for d in cam0 cam0-meta cam0-out; do
	check "udev (the packaged rules): /dev/anpr/$d, group anpr, mode 0660 ($(node /dev/anpr/$d))" \
		test "$(node /dev/anpr/$d)" = "character special file 660 anpr"
done
[ -d /sys/module/anprcap ] || finish

# the commissioned camera on the real driver: anprd.service as packaged
conf=/etc/anpr/anprd.conf
sed -i -e 's|^uri = .*|uri = v4l2:/dev/anpr/cam0|' -e 's|^fps = .*|fps = 5|' $conf
# TCG is slow: five frames a second, and the tracker's gaps to match
printf '\n[tracker]\nmax_gap = 4s\ntimeout = 5s\n' >> $conf
out=$(runuser -u anpr -- anprd-checkconf -c $conf 2>&1)
check "anprd-checkconf on the camera's configuration: ok" grep -q "$conf: ok" <<<"$out" ||
	sed 's/^/# /' <<<"$out"
v4l2-ctl -d /dev/anpr/cam0 --set-fmt-video=width=640,height=480,pixelformat=GREY --set-parm=5 > /dev/null 2>&1
hits() { find /var/lib/anpr/spool -name '*.rec' -exec grep -l ZZ99TST {} + 2>/dev/null | wc -l; }
before=$(hits)
at "systemctl start anprd"
systemctl start anprd.service
at "anprd.service started"
st=$(systemctl is-active anprd.service)
check "systemctl start anprd: active (the packaged, hardened unit; $st)" test "$st" = active
count=$(( $(stat -c %s "$frames") / 307200 ))
v4l2-ctl -d /dev/anpr/cam0-out --stream-out-mmap=2 --stream-from="$frames" --stream-count=$count > /tmp/inject 2>&1
rc=$?
check "$count frames injected through /dev/anpr/cam0-out (v4l2-ctl exit $rc)" test $rc -eq 0
alert() { journalctl -q -u anprd --no-pager | grep -q 'ZZ99TST'; }
until_ok 60 alert
at "frames injected, alert seen"
check "anprd.service alerts on the commissioning test vehicle ZZ99TST (journal)" alert
journalctl -q -u anprd --no-pager | grep -E 'ZZ99TST|VV21TOU|CD74KDP' | head -4 | sed 's/^/# /'
systemctl stop anprd.service
st=$(systemctl show -P Result anprd.service)
check "systemctl stop anprd: a clean stop (Result=$st)" test "$st" = success
after=$(hits)
# the guide's step 8: with anpr-upload's ledger of what the back office
# already holds (deb-packages uploaded the spool before this snapshot)
out=$(anpr-verify --key /var/lib/anpr/keys/camera.pub \
	--uploaded /var/lib/anpr/upload/uploaded.log /var/lib/anpr/spool 2>&1)
rc=$?
check "anpr-verify --uploaded on the spool, ZZ99TST's records $before before the VM, $after after: exit $rc, $(grep -m1 RESULT <<<"$out")" \
	eval '[ $rc -eq 0 ] && [ "$after" -gt "$before" ]'
finish
