#!/bin/bash
# Retention (issue 20, docs/access.md "5. Retention"): a private
# PostgreSQL, one camera's chain over four days with image files, a legal
# hold on one mark, and anpr-db purge at a fixed time: exactly what is
# due goes (whole days as partitions, the held day read by read), the
# image files with it, the deleted spans recorded so that the next
# record's link still verifies and no gap is reported; the purge audited
# with the hash of what it deleted; a second run deletes nothing.
# Then the held read's disclosure after the purge (0013): a real camera
# chain (ev_fill, anpr-upload, anpr-ingest: real checkpoints, verified),
# one read held, the rest purged: the read still exports through
# anpr-query --export as a disclosure bundle anpr-verify accepts, from
# the leaf hashes the purge kept; those go when the hold is released and
# the read purged. And the leaves of spans across day boundaries, in SQL.
#   tests/backoffice/retention.sh BUILD
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
. tests/lib/tap.sh
. tests/lib/pg.sh
t=$(mktemp -d /tmp/anpr-retention-XXXXXX)
ipid=
cleanup() {
	[ -n "$ipid" ] && kill -9 "$ipid" 2>/dev/null
	wait 2>/dev/null
	pg_stop
	rm -rf "$t"
}
trap cleanup EXIT
pg_start || { nok "pg_start"; tap_done; exit 1; }
O() { psql -X -At -v ON_ERROR_STOP=1 -d "$ANPR_TEST_PG" -c "$1" 2>&1; }
db=$PWD/$build/bin/anpr-db
bin=$PWD/$build/bin
"$db" --db "$ANPR_TEST_PG" migrate --sql backoffice/sql > /dev/null ||
	{ nok "migrations"; tap_done; exit 1; }
O "INSERT INTO anpr.cameras (camera_id, kind) VALUES ('VAN-1', 'mobile')" > /dev/null
mkdir "$t/images"
# the chain: seq 1-4 on 2027-02-10 (seq 2 the held mark HELD1), 5-7 on
# 2027-03-14, 8-9 on 2027-03-15, 10 on 2028-01-01; each read an image
# file of its own under its day
prev=0000000000000000000000000000000000000000000000000000000000000000
seq=0
for spec in 2027-02-10:AB11AAA 2027-02-10:HELD1 2027-02-10:AB13AAA 2027-02-10:AB14AAA \
	    2027-03-14:AB15AAA 2027-03-14:AB16AAA 2027-03-14:AB17AAA \
	    2027-03-15:AB18AAA 2027-03-15:AB19AAA 2028-01-01:AB20AAA; do
	seq=$((seq + 1)); day=${spec%%:*}; vrm=${spec#*:}
	rec="format=anpr-record/1 seq=$seq $vrm"
	sha=$(printf '%s' "$rec" | sha256sum | cut -d' ' -f1)
	img=$(printf 'jpeg of %s' "$vrm" > "$t/img" && sha256sum "$t/img" | cut -d' ' -f1)
	mkdir -p "$t/images/$day/${img:0:2}" && cp "$t/img" "$t/images/$day/${img:0:2}/$img.jpg"
	O "SELECT anpr.day_partition(date '$day');
	   INSERT INTO anpr.chains (chain_id, camera_id) VALUES ('00000000000000C1', 'VAN-1')
	   ON CONFLICT DO NOTHING;
	   INSERT INTO anpr.record_index (record_id, camera_id, chain_id, chain_seq, type, capture_day,
	     sha256, prev_hash, time_utc, vrm, vrm_key, confidence, sig_ok)
	   VALUES ('VAN-1-$seq', 'VAN-1', '00000000000000C1', $seq, 'read', '$day',
	     '\\x$sha', '\\x$prev', '$day 12:00:0$((seq % 10))Z', '$vrm', '$vrm', 0.9, true);
	   INSERT INTO anpr.records (capture_day, record_id, camera_id, chain_id, chain_seq, type,
	     time_utc, sha256, prev_hash, rec, sig, vrm, vrm_key, confidence, plate_sha256,
	     sig_ok, link)
	   VALUES ('$day', 'VAN-1-$seq', 'VAN-1', '00000000000000C1', $seq, 'read',
	     '$day 12:00:0$((seq % 10))Z', '\\x$sha', '\\x$prev', convert_to('$rec', 'UTF8'),
	     'sig', '$vrm', '$vrm', 0.9, '\\x$img', true, 'verified')" > /dev/null ||
		nok "insert $seq"
	prev=$sha
done
O "UPDATE anpr.chains SET held = 10, last_seq = 10, contiguous_to = 10" > /dev/null
psql -X -q -d "$ANPR_TEST_PG_SUPER" -c "CREATE ROLE dsupt_white LOGIN IN ROLE anpr_senior" > /dev/null
senior="host=127.0.0.1 port=$ANPR_TEST_PG_PORT dbname=anpr user=dsupt_white"
hold=$(psql -X -At -d "$senior" -c "SELECT anpr.hold('OP-HOLD', '{HELD1}', NULL, NULL, NULL, '2030-01-01Z')")
check "a senior officer places a legal hold (id $hold), audited" \
	test -n "$hold" -a "$(O "select who from audit.entries where action = 'hold'")" = dsupt_white
now=$(date -u -d '2029-03-15T12:00:00Z' +%s)
"$db" --db "$ANPR_TEST_PG" purge --images "$t/images" --now "$now" > "$t/p1" 2> "$t/p1.err"; rc=$?
check "anpr-db purge (status $rc) purged two days: 2027-02-10 read by read (3 deleted, 1 kept), 2027-03-14 whole (3)" \
	bash -c "[ $rc -eq 0 ] && grep -q '^anpr-db: purged 2027-02-10: 3 records deleted, 1 kept' '$t/p1' &&
		 grep -q '^anpr-db: purged 2027-03-14: 3 records deleted, 0 kept' '$t/p1' &&
		 [ \$(grep -c '^anpr-db: purged' '$t/p1') -eq 2 ]"
check "2027-03-15 is not due: its last instant is 24 months old only at 2029-03-15T23:59:59.999999Z" \
	test "$(O "select count(*) from anpr.record_index where capture_day = '2027-03-15'")" = 2
check "the whole day's partition is dropped; the held day's stays" \
	test "$(O "select count(*) from pg_class where relname in ('records_20270314', 'records_20270210')")" = 1
check "what is left of 2027-02-10 is the held read alone, in both tables" \
	test "$(O "select string_agg(record_id, ',') from anpr.record_index where capture_day = '2027-02-10'")" = VAN-1-2 -a \
	     "$(O "select string_agg(record_id, ',') from anpr.records where capture_day = '2027-02-10'")" = VAN-1-2
check "the whole day's image directory is gone" test ! -e "$t/images/2027-03-14"
held_img=$(printf 'jpeg of HELD1' | sha256sum | cut -d' ' -f1)
check "the held day keeps the held read's image and loses the others' (1 file left)" \
	test -f "$t/images/2027-02-10/${held_img:0:2}/$held_img.jpg" -a \
	     "$(find "$t/images/2027-02-10" -type f | wc -l)" = 1
check "the days not due keep their images" \
	test "$(find "$t/images/2027-03-15" "$t/images/2028-01-01" -type f | wc -l)" = 3
check "no image path waits for removal" test "$(O "select count(*) from anpr.retention_files")" = 0
check "the deleted spans are recorded per chain: 1..1, 3..4, 5..7" \
	test "$(O "select string_agg(first_seq || '..' || last_seq, ',' order by first_seq) from anpr.retention_deleted")" = "1..1,3..4,5..7"
check "...each with the hash of its last record (the next record's prev_hash)" \
	test "$(O "select count(*) from anpr.retention_deleted d join anpr.record_index n
		on n.chain_id = d.chain_id and n.chain_seq = d.last_seq + 1 where n.prev_hash = d.last_sha256")" = 2
# the audit: one entry per day purged, with the SHA-256 of the list
list=$(for s in 5 6 7; do printf 'VAN-1-%s %s\n' "$s" "$(printf '%s' "format=anpr-record/1 seq=$s AB1${s}AAA" | sha256sum | cut -d' ' -f1)"; done | sha256sum | cut -d' ' -f1)
check "the purge is audited: the day, how many, and the SHA-256 of the deleted records' list (recomputed: $list)" \
	test "$(O "select results || ' ' || (withheld->>'list_sha256') from audit.entries where action = 'purge' and question->>'day' = '2027-03-14'")" = "3 $list"
"$db" --db "$ANPR_TEST_PG" purge --images "$t/images" --now "$now" > "$t/p2" 2>&1; rc=$?
check "a second run deletes nothing and audits nothing (status $rc)" \
	bash -c "[ $rc -eq 0 ] && grep -q 'nothing due for deletion' '$t/p2' &&
		 [ \$(psql -X -At -d '$ANPR_TEST_PG' -c \"select count(*) from audit.entries where action = 'purge'\") -eq 2 ]"
# the held read is still found; the record after a purged span still links
"$build/bin/anpr-query" --db "$ANPR_TEST_PG_PERSON" --purpose role-relevant --case TEST-RET --vrm AB18AAA --json > "$t/q" 2>&1
check "the first record after the purged span (seq 8) still shows its link verified" \
	grep -q '"link": *"verified"' "$t/q"
"$build/bin/anpr-query" --db "$ANPR_TEST_PG_PERSON" --purpose role-relevant --case TEST-RET --vrm HELD1 > "$t/q2" 2>&1
check "the held read is still there to search" grep -q 'VAN-1-2' "$t/q2"
# the hold released: the next purge takes it
psql -X -At -d "$senior" -c "SELECT anpr.release_hold($hold, 'case closed')" > /dev/null
"$db" --db "$ANPR_TEST_PG" purge --images "$t/images" --now "$now" > "$t/p3" 2>&1
check "once the hold is released the day goes whole, image directory and all" \
	bash -c "grep -q '^anpr-db: purged 2027-02-10: 1 records deleted, 0 kept' '$t/p3' && [ ! -e '$t/images/2027-02-10' ]"
# a crash between the commit and the removal: the paths stay listed
O "INSERT INTO anpr.retention_files (path) VALUES ('2027-03-15/')" > /dev/null
"$db" --db "$ANPR_TEST_PG" purge --now "$now" > "$t/p4" 2>&1; rc=$?
check "paths listed but no --images: status 1, saying so, nothing unlisted" \
	bash -c "[ $rc -eq 1 ] && grep -q 'wait for --images' '$t/p4' && [ \$(psql -X -At -d '$ANPR_TEST_PG' -c 'select count(*) from anpr.retention_files') -eq 1 ]"
"$db" --db "$ANPR_TEST_PG" purge --images "$t/nonexistent" --now "$now" > "$t/p5" 2>&1; rc=$?
check "a wrong --images is refused before anything (status $rc)" \
	bash -c "[ $rc -ne 0 ] && grep -q 'not a directory' '$t/p5' && [ \$(psql -X -At -d '$ANPR_TEST_PG' -c 'select count(*) from anpr.retention_files') -eq 1 ]"
ln -s /etc "$t/images/2027-12-31"
O "INSERT INTO anpr.retention_files (path) VALUES ('2027-12-31/')" > /dev/null
"$db" --db "$ANPR_TEST_PG" purge --images "$t/images" --now "$now" > "$t/p6" 2>&1
check "a day directory that is a link is left as it is, and named" \
	bash -c "grep -q 'not a directory; left as it is' '$t/p6' && [ -d /etc ] && [ -L '$t/images/2027-12-31' ]"
check "the listed directory of a crash is removed by the next run" test ! -e "$t/images/2027-03-15"

# ---- a held read's disclosure after the purge (0013). Camera CAM-A's
# chain as cameras make it (ev_fill: 60 records, a checkpoint every 20,
# images), through anpr-upload and anpr-ingest, which verify each
# checkpoint's Merkle root; all of it on today's date, purged 25 months on.
setup=$PWD/$build/ingest/ingest_setup
fill=$PWD/$build/evidence/ev_fill
(
	cd "$t" || exit 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=test-ca -keyout ca.key -out ca.pem 2>/dev/null
	for who in server CAM-A; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$who" \
			-keyout "$who.key" -out "$who.csr" 2>/dev/null
		printf 'subjectAltName=IP:127.0.0.1\n' > "$who.ext"
		openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
			-extfile "$who.ext" -out "$who.pem" 2>/dev/null
	done
)
"$bin/anpr-keygen" -p "$t/CAM-A.pub" -s "$t/CAM-A.sec" > /dev/null
"$setup" "$ANPR_TEST_PG" camera CAM-A "$(sed -n 2p "$t/CAM-A.pub")" \
	"$(openssl x509 -in "$t/CAM-A.pem" -outform DER | sha256sum | cut -d' ' -f1)" ||
	nok "register CAM-A"
mkdir "$t/ing"
"$bin/anpr-ingest" --cert "$t/server.pem" --key "$t/server.key" --client-ca "$t/ca.pem" \
	--db "$ANPR_TEST_PG_INGEST" --images "$t/ing" --port 0 \
	--port-file "$t/port" --threads 2 2>> "$t/ingest.err" &
ipid=$!
for _ in $(seq 100); do [ -s "$t/port" ] && break; sleep 0.05; done
{ demo/make-conf "$t" "$PWD/demo/hotlist.csv" "$t/A" "$t/CAM-A.sec" "$t/alerts.sock"
  printf '\n[upload]\nurl = https://127.0.0.1:%s\nclient_cert = %s\nclient_key = %s\nca_file = %s\ntimeout = 5s\n' \
	"$(cat "$t/port")" "$t/CAM-A.pem" "$t/CAM-A.key" "$t/ca.pem"; } > "$t/CAM-A.conf"
"$fill" --spool "$t/A" --key "$t/CAM-A.sec" --n 60 --images --checkpoint 20 --camera CAM-A > /dev/null
"$bin/anpr-upload" --config "$t/CAM-A.conf" --state "$t/sA" --once --max-backoff-ms 50 \
	> "$t/up.out" 2> "$t/up.err"
kill "$ipid" 2>/dev/null; wait "$ipid" 2>/dev/null; ipid=
check "camera A's chain in the store, its checkpoints verified at ingest" \
	test "$(O "select count(*) from anpr.checkpoints k join anpr.record_index i using (record_id)
		where i.camera_id = 'CAM-A' and k.verified_at is not null")" -ge 2 -a \
	     "$(O "select count(*) from anpr.records where vrm = 'AB05CDE'")" = 1
aday=$(O "select capture_day from anpr.record_index where vrm = 'AB05CDE'")
akey=$(O "select vrm_key from anpr.record_index where vrm = 'AB05CDE'")
ahash=$(O "select encode(sha256, 'hex') from anpr.record_index where vrm = 'AB05CDE'")
n_a=$(O "select count(*) from anpr.record_index where camera_id = 'CAM-A'")
n_ar=$(O "select count(*) from anpr.record_index where camera_id = 'CAM-A' and vrm is not null")
hold2=$(psql -X -At -d "$senior" -c "SELECT anpr.hold('OP-DISC', '{$akey}', NULL, NULL, NULL, '2031-01-01Z')")
now2=$(date -u -d "$aday 12:00 UTC + 25 months" +%s)
"$db" --db "$ANPR_TEST_PG" purge --images "$t/ing" --now "$now2" > "$t/p7" 2> "$t/p7.err"; rc=$?
check "25 months on, $aday purged read by read: camera A's $((n_ar - 1)) other reads go, the held one and the $((n_a - n_ar)) records that are not reads stay" \
	bash -c "[ $rc -eq 0 ] && grep -q '^anpr-db: purged $aday: $((n_ar - 1)) records deleted, $((n_a - n_ar + 1)) kept' '$t/p7' &&
		 [ \$(grep -c '^anpr-db: purged' '$t/p7') -eq 1 ]"
check "...the files go with them: the day's image files left are the held read's" \
	test "$(find "$t/ing/$aday" -type f | sed 's,.*/,,; s,\.jpg$,,' | sort | tr '\n' ' ')" = \
	     "$(O "select h from (select encode(plate_sha256, 'hex') h from anpr.records where vrm = 'AB05CDE'
		union select encode(overview_sha256, 'hex') from anpr.records where vrm = 'AB05CDE') x
		where h is not null order by 1" | tr '\n' ' ')"
span=$(O "select k.first_seq || ' ' || k.last_seq from anpr.checkpoints k, anpr.record_index i
	where i.vrm = 'AB05CDE' and k.chain_id = i.chain_id and i.chain_seq between k.first_seq and k.last_seq")
check "the purge kept the hashes of the held read's span's deleted records, and of no other span: no other keeps a read (span $span)" \
	test "$(O "select count(*) from anpr.retention_leaves")" = \
	     "$(O "select count(*) from anpr.retention_deleted d, generate_series(d.first_seq, d.last_seq) s
		where s between ${span% *} and ${span#* } and d.chain_id = (select chain_id from anpr.record_index where vrm = 'AB05CDE')")" -a \
	     "$(O "select count(*) from anpr.retention_leaves where chain_seq not between ${span% *} and ${span#* }")" = 0 -a \
	     "$(O "select count(*) from anpr.retention_leaves")" -gt 0
"$bin/anpr-query" --db "$ANPR_TEST_PG_PERSON" --purpose role-relevant --case OP-DISC --vrm AB05CDE \
	--images "$t/ing" --export "$t/held.tar" > "$t/e.out" 2> "$t/e.err"; rc=$?
check "the held read still exports (anpr-query --export, status $rc)" test $rc = 0 -a -s "$t/held.tar"
"$bin/anpr-verify" --key "$t/CAM-A.pub" "$t/held.tar" > "$t/v.out" 2>&1; rc=$?
check "...and anpr-verify accepts the bundle: the read proven under its checkpoint from the kept leaves" \
	bash -c "[ $rc -eq 0 ] && grep -q '^RESULT: OK - 1 disclosed record' '$t/v.out'"
others=0
for i in $(seq 0 99); do
	v=$(printf 'AB%02d CDE' "$i"); w=$(printf 'AB%02dCDE' "$i")
	[ "$w" = AB05CDE ] && continue
	grep -aqF -e "$v" -e "$w" "$t/held.tar" && others=$((others + 1))
done
check "...and holds none of the purged reads' marks" test $others = 0
"$db" --db "$ANPR_TEST_PG" purge --images "$t/ing" --now "$now2" > "$t/p8" 2>&1; rc=$?
check "a second purge deletes nothing (status $rc), the kept hashes stay" \
	bash -c "[ $rc -eq 0 ] && grep -q 'nothing due for deletion' '$t/p8' &&
		 [ \$(psql -X -At -d '$ANPR_TEST_PG' -c 'select count(*) from anpr.retention_leaves') -gt 0 ]"
check "nobody else reads the kept hashes: the person's direct SELECT is refused" \
	bash -c "! psql -X -At -d '$ANPR_TEST_PG_PERSON' -c 'select count(*) from anpr.retention_leaves' > /dev/null 2>&1"
psql -X -At -d "$senior" -c "SELECT anpr.release_hold($hold2, 'case closed')" > /dev/null
"$db" --db "$ANPR_TEST_PG" purge --images "$t/ing" --now "$now2" > "$t/p9" 2>&1
check "the hold released, the read and its day go whole, and the kept hashes with them" \
	bash -c "grep -q '^anpr-db: purged $aday: $((n_a - n_ar + 1)) records deleted, 0 kept' '$t/p9' &&
		 [ ! -e '$t/ing/$aday' ] &&
		 [ \$(psql -X -At -d '$ANPR_TEST_PG' -c 'select count(*) from anpr.retention_leaves') -eq 0 ]"

# ---- the leaves across day boundaries (SQL, a chain of camera VAN-2):
#   2027-06-01  1 read, 2 read
#   2027-06-02  3 read, 4 checkpoint of 1..3, 5 read HELD2 (held), 6 read
#   2027-06-03  7 read, 8 checkpoint of 5..7
# Span 1..3 crosses from the whole day 06-01 into 06-02: the purge of 06-01
# keeps 1 and 2 (3 is still there), that of 06-02 deletes 3, and then the
# span has nothing left: 1 and 2 go too. Span 5..7 crosses from the held
# day into the whole day 06-03: 6 and 7 kept, and 06-03 keeps its
# checkpoint record (8) and loses its read. The held read's export
# has its span's leaves whole: 5 from the store, 6 and 7 kept.
O "INSERT INTO anpr.cameras (camera_id, kind) VALUES ('VAN-2', 'mobile');
   INSERT INTO anpr.chains (chain_id, camera_id) VALUES ('00000000000000C2', 'VAN-2')" > /dev/null
prev=0000000000000000000000000000000000000000000000000000000000000000
for spec in 1:2027-06-01:read:X1AAA 2:2027-06-01:read:X2AAA 3:2027-06-02:read:X3AAA \
	    4:2027-06-02:checkpoint: 5:2027-06-02:read:HELD2 6:2027-06-02:read:X6AAA \
	    7:2027-06-03:read:X7AAA 8:2027-06-03:checkpoint:; do
	IFS=: read -r seq day type vrm <<< "$spec"
	sha=$(printf 'format=anpr-record/1 chain=C2 seq=%s' "$seq" | sha256sum | cut -d' ' -f1)
	v=NULL; [ -n "$vrm" ] && v="'$vrm'"
	O "SELECT anpr.day_partition(date '$day');
	   INSERT INTO anpr.record_index (record_id, camera_id, chain_id, chain_seq, type, capture_day,
	     sha256, prev_hash, time_utc, vrm, vrm_key, confidence, sig_ok)
	   VALUES ('VAN-2-$seq', 'VAN-2', '00000000000000C2', $seq, '$type', '$day',
	     '\\x$sha', '\\x$prev', '$day 12:00:0${seq}Z', $v, $v, 0.9, true);
	   INSERT INTO anpr.records (capture_day, record_id, camera_id, chain_id, chain_seq, type,
	     time_utc, sha256, prev_hash, rec, sig, vrm, vrm_key, confidence, sig_ok, link)
	   VALUES ('$day', 'VAN-2-$seq', 'VAN-2', '00000000000000C2', $seq, '$type',
	     '$day 12:00:0${seq}Z', '\\x$sha', '\\x$prev', convert_to('C2 $seq', 'UTF8'),
	     'sig', $v, $v, 0.9, true, 'verified')" > /dev/null || nok "insert C2 $seq"
	prev=$sha
done
O "INSERT INTO anpr.checkpoints (record_id, chain_id, first_seq, last_seq, merkle_root, verified_at)
   VALUES ('VAN-2-4', '00000000000000C2', 1, 3, sha256('r1'), now()),
	  ('VAN-2-8', '00000000000000C2', 5, 7, sha256('r2'), now())" > /dev/null
hold3=$(psql -X -At -d "$senior" -c "SELECT anpr.hold('OP-DAYS', '{HELD2}', NULL, NULL, NULL, '2031-01-01Z')")
C2() { O "select string_agg(chain_seq::text, ',' order by chain_seq) from $1 where chain_id = '00000000000000C2'"; }
"$db" --db "$ANPR_TEST_PG" purge --now "$(date -u -d '2029-06-10T00:00:00Z' +%s)" > "$t/p10" 2>&1
check "06-01 whole (2), 06-02 read by read (3 and 6), 06-03 its read only (7): records 4, 5, 8 left" \
	bash -c "grep -q '^anpr-db: purged 2027-06-01: 2 records deleted, 0 kept' '$t/p10' &&
		 grep -q '^anpr-db: purged 2027-06-02: 2 records deleted, 2 kept' '$t/p10' &&
		 grep -q '^anpr-db: purged 2027-06-03: 1 records deleted, 1 kept' '$t/p10' &&
		 [ \"\$(psql -X -At -d '$ANPR_TEST_PG' -c \"select string_agg(chain_seq::text, ',' order by chain_seq)
			from anpr.record_index where chain_id = '00000000000000C2'\")\" = 4,5,8 ]"
check "kept: the hashes of 6 and 7 (span 5..7 keeps 5); 1 and 2 kept by 06-01 and gone with 3" \
	test "$(C2 anpr.retention_leaves)" = 6,7 -a \
	     "$(O "select count(*) from anpr.retention_leaves l join anpr.retention_deleted d
		on d.chain_id = l.chain_id and l.chain_seq between d.first_seq and d.last_seq
		where l.chain_id = '00000000000000C2'")" = 2
h() { printf 'format=anpr-record/1 chain=C2 seq=%s' "$1" | sha256sum | cut -d' ' -f1; }
check "the held read's export: checkpoint 8, span 5..7, leaves whole (5 stored, 6 and 7 kept)" \
	test "$(O "select cp_seq || ' ' || cp_first || ' ' || cp_last || ' ' ||
		array_to_string(ARRAY(SELECT encode(l, 'hex') FROM unnest(leaves) l), ',')
		from anpr.export_reads_at(now(), 'HELD2', NULL, NULL, NULL, NULL, 'role-relevant',
		  'OP-DAYS', NULL, false) where record_id is not null")" = "8 5 7 $(h 5),$(h 6),$(h 7)"
# 0014: the held read is over 24 months old at the purge's clock (it was
# searched above at the present, when it is not yet): the hold's case may
# search and export it, for major crime or counter terrorism, and nothing
# else may (docs/access.md, section 1)
at="timestamptz '2029-06-10 00:00Z'"
XA() { O "select count(*) filter (where record_id is not null) || ' ' ||
	coalesce(string_agg(withheld_reason, ',') filter (where record_id is null), '-')
	from anpr.export_reads_at($at, 'HELD2', NULL, NULL, NULL, NULL, '$1', '$2', NULL, false)"; }
check "past 24 months the held read exports for its hold's case, major crime ($(XA major-crime OP-DAYS))" \
	test "$(XA major-crime OP-DAYS)" = "1 -"
check "...and counter terrorism ($(XA counter-terrorism OP-DAYS))" \
	test "$(XA counter-terrorism OP-DAYS)" = "1 -"
check "...not for another case, due for deletion there ($(XA major-crime OP-OTHER))" \
	test "$(XA major-crime OP-OTHER)" = "0 due-for-deletion"
check "...not for a lesser purpose, even the hold's case ($(XA serious-crime OP-DAYS); $(XA role-relevant OP-DAYS))" \
	test "$(XA serious-crime OP-DAYS)" = "0 due-for-deletion" -a "$(XA role-relevant OP-DAYS)" = "0 due-for-deletion"
check "...and the search answers alike (the hold's case finds it, another case does not)" \
	test "$(O "select count(*) from anpr.search_reads_at($at, 'HELD2', NULL, NULL, NULL, NULL,
		'major-crime', 'OP-DAYS', NULL) where record_id is not null")" = 1 -a \
	     "$(O "select count(*) from anpr.search_reads_at($at, 'HELD2', NULL, NULL, NULL, NULL,
		'major-crime', 'OP-ELSE', NULL) where record_id is not null")" = 0
O "UPDATE anpr.retention_leaves SET sha256 = sha256('other') WHERE chain_id = '00000000000000C2' AND chain_seq = 7" > /dev/null
O "DELETE FROM anpr.retention_leaves WHERE chain_id = '00000000000000C2' AND chain_seq = 6" > /dev/null
check "a span missing a leaf that is neither stored nor kept is not whole: leaves NULL" \
	test "$(O "select coalesce(array_length(leaves, 1), 0) from anpr.export_reads_at(now(), 'HELD2', NULL,
		NULL, NULL, NULL, 'role-relevant', 'OP-DAYS', NULL, false) where record_id is not null")" = 0
O "INSERT INTO anpr.retention_leaves (chain_id, chain_seq, sha256) VALUES ('00000000000000C2', 6, '\\x$(h 6)')" > /dev/null
"$db" --db "$ANPR_TEST_PG" purge --now "$(date -u -d '2029-06-10T00:00:00Z' +%s)" > "$t/p11" 2>&1
check "a second purge deletes nothing (06-03 keeps its checkpoint, no read of it left)" \
	bash -c "grep -q 'nothing due for deletion' '$t/p11' && [ \"\$(psql -X -At -d '$ANPR_TEST_PG' -c \"select count(*)
		from anpr.record_index where chain_id = '00000000000000C2'\")\" = 3 ]"
psql -X -At -d "$senior" -c "SELECT anpr.release_hold($hold3, 'case closed')" > /dev/null
"$db" --db "$ANPR_TEST_PG" purge --now "$(date -u -d '2029-06-10T00:00:00Z' +%s)" > "$t/p12" 2>&1
check "the hold released: 06-02 and 06-03 go whole, and the kept hashes with them" \
	bash -c "grep -q '^anpr-db: purged 2027-06-02: 2 records deleted, 0 kept' '$t/p12' &&
		 grep -q '^anpr-db: purged 2027-06-03: 1 records deleted, 0 kept' '$t/p12' &&
		 [ \$(psql -X -At -d '$ANPR_TEST_PG' -c 'select count(*) from anpr.retention_leaves') -eq 0 ] &&
		 [ \$(psql -X -At -d '$ANPR_TEST_PG' -c \"select count(*) from pg_class where relname in ('records_20270602', 'records_20270603')\") -eq 0 ]"
tap_done
