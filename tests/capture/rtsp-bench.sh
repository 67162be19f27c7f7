#!/bin/bash
# rtsp-bench.sh BUILD - make bench: what libanprcap's rtsp: source costs to
# receive, decode and hand over 1920x1080 H.264 at 25 frames/s (the CPU
# time of anpr-capture -q, all its threads: RTSP, jitter buffer, depayloader,
# decoder, handover), from anpr-rtsp-testsrv on loopback streaming rendered
# IR frames. Two runs, 50 and 300 frames: their difference over 250 frames
# leaves out start-up (GStreamer's registry, the connection). The server's
# encoder runs on the same machine, so on a busy machine the figure is high
# rather than low.
set -u
cd "$(dirname "$0")/../.."
b=${1:-build}
bin=$PWD/$b/bin
t=$(mktemp -d /tmp/anpr-rtsp-bench-XXXXXX)
srv=
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; wait 2>/dev/null; rm -rf "$t"' EXIT

/usr/bin/python3 demo/render_frames.py --out "$t/frames" --width 1920 --height 1080 \
	--frames-per-vehicle 10 --gap 5 --plates VV21TOU,RU71PHA > /dev/null || exit 1
port=$((24000 + ($$ % 5000)))
"$bin/anpr-rtsp-testsrv" --port $port --frames "$t/frames" --codec h264 > "$t/srv.log" 2>&1 &
srv=$!
for _ in $(seq 50); do grep -q '^ready' "$t/srv.log" && break; sleep 0.1; done

# cpu N: CPU seconds (user + system) anpr-capture takes for N frames
cpu() {
	local out
	TIMEFORMAT='%U %S'
	out=$( { time "$bin/anpr-capture" "rtsp://127.0.0.1:$port/cam" -q -n "$1" \
		> /dev/null 2> "$t/cap.err"; } 2>&1 ) || { cat "$t/cap.err" >&2; return 1; }
	echo "$out" | awk '{ print $1 + $2 }'
}
c50=$(cpu 50) || exit 1
c300=$(cpu 300) || exit 1
awk -v a="$c50" -v b="$c300" 'BEGIN {
	ms = (b - a) / 250 * 1000; share = ms / 40 * 100
	printf "rtsp 1080p25 H.264 receive+decode+handover, CPU per frame: %.2f ms  (target < 20 ms)  %s\n",
		ms, ms < 20 ? "OK" : "MISS"
	printf "rtsp 1080p25 H.264 share of one core at 25 fps: %.0f %%  (target < 50 %%)  %s\n",
		share, share < 50 ? "OK" : "MISS"
}'
