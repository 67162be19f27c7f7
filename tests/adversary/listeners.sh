#!/bin/bash
# listeners.sh - attacks on anpr-ingest's HTTPS listener that need no
# credential: anyone who can reach the port can open a TCP connection and
# start a TLS handshake before any certificate is checked
# (docs/threat-model.md, "Listeners"), and anpr-console's two. Each stalled connection must cost
# the back office nothing but a file descriptor until its timeout: no CPU
# while it waits (libmicrohttpd 0.9.75's epoll mode spun a worker at full
# CPU on a half-sent ClientHello), and the cameras' uploads go on
# meanwhile.
#   tests/adversary/listeners.sh BUILD
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
setup=$B/ingest/ingest_setup
stall=$PWD/tests/adversary/tlsstall.py
ipid=
. tests/lib/pg.sh
. tests/lib/ingest.sh
cleanup() {
	[ -n "$ipid" ] && kill -9 "$ipid" 2>/dev/null
	wait 2>/dev/null
	pg_stop
	rm -rf "$T"
}
check "PostgreSQL started" pg_start
trap cleanup EXIT
check "migrations applied" "$setup" "$ANPR_TEST_PG" migrate backoffice/sql
ing_pki "$T" server CAM-A || nok "test PKI"
check "a camera registered" ing_camera "$B/bin" "$setup" "$T" CAM-A
mkdir "$T/images"
# two workers: a spinning one is then half of the listener
ing_start "$B/bin" "$T" "$T/images" --threads 2
ipid=$ING_PID
check "anpr-ingest serves" test -s "$T/port"
port=$(cat "$T/port")

ticks() { awk '{print $14 + $15}' "/proc/$ipid/stat"; }	# user + system, 1/100 s
# stalled MODE N: N connections held 3 s; the CPU anpr-ingest used meanwhile
stalled() {
	local before after
	"$stall" "$port" "$1" "$2" 3 > "$T/stall.out" 2>&1 &
	local sp=$!
	for _ in $(seq 100); do grep -q held "$T/stall.out" && break; sleep 0.05; done
	before=$(ticks)
	wait "$sp"
	after=$(ticks)
	echo $((after - before))
}
for mode in idle partial-hello hello plaintext; do
	used=$(stalled "$mode" 8)
	# a worker spinning for those 3 s uses 100-300 ticks; at rest, 0-2
	check "8 connections '$mode' held 3 s: anpr-ingest used ${used} ticks of CPU (< 30)" \
		test "$used" -lt 30
	check "... and it still serves" kill -0 "$ipid"
done

# 200 stalled handshakes held while a camera uploads: every record acknowledged
"$FILL" --spool "$T/spool" --key "$T/CAM-A.sec" --n 30 --images --camera CAM-A > /dev/null
"$stall" "$port" hello 200 12 > "$T/stall200.out" 2>&1 &
sp=$!
for _ in $(seq 200); do grep -q held "$T/stall200.out" && break; sleep 0.05; done
check "200 stalled handshakes held open ($(cat "$T/stall200.out"))" grep -q 'held 200' "$T/stall200.out"
ing_upload "$B/bin" "$T" CAM-A "$T/spool" "$T/up"
rc=$?
held=$(psql -X -At -d "$ANPR_TEST_PG" -c "select count(*) from anpr.records where camera_id = 'CAM-A'" 2>&1)
kill "$sp" 2>/dev/null; wait "$sp" 2>/dev/null
check "meanwhile a camera's upload went through (anpr-upload status $rc, $held records held)" \
	test "$rc" -eq 0 -a "$held" -ge 29
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/up.err" | tail -5
check "anpr-ingest still running" kill -0 "$ipid"
kill "$ipid" 2>/dev/null; wait "$ipid" 2>/dev/null

# ---- anpr-console: its cameras' listener (a thread pool, as
# anpr-ingest's) and its people's (a thread a connection: server-sent
# events hold theirs open)
psql -X -q -d "$ANPR_TEST_PG_SUPER" -c "ALTER ROLE anpr_console LOGIN" > /dev/null
"$B/bin/anpr-console" --cert "$T/server.pem" --key "$T/server.key" --client-ca "$T/ca.pem" \
	--db "${ANPR_TEST_PG/user=anpr_owner/user=anpr_console}" \
	--people-db "host=127.0.0.1 port=$ANPR_TEST_PG_PORT dbname=anpr connect_timeout=10" \
	--www "$PWD/backoffice/console/www" --camera-port 0 --people-port 0 \
	--port-file "$T/cports" 2>> "$T/console.err" &
ipid=$!
for _ in $(seq 100); do [ -s "$T/cports" ] && break; sleep 0.05; done
check "anpr-console serves" test -s "$T/cports"
read -r cport pport < "$T/cports"
for which in cameras:$cport people:$pport; do
	port=${which#*:}
	for mode in partial-hello hello plaintext; do
		used=$(stalled "$mode" 8)
		check "anpr-console's ${which%:*} listener, 8 connections '$mode' held 3 s: ${used} ticks of CPU (< 30)" \
			test "$used" -lt 30
	done
done
check "anpr-console still running" kill -0 "$ipid"
tap_done
