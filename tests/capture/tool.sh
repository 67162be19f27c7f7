#!/bin/bash
# Host suite: anpr-capture on file: sources. Prints TAP.
#   tests/capture/tool.sh [BUILD]
set -u
B=${1:-build}
T=$B/bin/anpr-capture
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/tap.sh"

# A 4-frame 8x4 mono y4m at 5 fps; frame i has every pixel = 'a'+i.
y=$tmp/four.y4m
{
	printf 'YUV4MPEG2 W8 H4 F5:1 Ip A1:1 Cmono\n'
	for c in a b c d; do printf 'FRAME\n'; printf "$c%.0s" $(seq 32); done
} > "$y"

check "--list exits 0" "$T" --list
"$T" "file:$y" --frames 4 --fast --out "$tmp/out" > "$tmp/lines" 2> "$tmp/err"
rc=$?
check "capture 4 frames from a y4m file exits 0" test $rc -eq 0
check "one line per frame" test "$(wc -l < "$tmp/lines")" -eq 4
check "sequences 0..3, drops 0, size 8x4" \
	test "$(sed -E 's/.*seq=([0-9]+) .* size=([0-9x]+) .* drops=([0-9]+).*/\1 \2 \3/' "$tmp/lines" | tr '\n' ,)" = "0 8x4 0,1 8x4 0,2 8x4 0,3 8x4 0,"
ts=$(sed -E 's/.*ts=([0-9.]+) .*/\1/' "$tmp/lines")
check "timestamps 200 ms apart (5 fps)" awk 'NR>1 && ($1-p < 0.1999 || $1-p > 0.2001) {bad=1} {p=$1} END {exit bad}' <<< "$ts"
check "timestamp source is synthetic" grep -q 'ts_src=synthetic' "$tmp/lines"
check "4 PGM frames saved" test "$(ls "$tmp/out" | wc -l)" -eq 4
check "saved frame 2 holds what was fed" \
	cmp <(tail -c 32 "$tmp/out/frame-000002.pgm") <(printf 'c%.0s' $(seq 32))

# Raw stream from stdin (a pipe), with --size/--format.
head -c 96 /dev/zero | tr '\0' 'z' | "$T" file:- --format GREY --size 8x4 --fast > "$tmp/raw" 2> "$tmp/rawerr"
check "raw stdin: 3 frames" test "$(wc -l < "$tmp/raw")" -eq 3

# Real-time replay with a slow consumer: drops are counted.
"$T" "file:$y" --fps 100 --buffers 2 --hold 50 --loop --frames 5 > "$tmp/slow" 2>/dev/null
check "slow consumer sees drops" awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^drops=/) d += substr($i, 7) } END { exit !(d > 0) }' "$tmp/slow"
check "slow consumer: sequence gaps equal drops" awk '{ for (i = 1; i <= NF; i++) { if ($i ~ /^seq=/) s = substr($i, 5); if ($i ~ /^drops=/) d = substr($i, 7) } if (NR > 1 && s - p - 1 != d) bad = 1; p = s } END { exit bad }' "$tmp/slow"

# Errors name the file and the reason; exit status non-zero.
"$T" file:/nonexistent/x.y4m --frames 1 2> "$tmp/e1"; rc=$?
check "missing file: exit 1, message names it" test $rc -eq 1 -a "$(grep -c '/nonexistent/x.y4m: No such file or directory' "$tmp/e1")" -eq 1
"$T" bogus:thing 2> "$tmp/e2"; rc=$?
check "bad URI: clear error" test $rc -eq 1 -a "$(grep -c "unknown URI scheme 'bogus'" "$tmp/e2")" -eq 1
printf 'rawbytes' > "$tmp/x.raw"
"$T" "file:$tmp/x.raw" 2> "$tmp/e3"; rc=$?
check "raw without --size: says what is missing" test $rc -eq 1 -a "$(grep -c 'raw stream needs its format and size' "$tmp/e3")" -eq 1
"$T" "file:$y" --frames 9 --fast > /dev/null 2> "$tmp/e4"; rc=$?
check "fewer frames than asked: exit 3" test $rc -eq 3 -a "$(grep -c 'ended after 4 of 9 frames' "$tmp/e4")" -eq 1
"$T" "file:$y" --frames 0 2> /dev/null; rc=$?
check "bad option value: exit 2" test $rc -eq 2
tap_done
