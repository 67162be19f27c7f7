#!/bin/sh
# VM suite (runs inside the guest, busybox sh): a real UVC camera for the
# V4L2 and libcamera backends. A configfs UVC gadget (usb_f_uvc, fed by
# anpr-uvc-gadget-sim) on the usbip-vudc UDC is attached through usbip to
# vhci-hcd, where uvcvideo binds it: a UVC camera as the kernel sees one.
# Limit: Debian 6.1's usb_f_uvc streams only over isochronous endpoints,
# which neither dummy_hcd nor usbip-vudc implements (vudc completes them
# with -EXDEV), so frames cannot flow; this suite covers discovery,
# format negotiation and the error paths, not streaming.
# vm-bins: build/bin/anpr-capture build/bin/anpr-uvc-gadget-sim /usr/sbin/usbip /usr/sbin/usbipd
# vm-mods: usbip-vudc vhci-hcd libcomposite usb_f_uvc uvcvideo
T=${ANPR_CAPTURE:-anpr-capture}
W=/tmp/capture-uvc
rm -rf $W; mkdir -p $W
n=0
ok()  { n=$((n + 1)); echo "ok $n - capture-uvc: $1"; }
nok() { n=$((n + 1)); echo "not ok $n - capture-uvc: $1"; [ -n "${2:-}" ] && sed 's/^/#   /' "$2"; }
check() { what=$1; shift; if "$@"; then ok "$what"; else nok "$what" $W/err; fi; }

ip link set lo up 2> /dev/null
for m in usbip-vudc vhci-hcd libcomposite usb_f_uvc uvcvideo; do modprobe $m 2>> $W/err; done
grep -q configfs /proc/mounts || mount -t configfs none /sys/kernel/config
G=/sys/kernel/config/usb_gadget/anpruvc
F=$G/functions/uvc.0
U=$F/streaming/uncompressed/u/f1
mkdir -p $G/strings/0x409 $G/configs/c.1/strings/0x409
echo 0x1d6b > $G/idVendor; echo 0x0106 > $G/idProduct
echo UVC0001 > $G/strings/0x409/serialnumber
echo "ANPR UVC test" > $G/strings/0x409/product
mkdir -p $F/control/header/h $U $F/streaming/header/h
ln -s $F/control/header/h $F/control/class/fs/h
ln -s $F/control/header/h $F/control/class/ss/h
echo 160 > $U/wWidth; echo 120 > $U/wHeight
echo 333333 > $U/dwDefaultFrameInterval; echo 333333 > $U/dwFrameInterval
echo 38400 > $U/dwMaxVideoFrameBufferSize
ln -s $F/streaming/uncompressed/u $F/streaming/header/h/u
for s in fs hs ss; do ln -s $F/streaming/header/h $F/streaming/class/$s/h; done
ln -s $F $G/configs/c.1/
echo usbip-vudc.0 > $G/UDC 2>> $W/err
GV=
for d in /sys/class/video4linux/video*; do grep -q usbip-vudc $d/name && GV=/dev/${d##*/}; done
check "UVC gadget bound to usbip-vudc (output node $GV)" test -n "$GV"
${ANPR_UVC_SIM:-anpr-uvc-gadget-sim} $GV 160 120 2> $W/sim.log &
sim=$!
sleep 1
usbipd --device -D 2>> $W/err
sleep 1
usbip attach -r 127.0.0.1 -d usbip-vudc.0 > /dev/null 2>> $W/err
sleep 4
V=
for d in /sys/class/video4linux/video*; do grep -q "ANPR UVC" $d/name && [ -z "$V" ] && V=/dev/${d##*/}; done
check "uvcvideo binds the camera through vhci-hcd ($V)" test -n "$V"

# V4L2 backend on a real uvcvideo node
$T --list > $W/list 2> $W/err
check "--list shows the UVC camera (v4l2, uvcvideo)" grep -q "^v4l2:$V .*(uvcvideo)" $W/list
$T v4l2:$V --format GREY --frames 1 > /dev/null 2> $W/err
check "v4l2: GREY refused by name: 'format GREY not offered (driver chose YUYV)'" \
	grep -q "$V: format GREY not offered (driver chose YUYV)" $W/err
$T v4l2:$V --format YUYV --size 160x120 --frames 1 --timeout 2000 > /dev/null 2> $W/err
check "v4l2: YUYV 160x120 at 30 fps negotiated and streaming started" \
	grep -q "v4l2:$V (v4l2): YUYV 160x120 at 30/1 fps" $W/err

# libcamera backend (when built in)
# libcamera's udev enumerator only takes devices udevd has processed. When
# no udevd runs, write the database entries it would have written.
udevadm settle -t 10 2> /dev/null
mkdir -p /run/udev/data
for d in /sys/bus/media/devices/* /sys/class/video4linux/*; do
	f=/run/udev/data/c$(cat $d/dev 2> /dev/null)
	[ -f $d/dev ] && [ ! -e $f ] && echo "I:$(date +%s)000000" > $f
done
if $T libcamera:none 2>&1 | grep -q 'not built'; then
	echo "# libcamera backend not built in: its checks skipped"
else
	$T libcamera:none --frames 1 2> $W/err
	check "libcamera: unknown id is a clear error ('no such camera (libcamera sees N)')" \
		grep -q 'libcamera:none: no such camera (libcamera sees [0-9]*;' $W/err
	$T --list > $W/list 2> $W/err
	check "--list with the libcamera backend in: exit 0" test $? -eq 0
	L=$(sed -n 's/^\(libcamera:[^ ]*\) .*/\1/p' $W/list | head -n 1)
	if [ -z "$L" ]; then
		# libcamera 0.0.3 names a UVC camera after the firmware (ACPI/DT)
		# node of its USB controller; vhci-hcd and dummy_hcd have none, so
		# it drops the camera ("Can not find controller ID").
		echo "# libcamera lists no camera here (UVC behind vhci-hcd has no firmware node); open/configure checks skipped"
	else
		$T "$L" --format GREY --frames 1 2> $W/err
		check "libcamera: GREY refused: 'not offered (camera chose YUYV)'" grep -q 'format GREY not offered (camera chose YUYV)' $W/err
		$T "$L" --format Y16 --frames 1 2> $W/err
		check "libcamera: Y16 refused: 'no libcamera equivalent'" grep -q 'has no libcamera equivalent' $W/err
		$T "$L" --format YUYV --size 160x120 --frames 1 --timeout 2000 > /dev/null 2> $W/err
		check "libcamera: YUYV 160x120 configured, camera started" grep -q "$L (libcamera): YUYV 160x120" $W/err
	fi
fi
kill $sim 2> /dev/null
echo "# capture-uvc: $n checks"
