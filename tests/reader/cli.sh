#!/bin/bash
# End-to-end tests of anpr-read on synthetic plates rendered by
# training/make_test_plates.py (tests/reader/data; gb-two-AB12CDE.png, a
# two-row plate, by tests/bench/gb-synth/render.py --one AB12CDE --two-line;
# gb-line-*.png, crops of gb-synth frames 0022 and 0150 around the plate,
# which the character reader misreads and the line recognizer reads;
# gb-livery-VY71YCB.png, a crop of gb-synth-livery frame 0018: a plate
# below a van's painted CITYLINK; gb-sign-BMZ6715.jpg, of frame 0000: a
# plate beside a road sign M695, which the reader before ranked second at
# a higher confidence; gb-test-ZZ99TST.png, gb-foreign-AB123CD.png and
# gb-foreign-WDB4512.png, crops around the plate of demo/render_frames.py
# --width 640 --height 480 --frames-per-vehicle 8 --gap 4 --plates
# VV21TOU,ZZ99TST,CD74KDP,AB123CD,WDB4512 frames 20, 43 and 56, as the
# deb suites render them; gb-sign-LEEDS.png, a crop of render.py --livery
# --seed 79 frame 0241 round a road sign, whose evenly spaced LEEDS the
# reader before read as the suffix mark LEE6S at 0.74), and its handling
# of bad input. Prints TAP.
#   tests/reader/cli.sh BUILD_DIR
set -u
bin=${1:-build}/bin/anpr-read
data=tests/reader/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/tap.sh"

for f in gb-ir-AB12CDE gb-rot-YK07XSR br-ABC1234 gb-two-AB12CDE; do
	want=${f##*-}
	out=$("$bin" --json --region auto "$data/$f.png" 2>"$tmp/err")
	check "$f: reads $want first" grep -q "^{\"file\":\"$data/$f.png\",\"ms\":[0-9.]*,\"plates\":\[{\"text\":\"$want\",\"confidence\":[01]\.[0-9]*,\"region\":\"[a-z]*\",\"format\":\"[a-z-]*\",\"reader\":\"\(chars\|line\)\",\"box\":\[[0-9]*,[0-9]*,[0-9]*,[0-9]*\]}" <<<"$out"
done
# A two-row (motorcycle) plate reads as one mark, its box around both rows.
out=$("$bin" --json --region gb "$data/gb-two-AB12CDE.png")
check "two-row plate: gb-current" grep -q '"text":"AB12CDE","confidence":[01]\.[0-9]*,"region":"gb","format":"gb-current"' <<<"$out"
h=$(sed -n 's/.*"AB12CDE"[^]]*"box":\[[0-9]*,[0-9]*,[0-9]*,\([0-9]*\)\].*/\1/p' <<<"$out")
check "two-row plate: box covers both rows ($h px high)" test "${h:-0}" -ge 70
out=$("$bin" --json --region gb "$data/gb-ir-AB12CDE.png")
check "region gb reported" grep -q '"region":"gb","format":"gb-current"' <<<"$out"
# A plate, not text (plate.c): the van's lettering is not retroreflective,
# so it stays below anprd's alert floor (0.5), below the plate.
out=$("$bin" --json --region gb "$data/gb-livery-VY71YCB.png")
check "livery: the plate first, at >= 0.5" grep -q '"plates":\[{"text":"VY71YCB","confidence":\(0\.[5-9]\|1\.0\)' <<<"$out"
hi=$(grep -o '"confidence":[0-9.]*' <<<"$out" | awk -F: '$2 >= 0.5' | wc -l)
check "livery: nothing else at >= 0.5 ($hi readings there)" test "$hi" -eq 1
# A word on a sign read as a UK mark has no space where the mark's is
# (rd_plate_layout): no plate, nothing at anprd's alert floor or above.
out=$("$bin" --json --region gb --min-confidence 0 "$data/gb-sign-LEEDS.png")
hi=$(grep -o '"confidence":[0-9.]*' <<<"$out" | awk -F: '$2 >= 0.5' | wc -l)
check "LEEDS sign: no reading at >= 0.5 ($hi there)" test "$hi" -eq 0
# A foreign plate and the commissioning test vehicle's ZZ99TST, no UK
# format, are still plates in region gb: read over anprd's alert threshold
# (0.5), or a hotlisted foreign vehicle is never alerted on (the
# calibration backed out in 66c005b gave them 0.001).
for f in gb-test-ZZ99TST gb-foreign-AB123CD gb-foreign-WDB4512; do
	want=${f##*-}
	out=$("$bin" --json --region gb "$data/$f.png")
	check "$f: $want first, at >= 0.5 in region gb" grep -q "\"plates\":\[{\"text\":\"$want\",\"confidence\":\(0\.[5-9]\|1\.0\)" <<<"$out"
done
# Readings sorted by confidence (calibrated from the rank, rank.c), in
# the default output and with every reading the reader makes.
sorted_ok() {
	grep -o '"confidence":[0-9.]*' <<<"$1" | cut -d: -f2 |
		awk 'NR > 1 && $1 > last { bad = 1 } { last = $1 } END { exit bad }'
}
for f in gb-sign-BMZ6715.jpg gb-livery-VY71YCB.png gb-ir-AB12CDE.png gb-two-AB12CDE.png; do
	out=$("$bin" --json --region gb "$data/$f")
	check "$f: sorted by confidence" sorted_ok "$out"
	out=$("$bin" --json --region gb --min-confidence 0 "$data/$f")
	check "$f: all readings sorted by confidence" sorted_ok "$out"
done
out=$("$bin" --json --region gb --min-confidence 0 "$data/gb-sign-BMZ6715.jpg")
check "sign: the plate first, the sign below 0.5" grep -q '"plates":\[{"text":"BMZ6715","confidence":\(0\.[5-9]\|1\.0\)[^}]*},{"text":"M695","confidence":0\.[0-4]' <<<"$out"
"$bin" --min-confidence 2 "$data/gb-ir-AB12CDE.png" >/dev/null 2>"$tmp/err"
check "--min-confidence 2: status 2" test $? -eq 2
out=$("$bin" --json --rank "$data/gb-ir-AB12CDE.png")
check "--rank: rank, plate evidence and family in the JSON" grep -q '"text":"AB12CDE"[^}]*"rank":-*[0-9.]*,"not_plate":0,"family":0}' <<<"$out"
out=$("$bin" --json --rank --region gb "$data/gb-foreign-AB123CD.png")
check "--rank: a foreign mark's family is 1" grep -q '"text":"AB123CD"[^}]*"family":1}' <<<"$out"
out=$("$bin" "$data/br-ABC1234.png")
check "plain output" grep -q "^$data/br-ABC1234.png: ABC1234 ([01]\.[0-9]*, br)" <<<"$out"

# Bad images between good ones: errors name the file and the reason, the
# good ones are still read, the exit status is non-zero at the end.
printf 'this is not an image\n' >"$tmp/text.jpg"
head -c 300 "$data/br-ABC1234.png" >"$tmp/trunc.png"
: >"$tmp/empty.pgm"
"$bin" --json "$data/gb-ir-AB12CDE.png" "$tmp/text.jpg" "$tmp/missing.png" \
	"$tmp/trunc.png" "$tmp/empty.pgm" "$data/br-ABC1234.png" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "bad images: exit status 1" test "$rc" -eq 1
check "bad images: good ones still read" test "$(grep -c '"text":' "$tmp/out")" -eq 2
check "bad images: last good one read" grep -q 'ABC1234' "$tmp/out"
for f in text.jpg missing.png trunc.png empty.pgm; do
	check "bad image $f named on stderr with a reason" \
		grep -qE "^anpr-read: $tmp/$f: .{8,}" "$tmp/err"
done
check "missing file: reason" grep -q "missing.png: .*No such file" "$tmp/err"
check "stdout has no line for bad images" test "$(wc -l <"$tmp/out")" -eq 2

# "-": one image on standard input; a directory: its images in name order
out=$("$bin" --json - < "$data/br-ABC1234.png" 2>"$tmp/err")
check "'-' reads an image from standard input, named '-'" \
	grep -q '^{"file":"-","ms":[0-9.]*,"plates":\[{"text":"ABC1234"' <<<"$out"
printf 'not an image' | "$bin" - >/dev/null 2>"$tmp/err"
rc=$?
check "'-' with no image on standard input: status 1, named '-' with a reason" \
	bash -c "test $rc -eq 1 && grep -qE '^anpr-read: -: .{8,}' '$tmp/err'"
mkdir -p "$tmp/dir/sub.png" "$tmp/empty"
cp "$data/gb-ir-AB12CDE.png" "$tmp/dir/b.PNG"
cp "$data/br-ABC1234.png" "$tmp/dir/a.png"
printf 'notes\n' > "$tmp/dir/notes.txt"
"$bin" "$tmp/dir" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a directory: its images in name order, other files and subdirectories left (status $rc)" \
	bash -c "test $rc -eq 0 && test \"\$(cut -d: -f1 '$tmp/out' | tr '\n' ' ')\" = '$tmp/dir/a.png $tmp/dir/b.PNG ' &&
		grep -q ABC1234 '$tmp/out' && test ! -s '$tmp/err'"
"$bin" "$tmp/empty" >/dev/null 2>"$tmp/err"
rc=$?
check "a directory without images: status 1, and says so" \
	bash -c "test $rc -eq 1 && grep -q 'no image files' '$tmp/err'"

"$bin" --region xx "$data/br-ABC1234.png" >/dev/null 2>"$tmp/err"
rc=$?
check "unknown region: status 2 and message" test "$rc" -eq 2
check "unknown region named" grep -q "unknown region 'xx'" "$tmp/err"
"$bin" --weights "$tmp/text.jpg" "$data/br-ABC1234.png" >/dev/null 2>"$tmp/err"
rc=$?
check "bad weights: status 1" test "$rc" -eq 1
check "bad weights: file and reason" grep -q "$tmp/text.jpg: not a reader weights file" "$tmp/err"
"$bin" --line-weights "$tmp/text.jpg" "$data/br-ABC1234.png" >/dev/null 2>"$tmp/err"
rc=$?
check "bad line weights: status 1" test "$rc" -eq 1
check "bad line weights: file and reason" grep -q "$tmp/text.jpg: not a line recognizer weights file" "$tmp/err"
"$bin" --line-reread 9 "$data/br-ABC1234.png" >/dev/null 2>"$tmp/err"
rc=$?
check "--line-reread 9: status 2 and message" test "$rc" -eq 2
check "--line-reread 9: says the range" grep -q "line-reread takes 0..8" "$tmp/err"
out=$("$bin" --json --line-reread 0 "$data/gb-ir-AB12CDE.png")
check "--line-reread 0: the character reader alone" grep -q '"text":"AB12CDE"[^}]*"reader":"chars"' <<<"$out"
# The line recognizer's second opinion, end to end: a 5 read as 3, and a
# Northern Irish mark's I lost, which it reads right.
# (Retrained weights may read these alone: then take other gb-synth frames
# that anpr-read --json shows with "reader":"line".)
for f in gb-line-CK25NRN:CK23NRN gb-line-KUI7322:KU7322; do
	want=${f%%:*}
	want=${want##*-}
	alone=${f##*:}
	out=$("$bin" --json --region gb "$data/${f%%:*}.png")
	check "${f%%:*}: the line recognizer reads $want" grep -q "\"plates\":\[{\"text\":\"$want\"[^}]*\"reader\":\"line\"" <<<"$out"
	out=$("$bin" --json --region gb --line-reread 0 "$data/${f%%:*}.png")
	check "${f%%:*}: the character reader alone reads $alone" grep -q "\"plates\":\[{\"text\":\"$alone\"[^}]*\"reader\":\"chars\"" <<<"$out"
done
"$bin" >/dev/null 2>"$tmp/err"
check "no image: usage, status 2" test $? -eq 2
for lvl in scalar sse4.1 avx2; do
	if grep -q "${lvl/sse4.1/sse4_1}" /proc/cpuinfo || [ $lvl = scalar ]; then
		out=$("$bin" --simd $lvl "$data/gb-ir-AB12CDE.png")
		check "--simd $lvl reads the same" grep -q "AB12CDE" <<<"$out"
	fi
done
tap_done
