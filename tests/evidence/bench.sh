#!/bin/bash
# make bench for issue 6: durable signed records/s into the spool with the
# daemon's commit policy (syncfs group commit, 64 records a batch), with and
# without the two JPEGs per read; the per-file fsync policy for comparison;
# and the signing rate next to libsodium's.
#   tests/evidence/bench.sh BUILD_DIR
set -eu
B=${1:-build}
T=$(mktemp -d "$B/ev-bench.XXXXXX")
trap 'umount "$T/ext4" 2> /dev/null || true; rm -rf "$T"' EXIT
"$B/bin/anpr-keygen" -p "$T/k.pub" -s "$T/k.key" > /dev/null
"$B/evidence/bench_sign"
run() { rm -rf "$1"; "$B/evidence/ev_fill" --spool "$1" --key "$T/k.key" --bench \
	--checkpoint 1000 "${@:2}"; }
echo "# spool on the build directory's filesystem (shared with everything else):"
run "$T/s" --n 20000
run "$T/s" --n 5000 --images --plate-bytes 3000 --overview-bytes 30000
run "$T/s" --n 1000 --sync fsync | sed 's/  (target.*/  (for comparison: per-file fdatasync, no target)/'
# The deployment docs/spool.md recommends: the spool on its own filesystem,
# so that syncfs flushes only the spool. Measured on a loop-mounted ext4
# when we may mount (root).
if [ "$(id -u)" = 0 ] && command -v mkfs.ext4 > /dev/null; then
	truncate -s 2G "$T/ext4.img"
	mkfs.ext4 -q -F -i 4096 "$T/ext4.img"
	mkdir "$T/ext4"
	if mount -o loop "$T/ext4.img" "$T/ext4"; then
		echo "# spool on its own ext4 filesystem (loop device):"
		run "$T/ext4/s" --n 20000
		run "$T/ext4/s" --n 5000 --images --plate-bytes 3000 --overview-bytes 30000
		umount "$T/ext4"
	fi
fi
