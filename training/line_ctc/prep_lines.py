#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Experiment (docs/reader.md, "A line recognizer: first measurement"):
cut plate crops at their labelled boxes into 32x128 grey arrays for
train_line_ctc.py. Not part of the product, the build or the tests.

usage: prep_lines.py --synth build/train/synth/list.tsv --top . \
       --dev ../shared/data/plates/dev --held tenth|half --out DIR
Writes DIR/synth.npz (one crop per rendered scene, two-row plates left
out) and DIR/dev.npz (per photo one exact crop and 8 with the box's edges
moved by up to 6 % of its width and 10 % of its height; HO marks the
held-out photos: FNV-1a of the plate text % 10 == 0 (tenth, as the bench)
or % 2 == 1 (half)).
"""
import argparse
import os
import random

import numpy as np
from PIL import Image

H, W = 32, 128


def crop(im, x, y, w, h, rnd):
    mx, my = 0.06 * w, 0.10 * h

    def j(m):
        return rnd.uniform(-m, m) if rnd else 0
    box = (int(x + j(mx)), int(y + j(my)), int(x + w + j(mx)), int(y + h + j(my)))
    a = np.asarray(im.crop(box).resize((W, H), Image.BILINEAR), dtype=np.float32)
    lo, hi = np.percentile(a, 2), np.percentile(a, 98)
    return np.clip((a - lo) / max(hi - lo, 16), 0, 1)


def fnv(t):
    h = 2166136261
    for c in t.encode():
        h = ((h ^ c) * 16777619) & 0xffffffff
    return h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--synth", required=True)
    ap.add_argument("--top", default=".")
    ap.add_argument("--dev", required=True)
    ap.add_argument("--held", choices=("tenth", "half"), default="tenth")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rnd = random.Random(1)
    X, T = [], []
    for line in open(a.synth):
        f, t, x, y, w, h = line.rstrip("\n").split("\t")
        x, y, w, h = map(int, (x, y, w, h))
        if h > 0.45 * w:
            continue
        im = Image.open(os.path.join(a.top, f)).convert("L")
        X.append(crop(im, x, y, w, h, rnd))
        T.append(t)
    np.savez_compressed(os.path.join(a.out, "synth.npz"), X=np.array(X), T=np.array(T))
    print("synth", len(X))
    X, T, S, HO = [], [], [], []
    for line in open(os.path.join(a.dev, "labels.tsv")).read().splitlines()[1:]:
        r = line.split("\t")
        if not r[2]:
            continue
        x, y, w, h = map(int, r[2:6])
        try:
            im = Image.open(os.path.join(a.dev, r[0])).convert("L")
        except OSError as e:
            print("skip", r[0], e)
            continue
        held = fnv(r[1]) % 10 == 0 if a.held == "tenth" else fnv(r[1]) % 2 == 1
        for k in range(9):
            X.append(crop(im, x, y, w, h, rnd if k else None))
            T.append(r[1])
            S.append(r[0].split("/")[0])
            HO.append(int(held))
    np.savez_compressed(os.path.join(a.out, "dev.npz"), X=np.array(X), T=np.array(T),
                        S=np.array(S), HO=np.array(HO))
    print("dev", len(X))


if __name__ == "__main__":
    main()
