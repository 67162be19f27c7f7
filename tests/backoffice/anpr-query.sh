#!/bin/bash
# anpr-query against a private PostgreSQL (tests/lib/pg.sh) filled the way
# the cameras fill it: records made by ev_fill (three cameras, images,
# checkpoints), sent by the real anpr-upload to the real anpr-ingest.
# Then, as a person in anpr_analyst, anpr_exporter and anpr_location,
# through the access policy (--purpose, --case; every read here is days
# old, so role-relevant allows it): exact and look-alike (O for 0) search, the time
# window and camera filters, --movements in time order, --json parsed by
# python3, export to disclosure bundles (anpr-disclosure/1: the reads
# selected, each with its inclusion proof, no other vehicle's read) that
# anpr-verify and minisign accept (one per chain when the reads span two),
# an existing OUT left untouched, an export refused over a gap in the
# checkpoint's span, and bad
# arguments refused with status 2 and the reason.
#   tests/backoffice/anpr-query.sh BUILD
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
bin=$PWD/$build/bin
setup=$PWD/$build/ingest/ingest_setup
fill=$PWD/$build/evidence/ev_fill
. tests/lib/tap.sh
. tests/lib/pg.sh
t=$(mktemp -d /tmp/anpr-query-XXXXXX)
ipid=
cleanup() {
	[ -n "$ipid" ] && kill -9 "$ipid" 2>/dev/null
	wait 2>/dev/null
	pg_stop
	rm -rf "$t"
}
trap cleanup EXIT
pg_start || { nok "pg_start"; tap_done; exit 1; }
"$setup" "$ANPR_TEST_PG" migrate backoffice/sql || nok "migrations"

# ---- a PKI, two cameras registered, anpr-ingest
(
	cd "$t" || exit 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=test-ca -keyout ca.key -out ca.pem 2>/dev/null
	for who in server CAM-A CAM-B CAM-C; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$who" \
			-keyout "$who.key" -out "$who.csr" 2>/dev/null
		printf 'subjectAltName=IP:127.0.0.1\n' > "$who.ext"
		openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
			-extfile "$who.ext" -out "$who.pem" 2>/dev/null
	done
)
fp() { openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }
for c in CAM-A CAM-B CAM-C; do
	"$bin/anpr-keygen" -p "$t/$c.pub" -s "$t/$c.sec" > /dev/null
	"$setup" "$ANPR_TEST_PG" camera "$c" "$(sed -n 2p "$t/$c.pub")" "$(fp "$t/$c.pem")" ||
		nok "register $c"
done
mkdir "$t/images"
"$bin/anpr-ingest" --cert "$t/server.pem" --key "$t/server.key" --client-ca "$t/ca.pem" \
	--db "$ANPR_TEST_PG_INGEST" --images "$t/images" --port 0 \
	--port-file "$t/port" --threads 2 2>> "$t/ingest.err" &
ipid=$!
for _ in $(seq 100); do [ -s "$t/port" ] && break; sleep 0.05; done
port=$(cat "$t/port" 2>/dev/null)
upload() {	# upload CAMERA SPOOL
	{ demo/make-conf "$t" "$PWD/demo/hotlist.csv" "$2" "$t/$1.sec" "$t/alerts.sock"
	  printf '\n[upload]\nurl = https://127.0.0.1:%s\nclient_cert = %s\nclient_key = %s\nca_file = %s\ntimeout = 5s\n' \
		"$port" "$t/$1.pem" "$t/$1.key" "$t/ca.pem"; } > "$t/$1.conf"
	"$bin/anpr-upload" --config "$t/$1.conf" --state "$t/s$1" --once --max-backoff-ms 50 \
		>> "$t/$1.out" 2>> "$t/$1.err"
}
# A: 60 records, a checkpoint every 20; B: 30 records, after A's
"$fill" --spool "$t/A" --key "$t/CAM-A.sec" --n 60 --images --checkpoint 20 --camera CAM-A > /dev/null
sleep 0.2
"$fill" --spool "$t/B" --key "$t/CAM-B.sec" --n 30 --images --checkpoint 10 --camera CAM-B > /dev/null
upload CAM-A "$t/A" && upload CAM-B "$t/B"
check "two cameras' records in the store through anpr-upload and anpr-ingest" \
	test "$(psql -X -At -d "$ANPR_TEST_PG" -c "select count(*) from anpr.records where vrm = 'AB05CDE'")" = 2

Q() { "$bin/anpr-query" --db "$ANPR_TEST_PG_PERSON" --purpose role-relevant --case TEST-QUERY \
	"$@" > "$t/out" 2> "$t/err"; }
lines() { grep -c . "$t/out"; }

# ---- search
Q --vrm 'AB05 CDE'; cp "$t/out" "$t/first.out"
check "exact search: one read per camera of AB05CDE" test $? = 0 -a "$(lines)" = 2
check "...a line names time, camera, site, mark, confidence, record id, evidence state" \
	grep -Eq '^20[0-9-]+T[0-9:.]+Z  CAM-A  SITE-[A-Z0-9-]+  AB05CDE  [0-9.]+  CAM-A-[0-9A-F]{16}-[0-9]+  signature=ok link=verified covered=(yes|no)$' "$t/out"
Q --vrm ABO5CDE
check "exact search for ABO5CDE (letter O) finds nothing" test "$(lines)" = 0
Q --vrm ABO5CDE --fuzzy
check "--fuzzy ABO5CDE finds the AB05CDE reads (look-alike fold)" \
	test "$(lines)" = 2 -a "$(grep -c ' AB05CDE ' "$t/out")" = 2
Q --vrm AB05CDE --camera CAM-B
check "--camera CAM-B: only camera B's read" \
	test "$(lines)" = 1 -a "$(grep -c '  CAM-B  ' "$t/out")" = 1
Q --vrm AB05CDE --json; cp "$t/out" "$t/json.out"
check "--json parses, the same fields" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
a = d["reads"]
assert len(a) == 2 and d["withheld"] == [], d
for r in a:
    assert r["vrm"] == "AB05CDE" and r["signature_ok"] is True
    assert r["link"] in ("verified", "pending") and isinstance(r["covered"], bool)
    assert r["camera_id"] in ("CAM-A", "CAM-B") and r["site_id"].startswith("SITE-")
    assert r["record_id"].startswith(r["camera_id"] + "-") and 0 < r["confidence"] <= 1
' "$t/out"
ta=$(python3 -c 'import json,sys; print([r for r in json.load(open(sys.argv[1]))["reads"] if r["camera_id"] == "CAM-A"][0]["time_utc"])' "$t/out")
tb=$(python3 -c 'import json,sys; print([r for r in json.load(open(sys.argv[1]))["reads"] if r["camera_id"] == "CAM-B"][0]["time_utc"])' "$t/out")
Q --vrm AB05CDE --from "$ta" --to "$ta"
check "time window [A's read, A's read]: only A's read" \
	test "$(lines)" = 1 -a "$(grep -c '  CAM-A  ' "$t/out")" = 1
Q --vrm AB05CDE --from "$tb"
check "--from B's read: only B's read" test "$(lines)" = 1 -a "$(grep -c '  CAM-B  ' "$t/out")" = 1
Q --vrm AB05CDE --from 2000-01-01 --to 2000-01-02T00:00:00Z
check "a window with no reads: nothing, and it says so" \
	test "$(lines)" = 0 -a "$(grep -c 'no reads match' "$t/err")" = 1
Q --vrm AB05CDE --movements
check "--movements: every read in time order, A then B" \
	bash -c "sed -n 1p '$t/out' | grep -q 'first.*CAM-A' && sed -n 2p '$t/out' | grep -q '+[0-9]*s.*CAM-B'"
Q --vrm AB05CDE --movements --json
check "--movements --json: ordered by time" python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["reads"]
assert [r["camera_id"] for r in a] == ["CAM-A", "CAM-B"] and a[1]["since_previous_s"] >= 0
assert a[0]["time_utc"] <= a[1]["time_utc"]' "$t/out"
d=${ta%%T*}
Q --vrm AB05CDE --from "$d" --to "$d"
check "--from DAY --to DAY (dates alone) takes in the whole day" test "$(lines)" = 2
Q --vrm AB05CDE --limit 1
check "--limit 1: one read" test "$(lines)" = 1

# ---- export
Q --vrm AB05CDE --camera CAM-A --images "$t/images" --export "$t/a.tar"
check "export of camera A's read written (one chain: OUT itself)" test $? = 0 -a -s "$t/a.tar"
check "...and anpr-verify accepts it with camera A's key" \
	bash -c "'$bin/anpr-verify' --key '$t/CAM-A.pub' '$t/a.tar' > '$t/v.out' 2>&1"
check "...as a disclosure of the one read, proven under its checkpoint" \
	bash -c "grep -q '^RESULT: OK - 1 disclosed record' '$t/v.out' &&
		 grep -q 'record [0-9]* (read AB05 CDE, .* under checkpoint [0-9]*' '$t/v.out'"
mkdir "$t/x"
tar -xf "$t/a.tar" -C "$t/x"
sigbad=0 nrec=0
for f in "$t"/x/anpr-evidence/records/*.rec; do
	nrec=$((nrec + 1))
	minisign -V -q -p "$t/CAM-A.pub" -m "$f" || sigbad=$((sigbad + 1))
done
check "...minisign -V accepts each of its $nrec records" test $nrec -gt 1 -a $sigbad = 0
check "...sha256sum -c SHA256SUMS passes, images included" \
	bash -c "cd '$t/x/anpr-evidence' && sha256sum -c --quiet SHA256SUMS && ls records | grep -q plate.jpg"
check "...MANIFEST: anpr-disclosure/1, camera A, one record under one checkpoint" \
	bash -c "grep -qx 'format=anpr-disclosure/1' '$t/x/anpr-evidence/MANIFEST.txt' &&
		grep -qx 'camera_id=CAM-A' '$t/x/anpr-evidence/MANIFEST.txt' &&
		[ \$(grep -c '^record=' '$t/x/anpr-evidence/MANIFEST.txt') = 1 ] &&
		[ \$(grep -c '^checkpoint=' '$t/x/anpr-evidence/MANIFEST.txt') = 1 ]"
others=0
for i in $(seq 0 99); do
	v=$(printf 'AB%02d CDE' "$i")
	[ "$v" = "AB05 CDE" ] && continue
	grep -aqF "$v" "$t/a.tar" && others=$((others + 1))
done
check "...its bytes hold no other read's mark (of camera A's 60; the span's other reads are not disclosed)" \
	bash -c "[ $others = 0 ] && [ \$(ls '$t'/x/anpr-evidence/records/*.rec | wc -l) = 2 ] &&
		 [ \$(grep -l '^type=read$' '$t'/x/anpr-evidence/records/*.rec | wc -l) = 1 ]"
check "...records are the stored bytes (the upload spool's own files)" \
	bash -c "for f in '$t'/x/anpr-evidence/records/*.rec; do
		h=\$(sha256sum < \"\$f\" | cut -d' ' -f1)
		test \"\$(psql -X -At -d '$ANPR_TEST_PG' -c \"select count(*) from anpr.records where encode(sha256, 'hex') = '\$h'\")\" = 1 || exit 1; done"
cp "$t/a.tar" "$t/a.keep"
Q --vrm AB05CDE --camera CAM-A --images "$t/images" --export "$t/a.tar"
check "an existing OUT is refused (status 2) and left untouched" \
	bash -c "test $? = 2 && grep -q 'already exists' '$t/err' && cmp -s '$t/a.tar' '$t/a.keep'"
Q --vrm AB05CDE --images "$t/images" --export "$t/both.tar"
check "reads in two chains: one bundle per chain, OUT-CHAINID.tar" \
	test "$(ls "$t"/both-*.tar 2>/dev/null | wc -l)" = 2 -a ! -e "$t/both.tar"
vb=0
for f in "$t"/both-*.tar; do
	cam=$(tar -xOf "$f" anpr-evidence/MANIFEST.txt | sed -n 's/^camera_id=//p')
	"$bin/anpr-verify" --key "$t/$cam.pub" "$f" > /dev/null 2>&1 || vb=$((vb + 1))
done
check "...each verifies with its camera's key" test $vb = 0
check "no partial files left beside OUT" bash -c "! ls '$t' | grep -q partial"

# ---- the export is the database's (anpr.export_reads, 0012): who may,
# what it audits, what it gives a disclosure with inclusion proofs
base="host=127.0.0.1 port=$ANPR_TEST_PG_PORT dbname=anpr"
psql -X -q -v ON_ERROR_STOP=1 -d "$ANPR_TEST_PG_SUPER dbname=anpr" > /dev/null <<'SQL' || nok "roles"
CREATE ROLE analyst_only LOGIN IN ROLE anpr_analyst;
CREATE ROLE auditor LOGIN IN ROLE anpr_auditor;
SQL
A() { psql -X -At -d "$base user=auditor" -c "$1"; }
n_exp=$(A "select count(*) from audit.entries where action = 'export'")
"$bin/anpr-query" --db "$base user=analyst_only" --purpose role-relevant --case TEST-QUERY \
	--vrm AB05CDE --camera CAM-A --images "$t/images" --export "$t/n.tar" > "$t/out" 2> "$t/err"
check "an analyst who is not an exporter: --export refused (status 1, permission denied), nothing written" \
	bash -c "test $? = 1 && grep -q 'permission denied' '$t/err' && ! test -e '$t/n.tar'"
check "the exports so far (a.tar, both.tar) audited as exports by the person, with purpose, case and results" \
	test "$(A "select string_agg(who || ' ' || purpose || ' ' || case_ref || ' ' || results || ' '
		|| coalesce(question->>'camera', '-'), ',' ORDER BY seq) from audit.entries where action = 'export'")" \
	     = "anpr_test_person role-relevant TEST-QUERY 1 CAM-A,anpr_test_person role-relevant TEST-QUERY 2 -"
check "...and the refused OUT (already there) asked the database nothing: $n_exp export entries" test "$n_exp" = 2
"$bin/anpr-audit" --db "$base user=auditor" verify > "$t/audit.out" 2>&1
check "anpr-audit verify: the chain holds after searches and exports" \
	bash -c "test $? = 0 && grep -q 'audit chain intact' '$t/audit.out'"
# the disclosure form's data: for camera A's read, no neighbour's bytes,
# and the leaf hashes of its checkpoint's span, whose RFC 6962 root is the
# checkpoint's and among which the read's hash stands at its position
psql -X -At -F ' ' -d "$ANPR_TEST_PG_PERSON" -c "SELECT selected, chain_seq, encode(sha256, 'hex'),
	cp_seq, cp_first, cp_last, array_to_string(ARRAY(SELECT encode(l, 'hex') FROM unnest(leaves) l), ',')
	FROM anpr.export_reads('AB05CDE', NULL, NULL, NULL, 'CAM-A', 'role-relevant', 'TEST-QUERY', NULL, false)
	WHERE record_id IS NOT NULL" > "$t/disc" 2>&1
root=$(psql -X -At -d "$ANPR_TEST_PG" -c "SELECT encode(merkle_root, 'hex') FROM anpr.checkpoints k
	JOIN anpr.record_index i ON i.record_id = k.record_id WHERE i.chain_seq = $(cut -d' ' -f4 "$t/disc")
	AND i.camera_id = 'CAM-A'")
check "export_reads without the span: the one read, its covering checkpoint, the span's leaf hashes, which make its root" \
	python3 - "$t/disc" "$root" <<'PY'
import hashlib, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
assert len(rows) == 1 and rows[0][0] == "t", rows
sel, seq, h, cp, first, last, leaves = rows[0]
leaves = [bytes.fromhex(x) for x in leaves.split(",")]
seq, cp, first, last = int(seq), int(cp), int(first), int(last)
assert len(leaves) == last - first + 1 and first <= seq <= last < cp
assert leaves[seq - first].hex() == h
def mth(v):
    if len(v) == 1:
        return hashlib.sha256(b"\0" + v[0]).digest()
    k = 1
    while k * 2 < len(v):
        k *= 2
    return hashlib.sha256(b"\1" + mth(v[:k]) + mth(v[k:])).digest()
assert mth(leaves).hex() == sys.argv[2], (mth(leaves).hex(), sys.argv[2])
PY

# ---- a gap in the span: camera C's record before its first read from 15
# on held back (ev_fill's heartbeats come by the clock, so which record is
# a read is found, not assumed)
"$fill" --spool "$t/C" --key "$t/CAM-C.sec" --n 30 --images --checkpoint 10 --camera CAM-C > /dev/null
for rs in $(seq 15 30); do
	grep -qs '^type=read$' "$t"/C/records/*/"$(printf %012d "$rs")".rec && break
done
rm -f "$t"/C/records/*/"$(printf %012d $((rs - 1)))".*
upload CAM-C "$t/C"
vc=$(psql -X -At -d "$ANPR_TEST_PG" -c "select vrm from anpr.records where camera_id = 'CAM-C' and chain_seq = $rs and type = 'read'")
Q --vrm "$vc" --camera CAM-C
check "camera C's read after the gap is found (link pending)" \
	bash -c "test \"\$(grep -c . '$t/out')\" = 1 && grep -q 'link=pending covered=no' '$t/out'"
Q --vrm "$vc" --camera CAM-C --images "$t/images" --export "$t/c.tar"
check "its export is refused (status 3): its checkpoint's span has a record not held, the read named, nothing written" \
	bash -c "test $? = 3 && grep -q 'read CAM-C-[0-9A-F]*-$rs is not yet under a checkpoint .*a record of that checkpoint.s span is not held' '$t/err' && ! test -e '$t/c.tar'"
# ---- reads not yet under a checkpoint: camera B's chain continued by
# three reads (AB00..AB02 CDE again); the writer's stop record and the
# checkpoint after them taken out before the upload, as if the camera had
# not yet written them
"$fill" --spool "$t/B" --key "$t/CAM-B.sec" --n 3 --checkpoint 10 --camera CAM-B > /dev/null
for f in $(ls "$t"/B/records/*/*.rec | sort | tail -2); do rm -f "${f%.rec}".*; done
upload CAM-B "$t/B"
Q --vrm AB01CDE --camera CAM-B
check "camera B now has two reads of AB01CDE, the newer not under a checkpoint" \
	bash -c "test \"\$(grep -c . '$t/out')\" = 2 && grep -q 'covered=no' '$t/out'"
last=$(psql -X -At -d "$ANPR_TEST_PG" -c "select max(chain_seq) from anpr.records where camera_id = 'CAM-B' and vrm = 'AB01CDE'")
Q --vrm AB01CDE --camera CAM-B --images "$t/images" --export "$t/nc.tar"
check "their export is refused (status 3), the read not under a checkpoint named; nothing written" \
	bash -c "test $? = 3 && grep -q 'read CAM-B-[0-9A-F]*-$last is not yet under a checkpoint' '$t/err' && ! test -e '$t/nc.tar'"
kill "$ipid"; wait "$ipid" 2>/dev/null; ipid=

# ---- errors
Q --vrm AB05CDE --from yesterday
check "a bad time: status 2, named" bash -c "test $? = 2 && grep -q -- '--from yesterday: not a UTC ISO 8601 time' '$t/err'"
Q --vrm AB05CDE --to 2026-13-01
check "a bad month: status 2" test $? = 2
Q --fuzzy
check "no --vrm: status 2, named" bash -c "test $? = 2 && grep -q -- '--vrm MARK is required' '$t/err'"
Q --vrm 'AB!5'
check "a malformed mark: status 2, named" bash -c "test $? = 2 && grep -q 'registration mark' '$t/err'"
Q --vrm AB05CDE --limit 0
check "--limit 0: status 2" test $? = 2
Q --vrm AB05CDE --export "$t/z.tar"
check "--export without --images: status 2, named" bash -c "test $? = 2 && grep -q -- '--images' '$t/err'"
"$bin/anpr-query" --db "$ANPR_TEST_PG_PERSON" --vrm AB05CDE > "$t/out" 2> "$t/err"
check "no --purpose: status 2, saying a search needs --purpose and --case" \
	bash -c "test $? = 2 && grep -q 'needs --purpose PURPOSE and --case REF' '$t/err'"
"$bin/anpr-query" --db "$ANPR_TEST_PG_PERSON" --purpose role-relevant --vrm AB05CDE > "$t/out" 2> "$t/err"
check "...nor without --case" bash -c "test $? = 2 && grep -q 'needs --purpose PURPOSE and --case REF' '$t/err'"
env -u ANPR_DB "$bin/anpr-query" --vrm AB05CDE > "$t/out" 2> "$t/err"
check "no database given: status 2, named" bash -c "test $? = 2 && grep -q 'no database' '$t/err'"
"$bin/anpr-query" --db "host=127.0.0.1 port=1 dbname=x connect_timeout=2" --purpose role-relevant \
	--case TEST-QUERY --vrm AB05CDE > "$t/out" 2> "$t/err"
check "database unreachable: status 1, 'database:' named" bash -c "test $? = 1 && grep -q '^anpr-query: database: ' '$t/err'"
[ -n "${VERBOSE:-}" ] && sed 's/^/# /' "$t/err" "$t/v.out" "$t/first.out" "$t/json.out"
tap_done
