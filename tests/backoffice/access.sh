#!/bin/bash
# The access policy through the database (issue 20, docs/access.md): a
# private PostgreSQL (tests/lib/pg.sh), the migrations, reads of every age
# (10 days, 100 days, 13 months, 25 months), people as login roles in the
# group roles, and anpr.search_reads called as each of them: what comes
# back and what is withheld, by purpose and authorisation; what a direct
# SELECT gets; and the audit entry of every call, hash-chained.
#   tests/backoffice/access.sh BUILD
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
. tests/lib/tap.sh
. tests/lib/pg.sh
t=$(mktemp -d /tmp/anpr-access-XXXXXX)
trap 'pg_stop; rm -rf "$t"' EXIT
pg_start || { nok "pg_start"; tap_done; exit 1; }
base="host=127.0.0.1 port=$ANPR_TEST_PG_PORT dbname=anpr"
O() { psql -X -At -v ON_ERROR_STOP=1 -d "$ANPR_TEST_PG" -c "$1" 2>&1; }	# the owner
S() { psql -X -At -v ON_ERROR_STOP=1 -d "$ANPR_TEST_PG_SUPER dbname=anpr" -c "$1" 2>&1; }
as() { local who=$1; shift; psql -X -At -F '|' -v ON_ERROR_STOP=1 -d "$base user=$who" -c "$1" 2>&1; }

"$build/bin/anpr-db" --db "$ANPR_TEST_PG" migrate --sql backoffice/sql > /dev/null ||
	{ nok "migrations"; tap_done; exit 1; }
psql -X -q -v ON_ERROR_STOP=1 -d "$ANPR_TEST_PG_SUPER" > /dev/null <<'SQL' || { nok "roles"; tap_done; exit 1; }
CREATE ROLE pc_smith LOGIN IN ROLE anpr_analyst;
CREATE ROLE dc_jones LOGIN IN ROLE anpr_analyst, anpr_location;
CREATE ROLE dpo_brown LOGIN IN ROLE anpr_auditor;
SQL
# a new back office: the seal's timer runs before anything was audited
audit=$PWD/$build/bin/anpr-audit
"$build/bin/anpr-keygen" -p "$t/bo.pub" -s "$t/bo.sec" > /dev/null || nok "anpr-keygen"
S "CREATE ROLE sealer LOGIN IN ROLE anpr_sealer" > /dev/null
"$audit" --db "$base user=sealer" seal --key "$t/bo.sec" > "$t/seal0.out" 2>&1
rc=$?
check "anpr-audit seal of an audit with no entry yet: status 0, saying there is nothing to seal (status $rc)" \
	bash -c "[ $rc -eq 0 ] && grep -q 'nothing to seal' '$t/seal0.out'"
# one camera at a site; the mark AB12CDE read 10 days, 100 days, 13 months
# and 25 months ago, and another mark 10 days ago
O "INSERT INTO anpr.cameras (camera_id, kind, site_id, site_lat, site_lon)
   VALUES ('CAM-1', 'fixed', 'SITE-NORTH', 52.1, -1.5)" > /dev/null
k=0	# (n is tap.sh's)
for age in '10 days' '100 days' '13 months' '25 months' 'x'; do
	k=$((k + 1))
	vrm=AB12CDE; [ "$age" = x ] && { vrm=XY99ZZZ; age='10 days'; }
	# the index row and the record (its bytes stand in for a signed
	# record: the export hands them over as they are)
	O "SELECT anpr.day_partition(((now() - interval '$age') AT TIME ZONE 'UTC')::date)" > /dev/null
	O "WITH i AS (INSERT INTO anpr.record_index (record_id, camera_id, chain_id, chain_seq, type,
	   capture_day, sha256, prev_hash, time_utc, vrm, vrm_key, confidence, site_id, sig_ok)
	   SELECT 'CAM-1-00000000000000A1-$k', 'CAM-1', '00000000000000A1', $k, 'read',
	   ((now() - interval '$age') AT TIME ZONE 'UTC')::date, sha256('$k'), sha256('p$k'),
	   now() - interval '$age', '$vrm', '$vrm', 0.95, 'SITE-NORTH', true RETURNING *)
	   INSERT INTO anpr.records (capture_day, record_id, camera_id, chain_id, chain_seq, type,
	   time_utc, sha256, prev_hash, rec, sig, vrm, vrm_key, confidence, site_id, sig_ok, link)
	   SELECT capture_day, record_id, camera_id, chain_id, chain_seq, type, time_utc, sha256,
	   prev_hash, convert_to('record $k site=SITE-NORTH', 'UTF8'), convert_to('sig $k', 'UTF8'),
	   vrm, vrm_key, confidence, site_id, sig_ok, 'pending' FROM i" > /dev/null || nok "insert read $k"
done
Q() {	# Q WHO PURPOSE CASE [AUTH]: the search for AB12CDE
	as "$1" "SELECT coalesce(record_id, ''), coalesce(site_id, ''), coalesce(tier::text, ''),
		coalesce(withheld_reason, ''), coalesce(withheld_count::text, ''), coalesce(needs, '')
		FROM anpr.search_reads('AB12CDE', NULL, NULL, NULL, NULL, '$2', '$3', ${4:-NULL})"
}
Q pc_smith role-relevant INC-1001 > "$t/q1"
check "role-relevant: only the read under 90 days comes back" \
	test "$(grep -c '^CAM-1' "$t/q1")" = 1 -a "$(grep '^CAM-1' "$t/q1" | cut -d'|' -f1)" = CAM-1-00000000000000A1-1
check "...the two between 90 days and 24 months are withheld as the wrong purpose, and said what they need" \
	grep -q '^||2|wrong-purpose|2|a serious crime, major crime or counter terrorism investigation$' "$t/q1"
check "...the one over 24 months is withheld as due for deletion" \
	grep -q '|due-for-deletion|1|' "$t/q1"
check "...and the site is not named to someone not in anpr_location" \
	test "$(grep '^CAM-1' "$t/q1" | cut -d'|' -f2)" = ""
Q dc_jones role-relevant INC-1001 > "$t/q1b"
check "the site is named to a member of anpr_location" \
	test "$(grep '^CAM-1' "$t/q1b" | cut -d'|' -f2)" = SITE-NORTH
Q pc_smith serious-crime OP-1 > "$t/q2"
check "serious crime: the reads under 12 months; the 13-month one needs major crime with an authorisation" \
	test "$(grep -c '^CAM-1' "$t/q2")" = 2 -a -n "$(grep '|3|wrong-purpose|1|a senior officer' "$t/q2")"
Q pc_smith major-crime OP-KESTREL > "$t/q3"
check "major crime without an authorisation: the 13-month read is withheld, needing one" \
	grep -q '|3|needs-authorisation|1|' "$t/q3"
auth=$(O "INSERT INTO anpr.authorisations (officer, purpose, scope_case, valid_from, expires_at)
	  VALUES ('Det Supt A Example', 'major-crime', 'OP-KESTREL', now() - interval '1 day',
	  now() + interval '30 days') RETURNING id" | head -1)
Q pc_smith major-crime OP-KESTREL "$auth" > "$t/q4"
check "with a senior officer's authorisation for the case: the 13-month read too (3 reads)" \
	test "$(grep -c '^CAM-1' "$t/q4")" = 3
Q pc_smith major-crime OP-OTHER "$auth" > "$t/q5"
check "...not under another case (out of scope)" \
	grep -q '|authorisation-out-of-scope|1|' "$t/q5"
O "UPDATE anpr.authorisations SET expires_at = now() - interval '1 second',
   valid_from = now() - interval '2 days' WHERE id = $auth" > /dev/null
Q pc_smith major-crime OP-KESTREL "$auth" > "$t/q6"
check "...nor once it has expired" grep -q '|authorisation-not-in-force|1|' "$t/q6"
Q pc_smith nosy INC-1 > "$t/q7"
check "a purpose not on the list is refused, saying why" grep -q '|refused|0|no such purpose$' "$t/q7"
Q pc_smith role-relevant "" > "$t/q8"
check "a search without a case reference is refused" grep -q '|refused|0|a case reference' "$t/q8"
as pc_smith "SELECT * FROM anpr.search_reads(NULL, NULL, NULL, NULL, NULL, 'role-relevant', 'INC-1', NULL)" > "$t/q9"
check "a search that names nothing (a trawl) is refused" grep -q '|refused|0|a search names' "$t/q9"
# ---- no way round the functions
for sql in "SELECT count(*) FROM anpr.record_index" "SELECT count(*) FROM anpr.records" \
	   "SELECT site_lat FROM anpr.cameras" "SELECT count(*) FROM audit.entries" \
	   "SELECT count(*) FROM anpr.search_reads_at(now() + interval '10 years', 'AB12CDE', NULL, NULL, NULL, NULL, 'role-relevant', 'INC-1', NULL)" \
	   "SELECT audit.append('search', NULL, NULL, NULL, '{}', 0, '{}')" \
	   "INSERT INTO anpr.authorisations (officer, purpose, scope_case, valid_from, expires_at) VALUES ('Me Myself', 'major-crime', 'OP-X', now(), now() + interval '1 day')"; do
	as pc_smith "$sql" > "$t/direct" 2>&1
	check "an analyst's direct '${sql:0:60}...' is refused" grep -q 'permission denied' "$t/direct"
done
# ---- the ingest service stores marks but cannot read them back (0011)
for sql in "SELECT vrm FROM anpr.record_index" "SELECT vrm_key FROM anpr.record_index" \
	   "SELECT site_id FROM anpr.record_index" "SELECT rec FROM anpr.records" "SELECT vrm FROM anpr.records"; do
	psql -X -At -d "$ANPR_TEST_PG_INGEST" -c "$sql" > "$t/ing" 2>&1
	check "anpr_ingest's '$sql' is refused" grep -q 'permission denied' "$t/ing"
done
check "...while what storing reads stays readable to it" \
	test "$(psql -X -At -d "$ANPR_TEST_PG_INGEST" -c "SELECT count(sha256) FROM anpr.record_index")" = 5
# ---- the audit: an entry per call, chained
calls=10	# q1 q1b q2-q9 (a call refused by the privileges leaves none)
check "every call left an audit entry ($calls), naming who asked, refusals too" \
	test "$(as dpo_brown "SELECT count(*) FROM audit.entries")" = $calls -a \
	     "$(as dpo_brown "SELECT count(*) FROM audit.entries WHERE action = 'refused' AND who = 'pc_smith'")" = 3
check "...the entry of the first search: its purpose, case, question, results and what was withheld" \
	test "$(as dpo_brown "SELECT purpose || ' ' || case_ref || ' ' || (question->>'vrm') || ' ' || results || ' ' || (withheld->>'wrong-purpose') FROM audit.entries WHERE seq = 1")" = "role-relevant INC-1001 AB12CDE 1 2"
# ---- anpr-audit: the chain checked outside the database, and sealed
"$audit" --db "$base user=sealer" seal --key "$t/bo.sec" > "$t/seal.out" 2>&1
check "anpr-audit seal signs the head (entry $calls)" grep -q "^sealed entry $calls$" "$t/seal.out"
as pc_smith "SELECT count(*) FROM anpr.search_reads('AB12CDE', NULL, NULL, NULL, NULL, 'role-relevant', 'INC-2', NULL)" > /dev/null
calls=$((calls + 1))
"$audit" --db "$base user=dpo_brown" verify --pub "$t/bo.pub" > "$t/v1" 2>&1; vrc=$?
check "anpr-audit verify: intact, $((calls - 1)) entries under a seal whose signature verifies, 1 after it (status $vrc)" \
	bash -c "[ $vrc -eq 0 ] && grep -q 'audit chain intact: $calls entries; entries 1 to $((calls - 1)) under a seal whose signature verifies, 1 after it' '$t/v1'"
chain_ok() { as dpo_brown "SELECT count(*) FROM (SELECT seq, hash, prev_hash,
	sha256(prev_hash || convert_to(audit.canonical(e), 'UTF8')) AS h,
	lag(hash, 1, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
	  OVER (ORDER BY seq) AS before, seq - lag(seq, 1, 0::bigint) OVER (ORDER BY seq) AS step
	FROM audit.entries e) c WHERE hash <> h OR prev_hash <> before OR step <> 1"; }
check "the chain holds: every hash is SHA-256(prev_hash || canonical text), every prev_hash the one before" \
	test "$(chain_ok)" = 0
S "UPDATE audit.entries SET results = 0 WHERE seq = 4" > /dev/null
check "an entry the superuser edits breaks the chain there" test "$(chain_ok)" = 1
"$audit" --db "$base user=dpo_brown" verify --pub "$t/bo.pub" > "$t/v2" 2>&1; vrc=$?
check "...anpr-audit names it (status $vrc): entry 4 edited, 1 to 3 still hold" \
	bash -c "[ $vrc -eq 1 ] && grep -q 'BROKEN at entry 4: its hash is not that of its contents' '$t/v2' && grep -q 'entries 1 to 3 hold' '$t/v2'"
check "...and that the seal after the break proves nothing before it" \
	grep -q 'entries 1 to 3 hold (none of them under a seal)' "$t/v2"
S "UPDATE audit.entries SET results = 2 WHERE seq = 4" > /dev/null
check "...and restored, holds again" test "$(chain_ok)" = 0
# the whole chain rewritten from entry 4 on, every hash made right again:
# only the seal can tell
psql -X -q -v ON_ERROR_STOP=1 -d "$ANPR_TEST_PG_SUPER dbname=anpr" > /dev/null <<'SQL'
UPDATE audit.entries SET results = 0 WHERE seq = 4;
DO $$
DECLARE r audit.entries; prev bytea;
BEGIN
	FOR r IN SELECT * FROM audit.entries WHERE seq >= 4 ORDER BY seq LOOP
		SELECT hash INTO prev FROM audit.entries WHERE seq = r.seq - 1;
		r.prev_hash := prev;
		UPDATE audit.entries SET prev_hash = prev,
		       hash = sha256(prev || convert_to(audit.canonical(r), 'UTF8'))
		WHERE seq = r.seq;
	END LOOP;
END
$$;
SQL
check "a chain rewritten from entry 4 with every hash made right holds as a chain" test "$(chain_ok)" = 0
"$audit" --db "$base user=dpo_brown" verify --pub "$t/bo.pub" > "$t/v2b" 2>&1; vrc=$?
check "...but anpr-audit finds the seal's entry changed (status $vrc)" \
	bash -c "[ $vrc -eq 1 ] && grep -q 'seal of entry $((calls - 1)) .*no longer has the hash sealed' '$t/v2b'"
S "DELETE FROM audit.entries WHERE seq = 6" > /dev/null
check "an entry the superuser deletes breaks the chain after it" test "$(chain_ok)" -ge 1
"$audit" --db "$base user=dpo_brown" verify --pub "$t/bo.pub" > "$t/v3" 2>&1
check "...anpr-audit names the removal (entry 6 missing)" \
	grep -q 'BROKEN at entry 7: entries 6 to 6 are missing (removed)' "$t/v3"
# an entry forged in its place, its hash recomputed by whoever forged it:
# the entry after it no longer follows
S "INSERT INTO audit.entries SELECT 6, at, 'someone_else', action, purpose, case_ref,
   authorisation, question, results, withheld, prev_hash, hash FROM audit.entries WHERE seq = 5" > /dev/null
S "UPDATE audit.entries e SET prev_hash = p.hash FROM audit.entries p WHERE p.seq = 5 AND e.seq = 6" > /dev/null
S "UPDATE audit.entries e SET hash = sha256(e.prev_hash || convert_to(audit.canonical(e), 'UTF8')) WHERE e.seq = 6" > /dev/null
"$audit" --db "$base user=dpo_brown" verify --pub "$t/bo.pub" > "$t/v4" 2>&1
check "an entry forged in a gap, with its own hash made right, is caught at the next one" \
	grep -q 'BROKEN at entry 7: it does not follow entry 6' "$t/v4"
# a seal signed by another key
"$build/bin/anpr-keygen" -p "$t/other.pub" -s "$t/other.sec" > /dev/null
"$audit" --db "$base user=sealer" seal --key "$t/other.sec" > /dev/null 2>&1
"$audit" --db "$base user=dpo_brown" verify --pub "$t/bo.pub" > "$t/v5" 2>&1
check "a seal not signed by the back office's key is named" \
	grep -q "seal of entry $calls .*signature not valid with" "$t/v5"
check "anpr-audit as a role that may not read the audit: status 2, the reason" \
	bash -c "'$audit' --db '$base user=pc_smith' verify > '$t/v6' 2>&1; [ \$? -eq 2 ] && grep -q 'permission denied' '$t/v6'"
check "no role but the owner may write the audit" \
	bash -c "psql -X -At -d '$base user=dpo_brown' -c 'DELETE FROM audit.entries' 2>&1 | grep -q 'permission denied'"
# ---- authorisations through the senior officers' functions, audited
S "CREATE ROLE dsupt_white LOGIN IN ROLE anpr_senior" > /dev/null
as pc_smith "SELECT anpr.authorise('Me Myself', 'major-crime', NULL, 'OP-X', now(), now() + interval '1 day', NULL)" > "$t/a0"
check "an analyst cannot authorise" grep -q 'permission denied' "$t/a0"
a2=$(as dsupt_white "SELECT anpr.authorise('Det Supt C White', 'major-crime', ARRAY['AB12CDE'], NULL,
	now() - interval '1 hour', now() + interval '7 days', 'tasking 14')")
check "a senior officer authorises (id $a2) for a mark" test -n "$a2" -a "$a2" -gt 0 2>/dev/null
Q pc_smith major-crime OP-ANY "$a2" > "$t/a1"
check "...and the analyst's major crime search of that mark under it gets the 13-month read" \
	test "$(grep -c '^CAM-1' "$t/a1")" = 3
as dsupt_white "SELECT anpr.authorise('Det Supt C White', 'serious-crime', NULL, 'OP-Y', now(), now() + interval '1 day', NULL)" > "$t/a3"
check "an authorisation for a purpose that needs none is refused, naming it" \
	grep -q 'serious-crime is not a purpose an authorisation is for' "$t/a3"
as dsupt_white "SELECT anpr.authorise('Det Supt C White', 'major-crime', NULL, 'OP-Y', now(), now() + interval '2 years', NULL)" > "$t/a4"
check "...and one for more than a year" grep -q 'at most a year' "$t/a4"
as dsupt_white "SELECT anpr.revoke_authorisation($a2, 'tasking ended')" > /dev/null
Q pc_smith major-crime OP-ANY "$a2" > "$t/a5"
check "once revoked it allows nothing more" grep -q '|authorisation-not-in-force|1|' "$t/a5"
check "the authorisation and its revocation are audited, naming the senior officer" \
	test "$(as dpo_brown "SELECT string_agg(action || ':' || who, ',' ORDER BY seq) FROM audit.entries
		WHERE action IN ('authorise', 'revoke-authorisation')")" = "authorise:dsupt_white,revoke-authorisation:dsupt_white"
# ---- anpr-query through the policy, as the person connected
qry=$PWD/$build/bin/anpr-query
"$qry" --db "$base user=pc_smith" --purpose role-relevant --case INC-3 --vrm 'ab12 cde' > "$t/aq1" 2> "$t/aq1.err"; rc=$?
check "anpr-query --purpose: the read the tier allows, and what was withheld with what it needs (status $rc)" \
	bash -c "[ $rc -eq 0 ] && [ \$(grep -c 'CAM-1-00000000000000A1-1  signature=ok' '$t/aq1') -eq 1 ] &&
		 grep -q '^withheld: 2 reads (wrong-purpose, tier 2): needs a serious crime' '$t/aq1' &&
		 grep -q '^withheld: 1 read (due-for-deletion): needs nothing: due for deletion' '$t/aq1'"
"$qry" --db "$base user=pc_smith" --purpose role-relevant --case INC-3 --vrm AB12CDE --json > "$t/aq2"
check "...--json: the reads and the withheld counts in one document" \
	python3 -c "import json,sys; d=json.load(open('$t/aq2')); sys.exit(0 if len(d['reads']) == 1 and sum(w['count'] for w in d['withheld']) == 3 and d['reads'][0]['site_id'] == '' else 1)"
"$qry" --db "$base user=pc_smith" --purpose role-relevant --case x --vrm AB12CDE > "$t/aq3" 2>&1; rc=$?
check "...a refused question: status 1, saying why" \
	bash -c "[ $rc -eq 1 ] && grep -q 'search refused: a case reference' '$t/aq3'"
"$qry" --db "$base user=pc_smith" --vrm AB12CDE > "$t/aq4" 2>&1; rc=$?
check "...and without --purpose it is refused before asking, saying what a search needs (status $rc)" \
	bash -c "[ $rc -eq 2 ] && grep -q 'needs --purpose PURPOSE and --case REF' '$t/aq4'"
as dsupt_white "SELECT anpr.authorise('Det Supt C White', 'major-crime', NULL, 'OP-MOVE',
	now() - interval '1 hour', now() + interval '1 day', NULL)" > "$t/amv"
"$qry" --db "$base user=dc_jones" --purpose major-crime --case OP-MOVE --authorisation "$(cat "$t/amv")" \
	--vrm AB12CDE --movements > "$t/aq5" 2>&1
check "--movements under an authorisation: the three reads in time order with the times between, sites shown to anpr_location" \
	bash -c "[ \$(grep -c 'SITE-NORTH' '$t/aq5') -eq 3 ] && grep -q '^   1        first  ' '$t/aq5' &&
		 grep -q '^   3 ' '$t/aq5' && grep -q '^withheld: 1 read (due-for-deletion)' '$t/aq5'"
# ---- exports through anpr.export_reads (0012)
S "CREATE ROLE ds_green LOGIN IN ROLE anpr_exporter" > /dev/null
E() {	# E WHO PURPOSE CASE [AUTH]: the export of AB12CDE, the span form
	as "$1" "SELECT coalesce(record_id, ''), coalesce(selected::text, ''),
		coalesce(convert_from(rec, 'UTF8'), ''), coalesce(tier::text, ''),
		coalesce(withheld_reason, ''), coalesce(withheld_count::text, ''), coalesce(needs, '')
		FROM anpr.export_reads('AB12CDE', NULL, NULL, NULL, NULL, '$2', '$3', ${4:-NULL}, true)"
}
E pc_smith role-relevant INC-EXP > "$t/e0"
check "an analyst who is not an exporter cannot export" grep -q 'permission denied' "$t/e0"
E ds_green role-relevant INC-EXP > "$t/e1"
check "an exporter, role-relevant: the read under 90 days, with the record's bytes (which name the site)" \
	bash -c "[ \$(grep -c '^CAM-1.*|true|' '$t/e1') -eq 1 ] &&
		 grep -q '^CAM-1-00000000000000A1-1|true|record 1 site=SITE-NORTH|1|' '$t/e1'"
check "...the older reads withheld by the tiers, counted with what they need, as the search does" \
	bash -c "grep -q '^|||2|wrong-purpose|2|a serious crime' '$t/e1' && grep -q '|due-for-deletion|1|' '$t/e1'"
check "...and the chain around it (span form): the other records of the span, not selected" \
	test "$(grep -c '^CAM-1.*|false|' "$t/e1")" -ge 1
auth_e=$(O "INSERT INTO anpr.authorisations (officer, purpose, scope_case, valid_from, expires_at)
	  VALUES ('Det Supt A Example', 'major-crime', 'OP-EXPORT', now() - interval '1 day',
	  now() + interval '30 days') RETURNING id" | head -1)
E ds_green major-crime OP-EXPORT "$auth_e" > "$t/e2"
check "...major crime under a senior officer's authorisation: the three reads under 24 months" \
	test "$(grep -c '^CAM-1.*|true|' "$t/e2")" = 3
E ds_green major-crime OP-EXPORT > "$t/e3"
check "...without it, the 13-month read withheld, needing one" grep -q '|3|needs-authorisation|1|' "$t/e3"
E ds_green role-relevant x > "$t/e4"
check "an export without a proper case reference is refused, saying why" \
	grep -q '|refused|0|a case reference' "$t/e4"
as ds_green "SELECT count(*) FROM anpr.export_reads(NULL, NULL, NULL, NULL, NULL, 'role-relevant', 'INC-EXP', NULL, false)" > "$t/e5"
check "...and one that names nothing (a trawl)" test "$(cat "$t/e5")" = 1
check "every export audited as 'export' with its purpose, case, results and withheld; refusals as 'refused'" \
	test "$(as dpo_brown "SELECT string_agg(action || ' ' || coalesce(purpose, '-') || ' ' || coalesce(case_ref, '-')
		|| ' ' || results || ' ' || withheld::text, ',' ORDER BY seq) FROM audit.entries
		WHERE (question ? 'with_span')")" = "export role-relevant INC-EXP 1 {\"wrong-purpose\": 2, \"due-for-deletion\": 1},export major-crime OP-EXPORT 3 {\"due-for-deletion\": 1},export major-crime OP-EXPORT 2 {\"due-for-deletion\": 1, \"needs-authorisation\": 1},refused role-relevant x 0 {\"asked\": \"export\", \"refused\": \"a case reference (3 to 64 printable characters) is required\"},refused role-relevant INC-EXP 0 {\"asked\": \"export\", \"refused\": \"a search names a mark, a look-alike key or a camera\"}"
as ds_green "SELECT count(*) FROM anpr.export_reads_at(now() + interval '10 years', 'AB12CDE', NULL, NULL, NULL,
	NULL, 'role-relevant', 'INC-EXP', NULL, false)" > "$t/e6" 2>&1
check "an exporter cannot set the export's clock (export_reads_at is the owner's)" grep -q 'permission denied' "$t/e6"
O "SELECT string_agg(coalesce(record_id, withheld_reason || ':' || withheld_count), ',')
   FROM anpr.export_reads_at(now() + interval '85 days', 'AB12CDE', NULL, NULL, NULL, NULL,
   'role-relevant', 'INC-CLOCK', NULL, false)" > "$t/e7"
check "...the owner can: 85 days on, the 10-day read is past 90 days and withheld too" \
	test "$(cat "$t/e7")" = "due-for-deletion:1,wrong-purpose:3"
# policy_matches_at asks policy_decide once per tier found, not per read:
# the same verdicts and tiers as asking per read, every purpose, with and
# without the authorisation (in force, then expired), over 800 days
O "SELECT count(*) || ' ' || count(*) FILTER (WHERE m.verdict IS DISTINCT FROM
	anpr.policy_decide(p, x.a, x.a IS NOT NULL, i.time_utc, now() + d * interval '1 day')
	OR m.tier <> anpr.policy_tier(i.time_utc, now() + d * interval '1 day'))
   FROM generate_series(0, 800, 3) d,
	unnest(ARRAY['role-relevant', 'serious-crime', 'major-crime', 'counter-terrorism']) p,
	(VALUES (NULL::bigint), ($auth_e)) x(a),
	LATERAL anpr.policy_matches_at(now() + d * interval '1 day', 'AB12CDE', NULL, NULL, NULL,
		NULL, p, 'OP-EXPORT', x.a) m
   JOIN anpr.record_index i ON i.record_id = m.record_id" > "$t/e8"
check "the verdicts decided once per tier are those of each read decided alone (rows, differences: $(cat "$t/e8"))" \
	test "$(cat "$t/e8")" = "$((267 * 4 * 2 * 4)) 0"	# 267 days x purposes x auth x reads
check "the exporter reads the cameras' public keys, not where the cameras are" \
	bash -c "[ \"\$(psql -X -At -d '$base user=ds_green' -c 'SELECT count(*) >= 0 FROM anpr.camera_keys')\" = t ] &&
		 psql -X -At -d '$base user=ds_green' -c 'SELECT site_lat FROM anpr.cameras' 2>&1 | grep -q 'permission denied'"
# ---- no role but the owner reads the reads' tables (anpr_reader's grants gone, 0012)
for who in anpr_reader pc_smith dc_jones ds_green dpo_brown; do
	bad=
	sites=("SELECT site_id FROM anpr.cameras" "SELECT site_lat, site_lon FROM anpr.cameras")
	[ $who = dc_jones ] && sites=()	# anpr_location: the one who may
	for sql in "SELECT count(*) FROM anpr.record_index" "SELECT count(*) FROM anpr.records" \
		   "SELECT count(*) FROM anpr.chains" "SELECT count(*) FROM anpr.checkpoints" \
		   "SELECT count(*) FROM anpr.retention_deleted" "SELECT count(*) FROM anpr.quarantine" \
		   "${sites[@]}"; do
		as "$who" "$sql" 2>&1 | grep -q 'permission denied' || bad="$bad [$sql]"
	done
	check "$who: a direct SELECT of every reads table${sites:+ and of the camera sites} is refused$bad" \
		test -z "$bad"
done
check "anpr_reader still names the cameras (the register without locations)" \
	test "$(as anpr_reader "SELECT camera_id || ' ' || kind FROM anpr.cameras")" = "CAM-1 fixed"
check "dc_jones (anpr_location) sees where the cameras are" \
	test "$(as dc_jones "SELECT site_id FROM anpr.cameras")" = SITE-NORTH
tap_done
