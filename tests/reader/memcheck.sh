#!/bin/bash
# The reader reads what is in the frame and nothing else: anpr-read under
# valgrind's memcheck reports no read of uninitialised or freed memory on
# rendered IR frames (1280x720 and 1920x1080, whose widths are multiples
# of the activity map's blocks: a border column left unwritten there made
# the reading of a frame depend on what its buffer held before), and the
# readings do not change with what malloc leaves in fresh memory
# (MALLOC_PERTURB_). A record's VRM must not depend on anything but its
# frame.
#   tests/reader/memcheck.sh BUILD
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
read=$PWD/$1/bin/anpr-read
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
for size in 1280x720 1920x1080; do
	/usr/bin/python3 demo/render_frames.py --out "$t/$size" --width "${size%x*}" \
		--height "${size#*x}" --vehicles 1 --frames-per-vehicle 3 --gap 0 \
		--plates AB12CDE > /dev/null 2>&1 || nok "render $size frames"
done
frames=("$t"/1280x720/frame-*.pgm "$t"/1920x1080/frame-*.pgm)
check "frames rendered (${#frames[@]})" test "${#frames[@]}" -ge 4 -a -s "${frames[0]}"
strip() { sed 's/ *\[[0-9.]* ms\]//'; }
valgrind -q --error-exitcode=9 --log-file="$t/vg.log" "$read" --region gb "${frames[@]}" 2>&1 |
	strip > "$t/vg.out"
rc=${PIPESTATUS[0]}
check "memcheck: no uninitialised or invalid read in anpr-read over the frames (status $rc)" \
	test "$rc" -eq 0 -a ! -s "$t/vg.log" || sed 's/^/#   /' "$t/vg.log" | head -30
MALLOC_PERTURB_=85 "$read" --region gb "${frames[@]}" 2>&1 | strip > "$t/p1.out"
MALLOC_PERTURB_=170 "$read" --region gb "${frames[@]}" 2>&1 | strip > "$t/p2.out"
check "the readings do not depend on what fresh memory holds (MALLOC_PERTURB_ 85, 170, and memcheck's)" \
	bash -c "cmp -s '$t/p1.out' '$t/p2.out' && cmp -s '$t/p1.out' '$t/vg.out'"
check "...and the plate is read in them ($(grep -c AB12CDE "$t/p1.out") of ${#frames[@]})" \
	grep -q AB12CDE "$t/p1.out"
sed 's/^/# /' "$t/p1.out"
tap_done
