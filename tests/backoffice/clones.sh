#!/bin/bash
# Cloned and impossible plates (issue 23 item 4; 0017_cloned_plates.sql,
# docs/backoffice.md "Cloned plates"): four fixed cameras' chains
# through the real anpr-upload and anpr-ingest, the same twenty marks
# read by each: in London, 2.4 km from it, in Manchester (262 km) at the
# same time, and in Birmingham two hours before. anpr-ingest flags, as
# each group commits, exactly the pairs no vehicle could make (London
# and its neighbour each against Manchester: 40), none of the pairs two
# hours or 2.4 km apart; a second check flags nothing new; the flags
# reach the console's role and not an analyst; the purge takes them
# with their reads. The SQL parts on their own: positions from each kind
# of position line, the distance, the confidence floor.
#   tests/backoffice/clones.sh BUILD
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
bin=$PWD/$build/bin
setup=$PWD/$build/ingest/ingest_setup
fill=$PWD/$build/evidence/ev_fill
. tests/lib/tap.sh
. tests/lib/pg.sh
. tests/lib/ingest.sh
t=$(mktemp -d /tmp/anpr-clones-XXXXXX)
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
"$bin/anpr-db" --db "$ANPR_TEST_PG" migrate --sql backoffice/sql > /dev/null || nok "migrations"

# ---- the SQL on its own
pos() { O "select lat || ' ' || lon from anpr.position_of(convert_to(E'format=anpr-record/2\\n$1\\nplate_image=-\\n', 'UTF8'))"; }
check "a fixed camera's position line: its site" \
	test "$(pos 'position=status=fixed-site lat=51.507351 lon=-0.127758')" = "51.507351 -0.127758"
check "an in-vehicle camera's GPS fix (gps-3d, with altitude and error after it)" \
	test "$(pos 'position=status=gps-3d lat=53.480759 lon=-2.242631 alt=35.0 eph=4.5 age_ms=120 sats=8')" = "53.480759 -2.242631"
check "a stale fix, no fix, no gpsd: no position (never compared)" \
	test "$(pos 'position=status=gps-stale lat=53.480759 lon=-2.242631 age_ms=90000')$(pos 'position=status=gps-no-fix')$(pos 'position=status=gps-no-gpsd lat=1.0 lon=1.0')" = ""
check "a position line inside another field's value is not the record's" \
	test "$(pos 'note=x position=status=fixed-site lat=1.000000 lon=1.000000')" = ""
km=$(O "select round(anpr.distance_km(51.507351, -0.127758, 53.480759, -2.242631)::numeric, 1)")
check "London to Manchester: $km km (great circle, 262 +- 3)" \
	bash -c "echo '$km' | awk '{ exit !(\$1 > 259 && \$1 < 265) }'"

# ---- four cameras, one chain each, the same marks
ing_pki "$t" server CAM-LON CAM-NEAR CAM-MAN CAM-BHM || nok "test PKI"
for c in CAM-LON CAM-NEAR CAM-MAN CAM-BHM; do
	ing_camera "$bin" "$setup" "$t" "$c" || nok "register $c"
done
"$fill" --spool "$t/CAM-LON" --key "$t/CAM-LON.sec" --n 20 --camera CAM-LON > /dev/null
"$fill" --spool "$t/CAM-NEAR" --key "$t/CAM-NEAR.sec" --n 20 --camera CAM-NEAR \
	--site 51.520000,-0.100000 > /dev/null
"$fill" --spool "$t/CAM-MAN" --key "$t/CAM-MAN.sec" --n 20 --camera CAM-MAN \
	--site 53.480759,-2.242631 > /dev/null
"$fill" --spool "$t/CAM-BHM" --key "$t/CAM-BHM.sec" --n 20 --camera CAM-BHM \
	--site 52.486243,-1.890401 --age-s 7200 > /dev/null
mkdir "$t/images"
ing_start "$bin" "$t" "$t/images" --threads 2 || nok "anpr-ingest did not start"
ipid=$ING_PID
rcs=
for c in CAM-LON CAM-NEAR CAM-MAN CAM-BHM; do
	ing_upload "$bin" "$t" "$c" "$t/$c" "$t/s-$c"; rcs="$rcs$?"
done
check "the four cameras' reads stored (anpr-upload status $rcs; $(O "select count(*) from anpr.record_index where vrm is not null") reads)" \
	test "$rcs" = 0000 -a "$(O "select count(*) from anpr.record_index where vrm is not null")" = 80
flags=$(O "select count(*) from anpr.cloned_plates")
check "anpr-ingest flagged exactly London's and its neighbour's reads against Manchester's ($flags of 40)" \
	test "$flags" = 40 -a \
	     "$(O "select count(*) from anpr.cloned_plates c join anpr.record_index e on e.record_id = c.earlier_record
		join anpr.record_index l on l.record_id = c.later_record
		where e.vrm = l.vrm and c.vrm = e.vrm
		  and (e.camera_id = 'CAM-MAN') <> (l.camera_id = 'CAM-MAN')
		  and (e.camera_id in ('CAM-LON', 'CAM-NEAR') or l.camera_id in ('CAM-LON', 'CAM-NEAR'))")" = 40
check "...each with the distance and the speed the pair needs (> 250 km/h over 255 km)" \
	test "$(O "select count(*) from anpr.cloned_plates where distance_km between 255 and 265 and speed_kmh > 250 and seconds < 60")" = 40
check "...none for Birmingham two hours earlier, nor for the neighbours 2.4 km apart" \
	test "$(O "select count(*) from anpr.cloned_plates c join anpr.record_index i on i.record_id in (c.earlier_record, c.later_record)
		where i.camera_id = 'CAM-BHM'")" = 0
check "anpr-ingest said so as the groups committed" grep -q 'cloned-plate flags\? raised' "$t/ingest.err"
ids=$(O "select string_agg(record_id, ',') from anpr.record_index where vrm is not null")
check "checking every read again flags nothing new" \
	test "$(O "select count(*) from anpr.check_cloned_plates('{$ids}')")" = 0 -a \
	     "$(O "select count(*) from anpr.cloned_plates")" = 40
O "delete from anpr.cloned_plates" > /dev/null
check "a confidence floor above some reads' leaves them out (0.91: the 10 marks read at >= 0.91, 20 pairs)" \
	test "$(O "select count(*) from anpr.check_cloned_plates('{$ids}', min_confidence => 0.91)")" = 20 -a \
	     "$(O "select count(*) from anpr.record_index m where m.camera_id = 'CAM-MAN' and m.confidence >= 0.91")" = 10
# The plan the check runs (0022): made at a session's first call, from
# the statistics of that moment (here a young store, as when anpr-ingest
# opens its sessions): each read of the group by its key, the near reads
# by the mark's index, never record_index scanned whole (0019's plan did:
# its cost grew with the store), and the records' rows fetched only for
# the near reads found (another camera's read of the mark within the
# window: three for each of the 80 reads here)
O "delete from anpr.cloned_plates" > /dev/null
psql -X -q -d "${ANPR_TEST_PG_SUPER/dbname=postgres/dbname=anpr}" > "$t/plan.txt" 2>&1 <<SQL
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_analyze = on;
SET auto_explain.log_level = notice;
SELECT count(*) FROM anpr.check_cloned_plates('{$ids}');
SQL
scans=$(grep -o '\(Seq Scan\|Bitmap Heap Scan\|Index Scan\|Index Only Scan\)\( Backward\)\?\( using [a-z_0-9]*\)\? on record_index' "$t/plan.txt" |
	sort | uniq -c | awk '{ $1 = $1 "x"; print }' | paste -sd, | sed 's/,/, /g')
check "the check's plan in a young store: record_index by its indexes only ($scans)" \
	bash -c "grep -q 'Index Scan using record_index_pkey on record_index' '$t/plan.txt' &&
		 grep -q 'Index Scan using record_index_vrm on record_index' '$t/plan.txt' &&
		 ! grep -q '\(Seq Scan\|Bitmap Heap Scan\) on record_index' '$t/plan.txt'"
near_rows=$(grep -A1 'CTE near' "$t/plan.txt" | sed -n 's/.*actual time=[^ ]* rows=\([0-9]*\) loops=1).*/\1/p' | head -1)
# (r, or r_1, r_2... when the reads span two days' partitions: each
# partition's scan counts the loops it ran, pruned at run time)
r_loops=$(grep -o 'on records_[0-9]* r\(_[0-9]*\)\? .*loops=[0-9]*' "$t/plan.txt" | sed 's/.*loops=//' |
	awk '{ s += $1 } END { if (NR) print s }')
check "...and a read's records row fetched only for a near read found (near reads: ${near_rows:-?}, records fetched: ${r_loops:-?}; 80 reads checked)" \
	test -n "$near_rows" -a "${r_loops:-x}" = "$near_rows"
O "delete from anpr.cloned_plates" > /dev/null
O "select count(*) from anpr.check_cloned_plates('{$ids}')" > /dev/null

# ---- who sees them
psql -X -q -d "$ANPR_TEST_PG_SUPER" -c "ALTER ROLE anpr_console LOGIN" > /dev/null
console=${ANPR_TEST_PG/user=anpr_owner/user=anpr_console}
check "the console's role lists them, newest first (anpr.cloned_plates_recent)" \
	test "$(psql -X -At -d "$console" -c "select count(*) from anpr.cloned_plates_recent()" 2>&1)" = 40
check "an analyst cannot read the table or the list" \
	bash -c "! psql -X -At -d '$ANPR_TEST_PG_PERSON' -c 'select count(*) from anpr.cloned_plates' > /dev/null 2>&1 &&
		 ! psql -X -At -d '$ANPR_TEST_PG_PERSON' -c 'select count(*) from anpr.cloned_plates_recent()' > /dev/null 2>&1"
check "nor can the ingest's role read them back (it may only check)" \
	bash -c "! psql -X -At -d '$ANPR_TEST_PG_INGEST' -c 'select count(*) from anpr.cloned_plates' > /dev/null 2>&1"

# ---- retention: the flags go with their reads
kill "$ipid" 2>/dev/null; wait "$ipid" 2>/dev/null; ipid=
# an operator's action on two flags (0020): it goes with its flag
psql -X -At -d "$ANPR_TEST_PG" -c "select anpr.clone_action(id, 'dispatched', 'unit 7') from anpr.cloned_plates order by id limit 2" > /dev/null
check "two flags acted on (anpr.clone_action: anpr.clone_actions, audited)" \
	test "$(psql -X -At -d "$ANPR_TEST_PG" -c "select count(*) from anpr.clone_actions a join audit.entries e on e.seq = a.audit_seq and e.action = 'clone-action'")" = 2
later=$(date -u -d "+25 months" +%s)
"$bin/anpr-db" --db "$ANPR_TEST_PG" purge --images "$t/images" --now "$later" > "$t/purge.out" 2>&1; rc=$?
check "25 months on, the purge deletes the reads and the 40 flags with them (status $rc)" \
	bash -c "[ $rc -eq 0 ] && grep -q '^anpr-db: 40 cloned-plate flags of purged reads deleted' '$t/purge.out' &&
		 [ \"\$(psql -X -At -d '$ANPR_TEST_PG' -c 'select count(*) from anpr.cloned_plates')\" = 0 ]"
check "...and the operators' actions on them (2 before the purge)" \
	test "$(psql -X -At -d "$ANPR_TEST_PG" -c 'select count(*) from anpr.clone_actions')" = 0
[ $rc -eq 0 ] || sed 's/^/# /' "$t/purge.out" | tail -5
tap_done
