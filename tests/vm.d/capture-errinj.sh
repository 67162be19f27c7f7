#!/bin/sh
# VM suite (runs inside the guest, busybox sh): libanprcap's error paths
# against the real anprcap driver, whose error-injection controls
# (error_inj=1, docs/kmod.md "Error injection") make the faults: REQBUFS and
# STREAMON failing at start, buffers flagged V4L2_BUF_FLAG_ERROR, a sensor
# that stops and starts again. The elastic clock (strict_clock=0) keeps
# host stalls of the TCG guest from adding drops of their own.
# Prints TAP lines; the harness counts them.
# vm-bins: build/bin/anprcap-errpaths
n=0
rmmod anprcap 2> /dev/null
if ! modprobe anprcap error_inj=1 strict_clock=0 debug=1; then
	echo "not ok 1 - capture-errinj: modprobe anprcap error_inj=1"
	exit 0
fi
C=
for d in /sys/class/video4linux/video*; do
	[ "$(cat "$d/name" 2> /dev/null)" = cam0 ] && C=/dev/${d##*/}
done
anprcap-errpaths "$C" > /tmp/errpaths.log 2>&1
rc=$?
while IFS= read -r l; do
	case "$l" in
	"ok - "*) n=$((n + 1)); echo "ok $n - capture-errinj: ${l#ok - }" ;;
	"not ok - "*) n=$((n + 1)); echo "not ok $n - capture-errinj: ${l#not ok - }" ;;
	*) echo "#   $l" ;;
	esac
done < /tmp/errpaths.log
n=$((n + 1))
if [ $rc = 0 ] && [ $n -gt 8 ]; then
	echo "ok $n - capture-errinj: anprcap-errpaths exit 0, $((n - 1)) checks"
else
	echo "not ok $n - capture-errinj: anprcap-errpaths exit $rc, $((n - 1)) checks"
fi
# the driver said what it injected (debug=1, KERN_DEBUG: dmesg only)
n=$((n + 1))
if dmesg | grep -q 'injected V4L2_BUF_FLAG_ERROR' &&
   dmesg | grep -q 'sensor stall cleared: [0-9]* frames lost to it' &&
   dmesg | grep -q 'start_streaming fails with injected error -5'; then
	echo "ok $n - capture-errinj: debug=1 logged the injected errors and the stall"
else
	echo "not ok $n - capture-errinj: debug=1 messages missing from dmesg"
fi
rmmod anprcap
