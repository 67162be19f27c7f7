#!/bin/bash
# camera-host.sh - attacks from the camera host itself, as another local
# user or an insider with a shell there would make them (issue 18,
# findings 4, 6, 15 and 16; docs/threat-model.md):
#   - links and loose modes in the spool: a planted tmp -> keys/ link that
#     start-up would empty, records/ or a shard as a link, spool
#     directories others may write or another user owns;
#   - the signing key in a core dump: what the watchdog's SIGABRT writes,
#     and where in the running daemon's memory the key lies;
#   - anpr-keygen -f failing half-way through a key replacement;
#   - a passphrase file others may read.
# Each attack asserts the exact exit status and verdict (lib.sh).
#   tests/adversary/camera-host.sh BUILD
source "$(dirname "$0")/lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KEYGEN=$B/bin/anpr-keygen
FILL=$B/evidence/ev_fill
ANPRD=$B/bin/anprd
UPLOAD=$B/bin/anpr-upload
MEMSCAN=$TOP/tests/adversary/memscan.py
root=0; [ "$(id -u)" = 0 ] && root=1
other=$(id -u nobody 2>/dev/null)	# another local user, when there is one

# sums FILE...: one line of their SHA-256s (missing files say so)
sums() { local f; for f; do [ -e "$f" ] && sha256sum < "$f" | cut -c1-16 || echo missing; done | tr '\n' ' '; }
same() {	# same NAME BEFORE FILE...: the files are still what they were
	local name=$1 before=$2 now; shift 2
	now=$(sums "$@")
	if [ "$now" = "$before" ]; then ok "$name"; else
		echo "# before: $before"; echo "# after:  $now"; nok "$name"; fi
}
skip() { ok "$1 # SKIP $2"; }

# The camera's key pair, in a directory of its own as on a real host.
K=$T/keys
mkdir -m 0700 "$K"
"$KEYGEN" -p "$K/camera.pub" -s "$K/camera.key" > /dev/null || { nok "anpr-keygen"; tap_done; exit; }
KEYSUM=$(sums "$K/camera.key" "$K/camera.pub")
# a copy, so that one attack that destroys the key does not fail the rest
mkdir -m 0700 "$T/keys.bak"; cp -p "$K"/camera.* "$T/keys.bak/"
restore_keys() { [ -e "$K/camera.key" ] && [ -e "$K/camera.pub" ] || cp -p "$T/keys.bak"/camera.* "$K/"; }

# A spool with a few records, as the writer leaves it (directories 0750).
spool() { "$FILL" --spool "$T/$1" --key "$K/camera.key" --n 3 > /dev/null 2>&1; }
fill() { "$FILL" --spool "$T/$1" --key "$K/camera.key" --n 1; }

# anprd on one grey frame played in a loop: nothing to read, but it loads
# the key, opens the spool and signs a heartbeat every second.
mkdir "$T/frames"
{ printf 'P5\n320 240\n255\n'; head -c 76800 /dev/zero | tr '\0' '\100'; } > "$T/frames/f0001.pgm"
conf() {	# conf SPOOL > anprd.conf
	"$TOP/demo/make-conf" "$T/frames" "$TOP/demo/hotlist.csv" "$1" "$K/camera.key" \
		"$T/alerts.sock"
}

# ---- 4: a planted tmp -> keys/ link; start-up used to empty it
spool s-tmp
rm -r "$T/s-tmp/tmp"
ln -s "$K" "$T/s-tmp/tmp"
conf "$T/s-tmp" > "$T/s-tmp.conf"
expect "anprd refuses a spool whose tmp/ is a link planted to the key directory (exit 2, named)" \
	2 "s-tmp/tmp: is a symbolic link, not a directory" \
	"$ANPRD" --config "$T/s-tmp.conf" --run-for 1
same "... and the key pair it pointed at is intact" "$KEYSUM" "$K/camera.key" "$K/camera.pub"
restore_keys
expect "the evidence writer refuses it too (ev_fill: exit 1)" \
	1 "s-tmp/tmp: is a symbolic link, not a directory" fill s-tmp
same "... the key pair still intact" "$KEYSUM" "$K/camera.key" "$K/camera.pub"
restore_keys

spool s-rec
mv "$T/s-rec/records" "$T/s-rec/records.real"
mkdir "$T/victim"; echo precious > "$T/victim/000000000009.rec.minisig"
ln -s "$T/victim" "$T/s-rec/records"
expect "records/ as a link elsewhere is refused, named (exit 1)" \
	1 "s-rec/records: is a symbolic link, not a directory" fill s-rec

spool s-shard
mkdir "$T/victim2"
echo precious > "$T/victim2/000000000050.plate.jpg"
echo precious > "$T/victim2/000000000099.rec.minisig"
V2SUM=$(sums "$T/victim2/000000000050.plate.jpg" "$T/victim2/000000000099.rec.minisig")
ln -s "$T/victim2" "$T/s-shard/records/00000001"
expect "a shard that is a link (records/00000001 -> elsewhere) is refused, named (exit 1)" \
	1 "s-shard/records/00000001: is a symbolic link, not a directory" fill s-shard
same "... and the files named like ours in its target are not deleted as leftovers" \
	"$V2SUM" "$T/victim2/000000000050.plate.jpg" "$T/victim2/000000000099.rec.minisig"
rm "$T/s-shard/records/00000001"
echo junk > "$T/s-shard/records/00000002"
expect "a shard that is a plain file is refused, named (exit 1)" \
	1 "s-shard/records/00000002: not a directory" fill s-shard

spool s-link-in-tmp
ln -s "$K/camera.key" "$T/s-link-in-tmp/tmp/000000000004.rec"
expect "a link planted inside tmp/ is removed as a link (start goes on: exit 0)" 0 "" fill s-link-in-tmp
same "... its target, the secret key, is intact" "$KEYSUM" "$K/camera.key" "$K/camera.pub"
restore_keys

# ---- 4: spool directories another user may write, or owns
spool s-mode
chmod 0777 "$T/s-mode"
expect "a spool directory others may write (0777) is refused, naming it and the mode (exit 1)" \
	1 "s-mode: spool directory permissions 0777 are too open" fill s-mode
conf "$T/s-mode" > "$T/s-mode.conf"
expect "anprd refuses it at start (exit 2)" \
	2 "s-mode: spool directory permissions 0777 are too open" \
	"$ANPRD" --config "$T/s-mode.conf" --run-for 1
chmod 0750 "$T/s-mode"
chmod 0770 "$T/s-mode/records"
expect "records/ writable by the group (0770) is refused, named (exit 1)" \
	1 "s-mode/records: spool directory permissions 0770 are too open" fill s-mode
chmod 0750 "$T/s-mode/records"
chmod 0753 "$T/s-mode/tmp"
expect "tmp/ writable by others (0753) is refused, named (exit 1)" \
	1 "s-mode/tmp: spool directory permissions 0753 are too open" fill s-mode
chmod 0750 "$T/s-mode/tmp"
expect "the same spool with its modes put back is accepted (exit 0)" 0 "" fill s-mode
if [ $root = 1 ] && [ -n "$other" ]; then
	spool s-owner
	chown "$other" "$T/s-owner"
	expect "a spool directory owned by another user is refused, naming the owner (exit 1)" \
		1 "s-owner: spool directory is owned by uid $other, not by this process's user \(uid 0\)" \
		fill s-owner
else
	skip "a spool directory owned by another user is refused" "needs root and a user nobody"
fi

# ---- 15: anpr-keygen -f failing half-way keeps the old pair
G=$T/kg
mkdir -m 0700 "$G"
"$KEYGEN" -p "$G/camera.pub" -s "$G/camera.key" > /dev/null
GSUM=$(sums "$G/camera.key" "$G/camera.pub")
expect "anpr-keygen -f --owner <no such user> fails, naming the user (exit 1)" \
	1 "--owner no-such-user-xyz: no such user" \
	"$KEYGEN" -f --owner no-such-user-xyz -p "$G/camera.pub" -s "$G/camera.key"
same "... and the old key pair is untouched" "$GSUM" "$G/camera.key" "$G/camera.pub"
expect "anpr-keygen -f with an unwritable -p fails, naming it (exit 1)" \
	1 "kg/missing/camera.pub: cannot create: No such file or directory" \
	"$KEYGEN" -f -p "$G/missing/camera.pub" -s "$G/camera.key"
same "... and the old key pair is untouched" "$GSUM" "$G/camera.key" "$G/camera.pub"
expect "anpr-keygen -f with an unwritable -s fails, naming it (exit 1)" \
	1 "kg/missing/camera.key: cannot create: No such file or directory" \
	"$KEYGEN" -f -p "$G/camera.pub" -s "$G/missing/camera.key"
same "... and the old key pair is untouched" "$GSUM" "$G/camera.key" "$G/camera.pub"
mkdir "$G/adir"
expect "anpr-keygen -f onto a directory fails before writing anything (exit 1)" \
	1 "kg/adir: not a regular file" \
	"$KEYGEN" -f -p "$G/camera.pub" -s "$G/adir"
same "... and the old key pair is untouched" "$GSUM" "$G/camera.key" "$G/camera.pub"
# the secret key's rename itself failing (a file mounted over it: EBUSY)
# after the public key's: the old public key is put back
if [ $root = 1 ] && touch "$G/over" && mount --bind "$G/over" "$G/camera.key" 2>/dev/null; then
	expect "anpr-keygen -f whose last rename fails says so (exit 1)" \
		1 "kg/camera.key: cannot replace: Device or resource busy" \
		"$KEYGEN" -f -p "$G/camera.pub" -s "$G/camera.key"
	umount "$G/camera.key"
	same "... and puts the old public key back: the old pair is intact" \
		"$GSUM" "$G/camera.key" "$G/camera.pub"
	check "... leaving no temporary files behind" \
		test -z "$(find "$G" -name '.camera.*')"
else
	skip "anpr-keygen -f whose last rename fails puts the old public key back" \
		"needs root and a bind mount"
fi
expect "anpr-keygen -f that succeeds replaces both (exit 0)" 0 "fingerprint: sha256:" \
	"$KEYGEN" -f -p "$G/camera.pub" -s "$G/camera.key"
NEW=$(sums "$G/camera.key" "$G/camera.pub")
check "... both files are new (sha256 of each differs), the secret key mode 0600" \
	test "$(echo $NEW | cut -d' ' -f1)" != "$(echo $GSUM | cut -d' ' -f1)" -a \
	     "$(echo $NEW | cut -d' ' -f2)" != "$(echo $GSUM | cut -d' ' -f2)" -a \
	     "$(stat -c %a "$G/camera.key")" = 600

# ---- 16: a passphrase file others may read
P=$T/pass
echo 'correct horse battery staple' > "$P"
chmod 0644 "$P"
expect "anpr-keygen refuses a world-readable passphrase file, naming file and mode (exit 1)" \
	1 "pass: passphrase file permissions 0644 are too open" \
	"$KEYGEN" --passphrase-file "$P" -p "$T/enc.pub" -s "$T/enc.key"
check "... and writes no key" test ! -e "$T/enc.key" -a ! -e "$T/enc.pub"
chmod 0600 "$P"
expect "with the file at 0600 it makes the encrypted key (exit 0)" 0 "scrypt-encrypted" \
	"$KEYGEN" --passphrase-file "$P" -p "$T/enc.pub" -s "$T/enc.key"
chmod 0640 "$P"
mkdir -m 0750 "$T/s-enc"
conf "$T/s-enc" | sed "s|^signing_key = .*|signing_key = $T/enc.key|" > "$T/s-enc.conf"
expect "anprd refuses a group-readable --key-passphrase-file (exit 2)" \
	2 "pass: passphrase file permissions 0640 are too open" \
	"$ANPRD" --config "$T/s-enc.conf" --key-passphrase-file "$P" --run-for 1
chmod 0600 "$P"
if [ $root = 1 ] && [ -n "$other" ]; then
	chown "$other" "$P"
	expect "a passphrase file owned by another user is refused (exit 1)" \
		1 "pass: passphrase file is owned by uid $other, not by this process's user" \
		"$KEYGEN" --passphrase-file "$P" -p "$T/enc2.pub" -s "$T/enc2.key"
	chown 0 "$P"
else
	skip "a passphrase file owned by another user is refused" "needs root and a user nobody"
fi

# ---- 6: the signing key in a core dump
start_anprd() {	# start_anprd SPOOL: in the background, until it signed 3 records
	conf "$T/$1" > "$T/$1.conf"
	(cd "$T/$1.cwd" && exec "$ANPRD" --config "$T/$1.conf" --replay-loop) > "$T/$1.out" 2>&1 &
	pid=$!
	for i in $(seq 100); do
		[ "$(find "$T/$1/records" -name '*.rec' 2>/dev/null | wc -l)" -ge 3 ] && return 0
		sleep 0.2
	done
	return 1
}
mkdir "$T/s-mem.cwd"
if start_anprd s-mem; then
	if [ $root = 1 ]; then
		expect "the running anprd holds its key only in memory a core dump leaves out (MADV_DONTDUMP)" \
			0 "where a core dump would hold them" \
			/usr/bin/python3 "$MEMSCAN" "$pid" "$K/camera.key"
		cat "$OUT" | sed 's/^/#   /'
	else
		skip "the running anprd holds its key only in don't-dump memory" "needs root to read its memory"
	fi
	kill -TERM $pid; wait $pid
else
	nok "anprd did not start on the test frame"; sed 's/^/#   /' "$T/s-mem.out"
fi

# What the systemd watchdog's SIGABRT would leave: a core where the kernel
# writes one (a core_pattern naming a file in the process's directory), as
# a dumpable control process shows it does here.
pattern=$(cat /proc/sys/kernel/core_pattern)
abort_in() {	# abort_in DIR CMD...: start CMD in DIR with cores allowed, SIGABRT it
	local dir=$1; shift
	( cd "$dir" && ulimit -c unlimited && exec "$@" ) > "$dir.out" 2>&1 &
	local p=$!
	sleep "${ABORT_AFTER:-3}"
	kill -ABRT $p
	wait $p 2>/dev/null	# (not bash's "Aborted" line)
}
mkdir "$T/ctl"
if (ulimit -c unlimited) 2>/dev/null && [ "${pattern#|}" = "$pattern" ] && [ "${pattern#/}" = "$pattern" ] &&
   ABORT_AFTER=0.5 abort_in "$T/ctl" sleep 30; [ -n "$(ls "$T/ctl")" ]; then
	ok "control: a dumpable process SIGABRTed here leaves a core ($(ls "$T/ctl"))"
	mkdir "$T/core-anprd"
	conf "$T/s-core" > "$T/s-core.conf"
	abort_in "$T/core-anprd" "$ANPRD" --config "$T/s-core.conf" --replay-loop
	rc=$?
	cores=$(ls "$T/core-anprd")
	check "anprd killed by SIGABRT (the watchdog's signal; status $rc) leaves no core: it is not dumpable" \
		test $rc = 134 -a -z "$cores"
	for c in $cores; do /usr/bin/python3 "$MEMSCAN" --file "$T/core-anprd/$c" "$K/camera.key" | sed 's/^/# /'; done
	mkdir "$T/core-upload"
	{ conf "$T/s-core"; printf '\n[upload]\nurl = https://127.0.0.1:9\ntimeout = 250ms\n'; } > "$T/up.conf"
	abort_in "$T/core-upload" "$UPLOAD" --config "$T/up.conf" --state "$T/up-state" --poll-ms 100
	rc=$?
	check "anpr-upload killed by SIGABRT (status $rc) leaves no core (its TLS client key)" \
		test $rc = 134 -a -z "$(ls "$T/core-upload")"
else
	skip "the watchdog's SIGABRT leaves no core of anprd or anpr-upload" \
		"no core where this test can see it here (core_pattern '$pattern', RLIMIT_CORE)"
fi
for u in anprd anpr-upload; do
	check "systemd/$u.service sets LimitCORE=0" grep -qx 'LimitCORE=0' "$TOP/systemd/$u.service"
done

tap_done
