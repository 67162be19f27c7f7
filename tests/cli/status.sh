#!/bin/bash
# anpr-status on status files written here (the documents anprd and
# anpr-upload write, docs/anprd.md): the values read from where they are
# (drops, spool, clock, sources' health), what needs attention, --json as
# one valid document with the same verdict, and files that are missing,
# truncated or not JSON named with the reason.
#   tests/cli/status.sh BUILD
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
st=$PWD/$build/bin/anpr-status
. tests/lib/tap.sh
t=$(mktemp -d /tmp/anpr-status-XXXXXX)
trap 'rm -rf "$t"' EXIT
good='{"schema":"anpr-status/1","camera":"CAM-9","uptime_s":42,"frames":1000,"drops":{"source":0,"queue":0},"reads":7,"vehicles":5,"hits":1,"spool":{"acked_seq":12,"refused":0,"writer_dropped":0},"clock":{"synced":true,"esterror_us":1500,"maxerror_us":9000},"sources":[{"name":"ir","health":[]},{"name":"rear","health":["dark","frozen"]}]}'
printf '%s\n' "$good" > "$t/status.json"
printf '{"schema":"anpr-upload-status/1","time":1,"acked":11,"pending":3,"oldest_pending_age_s":9,"consecutive_failures":2,"last_error":"HTTP 503 \\"unavailable\\""}\n' > "$t/upload-status.json"
"$st" --dir "$t" > "$t/out" 2>&1; rc=$?
check "the values from where the documents hold them (status $rc: something needs attention)" \
	bash -c "[ $rc -eq 1 ] && grep -q 'camera CAM-9, up 42 s' '$t/out' &&
		 grep -q '1000 captured, 0 dropped' '$t/out' && grep -q 'durable up to record 12' '$t/out' &&
		 grep -q 'synchronised (estimated error 1.5 ms)' '$t/out'"
check "each source's view, and the one that needs attention" \
	bash -c "grep -q 'camera   ir: view OK' '$t/out' && grep -q 'camera   rear: dark frozen' '$t/out' &&
		 grep -q '! camera rear view: dark frozen' '$t/out'"
check "the upload's failures with its last error, unescaped" \
	grep -q '! upload failing (2 in a row): HTTP 503 "unavailable"' "$t/out"
"$st" --dir "$t" --json > "$t/json" 2>&1; jrc=$?
check "--json: one valid document, the same verdict and exit status ($jrc)" \
	python3 -c "import json,sys; d=json.load(open('$t/json')); sys.exit(0 if d['needs_attention'] == 2 and d['anprd']['camera'] == 'CAM-9' and d['upload']['acked'] == 11 and $jrc == 1 else 1)"
# a camera name that would break a JSON built by hand
printf '%s\n' "$good" | sed 's/"ir"/"i\\"r"/' > "$t/status.json"
"$st" --dir "$t" --json > "$t/json2" 2>&1
check "--json stays valid JSON whatever the strings hold" python3 -c "import json; json.load(open('$t/json2'))"
printf '%s' "${good:0:80}" > "$t/status.json"
"$st" --dir "$t" > "$t/out3" 2>&1; rc=$?
check "a truncated status file: status 2, the file and the reason named" \
	bash -c "[ $rc -eq 2 ] && grep -q \"$t/status.json: \" '$t/out3' && ! grep -q 'is anprd running' '$t/out3'"
rm "$t/status.json"
"$st" --dir "$t" > "$t/out4" 2>&1; rc=$?
check "no status file: status 2, asking whether anprd runs" \
	bash -c "[ $rc -eq 2 ] && grep -q 'is anprd running' '$t/out4'"
printf '%s\n' "$good" > "$t/status.json"
printf 'garbage' > "$t/upload-status.json"
"$st" --dir "$t" > "$t/out5" 2>&1
check "an unreadable upload status is named and ignored, the rest shown" \
	bash -c "grep -q 'upload-status.json: .*ignored' '$t/out5' && grep -q 'camera CAM-9' '$t/out5'"
# an IP camera's stream (anprd's "stream" member): lost, then back
lost='{"up":false,"down_since":"2026-12-07T03:00:00Z","down_s":42.0,"reason":"no frame for 2000 ms","reconnects":3,"lost_s":97.5}'
printf '%s\n' "$good" | sed "s|{\"name\":\"ir\",\"health\":\[\]}|{\"name\":\"ir\",\"health\":[],\"stream\":$lost}|" > "$t/status.json"
rm -f "$t/upload-status.json"
"$st" --dir "$t" > "$t/out6" 2>&1; rc=$?
check "an IP camera's stream lost: how long, why, reconnecting, the time lost since start; it needs attention (status $rc)" \
	bash -c "[ $rc -eq 1 ] && grep -q 'stream   ir: LOST 42 s (no frame for 2000 ms), reconnecting; 3 reconnects, 98 s lost since start' '$t/out6' &&
		 grep -q '! camera stream ir lost 42 s (no frame for 2000 ms), reconnecting' '$t/out6'" || sed 's/^/# /' "$t/out6"
back='{"up":true,"down_since":null,"down_s":0.0,"reason":null,"reconnects":3,"lost_s":97.5}'
printf '%s\n' "$good" | sed -e "s|{\"name\":\"ir\",\"health\":\[\]}|{\"name\":\"ir\",\"health\":[],\"stream\":$back}|" \
	-e 's/\["dark","frozen"\]/[]/' > "$t/status.json"
"$st" --dir "$t" > "$t/out7" 2>&1; rc=$?
check "the stream back: its reconnects and time lost shown, nothing needs attention (status $rc)" \
	bash -c "[ $rc -eq 0 ] && grep -q 'stream   ir: up; 3 reconnects, 98 s lost since start' '$t/out7' && ! grep -q LOST '$t/out7'" || sed 's/^/# /' "$t/out7"
tap_done
