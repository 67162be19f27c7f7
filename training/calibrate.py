#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The reader's confidence, calibrated (issue 21, item 5).

The reader ranks its readings (rank.c: the decoded score, the format's
prior, size, polarity, the frame's edge, agreeing readings, the plate
evidence); the confidence it reports is a logistic function of that rank,
one slope, an intercept per region setting and, for a UK frame's
readings of no UK format (gb-free), one per family: a known foreign or
test mark's shape, or none (rd_rank_confidence), fitted here on readings whose
truth is known, so that 0.9 means about 9 in 10 right.

  calibrate.py fit ANPR_READ --dev DEV --gb DIR...
      fits on the dev photos the unseen split leaves for training (FNV-1a
      of the plate text % 10 >= 3, with their set's region) and on the
      rendered UK frames of DIR... (region gb; never the bench's sets; a
      fifth of their plates foreign or test marks, render.py --foreign), and
      prints the coefficients as rank.c's table.
  calibrate.py table ANPR_READ [--dev DEV --part unseen|trained] [--gb DIR...]
      prints the table of stated confidence against observed correctness:
      per bin, readings, right, observed rate with a Wilson 95 % interval.

A reading is right when its text is the plate's exactly. In the rendered
frames (one vehicle each) a reading away from the plate is wrong; in the
dev photos readings away from the labelled plate are left out (other
vehicles' plates there are not labelled), so the dev rows speak for
readings over a plate only. ANPR_READ is run with --json --rank
--min-confidence 0 (every reading the reader makes, whatever its
confidence).
"""
import argparse
import json
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from split_unseen import fnv  # noqa: E402

UNSEEN = 3      # the unseen split of make bench-reader-unseen


def inside(box, b):
    cx, cy = b[0] + b[2] / 2, b[1] + b[3] / 2
    return box[0] <= cx <= box[0] + box[2] and box[1] <= cy <= box[1] + box[3]


GB_FREE_PRIOR = -4.0    # syntax.c's RD_GB_FREE_PRIOR
FAMILIES = ("own", "known", "free")     # struct anpr_plate's family


def x_of(p):
    """What the confidence is calibrated on (rank.c): the rank, and for a
    reading of no UK format (family 1 or 2) the rank without gb-free's
    prior, which is a preference among readings of one plate, not a sign
    that a foreign plate is misread."""
    return p["rank"] - (GB_FREE_PRIOR if p["family"] else 0.0)


def read(reader, region, files):
    out = {}
    for i in range(0, len(files), 200):
        r = subprocess.run([reader, "--json", "--rank", "--min-confidence", "0",
                            "--region", region] + files[i:i + 200],
                           capture_output=True, text=True, check=False)
        if r.returncode != 0:
            sys.exit("calibrate.py: %s failed: %s" % (reader, r.stderr))
        for line in r.stdout.splitlines():
            o = json.loads(line)
            out[o["file"]] = o["plates"]
    return out


def dev_samples(reader, dev, part):
    """(region, rank, confidence, right) of readings over labelled plates."""
    rows = {}
    with open(os.path.join(dev, "labels.tsv")) as f:
        next(f)
        for line in f:
            name, plate, x, y, w, h = line.rstrip("\n").split("\t")[:6]
            if not w:           # no plate box labelled: left out
                continue
            unseen = fnv(plate) % 10 < UNSEEN
            if (part == "unseen") != unseen:
                continue
            rows.setdefault(name.split("/")[0], []).append(
                (os.path.join(dev, name), plate, [int(x), int(y), int(w), int(h)]))
    s = []
    for region in sorted(rows):
        got = read(reader, region, [r[0] for r in rows[region]])
        for path, plate, box in rows[region]:
            for p in got.get(path, []):
                if inside(box, p["box"]):
                    s.append((region, x_of(p), p["confidence"], p["text"] == plate,
                              p["not_plate"], p["family"]))
    return s


def gb_samples(reader, d):
    truth = []
    with open(os.path.join(d, "truth.tsv")) as f:
        next(f)
        for line in f:
            c = line.rstrip("\n").split("\t")
            truth.append((os.path.join(d, c[0]), c[1], [int(v) for v in c[6].split(",")]))
    got = read(reader, "gb", [t[0] for t in truth])
    s = []
    for path, plate, box in truth:
        for p in got.get(path, []):
            s.append(("gb", x_of(p), p["confidence"],
                      inside(box, p["box"]) and p["text"] == plate, p["not_plate"],
                      p["family"]))
    return s


def fit(xs, ys):
    """Logistic regression y ~ sigmoid(a x + b), Newton's method, with a
    weak prior (one pseudo-reading each way at the mean rank) so that a
    set with no error at all still gives finite coefficients."""
    mx = sum(xs) / len(xs)
    xs, ys = xs + [mx, mx], ys + [1, 0]
    a, b = 1.0, 0.0
    for _ in range(100):
        g0 = g1 = h00 = h01 = h11 = 0.0
        for x, y in zip(xs, ys):
            p = 1 / (1 + math.exp(-max(-30, min(30, a * x + b))))
            g0 += (p - y) * x
            g1 += p - y
            w = p * (1 - p)
            h00 += w * x * x
            h01 += w * x
            h11 += w
        h00 += 1e-3
        h11 += 1e-3
        det = h00 * h11 - h01 * h01
        da = max(-2.0, min(2.0, (h11 * g0 - h01 * g1) / det))
        db = max(-2.0, min(2.0, (h00 * g1 - h01 * g0) / det))
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-9:
            break
    return a, b


def fit_b(xs, ys, a):
    """The intercept alone, for slope @a (the same pseudo-readings)."""
    mx = sum(xs) / len(xs)
    xs, ys = xs + [mx, mx], ys + [1, 0]
    b = 0.0
    for _ in range(100):
        g = h = 0.0
        for x, y in zip(xs, ys):
            p = 1 / (1 + math.exp(-max(-30, min(30, a * x + b))))
            g += p - y
            h += p * (1 - p)
        db = max(-2.0, min(2.0, g / (h + 1e-3)))
        b -= db
        if abs(db) < 1e-9:
            break
    return b


def wilson(k, n, z=1.96):
    if not n:
        return 0.0, 1.0
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


def table(name, s):
    bins = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001]
    print("| %s: stated confidence | readings | right | observed | 95 %% interval |" % name)
    print("|---|---|---|---|---|")
    for lo, hi in zip(bins, bins[1:]):
        b = [r for r in s if lo <= r[2] < hi]
        if not b:
            continue
        k = sum(1 for r in b if r[3])
        lo_i, hi_i = wilson(k, len(b))
        print("| %.2f..%.2f | %d | %d | %.2f | %.2f..%.2f |"
              % (lo, min(hi, 1.0), len(b), k, k / len(b), lo_i, hi_i))
    n = len(s)
    k = sum(1 for r in s if r[3])
    brier = sum((r[2] - r[3]) ** 2 for r in s) / n if n else 0
    stated = sum(r[2] for r in s) / n if n else 0
    print("| all | %d | %d | %.2f (stated mean %.2f) | Brier %.3f |\n"
          % (n, k, k / n if n else 0, stated, brier))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["fit", "table"])
    ap.add_argument("reader")
    ap.add_argument("--dev", default="")
    ap.add_argument("--part", default="trained", choices=["unseen", "trained"])
    ap.add_argument("--gb", nargs="*", default=[])
    a = ap.parse_args()
    s = []
    if a.dev:
        s += dev_samples(a.reader, a.dev, "trained" if a.mode == "fit" else a.part)
    for d in a.gb:
        s += gb_samples(a.reader, d)
    if a.mode == "fit":
        # Readings without a plate's evidence are held below 0.4 apart
        # (plate.c): the fit is for those with it.
        s = [x for x in s if not x[4]]
        # One slope for all (the rank's scale is the reader's own); an
        # intercept per region setting (formats' priors and the photos
        # differ) for readings of the region's own formats, and one per
        # family for a UK frame's readings of no UK format (rank.c): the
        # rendered sets hold foreign and test plates (render.py --foreign)
        # so that this fit sees them right, not only as UK plates misread.
        # The dev sets are small: a slope each overfits them.
        own = [x for x in s if x[5] == 0]
        a0 = fit([x[1] for x in own], [int(x[3]) for x in own])
        coef = {"auto": a0}
        for region in ("gb", "eu", "us", "br"):
            r = [x for x in own if x[0] == region]
            if r:
                coef[region] = (a0[0], fit_b([x[1] for x in r], [int(x[3]) for x in r], a0[0]))
                print("# %s: %d readings, %d right" % (region, len(r), sum(x[3] for x in r)))
        fam = {}
        for k in (1, 2):
            r = [x for x in s if x[5] == k]
            print("# gb-free %s: %d readings, %d right"
                  % (FAMILIES[k], len(r), sum(x[3] for x in r)))
            fam[k] = fit_b([x[1] for x in r], [int(x[3]) for x in r], a0[0]) if r else -4.0
        print("# all: %d readings" % len(s))
        print("static const float calib_slope = %.4ff;" % a0[0])
        print("\t/* auto, gb, eu, us, br: confidence = 1 / (1 + exp(-(a rank + b))) */")
        for region in ("auto", "gb", "eu", "us", "br"):
            print("\t%.4ff,\t/* %s */" % (coef.get(region, a0)[1], region))
        print("static const float calib_free[2] = { %.4ff, %.4ff };" % (fam[1], fam[2]))
        return
    for region in ("gb", "eu", "us", "br"):
        r = [x for x in s if x[0] == region]
        if r:
            table(region, r)
    for k in (1, 2):
        r = [x for x in s if x[5] == k]
        if r:
            table("gb-free, %s mark" % FAMILIES[k], r)
    table("all", s)


if __name__ == "__main__":
    main()
