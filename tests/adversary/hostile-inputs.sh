#!/bin/bash
# hostile-inputs.sh - issue 18's attacks through the inputs anprd and its
# tools take from others, each asserting the exact exit status and verdict
# (tests/adversary/lib.sh):
#   - a hostile back office: 200 answers that name a record's id and
#     SHA-256 without being its acknowledgement (finding 7); nothing may be
#     deleted, and the spool must still verify;
#   - a hostile hotlist supplier: Windows-1252 text, control characters,
#     over-long marks (findings 8 and 18), and the longest marks a record
#     holds, which must load;
#   - a local user planting FIFOs at the configuration, hotlist, key and
#     image paths, and under a running anprd before a SIGHUP (finding 17);
#   - hostile PNG and JPEG files for anpr-read (finding 19).
#   tests/adversary/hostile-inputs.sh BUILD
source "$(dirname "$0")/lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
bin=$B/bin
rpid=
dpid=
stop_all() {
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
	[ -n "$dpid" ] && kill -9 "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rpid= dpid=
}
trap 'stop_all; rm -rf "$T"' EXIT

"$bin/anpr-keygen" -p "$T/camera.pub" -s "$T/camera.key" > /dev/null
mkdir -p "$T/frames"
for i in 1 2 3; do	# grey frames: anprd needs a source, not plates
	{ printf 'P5 320 180 255\n'; head -c $((320 * 180)) /dev/urandom; } > "$T/frames/f$i.pgm"
done
printf 'vrm,list,reason,priority,action\nAB12CDE,PNC,Stolen,1,intercept\n' > "$T/good.csv"
conf() {	# conf HOTLIST SPOOL [KEY] > config
	"$TOP/demo/make-conf" "$T/frames" "$1" "$2" "${3:-$T/camera.key}" "$T/alerts.sock"
}

# ==== a hostile back office (finding 7) ====================================
(
	cd "$T" || exit 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=test-ca -keyout ca.key -out ca.pem
	for who in server client; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=$who \
			-keyout $who.key -out $who.csr
		printf 'subjectAltName=IP:127.0.0.1\n' > $who.ext
		openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
			-extfile $who.ext -out $who.pem
	done
) > /dev/null 2>&1
# 20 signed records with images, a checkpoint every 5: all but the open
# span could be deleted by a (real) acknowledgement
"$B/evidence/ev_fill" --spool "$T/spool" --key "$T/camera.key" --n 20 --checkpoint 5 --images \
	--camera CAM-ADV > /dev/null
nrec() { find "$T/spool/records" -name '*.rec' | wc -l; }
before=$(nrec)
back_office() {	# back_office [--always KIND]: start it, set port
	rm -f "$T/port"
	/usr/bin/python3 "$TOP/tests/upload/receiver.py" --out "$T/bo" --ca "$T/ca.pem" \
		--cert "$T/server.pem" --key "$T/server.key" --port-file "$T/port" "$@" \
		> /dev/null 2>&1 &
	rpid=$!
	for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
	port=$(cat "$T/port")
	{ conf "$T/good.csv" "$T/spool"
	  printf '\n[upload]\nurl = https://127.0.0.1:%s\nclient_cert = %s\nclient_key = %s\n' \
		"$port" "$T/client.pem" "$T/client.key"
	  printf 'ca_file = %s\ntimeout = 2s\n' "$T/ca.pem"; } > "$T/upload.conf"
}
# anpr-upload --once retries a non-receipt for ever: stop it after 2 s of
# retrying (SIGTERM: a clean exit, status 0)
upload_for_2s() {
	timeout --preserve-status -s TERM 2 "$bin/anpr-upload" --config "$T/upload.conf" \
		--state "$T/state" --once --poll-ms 50 --max-backoff-ms 20
}
declare -A why=(
	[echo]='this object has 2 members'
	[not-stored]='this object has 4 members'
	[extra]='this object has 3 members'
	[dup-key]='duplicate object key'
	[trailing]='end of file expected'
	[array]='not a JSON object'
	[bad-utf8]='unable to decode byte 0xa3'
	[garbage]='record_id is not the string'
)
for kind in echo not-stored extra dup-key trailing array bad-utf8 garbage; do
	back_office --always "$kind"
	expect "back office answers 200 '$kind': not a receipt, kept, retried (exit 0 on SIGTERM)" 0 \
		"HTTP 200 is not an acknowledgement \(.*${why[$kind]}.*\); kept, will retry" upload_for_2s
	stop_all
	after=$(nrec)
	check "...after '$kind' nothing deleted ($after of $before records) and no ledger line" \
		test "$after" -eq "$before" -a ! -s "$T/state/uploaded.log"
	expect "...after '$kind' the spool still verifies" 0 "" \
		"$bin/anpr-verify" --key "$T/camera.pub" "$T/spool"
done
# the control: a real acknowledgement does delete (the attacks were live)
back_office
expect "an honest back office's acknowledgements delete (exit 0)" 0 "records acknowledged" \
	"$bin/anpr-upload" --config "$T/upload.conf" --state "$T/state" --once --max-backoff-ms 20
stop_all
check "...so records left the spool ($(nrec) of $before kept: the open span)" test "$(nrec)" -lt "$before"
expect "...and what is left verifies with the ledger" 0 "" \
	"$bin/anpr-verify" --key "$T/camera.pub" --uploaded "$T/state/uploaded.log" "$T/spool"

# ==== a hostile hotlist supplier (findings 8, 18) ==========================
hot() {	# hot NAME CSV-BODY: a hotlist file and a config naming it
	printf 'vrm,list,reason,priority,action\nAB12CDE,PNC,Stolen,1,intercept\n%b' "$2" \
		> "$T/$1.csv"
	conf "$T/$1.csv" "$T/spool-$1" > "$T/$1.conf"
}
checkconf() { timeout 10 "$bin/anprd-checkconf" -c "$T/$1.conf" --hotlists; }
hot w1252 'XY12ABC,PNC,Stolen \xa35000 van,1,intercept\n'
expect "Windows-1252 pound sign: refused naming file, line and field" 2 \
	"$T/w1252.csv:3: field 3 \(reason\): not valid UTF-8 \(byte 0xA3 at byte 8" checkconf w1252
hot eacute 'XY12ABC,PNC,"Caf\xe9, Leeds",1,intercept\n'
expect "Windows-1252 e-acute: refused" 2 \
	"$T/eacute.csv:3: field 3 \(reason\): not valid UTF-8 \(byte 0xE9 at byte 4" checkconf eacute
hot overlong 'XY12ABC,PNC,a\xc0\xafb,1,intercept\n'
expect "overlong UTF-8 ('/' in two bytes): refused" 2 \
	"$T/overlong.csv:3: field 3 \(reason\): not valid UTF-8 \(byte 0xC0" checkconf overlong
hot esc 'XY12ABC,PNC,"\x1b[2Jcleared",1,intercept\n'
expect "terminal escape in a reason: refused" 2 \
	"$T/esc.csv:3: field 3 \(reason\): control character 0x1B at byte 1" checkconf esc
hot c1 'XY12ABC,PNC,next\xc2\x85line,1,intercept\n'
expect "C1 control (U+0085) in a reason: refused" 2 \
	"$T/c1.csv:3: field 3 \(reason\): control character U\+0085 at byte 5" checkconf c1
hot vrm 'XY12\xa3BC,PNC,x,1,intercept\n'
expect "invalid UTF-8 in a mark: refused naming the vrm field" 2 \
	"$T/vrm.csv:3: field 1 \(vrm\): not valid UTF-8" checkconf vrm
hot long 'ABCDEFGHJKLMNPRST,PNC,seventeen,1,intercept\n'
expect "a 17-character mark: refused, no record could hold it" 2 \
	"$T/long.csv:3: vrm 'ABCDEFGHJKLMNPRST' is longer than 16 characters \(the longest mark a record holds\)" \
	checkconf long
hot longwild 'ABCDEFGHJKLMNPR?*,PNC,pattern,1,intercept\n'
expect "a 17-character pattern: refused" 2 "$T/longwild.csv:3: vrm .* is longer than 16" checkconf longwild
hot max 'ABCDEFGHJKLMNPRT,PNC,sixteen,1,intercept\nAB12CDEFGHJK,PNC,twelve,2,inform\nAB12CDEFG*,WILD,prefix,3,inform\nCaf,PNC,"Caf\xc3\xa9 \xc2\xa3""5",4,inform\n'
expect "marks of 12 and 16 characters, a long pattern and UTF-8 text load" 0 \
	"ok   hotlists: 1 file, 5 entries \(1 wildcard\)" checkconf max
expect "anprd refuses to start on the Windows-1252 list, naming it (exit 2)" 2 \
	"$T/w1252.csv:3: field 3 \(reason\): not valid UTF-8" \
	timeout 10 "$bin/anprd" --config "$T/w1252.conf" --exit-at-eof --replay-fast

# ==== a local user planting FIFOs (finding 17) =============================
mkfifo "$T/fifo.conf" "$T/fifo.csv" "$T/fifo.png"
mkfifo -m 0600 "$T/fifo.key"
conf "$T/fifo.csv" "$T/spool-fifo" > "$T/fifohl.conf"
conf "$T/good.csv" "$T/spool-fifokey" "$T/fifo.key" > "$T/fifokey.conf"
expect "anprd-checkconf: FIFO at the configuration path, refused at once" 2 \
	"$T/fifo.conf: is a FIFO, not a regular file" timeout 10 "$bin/anprd-checkconf" -c "$T/fifo.conf"
expect "anprd-checkconf: FIFO at a hotlist path, refused at once" 2 \
	"$T/fifo.csv: is a FIFO, not a regular file" \
	timeout 10 "$bin/anprd-checkconf" -c "$T/fifohl.conf" --hotlists
expect "anprd: FIFO at the configuration path (exit 2)" 2 \
	"$T/fifo.conf: is a FIFO, not a regular file" timeout 10 "$bin/anprd" --config "$T/fifo.conf"
expect "anprd: FIFO at a hotlist path (exit 2)" 2 \
	"$T/fifo.csv: is a FIFO, not a regular file" timeout 10 "$bin/anprd" --config "$T/fifohl.conf"
expect "anprd: FIFO at the signing key path (exit 2)" 2 \
	"$T/fifo.key: is a FIFO, not a regular file" timeout 10 "$bin/anprd" --config "$T/fifokey.conf"
expect "anpr-read: FIFO at an image path (exit 1)" 1 \
	"$T/fifo.png: is a FIFO, not a regular file" timeout 10 "$bin/anpr-read" "$T/fifo.png"

# a running anprd: the hotlist file becomes a FIFO, then SIGHUP
cp "$T/good.csv" "$T/live.csv"
conf "$T/live.csv" "$T/spool-live" > "$T/live.conf"
mkdir -p "$T/spool-live"
"$bin/anprd" --config "$T/live.conf" --replay-loop --status-file "$T/status.json" \
	> "$T/anprd.out" 2>&1 &
dpid=$!
wait_for() {	# wait_for PATTERN FILE: up to 10 s
	for _ in $(seq 100); do grep -Eq -- "$1" "$2" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
wait_exit() {	# wait_exit PID SECONDS: its exit status; SIGKILL and 124 if it hangs
	local st=
	for _ in $(seq $((10 * $2))); do
		st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)
		[ -z "$st" ] || [ "$st" = Z ] && break
		sleep 0.1
	done
	if [ -n "$st" ] && [ "$st" != Z ]; then
		kill -9 "$1"
		wait "$1" 2>/dev/null
		return 124
	fi
	wait "$1"
}
check "anprd runs on the live hotlist (capturing)" wait_for 'capturing' "$T/anprd.out"
rm "$T/live.csv"
mkfifo "$T/live.csv"
kill -HUP "$dpid"
check "SIGHUP with a FIFO at the hotlist path: the reload is rejected at once, naming it" \
	wait_for "reload rejected, hotlists in force kept: $T/live.csv: is a FIFO, not a regular file" \
	"$T/anprd.out"
s1=$(stat -c %.9Y "$T/status.json" 2>/dev/null)
sleep 2.5
s2=$(stat -c %.9Y "$T/status.json" 2>/dev/null)
check "...anprd keeps running, its main loop (the watchdog's) still turning" \
	test -n "$s1" -a "$s1" != "$s2" -a -d "/proc/$dpid"
rm "$T/live.csv"
printf 'vrm,list,reason,priority,action\nAB12CDE,PNC,Stolen,1,intercept\nXY12ABC,PNC,New,2,inform\n' \
	> "$T/live.csv"
kill -HUP "$dpid"
check "...and the next good file reloads (2 entries)" \
	wait_for 'hotlists reloaded: 2 entries, 1 new' "$T/anprd.out"
kill -TERM "$dpid"
wait_exit "$dpid" 10
rc=$?
dpid=
check "anprd stops cleanly after it all (exit $rc)" test "$rc" -eq 0
expect "...and its records verify" 0 "" "$bin/anpr-verify" --key "$T/camera.pub" "$T/spool-live"

# ==== hostile images for anpr-read (finding 19) ============================
/usr/bin/python3 - "$T" <<'PY'
import io, struct, sys, zlib
t = sys.argv[1]

def chunk(kind, data, bad_crc=False):
    crc = zlib.crc32(kind + data) ^ (0x5A if bad_crc else 0)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc & 0xFFFFFFFF)

def png(w, h, z_data, extra=b"", extra_idat=b""):
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    for i in range(0, len(z_data), 8192):
        out += chunk(b"IDAT", z_data[i:i + 8192])
    if extra_idat:
        out += chunk(b"IDAT", extra_idat)
    return out + extra + chunk(b"IEND", b"")

def rows(w, h):
    return b"".join(b"\0" + bytes((x * 7 + y * 13) & 255 for x in range(w)) for y in range(h))

def stream(raw, tail=0):
    z = zlib.compressobj(9)
    out = z.compress(raw) + z.flush(zlib.Z_SYNC_FLUSH)
    zeros = bytes(1 << 20)
    for _ in range(tail >> 20):
        out += z.compress(zeros)
    return out + z.flush()

def put(name, data):
    open(f"{t}/{name}", "wb").write(data)

put("ok.png", png(256, 64, stream(rows(256, 64))))
put("tail.png", png(256, 64, stream(rows(256, 64), 48 << 20)))      # under the size cap
put("bomb.png", png(64, 16, stream(rows(64, 16), 256 << 20)))        # far over it
put("second.png", png(256, 64, stream(rows(256, 64)), extra_idat=stream(bytes(1 << 20))))
put("badcrc.png", png(256, 64, stream(rows(256, 64)), extra=chunk(b"tEXt", b"Comment\0x", True)))
ok = open(f"{t}/ok.png", "rb").read()
put("trunc.png", ok[:len(ok) // 2])
put("renamed.jpg", ok)
put("garbage.jpg", b"\xff\xd8\xff" + bytes(64))
# a real JPEG (PIL: python3-pil, scripts/packages/demo.list), then cut
# and with its entropy data damaged
try:
    from PIL import Image
    im = Image.frombytes("L", (256, 64), bytes((x * 7 + y * 13) & 255 for y in range(64) for x in range(256)))
    b = io.BytesIO(); im.save(b, "JPEG", quality=90); j = b.getvalue()
    put("ok.jpg", j)
    put("trunc.jpg", j[:len(j) // 2])
    mid = len(j) // 2
    put("corrupt.jpg", j[:mid] + bytes([0xFF, 0xD9 - 3]) * 16 + j[mid + 32:])
except ImportError:
    pass
PY
read1() { timeout 20 "$bin/anpr-read" "$@"; }
expect "a good PNG reads (exit 0)" 0 "ok.png: " read1 "$T/ok.png"
expect "PNG whose zlib stream goes on past the image: refused (exit 1)" 1 \
	"$T/tail.png: corrupt PNG: Extra compressed data in IDAT" read1 "$T/tail.png"
expect "PNG with a 256 MiB zlib tail: refused from its chunk headers (exit 1)" 1 \
	"$T/bomb.png: PNG holds [0-9]+ bytes of compressed image data, more than the [0-9]+ an image of 64x16 can need" \
	read1 "$T/bomb.png"
expect "PNG with a second zlib stream: refused (exit 1)" 1 \
	"$T/second.png: corrupt PNG: Extra compression data in IDAT" read1 "$T/second.png"
expect "PNG with a CRC error in an ancillary chunk: a warning, so refused (exit 1)" 1 \
	"$T/badcrc.png: corrupt PNG: tEXt: CRC error" read1 "$T/badcrc.png"
expect "truncated PNG: refused (exit 1)" 1 "$T/trunc.png: corrupt PNG: file is truncated" \
	read1 "$T/trunc.png"
expect "a PNG named .jpg is read by its content (exit 0)" 0 "renamed.jpg: " read1 "$T/renamed.jpg"
expect "JPEG magic then zeros: refused (exit 1)" 1 "$T/garbage.jpg: corrupt JPEG" read1 "$T/garbage.jpg"
if [ -s "$T/ok.jpg" ]; then
	expect "a good JPEG reads (exit 0)" 0 "ok.jpg: " read1 "$T/ok.jpg"
	expect "truncated JPEG: refused, not grey-filled (exit 1)" 1 \
		"$T/trunc.jpg: corrupt or truncated JPEG data: Premature end of JPEG file" read1 "$T/trunc.jpg"
	expect "JPEG with damaged entropy data: refused (exit 1)" 1 \
		"$T/corrupt.jpg: corrupt (or truncated )?JPEG" read1 "$T/corrupt.jpg"
else
	nok "python3-pil (scripts/packages/demo.list) is needed to write the JPEG cases"
fi
expect "one bad image among good ones: the others are read, exit 1" 1 \
	"$T/tail.png: corrupt PNG" read1 "$T/ok.png" "$T/tail.png" "$T/renamed.jpg"
tap_done
