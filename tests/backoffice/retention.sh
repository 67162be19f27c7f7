#!/bin/bash
# Retention (issue 20, docs/access.md "5. Retention"): a private
# PostgreSQL, one camera's chain over four days with image files, a legal
# hold on one mark, and anpr-db purge at a fixed time: exactly what is
# due goes (whole days as partitions, the held day read by read), the
# image files with it, the deleted spans recorded so that the next
# record's link still verifies and no gap is reported; the purge audited
# with the hash of what it deleted; a second run deletes nothing.
#   tests/backoffice/retention.sh BUILD
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
. tests/lib/tap.sh
. tests/lib/pg.sh
t=$(mktemp -d /tmp/anpr-retention-XXXXXX)
trap 'pg_stop; rm -rf "$t"' EXIT
pg_start || { nok "pg_start"; tap_done; exit 1; }
O() { psql -X -At -v ON_ERROR_STOP=1 -d "$ANPR_TEST_PG" -c "$1" 2>&1; }
db=$PWD/$build/bin/anpr-db
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
tap_done
