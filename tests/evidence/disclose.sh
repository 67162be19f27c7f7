#!/bin/bash
# Disclosure bundles (issue 20, item 6): anpr-verify --export --disclose
# writes only the records asked for, each with its inclusion proof against
# the signed checkpoint covering it; anpr-verify checks them. "A bundle with
# 1 of 100 records of a checkpoint span verifies, and discloses no other
# record's VRM" (the tar's bytes searched for the other 99 marks), the
# independent check (sha256sum, minisign, the README's Python proof check),
# and every attack on a disclosure named. Prints TAP.
#   tests/evidence/disclose.sh BUILD_DIR
set -u
B=${1:-build}
KEYGEN=$B/bin/anpr-keygen
VERIFY=$B/bin/anpr-verify
FILL=$B/evidence/ev_fill
T=$(mktemp -d /tmp/ev-disclose.XXXXXX)
trap "[ -n \"${KEEP:-}\" ] || rm -rf \"$T\"" EXIT
n=0
ok()  { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
has() { grep -q -- "$2" "$1" || { echo "# missing \"$2\" in:"; sed 's/^/#   /' "$1" | head -20; return 1; }; }

"$KEYGEN" -p "$T/k.pub" -s "$T/k.key" > /dev/null
"$KEYGEN" -p "$T/k2.pub" -s "$T/k2.key" > /dev/null
# 100 reads AB00 CDE..AB99 CDE (records 2..101, after the start heartbeat),
# one checkpoint over records 1..101 (record 102)
S=$T/spool
"$FILL" --spool "$S" --key "$T/k.key" --n 100 --images --plate-bytes 300 \
	--overview-bytes 900 --checkpoint 101 > /dev/null 2>&1
check "the spool: 100 reads under one checkpoint (record 102, records 1..101)" \
	bash -c "grep -q '^count=101$' '$S/records/00000000/000000000102.rec' &&
		 [ \$(grep -l '^type=read$' '$S'/records/00000000/*.rec | wc -l) = 100 ]"

# ---- 1 of 100
"$VERIFY" --export "$T/d.tar" --disclose 50 --key "$T/k.pub" "$S" > "$T/x.out" 2>&1
check "--disclose 50 writes a disclosure" bash -c "[ $? -eq 0 ] && [ -s '$T/d.tar' ]"
vrm=$(sed -n 's/^vrm=//p' "$S/records/00000000/000000000050.rec")
check "record 50 is the read of AB48 CDE" test "$vrm" = "AB48 CDE"
others=0
for i in $(seq 0 99); do
	v=$(printf 'AB%02d CDE' "$i")
	[ "$v" = "$vrm" ] && continue
	grep -aqF "$v" "$T/d.tar" && { echo "# $v is in the tar"; others=$((others + 1)); }
done
check "the tar's bytes hold the disclosed VRM and none of the other 99" \
	bash -c "grep -aqF '$vrm' '$T/d.tar' && [ $others -eq 0 ]"
tar tf "$T/d.tar" | sort > "$T/members"
cat > "$T/want" <<EOF
anpr-evidence/MANIFEST.txt
anpr-evidence/README.txt
anpr-evidence/SHA256SUMS
anpr-evidence/proofs/000000000050.proof
anpr-evidence/public-$(sed -n 's/^key_id=//p' "$S/records/00000000/000000000050.rec").key
anpr-evidence/records/000000000050.overview.jpg
anpr-evidence/records/000000000050.plate.jpg
anpr-evidence/records/000000000050.rec
anpr-evidence/records/000000000050.rec.minisig
anpr-evidence/records/000000000102.rec
anpr-evidence/records/000000000102.rec.minisig
EOF
sort -o "$T/want" "$T/want"
check "its members: record 50 and its images, its proof, checkpoint 102, key, README, MANIFEST, SHA256SUMS; nothing else" \
	diff "$T/want" "$T/members"
for s in 2 49 51 101; do
	cmp -s <(tar xOf "$T/d.tar" 2>/dev/null | grep -ac "record_id=CAM-TEST-01-[0-9A-F]*-$s$") <(echo 0) || others=$((others + 1))
done
check "no other record's record_id either" test $others -eq 0
"$VERIFY" --key "$T/k.pub" "$T/d.tar" > "$T/v.out" 2>&1
check "anpr-verify: the disclosure verifies (exit 0)" bash -c "[ $? -eq 0 ] && grep -q '^RESULT: OK' '$T/v.out'"
check "... and says what was proven: position 50, leaf 49 of 101 under checkpoint 102, the keys" \
	has "$T/v.out" "record 50 (read AB48 CDE, .*position 50 of camera CAM-TEST-01 chain .* leaf 49 of 101 under checkpoint 102 (records 1..101"
# ev_fill stamps read i with capture clock 1 + i mod 6: AB48's is 1
check "... with how the read's capture time was obtained (anpr-record/3's capture_clock), human and --json" \
	bash -c "grep -q 'record 50 (read AB48 CDE, [0-9T:.Z-]*, capture clock camera-synchronised): signed by key' '$T/v.out' &&
		 '$VERIFY' --json --key '$T/k.pub' '$T/d.tar' | python3 -c 'import json,sys; d=json.load(sys.stdin)[\"results\"][0][\"disclosed\"][0]; sys.exit(not (d[\"capture_clock\"] == \"camera-synchronised\" and d[\"clocks_disagree\"] is False))'" ||
	sed 's/^/#   /' "$T/v.out" | grep 'record 50'
check "... and what was not: the other records, the continuity between" \
	has "$T/v.out" "not proven here: the other records of those spans (not disclosed), the chain's continuity"
"$VERIFY" --json --key "$T/k.pub" "$T/d.tar" > "$T/j.out" 2>&1
check "--json: kind disclosure, the record with its checkpoint, leaf and tree size" \
	python3 -c "
import json, sys
r = json.load(open('$T/j.out'))['results'][0]
d = r['disclosed'][0]
sys.exit(not (r['kind'] == 'disclosure' and r['ok'] and d['seq'] == 50 and
    d['checkpoint_seq'] == 102 and d['leaf_index'] == 49 and d['tree_size'] == 101
    and d['vrm'] == 'AB48 CDE'))"

# ---- the independent check, with standard tools only
X=$T/x
mkdir "$X" && tar xf "$T/d.tar" -C "$X"
E=$X/anpr-evidence
check "sha256sum -c SHA256SUMS" bash -c "cd '$E' && sha256sum -c --quiet SHA256SUMS"
check "minisign verifies the record and the checkpoint with the bundle's key" \
	bash -c "cd '$E' && for f in records/*.rec; do k=\$(sed -n 's/^key_id=//p' \$f);
		 minisign -V -q -p public-\$k.key -m \$f || exit 1; done"
sed -n '/^       import hashlib/,/^           print(name/p' "$E/README.txt" | sed 's/^       //' > "$T/check.py"
(cd "$E" && python3 "$T/check.py" proofs/*.proof) > "$T/py.out" 2>&1
check "the README's Python check of the proof (RFC 9162) says OK" \
	has "$T/py.out" "proofs/000000000050.proof OK"

# ---- by mark, several records, and the full bundle still the default
"$VERIFY" --export "$T/m.tar" --disclose-vrm "AB48 CDE" --key "$T/k.pub" "$S" > /dev/null 2>&1
check "--disclose-vrm 'AB48 CDE' discloses record 50 alone" \
	bash -c "tar tf '$T/m.tar' | grep -q proofs/000000000050.proof &&
		 [ \$(tar tf '$T/m.tar' | grep -c 'proofs/') = 1 ]"
"$VERIFY" --export "$T/three.tar" --disclose 1,101,60 --key "$T/k.pub" "$S" > /dev/null 2>&1
"$VERIFY" --key "$T/k.pub" "$T/three.tar" > "$T/three.out" 2>&1
check "--disclose 1,101,60: the first and last leaves and one between verify" \
	bash -c "[ $? -eq 0 ] && grep -q 'leaf 0 of 101' '$T/three.out' && grep -q 'leaf 100 of 101' '$T/three.out'"
"$VERIFY" --export "$T/full.tar" --from 50 --to 50 --key "$T/k.pub" "$S" > /dev/null 2>&1
check "without --disclose the export is the full span (anpr-bundle/1), as before" \
	bash -c "tar xOf '$T/full.tar' anpr-evidence/MANIFEST.txt | grep -q '^format=anpr-bundle/1$' &&
		 [ \$(tar tf '$T/full.tar' | grep -c '\.rec$') = 102 ]"
"$VERIFY" --export "$T/fd.tar" --disclose 50 --key "$T/k.pub" "$T/full.tar" > /dev/null 2>&1 &&
	"$VERIFY" --key "$T/k.pub" "$T/fd.tar" > "$T/fd.out" 2>&1
check "--disclose from a full bundle (.tar) instead of the spool: the same disclosure verifies" \
	bash -c "[ $? -eq 0 ] && grep -q 'leaf 49 of 101 under checkpoint 102' '$T/fd.out'"
"$VERIFY" --export "$T/dd.tar" --disclose 50 --key "$T/k.pub" "$T/d.tar" > "$T/dd.out" 2>&1
check "--export from a disclosure: refused (exit 2), said why, nothing written" \
	bash -c "[ $? -eq 2 ] && grep -q 'is a disclosure (anpr-disclosure/1): it holds single records' '$T/dd.out' && [ ! -e '$T/dd.tar' ]"
"$VERIFY" --export "$T/no.tar" --disclose 500 --key "$T/k.pub" "$S" > "$T/no.out" 2>&1
check "--disclose of a record not held: exit 2, named, nothing written" \
	bash -c "[ $? -eq 2 ] && grep -q 'record 500 is not in' '$T/no.out' && [ ! -e '$T/no.tar' ]"
"$VERIFY" --export "$T/cp.tar" --disclose 50,102 --key "$T/k.pub" "$S" > "$T/cp.out" 2>&1
check "--disclose of a checkpoint: refused, named (no tree has it as a leaf), nothing written" \
	bash -c "[ $? -eq 1 ] && grep -q 'record 102 is a checkpoint: no checkpoint covers it' '$T/cp.out' && [ ! -e '$T/cp.tar' ]"
"$VERIFY" --export "$T/one.tar" --disclose 103 --key "$T/k.pub" "$S" > /dev/null 2>&1
"$VERIFY" --key "$T/k.pub" "$T/one.tar" > "$T/one.out" 2>&1
check "a span of one record (the stop heartbeat under checkpoint 104): an empty path verifies" \
	bash -c "[ $? -eq 0 ] && grep -q 'leaf 0 of 1 under checkpoint 104' '$T/one.out' &&
		 ! tar xOf '$T/one.tar' anpr-evidence/proofs/000000000103.proof | grep -q '^path='"
U=$T/open
"$FILL" --spool "$U" --key "$T/k.key" --n 10 --checkpoint 5 --no-stop > /dev/null 2>&1
"$VERIFY" --export "$T/u.tar" --disclose 2,13 --key "$T/k.pub" "$U" > "$T/u.out" 2>&1
check "a record not yet under a checkpoint is refused, named, nothing written" \
	bash -c "[ $? -eq 1 ] && grep -q 'record 13 is not yet under a checkpoint' '$T/u.out' && [ ! -e '$T/u.tar' ]"

# ---- across a key rotation: every key that signed the disclosure is
# given (it holds no rotation record to follow the keys by)
R=$T/rot
"$FILL" --spool "$R" --key "$T/k.key" --n 60 --checkpoint 25 --rotate-to "$T/k2.key" \
	--rotate-at 40 > /dev/null 2>&1
"$VERIFY" --export "$T/r.tar" --disclose 30,45 --key "$T/k.pub" "$R" > /dev/null 2>&1
"$VERIFY" --key "$T/k.pub" --key "$T/k2.pub" "$T/r.tar" > "$T/r.out" 2>&1
check "a disclosure across a key rotation verifies with both keys, each record naming its key" \
	bash -c "[ $? -eq 0 ] && [ \$(grep -c 'signed by key .* signed by key' '$T/r.out') = 2 ] &&
		 [ \$(tar tf '$T/r.tar' | grep -c 'public-.*\.key') = 2 ]"
"$VERIFY" --key "$T/k.pub" "$T/r.tar" > "$T/r1.out" 2>&1
check "...and with the old key alone the newer record is refused: not a trusted key" \
	bash -c "[ $? -eq 1 ] && grep -q 'record [0-9]*: wrong-key: signed with key .*not a trusted key' '$T/r1.out'"

# ---- attacks: each on a fresh copy of the unpacked disclosure; the
# exporter's account (SHA256SUMS) is re-made where the attacker would
resum() { (cd "$1/anpr-evidence" && find records proofs public-*.key README.txt MANIFEST.txt -type f |
	  sort | xargs sha256sum > SHA256SUMS); }
fresh() { rm -rf "$T/a"; mkdir "$T/a"; tar xf "${2:-$T/d.tar}" -C "$T/a"; A=$T/a/anpr-evidence; }
attack() {	# NAME CODE TEXT: anpr-verify must fail, naming them
	"$VERIFY" --key "$T/k.pub" "$T/a" > "$T/att.out" 2>&1
	local rc=$?
	if [ $rc -eq 1 ] && grep -q 'RESULT: FAILED' "$T/att.out" &&
	   grep -q ": $2: " "$T/att.out" && grep -q -- "$3" "$T/att.out"; then
		ok "$1: refused ($2)"
	else
		nok "$1: refused ($2)"
		sed 's/^/#   /' "$T/att.out" | head -20
	fi
}
P=proofs/000000000050.proof

fresh
python3 - "$A/$P" <<'EOF'
import sys
p = sys.argv[1]
t = open(p).read()
i = t.index('path=') + 5
t = t[:i] + ('1' if t[i] == '0' else '0') + t[i + 1:]
open(p, 'w').write(t)
EOF
resum "$T/a"
attack "a proof's path edited" proof-mismatch "does not lead from record 50 (leaf 49 of 101)"

fresh
sed -i 's/^leaf_index=49$/leaf_index=48/' "$A/$P"
resum "$T/a"
attack "a proof's leaf index changed" proof-mismatch "leaf_index is 48 but the signed records give 49"

fresh
sed -i 's/^tree_size=101$/tree_size=128/' "$A/$P"
resum "$T/a"
attack "a proof's tree size changed" proof-mismatch "tree_size is 128 but the signed records give 101"

fresh
cp "$S/records/00000000/000000000051.rec" "$A/records/000000000050.rec"
cp "$S/records/00000000/000000000051.rec.minisig" "$A/records/000000000050.rec.minisig"
resum "$T/a"
attack "the record swapped for another of the same chain (record 51 as 50)" bad-signature "file:000000000051.rec .*signature taken from another record"

fresh
for f in rec rec.minisig plate.jpg overview.jpg; do
	rm "$A/records/000000000050.$f"
	cp "$S/records/00000000/000000000051.$f" "$A/records/000000000051.$f"
done
mv "$A/$P" "$A/proofs/000000000051.proof"
sed -i 's/^record=50 /record=51 /' "$A/MANIFEST.txt"
resum "$T/a"
attack "record 51 with record 50's proof, manifest and sums re-made" proof-mismatch "record_id is .*-50 but the signed records give .*-51"

fresh
python3 - "$A/records/000000000102.rec.minisig" <<'EOF'
import base64, sys
p = sys.argv[1]
l = open(p).read().split('\n')
b = bytearray(base64.b64decode(l[1]))
b[40] ^= 1
l[1] = base64.b64encode(bytes(b)).decode()
open(p, 'w').write('\n'.join(l))
EOF
cp "$A/records/000000000102.rec.minisig" "$T/a.sig"
resum "$T/a"
attack "the checkpoint's signature broken" bad-signature "000000000102.rec"
fresh "" "$T/three.tar"
cp "$T/a.sig" "$A/records/000000000102.rec.minisig"
"$VERIFY" --key "$T/k.pub" "$T/a" > "$T/att.out" 2>&1
check "...in a disclosure of three records under it, none is shown as proven" \
	bash -c "[ $? -eq 1 ] && [ \$(grep -c 'NOT PROVEN' '$T/att.out') = 3 ] &&
		 [ \$(grep -c 'bad-signature' '$T/att.out') -ge 1 ] && ! grep -q 'proven as leaf' '$T/att.out'"

fresh
sed -i 's/^count=101$/count=100/' "$A/records/000000000102.rec"
resum "$T/a"
attack "the checkpoint record altered" bad-signature "000000000102.rec"

O=$T/other
"$FILL" --spool "$O" --key "$T/k.key" --camera CAM-OTHER-02 --n 100 --images \
	--plate-bytes 300 --overview-bytes 900 --checkpoint 101 > /dev/null 2>&1
"$VERIFY" --export "$T/o.tar" --disclose 50 --key "$T/k.pub" "$O" > /dev/null 2>&1
fresh "" "$T/d.tar"
rm -rf "$T/o" && mkdir "$T/o" && tar xf "$T/o.tar" -C "$T/o"
cp "$T/o/anpr-evidence/records/000000000050."* "$A/records/"
cp "$T/o/anpr-evidence/$P" "$A/$P"
resum "$T/a"
attack "a record (and its proof) from another camera in place of record 50" foreign-record "belongs to camera CAM-.*, not to camera CAM-"

fresh
cp "$S/records/00000000/000000000051."* "$A/records/"
attack "a member added (another read of the span), not in SHA256SUMS" checksum-mismatch "not listed in SHA256SUMS: added after the export"
check "... and named as not part of the disclosure" \
	has "$T/att.out" "record 51's files are here with no inclusion proof"
resum "$T/a"
attack "a member added with SHA256SUMS re-made" unexpected-file "record 51's files are here with no inclusion proof"

fresh
rm "$A/$P"
resum "$T/a"
attack "a disclosed record's proof taken out" missing-records "manifest discloses record 50 but the bundle has no inclusion proof"

fresh
"$KEYGEN" -p "$T/k3.pub" -s "$T/k3.key" > /dev/null
"$VERIFY" --key "$T/k3.pub" "$T/d.tar" > "$T/wk.out" 2>&1
check "verified against another camera's key: refused (wrong-key), named" \
	bash -c "[ $? -eq 1 ] && grep -q 'wrong-key' '$T/wk.out' && grep -q 'not a trusted key' '$T/wk.out'"

echo "1..$n"
