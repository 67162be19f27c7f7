#!/bin/bash
# Adversary: whoever handles an evidence bundle between the export and the
# court (a re-tarred archive, records cut out, files added), a hostile
# archive made to attack the examiner's machine, and the examiner's own
# `--export` used on a spool an insider prepared (issue 18, findings 2, 3,
# 9, 10, 12; docs/threat-model.md, "Evidence bundle"). Also the external
# anchor that catches a spool rolled back whole (finding 5).
#   tests/adversary/bundle.sh BUILD
. "$(dirname "$0")/lib.sh"

"$KEYGEN" -p "$T/k.pub" -s "$T/k.key" > /dev/null
"$KEYGEN" -p "$T/k2.pub" -s "$T/k2.key" > /dev/null
S=$T/spool
"$FILL" --spool "$S" --key "$T/k.key" --n 200 --images --plate-bytes 200 \
	--overview-bytes 600 --checkpoint 40 --heartbeat-every 30 \
	--rotate-to "$T/k2.key" --rotate-at 120 > /dev/null 2>&1 || { echo "not ok 1 - ev_fill"; exit 1; }
LAST=$(find "$S/records" -name '*.rec' | sort | tail -1 | sed 's/.*\/0*\([0-9]*\)\.rec/\1/')
K="--key $T/k.pub"

# --- a disclosure (anpr-disclosure/1; the full list of attacks is in
# tests/evidence/disclose.sh): a neighbour's read added with SHA256SUMS
# re-made, and one record's proof put beside another record
expect "--export --disclose 50 (one read, its proof, its checkpoint)" 0 "a disclosure of 1 record" \
	"$VERIFY" $K --export "$T/disc.tar" --disclose 50 "$S"
mkdir "$T/disc" && tar xf "$T/disc.tar" -C "$T/disc"
DB=$T/disc/anpr-evidence
cp "$(rp "$S" 51 .rec)" "$(rp "$S" 51 .rec.minisig)" "$DB/records/"
(cd "$DB" && find records proofs public-*.key README.txt MANIFEST.txt -type f | sort | xargs sha256sum > SHA256SUMS)
verdict "a disclosure with a neighbour's read added, sums re-made" 1 "FAILED unexpected-file 51" $K "$T/disc"
rm "$DB/records/000000000051."*
cp "$DB/records/000000000050.rec" "$T/r50"
sed -i 's/^vrm=.*/vrm=ZZ99 ZZZ/' "$DB/records/000000000050.rec"
verdict "a disclosed read's mark changed" 1 "FAILED bad-signature 50" $K "$T/disc"

# --- export ---------------------------------------------------------------
expect "--export of the whole chain" 0 "wrote .*all.tar: records 1\.\.$LAST .*with the signed head" \
	"$VERIFY" $K --export "$T/all.tar" "$S"
verdict "the whole-chain bundle verifies" 0 "OK" $K "$T/all.tar"
check "...and says it reaches the chain's end" grep -q "reaches the chain's end" "$OUT"
expect "--export of a range" 0 "wrote .*part.tar" "$VERIFY" $K --export "$T/part.tar" --from 50 --to 60 "$S"
verdict "the range bundle verifies" 0 "OK" $K "$T/part.tar"
check "...and says it proves nothing after its last record" grep -q 'does not reach the chain' "$OUT"
check "...it holds only the key that signed its records" \
	test "$(tar tf "$T/part.tar" | grep -c 'public-.*\.key')" -eq 1
check "...sha256sum -c agrees with its SHA256SUMS" \
	bash -c "mkdir '$T/px' && tar -C '$T/px' -xf '$T/part.tar' && cd '$T/px/anpr-evidence' && sha256sum --quiet -c SHA256SUMS"
echo PRECIOUS > "$T/old.tar"
expect "finding 2: --export onto an existing file: exit 2" 2 "old.tar: already exists, not overwritten" \
	"$VERIFY" $K --export "$T/old.tar" "$S"
check "...which is untouched" grep -qx PRECIOUS "$T/old.tar"
ln -s "$T/old.tar" "$T/link.tar"
expect "--export onto a symbolic link: exit 2" 2 "link.tar: already exists" "$VERIFY" $K --export "$T/link.tar" "$S"
check "...which is untouched, as is its target" bash -c "[ -L '$T/link.tar' ] && grep -qx PRECIOUS '$T/old.tar'"
expect "--export into a directory that does not exist: exit 2, nothing left" 2 "cannot create" \
	"$VERIFY" $K --export "$T/no/such/dir/x.tar" "$S"
cp -a "$S" "$T/planted"; ln -s "$T/k.key" "$T/planted/public-zz.key"
expect "finding 3: --export of a spool with the secret key linked in: refused" 1 "export refused" \
	"$VERIFY" $K --export "$T/planted.tar" "$T/planted"
check "...no bundle written" test ! -e "$T/planted.tar"
cp -a "$S" "$T/hbimg"; hb=$(grep -l '^type=heartbeat$' "$T/hbimg"/records/*/*.rec | sed -n 2p)
cp "$(rp "$T/hbimg" 10 .plate.jpg)" "${hb%.rec}.plate.jpg"
expect "finding 10: --export of a spool with an unsigned image planted: refused" 1 "export refused" \
	"$VERIFY" $K --export "$T/hbimg.tar" "$T/hbimg"
expect "finding 12: --export from a .tar bundle" 0 "wrote .*re.tar: records [0-9]+\.\.[0-9]+ \(asked for 50\.\.60\)" \
	"$VERIFY" $K --export "$T/re.tar" --from 50 --to 60 "$T/all.tar"
verdict "...which verifies" 0 "OK" $K "$T/re.tar"
lo=$(sed -n 's/.*records \([0-9]*\)\.\.\([0-9]*\) .*/\1/p' "$OUT"); hi=$(sed -n 's/.*records \([0-9]*\)\.\.\([0-9]*\) .*/\2/p' "$OUT")
check "...and holds its records ($lo..$hi)" test "$(tar tf "$T/re.tar" | grep -c '\.rec$')" -eq $((hi - lo + 1))

# --- a bundle edited after the export (findings 9, 10) ---------------------
unpack() { rm -rf "$T/u"; mkdir "$T/u"; tar -C "$T/u" -xf "$1"; U=$T/u/anpr-evidence; }
retar() { (cd "$T/u" && tar cf "$1" anpr-evidence); }
unpack "$T/all.tar"; rm "$U"/records/0000000001[6-9]* "$U"/records/0000000002* "$U"/head-*; retar "$T/cut.tar"
verdict "finding 9: records and head cut out, re-tarred" 1 "FAILED truncated $LAST | manifest-mismatch checksum-mismatch" $K "$T/cut.tar"
unpack "$T/all.tar"; rm "$U"/records/0000000001[6-9]* "$U"/records/0000000002* "$U"/head-*
sed -i "s/^included=.*/included=1..159/; s/^head=.*/head=-/; s/^requested=.*/requested=1..159/" "$U/MANIFEST.txt"
(cd "$U" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | sort | xargs sha256sum > SHA256SUMS); retar "$T/cut2.tar"
verdict "...and its MANIFEST and SHA256SUMS rewritten to match: a valid bundle of 1..159" 0 "OK" $K "$T/cut2.tar"
check "...which says plainly it proves nothing after record 159" grep -q 'not that no record came after 159' "$OUT"
unpack "$T/all.tar"; printf '#!/bin/sh\n' > "$U/evil.sh"; echo "$(sha256sum < "$U/evil.sh" | cut -c1-64)  evil.sh" >> "$U/SHA256SUMS"; retar "$T/evil.tar"
verdict "finding 10: a script added with its SHA256SUMS line" 1 "FAILED unexpected-file 0" $K "$T/evil.tar"
unpack "$T/all.tar"; mkdir "$U/unrelated"; echo x > "$U/unrelated/evil.sh"; retar "$T/evil2.tar"
verdict "finding 10: unrelated/evil.sh added" 1 "FAILED unexpected-file 0 | checksum-mismatch" $K "$T/evil2.tar"
unpack "$T/all.tar"; echo x >> "$U/README.txt"; retar "$T/readme.tar"
verdict "the README's instructions changed" 1 "FAILED checksum-mismatch 0" $K "$T/readme.tar"
unpack "$T/all.tar"; rm "$U/SHA256SUMS"; retar "$T/nosums.tar"
verdict "SHA256SUMS removed" 1 "FAILED checksum-mismatch 0" $K "$T/nosums.tar"
unpack "$T/all.tar"; rm "$U/MANIFEST.txt"; retar "$T/noman.tar"
verdict "MANIFEST.txt removed (then it is taken for a spool copy)" 1 "FAILED" $K "$T/noman.tar"
unpack "$T/all.tar"; sed -i 's/^camera_id=.*/camera_id=CAM-OTHER/' "$U/MANIFEST.txt"; retar "$T/cam.tar"
verdict "the MANIFEST's camera changed" 1 "FAILED manifest-mismatch 0 | checksum-mismatch" $K "$T/cam.tar"
unpack "$T/part.tar"; f=$(ls "$U"/records/*.plate.jpg | head -1); printf 'x' >> "$f"; retar "$T/img.tar"
verdict "an image in a bundle altered" 1 "FAILED image-altered" $K "$T/img.tar"

# --- hostile archives: refused before anything is written outside ------------
mkdir -p "$T/h/anpr-evidence/records"; echo x > "$T/h/x"
python3 - "$T" <<'EOF'
import io, sys, tarfile
t = sys.argv[1]
def mk(name, members):
    with tarfile.open(f"{t}/{name}", "w", format=tarfile.USTAR_FORMAT) as tf:
        for m, data in members:
            if data is not None:
                m.size = len(data)
                tf.addfile(m, io.BytesIO(data))
            else:
                tf.addfile(m)
def reg(n):
    return tarfile.TarInfo(n)
mk("dotdot.tar", [(reg("anpr-evidence/../../escaped"), b"x")])
mk("abs.tar", [(reg("/tmp/escaped-abs"), b"x")])
l = tarfile.TarInfo("anpr-evidence/records"); l.type = tarfile.SYMTYPE; l.linkname = "/etc"
mk("link.tar", [(l, None)])
h = tarfile.TarInfo("anpr-evidence/records/x"); h.type = tarfile.LNKTYPE; h.linkname = "/etc/passwd"
mk("hard.tar", [(h, None)])
d = tarfile.TarInfo("anpr-evidence/dev"); d.type = tarfile.CHRTYPE; d.devmajor = 1; d.devminor = 3
mk("dev.tar", [(d, None)])
mk("twice.tar", [(reg("anpr-evidence/a"), b"x"), (reg("anpr-evidence/a"), b"y")])
EOF
head -c 700 "$T/all.tar" > "$T/short.tar"
expect "a member named with ..: exit 2, refused" 2 "unsafe name" "$VERIFY" $K "$T/dotdot.tar"
check "...nothing escaped" test ! -e "$T/../escaped"
expect "an absolute member name: exit 2, refused" 2 "unsafe name" "$VERIFY" $K "$T/abs.tar"
check "...nothing written there" test ! -e /tmp/escaped-abs
expect "a symbolic link member: exit 2, refused" 2 "type '2' refused" "$VERIFY" $K "$T/link.tar"
expect "a hard link member: exit 2, refused" 2 "type '1' refused" "$VERIFY" $K "$T/hard.tar"
expect "a device member: exit 2, refused" 2 "type '3' refused" "$VERIFY" $K "$T/dev.tar"
expect "a member given twice: exit 2, refused" 2 "anpr-evidence/a" "$VERIFY" $K "$T/twice.tar"
expect "a truncated archive: exit 2, named" 2 "short.tar: .*truncated" "$VERIFY" $K "$T/short.tar"

# --- the anchor: a spool rolled back whole (finding 5) -----------------------
A=$T/roll; "$FILL" --spool "$A" --key "$T/k.key" --n 60 --checkpoint 25 > /dev/null 2>&1
cp -a "$A" "$T/roll-old"
"$FILL" --spool "$A" --key "$T/k.key" --n 40 --checkpoint 25 > /dev/null 2>&1
ALAST=$(find "$A/records" -name '*.rec' | sort | tail -1 | sed 's/.*\/0*\([0-9]*\)\.rec/\1/')
mkdir "$T/bo"; cp "$(rp "$A" "$ALAST" .rec)" "$(rp "$A" "$ALAST" .rec.minisig)" "$T/bo/"
ANCHOR=$T/bo/$(printf '%012d' "$ALAST").rec
verdict "the spool rolled back whole to an earlier copy verifies alone" 0 "OK" $K "$T/roll-old"
verdict "...but not against the back office's newest record (--anchor)" 1 "FAILED truncated" $K --anchor "$ANCHOR" "$T/roll-old"
verdict "the spool itself reaches the anchor unchanged" 0 "OK" $K --anchor "$ANCHOR" "$A"
check "...and says so" grep -q "anchored" "$OUT"
cp "$(rp "$S" 5 .rec)" "$(rp "$S" 5 .rec.minisig)" "$T/bo/"
verdict "an anchor of another chain" 1 "FAILED anchor-mismatch 0" $K --anchor "$T/bo/000000000005.rec" "$A"
cp "$T/bo/000000000005.rec.minisig" "$ANCHOR.minisig"
verdict "an anchor whose signature is not its own" 1 "FAILED bad-signature" $K --anchor "$ANCHOR" "$A"
H=$(cd "$A" && ls | grep -E '^head-[0-9]+$' | tail -1); cp "$A/$H" "$A/$H.minisig" "$T/bo/"
verdict "a signed head as the anchor" 0 "OK" $K --anchor "$T/bo/$H" "$A"
verdict "...against the rolled-back spool" 1 "FAILED truncated" $K --anchor "$T/bo/$H" "$T/roll-old"
tap_done
