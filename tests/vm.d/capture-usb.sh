#!/bin/sh
# VM suite (runs inside the guest, busybox sh): libanprcap's USB backend
# for real. dummy_hcd gives the guest a USB device controller wired to its
# own host controller; a FunctionFS gadget (anpr-usb-sensor-sim) plays the
# IR sensor; anpr-capture reads it through libanprcap and libusb.
# Prints TAP lines; the harness counts them.
# vm-bins: build/bin/anpr-capture build/bin/anpr-usb-sensor-sim
# vm-mods: dummy_hcd libcomposite usb_f_fs
T=${ANPR_CAPTURE:-anpr-capture}
SIM=${ANPR_USB_SIM:-anpr-usb-sensor-sim}
W=/tmp/capture-usb
rm -rf $W; mkdir -p $W/sent
n=0
ok()  { n=$((n + 1)); echo "ok $n - capture-usb: $1"; }
nok() { n=$((n + 1)); echo "not ok $n - capture-usb: $1"; [ -n "${2:-}" ] && sed 's/^/#   /' "$2"; }
check() { what=$1; shift; if "$@"; then ok "$what"; else nok "$what" $W/err; fi; }
vals() { sed -n "s/.* $2=\([^ ]*\).*/\1/p; s/^$2=\([^ ]*\).*/\1/p" "$1"; }
seq_ok() {	# sequences increase, every gap = that frame's drops
	vals "$1" seq > "$1.seq"; vals "$1" drops > "$1.drops"
	paste -d ' ' "$1.seq" "$1.drops" | awk 'NR > 1 && ($1 <= p || $1 - p - 1 != $2) { bad = 1 } { p = $1 } END { exit bad || NR < 2 }'
}

URI=usb:1d6b:0104:SIM0001
G=/sys/kernel/config/usb_gadget/anprsim
FFS=/dev/ffs-anpr

start_sim() {
	$SIM $FFS --record $W/sent "$@" 2>> $W/sim.log &
	SIMPID=$!
	sleep 1
	ls /sys/class/udc | head -n 1 > $G/UDC
	sleep 2
}
stop_sim() {
	echo "" > $G/UDC 2> /dev/null
	kill $SIMPID 2> /dev/null; wait $SIMPID 2> /dev/null
}

for m in dummy_hcd libcomposite usb_f_fs; do modprobe $m 2>> $W/err; done
grep -q configfs /proc/mounts || mount -t configfs none /sys/kernel/config
mkdir -p $G/strings/0x409 $G/configs/c.1/strings/0x409 $G/functions/ffs.anpr $FFS
echo 0x1d6b > $G/idVendor
echo 0x0104 > $G/idProduct
echo SIM0001 > $G/strings/0x409/serialnumber
echo "ANPR test" > $G/strings/0x409/manufacturer
echo "ANPR IR sensor (simulated)" > $G/strings/0x409/product
echo "sensor" > $G/configs/c.1/strings/0x409/configuration
ln -s $G/functions/ffs.anpr $G/configs/c.1/ 2> /dev/null
mount -t functionfs anpr $FFS 2>> $W/err
check "gadget set up (dummy_hcd, configfs, functionfs)" test -e $FFS/ep0 -a -n "$(ls /sys/class/udc)"
start_sim
$T --list > $W/list 2> $W/err
check "--list shows $URI" grep -q "^$URI .*usb" $W/list

$T $URI --frames 10 --out $W/out > $W/basic 2> $W/err
rc=$?
check "10 frames from the USB sensor, exit 0" test $rc -eq 0 -a "$(wc -l < $W/basic)" -eq 10
check "sequences increase, gaps = drops" seq_ok $W/basic
check "frames 320x240 GREY with SOE timestamps and the header as metadata" \
	test "$(grep -c 'ts_src=soe size=320x240 fmt=GREY .*meta=ANPU' $W/basic)" -eq 10
vals $W/basic ts > $W/basic.ts
check "timestamps increase" awk 'NR > 1 && $1 <= p { bad = 1 } { p = $1 } END { exit bad || NR < 2 }' $W/basic.ts
same=0
for f in $(ls $W/out); do
	s=${f#frame-}; s=${s%.pgm}
	tail -c 76800 $W/out/$f > $W/got.raw
	cmp -s $W/got.raw $W/sent/frame-$s.raw && same=$((same + 1))
done
check "all 10 frames hold exactly the pixels the sensor sent" test $same -eq 10

$T $URI --size 640x480 --frames 3 > $W/big 2> $W/err
check "--size 640x480 asked in START is honoured" test "$(grep -c 'size=640x480' $W/big)" -eq 3

$T $URI --buffers 2 --hold 300 --frames 4 > $W/slow 2> $W/err
check "slow consumer: the sensor's lost exposures are counted as drops" \
	test "$(vals $W/slow drops | awk '{ d += $1 } END { print d + 0 }')" -gt 0
check "slow consumer: sequence gaps equal drops" seq_ok $W/slow

$T usb:1d6b:0104:NOPE --frames 1 2> $W/err
check "wrong serial: 'no such USB sensor'" grep -q 'usb:1d6b:0104:NOPE: no such USB sensor' $W/err
$T usb:1d6b --frames 1 2> $W/err
check "malformed URI: clear error" grep -q 'expected usb:VID:PID' $W/err

# Hot-unplug while streaming, then re-plug a sensor that corrupts every 4th frame.
$T $URI --timeout 4000 > $W/unplug 2> $W/unplug.err &
cap=$!
sleep 2
echo "" > $G/UDC
wait $cap
rc=$?
cp $W/unplug.err $W/err
check "frames arrived before the unplug" test "$(wc -l < $W/unplug)" -gt 0
check "unplug: capture ends with exit 1, 'device gone'" test $rc -eq 1 -a "$(grep -c 'device gone' $W/unplug.err)" -ge 1
stop_sim
start_sim --corrupt-every 4
$T $URI --frames 8 > $W/corrupt 2> $W/err
rc=$?
check "re-open after re-plug works" test "$(wc -l < $W/corrupt)" -eq 8
check "corrupt frames: reported (exit 4) with the reason" test $rc -eq 4 -a "$(grep -c 'payload CRC' $W/err)" -ge 1
check "corrupt frames: counted as drops, gaps = drops" seq_ok $W/corrupt
check "corrupt frames: drops > 0" test "$(vals $W/corrupt drops | awk '{ d += $1 } END { print d + 0 }')" -gt 0
stop_sim
echo "# capture-usb: $n checks"
