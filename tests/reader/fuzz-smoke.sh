#!/bin/bash
# A short libFuzzer run of each reader fuzzer (make check); `make fuzz`
# runs them longer. Seeds: the built-in weights (both nets) and the synthetic test
# plates. Prints TAP.
#   tests/reader/fuzz-smoke.sh BUILD_DIR SECONDS
set -u
build=${1:-build}
secs=${2:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
for f in fuzz_reader_weights fuzz_reader_frame; do
	n=$((n + 1))
	mkdir -p "$tmp/$f"
	cp training/weights/chars.bin "$tmp/$f/seed-weights"
	cp training/weights/lines.bin "$tmp/$f/seed-line-weights"
	cp tests/reader/data/*.png "$tmp/$f/"
	if (cd "$tmp" && "$OLDPWD/$build/fuzz/$f" -max_total_time="$secs" \
		-rss_limit_mb=1024 "$tmp/$f" >"$tmp/$f.log" 2>&1); then
		echo "ok $n - $f: $(grep -o 'Done [0-9]* runs' "$tmp/$f.log"), no crash"
	else
		echo "not ok $n - $f crashed:"
		grep -E 'ERROR|SUMMARY|#[0-9] ' "$tmp/$f.log" | head -20 | sed 's/^/# /'
		fails=$((fails + 1))
	fi
done
echo "1..$n"
[ $fails -eq 0 ]
