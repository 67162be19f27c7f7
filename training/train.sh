#!/bin/bash
# Rebuild the reader's character classifier, training/weights/chars.bin,
# and its line recognizer, training/weights/lines.bin (with lines.check, one
# input and torch's output for it, which the C inference's test compares),
# from nothing but this repository, Debian packages and the dev photos:
#   1. render synthetic plate scenes (render_plates.py, seeded), and small,
#      blurred ones as far or moving plates give them;
#   2. cut training patches from them, from the dev photos (labelled plate
#      box) and from the UK character crops, with the reader's own pipeline
#      (anpr-train-dump, so training sees exactly what inference sees);
#   3. train (train_chars.py, seeded, one thread: deterministic) and write
#      the weights;
#   4. cut the band of every line found over a plate, from the same scenes
#      and photos (anpr-train-dump lines), and train the line recognizer
#      on them (train_lines.py, seeded, one thread).
#   training/train.sh BUILD_DIR SEED        (via `make train-reader`)
# ANPR_TRAIN_UNSEEN=N (0..9, default 0) leaves out of every step the dev
# photos whose plate text's FNV-1a hash % 10 < N and the gb_chars crops whose
# source photo's hash % 10 < N (`make bench-reader-unseen`: N = 3, the bench
# measures them as unseen). The synthetic scenes stay. A render already
# made with the same seed and counts (its stamp file) is used again.
set -eu
build=${1:-build}
seed=${2:-1}
top=$(cd "$(dirname "$0")/.." && pwd)
dev=${ANPR_DEV:-$top/../shared/data/plates/dev}
work=${ANPR_TRAIN_WORK:-$build/train}
py=/usr/bin/python3
out=${ANPR_WEIGHTS_OUT:-$top/training/weights/chars.bin}
lines_out=${ANPR_LINE_WEIGHTS_OUT:-$top/training/weights/lines.bin}
unseen=${ANPR_TRAIN_UNSEEN:-0}
case $unseen in [0-9]) ;; *) echo "train: ANPR_TRAIN_UNSEEN must be 0..9" >&2; exit 2 ;; esac

missing=$(sed 's/#.*//' "$top/training/deps.list" | while read -r p; do
	[ -n "$p" ] || continue
	dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || echo "$p"
done)
if [ -n "$missing" ]; then
	echo "train: installing" $missing
	SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

mkdir -p "$work"
stamp="$work/synth/rendered-6000-4000-seed$seed"
if [ -f "$stamp" ]; then
	echo "train: synthetic scenes of seed $seed already rendered ($stamp)"
else
	echo "train: rendering 6000 synthetic scenes and 4000 small, degraded ones (seed $seed)"
	rm -rf "$work/synth"
	$py "$top/training/render_plates.py" --out "$work/synth" --count 6000 --degraded 4000 --seed "$seed"
	touch "$stamp"
fi
"$build/bin/anpr-train-dump" scenes "$work/synth/list.tsv" "$work/synth.bin"
data=(--data "synth=$work/synth.bin")
if [ -f "$dev/labels.tsv" ]; then
	awk -F'\t' -v d="$dev" 'NR>1{print d"/"$1"\t"$2"\t"$3"\t"$4"\t"$5"\t"$6}' \
		"$dev/labels.tsv" >"$work/dev.list"
	awk -F'\t' -v d="$dev/gb_chars" 'NR>1{print d"/"$1"\t"$2}' \
		"$dev/gb_chars/labels.tsv" >"$work/gb.list"
	if [ "$unseen" != 0 ]; then
		# The unseen part (the bench's split: tests/reader/bench_reader.c):
		# dev photos by plate text, crops by source photo, FNV-1a % 10 < N.
		$py "$top/training/split_unseen.py" "$work/dev.list" "$work/gb.list" "$unseen"
	fi
	# Two dev photos are formats imageio refuses; the dumper says which.
	"$build/bin/anpr-train-dump" scenes "$work/dev.list" "$work/dev.bin" || true
	"$build/bin/anpr-train-dump" chars "$work/gb.list" "$work/gb.bin"
	data+=(--data "dev=$work/dev.bin:4" --data "gb=$work/gb.bin:3" --val dev --val gb)
else
	echo "train: $dev/labels.tsv not found: synthetic data only"
fi
# The two nets train side by side (each on one thread, deterministic): the
# line records do not depend on the classifier (the dumper reads with no
# weights), so nothing of step 3 reaches step 4.
$py "$top/training/train_chars.py" --out "$out" --seed "$seed" --epochs 14 "${data[@]}" &
chars_pid=$!
trap 'kill "$chars_pid" 2>/dev/null || true' EXIT

"$build/bin/anpr-train-dump" lines "$work/synth/list.tsv" "$work/synth.lines"
line_data=(--data "synth=$work/synth.lines")
if [ -f "$dev/labels.tsv" ]; then
	"$build/bin/anpr-train-dump" lines "$work/dev.list" "$work/dev.lines" || true
	line_data+=(--data "dev=$work/dev.lines:3" --val dev)
fi
$py "$top/training/train_lines.py" --out "$lines_out" --check "${lines_out%.bin}.check" \
	--seed "$seed" --epochs 8 "${line_data[@]}"
wait "$chars_pid"
trap - EXIT
sha256sum "$out" "$lines_out"
