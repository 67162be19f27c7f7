#!/bin/bash
# anpr-train-dump (training/dump_chars.c), the cutter of the classifier's
# training patches, on the committed synthetic plates and a drawn crop: the
# record format of docs/reader.md, labels in reading order, the group ids,
# the plate-box filters, and its bad input. Prints TAP.
#   tests/reader/train-dump.sh BUILD_DIR
set -u
bin=${1:-build}/bin/anpr-train-dump
data=tests/reader/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/tap.sh"
# records FILE: "LABELS GROUPS RECORDS REMAINDER MAXINK" of a dump
records() {
	/usr/bin/python3 - "$1" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
R = 1 + 4 + 24 * 16
labels = "".join(chr(b[i]) for i in range(0, len(b) - R + 1, R))
groups = sorted({int.from_bytes(b[i + 1:i + 5], "little")
                 for i in range(0, len(b) - R + 1, R) if b[i] != ord("?")})
ink = max(max(b[i + 5:i + R]) for i in range(0, len(b) - R + 1, R)) if len(b) >= R else -1
print(labels or "-", ",".join(map(str, groups)) or "-", len(b) // R, len(b) % R, ink)
PY
}
fnv() {	# FNV-1a 32 of $1, as dump_chars.c and train_chars.py use it
	/usr/bin/python3 -c 'import sys
h = 2166136261
for c in sys.argv[1].encode():
    h = ((h ^ c) * 16777619) & 0xffffffff
print(h)' "$1"
}
png_size() {	# png_size FILE: "W H" from the IHDR chunk
	/usr/bin/python3 -c 'import sys, struct
b = open(sys.argv[1], "rb").read(24)
print(*struct.unpack(">II", b[16:24]))' "$1"
}

# A plate with its box (the text is at 66,70 286x64): its characters, in
# order, under its text's group.
read -r w _ < <(png_size "$data/gb-ir-AB12CDE.png")
printf '%s\tAB12CDE\t56\t60\t306\t84\n' "$data/gb-ir-AB12CDE.png" >"$tmp/ok.list"
"$bin" scenes "$tmp/ok.list" "$tmp/ok.bin" 2>"$tmp/err"
check "scenes: exit 0 on a good list" test $? -eq 0
read -r labels groups count rem ink < <(records "$tmp/ok.bin")
plate=$(tr -d '?' <<<"$labels")
check "scenes: whole 389-byte records ($count)" test "$rem" -eq 0 -a "$count" -ge 7
check "scenes: the plate's characters in reading order ($plate)" \
	grep -qxE '(AB12CDE)+' <<<"$plate"
check "scenes: labelled records carry the text's group id" test "$groups" = "$(fnv AB12CDE)"
check "scenes: ink reaches 255" test "$ink" -eq 255
check "scenes: stderr counts the matched image" grep -q '1 images, 1 with the plate line matched' "$tmp/err"

# A label of another length, or a box the text is not in: no labelled patch.
printf '%s\tAB12CD\t56\t60\t306\t84\n' "$data/gb-ir-AB12CDE.png" >"$tmp/len.list"
"$bin" scenes "$tmp/len.list" "$tmp/len.bin" 2>/dev/null
read -r labels _ < <(records "$tmp/len.bin")
check "scenes: a label of another length labels nothing" test -z "$(tr -d '?-' <<<"$labels")"
printf '%s\tAB12CDE\t0\t0\t8\t8\n' "$data/gb-ir-AB12CDE.png" >"$tmp/box.list"
"$bin" scenes "$tmp/box.list" "$tmp/box.bin" 2>/dev/null
read -r labels _ < <(records "$tmp/box.bin")
check "scenes: text outside the box is only junk" test -z "$(tr -d '?-' <<<"$labels")"
# A box 300 px high around the 64 px line (0.21 of it).
printf '%s\tAB12CDE\t0\t0\t%s\t300\n' "$data/gb-ir-AB12CDE.png" "$w" >"$tmp/tall.list"
"$bin" scenes "$tmp/tall.list" "$tmp/tall.bin" 2>/dev/null
read -r labels _ < <(records "$tmp/tall.bin")
check "scenes: a line under 0.3 of the box's height labels nothing" \
	test -z "$(tr -d '?-' <<<"$labels")"

# Lines: the plate's band under its text, whatever its components.
# lines FILE: "LABELS GROUPS RECORDS REMAINDER MAXINK INKROWS" (INKROWS:
# the first record's mean ink of its top 4 rows, middle 8 rows, bottom 4)
lines() {
	/usr/bin/python3 - "$1" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
R = 16 + 4 + 32 * 128
recs = [b[i:i + R] for i in range(0, len(b) - R + 1, R)]
labels = sorted({r[:16].rstrip(b"\0").decode() for r in recs})
groups = sorted({int.from_bytes(r[16:20], "little") for r in recs})
ink = max(max(r[20:]) for r in recs) if recs else -1
def rows(r, a, z):
    px = r[20 + a * 128:20 + z * 128]
    return round(sum(px) / len(px))
band = "%d/%d/%d" % (rows(recs[0], 0, 4), rows(recs[0], 12, 20), rows(recs[0], 28, 32)) if recs else "-"
print(",".join(labels) or "-", ",".join(map(str, groups)) or "-", len(b) // R, len(b) % R, ink, band)
PY
}
"$bin" lines "$tmp/ok.list" "$tmp/lines.bin" 2>"$tmp/err"
check "lines: exit 0 on a good list" test $? -eq 0
read -r labels groups count rem ink band < <(lines "$tmp/lines.bin")
check "lines: whole 4116-byte records ($count)" test "$rem" -eq 0 -a "$count" -ge 1
check "lines: labelled with the plate text, its group id" \
	test "$labels" = AB12CDE -a "$groups" = "$(fnv AB12CDE)"
IFS=/ read -r top mid bot <<<"$band"
check "lines: ink in the band's middle rows, not its margins ($band)" \
	test "$ink" -eq 255 -a "$mid" -gt $((2 * top)) -a "$mid" -gt $((2 * bot)) -a "$mid" -gt 40
check "lines: stderr counts the image and the records" \
	grep -q "1 images, 1 with a line over the plate, $count line records" "$tmp/err"
"$bin" lines "$tmp/box.list" "$tmp/lbox.bin" 2>/dev/null
check "lines: text outside the box gives nothing" test ! -s "$tmp/lbox.bin"
# The box four times as wide as the text: a part of the plate's text.
printf '%s\tAB12CDE\t56\t60\t1224\t84\n' "$data/gb-ir-AB12CDE.png" >"$tmp/wide.list"
"$bin" lines "$tmp/wide.list" "$tmp/lwide.bin" 2>/dev/null
check "lines: a line under 0.6 of the box's width gives nothing" test ! -s "$tmp/lwide.bin"

# A drawn crop (a dark bar on white, named as gb_chars names its crops).
{
	printf 'P5\n16 40\n255\n'
	for y in $(seq 0 39); do
		for x in $(seq 0 15); do
			if [ "$y" -ge 6 ] && [ "$y" -lt 34 ] && [ "$x" -ge 6 ] && [ "$x" -lt 10 ]; then
				printf '\x14'
			else
				printf '\xf0'
			fi
		done
	done
} >"$tmp/1-0-CROPPED_test.photo.pgm"
printf '%s\t1\n' "$tmp/1-0-CROPPED_test.photo.pgm" >"$tmp/crop.list"
"$bin" chars "$tmp/crop.list" "$tmp/crop.bin" 2>/dev/null
check "chars: exit 0" test $? -eq 0
read -r labels groups count rem ink < <(records "$tmp/crop.bin")
check "chars: one record labelled 1" test "$labels" = 1 -a "$count" -eq 1 -a "$rem" -eq 0
check "chars: grouped by the source photo's name" test "$groups" = "$(fnv CROPPED_test.photo.pgm)"

# Bad input.
"$bin" scenes "$tmp/missing.list" "$tmp/x.bin" 2>"$tmp/err"
rc=$?
check "missing list: exit 1 naming it" test $rc -eq 1 -a -n "$(grep -F missing.list "$tmp/err")"
"$bin" frames "$tmp/ok.list" "$tmp/x.bin" 2>"$tmp/err"
rc=$?
check "unknown mode: usage, exit 2" test $rc -eq 2 -a -n "$(grep usage "$tmp/err")"
printf 'not an image' >"$tmp/bad.png"
printf '%s\tAB12CDE\t0\t0\t10\t10\n%s\tAB12CDE\t56\t60\t306\t84\n' "$tmp/bad.png" \
	"$data/gb-ir-AB12CDE.png" >"$tmp/mixed.list"
"$bin" scenes "$tmp/mixed.list" "$tmp/mixed.bin" 2>"$tmp/err"
rc=$?
read -r labels _ < <(records "$tmp/mixed.bin")
check "an undecodable image: named, exit 1, the others still cut" \
	test $rc -eq 1 -a -n "$(grep -F bad.png "$tmp/err")" -a -n "$(tr -d '?' <<<"$labels")"
"$bin" scenes "$tmp/ok.list" "$tmp/no/such/dir/x.bin" 2>"$tmp/err"
rc=$?
check "unwritable output: exit 1 naming it" test $rc -eq 1 -a -n "$(grep -F x.bin "$tmp/err")"

tap_done
