#!/bin/sh
# VM plug-in (busybox sh, inside the guest): the whole product path on the
# real driver. Rendered IR frames of three vehicles (one hotlisted) are
# injected through the loopback output node /dev/anpr/cam0-out; anprd reads
# them from v4l2:/dev/anpr/cam0 through libanprcap, alerts, and writes
# signed records; anpr-verify checks the spool. `make demo-vm` shows it.
# vm-bins: build/bin/anprd build/bin/anpr-verify /usr/bin/v4l2-ctl build/vm-demo/frames.grey build/vm-demo/hotlist.csv build/vm-demo/camera.key build/vm-demo/camera.pub
W=/tmp/anprd-v4l2
D=/build/vm-demo
rm -rf $W; mkdir -p $W/spool
n=0
ok()  { n=$((n + 1)); echo "ok $n - anprd-v4l2: $1"; }
nok() { n=$((n + 1)); echo "not ok $n - anprd-v4l2: $1"; }
check() { what=$1; shift; if "$@"; then ok "$what"; else nok "$what"; fi; }

cp $D/camera.key $W/camera.key; chmod 600 $W/camera.key	# copied 0755 into the initramfs
cat > $W/anprd.conf <<CONF
[camera]
id = VM-CAM-01
site = VM-SITE
[location]
mode = fixed
latitude = 51.501
longitude = -0.142
direction = N
[source cam0]
uri = v4l2:/dev/anpr/cam0
fps = 5
[reader]
workers = 2
[tracker]
max_gap = 4s
timeout = 5s
[hotlists]
file = $D/hotlist.csv
[spool]
dir = $W/spool
[keys]
signing_key = $W/camera.key
[alerts]
socket = $W/alerts.sock
journal = no
[health]
heartbeat = 1s
CONF
frames=$(( $(wc -c < $D/frames.grey) / 307200 ))
v4l2-ctl -d /dev/anpr/cam0 --set-fmt-video=width=640,height=480,pixelformat=GREY \
	--set-parm=5 > $W/fmt 2>&1
anprd --log-reads --config $W/anprd.conf > $W/out 2> $W/err &
pid=$!
sleep 3
# the sensor consumes injected frames at its own rate (5 fps): this paces
v4l2-ctl -d /dev/anpr/cam0-out --stream-out-mmap=2 --stream-from=$D/frames.grey \
	--stream-count=$frames > $W/inject 2>&1
sleep 7
kill -TERM $pid
wait $pid
rc=$?
sed 's/^/# /' $W/out $W/err
check "anprd on v4l2:/dev/anpr/cam0 stops cleanly (exit $rc)" test $rc -eq 0
check "frames reached anprd through the driver" \
	test "$(sed -n 's/^anprd: \([0-9]*\) frames.*/\1/p' $W/out)" -ge "$frames"
check "the hotlisted RU71PHA was alerted once" test "$(grep -c '^ALERT  RU71PHA' $W/out)" -eq 1
for v in VV21TOU RU71PHA CD74KDP; do
	check "vehicle $v recorded once" test "$(grep -c "^READ   $v " $W/out)" -eq 1
done
# the read records say what saw them: a live sensor, not a replay
nread=$(cat $W/spool/records/*/*.rec | grep -c '^type=read$')
check "the $nread read records name source cam0 and say input=live (a sensor, not a replay)" \
	test "$nread" -ge 3 -a "$(cat $W/spool/records/*/*.rec | grep -c '^source=cam0$')" -eq "$nread" \
	-a "$(cat $W/spool/records/*/*.rec | grep -c '^input=live$')" -eq "$nread"
check "the $nread read records' capture clock is the driver's start of exposure (capture_clock=sensor-exposure)" \
	test "$nread" -ge 3 -a "$(cat $W/spool/records/*/*.rec | grep -c '^capture_clock=sensor-exposure$')" -eq "$nread"
anpr-verify --key $D/camera.pub $W/spool > $W/verify 2>&1
rc=$?
sed 's/^/# /' $W/verify | tail -4
check "anpr-verify: the spool made through the driver verifies" test $rc -eq 0
