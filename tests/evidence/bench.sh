#!/bin/bash
# make bench for issue 6: durable signed records/s into the spool (records
# acknowledged only after the group commit's data and directory syncs),
# with both sync policies, the batch size anprd configures (64) and a
# larger one, with and without the two JPEGs of a read; and the signing
# rate next to libsodium's. The machine is shared: the load average is
# printed with the figures.
#   tests/evidence/bench.sh BUILD_DIR
set -eu
B=${1:-build}
T=$(mktemp -d "$B/ev-bench.XXXXXX")
trap 'umount "$T/ext4" 2> /dev/null || true; rm -rf "$T"' EXIT
"$B/bin/anpr-keygen" -p "$T/k.pub" -s "$T/k.key" > /dev/null
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
"$B/evidence/bench_sign"
runs=0
# Best of 3 runs: on a shared machine the best run is the closest to what
# the code can do; each line says so.
run() {
	local best= out rate
	for i in 1 2 3; do
		# a fresh directory each run, removed only at the end: deleting
		# thousands of files just before a run makes ext4 scan past
		# "recently deleted" inodes, which would be measured instead
		runs=$((runs + 1))
		out=$("$B/evidence/ev_fill" --spool "$1.$runs" --key "$T/k.key" --bench \
			--checkpoint 100 "${@:2}")
		rate=$(head -1 <<< "$out" | sed -n 's/.*: \([0-9]*\) \/s .*/\1/p')
		if [ -z "$best" ] || [ "$rate" -gt "${best%%|*}" ]; then best="$rate|$out"; fi
	done
	echo "${best#*|}" | sed 's/ no images)/ no images, best of 3)/; s/ 2 images)/ 2 images, best of 3)/'
}
spools() {
	run "$1" --n 4000 --sync fsync --batch 64
	run "$1" --n 4000 --sync fsync --batch 256
	run "$1" --n 4000 --sync syncfs --batch 64
	run "$1" --n 1500 --sync syncfs --batch 64 --images --plate-bytes 3000 --overview-bytes 30000
}
echo "# spool on the build directory's filesystem (shared with everything else):"
spools "$T/s"
# docs/spool.md recommends the spool on its own filesystem (then syncfs
# flushes only the spool): measured on a loop-mounted ext4 when we may
# mount (root).
if [ "$(id -u)" = 0 ] && command -v mkfs.ext4 > /dev/null; then
	truncate -s 2G "$T/ext4.img"
	mkfs.ext4 -q -F -i 4096 "$T/ext4.img"
	mkdir "$T/ext4"
	if mount -o loop "$T/ext4.img" "$T/ext4"; then
		echo "# spool on its own ext4 filesystem (loop device):"
		spools "$T/ext4/s"
		umount "$T/ext4"
	fi
fi
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
