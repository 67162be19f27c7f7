#!/bin/bash
# SPDX-License-Identifier: MIT
# The unseen split of `make bench-reader-unseen` (training/split_unseen.py):
# the hash is FNV-1a as bench_reader.c and anpr-train-dump compute it (the
# standard test vectors), dev photos go by plate text and gb_chars crops by
# source photo, residues < N are left out and the rest kept as they were.
# A smoke test of the machinery; the training run itself is not (10+ min).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
check() {
	local what=$1
	shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then echo "ok $n - $what"; else echo "not ok $n - $what"; fi
}

vec=$(python3 -c "
import sys; sys.path.insert(0, '$top/training')
from split_unseen import fnv
print('%08x %08x %08x' % (fnv(''), fnv('a'), fnv('foobar')))")
check "FNV-1a test vectors" test "$vec" = "811c9dc5 e40c292c bf9cf968"

# plate text hash % 10: AB12CDE 1, AYO9034 2, LIG4589 5, AZJ6991 7, CAR1 8
printf 'd/gb/1.jpg\tAB12CDE\t1\t2\t3\t4\nd/br/2.jpg\tAYO9034\t\t\t\t\nd/gb/3.jpg\tLIG4589\t1\t2\t3\t4\nd/br/4.jpg\tAZJ6991\t1\t2\t3\t4\nd/us/5.jpg\tCAR1\t1\t2\t3\t4\n' >"$tmp/dev.list"
# source photo hash % 10: photo1.png 5, photo2.png 0, img-3.jpg 5, nodash.png 9
printf 'd/gb_chars/A-1-photo1.png\tA\nd/gb_chars/B-2-photo2.png\tB\nd/gb_chars/C-1-img-3.jpg\tC\nd/gb_chars/nodash.png\tD\n' >"$tmp/gb.list"
cp "$tmp/dev.list" "$tmp/dev.all"
cp "$tmp/gb.list" "$tmp/gb.all"
check "split_unseen.py runs" python3 "$top/training/split_unseen.py" "$tmp/dev.list" "$tmp/gb.list" 3
check "dev photos of residue 0..2 left out, the rest kept whole" \
	diff "$tmp/dev.list" <(sed -n '3,5p' "$tmp/dev.all")
check "gb_chars crops left out by source photo, not by name" \
	diff "$tmp/gb.list" <(sed -n '1p;3,4p' "$tmp/gb.all")
cp "$tmp/dev.all" "$tmp/dev.list"
cp "$tmp/gb.all" "$tmp/gb.list"
python3 "$top/training/split_unseen.py" "$tmp/dev.list" "$tmp/gb.list" 6 >/dev/null
check "N = 6 leaves out residue 5 too" diff "$tmp/dev.list" <(sed -n '4,5p' "$tmp/dev.all")
check "train.sh refuses an ANPR_TRAIN_UNSEEN out of 0..9 (before anything else)" \
	bash -c "ANPR_TRAIN_UNSEEN=12 '$top/training/train.sh' '$tmp/nobuild' 1; test \$? = 2"
echo "1..$n"
