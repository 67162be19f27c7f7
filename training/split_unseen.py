#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Leave the unseen part out of train.sh's dev-photo and gb_chars lists.

    split_unseen.py DEV_LIST GB_LIST N

A dev photo is unseen when the FNV-1a hash of its plate text % 10 < N, a
gb_chars crop when the hash of its source photo (the name after
"<char>-<variant>-") % 10 < N: the split tests/reader/bench_reader.c
measures (--unseen N). The lists are rewritten in place without them.
"""
import sys


def fnv(s):
    h = 2166136261
    for b in s.encode():
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


def crop_key(path):
    """A crop's source photo: its name after "<char>-<variant>-" (the
    whole name if it has no two dashes), as bench_reader.c and the
    dumper's groups take it."""
    name = path.rsplit("/", 1)[-1]
    parts = name.split("-", 2)
    return parts[2] if len(parts) == 3 else name


def main():
    dev, gb, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for path, key in ((dev, lambda f: f[1]),
                      (gb, lambda f: crop_key(f[0]))):
        with open(path) as f:
            rows = f.read().splitlines()
        keep = [r for r in rows if fnv(key(r.split("\t"))) % 10 >= n]
        with open(path, "w") as f:
            f.write("".join(r + "\n" for r in keep))
        print("train: %s: %d of %d kept, %d unseen left out" %
              (path, len(keep), len(rows), len(rows) - len(keep)))


if __name__ == "__main__":
    main()
