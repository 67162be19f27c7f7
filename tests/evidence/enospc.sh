#!/bin/bash
# Disk-full suite for issue 6, on a real filesystem that really fills up:
# a tiny tmpfs (blocks, then inodes). The writer must stop intake with a
# loud error naming the file and the reason, leave a spool that verifies
# with every acknowledged record present, and carry on after space is
# freed. Needs to mount: as root directly, otherwise inside an unprivileged
# user+mount namespace (unshare -rm); if neither is allowed the suite says
# so and fails rather than pretending.
#   tests/evidence/enospc.sh BUILD_DIR
set -u
B=$(cd "${1:-build}" && pwd)
if [ "${EV_ENOSPC_INNER:-}" != 1 ]; then
	if [ "$(id -u)" = 0 ]; then
		EV_ENOSPC_INNER=1 exec "$0" "$B"
	fi
	if unshare -rm true 2> /dev/null; then
		EV_ENOSPC_INNER=1 exec unshare -rm "$0" "$B"
	fi
	echo "not ok 1 - cannot mount a small tmpfs here (not root, no user namespaces)"
	exit 1
fi
KEYGEN=$B/bin/anpr-keygen
VERIFY=$B/bin/anpr-verify
FILL=$B/evidence/ev_fill
T=$(mktemp -d /tmp/ev-enospc.XXXXXX)
M=$T/mnt
mkdir "$M"
trap 'umount "$M" 2> /dev/null; rm -rf "$T"' EXIT
n=0
ok()  { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; sed 's/^/#   /' "$T/err" 2>/dev/null | head -5; fi; }
"$KEYGEN" -p "$T/k.pub" -s "$T/k.key" > /dev/null

full_case() { # NAME MOUNT_OPTIONS
	local name=$1 opts=$2
	mount -t tmpfs -o "$opts" tmpfs "$M" || { nok "$name: mount $opts"; return; }
	local S=$M/spool
	# ballast, removed later to free blocks and inodes
	mkdir "$M/ballast"
	head -c 98304 /dev/zero > "$M/ballast/blocks"
	for i in $(seq 1 16); do : > "$M/ballast/inode.$i"; done
	"$FILL" --spool "$S" --key "$T/k.key" --n 100000 --images \
		--plate-bytes 1000 --overview-bytes 5000 --batch 4 \
		--checkpoint 10 > "$T/out" 2> "$T/err"
	local rc=$?
	check "$name: the writer stops with an error (exit $rc)" test $rc -ne 0
	check "$name: the error is loud and names the file and the reason" \
		bash -c "grep -q 'INTAKE STOPPED' '$T/err' && grep -q '$S/.*No space left on device: intake stopped' '$T/err'"
	local acked; acked=$(sed -n 's/^ack //p' "$T/out" | tail -1)
	"$VERIFY" --key "$T/k.pub" "$S" > "$T/v" 2>&1
	check "$name: what is on disk verifies" test $? -eq 0
	local last
	last=$(find "$S/records" -name '*.rec' | sort | tail -1 | sed 's/.*\/0*\([0-9]*\)\.rec/\1/')
	check "$name: all $acked acknowledged records are present (last $last)" \
		test "${last:-0}" -ge "${acked:-1}"
	check "$name: no half-written file outside tmp/" \
		bash -c "! find '$S/records' -size 0 | grep -q ."
	# a restart while still full (it first empties tmp/) stops again,
	# loudly, and spoils nothing
	"$FILL" --spool "$S" --key "$T/k.key" --n 100000 --images \
		--plate-bytes 1000 --overview-bytes 5000 > "$T/out2" 2> "$T/err"
	check "$name: a restart on the full disk stops again, loudly" \
		bash -c "[ $? -ne 0 ] && grep -q 'No space left on device' '$T/err'"
	"$VERIFY" --key "$T/k.pub" "$S" > "$T/v" 2>&1
	check "$name: ... and the spool still verifies" test $? -eq 0
	# free space: intake resumes, the chain continues
	rm -rf "$M/ballast"
	"$FILL" --spool "$S" --key "$T/k.key" --n 2 --images --plate-bytes 1000 \
		--overview-bytes 5000 > "$T/out3" 2> "$T/err"
	check "$name: after space is freed the writer carries on" test $? -eq 0
	"$VERIFY" --key "$T/k.pub" "$S" > "$T/v" 2>&1
	check "$name: and the whole chain verifies" \
		bash -c "[ $? -eq 0 ] && grep -q 'writer restarted' '$T/v'"
	umount "$M"
}
full_case "blocks full" "size=256k"
full_case "inodes full" "size=8m,nr_inodes=60"
