#!/bin/sh
# VM suite (runs inside the guest, busybox sh): libanprcap's libcamera
# backend for real. vimc (built out of tree from Debian's linux-source:
# Debian's kernel does not ship it) is the virtual camera libcamera's vimc
# pipeline handler drives, with Debian's vimc IPA module.
# Prints TAP lines; the harness counts them.
# vm-bins: build/bin/anpr-capture build/vimc/vimc.ko /usr/lib/x86_64-linux-gnu/libcamera/ipa_vimc.so /usr/lib/x86_64-linux-gnu/libcamera/ipa_vimc.so.sign /usr/lib/x86_64-linux-gnu/libcamera/vimc_ipa_proxy
# vm-mods: v4l2-tpg videobuf2-vmalloc videobuf2-dma-contig videobuf2-v4l2
T=${ANPR_CAPTURE:-anpr-capture}
W=/tmp/capture-libcamera
rm -rf $W; mkdir -p $W
n=0
ok()  { n=$((n + 1)); echo "ok $n - capture-libcamera: $1"; }
nok() { n=$((n + 1)); echo "not ok $n - capture-libcamera: $1"; [ -n "${2:-}" ] && sed 's/^/#   /' "$2"; }
check() { what=$1; shift; if "$@"; then ok "$what"; else nok "$what" $W/err; fi; }
vals() { sed -n "s/.* $2=\([^ ]*\).*/\1/p; s/^$2=\([^ ]*\).*/\1/p" "$1"; }
seq_ok() {
	vals "$1" seq > "$1.seq"; vals "$1" drops > "$1.drops"
	paste -d ' ' "$1.seq" "$1.drops" | awk 'NR > 1 && ($1 <= p || $1 - p - 1 != $2) { bad = 1 } { p = $1 } END { exit bad || NR < 2 }'
}

if $T libcamera:x 2>&1 | grep -q 'not built'; then
	echo "# libcamera backend not built in: nothing to test"
	exit 0
fi
for m in v4l2-tpg videobuf2-vmalloc videobuf2-dma-contig videobuf2-v4l2; do modprobe $m 2>> $W/err; done
for ko in build/vimc/vimc.ko /build/vimc/vimc.ko /bin/vimc.ko; do [ -f $ko ] && break; done
insmod $ko 2>> $W/err
check "vimc loaded" grep -q '^vimc ' /proc/modules
sleep 2
udevadm settle -t 10 2> /dev/null
# libcamera's udev enumerator only takes devices udevd has processed: when no
# udevd runs, write the database entries it would have written.
mkdir -p /run/udev/data
for d in /sys/bus/media/devices/* /sys/class/video4linux/* /sys/class/video4linux/v4l-subdev*; do
	f=/run/udev/data/c$(cat $d/dev 2> /dev/null)
	[ -f $d/dev ] && [ ! -e $f ] && echo "I:$(date +%s)000000" > $f
done
# Debian's libcamera-ipa ships the vimc IPA without its (empty) vimc.conf
mkdir -p $W/ipa/vimc; : > $W/ipa/vimc/vimc.conf
export LIBCAMERA_IPA_CONFIG_PATH=$W/ipa

$T --list > $W/list 2> $W/err
check "--list shows vimc's camera as a libcamera: source" grep -q '^libcamera:.*Sensor B.* libcamera ' $W/list
L=$(sed -n 's/^\(libcamera:.*\) libcamera .*/\1/p' $W/list | head -n 1)
$T "$L" --frames 10 --out $W/out > $W/basic 2> $W/err
rc=$?
check "10 frames through libcamera, exit 0" test $rc -eq 0 -a "$(wc -l < $W/basic)" -eq 10
check "sequences increase, gaps = drops" seq_ok $W/basic
vals $W/basic ts > $W/basic.ts
check "timestamps increase" awk 'NR > 1 && $1 <= p { bad = 1 } { p = $1 } END { exit bad || NR < 2 }' $W/basic.ts
check "frames carry libcamera's sensor timestamp and their DMABUF fd" \
	test "$(grep -c 'ts_src=soe .* dmabuf=[0-9]' $W/basic)" -eq 10
st=$(vals $W/basic stride | head -n 1); sz=$(vals $W/basic size | head -n 1); h=${sz#*x}
by=$(vals $W/basic bytes | head -n 1)
check "bytes = stride x height ($st x $h = $by)" test "$by" -eq $((st * h))
f=$(ls $W/out | head -n 1)
check "saved frame has that many bytes" test "$(wc -c < $W/out/$f)" -eq "$by"
$T "$L" --format GREY --frames 1 2> $W/err
check "GREY refused by name ('not offered (camera chose ...)')" grep -q 'format GREY not offered (camera chose ' $W/err
$T "$L" --format Y16 --frames 1 2> $W/err
check "Y16 refused: 'no libcamera equivalent'" grep -q 'format Y16  has no libcamera equivalent' $W/err
$T "$L" --size 640x480 --frames 3 > $W/small 2> $W/err
got=$(sed -n 's/.* (libcamera): [^ ]* \([0-9]*x[0-9]*\) .*/\1/p' $W/err)
# the camera may align the size (vimc gives 636x480); frames carry what it chose
check "--size 640x480 asked: camera chose $got, every frame carries it" \
	test -n "$got" -a "${got#*x}" = 480 -a "$(grep -c "size=$got " $W/small)" -eq 3
$T "$L" --buffers 2 --hold 300 --frames 5 > $W/slow 2> $W/err
check "slow consumer (2 buffers): sequence gaps equal drops" seq_ok $W/slow
$T "$L" --frames 200 --timeout 5000 > /dev/null 2>&1 &
p1=$!
sleep 2
$T "$L" --frames 1 2> $W/err
kill $p1 2> /dev/null; wait $p1 2> /dev/null
# libcamera 0.0.3 does not even list a camera another process streams from
check "a camera held by another process: a clear error" \
	grep -q -E 'cannot acquire the camera|a camera another process is using is not listed' $W/err
$T "libcamera:no such camera" --frames 1 2> $W/err
check "unknown id: 'no such camera (libcamera sees 1; ...)'" grep -q 'no such camera (libcamera sees 1;' $W/err
rmmod vimc 2> /dev/null
echo "# capture-libcamera: $n checks"
