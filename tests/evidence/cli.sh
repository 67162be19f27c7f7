#!/bin/bash
# CLI suite for issue 6: anpr-keygen, anpr-verify (human, --json, --export),
# the independent check with the real minisign and sha256sum, every tamper
# case named, and bad input. Prints TAP.
#   tests/evidence/cli.sh BUILD_DIR
set -u
B=${1:-build}
KEYGEN=$B/bin/anpr-keygen
VERIFY=$B/bin/anpr-verify
FILL=$B/evidence/ev_fill
T=$(mktemp -d /tmp/ev-cli.XXXXXX)
trap "[ -n \"${KEEP:-}\" ] || rm -rf \"$T\"" EXIT
n=0
ok()  { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
has() { grep -q -- "$2" "$1" || { echo "# missing \"$2\" in:"; sed 's/^/#   /' "$1" | head -20; return 1; }; }

# --- keys ------------------------------------------------------------
"$KEYGEN" -p "$T/k1.pub" -s "$T/k1.key" > "$T/kg.out" 2>&1
check "anpr-keygen makes a key pair" test -s "$T/k1.pub" -a -s "$T/k1.key"
check "secret key is mode 0600" test "$(stat -c %a "$T/k1.key")" = 600
"$KEYGEN" -p "$T/k2.pub" -s "$T/k2.key" > /dev/null
"$KEYGEN" -p "$T/k3.pub" -s "$T/k3.key" > /dev/null
"$KEYGEN" -p "$T/k1.pub" -s "$T/k1.key" > "$T/kg2.out" 2>&1
rc=$?
check "anpr-keygen refuses to overwrite, naming the file" \
	bash -c "[ $rc -ne 0 ] && grep -q 'k1.key: cannot create: File exists' '$T/kg2.out'"
id1=$(sed -n 's/^key id: *//p' "$T/kg.out")
check "key id matches minisign's public key comment" \
	grep -q "minisign public key $id1" "$T/k1.pub"
"$KEYGEN" --show "$T/k1.pub" > "$T/show.out"
check "anpr-keygen --show prints id and fingerprint" \
	bash -c "grep -q '$id1' '$T/show.out' && grep -q 'fingerprint: sha256:[0-9a-f]\{64\}' '$T/show.out'"
echo hello > "$T/m.txt"
check "minisign signs with our (unencrypted) secret key and verifies with our public key" \
	bash -c "minisign -S -W -s '$T/k1.key' -m '$T/m.txt' >/dev/null && minisign -V -q -p '$T/k1.pub' -m '$T/m.txt'"
cp "$T/k1.key" "$T/loose.key"
chmod 0644 "$T/loose.key"
"$FILL" --spool "$T/x" --key "$T/loose.key" --n 1 > "$T/loose.out" 2>&1
check "a secret key readable by others is refused, naming file and mode" \
	has "$T/loose.out" "loose.key: secret key permissions 0644 are too open"

echo 'correct horse battery staple' > "$T/pass"
"$KEYGEN" --passphrase-file "$T/pass" -p "$T/enc.pub" -s "$T/enc.key" > "$T/open.out" 2>&1
rc=$?
check "a passphrase file others may read is refused, naming file and mode; no key written" \
	bash -c "[ $rc -eq 1 ] && grep -q 'pass: passphrase file permissions 0644 are too open' '$T/open.out' &&
		 [ ! -e '$T/enc.key' ] && [ ! -e '$T/enc.pub' ]"
chmod 0600 "$T/pass"
"$KEYGEN" --passphrase-file "$T/pass" -p "$T/enc.pub" -s "$T/enc.key" > "$T/enc.out" 2>&1
check "anpr-keygen --passphrase-file writes a scrypt-encrypted key" \
	bash -c "grep -q 'scrypt-encrypted' '$T/enc.out' && grep -q 'minisign encrypted secret key' '$T/enc.key'"
"$FILL" --spool "$T/y" --key "$T/enc.key" --n 1 > "$T/enc2.out" 2>&1
check "an encrypted key without its passphrase is refused, named" \
	has "$T/enc2.out" "enc.key: the key is encrypted and no passphrase was given"
if [ "$(id -u)" = 0 ] && id nobody > /dev/null 2>&1; then
	"$KEYGEN" --owner nobody -p "$T/own.pub" -s "$T/own.key" > /dev/null
	"$FILL" --spool "$T/z" --key "$T/own.key" --n 1 > "$T/own.out" 2>&1
	check "a secret key owned by another user is refused, named" \
		has "$T/own.out" "own.key: secret key is owned by uid $(id -u nobody), not by this daemon's user"
fi
"$KEYGEN" --owner no-such-user-xyz -p "$T/nu.pub" -s "$T/nu.key" > "$T/nu.out" 2>&1
check "--owner with an unknown user fails and leaves no key behind" \
	bash -c "[ $? -ne 0 ] && grep -q 'no-such-user-xyz: no such user' '$T/nu.out' && [ ! -e '$T/nu.key' ]"
# -f replaces a pair whole or not at all (issue 18)
before=$(cat "$T/k3.pub" "$T/k3.key" | sha256sum)
"$KEYGEN" -f --owner no-such-user-xyz -p "$T/k3.pub" -s "$T/k3.key" > /dev/null 2>&1
rc1=$?
"$KEYGEN" -f -p "$T/no-dir/k3.pub" -s "$T/k3.key" > "$T/nd.out" 2>&1
rc2=$?
check "anpr-keygen -f with a bad --owner or an unwritable -p fails and keeps the old pair" \
	bash -c "[ $rc1 -eq 1 ] && [ $rc2 -eq 1 ] && grep -q 'no-dir/k3.pub: cannot create' '$T/nd.out' &&
		 [ \"\$(cat '$T/k3.pub' '$T/k3.key' | sha256sum)\" = '$before' ]"

# --- a spool: reads with images, heartbeats, checkpoints, a key rotation
S=$T/spool
"$FILL" --spool "$S" --key "$T/k1.key" --n 60 --images --plate-bytes 500 \
	--overview-bytes 3000 --heartbeat-every 20 --checkpoint 25 \
	--rotate-to "$T/k2.key" --rotate-at 40 > "$T/fill.out" 2>&1
check "ev_fill wrote the spool" grep -q '^ack ' "$T/fill.out"
"$VERIFY" --key "$T/k1.pub" "$S" > "$T/v.out" 2>&1
check "anpr-verify passes a clean spool (exit 0)" \
	bash -c "[ $? -eq 0 ] && grep -q 'RESULT: OK' '$T/v.out'"
check "report names both keys and the rotation (singular: '1 key rotation;')" \
	bash -c "grep -q ', 1 key rotation;' '$T/v.out' && [ \$(grep -c '^  key ' '$T/v.out') -eq 2 ]"
check "...and its RESULT names the signed head it verified" \
	grep -q '^RESULT: OK - every signature, chain link, checkpoint, the signed head and image hash verify$' "$T/v.out"
nrec=$(find "$S/records" -name '*.rec' | wc -l)
# a second chain made with the same camera key (e.g. after a spool wipe)
S2=$T/spool2
"$FILL" --spool "$S2" --key "$T/k1.key" --n 20 --images --plate-bytes 500 \
	--overview-bytes 3000 > /dev/null 2>&1
last=$(find "$S/records" -name '*.rec' | sort | tail -1 | sed 's/.*\/0*\([0-9]*\)\.rec/\1/')

# Independent check: the real minisign, the key named in each record.
bad=0
for f in $(find "$S/records" -name '*.rec' | sort); do
	k=$(sed -n 's/^key_id=//p' "$f")
	minisign -V -q -p "$S/public-$k.key" -m "$f" || bad=$((bad + 1))
done
for f in "$S"/head-*[0-9]; do
	minisign -V -q -p "$S/public.key" -m "$f" || bad=$((bad + 1))
done
check "minisign -V accepts all $nrec records and the head" test $bad -eq 0
f=$(find "$S/records" -name '*.new.minisig' | head -1)
check "minisign -V accepts the new key's signature on the rotation record" \
	minisign -V -q -p "$S/public.key" -m "${f%.new.minisig}" -x "$f"
# Independent check of the chain with sha256sum alone.
prev=; brk=0
for f in $(find "$S/records" -name '*.rec' | sort); do
	h=$(sed -n 's/^prev_hash=//p' "$f")
	[ -z "$prev" ] || [ "$h" = "$prev" ] || brk=$((brk + 1))
	prev=$(sha256sum < "$f" | cut -d' ' -f1)
done
check "sha256sum alone confirms every prev_hash link" test $brk -eq 0
f=$(find "$S/records" -name '*.plate.jpg' | sort | head -1)
r=${f%.plate.jpg}.rec
check "sha256sum of an image equals the signed plate_image_sha256" \
	test "$(sha256sum < "$f" | cut -d' ' -f1)" = "$(sed -n 's/^plate_image_sha256=//p' "$r")"

"$VERIFY" --json --key "$T/k1.pub" "$S" > "$T/j.out"
check "--json says ok with no first_bad" \
	bash -c "grep -q '\"ok\": true' '$T/j.out' && grep -q '\"first_bad\": null' '$T/j.out' && ! grep -q '\"ok\": false' '$T/j.out'"
"$VERIFY" --key "$T/k3.pub" "$S" > "$T/wk.out" 2>&1
check "a wrong key fails (exit 1) and is named" \
	bash -c "[ $? -eq 1 ] && grep -q 'wrong-key' '$T/wk.out' && grep -q 'not a trusted key' '$T/wk.out'"

# --- tampering: each case detected, named, and the first bad record found
rp() { printf '%s/records/00000000/%012d%s' "$1" "$2" "$3"; }
mvrec() { for s in .rec .rec.minisig .rec.new.minisig .plate.jpg .overview.jpg; do
	[ -e "$(rp "$1" "$2" $s)" ] && mv "$(rp "$1" "$2" $s)" "$(rp "$1" "$3" $s)"; done; true; }
cprec() { for s in .rec .rec.minisig .plate.jpg .overview.jpg; do
	[ -e "$(rp "$1" "$2" $s)" ] && cp "$(rp "$1" "$2" $s)" "$(rp "$1" "$3" $s)"; done; true; }
rmrec() { rm -f "$(rp "$1" "$2" '')".*; }
flipbyte() { # FILE OFFSET
	local b; b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $(( b ^ 1 )))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
tamper() { # NAME CODE FIRST_BAD COMMAND...
	local name=$1 code=$2 want=$3; shift 3
	local D=$T/t-$n
	cp -a "$S" "$D"
	"$@" "$D"
	"$VERIFY" --key "$T/k1.pub" "$D" > "$D.out" 2>&1
	local rc=$?
	if [ $rc -eq 1 ] && grep -q "first bad record: $want ($code)" "$D.out"; then
		ok "tamper: $name -> $code at record $want"
	else
		nok "tamper: $name -> expected $code at record $want (exit $rc)"
		sed 's/^/#   /' "$D.out" | grep -E 'RESULT|record' | head -8
	fi
}
t_rec()   { flipbyte "$(rp "$1" 10 .rec)" 200; }
t_img()   { flipbyte "$(rp "$1" 10 .overview.jpg)" 100; }
t_plate() { flipbyte "$(rp "$1" 11 .plate.jpg)" 3; }
t_sig()   { flipbyte "$(rp "$1" 10 .rec.minisig)" 100; }
t_tc()    { sed -i 's/^trusted comment: anpr-record/trusted comment: anpr-recorX/' "$(rp "$1" 10 .rec.minisig)"; }
t_nosig() { rm "$(rp "$1" 10 .rec.minisig)"; }
t_del()   { rmrec "$1" 12; }
t_ins()   { for ((i = last; i >= 12; i--)); do mvrec "$1" $i $((i + 1)); done
	    for s in .rec .rec.minisig .plate.jpg .overview.jpg; do
	    [ -e "$(rp "$S2" 12 $s)" ] && cp "$(rp "$S2" 12 $s)" "$(rp "$1" 12 $s)"; done; true; }
t_dup()   { for ((i = last; i >= 12; i--)); do mvrec "$1" $i $((i + 1)); done; cprec "$1" 5 12; }
t_duptail() { cprec "$1" $last $((last + 1)); }
t_swap()  { mvrec "$1" 20 999; mvrec "$1" 21 20; mvrec "$1" 999 21; }
t_trunc() { for ((i = last - 2; i <= last; i++)); do rmrec "$1" $i; done; }
t_trunc2() { for ((i = 30; i <= last; i++)); do rmrec "$1" $i; done; }
t_cp()    { local f; f=$(grep -l '^type=checkpoint' "$1"/records/00000000/*.rec | head -1)
	    sed -i 's/^count=\([0-9]*\)/count=9\1/' "$f"; }
tamper "one byte of a record"        bad-signature 10 t_rec
tamper "one byte of an overview image" image-altered 10 t_img
tamper "one byte of a plate image"   image-altered 11 t_plate
tamper "one byte of a signature"     bad-signature 10 t_sig
tamper "the trusted comment"         bad-signature 10 t_tc
tamper "a deleted signature"         missing-signature 10 t_nosig
tamper "a deleted record"            missing-records 12 t_del
tamper "an inserted genuine record of another chain (same key)" foreign-record 12 t_ins
tamper "a duplicated record, inserted" duplicate 12 t_dup
tamper "a duplicated record, appended" duplicate $((last + 1)) t_duptail
tamper "two records reordered"       out-of-place 20 t_swap
tamper "a truncated tail"            truncated $((last - 2)) t_trunc
tamper "truncated past a checkpoint" truncated 30 t_trunc2
cpseq=$(grep -l '^type=checkpoint' "$S"/records/00000000/*.rec | head -1 | sed 's/.*\/0*\([0-9]*\)\.rec/\1/')
tamper "an altered checkpoint count" bad-signature "$cpseq" t_cp
D=$T/t-rec; cp -a "$S" "$D"; t_rec "$D"
check "minisign -V independently rejects the altered record" \
	bash -c "! minisign -V -q -p '$D/public.key' -m '$(rp "$D" 10 .rec)' 2>/dev/null"
"$VERIFY" --json --key "$T/k1.pub" "$D" > "$D.json"
check "--json names the first bad record" \
	bash -c "grep -q '\"ok\": false' '$D.json' && grep -q '\"first_bad\": {\"seq\": 10, \"code\": \"bad-signature\"' '$D.json'"

# --- single records and bad input ---------------------------------------
"$VERIFY" --key "$T/k1.pub" "$(rp "$S" 10 .rec)" > "$T/one.out" 2>&1
check "a single record verifies (signature, images)" \
	bash -c "[ $? -eq 0 ] && grep -q 'record .*000000000010.rec' '$T/one.out' && grep -q 'RESULT: OK' '$T/one.out'"
mkdir -p "$T/junk"
printf 'format=anpr-record/1\ntype=read\nrecord_id=X\n' > "$T/junk/000000000001.rec"
"$VERIFY" --key "$T/k1.pub" "$T/junk/000000000001.rec" > "$T/junk.out" 2>&1
check "a malformed record: exit 1, file and reason named" \
	bash -c "[ $? -eq 1 ] && grep -q 'malformed' '$T/junk.out' && grep -q '000000000001.rec: line 4: expected field \"camera_id\"\|ends after line 3' '$T/junk.out'"
"$VERIFY" --key "$T/nonexistent.pub" "$S" > "$T/nk.out" 2>&1
check "a missing key file: exit 2, named" \
	bash -c "[ $? -eq 2 ] && grep -q 'nonexistent.pub: cannot open: No such file' '$T/nk.out'"
echo 'not a key' > "$T/bad.pub"
"$VERIFY" --key "$T/bad.pub" "$S" > "$T/bk.out" 2>&1
check "a malformed key file: exit 2, named" \
	bash -c "[ $? -eq 2 ] && grep -q 'bad.pub: not a minisign public key' '$T/bk.out'"
"$VERIFY" "$S" > "$T/nokey.out" 2>&1
check "no --key: exit 2 with the reason" \
	bash -c "[ $? -eq 2 ] && grep -q -- '--key PUBKEY is required' '$T/nokey.out'"
D=$T/fifo; cp -a "$S" "$D"; rm "$(rp "$D" 15 .rec)"; mkfifo "$(rp "$D" 15 .rec)"
timeout 20 "$VERIFY" --key "$T/k1.pub" "$D" > "$D.out" 2>&1
check "an unreadable record (a FIFO) is named, no hang" \
	bash -c "[ $? -eq 1 ] && grep -q 'unreadable' '$D.out' && grep -q '000000000015.rec: is a FIFO, not a regular file' '$D.out'"
mkdir -p "$T/empty"
"$VERIFY" --key "$T/k1.pub" "$T/empty" > "$T/e.out" 2>&1
check "a directory that is no spool: exit 2, named" \
	bash -c "[ $? -eq 2 ] && grep -q 'empty: not a spool or evidence bundle' '$T/e.out'"
echo garbage > "$T/bad.tar"
"$VERIFY" --key "$T/k1.pub" "$T/bad.tar" > "$T/bt.out" 2>&1
check "a damaged bundle: exit 2, named" \
	bash -c "[ $? -eq 2 ] && grep -q 'bad.tar: ' '$T/bt.out'"

# --- evidence bundle ----------------------------------------------------
"$VERIFY" --export "$T/b.tar" --from 10 --to 12 --key "$T/k1.pub" "$S" > "$T/x.out" 2>&1
check "--export writes a bundle" bash -c "[ $? -eq 0 ] && [ -s '$T/b.tar' ]"
check "tar lists README, SHA256SUMS, keys and records" \
	bash -c "tar tf '$T/b.tar' > '$T/list' && grep -q 'anpr-evidence/README.txt' '$T/list' && grep -q 'anpr-evidence/SHA256SUMS' '$T/list' && grep -q 'anpr-evidence/public-' '$T/list' && grep -q 'records/000000000011.rec.minisig' '$T/list'"
mkdir "$T/bx" && tar xf "$T/b.tar" -C "$T/bx"
check "sha256sum -c SHA256SUMS passes in the unpacked bundle" \
	bash -c "cd '$T/bx/anpr-evidence' && sha256sum --quiet -c SHA256SUMS"
bad=0
for f in "$T"/bx/anpr-evidence/records/*.rec; do
	k=$(sed -n 's/^key_id=//p' "$f")
	minisign -V -q -p "$T/bx/anpr-evidence/public-$k.key" -m "$f" || bad=$((bad + 1))
done
check "the README's minisign loop passes on every record in the bundle" test $bad -eq 0
"$VERIFY" --key "$T/k1.pub" "$T/b.tar" > "$T/bv.out" 2>&1
check "anpr-verify passes the .tar bundle" bash -c "[ $? -eq 0 ] && grep -q 'RESULT: OK' '$T/bv.out'"
"$VERIFY" --key "$T/k1.pub" "$T/bx" > "$T/bv2.out" 2>&1
check "anpr-verify passes the unpacked bundle" bash -c "[ $? -eq 0 ]"
flipbyte "$T/bx/anpr-evidence/records/000000000011.rec" 150
"$VERIFY" --key "$T/k1.pub" "$T/bx" > "$T/bv3.out" 2>&1
check "a tampered bundle is detected" \
	bash -c "[ $? -eq 1 ] && grep -q 'first bad record: 11 (bad-signature)' '$T/bv3.out'"
"$VERIFY" --export "$T/all.tar" --key "$T/k1.pub" "$S" > /dev/null 2>&1
"$VERIFY" --key "$T/k1.pub" "$T/all.tar" > "$T/av.out" 2>&1
check "a whole-chain bundle carries the signed head and verifies" \
	bash -c "[ $? -eq 0 ] && grep -q 'signed head at record $last' '$T/av.out'"
D=$T/t-rec
"$VERIFY" --export "$T/no.tar" --key "$T/k1.pub" "$D" > "$T/no.out" 2>&1
check "--export refuses a spool that does not verify" \
	bash -c "[ $? -eq 1 ] && grep -q 'export refused' '$T/no.out' && [ ! -e '$T/no.tar' ]"
"$VERIFY" --export "$T/r.tar" --from 5000 --key "$T/k1.pub" "$S" > "$T/r.out" 2>&1
check "--export with a range outside the chain: exit 2, said" \
	bash -c "[ $? -eq 2 ] && grep -q 'outside the records present' '$T/r.out'"

# --- record format versions (docs/record-format.md, "Versions") ---------
# Records already held are anpr-record/1 and /2: they verify for ever; a
# writer of today continues their chain in /4; the verifier takes every
# version, in that order only, and refuses a record malformed under its
# version's rules.
FX=$(dirname "$0")/fixtures/v1
V1=$T/v1
cp -r "$FX/spool" "$V1"
cp "$FX/test-only.key" "$T/v1.key"
chmod 600 "$T/v1.key"
"$VERIFY" --key "$FX/test-only.pub" "$V1" > "$T/v1.out" 2>&1
check "a spool written in anpr-record/1 (before /2) verifies" \
	bash -c "[ $? -eq 0 ] && grep -q 'RESULT: OK' '$T/v1.out' &&
		 [ \$(grep -lx 'format=anpr-record/1' '$V1'/records/*/*.rec | wc -l) -eq 9 ] &&
		 [ \$(grep -L 'format=anpr-record/1' '$V1'/records/*/*.rec | wc -l) -eq 0 ]"
"$FILL" --spool "$V1" --key "$T/v1.key" --n 3 --images --camera CAM-V1 > "$T/v1f.out" 2>&1
n2=$(grep -lx 'format=anpr-record/4' "$V1"/records/*/*.rec | wc -l)
"$VERIFY" --key "$FX/test-only.pub" "$V1" > "$T/v12.out" 2>&1
check "today's writer continues a /1 chain in /4, and the mixed chain verifies, noting where the format changed" \
	bash -c "[ $? -eq 0 ] && grep -q 'RESULT: OK' '$T/v12.out' && [ $n2 -ge 4 ] &&
		 grep -q 'note: record 10: anpr-record/4 from here on (record 9 and before: anpr-record/1; ' '$T/v12.out' &&
		 [ \$(grep -lx 'format=anpr-record/1' '$V1'/records/*/*.rec | wc -l) -eq 9 ] &&
		 grep -q 'records 1\.\.$((9 + n2)):' '$T/v12.out'"
bad=0
for f in "$V1"/records/*/*.rec; do
	k=$(sed -n 's/^key_id=//p' "$f")
	minisign -V -q -p "$V1/public-$k.key" -m "$f" || bad=$((bad + 1))
done
r2=$(grep -lx 'type=read' $(grep -lx 'format=anpr-record/4' "$V1"/records/*/*.rec) | head -1)
check "minisign -V accepts every /1 and /4 record; a /4 trusted comment says anpr-record/4" \
	bash -c "[ $bad -eq 0 ] && [ -n '$r2' ] &&
		 minisign -V -p '$V1/public.key' -m '$r2' | grep -q '^Trusted comment: anpr-record/4 file:'"
check "a /4 read names its source, live or replay, a hotlist set, its capture clock and whether the clocks disagreed" \
	bash -c "grep -qx 'source=front' '$r2' && grep -qx 'input=live' '$r2' &&
		 grep -qx 'hotlist_set_sha256=[0-9a-f]\{64\}' '$r2' &&
		 grep -qxE 'capture_clock=(camera-synchronised|camera-estimated|receive-time|sensor-exposure|driver-frame-end|synthetic|unknown)' '$r2' &&
		 grep -qxE 'clocks_disagree=[01]' '$r2'"
# the verifier says how the reads' capture times were obtained: ev_fill
# stamps the kinds in turn (read i: kind 1 + i mod 6), the /1 reads do not
check "anpr-verify counts the reads by capture clock, the /1 ones as not stated" \
	grep -q '^  capture clock of the 8 reads: 1 camera-synchronised, 1 camera-estimated, 1 receive-time, 5 not stated (anpr-record/2 and older); 0 with the camera.s and the host.s clocks disagreeing$' "$T/v12.out"
"$VERIFY" --json --key "$FX/test-only.pub" "$V1" > "$T/v12.json" 2>&1
check "--json: the reads by capture clock, the not stated, the clocks that disagreed" \
	python3 -c "import json,sys; r=json.load(open('$T/v12.json'))['results'][0]; c=r['capture_clock']
sys.exit(0 if r['capture_clock_unstated'] == 5 and c['camera-synchronised'] == 1 and c['synthetic'] == 0 and sum(c.values()) == 3 and r['clocks_disagree'] == 0 else 1)"
# a /1 record after the /4 ones, properly signed: the version went back
DG=$T/v1-down
cp -a "$V1" "$DG"
last=$(ls "$DG"/records/00000000/*.rec | sort | tail -1)
hb=$(grep -lx 'type=heartbeat' $(grep -lx 'format=anpr-record/4' "$DG"/records/*/*.rec) | tail -1)
ls=$(sed -n 's/^chain_seq=//p' "$last")
ns=$((ls + 1))
nf=$(rp "$DG" "$ns" .rec)
sed -e 's/^format=anpr-record\/4$/format=anpr-record\/1/' \
	-e "s/^prev_hash=.*/prev_hash=$(sha256sum < "$last" | cut -c1-64)/" \
	-e "s/^chain_seq=.*/chain_seq=$ns/" -e "s/^record_id=\(.*\)-[0-9]*$/record_id=\1-$ns/" \
	"$hb" > "$nf"
echo | minisign -S -s "$T/v1.key" -m "$nf" -x "$nf.minisig" -t "anpr-record/1 file:$(basename "$nf") record_id:$(sed -n 's/^record_id=//p' "$nf") chain_seq:$ns sha256:$(sha256sum < "$nf" | cut -c1-64)" > /dev/null 2>&1
"$VERIFY" --key "$FX/test-only.pub" "$DG" > "$T/dg.out" 2>&1
check "a /1 record after /4 records (signed well) is refused: the version never goes back" \
	bash -c "[ $? -eq 1 ] && grep -q 'first bad record: $ns (malformed): anpr-record/1 after record $ls in anpr-record/4' '$T/dg.out' &&
		 grep -q '1 problem;' '$T/dg.out' && grep -q 'file: .*$(basename "$nf")' '$T/dg.out'"
# malformed under /4's rules (a /4 read holds /2's and /3's fields): each refused,
# the file and the reason named
bad2() { # NAME SED-EXPR REASON
	local f=$T/v2bad/$(basename "$r2")
	rm -rf "$T/v2bad"; mkdir -p "$T/v2bad"
	cp "$r2" "$r2.minisig" "$T/v2bad/"
	sed -i "$2" "$f"
	"$VERIFY" --key "$FX/test-only.pub" "$f" > "$T/v2bad.out" 2>&1
	local rc=$?
	check "$1: refused, file and reason named" \
		bash -c "[ $rc -eq 1 ] && grep -q 'malformed' '$T/v2bad.out' && grep -qF -- \"$(basename "$f"): line \" '$T/v2bad.out' &&
			 grep -qF -- '$3' '$T/v2bad.out'" || sed 's/^/#   /' "$T/v2bad.out" | head -12
}
bad2 "a /4 read without source" '/^source=/d' 'expected field "source", found "input"'
bad2 "a /4 read whose input is neither live nor replay" 's/^input=.*/input=recorded/' 'input "recorded" is not live or replay'
bad2 "a /4 read whose hotlist_set_sha256 is not a SHA-256" 's/^hotlist_set_sha256=\(.*\)./hotlist_set_sha256=\1/' 'is not 64 lower-case hex digits'
bad2 "a /4 read whose source is a URI" 's/^source=.*/source=rtsp:\/\/admin:pw@cam\/1/' 'source "rtsp://admin:pw@cam/1" is not 1-64 of'
bad2 "a /1 record carrying /2 fields" 's/^format=anpr-record\/4$/format=anpr-record\/1/' 'a field of anpr-record/2, not of the anpr-record/1 this record says it is'
bad2 "a /4 read without capture_clock" '/^capture_clock=/d' 'expected field "capture_clock", found "clocks_disagree"'
bad2 "a /4 read whose capture_clock is none of the kinds" 's/^capture_clock=.*/capture_clock=ntp/' 'capture_clock "ntp" is not a capture clock (camera-synchronised, '
bad2 "a /4 read whose clocks_disagree is not 0 or 1" 's/^clocks_disagree=.*/clocks_disagree=maybe/' 'is not 0 or 1'
bad2 "a /2 record carrying /3 fields" 's/^format=anpr-record\/4$/format=anpr-record\/2/' 'a field of anpr-record/3, not of the anpr-record/2 this record says it is'
bad2 "a /3 record carrying /4 fields" 's/^format=anpr-record\/4$/format=anpr-record\/3/' 'a field of anpr-record/4, not of the anpr-record/3 this record says it is'
bad2 "a /4 read without plate_state" '/^plate_state=/d' 'expected field "plate_state", found "region"'
bad2 "a /4 read with no mark but plate_state=read" 's/^vrm=.*/vrm=-/' 'vrm=- with plate_state=read'
bad2 "a /4 read of an unreadable plate with a mark" 's/^plate_state=.*/plate_state=unreadable:no-characters/' 'needs vrm=-, hotlist=- and hotlist_entry=-'

# A chain written in anpr-record/2 (before /3): verifies for ever, minisign
# accepts it, today's writer continues it in /4
FX2=$(dirname "$0")/fixtures/v2
V2=$T/v2
cp -r "$FX2/spool" "$V2"
cp "$FX2/test-only.key" "$T/v2.key"
chmod 600 "$T/v2.key"
"$VERIFY" --key "$FX2/test-only.pub" "$V2" > "$T/v2.out" 2>&1
check "a spool written in anpr-record/2 (before /3) verifies; its reads' capture clocks not stated" \
	bash -c "[ $? -eq 0 ] && grep -q 'RESULT: OK' '$T/v2.out' &&
		 [ \$(grep -lx 'format=anpr-record/2' '$V2'/records/*/*.rec | wc -l) -eq 9 ] &&
		 grep -q '^  capture clock of the 5 reads: 5 not stated (anpr-record/2 and older); 0 with' '$T/v2.out'"
bad=0
for f in "$V2"/records/*/*.rec; do minisign -V -q -p "$FX2/test-only.pub" -m "$f" || bad=$((bad + 1)); done
check "minisign -V accepts every /2 record of the fixture" test $bad -eq 0
"$FILL" --spool "$V2" --key "$T/v2.key" --n 5 --camera CAM-V2 > /dev/null 2>&1
"$VERIFY" --key "$FX2/test-only.pub" "$V2" > "$T/v23.out" 2>&1
check "today's writer continues a /2 chain in /4; the mixed chain verifies, noting the change" \
	bash -c "[ $? -eq 0 ] && grep -q 'RESULT: OK' '$T/v23.out' &&
		 grep -q 'note: record 10: anpr-record/4 from here on (record 9 and before: anpr-record/2; ' '$T/v23.out' &&
		 grep -q '^  capture clock of the 10 reads: 1 camera-synchronised, 1 camera-estimated, 1 receive-time, 1 sensor-exposure, 1 driver-frame-end, 5 not stated (anpr-record/2 and older); 1 with the camera' '$T/v23.out' &&
		 grep -q 'note: 1 read was made while the camera.s clock and the host.s disagreed (clocks_disagree=1): its time_utc is the frame.s arrival' '$T/v23.out'" || sed 's/^/# /' "$T/v23.out"
