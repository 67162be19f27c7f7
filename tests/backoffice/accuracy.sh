#!/bin/bash
# Read accuracy per camera (issue 23 item 5; 0018_read_accuracy.sql,
# docs/console.md "Built: read accuracy"), against a private PostgreSQL:
# the Wilson interval on its own (Newcombe's published values); three
# cameras' reads through the real anpr-upload and anpr-ingest (ev_fill's
# signed chains: CAM-P today, CAM-Q a day earlier, CAM-R none); the
# day's sample drawn by anpr-db, the reads with the lowest SHA-256 of
# their record ids (computed here with sha256sum), the same on a second
# draw; the reviewers' queue drawing the days that ended by itself;
# verdicts as a reviewer, each stored and audited (anpr-audit verify),
# every malformed one refused with its reason and nothing stored;
# operators' misread marks counted apart; the figures and intervals for
# known verdicts, from SQL and from `anpr-db accuracy` (text, --json,
# exit status); who may do what; no site anywhere.
#   tests/backoffice/accuracy.sh BUILD
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
bin=$PWD/$build/bin
setup=$PWD/$build/ingest/ingest_setup
fill=$PWD/$build/evidence/ev_fill
. tests/lib/tap.sh
. tests/lib/pg.sh
. tests/lib/ingest.sh
t=$(mktemp -d /tmp/anpr-accuracy-XXXXXX)
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
# as a person (loopback trust in the test cluster): the error, if refused
P() { psql -X -At -v ON_ERROR_STOP=1 -d "${ANPR_TEST_PG/user=anpr_owner/user=$1}" -c "$2" 2>&1; }
"$bin/anpr-db" --db "$ANPR_TEST_PG" migrate --sql backoffice/sql > /dev/null || nok "migrations"

# ---- the Wilson interval on its own: Newcombe (1998), Table I, method 3
wil() { O "select to_char(lower, 'FM0.0000') || ' ' || to_char(upper, 'FM0.0000') from anpr.wilson_interval($1, $2)"; }
check "Wilson 95 %: 81 of 263 is 0.2553 to 0.3662 (got $(wil 81 263))" test "$(wil 81 263)" = "0.2553 0.3662"
check "Wilson 95 %: 15 of 148 is 0.0624 to 0.1605 (got $(wil 15 148))" test "$(wil 15 148)" = "0.0624 0.1605"
check "Wilson 95 %: 0 of 20 is 0 to 0.1611, the lower bound exactly 0 (got $(wil 0 20))" \
	test "$(wil 0 20)" = "0.0000 0.1611" -a "$(O "select lower = 0 from anpr.wilson_interval(0, 20)")" = t
check "Wilson 95 %: 1 of 29 is 0.0061 to 0.1718 (got $(wil 1 29))" test "$(wil 1 29)" = "0.0061 0.1718"
check "Wilson 95 %: 3 of 3 reaches 1 exactly, from 0.4385 (got $(wil 3 3))" \
	test "$(wil 3 3)" = "0.4385 1.0000" -a "$(O "select upper = 1 from anpr.wilson_interval(3, 3)")" = t
check "Wilson: 0 of 0 has no interval (NULLs); 5 of 4 and -1 of 3 are refused" \
	bash -c "[ \"\$(psql -X -At -d '$ANPR_TEST_PG' -c 'select coalesce(lower::text, \$\$null\$\$) from anpr.wilson_interval(0, 0)')\" = null ] &&
		psql -X -At -d '$ANPR_TEST_PG' -c 'select anpr.wilson_interval(5, 4)' 2>&1 | grep -q '0 <= k <= n' &&
		psql -X -At -d '$ANPR_TEST_PG' -c 'select anpr.wilson_interval(-1, 3)' 2>&1 | grep -q '0 <= k <= n'"

# ---- three cameras; CAM-P's 20 reads today, CAM-Q's 12 a day earlier
ing_pki "$t" server CAM-P CAM-Q CAM-R || nok "test PKI"
for c in CAM-P CAM-Q CAM-R; do
	ing_camera "$bin" "$setup" "$t" "$c" || nok "register $c"
done
"$fill" --spool "$t/CAM-P" --key "$t/CAM-P.sec" --n 20 --camera CAM-P --images > /dev/null
"$fill" --spool "$t/CAM-Q" --key "$t/CAM-Q.sec" --n 12 --camera CAM-Q --images \
	--image-salt 7 --age-s 90000 > /dev/null
mkdir "$t/images"
ing_start "$bin" "$t" "$t/images" --threads 2 || nok "anpr-ingest did not start"
ipid=$ING_PID
rcs=
for c in CAM-P CAM-Q; do
	ing_upload "$bin" "$t" "$c" "$t/$c" "$t/s-$c"; rcs="$rcs$?"
done
kill -TERM "$ipid"; wait "$ipid" 2>/dev/null; ipid=
check "the reads stored through anpr-upload and anpr-ingest (status $rcs): CAM-P 20, CAM-Q 12" \
	test "$rcs" = 00 -a "$(O "select string_agg(camera_id || ' ' || n, ',' order by camera_id) from
		(select camera_id, count(*) n from anpr.record_index where vrm is not null group by 1) x")" = "CAM-P 20,CAM-Q 12"
O "update anpr.accuracy_settings set per_camera_day = 10" > /dev/null

# ---- the day's sample: drawn by anpr-db, reproducibly, by hash
pday=$(O "select min(capture_day) from anpr.record_index where camera_id = 'CAM-P'")
qday=$(O "select min(capture_day) from anpr.record_index where camera_id = 'CAM-Q'")
out=$("$bin/anpr-db" --db "$ANPR_TEST_PG" accuracy draw "$pday")
check "anpr-db accuracy draw $pday: 10 of CAM-P's reads ($out)" \
	bash -c "echo '$out' | grep -q '$pday: 10 reads drawn'"
# the expected sample, outside the database: the 10 record ids of that
# day whose SHA-256 is lowest
for id in $(O "select record_id from anpr.record_index where camera_id = 'CAM-P' and capture_day = '$pday' and vrm is not null"); do
	printf '%s %s\n' "$(printf '%s' "$id" | sha256sum | cut -d' ' -f1)" "$id"
done | sort | head -10 | awk '{ print $2 }' > "$t/expected"
O "select record_id from anpr.accuracy_sample where camera_id = 'CAM-P' order by rank" > "$t/drawn"
check "...the 10 whose record ids have the lowest SHA-256, in that order (sha256sum agrees)" \
	bash -c "[ \$(wc -l < '$t/drawn') = 10 ] && cmp -s '$t/expected' '$t/drawn'"
out=$("$bin/anpr-db" --db "$ANPR_TEST_PG" accuracy draw "$pday")
check "a second draw of the day draws nothing, the sample unchanged ($out)" \
	bash -c "echo '$out' | grep -q 'nothing drawn now' &&
		[ \"\$(psql -X -At -d '$ANPR_TEST_PG' -c \"select string_agg(record_id, E'\\n' order by rank) from anpr.accuracy_sample where camera_id = 'CAM-P'\")\" = \"\$(cat '$t/drawn')\" ]"
tomorrow=$(O "select (now() at time zone 'UTC')::date + 1")
"$bin/anpr-db" --db "$ANPR_TEST_PG" accuracy draw "$tomorrow" > /dev/null 2> "$t/err"; rc=$?
check "a day not begun is refused (status $rc): $(cat "$t/err")" \
	bash -c "[ $rc = 1 ] && grep -q 'a day that has begun' '$t/err'"
"$bin/anpr-db" --db "$ANPR_TEST_PG" accuracy draw 2026-13-45 > /dev/null 2> "$t/err"; rc=$?
check "not a day: usage, status 2 (got $rc)" bash -c "[ $rc = 2 ] && grep -q 'not a day' '$t/err'"

# ---- people: a reviewer who may see images, one who may not, an operator
psql -X -q -v ON_ERROR_STOP=1 -d "$ANPR_TEST_PG_SUPER" > /dev/null <<-SQL
	CREATE ROLE rev_1 LOGIN IN ROLE anpr_reviewer, anpr_hit_images;
	CREATE ROLE rev_2 LOGIN IN ROLE anpr_reviewer;
	CREATE ROLE op_1 LOGIN IN ROLE anpr_operator;
	ALTER ROLE anpr_console LOGIN;
	SQL
P rev_1 "select id, camera_id, record_id, vrm, images from anpr.accuracy_queue(100)" > "$t/queue"
check "the reviewer's queue draws the ended day by itself: CAM-P's 10 and CAM-Q's 10 of 12 ($(wc -l < "$t/queue") offered)" \
	test "$(wc -l < "$t/queue")" = 20 -a "$(grep -c '|CAM-Q|' "$t/queue")" = 10 -a \
	     "$(O "select drawn_by from anpr.accuracy_days where day = '$qday'")" = rev_1
check "...each with the mark read and images allowed for rev_1 (anpr_hit_images)" \
	bash -c "! grep -qv '|AB[0-9][0-9]CDE|t\$' '$t/queue'"
check "...and for rev_2 (not in anpr_hit_images) the same 20, images not allowed" \
	test "$(P rev_2 "select count(*) filter (where not images) from anpr.accuracy_queue(100)")" = 20
sid() { O "select s.id from anpr.accuracy_sample s where s.camera_id = '$1' and s.rank = $2"; }

# ---- verdicts, as rev_1: CAM-P 8 confirmed, 1 corrected, 1 cannot tell;
# CAM-Q 9 confirmed, 1 not a plate
V() { P rev_1 "select anpr.accuracy_verdict($1, '$2', $3, $4)"; }
bad=
for r in 1 2 3 4 5 6 7 8; do V "$(sid CAM-P $r)" confirmed null "''" > /dev/null || bad="$bad P$r"; done
V "$(sid CAM-P 9)" corrected "'ab 12 xyz'" "'wheel arch over the plate'" > /dev/null || bad="$bad P9"
V "$(sid CAM-P 10)" cannot-tell null "'glare'" > /dev/null || bad="$bad P10"
for r in 1 2 3 4 5 6 7 8; do V "$(sid CAM-Q $r)" confirmed null null > /dev/null || bad="$bad Q$r"; done
V "$(sid CAM-Q 10)" not-a-plate null "'a sign on a van'" > /dev/null || bad="$bad Q10"
check "19 verdicts given as rev_1${bad:+ (failed:$bad)}" \
	test -z "$bad" -a "$(O "select count(*) from anpr.accuracy_verdicts where who = 'rev_1'")" = 19

# ---- malformed verdicts on CAM-Q's 9th: each refused saying why, nothing
# stored or audited
nv=$(O "select count(*) from anpr.accuracy_verdicts")
na=$(O "select count(*) from audit.entries")
q9=$(sid CAM-Q 9)
bad=
try() {	# try EXPECTED-WORDS VERDICT VRM NOTE
	local e
	e=$(V "$q9" "$2" "$3" "$4")
	echo "$e" | grep -q -- "$1" || bad="$bad [$2 $3: $e]"
}
try "verdict: confirmed, corrected" maybe null null
try "a corrected verdict gives the plate's mark" corrected null null
try "no control characters in a mark" corrected "E'AB12\\001CD'" null
try "no control characters in a mark" corrected "E'AB12\\nCD'" null
try "1 to 10 letters" corrected "'AB-12'" null
try "1 to 10 letters" corrected "'AB12CDEFGHIJK'" null
try "1 to 10 letters" corrected "'AB12ÇD'" null
try "confirm it instead" corrected "'$(O "select vrm from anpr.record_index i join anpr.accuracy_sample s using (record_id) where s.id = $q9")'" null
try "only a corrected verdict gives a mark" confirmed "'AB12CDE'" null
try "at most 1000 characters" confirmed null "repeat('x', 1001)"
try "no control characters" confirmed null "E'line\\nbreak'"
e=$(V 999999 confirmed null null)
echo "$e" | grep -q "no sampled read 999999" || bad="$bad [no such: $e]"
e=$(V "$(sid CAM-P 1)" corrected "'ZZ99ZZZ'" null)
echo "$e" | grep -q "already has its verdict (confirmed by rev_1" || bad="$bad [twice: $e]"
check "malformed verdicts refused with their reason (a verdict not of the list, a correction without a mark, a mark with control characters, punctuation, 13 characters or a letter not A-Z, the mark read, a mark on a confirmation, a note of 1001 characters or with a line break, no such read, a second verdict)${bad:+:$bad}" \
	test -z "$bad"
check "...nothing stored or audited by any of them" \
	test "$(O "select count(*) from anpr.accuracy_verdicts")" = "$nv" -a \
	     "$(O "select count(*) from audit.entries")" = "$na"
check "a note of exactly 1000 characters is taken" \
	test -n "$(V "$q9" confirmed null "repeat('y', 1000)")"
check "the correction stored as the mark: letters and digits, folded (AB12XYZ), with the note" \
	test "$(O "select corrected_vrm || ' ' || note from anpr.accuracy_verdicts where sample_id = $(sid CAM-P 9)")" = "AB12XYZ wheel arch over the plate"
check "each verdict audited (review-verdict of rev_1: sample, camera, record, verdict, mark), linked by its seq" \
	test "$(O "select count(*) from anpr.accuracy_verdicts v join audit.entries e on e.seq = v.audit_seq
		join anpr.accuracy_sample s on s.id = v.sample_id
		where e.action = 'review-verdict' and e.who = 'rev_1' and (e.question->>'sample')::bigint = v.sample_id
		and e.question->>'camera' = s.camera_id and e.question->>'record' = s.record_id
		and e.question->>'verdict' = v.verdict
		and coalesce(e.question->>'vrm', '') = coalesce(v.corrected_vrm, '')")" = 20
check "the queue is empty once every sampled read has its verdict" \
	test "$(P rev_1 "select count(*) from anpr.accuracy_queue(100)")" = 0

# ---- operators' misread marks on CAM-P's hits, counted apart
hit() { O "select id from anpr.alert_put('CAM-P', $1, 'hit', now(), '{\"seq\":$1,\"kind\":\"hit\",\"n\":$1}')" | head -1; }
h1=$(hit 1); h2=$(hit 2); h3=$(hit 3); h4=$(hit 4)
A() { P op_1 "select anpr.hit_action($1, '$2', '')" > /dev/null; }
A "$h1" misread; A "$h2" dispatched; A "$h3" acknowledged; A "$h3" misread
check "op_1 marks CAM-P's hits: 2 misread (one after acknowledging), 1 dispatched, 1 not acted on" \
	test "$(O "select count(*) from anpr.hit_actions where who = 'op_1'")" = 4

# ---- the figures for known verdicts
fig() { O "select $2 from anpr.camera_accuracy() where camera_id = '$1'"; }
f4() { printf "to_char(%s, 'FM0.0000')" "$1"; }
check "CAM-P: 8 of 9 (confirmed of confirmed, corrected, not a plate; cannot tell left out) = 0.8889, Wilson 0.5650 to 0.9801" \
	test "$(fig CAM-P "confirmed || ' ' || corrected || ' ' || cannot_tell || ' ' || $(f4 accuracy) || ' ' || $(f4 lower) || ' ' || $(f4 upper)")" = \
		"8 1 1 0.8889 0.5650 0.9801"
check "CAM-Q: 9 of 10 (a not-a-plate counts against) = 0.9000, Wilson 0.5958 to 0.9821, 2 of its 12 reads never sampled" \
	test "$(fig CAM-Q "confirmed || ' ' || not_a_plate || ' ' || sampled || ' ' || $(f4 accuracy) || ' ' || $(f4 lower) || ' ' || $(f4 upper)")" = \
		"9 1 10 0.9000 0.5958 0.9821"
check "CAM-P's hits: 2 misread of 3 acted on (the last action counts), Wilson 0.2077 to 0.9385; apart from the sample" \
	test "$(fig CAM-P "hits_acted || ' ' || misread || ' ' || $(f4 misread_lower) || ' ' || $(f4 misread_upper) || ' ' || confirmed")" = \
		"3 2 0.2077 0.9385 8"
check "needs attention at 90 %: CAM-P and CAM-Q (lower bounds below), CAM-R (no verdicts)" \
	test "$(O "select string_agg(camera_id || ': ' || attention, '; ' order by camera_id) from anpr.camera_accuracy()")" = \
		"CAM-P: lower bound 56.5 % is below 90.0 %; CAM-Q: lower bound 59.6 % is below 90.0 %; CAM-R: no verdicts in the last 28 days"
O "update anpr.accuracy_settings set attention_below = 0.58" > /dev/null
check "at 58 %: CAM-Q no longer (59.6 %), CAM-P still (56.5 %)" \
	test "$(O "select string_agg(camera_id, ',' order by camera_id) from anpr.camera_accuracy() where attention is not null")" = "CAM-P,CAM-R"

# ---- anpr-db accuracy: the anpr-status manner, text and --json
"$bin/anpr-db" --db "$ANPR_TEST_PG" accuracy > "$t/acc.txt"; rc=$?
check "anpr-db accuracy: one line a camera with its figures, status 1 (attention) (got $rc)" \
	bash -c "[ $rc = 1 ] && grep -q '^  CAM-P  *88.9 % (8 of 9; 95 % CI 56.5 % to 98.0 %); corrected 1, not a plate 0, cannot tell 1, unreviewed 0; hits: 2 misread of 3 acted on (20.8 % to 93.9 %)\$' '$t/acc.txt' &&
		grep -q '^  CAM-Q  *90.0 % (9 of 10; 95 % CI 59.6 % to 98.2 %);.*hits: none acted on\$' '$t/acc.txt' &&
		grep -q '^  CAM-R  *not measured;' '$t/acc.txt'"
check "...then what needs attention, as anpr-status does" \
	bash -c "sed -n '/^needs attention:/,\$p' '$t/acc.txt' | grep -c '^  ! ' | grep -qx 2 &&
		grep -q '^  ! CAM-P: lower bound 56.5 % is below 58.0 %' '$t/acc.txt' &&
		grep -q '^  ! CAM-R: no verdicts in the last 28 days' '$t/acc.txt'"
"$bin/anpr-db" --db "$ANPR_TEST_PG" accuracy --json > "$t/acc.json"; rc=$?
check "anpr-db accuracy --json: the same figures, needs_attention 2, status 1 (got $rc)" \
	/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); c = {x["camera"]: x for x in d["cameras"]}
p, q, r = c["CAM-P"], c["CAM-Q"], c["CAM-R"]
ok = (sys.argv[2] == "1" and d["needs_attention"] == 2 and d["window_days"] == 28 and d["per_camera_day"] == 10
      and abs(d["attention_below"] - 0.58) < 1e-9
      and (p["confirmed"], p["corrected"], p["cannot_tell"], p["hits_acted"], p["misread"]) == (8, 1, 1, 3, 2)
      and abs(p["accuracy"] - 8 / 9) < 1e-9 and abs(p["lower"] - 0.565000) < 1e-5 and abs(p["upper"] - 0.980109) < 1e-5
      and abs(q["lower"] - 0.595850) < 1e-5 and q["attention"] is None
      and r["accuracy"] is None and r["lower"] is None and r["attention"].startswith("no verdicts"))
sys.exit(0 if ok else 1)' "$t/acc.json" "$rc"
O "update anpr.accuracy_settings set attention_below = 0.5" > /dev/null
"$bin/anpr-db" --db "$ANPR_TEST_PG" accuracy --days 1 > "$t/acc1.txt"; rc1=$?
check "--days 1: only today's sample (CAM-P; CAM-Q's day is before), status 1 for CAM-Q and CAM-R unmeasured (got $rc1)" \
	bash -c "[ $rc1 = 1 ] && grep -q '^anpr read accuracy: last 1 days' '$t/acc1.txt' &&
		grep -q '^  CAM-Q  *not measured' '$t/acc1.txt' && grep -q '^  CAM-P  *88.9 %' '$t/acc1.txt'" 
"$bin/anpr-db" --db "$ANPR_TEST_PG" accuracy --days 91 > /dev/null 2>&1; r91=$?
"$bin/anpr-db" --db "$ANPR_TEST_PG" accuracy --days x > /dev/null 2>&1; rx=$?
check "--days 91 and --days x: usage, status 2 (got $r91, $rx)" test "$r91" = 2 -a "$rx" = 2
check "no site in anpr-db accuracy's output (text or JSON)" \
	bash -c "! grep -q 'SITE-' '$t/acc.txt' '$t/acc.json' '$t/acc1.txt'"

# ---- images through the control room's policy, audited
img=$(P rev_1 "select allowed || ' ' || encode(sha256, 'hex') from anpr.accuracy_image($(sid CAM-P 1), 'plate')")
want=$(O "select encode(r.plate_sha256, 'hex') from anpr.records r join anpr.accuracy_sample s using (record_id) where s.id = $(sid CAM-P 1)")
check "rev_1 (anpr_hit_images) is given the plate patch's file (its SHA-256, the record's), audited review-image" \
	test "$img" = "true $want" -a \
	     "$(O "select count(*) from audit.entries where action = 'review-image' and who = 'rev_1' and (question->>'sample')::bigint = $(sid CAM-P 1) and question->>'image' = 'plate'")" = 1
img=$(P rev_2 "select allowed || ' ' || why from anpr.accuracy_image($(sid CAM-P 1), 'overview')")
check "rev_2 (not in anpr_hit_images) is refused, audited refused ($img)" \
	test "${img#false not in anpr_hit_images}" != "$img" -a \
	     "$(O "select count(*) from audit.entries where action = 'refused' and who = 'rev_2' and question->>'function' = 'accuracy_image'")" = 1
check "rev_2 reads the figures all the same (3 cameras)" \
	test "$(P rev_2 "select count(*) from anpr.camera_accuracy()")" = 3

# ---- who may do what
check "an operator (op_1) cannot see the queue, give a verdict or read the figures" \
	bash -c "$(declare -f P); ANPR_TEST_PG='$ANPR_TEST_PG';
		P op_1 'select * from anpr.accuracy_queue()' | grep -q 'permission denied' &&
		P op_1 \"select anpr.accuracy_verdict(1, 'confirmed', null, '')\" | grep -q 'permission denied' &&
		P op_1 'select * from anpr.camera_accuracy()' | grep -q 'permission denied'"
check "a reviewer cannot write verdicts or draw but through the functions, nor read the sample's table" \
	bash -c "$(declare -f P); ANPR_TEST_PG='$ANPR_TEST_PG';
		P rev_1 \"insert into anpr.accuracy_verdicts values ($(sid CAM-P 1), 'confirmed', null, '', 'x', now(), 1)\" | grep -q 'permission denied' &&
		P rev_1 \"select anpr.accuracy_draw(current_date)\" | grep -q 'permission denied' &&
		P rev_1 'select * from anpr.accuracy_sample' | grep -q 'permission denied' &&
		P rev_1 \"update anpr.accuracy_settings set attention_below = 0\" | grep -q 'permission denied'"
check "anpr_console (the cameras' side) cannot give a verdict" \
	bash -c "$(declare -f P); ANPR_TEST_PG='$ANPR_TEST_PG';
		P anpr_console \"select anpr.accuracy_verdict(1, 'confirmed', null, '')\" | grep -q 'permission denied'"
check "a reviewer outside anpr_location gets no site from anpr.camera_site" \
	test -z "$(P rev_1 "select anpr.camera_site('CAM-P')")"
"$bin/anpr-audit" --db "$ANPR_TEST_PG" verify > "$t/verify.out" 2>&1; vrc=$?
check "anpr-audit verify: the chain with the verdicts and images intact (status $vrc)" \
	bash -c "[ $vrc -eq 0 ] && grep -q 'audit chain intact' '$t/verify.out'"

# ---- retention: a sampled read whose record the purge took goes, with
# its verdict; the others stay
O "insert into anpr.accuracy_sample (day, camera_id, record_id, rank) values ('$qday', 'CAM-Q', 'CAM-Q-PURGED-1', 99)" > /dev/null
O "insert into anpr.accuracy_verdicts select id, 'confirmed', null, '', 'rev_1', now(), 1 from anpr.accuracy_sample where record_id = 'CAM-Q-PURGED-1'" > /dev/null
ns=$(O "select count(*) from anpr.accuracy_sample")
out=$("$bin/anpr-db" --db "$ANPR_TEST_PG" purge --images "$t/images")
check "anpr-db purge: a sampled read of a purged record deleted with its verdict ($(echo "$out" | tail -1))" \
	bash -c "echo '$out' | grep -q '1 sampled reads of purged reads deleted, with 1 verdicts' &&
		[ \"\$(psql -X -At -d '$ANPR_TEST_PG' -c 'select count(*) from anpr.accuracy_sample')\" = $((ns - 1)) ] &&
		[ \"\$(psql -X -At -d '$ANPR_TEST_PG' -c \"select count(*) from anpr.accuracy_sample where record_id = 'CAM-Q-PURGED-1'\")\" = 0 ]"
tap_done
