# ingest.sh - sourced by the suites that run the real anpr-ingest and
# anpr-upload against a private PostgreSQL (tests/lib/pg.sh, started and
# migrated by the suite): the PKI, the cameras, the daemon and an upload,
# written once.
#   ing_pki DIR NAME...        DIR/ca.pem (.key) and, for each NAME, a
#                              certificate DIR/NAME.pem (.key) with CN NAME
#                              and subjectAltName IP:127.0.0.1 (P-256)
#   ing_camera BIN SETUP DIR NAME
#                              DIR/NAME.pub and .sec made by anpr-keygen,
#                              NAME registered (ingest_setup) with that key
#                              and DIR/NAME.pem's fingerprint
#   ing_start BIN DIR IMAGES [OPTION...]
#                              anpr-ingest on 127.0.0.1, a free port in
#                              DIR/port (ING_PORT), its pid in ING_PID,
#                              standard error appended to DIR/ingest.err
#   ing_upload BIN DIR CAMERA SPOOL STATE
#                              one anpr-upload --once of SPOOL as CAMERA
#                              (DIR/CAMERA.pem): STATE.conf, .out, .err;
#                              anpr-upload's exit status
ING_PID=
ING_PORT=

ing_pki() {
	local d=$1 who
	shift
	(
		cd "$d" || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
			-subj /CN=test-camera-ca -keyout ca.key -out ca.pem || exit 1
		for who in "$@"; do
			openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
				-subj "/CN=$who" -keyout "$who.key" -out "$who.csr" &&
			printf 'subjectAltName=IP:127.0.0.1\n' > "$who.ext" &&
			openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
				-days 2 -extfile "$who.ext" -out "$who.pem" || exit 1
		done
	) > /dev/null 2>&1
}

ing_camera() {
	local bin=$1 setup=$2 d=$3 c=$4
	"$bin/anpr-keygen" -p "$d/$c.pub" -s "$d/$c.sec" > /dev/null &&
	"$setup" "$ANPR_TEST_PG" camera "$c" "$(sed -n 2p "$d/$c.pub")" \
		"$(openssl x509 -in "$d/$c.pem" -outform DER | sha256sum | cut -d' ' -f1)"
}

ing_start() {
	local bin=$1 d=$2 images=$3
	shift 3
	rm -f "$d/port"
	"$bin/anpr-ingest" --cert "$d/server.pem" --key "$d/server.key" --client-ca "$d/ca.pem" \
		--db "$ANPR_TEST_PG_INGEST" --images "$images" --listen 127.0.0.1 --port 0 \
		--port-file "$d/port" "$@" 2>> "$d/ingest.err" &
	ING_PID=$!
	for _ in $(seq 100); do [ -s "$d/port" ] && break; sleep 0.05; done
	ING_PORT=$(cat "$d/port" 2>/dev/null)
	[ -n "$ING_PORT" ]
}

ing_upload() {
	local bin=$1 d=$2 c=$3 spool=$4 state=$5
	{ demo/make-conf "$d" "$PWD/demo/hotlist.csv" "$spool" "$d/$c.sec" "$d/alerts.sock"
	  printf '\n[upload]\nurl = https://127.0.0.1:%s\nclient_cert = %s\nclient_key = %s\nca_file = %s\ntimeout = 5s\n' \
		"$ING_PORT" "$d/$c.pem" "$d/$c.key" "$d/ca.pem"; } > "$state.conf"
	"$bin/anpr-upload" --config "$state.conf" --state "$state" --once --max-backoff-ms 50 \
		> "$state.out" 2> "$state.err"
}
