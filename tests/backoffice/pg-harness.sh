#!/bin/bash
# The PostgreSQL harness itself (tests/lib/pg.sh): up, on loopback only,
# each role connects, survives an immediate shutdown, and leaves nothing
# behind (the cluster's processes and directory) when the script ends.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/lib/pg.sh
q() { psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }
check "pg_start" pg_start
check "owner connects" test "$(q "$ANPR_TEST_PG" 'select current_user')" = anpr_owner
check "ingest role connects" test "$(q "$ANPR_TEST_PG_INGEST" 'select current_user')" = anpr_ingest
check "reader role connects" test "$(q "$ANPR_TEST_PG_READER" 'select current_user')" = anpr_reader
check "the test person connects, in anpr_analyst, anpr_exporter and anpr_location" \
	test "$(q "$ANPR_TEST_PG_PERSON" "select current_user || ' ' || pg_has_role('anpr_analyst', 'MEMBER')
		|| pg_has_role('anpr_exporter', 'MEMBER') || pg_has_role('anpr_location', 'MEMBER')")" = "anpr_test_person truetruetrue"
check "listens on 127.0.0.1 only" test "$(q "$ANPR_TEST_PG_SUPER" 'show listen_addresses')" = 127.0.0.1
check "no superuser among the test roles" \
	test "$(q "$ANPR_TEST_PG_SUPER" "select count(*) from pg_roles where rolsuper and rolname like 'anpr%'")" = 0
q "$ANPR_TEST_PG" 'create table t(x int); insert into t values (42)' >/dev/null
"$ANPR_TEST_PG_CTL" stop-immediate >/dev/null 2>&1
check "down after stop-immediate" bash -c '! psql -X -d "$ANPR_TEST_PG" -c "select 1" >/dev/null 2>&1'
"$ANPR_TEST_PG_CTL" start >/dev/null 2>&1
check "committed row there after restart" test "$(q "$ANPR_TEST_PG" 'select x from t')" = 42
dir=$ANPR_TEST_PG_DIR
# the watchdog: a shell that dies by SIGKILL leaves no cluster behind
( bash -c '. tests/lib/pg.sh; pg_start; echo "$ANPR_TEST_PG_DIR" > '"$dir"'.child; kill -9 $$'; true ) 2>/dev/null
child=$(cat "$dir.child"); rm -f "$dir.child"
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -d "$child" ] || break; sleep 0.5; done
check "SIGKILLed caller: cluster removed by the watchdog" test ! -d "$child"
pg_stop
check "pg_stop removes the directory" test ! -d "$dir"
tap_done
