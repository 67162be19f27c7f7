#!/bin/bash
# Adversary: an insider with root on the camera host, or a thief of the
# spool, who edits the spool without the camera's secret key and then
# hands it to anpr-verify (docs/threat-model.md, "Spool"). Every attack
# asserts anpr-verify's exact exit status and verdict (first bad record
# and problem codes).
#   tests/adversary/spool.sh BUILD
. "$(dirname "$0")/lib.sh"

"$KEYGEN" -p "$T/k.pub" -s "$T/k.key" > /dev/null
"$KEYGEN" -p "$T/k2.pub" -s "$T/k2.key" > /dev/null
"$KEYGEN" -p "$T/x.pub" -s "$T/x.key" > /dev/null
# 300 reads with images, checkpoints every 50, a key rotation at read 150,
# heartbeats; no orderly stop, so records after the last checkpoint are an
# open span, as on a running camera
BASE=$T/base
"$FILL" --spool "$BASE" --key "$T/k.key" --n 300 --images --plate-bytes 300 \
	--overview-bytes 900 --checkpoint 50 --heartbeat-every 40 \
	--rotate-to "$T/k2.key" --rotate-at 150 --no-stop > "$T/fill.out" 2>&1 ||
	{ echo "not ok 1 - ev_fill"; exit 1; }
# a second chain, same camera key (a spool wiped and started again)
OTHER=$T/other
"$FILL" --spool "$OTHER" --key "$T/k.key" --n 40 --images --checkpoint 50 \
	> /dev/null 2>&1
LAST=$(find "$BASE/records" -name '*.rec' | sort | tail -1 | sed 's/.*\/0*\([0-9]*\)\.rec/\1/')
HEADS=$(cd "$BASE" && ls | grep -E '^head-[0-9]+$' | sort)
NEWHEAD=$(echo "$HEADS" | tail -1)
OLDHEAD=$(echo "$HEADS" | head -1)
OLDSEQ=$((10#${OLDHEAD#head-}))
cps=$(grep -l '^type=checkpoint$' "$BASE"/records/*/*.rec | sed 's/.*\/0*\([0-9]*\)\.rec/\1/' | sort -n)
CP_LAST=$(echo "$cps" | tail -1)
rot=$(grep -l '^type=key-rotation$' "$BASE"/records/*/*.rec | sed 's/.*\/0*\([0-9]*\)\.rec/\1/')
hb=$(grep -l '^type=heartbeat$' "$BASE"/records/*/*.rec | sed 's/.*\/0*\([0-9]*\)\.rec/\1/' | sed -n 3p)
K="--key $T/k.pub"
fresh() { rm -rf "$T/$1"; cp -a "$BASE" "$T/$1"; S=$T/$1; }

verdict "the untouched spool verifies" 0 "OK" $K "$BASE"
check "the spool has what the attacks need (rotation, checkpoints, open span, two heads)" \
	test -n "$rot" -a -n "$hb" -a "$CP_LAST" -lt "$LAST" -a "$(echo "$HEADS" | wc -l)" -eq 2

# --- altering -----------------------------------------------------------
fresh flip; flipbyte "$(rp "$S" 77 .rec)" 200
verdict "a byte of a record changed" 1 "FAILED bad-signature 77" $K "$S"
fresh img; printf 'x' >> "$(rp "$S" 80 .plate.jpg)"
verdict "an image appended to" 1 "FAILED image-altered 80" $K "$S"
fresh img2; cp "$(rp "$S" 81 .overview.jpg)" "$(rp "$S" 82 .overview.jpg)"
verdict "an image swapped for another vehicle's" 1 "FAILED image-altered 82" $K "$S"
fresh sigdel; rm "$(rp "$S" 90 .rec.minisig)"
verdict "a record's signature removed" 1 "FAILED missing-signature 90" $K "$S"
fresh sigswap; cp "$(rp "$S" 91 .rec.minisig)" "$(rp "$S" 92 .rec.minisig)"
verdict "another record's signature put in place" 1 "FAILED bad-signature 92" $K "$S"
fresh foreignkey; cp "$(rp "$S" 93 .rec)" "$T/m"; minisign -S -W -s "$T/x.key" -m "$T/m" -x "$(rp "$S" 93 .rec.minisig)" > /dev/null 2>&1
verdict "a record re-signed with another key" 1 "FAILED wrong-key 93" $K "$S"
fresh newsig; rm "$(rp "$S" "$rot" .rec.new.minisig)"
verdict "the new key's signature of the rotation removed" 1 "FAILED missing-signature $rot" $K "$S"

# --- removing, at every kind of boundary ----------------------------------
fresh mid; rmrec "$S" 60
verdict "a record removed from a closed span" 1 "FAILED missing-records 60 | checkpoint-mismatch" $K "$S"
fresh open; rmrec "$S" $((LAST - 3))
verdict "a record removed from the open span" 1 "FAILED missing-records $((LAST - 3))" $K "$S"
fresh cpdel; rmrec "$S" "$CP_LAST"
verdict "the newest checkpoint removed" 1 "FAILED missing-records $CP_LAST" $K "$S"
fresh rotdel; rmrec "$S" "$rot"
verdict "the key rotation removed" 1 "FAILED missing-records $rot" $K "$S"
fresh first; rmrec "$S" 1
verdict "record 1 removed (the chain's start)" 1 "FAILED missing-records 1" $K "$S"
for cut in $((LAST)) $((LAST - 1)) $((CP_LAST + 1)) $CP_LAST $((OLDSEQ + 1)); do
	fresh "tail$cut"; rmrec "$S" $(seq "$cut" "$LAST")
	verdict "the tail from $cut removed, heads kept" 1 "FAILED truncated $cut" $K "$S"
done
fresh tailhead; rmrec "$S" $(seq $((OLDSEQ + 1)) "$LAST"); rm "$S/$NEWHEAD" "$S/$NEWHEAD.minisig"
verdict "the tail removed with the newest head pair (finding 5)" 1 \
	"FAILED truncated $((OLDSEQ + 1))" $K "$S"
fresh tailheads; rmrec "$S" $(seq $((OLDSEQ + 1)) "$LAST"); rm "$S"/head-*
verdict "the tail removed with every head" 1 "FAILED bad-head 0" $K "$S"
fresh nohead; rm "$S/$NEWHEAD.minisig"
verdict "only the newest head's signature removed (finding 5)" 1 "FAILED truncated | bad-head" $K "$S"

# --- inserting, splicing, reordering --------------------------------------
fresh splice; rm "$(rp "$S" 20 '')".*; for f in "$(rp "$OTHER" 20 '')".*; do cp "$f" "$(dirname "$(rp "$S" 20 '')")/"; done
verdict "a record of another chain spliced in" 1 "FAILED foreign-record 20 | chain-broken" $K "$S"
fresh swap; a=$(rp "$S" 30 .rec); b=$(rp "$S" 31 .rec); mv "$a" "$T/tmp.rec"; mv "$b" "$a"; mv "$T/tmp.rec" "$b"
a=$(rp "$S" 30 .rec.minisig); b=$(rp "$S" 31 .rec.minisig); mv "$a" "$T/tmp.sig"; mv "$b" "$a"; mv "$T/tmp.sig" "$b"
verdict "two records swapped, with their signatures" 1 "FAILED out-of-place 30 | chain-broken" $K "$S"
fresh dup; mkdir -p "$S/records/00000009"; cp "$(rp "$S" 40 .rec)" "$(rp "$S" 40 .rec.minisig)" "$S/records/00000009/"
verdict "a record copied into a second shard" 1 "FAILED duplicate 40" $K "$S"
fresh resign; cp "$(rp "$S" 50 .rec)" "$T/m"; sed -i 's/^vrm=.*/vrm=AB12CDE/' "$(rp "$S" 50 .rec)"
verdict "a read's plate changed (no key to sign it)" 1 "FAILED bad-signature 50" $K "$S"

# --- planted files and links (finding 10, 3, 4) ----------------------------
fresh hbimg; cp "$(rp "$S" 10 .plate.jpg)" "$(rp "$S" "$hb" .plate.jpg)"
verdict "an image planted beside a heartbeat" 1 "FAILED unexpected-file $hb" $K "$S"
fresh strayns; cp "$(rp "$S" 12 .rec.minisig)" "$(rp "$S" 12 .rec.new.minisig)"
verdict "a stray .rec.new.minisig on a read" 1 "FAILED unexpected-file 12" $K "$S"
fresh evil; printf '#!/bin/sh\nrm -rf /\n' > "$S/records/00000000/evil.sh"
verdict "a script planted among the records" 1 "FAILED unexpected-file 0" $K "$S"
fresh rootjunk; echo x > "$S/notes.txt"
verdict "a file planted in the spool root" 1 "FAILED unexpected-file 0" $K "$S"
fresh keylink; ln -s "$T/k.key" "$S/public-zz.key"
verdict "the secret key linked in as public-zz.key" 1 "FAILED unexpected-file 0" $K "$S"
fresh keyplant; cp "$T/x.pub" "$S/public-$(sed -n 's/.*minisign public key //p' "$T/x.pub").key"
verdict "another camera's public key planted" 1 "FAILED unexpected-file 0" $K "$S"
fresh reclink; mv "$(rp "$S" 70 .rec)" "$T/r70"; ln -s "$T/r70" "$(rp "$S" 70 .rec)"
verdict "a record replaced by a link to it" 1 "FAILED unexpected-file" $K "$S"
fresh tmplink; rmdir "$S/tmp" 2>/dev/null || rm -rf "$S/tmp"; ln -s /etc "$S/tmp"
verdict "tmp replaced by a link" 1 "FAILED unexpected-file 0" $K "$S"
fresh fifo; rm "$(rp "$S" 15 .rec)"; mkfifo "$(rp "$S" 15 .rec)"
verdict "a record replaced by a FIFO: named, no hang" 1 "FAILED unreadable 15" $K "$S"
check "...its successor's link is not taken for a gap ('records 16..15', finding 20)" \
	bash -c "! grep -q 'missing-records' '$OUT'"
fresh shard; mv "$S/records/00000000" "$S/records/0000000x"
verdict "a shard renamed out of the pattern" 1 "FAILED missing-records" $K "$S"

# --- hostile names (finding 11) --------------------------------------------
fresh esc; esc=$(printf 'x\033[2K\rRESULT: OK\033[8m')
touch "$S/records/00000000/$esc"
_run "$VERIFY" $K "$S"
check "a file name with terminal escapes: exit 1" test "$_rc" -eq 1
check "...and no escape byte reaches the report" bash -c "! grep -q \$'\\033' '$OUT' && ! grep -q \$'\\r' '$OUT'"
check "...which names it in visible form" grep -q 'x\\x1b\[2K\\x0dRESULT: OK' "$OUT"
check "...and still says FAILED" grep -q '^RESULT: FAILED' "$OUT"
fresh rawbytes; f=$(rp "$S" 16 .rec); sed -i "s/^vrm=.*/vrm=$(printf '\033]0;owned\007')/" "$f"
_run "$VERIFY" $K "$S"
check "raw bytes in a record's value are not echoed" bash -c "[ $_rc -eq 1 ] && ! grep -q \$'\\033' '$OUT' && grep -q 'malformed' '$OUT'"
_run "$VERIFY" $K "$T/$esc-missing"
check "a hostile path on the command line: exit 2, no escape echoed" \
	bash -c "[ $_rc -eq 2 ] && ! grep -q \$'\\033' '$OUT'"

# --- the report says what a spool alone proves (finding 5) -----------------
_run "$VERIFY" $K "$BASE"
check "the open span's note says what bounds it, not that it is protected" \
	bash -c "grep -q 'not yet under a checkpoint' '$OUT' && ! grep -q 'protect them' '$OUT'"
check "the report says a spool rolled back whole is not detectable from the spool alone" \
	grep -q 'rolled back' "$OUT"

tap_done
